package sim

import (
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/holdlab/holdlab/fakeapi/twiml"
	"github.com/holdlab/holdlab/fakeapi/wire"
)

// ConferenceStatus is a Conference resource's status.
type ConferenceStatus string

// Twilio's conference statuses (https://www.twilio.com/docs/voice/api/conference-resource).
const (
	// ConferenceInit: created, waiting for enough participants to start.
	ConferenceInit ConferenceStatus = "init"
	// ConferenceInProgress: started (conference-start was sent).
	ConferenceInProgress ConferenceStatus = "in-progress"
	// ConferenceCompleted: ended; it never changes again.
	ConferenceCompleted ConferenceStatus = "completed"
)

// Twilio's ReasonConferenceEnded values (https://www.twilio.com/docs/voice/twiml/conference).
const (
	EndedViaAPI            = "conference-ended-via-api"
	EndedLastKicked        = "last-participant-kicked"
	EndedLastLeft          = "last-participant-left"
	EndedModeratorKicked   = "participant-with-end-conference-on-exit-kicked"
	EndedModeratorLeft     = "participant-with-end-conference-on-exit-left"
	defaultMaxParticipants = 250
)

// Conference is a conference room. Exported fields are read by the REST
// layer while the engine is not running; only the engine writes them.
type Conference struct {
	Sid          string
	FriendlyName string
	Status       ConferenceStatus
	Region       string
	DateCreated  time.Time
	DateUpdated  time.Time
	// ReasonEnded is ReasonConferenceEnded once completed.
	ReasonEnded string
	// CallSidEnding is the call whose exit ended it, if one did.
	CallSidEnding string

	roomIndex       // the live participants (pending and connected) and what the room hears (conference_room.go)
	joinSeq         int
	joinedAny       bool
	maxParticipants int
	// Status callbacks: fixed by the participant that created the
	// conference; later participants' settings are ignored (pitfall 9).
	cbURL, cbMethod string
	cbEvents        map[string]bool
	cbSeq           int
	announce        *mediaRunner
	ref             *RoomRef   // names it in the trace (confRef)
	params          url.Values // its request parameters, made once (confParams)
}

// ParticipantStatus is a Participant resource's status. Note "complete",
// not "completed" (https://www.twilio.com/docs/voice/api/conference-participant-resource).
type ParticipantStatus string

// Twilio's participant statuses.
const (
	ParticipantQueued     ParticipantStatus = "queued"
	ParticipantConnecting ParticipantStatus = "connecting"
	ParticipantRinging    ParticipantStatus = "ringing"
	ParticipantConnected  ParticipantStatus = "connected"
	ParticipantComplete   ParticipantStatus = "complete"
	ParticipantFailed     ParticipantStatus = "failed"
)

// Participant is one call in a conference. Exported fields are read by the
// REST layer while the engine is not running; only the engine writes them.
type Participant struct {
	CallSid                string
	ConferenceSid          string
	Label                  string
	Muted                  bool
	Hold                   bool
	Coaching               bool
	CallSidToCoach         string
	StartConferenceOnEnter bool
	EndConferenceOnExit    bool
	Beep                   string
	BeepOnExit             bool
	DateCreated            time.Time
	DateUpdated            time.Time

	conf       *Conference
	call       *Call
	prev, next *Participant // in the conference's list (conference_room.go)
	addSeq     int          // its place in the order participants were added to the conference

	waitURL, waitMethod string // resolved; "" with waitSet: silence
	waitSet             bool
	holdURL, holdMethod string

	joined    bool
	joinOrder int
	left      bool
	failed    bool
	viaAPI    bool // added by the Participants API: it has no TwiML to go back to

	dial *twiml.Dial // the <Dial> it joined with (TwiML participants)
	prog *program    // the document that <Dial> is in

	cb              confCallbacks
	maxParticipants int

	wait, hold, announce *mediaRunner
	lastHold             *mediaRunner // the runner of its last hold, stopped, for the next (renewRunner)
	limit                *event

	rest *RESTRef // the last request on it named in the trace (restRef)
}

type confCallbacks struct {
	url, method string
	events      map[string]bool
}

// Conference returns the participant's conference.
func (p *Participant) Conference() *Conference { return p.conf }

// Status is the participant's status as the REST API shows it.
func (p *Participant) Status() ParticipantStatus {
	switch {
	case p.left:
		return ParticipantComplete
	case p.failed:
		return ParticipantFailed
	case p.joined:
		return ParticipantConnected
	}
	switch p.call.Status {
	case StatusQueued:
		return ParticipantQueued
	case StatusRinging:
		return ParticipantRinging
	case StatusInProgress:
		return ParticipantConnecting
	}
	return ParticipantFailed
}

// --- lookups ---

// liveConference returns the conference named name that has not ended.
func (e *Engine) liveConference(name string) *Conference {
	return e.liveConfs[name]
}

