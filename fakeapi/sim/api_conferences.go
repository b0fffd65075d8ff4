package sim

import (
	"fmt"
	"math"
	"net/http"
	"strings"
	"time"

	"github.com/holdlab/holdlab/fakeapi/wire"
)

// The engine's API for the Conference and Participant resources: what
// fakeapi/rest_conferences.go serves.

// Defaults and limits of the Participants API.
const (
	defaultParticipantRing  = 60 * time.Second
	participantHoldMethod   = "GET" // HoldMethod's default in the current spec (§3.5)
	participantLabelMaxSize = 128
)

// TimeFilter is one date filter of a list: DateCreated=, DateCreated< or
// DateCreated> (Op '=', '<' or '>'), and the Calls list's StartTime and
// EndTime filters. With DateOnly the comparison is by UTC day, and '<' and
// '>' include the day itself, as Twilio documents. Without it (a date and
// time, as twilio-go sends StartTime), '<' and '>' compare the instants
// (inclusive), and '=' still means "on this date" (INFERRED: Twilio
// documents dates only).
type TimeFilter struct {
	Op       byte
	T        time.Time
	DateOnly bool
}

// Match reports whether t passes the filter.
func (f TimeFilter) Match(t time.Time) bool {
	t = t.UTC()
	if f.DateOnly || f.Op == '=' {
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
	if f.Op == '<' {
		return !t.After(f.T)
	}
	return !t.Before(f.T)
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
	out, _ := e.ConferencesPage(f, 0, math.MaxInt)
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
		e.notef(nil, KindREST, facts{room: confRef(cf), rest: restRef("POST", "Conferences", sid)}, "POST /Conferences/%s has no effect: conference %s has ended", wire.Short(cf.Sid), confName(cf))
		return cf, nil
	}
	if p.AnnounceURL != "" {
		e.notef(nil, KindREST, facts{room: confRef(cf), rest: restRef("POST", "Conferences", sid)}, "POST /Conferences/%s AnnounceUrl=%s plays an announcement to conference %s", wire.Short(cf.Sid), p.AnnounceURL, confName(cf))
		e.announceConference(cf, p.AnnounceURL, orPOST(p.AnnounceMethod))
	}
	if p.Status == ConferenceCompleted {
		e.notef(nil, KindREST, facts{room: confRef(cf), rest: restRef("POST", "Conferences", sid)}, "POST /Conferences/%s Status=completed ends conference %s", wire.Short(cf.Sid), confName(cf))
		e.endConference(cf, EndedViaAPI, nil)
	}
	e.flushHearing()
	return cf, nil
}

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
	for p := range cf.all() {
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

	// CallerID, when set, is the caller ID the new call presents instead
	// of From: the created call's From. CallerDisplayName is the display
	// name of the SIP From header (SIP calls only).
	CallerID, CallerDisplayName string
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
	if cf != nil && cf.nParts >= cf.maxParticipants {
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
	// INFERRED: CallerId, when given, is the caller ID of the call, so it is
	// the call's From; Twilio documents both From and CallerId as "the
	// phone number ... that made this call", CallerId for the From header
	// (https://www.twilio.com/docs/voice/api/conference-participant-resource).
	from := p.From
	if p.CallerID != "" {
		from = p.CallerID
	}
	c := e.newCall(DirectionOutboundAPI, from, p.To, nil)
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
	cf.add(pt)
	c.part = pt
	e.notef(c, KindREST, facts{room: confRef(cf), rest: restRef("POST", "Conferences", conference, "Participants")}, "POST /Conferences/%s/Participants creates %s: dials %s from %s into conference %s%s", conference, e.name(c), p.To, from, confName(cf), callerIDText(p))
	if created {
		e.notef(c, KindConf, facts{room: confRef(cf)}, "conference %s (%s) is created", confName(cf), wire.Short(cf.Sid))
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
	was := pt.role()
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
			e.notef(c, KindREST, facts{room: confRef(cf), rest: pt.restRef("POST", confSid, callSidOrLabel)}, "%s is muted in conference %s: the others no longer hear it", e.name(c), confName(cf))
			e.confEvent(cf, "participant-mute", pt, nil)
		} else {
			e.notef(c, KindREST, facts{room: confRef(cf), rest: pt.restRef("POST", confSid, callSidOrLabel)}, "%s is unmuted in conference %s", e.name(c), confName(cf))
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
		e.notef(c, KindREST, facts{room: confRef(cf), rest: pt.restRef("POST", confSid, callSidOrLabel)}, "%s in conference %s is modified: %s", e.name(c), confName(cf), strings.Join(modified, ", "))
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
			pt.hold, pt.lastHold = nil, pt.hold // the next hold's runner (startHold)
			if pt.joined {
				var buf [256]byte
				b := e.appendName(buf[:0], c)
				b = append(b, " is taken off hold in conference "...)
				b = append(b, confName(cf)...)
				b = append(b, ": it hears the room again"...)
				e.traceText(c, KindConf, 0, e.sharedLine(c, b), facts{room: confRef(cf), rest: pt.restRef("POST", confSid, callSidOrLabel)})
				e.confEvent(cf, "participant-unhold", pt, nil)
			}
		}
	}
	if u.AnnounceURL != "" && pt.joined {
		e.announceParticipant(pt, u.AnnounceURL, orPOST(u.AnnounceMethod))
	}
	e.roomTouch(pt, cf.reindex(pt, was))
	e.flushHearing()
	return pt, nil
}

// KickParticipant removes a participant (DELETE). Its <Dial> completes; a
// participant added by REST is hung up (INFERRED; https://www.twilio.com/docs/voice/api/conference-participant-resource).
func (e *Engine) KickParticipant(confSid, callSidOrLabel string) error {
	pt, err := e.Participant(confSid, callSidOrLabel)
	if err != nil {
		return err
	}
	c := pt.call
	e.notef(c, KindREST, facts{room: confRef(pt.conf), rest: restRef("DELETE", "Conferences", confSid, "Participants", callSidOrLabel)}, "DELETE /Conferences/%s/Participants/%s kicks %s", wire.Short(confSid), callSidOrLabel, e.name(c))
	if !pt.joined {
		e.endCall(c, StatusCanceled, CauseKickedByREST, "its participant was deleted before it joined")
	} else {
		// INFERRED: ReasonParticipantLeft for a kick.
		e.leaveConference(pt, leftKicked, "", "participant_updated_via_api")
	}
	e.flushHearing()
	return nil
}

// callerIDText says, for the trace, how a participant's call presents
// itself: the CallerId that replaced From, and the CallerDisplayName. The
// display name is "the display name in the From header ... Only applicable
// for calls to sip address"; holdlab shows it here only (INFERRED: the
// Call resource has no field for it).
func callerIDText(p ParticipantParams) string {
	var parts []string
	if p.CallerID != "" && p.CallerID != p.From {
		parts = append(parts, "CallerId "+p.CallerID+" instead of From "+p.From)
	}
	if p.CallerDisplayName != "" {
		if strings.HasPrefix(p.To, "sip:") {
			parts = append(parts, fmt.Sprintf("display name %q", p.CallerDisplayName))
		} else {
			parts = append(parts, fmt.Sprintf("CallerDisplayName %q ignored: it applies to SIP calls only", p.CallerDisplayName))
		}
	}
	if len(parts) == 0 {
		return ""
	}
	return " (" + strings.Join(parts, "; ") + ")"
}
