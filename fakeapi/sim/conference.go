package sim

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
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
	EndedViaAPI             = "conference-ended-via-api"
	EndedLastKicked         = "last-participant-kicked"
	EndedLastLeft           = "last-participant-left"
	EndedModeratorKicked    = "participant-with-end-conference-on-exit-kicked"
	EndedModeratorLeft      = "participant-with-end-conference-on-exit-left"
	defaultMaxParticipants  = 250
	defaultParticipantRing  = 60 * time.Second
	participantHoldMethod   = "GET" // HoldMethod's default in the current spec (§3.5)
	participantLabelMaxSize = 128
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

	parts           []*Participant // live participants (pending and connected), in creation order
	joinSeq         int
	joinedAny       bool
	maxParticipants int
	// Status callbacks: fixed by the participant that created the
	// conference; later participants' settings are ignored (pitfall 9).
	cbURL, cbMethod string
	cbEvents        map[string]bool
	cbSeq           int
	announce        *mediaRunner
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

	conf *Conference
	call *Call

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
	limit                *event
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

func (cf *Conference) byLabel(label string) *Participant {
	for _, p := range cf.parts {
		if p.Label == label {
			return p
		}
	}
	return nil
}

func (cf *Conference) byCall(sid string) *Participant {
	for _, p := range cf.parts {
		if p.CallSid == sid {
			return p
		}
	}
	return nil
}

// connected returns the joined participants in join order.
func (cf *Conference) connected() []*Participant {
	out := make([]*Participant, 0, len(cf.parts))
	for _, p := range cf.parts {
		if p.joined {
			out = append(out, p)
		}
	}
	slices.SortFunc(out, func(a, b *Participant) int { return a.joinOrder - b.joinOrder })
	return out
}

func (e *Engine) touchConference(cf *Conference) {
	for _, p := range cf.parts {
		e.touch(p.call)
	}
}

// confName renders a conference for traces: "support-room".
func confName(cf *Conference) string { return cf.FriendlyName }

// --- joining through TwiML ---