func (e *Engine) newConference(name string) *Conference {
	cf := &Conference{
		Sid:             e.ids.Next("CF"),
		FriendlyName:    name,
		Status:          ConferenceInit,
		Region:          "us1",
		DateCreated:     e.now,
		DateUpdated:     e.now,
		maxParticipants: defaultMaxParticipants,
	}
	if e.confBySid == nil {
		e.confBySid, e.liveConfs = map[string]*Conference{}, map[string]*Conference{}
	}
	e.confs = append(e.confs, cf)
	e.confBySid[cf.Sid] = cf
	// A room is created only when no live one has its name.
	e.liveConfs[name] = cf
	return cf
}

// confName renders a conference for traces: "support-room".
func confName(cf *Conference) string { return cf.FriendlyName }

// --- joining through TwiML ---

// dialConference runs <Dial><Conference>. It returns true when the call
// simply goes on with the next verb.
func (e *Engine) dialConference(c *Call, p *program, d *twiml.Dial, n *twiml.Conference) bool {
	e.traceText(c, KindVerb, 0, e.name(c)+" <Dial><Conference> "+n.Room+" ("+confFlags(d, n)+")", facts{})
	cf := e.liveConference(n.Room)
	if n.ParticipantLabel != "" && cf != nil && cf.byLabel(n.ParticipantLabel) != nil {
		e.traceCode(c, KindError, 16025, "%s is not added to conference %s: participantLabel %q is already taken; the call moves on to the next verb", e.name(c), n.Room, n.ParticipantLabel)
		return true
	}
	if cf != nil && cf.nConnected >= cf.maxParticipants {
		// INFERRED: a full room ends the Dial as failed (action or next verb).
		e.traceCode(c, KindError, 0, "%s cannot join conference %s: it already has its maxParticipants (%d)", e.name(c), n.Room, cf.maxParticipants)
		return e.followAction(c, p, d.Action, d.Method, url.Values{"DialCallStatus": {"failed"}}, "dial action")
	}
	if n.Coach != "" && (cf == nil || cf.byCall(n.Coach) == nil || !cf.byCall(n.Coach).joined) {
		// 13240: the coach attribute names no participant; the call goes to
		// its action (DialCallStatus=failed is INFERRED).
		e.traceCode(c, KindError, 13240, "%s: coach=%q is not a participant of conference %s", e.name(c), n.Coach, n.Room)
		return e.followAction(c, p, d.Action, d.Method, url.Values{"DialCallStatus": {"failed"}}, "dial action")
	}
	created := cf == nil
	if created {
		cf = e.newConference(n.Room)
	}
	pt := &Participant{
		CallSid:                c.Sid,
		ConferenceSid:          cf.Sid,
		Label:                  n.ParticipantLabel,
		Muted:                  n.Muted,
		StartConferenceOnEnter: n.StartConferenceOnEnter,
		EndConferenceOnExit:    n.EndConferenceOnExit,
		Beep:                   n.Beep,
		BeepOnExit:             n.Beep == "true" || n.Beep == "onExit",
		DateCreated:            e.now,
		DateUpdated:            e.now,
		conf:                   cf,
		call:                   c,
		dial:                   d,
		prog:                   p,
		waitSet:                n.WaitURLSet,
		waitMethod:             orPOST(n.WaitMethod),
		maxParticipants:        n.MaxParticipants,
	}
	if n.Coach != "" {
		pt.Coaching, pt.CallSidToCoach = true, n.Coach
	}
	if n.WaitURL != "" {
		if abs, ok := e.resolveQuiet(p, n.WaitURL); ok {
			pt.waitURL = abs
		} else {
			e.traceCode(c, KindWarning, 13233, "%s: waitUrl %q cannot be resolved (the TwiML has no document URL); the wait is silent", e.name(c), n.WaitURL)
			pt.waitSet = true
		}
	}
	if n.StatusCallback != "" {
		if abs, ok := e.resolveQuiet(p, n.StatusCallback); ok {
			pt.cb = confCallbacks{url: abs, method: orPOST(n.StatusCallbackMethod), events: map[string]bool{}}
			for _, ev := range n.StatusCallbackEvent {
				pt.cb.events[ev] = true
			}
		}
	}
	if created {
		e.traceText(c, KindConf, 0, "conference "+n.Room+" ("+wire.Short(cf.Sid)+") is created", facts{room: confRef(cf)})
		e.fixCallbacks(cf, pt)
		e.conferenceRecord(cf, c, p, n) // <Conference record> (recording.go)
	} else if n.StatusCallback != "" || len(n.StatusCallbackEvent) > 0 {
		e.traceText(c, KindConf, 0, e.name(c)+"'s statusCallback settings are ignored: conference "+n.Room+" keeps those of its first participant", facts{room: confRef(cf)})
	}
	cf.add(pt)
	c.part = pt
	c.wait = waitRoom
	if tl := time.Duration(d.TimeLimit) * time.Second; tl > 0 {
		pt.limit = e.after(tl, func() {
			if pt.joined && !pt.left {
				e.notef(c, KindConf, facts{room: confRef(cf), cause: CauseTimeLimit}, "%s reached its <Dial timeLimit> of %s", e.name(c), tl)
				e.leaveConference(pt, leftTimeLimit, "", "participant_hung_up")
			}
		})
	}
	e.joinConference(pt)
	return false
}

