package sim

import (
	"net/url"
	"time"
)

// A conference's status callbacks: the events its first participant
// subscribed to (statusCallbackEvent), sent to its statusCallback.

// eventKeywords maps conference events to the statusCallbackEvent keyword
// that subscribes to them.
var eventKeywords = map[string]string{
	"conference-start":   "start",
	"conference-end":     "end",
	"participant-join":   "join",
	"participant-leave":  "leave",
	"participant-mute":   "mute",
	"participant-unmute": "mute",
	"participant-hold":   "hold",
	"participant-unhold": "hold",
	"participant-modify": "modify",
	"announcement-end":   "announcement",
	"announcement-fail":  "announcement",
}

// confEvent sends a conference status callback, if the conference's first
// participant subscribed to it.
func (e *Engine) confEvent(cf *Conference, event string, pt *Participant, extra url.Values) {
	if cf.cbURL == "" || !cf.cbEvents[eventKeywords[event]] {
		return
	}
	// UNCONFIRMED: conference SequenceNumber starts at 1 here.
	cf.cbSeq++
	v := make(url.Values, 16) // room for every parameter below: the map never grows
	v["AccountSid"] = []string{e.cfg.AccountSid}
	v["ConferenceSid"] = []string{cf.Sid}
	v["FriendlyName"] = []string{cf.FriendlyName}
	v["StatusCallbackEvent"] = []string{event}
	v["SequenceNumber"] = []string{itoa(cf.cbSeq)}
	v["Timestamp"] = []string{e.now.Format(time.RFC1123Z)}
	var c *Call
	if pt != nil {
		c = pt.call
		v.Set("CallSid", pt.CallSid)
		v.Set("Muted", boolString(pt.Muted))
		v.Set("Hold", boolString(pt.Hold))
		v.Set("Coaching", boolString(pt.Coaching))
		v.Set("EndConferenceOnExit", boolString(pt.EndConferenceOnExit))
		v.Set("StartConferenceOnEnter", boolString(pt.StartConferenceOnEnter))
		if pt.Label != "" {
			v.Set("ParticipantLabel", pt.Label)
		}
		if pt.Coaching && pt.CallSidToCoach != "" {
			v.Set("CallSidToCoach", pt.CallSidToCoach)
		}
	}
	for k, vs := range extra {
		v[k] = vs
	}
	e.emit(EffectCallback, c, cf.cbURL, cf.cbMethod, v, "conference status callback ("+event+")", nil)
}

// endText is the Reason of conference-end: why the conference ended, in
// Twilio's words.
func endText(reason string, by *Participant) string {
	who := ""
	if by != nil {
		who = by.CallSid
	}
	switch reason {
	case EndedViaAPI:
		return "Conference ended via API"
	case EndedModeratorLeft:
		return "Participant " + who + " with endConferenceOnExit left the conference"
	case EndedModeratorKicked:
		return "Participant " + who + " with endConferenceOnExit was kicked from the conference"
	case EndedLastKicked:
		return "Last participant was kicked from the conference"
	}
	return "Last participant left the conference"
}
