package sim

import "net/url"

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
	p := e.newParamSet(maxParamsSmall + len(extra)) // room for every parameter below: the map never grows
	p.set("AccountSid", e.cfg.AccountSid)
	p.set("ConferenceSid", cf.Sid)
	p.set("FriendlyName", cf.FriendlyName)
	p.set("StatusCallbackEvent", event)
	p.set("SequenceNumber", itoa(cf.cbSeq))
	p.set("Timestamp", e.timestamp())
	var c *Call
	if pt != nil {
		c = pt.call
		p.set("CallSid", pt.CallSid)
		p.set("Muted", boolString(pt.Muted))
		p.set("Hold", boolString(pt.Hold))
		p.set("Coaching", boolString(pt.Coaching))
		p.set("EndConferenceOnExit", boolString(pt.EndConferenceOnExit))
		p.set("StartConferenceOnEnter", boolString(pt.StartConferenceOnEnter))
		if pt.Label != "" {
			p.set("ParticipantLabel", pt.Label)
		}
		if pt.Coaching && pt.CallSidToCoach != "" {
			p.set("CallSidToCoach", pt.CallSidToCoach)
		}
	}
	for k, vs := range extra {
		p.v[k] = vs
	}
	e.emitSet(EffectCallback, c, cf.cbURL, cf.cbMethod, p, confPurpose(event), nil)
}

// confPurposes are the Effect.Purpose of the conference status callbacks,
// by event, rendered once.
var confPurposes = func() map[string]string {
	m := map[string]string{}
	for _, ev := range []string{"conference-start", "conference-end", "participant-join", "participant-leave",
		"participant-hold", "participant-unhold", "participant-mute", "participant-unmute", "participant-modify",
		"announcement-end", "announcement-fail"} {
		m[ev] = "conference status callback (" + ev + ")"
	}
	return m
}()

// confPurpose is the Effect.Purpose of a conference status callback.
func confPurpose(event string) string {
	if p, ok := confPurposes[event]; ok {
		return p
	}
	return "conference status callback (" + event + ")"
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