func confFlags(d *twiml.Dial, n *twiml.Conference) string {
	var f []string
	if n.StartConferenceOnEnter {
		f = append(f, "startConferenceOnEnter")
	} else {
		f = append(f, "startConferenceOnEnter=false")
	}
	if n.EndConferenceOnExit {
		f = append(f, "endConferenceOnExit")
	}
	if n.Muted {
		f = append(f, "muted")
	}
	if n.ParticipantLabel != "" {
		f = append(f, "label "+n.ParticipantLabel)
	}
	switch {
	case n.WaitURLSet && n.WaitURL == "":
		f = append(f, `waitUrl=""`)
	case n.WaitURL != "":
		f = append(f, "waitUrl "+n.WaitURL)
	}
	if d.HangupOnStar {
		f = append(f, "hangupOnStar")
	}
	f = append(f, actionFlag(d.Action))
	return strings.Join(f, ", ")
}

// fixCallbacks gives a new conference the status-callback settings of the
// participant that created it; they never change afterwards (pitfall 9).
func (e *Engine) fixCallbacks(cf *Conference, pt *Participant) {
	cf.cbURL, cf.cbMethod, cf.cbEvents = pt.cb.url, pt.cb.method, pt.cb.events
	if pt.maxParticipants > 0 {
		cf.maxParticipants = pt.maxParticipants
	}
}

// joinConference puts a participant's answered call in the room.
func (e *Engine) joinConference(pt *Participant) {
	cf, c := pt.conf, pt.call
	if pt.joined || pt.left || cf.Status == ConferenceCompleted {
		return
	}
	was := pt.role()
	pt.joined = true
	cf.joinedAny = true
	cf.joinSeq++
	pt.joinOrder = cf.joinSeq
	pt.DateUpdated = e.now
	c.wait = waitRoom
	change := cf.reindex(pt, was)
	n := cf.nConnected
	beep := ""
	if pt.Beep == "true" || pt.Beep == "onEnter" {
		beep = "; a beep announces it"
	}
	e.traceText(c, KindConf, 0, e.name(c)+" joins conference "+confName(cf)+" as participant "+strconv.Itoa(n)+beep, facts{room: confRef(cf)})
	e.confEvent(cf, "participant-join", pt, nil)
	if pt.Hold {
		e.startHold(pt)
	}
	switch {
	case cf.Status == ConferenceInit && canStart(cf):
		e.startConference(cf, pt)
	case cf.Status == ConferenceInit:
		why := "it waits for a participant with startConferenceOnEnter"
		if n < 2 {
			why = "it waits for a second participant"
		}
		e.traceText(c, KindConf, 0, "conference "+confName(cf)+" does not start yet ("+why+"): "+e.name(c)+" hears wait music", facts{room: confRef(cf)})
		e.startWait(pt)
	}
	e.roomTouch(pt, change)
}

// canStart is Twilio's start rule: at least two participants, one of them
// with startConferenceOnEnter (https://www.twilio.com/docs/voice/twiml/conference).
func canStart(cf *Conference) bool {
	return cf.nConnected >= 2 && cf.nStarters > 0
}

func (e *Engine) startConference(cf *Conference, by *Participant) {
	cf.Status = ConferenceInProgress
	cf.DateUpdated = e.now
	e.traceText(by.call, KindConf, 0, "conference "+confName(cf)+" starts (init -> in-progress) as "+e.name(by.call)+" joins", facts{room: confRef(cf)})
	for p := range cf.all() {
		if p.wait != nil {
			e.stopRunner(p.wait)
			p.wait = nil
		}
	}
	e.confEvent(cf, "conference-start", nil, nil)
	e.touchConference(cf)
	e.conferenceStarted(cf) // record="record-from-start" (recording.go)
}

// participantHearing is what a connected participant hears.
func (e *Engine) participantHearing(pt *Participant) Hearing {
	cf := pt.conf
	switch {
	case pt.announce.live():
		return pt.announce.heard()
	case pt.Hold:
		if pt.hold.live() {
			return pt.hold.heard()
		}
		return silence("on hold")
	case cf.announce.live():
		return cf.announce.heard()
	case cf.Status == ConferenceInit:
		if pt.wait.live() {
			return pt.wait.heard()
		}
		return silence(pt.call.recentDetail("waiting in conference ", confName(cf)))
	}
	// The room: every other connected participant that is not on hold and
	// not muted; a coach is heard only by the participant it coaches.
	if sids := cf.roomHeardBy(pt, pt.call.recentParties()); len(sids) > 0 {
		return party(sids...)
	}
	c := pt.call
	switch {
	case cf.nConnected == 1:
		return silence(c.recentDetail("alone in conference ", confName(cf)))
	case cf.nConnected-cf.nHeld == 1:
		return silence(c.recentDetail("everyone else in conference ", confName(cf), " is on hold"))
	}
	return silence(c.recentDetail("nobody in conference ", confName(cf), " can be heard"))
}