// dialConference runs <Dial><Conference>. It returns true when the call
// simply goes on with the next verb.
func (e *Engine) dialConference(c *Call, p *program, d *twiml.Dial, n *twiml.Conference) bool {
	e.tracef(c, KindVerb, "%s <Dial><Conference> %s (%s)", e.name(c), n.Room, confFlags(d, n))
	cf := e.liveConference(n.Room)
	if n.ParticipantLabel != "" && cf != nil && cf.byLabel(n.ParticipantLabel) != nil {
		e.traceCode(c, KindError, 16025, "%s is not added to conference %s: participantLabel %q is already taken; the call moves on to the next verb", e.name(c), n.Room, n.ParticipantLabel)
		return true
	}
	if cf != nil && len(cf.connected()) >= cf.maxParticipants {
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
		e.tracef(c, KindConf, "conference %s (%s) is created", n.Room, wire.Short(cf.Sid))
		e.fixCallbacks(cf, pt)
	} else if n.StatusCallback != "" || len(n.StatusCallbackEvent) > 0 {
		e.tracef(c, KindConf, "%s's statusCallback settings are ignored: conference %s keeps those of its first participant", e.name(c), n.Room)
	}
	cf.parts = append(cf.parts, pt)
	c.part = pt
	c.wait = waitRoom
	if tl := time.Duration(d.TimeLimit) * time.Second; tl > 0 {
		pt.limit = e.after(tl, func() {
			if pt.joined && !pt.left {
				e.tracef(c, KindConf, "%s reached its <Dial timeLimit> of %s", e.name(c), tl)
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
	if d.Action != "" {
		f = append(f, "action "+d.Action)
	} else {
		f = append(f, "no action")
	}
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
	pt.joined = true
	cf.joinedAny = true
	cf.joinSeq++
	pt.joinOrder = cf.joinSeq
	pt.DateUpdated = e.now
	c.wait = waitRoom
	n := len(cf.connected())
	beep := ""
	if pt.Beep == "true" || pt.Beep == "onEnter" {
		beep = "; a beep announces it"
	}
	e.tracef(c, KindConf, "%s joins conference %s as participant %d%s", e.name(c), confName(cf), n, beep)
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
		e.tracef(c, KindConf, "conference %s does not start yet (%s): %s hears wait music", confName(cf), why, e.name(c))
		e.startWait(pt)
	}
	e.touchConference(cf)
}

// canStart is Twilio's start rule: at least two participants, one of them
// with startConferenceOnEnter (https://www.twilio.com/docs/voice/twiml/conference).
func canStart(cf *Conference) bool {
	ps := cf.connected()
	if len(ps) < 2 {
		return false
	}
	for _, p := range ps {
		if p.StartConferenceOnEnter {
			return true
		}
	}
	return false
}

func (e *Engine) startConference(cf *Conference, by *Participant) {
	cf.Status = ConferenceInProgress
	cf.DateUpdated = e.now
	e.tracef(by.call, KindConf, "conference %s starts (init -> in-progress) as %s joins", confName(cf), e.name(by.call))
	for _, p := range cf.parts {
		if p.wait != nil {
			e.stopRunner(p.wait)
			p.wait = nil
		}
	}
	e.confEvent(cf, "conference-start", nil, nil)
	e.touchConference(cf)
}

// startWait plays a participant's wait music while the conference has not
// started: its waitUrl, silence for waitUrl="", else Twilio's default.
func (e *Engine) startWait(pt *Participant) {
	if pt.wait.live() {
		return
	}
	r := e.newRunner(runConfWait, pt.call, "wait music", "wait-music", "conference wait url")
	pt.wait = r
	switch {
	case pt.waitURL != "":
		r.url, r.method = pt.waitURL, pt.waitMethod
		e.runnerFetch(r, pt.waitURL, pt.waitMethod, confParams(pt.conf))
	case pt.waitSet:
		e.runnerSilence(r, `waitUrl=""`)
	default:
		e.runnerDefaultMusic(r)
	}
}

// startHold plays a held participant's HoldUrl (default: Twilio's hold
// music, forever).
func (e *Engine) startHold(pt *Participant) {
	e.stopRunner(pt.hold)
	r := e.newRunner(runHold, pt.call, "hold music", "hold-music", "hold url")
	pt.hold = r
	if pt.holdURL == "" {
		e.tracef(pt.call, KindConf, "%s is put on hold in conference %s: hears Twilio's default hold music", e.name(pt.call), confName(pt.conf))
		e.runnerDefaultMusic(r)
		return
	}
	e.tracef(pt.call, KindConf, "%s is put on hold in conference %s: hears its HoldUrl %s", e.name(pt.call), confName(pt.conf), pt.holdURL)
	r.url, r.method = pt.holdURL, pt.holdMethod
	e.runnerFetch(r, pt.holdURL, pt.holdMethod, confParams(pt.conf))
}

// confParams are the conference parameters of wait, hold and announce
// requests (INFERRED: Twilio documents none beyond the standard ones).
func confParams(cf *Conference) url.Values {
	return url.Values{"ConferenceSid": {cf.Sid}, "FriendlyName": {cf.FriendlyName}}
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
		return silence("waiting in conference " + confName(cf))
	}
	// The room: every other connected participant that is not on hold and
	// not muted; a coach is heard only by the participant it coaches.
	var sids []string
	others, held := 0, 0
	for _, o := range cf.connected() {
		if o == pt {
			continue
		}
		others++
		if o.Hold {
			held++
			continue
		}
		if o.Muted || (o.Coaching && o.CallSidToCoach != pt.CallSid) {
			continue
		}
		sids = append(sids, o.CallSid)
	}
	switch {
	case len(sids) > 0:
		return party(sids...)
	case others == 0:
		return silence("alone in conference " + confName(cf))
	case held == others:
		return silence("everyone else in conference " + confName(cf) + " is on hold")
	}
	return silence("nobody in conference " + confName(cf) + " can be heard")
}

// --- leaving ---

// leaveConference takes pt out of its conference. why is
// ReasonParticipantLeft; st, when set, is the status the leaving call is
// about to end with.
func (e *Engine) leaveConference(pt *Participant, how leaveHow, st Status, why string) {
	if pt.left || pt.failed {
		return
	}
	cf, c := pt.conf, pt.call
	wasJoined := pt.joined
	pt.limit.cancel()
	for _, r := range []*mediaRunner{pt.wait, pt.hold, pt.announce} {
		e.stopRunner(r)
	}
	if c.part == pt {
		c.part = nil
	}
	for i, o := range cf.parts {
		if o == pt {
			cf.parts = append(cf.parts[:i], cf.parts[i+1:]...)
			break
		}
	}
	pt.DateUpdated = e.now
	callStatus := c.Status
	if st != "" {
		callStatus = st
	}
	if wasJoined {
		pt.left = true
		e.tracef(c, KindConf, "%s leaves conference %s (%s)", e.name(c), confName(cf), leaveText(inConference, how))
		e.confEvent(cf, "participant-leave", pt, url.Values{"ReasonParticipantLeft": {why}, "ParticipantCallStatus": {string(callStatus)}})
	} else {
		pt.failed = true
		if how == leftRedirected {
			e.tracef(c, KindConf, "%s will not join conference %s: it was given new TwiML before it answered", e.name(c), confName(cf))
		} else {
			// INFERRED: a participant that never connected is reported as
			// participant-leave with participant_add_failed.
			e.tracef(c, KindConf, "%s never joined conference %s (%s)", e.name(c), confName(cf), callStatus)
			e.confEvent(cf, "participant-leave", pt, url.Values{"ReasonParticipantLeft": {"participant_add_failed"}, "ParticipantCallStatus": {string(callStatus)}})
		}
	}
	e.touch(c)
	e.touchConference(cf)
	if cf.Status != ConferenceCompleted && how != leftConfEnded {
		kicked := how == leftKicked
		switch {
		case wasJoined && pt.EndConferenceOnExit:
			reason := EndedModeratorLeft
			if kicked {
				reason = EndedModeratorKicked
			}
			e.endConference(cf, reason, pt)
		case len(cf.parts) == 0:
			reason := EndedLastLeft
			if kicked {
				reason = EndedLastKicked
			}
			var by *Participant
			if wasJoined {
				by = pt // a call that never connected did not end it
			}
			e.endConference(cf, reason, by)
		}
	}
	if wasJoined {
		e.afterConference(pt, how, callStatus)
	}
}

// afterConference moves a leg on after it left a room: its <Dial> completes
// (action URL or next verb); a participant added by REST has no TwiML and
// is hung up.
func (e *Engine) afterConference(pt *Participant, how leaveHow, st Status) {
	c := pt.call
	switch {
	case how == leftRedirected:
		return // the leg runs its new TwiML; the action is not requested (INFERRED, as for a Dial parent)
	case pt.viaAPI:
		if how != leftHungUp && c.Live() {
			e.endCall(c, StatusCompleted, "it left conference "+confName(pt.conf)+" and, added by the Participants API, has no TwiML to go on with")
		}
		return
	}
	// A conference Dial's action gets no DialCallSid or DialCallDuration
	// (§1.2); DialCallStatus=completed is INFERRED.
	params := url.Values{"DialCallStatus": {"completed"}}
	e.tracef(c, KindDial, "%s's <Dial><Conference> ends: DialCallStatus=completed", e.name(c))
	if how == leftHungUp {
		e.actionCallback(c, pt.prog, pt.dial.Action, pt.dial.Method, params, st, "dial action (the caller is gone; the answer is ignored)")
		return
	}
	e.resumeMain(c, pt.prog, pt.dial.Action, pt.dial.Method, params, "dial action")
}

// endConference ends cf: every participant leaves (their <Dial>s complete)
// and conference-end is sent.
func (e *Engine) endConference(cf *Conference, reason string, by *Participant) {
	if cf.Status == ConferenceCompleted {
		return
	}
	cf.Status = ConferenceCompleted
	delete(e.liveConfs, cf.FriendlyName)
	cf.ReasonEnded = reason
	cf.DateUpdated = e.now
	var byCall *Call
	if by != nil {
		cf.CallSidEnding = by.CallSid
		byCall = by.call
	}
	e.tracef(byCall, KindConf, "conference %s ends: %s", confName(cf), reason)
	e.stopRunner(cf.announce)
	why := "moderator_ended_conference"
	if reason == EndedViaAPI {
		why = "conference_ended_via_api"
	}
	for _, pt := range append([]*Participant(nil), cf.parts...) {
		if pt.joined {
			e.leaveConference(pt, leftConfEnded, "", why)
			continue
		}
		if pt.call.Live() {
			e.endCall(pt.call, StatusCanceled, "its conference "+confName(cf)+" ended before it joined")
		}
	}
	if cf.joinedAny {
		extra := url.Values{"ReasonConferenceEnded": {reason}, "Reason": {endText(reason, by)}}
		if by != nil {
			extra.Set("CallSidEndingConference", by.CallSid)
			if by.Label != "" {
				extra.Set("ParticipantLabelEndingConference", by.Label)
			}
		}
		e.confEvent(cf, "conference-end", nil, extra)
	}
}

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

// --- status callbacks ---

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

// --- the REST API: conferences ---

// TimeFilter is one date filter of a list: DateCreated=, DateCreated< or
// DateCreated> (Op '=', '<' or '>'). With DateOnly the comparison is by UTC
// day, and '<' and '>' include the day itself, as Twilio documents.
type TimeFilter struct {
	Op       byte
	T        time.Time
	DateOnly bool
}

// Match reports whether t passes the filter.
func (f TimeFilter) Match(t time.Time) bool {
	t = t.UTC()
	if f.DateOnly {
		day := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
		ref := f.T.UTC()
		ref = time.Date(ref.Year(), ref.Month(), ref.Day(), 0, 0, 0, 0, time.UTC)
		switch f.Op {
		case '<':
			return !day.After(ref)
		case '>':
			return !day.Before(ref)
		}
		return day.Equal(ref)
	}
	switch f.Op {
	case '<':
		return !t.After(f.T)
	case '>':
		return !t.Before(f.T)
	}
	return t.Equal(f.T)
}

// ConferenceFilter selects conferences in Conferences.
type ConferenceFilter struct {
	FriendlyName string
	Status       ConferenceStatus
	Created      []TimeFilter
	Updated      []TimeFilter
}

// Conferences returns the conferences matching f, newest first.
func (e *Engine) Conferences(f ConferenceFilter) []*Conference {
	var out []*Conference
next:
	for i := len(e.confs) - 1; i >= 0; i-- {
		cf := e.confs[i]
		if (f.FriendlyName != "" && cf.FriendlyName != f.FriendlyName) || (f.Status != "" && cf.Status != f.Status) {
			continue
		}
		for _, tf := range f.Created {
			if !tf.Match(cf.DateCreated) {
				continue next
			}
		}
		for _, tf := range f.Updated {
			if !tf.Match(cf.DateUpdated) {
				continue next
			}
		}
		out = append(out, cf)
	}
	return out
}

// Conference returns the conference with the given SID.
func (e *Engine) Conference(sid string) (*Conference, error) {
	if cf, ok := e.confBySid[sid]; ok {
		return cf, nil
	}
	return nil, errNotFound(fmt.Sprintf("/2010-04-01/Accounts/%s/Conferences/%s.json", e.cfg.AccountSid, sid))
}

// ConferenceUpdate is POST /Conferences/{Sid}.
type ConferenceUpdate struct {
	// Status may only be ConferenceCompleted: it ends the conference.
	Status         ConferenceStatus
	AnnounceURL    string
	AnnounceMethod string // default POST
}

// UpdateConference ends a conference or plays an announcement to all of
// its participants.
func (e *Engine) UpdateConference(sid string, p ConferenceUpdate) (*Conference, error) {
	cf, err := e.Conference(sid)
	if err != nil {
		return nil, err
	}
	if p.Status != "" && p.Status != ConferenceCompleted {
		return nil, errBadRequest(20001, "Status must be completed")
	}
	if cf.Status == ConferenceCompleted {
		// UNCONFIRMED: Twilio's answer to updating a completed conference;
		// holdlab leaves it as it is.
		e.tracef(nil, KindREST, "POST /Conferences/%s has no effect: conference %s has ended", wire.Short(cf.Sid), confName(cf))
		return cf, nil
	}
	if p.AnnounceURL != "" {
		e.tracef(nil, KindREST, "POST /Conferences/%s AnnounceUrl=%s plays an announcement to conference %s", wire.Short(cf.Sid), p.AnnounceURL, confName(cf))
		e.announceConference(cf, p.AnnounceURL, orPOST(p.AnnounceMethod))
	}
	if p.Status == ConferenceCompleted {
		e.tracef(nil, KindREST, "POST /Conferences/%s Status=completed ends conference %s", wire.Short(cf.Sid), confName(cf))
		e.endConference(cf, EndedViaAPI, nil)
	}
	e.flushHearing()
	return cf, nil
}

func (e *Engine) announceConference(cf *Conference, rawURL, method string) {
	e.stopRunner(cf.announce)
	r := e.newRunner(runAnnounce, nil, "announcement", "announcement", "conference announce url")
	r.touch = func() { e.touchConference(cf) }
	r.params = func() url.Values { return confParams(cf) }
	r.url, r.method = rawURL, method
	r.onDone = func() {
		e.tracef(nil, KindConf, "the announcement to conference %s is over", confName(cf))
		e.confEvent(cf, "announcement-end", nil, url.Values{"AnnounceUrl": {rawURL}})
	}
	r.onError = func(code int) {
		e.confEvent(cf, "announcement-fail", nil, url.Values{"AnnounceUrl": {rawURL}, "ReasonAnnouncementFailed": {"Error " + itoa(code)}})
	}
	cf.announce = r
	e.runnerFetch(r, rawURL, method, nil)
}

// --- the REST API: participants ---

// ParticipantFilter selects participants in Participants.
type ParticipantFilter struct {
	Muted, Hold, Coaching *bool
}

func (e *Engine) participantNotFound(confSid, id string) *Error {
	return errNotFound(fmt.Sprintf("/2010-04-01/Accounts/%s/Conferences/%s/Participants/%s.json", e.cfg.AccountSid, confSid, id))
}

// Participants returns the live participants of a conference (those that
// have not left; pending ones included), in the order they were added.
func (e *Engine) Participants(confSid string, f ParticipantFilter) ([]*Participant, error) {
	cf, err := e.Conference(confSid)
	if err != nil {
		return nil, err
	}
	var out []*Participant
	for _, p := range cf.parts {
		if (f.Muted == nil || *f.Muted == p.Muted) && (f.Hold == nil || *f.Hold == p.Hold) && (f.Coaching == nil || *f.Coaching == p.Coaching) {
			out = append(out, p)
		}
	}
	return out, nil
}

// Participant returns a live participant by call SID or by label.
func (e *Engine) Participant(confSid, callSidOrLabel string) (*Participant, error) {
	cf, err := e.Conference(confSid)
	if err != nil {
		return nil, err
	}
	p := cf.byCall(callSidOrLabel)
	if p == nil {
		p = cf.byLabel(callSidOrLabel)
	}
	if p == nil || callSidOrLabel == "" {
		return nil, e.participantNotFound(confSid, callSidOrLabel)
	}
	return p, nil
}

// ParticipantParams is POST /Conferences/{ConferenceSid}/Participants: dial
// To from From into a conference. The fakeapi package validates the wire
// format first.
type ParticipantParams struct {
	From, To               string
	Label                  string
	Muted                  bool
	Beep                   string // default "true"
	StartConferenceOnEnter *bool  // default true
	EndConferenceOnExit    bool
	WaitURL                string
	WaitURLSet             bool   // WaitUrl was given, perhaps as ""
	WaitMethod             string // default POST
	EarlyMedia             bool
	MaxParticipants        int
	Coaching               bool
	CallSidToCoach         string
	Region                 string
	Timeout                time.Duration // ring time, default 60s
	TimeLimit              time.Duration
	// The new call's own status callbacks.
	StatusCallback       string
	StatusCallbackMethod string
	StatusCallbackEvents []string
	// The conference's callbacks: used only if this participant creates the
	// conference. ConferenceStatusCallbackEvents defaults to start and end.
	ConferenceStatusCallback       string
	ConferenceStatusCallbackMethod string
	ConferenceStatusCallbackEvents []string
}

// CreateParticipant dials a new outbound-api call into the conference
// named by conference (a CF SID, or a friendly name, which creates the
// conference if no live one has it). The call joins when answered.
func (e *Engine) CreateParticipant(conference string, p ParticipantParams) (*Participant, error) {
	if p.To == "" {
		return nil, errBadRequest(21201, "No 'To' number is specified")
	}
	if p.From == "" {
		return nil, errBadRequest(21213, "No 'From' number is specified")
	}
	var cf *Conference
	if wire.ValidSID("CF", conference) {
		c, err := e.Conference(conference)
		if err != nil {
			return nil, err
		}
		if c.Status == ConferenceCompleted {
			// INFERRED: a completed conference cannot take participants.
			return nil, errNotFound(fmt.Sprintf("/2010-04-01/Accounts/%s/Conferences/%s.json", e.cfg.AccountSid, conference))
		}
		cf = c
	} else {
		if conference == "" {
			return nil, &Error{Status: http.StatusNotFound, Code: 16003, Message: "Could not recognize conference sid or friendly name"}
		}
		cf = e.liveConference(conference)
	}
	if len(p.Label) > participantLabelMaxSize {
		return nil, errBadRequest(20001, "Label must be at most %d characters", participantLabelMaxSize)
	}
	if cf != nil && p.Label != "" && cf.byLabel(p.Label) != nil {
		// INFERRED: the REST form of the 16025 duplicate-label error.
		return nil, errBadRequest(16025, "Participant label %q already exists in the conference", p.Label)
	}
	if cf != nil && len(cf.parts) >= cf.maxParticipants {
		// INFERRED code.
		return nil, errBadRequest(20001, "Conference %s already has its maximum of %d participants", cf.FriendlyName, cf.maxParticipants)
	}
	if p.Coaching {
		if p.CallSidToCoach == "" {
			return nil, errBadRequest(20001, "CallSidToCoach is required when Coaching is true")
		}
		if cf == nil || cf.byCall(p.CallSidToCoach) == nil {
			return nil, errBadRequest(20001, "CallSidToCoach %s is not a participant of the conference", p.CallSidToCoach)
		}
	}
	created := cf == nil
	if created {
		cf = e.newConference(conference)
	}
	c := e.newCall(DirectionOutboundAPI, p.From, p.To, nil)
	c.StatusCallback, c.StatusCallbackMethod = p.StatusCallback, orPOST(p.StatusCallbackMethod)
	c.StatusCallbackEvents = eventSet(p.StatusCallbackEvents)
	c.timeout = p.Timeout
	if c.timeout <= 0 {
		c.timeout = defaultParticipantRing
	}
	c.timeLimit = p.TimeLimit
	sce := true
	if p.StartConferenceOnEnter != nil {
		sce = *p.StartConferenceOnEnter
	}
	beep := p.Beep
	if beep == "" {
		beep = "true"
	}
	pt := &Participant{
		CallSid:                c.Sid,
		ConferenceSid:          cf.Sid,
		Label:                  p.Label,
		Muted:                  p.Muted,
		Coaching:               p.Coaching,
		CallSidToCoach:         p.CallSidToCoach,
		StartConferenceOnEnter: sce,
		EndConferenceOnExit:    p.EndConferenceOnExit,
		Beep:                   beep,
		BeepOnExit:             beep == "true" || beep == "onExit",
		DateCreated:            e.now,
		DateUpdated:            e.now,
		conf:                   cf,
		call:                   c,
		waitURL:                p.WaitURL,
		waitSet:                p.WaitURLSet,
		waitMethod:             orPOST(p.WaitMethod),
		viaAPI:                 true,
		maxParticipants:        p.MaxParticipants,
	}
	if p.ConferenceStatusCallback != "" {
		evs := p.ConferenceStatusCallbackEvents
		if len(evs) == 0 {
			evs = []string{"start", "end"}
		}
		pt.cb = confCallbacks{url: p.ConferenceStatusCallback, method: orPOST(p.ConferenceStatusCallbackMethod), events: map[string]bool{}}
		for _, ev := range evs {
			pt.cb.events[ev] = true
		}
	}
	if p.Region != "" && created {
		cf.Region = p.Region
	}
	cf.parts = append(cf.parts, pt)
	c.part = pt
	e.tracef(c, KindREST, "POST /Conferences/%s/Participants creates %s: dials %s from %s into conference %s", conference, e.name(c), p.To, p.From, confName(cf))
	if created {
		e.tracef(c, KindConf, "conference %s (%s) is created", confName(cf), wire.Short(cf.Sid))
		e.fixCallbacks(cf, pt)
	}
	c.answerer = func() { e.joinConference(pt) }
	e.after(0, func() { e.dispatch(c) })
	e.flushHearing()
	return pt, nil
}

// ParticipantUpdate is POST .../Participants/{CallSid}. Nil fields are left
// as they are.
type ParticipantUpdate struct {
	Muted               *bool
	Hold                *bool
	HoldURL             *string
	HoldMethod          string // default GET
	AnnounceURL         string
	AnnounceMethod      string // default POST
	WaitURL             *string
	WaitMethod          string
	BeepOnExit          *bool
	EndConferenceOnExit *bool
	Coaching            *bool
	CallSidToCoach      *string
}

// UpdateParticipant holds, mutes, coaches or announces to a participant.
func (e *Engine) UpdateParticipant(confSid, callSidOrLabel string, u ParticipantUpdate) (*Participant, error) {
	pt, err := e.Participant(confSid, callSidOrLabel)
	if err != nil {
		return nil, err
	}
	cf, c := pt.conf, pt.call
	coaching, toCoach := pt.Coaching, pt.CallSidToCoach
	if u.Coaching != nil {
		coaching = *u.Coaching
	}
	if u.CallSidToCoach != nil {
		toCoach = *u.CallSidToCoach
	}
	if (u.Coaching != nil || u.CallSidToCoach != nil) && coaching && (toCoach == "" || cf.byCall(toCoach) == nil || toCoach == pt.CallSid) {
		// INFERRED code.
		return nil, errBadRequest(20001, "Coaching requires CallSidToCoach to be another participant of the conference")
	}
	pt.DateUpdated = e.now
	if u.HoldURL != nil {
		pt.holdURL = *u.HoldURL
	}
	if u.HoldURL != nil || u.HoldMethod != "" {
		pt.holdMethod = u.HoldMethod
		if pt.holdMethod == "" {
			pt.holdMethod = participantHoldMethod
		}
	}
	var modified []string
	if u.Muted != nil && *u.Muted != pt.Muted {
		pt.Muted = *u.Muted
		if pt.Muted {
			e.tracef(c, KindREST, "%s is muted in conference %s: the others no longer hear it", e.name(c), confName(cf))
			e.confEvent(cf, "participant-mute", pt, nil)
		} else {
			e.tracef(c, KindREST, "%s is unmuted in conference %s", e.name(c), confName(cf))
			e.confEvent(cf, "participant-unmute", pt, nil)
		}
	}
	if u.EndConferenceOnExit != nil && *u.EndConferenceOnExit != pt.EndConferenceOnExit {
		pt.EndConferenceOnExit = *u.EndConferenceOnExit
		modified = append(modified, "EndConferenceOnExit="+boolString(pt.EndConferenceOnExit))
	}
	if u.BeepOnExit != nil && *u.BeepOnExit != pt.BeepOnExit {
		pt.BeepOnExit = *u.BeepOnExit
		modified = append(modified, "BeepOnExit="+boolString(pt.BeepOnExit))
	}
	if coaching != pt.Coaching || toCoach != pt.CallSidToCoach {
		pt.Coaching, pt.CallSidToCoach = coaching, toCoach
		modified = append(modified, "Coaching="+boolString(coaching))
	}
	if u.WaitURL != nil {
		pt.waitURL, pt.waitSet = *u.WaitURL, true
		if u.WaitMethod != "" {
			pt.waitMethod = u.WaitMethod
		}
		modified = append(modified, "WaitUrl="+*u.WaitURL)
		if pt.joined && cf.Status == ConferenceInit {
			e.stopRunner(pt.wait)
			pt.wait = nil
			e.startWait(pt)
		}
	}
	if len(modified) > 0 {
		e.tracef(c, KindREST, "%s in conference %s is modified: %s", e.name(c), confName(cf), strings.Join(modified, ", "))
		e.confEvent(cf, "participant-modify", pt, nil)
	}
	if u.Hold != nil {
		switch {
		case *u.Hold && !pt.Hold:
			pt.Hold = true
			if pt.joined {
				// A participant that has not joined yet is held when it joins.
				e.startHold(pt)
				e.confEvent(cf, "participant-hold", pt, nil)
			}
		case *u.Hold && u.HoldURL != nil && pt.joined:
			e.startHold(pt) // already held: the new HoldUrl replaces the old
		case !*u.Hold && pt.Hold:
			pt.Hold = false
			e.stopRunner(pt.hold)
			pt.hold = nil
			if pt.joined {
				e.tracef(c, KindConf, "%s is taken off hold in conference %s: it hears the room again", e.name(c), confName(cf))
				e.confEvent(cf, "participant-unhold", pt, nil)
			}
		}
	}
	if u.AnnounceURL != "" && pt.joined {
		e.announceParticipant(pt, u.AnnounceURL, orPOST(u.AnnounceMethod))
	}
	e.touchConference(cf)
	e.flushHearing()
	return pt, nil
}

func (e *Engine) announceParticipant(pt *Participant, rawURL, method string) {
	e.stopRunner(pt.announce)
	cf := pt.conf
	r := e.newRunner(runAnnounce, pt.call, "announcement", "announcement", "participant announce url")
	r.params = func() url.Values { return confParams(cf) }
	r.url, r.method = rawURL, method
	r.onDone = func() {
		e.confEvent(cf, "announcement-end", pt, url.Values{"AnnounceUrl": {rawURL}})
	}
	r.onError = func(code int) {
		e.confEvent(cf, "announcement-fail", pt, url.Values{"AnnounceUrl": {rawURL}, "ReasonAnnouncementFailed": {"Error " + itoa(code)}})
	}
	pt.announce = r
	e.tracef(pt.call, KindREST, "%s hears an announcement from %s", e.name(pt.call), rawURL)
	e.runnerFetch(r, rawURL, method, nil)
}

// KickParticipant removes a participant (DELETE). Its <Dial> completes; a
// participant added by REST is hung up (INFERRED; https://www.twilio.com/docs/voice/api/conference-participant-resource).
func (e *Engine) KickParticipant(confSid, callSidOrLabel string) error {
	pt, err := e.Participant(confSid, callSidOrLabel)
	if err != nil {
		return err
	}
	c := pt.call
	e.tracef(c, KindREST, "DELETE /Conferences/%s/Participants/%s kicks %s", wire.Short(confSid), callSidOrLabel, e.name(c))
	if !pt.joined {
		e.endCall(c, StatusCanceled, "its participant was deleted before it joined")
	} else {
		// INFERRED: ReasonParticipantLeft for a kick.
		e.leaveConference(pt, leftKicked, "", "participant_updated_via_api")
	}
	e.flushHearing()
	return nil
}
