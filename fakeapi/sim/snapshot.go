package sim

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/holdlab/holdlab/fakeapi/wire"
)

// A snapshot is the engine's persistent records: what Twilio would still
// have after a restart of its own (calls, numbers, conferences, queues),
// the phones scripted, the clock, and where the SIDs are in their
// sequence. It is what `holdlab serve --state FILE` writes and loads. The
// trace, the hearing history and whatever is in flight (timers, webhooks,
// TwiML being run) are not in it: a call that was live is restored as
// ended (RestoreSnapshot).

// SnapshotVersion is the version of the snapshot format this engine writes
// and reads. A change that older readers would misread bumps it.
const SnapshotVersion = 1

// Snapshot is the engine's persistent records, in a form that survives the
// process (JSON).
type Snapshot struct {
	Version    int       `json:"version"`
	AccountSid string    `json:"account_sid"`
	Start      time.Time `json:"start"` // the engine's start
	Now        time.Time `json:"now"`   // the virtual time it was taken at
	// SIDs is where the SID sequence was: a restored engine goes on
	// from there and never issues a SID it issued before.
	SIDs        wire.SIDState        `json:"sids"`
	Calls       []CallRecord         `json:"calls"`
	Numbers     []NumberRecord       `json:"numbers"`
	Conferences []ConferenceRecord   `json:"conferences"`
	Queues      []QueueRecord        `json:"queues"`
	Phones      map[string]PhoneJSON `json:"phones,omitempty"`
}

// CallRecord is a Call resource in a snapshot.
type CallRecord struct {
	Sid                  string     `json:"sid"`
	ParentCallSid        string     `json:"parent_call_sid,omitempty"`
	From                 string     `json:"from"`
	To                   string     `json:"to"`
	Direction            Direction  `json:"direction"`
	Status               Status     `json:"status"`
	PhoneNumberSid       string     `json:"phone_number_sid,omitempty"`
	DateCreated          time.Time  `json:"date_created"`
	DateUpdated          time.Time  `json:"date_updated"`
	StartTime            *time.Time `json:"start_time,omitempty"`
	EndTime              *time.Time `json:"end_time,omitempty"`
	URL                  string     `json:"url,omitempty"`
	Method               string     `json:"method,omitempty"`
	FallbackURL          string     `json:"fallback_url,omitempty"`
	FallbackMethod       string     `json:"fallback_method,omitempty"`
	StatusCallback       string     `json:"status_callback,omitempty"`
	StatusCallbackMethod string     `json:"status_callback_method,omitempty"`
	StatusCallbackEvents []string   `json:"status_callback_events,omitempty"`
	Label                string     `json:"label,omitempty"`
}

// NumberRecord is an IncomingPhoneNumber in a snapshot.
type NumberRecord struct {
	Sid                  string    `json:"sid"`
	PhoneNumber          string    `json:"phone_number"`
	FriendlyName         string    `json:"friendly_name"`
	VoiceURL             string    `json:"voice_url,omitempty"`
	VoiceMethod          string    `json:"voice_method,omitempty"`
	VoiceFallbackURL     string    `json:"voice_fallback_url,omitempty"`
	VoiceFallbackMethod  string    `json:"voice_fallback_method,omitempty"`
	StatusCallback       string    `json:"status_callback,omitempty"`
	StatusCallbackMethod string    `json:"status_callback_method,omitempty"`
	DateCreated          time.Time `json:"date_created"`
	DateUpdated          time.Time `json:"date_updated"`
}

// ConferenceRecord is a Conference resource in a snapshot.
type ConferenceRecord struct {
	Sid           string           `json:"sid"`
	FriendlyName  string           `json:"friendly_name"`
	Status        ConferenceStatus `json:"status"`
	Region        string           `json:"region,omitempty"`
	DateCreated   time.Time        `json:"date_created"`
	DateUpdated   time.Time        `json:"date_updated"`
	ReasonEnded   string           `json:"reason_ended,omitempty"`
	CallSidEnding string           `json:"call_sid_ending,omitempty"`
}

// QueueRecord is a Queue resource in a snapshot (its members are live
// calls, which are not restored live).
type QueueRecord struct {
	Sid          string    `json:"sid"`
	FriendlyName string    `json:"friendly_name"`
	MaxSize      int       `json:"max_size"`
	DateCreated  time.Time `json:"date_created"`
	DateUpdated  time.Time `json:"date_updated"`
}

// PhoneJSON is a PhoneScript in a snapshot.
type PhoneJSON struct {
	Name        string      `json:"name,omitempty"`
	Answer      Answer      `json:"answer,omitempty"`
	After       string      `json:"after,omitempty"`
	HangUpAfter string      `json:"hang_up_after,omitempty"`
	Presses     []PressJSON `json:"presses,omitempty"`
}

// PressJSON is a Press in a snapshot.
type PressJSON struct {
	After  string `json:"after"`
	Digits string `json:"digits"`
}

// Snapshot returns the engine's persistent records now.
func (e *Engine) Snapshot() *Snapshot {
	s := &Snapshot{
		Version: SnapshotVersion, AccountSid: e.cfg.AccountSid, Start: e.start, Now: e.now,
		SIDs:        e.ids.State(),
		Calls:       make([]CallRecord, 0, e.idx.all.Len()),
		Numbers:     make([]NumberRecord, 0, len(e.numberOrder)),
		Conferences: make([]ConferenceRecord, 0, len(e.confs)),
		Queues:      make([]QueueRecord, 0, len(e.queues)),
	}
	for c := range e.idx.inOrder() {
		r := CallRecord{
			Sid: c.Sid, ParentCallSid: c.ParentCallSid, From: c.From, To: c.To, Direction: c.Direction,
			Status: c.Status, PhoneNumberSid: c.PhoneNumberSid, DateCreated: c.DateCreated, DateUpdated: c.DateUpdated,
			StartTime: timeOrNil(c.StartTime), EndTime: timeOrNil(c.EndTime),
			URL: c.URL, Method: c.Method, FallbackURL: c.FallbackURL, FallbackMethod: c.FallbackMethod,
			StatusCallback: c.StatusCallback, StatusCallbackMethod: c.StatusCallbackMethod,
			StatusCallbackEvents: slices.Sorted(maps.Keys(c.StatusCallbackEvents)), Label: c.label,
		}
		s.Calls = append(s.Calls, r)
	}
	for _, n := range e.numberOrder {
		s.Numbers = append(s.Numbers, NumberRecord(*n))
	}
	for _, cf := range e.confs {
		s.Conferences = append(s.Conferences, ConferenceRecord{
			Sid: cf.Sid, FriendlyName: cf.FriendlyName, Status: cf.Status, Region: cf.Region,
			DateCreated: cf.DateCreated, DateUpdated: cf.DateUpdated, ReasonEnded: cf.ReasonEnded, CallSidEnding: cf.CallSidEnding,
		})
	}
	for _, q := range e.queues {
		s.Queues = append(s.Queues, QueueRecord{Sid: q.Sid, FriendlyName: q.FriendlyName, MaxSize: q.MaxSize, DateCreated: q.DateCreated, DateUpdated: q.DateUpdated})
	}
	if len(e.phones) > 0 {
		s.Phones = make(map[string]PhoneJSON, len(e.phones))
		for addr, p := range e.phones {
			pj := PhoneJSON{Name: p.Name, Answer: p.Answer, After: durationOrEmpty(p.After), HangUpAfter: durationOrEmpty(p.HangUpAfter)}
			for _, pr := range p.Presses {
				pj.Presses = append(pj.Presses, PressJSON{After: pr.After.String(), Digits: pr.Digits})
			}
			s.Phones[addr] = pj
		}
	}
	return s
}

func timeOrNil(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

func durationOrEmpty(d time.Duration) string {
	if d == 0 {
		return ""
	}
	return d.String()
}

// RestoreSnapshot loads s into an engine that has no records yet (no
// calls, numbers, conferences or queues) and whose clock is not before
// s.Now. The SIDs go on from where s left them. What was live when s was
// taken is restored as ended at s.Now, with a trace entry that says so,
// naming source (the file s came from): a call that was answered as
// completed, any other as canceled; a conference as completed
// (last-participant-left: its calls have ended). Queues come back empty.
func (e *Engine) RestoreSnapshot(s *Snapshot, source string) error {
	if err := e.checkSnapshot(s); err != nil {
		return fmt.Errorf("restore from %s: %w", source, err)
	}
	ids, err := wire.RestoreSIDGenerator(s.SIDs)
	if err != nil {
		return fmt.Errorf("restore from %s: %w", source, err)
	}
	// The phones first: a script that is not one fails the restore before
	// any record is added (the phones set so far stay).
	for _, addr := range slices.Sorted(maps.Keys(s.Phones)) {
		p, err := s.Phones[addr].script()
		if err == nil {
			err = e.SetPhone(addr, p)
		}
		if err != nil {
			return fmt.Errorf("restore from %s: phone %s: %w", source, addr, err)
		}
	}
	e.ids = ids
	for _, r := range s.Numbers {
		n := PhoneNumber(r)
		e.numbers[n.PhoneNumber] = &n
		e.numberOrder = append(e.numberOrder, &n)
	}
	for _, r := range s.Queues {
		e.queues = append(e.queues, &Queue{Sid: r.Sid, FriendlyName: r.FriendlyName, MaxSize: r.MaxSize, DateCreated: r.DateCreated, DateUpdated: r.DateUpdated})
	}
	for _, r := range s.Calls {
		e.restoreCall(r, s.Now, source)
	}
	for _, r := range s.Conferences {
		e.restoreConference(r, s.Now, source)
	}
	e.checkpoint("restore")
	return nil
}

// checkSnapshot says why s cannot be restored into e, if it cannot.
func (e *Engine) checkSnapshot(s *Snapshot) error {
	switch {
	case s == nil:
		return errors.New("no snapshot")
	case s.Version != SnapshotVersion:
		return fmt.Errorf("snapshot format version %d: this holdlab reads version %d", s.Version, SnapshotVersion)
	case s.AccountSid != e.cfg.AccountSid:
		return fmt.Errorf("the snapshot is of account %s, not %s", s.AccountSid, e.cfg.AccountSid)
	case len(e.calls) > 0 || len(e.numbers) > 0 || len(e.confs) > 0 || len(e.queues) > 0:
		return errors.New("the engine already has records")
	case s.Now.After(e.now):
		return fmt.Errorf("the snapshot was taken at %s, after the engine's clock (%s): start the engine at or after it",
			s.Now.UTC().Format(time.RFC3339Nano), e.now.UTC().Format(time.RFC3339Nano))
	}
	for _, r := range s.Calls {
		switch {
		case !validCallStatus(r.Status):
			return fmt.Errorf("call %s: unknown status %q", r.Sid, r.Status)
		case r.Status.Terminal() && r.EndTime == nil:
			return fmt.Errorf("call %s: %s without an end time", r.Sid, r.Status)
		case r.Direction != DirectionInbound && r.Direction != DirectionOutboundAPI && r.Direction != DirectionOutboundDial:
			return fmt.Errorf("call %s: unknown direction %q", r.Sid, r.Direction)
		}
	}
	seen := map[string]bool{}
	for _, sid := range snapshotSids(s) {
		if seen[sid] {
			return fmt.Errorf("SID %s appears twice", sid)
		}
		seen[sid] = true
	}
	return nil
}

func validCallStatus(s Status) bool {
	switch s {
	case StatusQueued, StatusRinging, StatusInProgress, StatusCompleted, StatusBusy, StatusFailed, StatusNoAnswer, StatusCanceled:
		return true
	}
	return false
}

func snapshotSids(s *Snapshot) []string {
	var out []string
	for _, r := range s.Calls {
		out = append(out, r.Sid)
	}
	for _, r := range s.Numbers {
		out = append(out, r.Sid, "number "+r.PhoneNumber)
	}
	for _, r := range s.Conferences {
		out = append(out, r.Sid)
	}
	for _, r := range s.Queues {
		out = append(out, r.Sid, "queue "+r.FriendlyName)
	}
	return out
}

// restoreCall adds a call of a snapshot taken at `at`, ending it there if
// it was live.
func (e *Engine) restoreCall(r CallRecord, at time.Time, source string) {
	c := &Call{
		Sid: r.Sid, ParentCallSid: r.ParentCallSid, From: r.From, To: r.To, Direction: r.Direction,
		Status: r.Status, PhoneNumberSid: r.PhoneNumberSid, DateCreated: r.DateCreated, DateUpdated: r.DateUpdated,
		URL: r.URL, Method: r.Method, FallbackURL: r.FallbackURL, FallbackMethod: r.FallbackMethod,
		StatusCallback: r.StatusCallback, StatusCallbackMethod: r.StatusCallbackMethod,
		StatusCallbackEvents: eventSet(r.StatusCallbackEvents), label: r.Label,
	}
	if r.StartTime != nil {
		c.StartTime = *r.StartTime
	}
	if r.EndTime != nil {
		c.EndTime = *r.EndTime
	}
	e.calls[c.Sid] = c
	live, was := c.Live(), c.Status
	if live {
		c.Status = StatusCanceled
		if c.Answered() {
			c.Status = StatusCompleted
		}
		c.EndTime, c.DateUpdated = at, at
	}
	e.idx.add(c)
	if live {
		e.traceText(c, KindStatus, 0, e.name(c)+" restored from "+source+": was "+string(was)+" when serve stopped, so it is "+string(c.Status), facts{cause: CauseRestored})
	}
	// What it heard before is not kept: it hears nothing, as any ended call.
	ended := nothing("ended")
	c.hearing, c.hearSince = ended, e.now
	c.intervals = []heardInterval{{Start: e.now, Hearing: &ended}}
	c.heardForgotten = true
}

// restoreConference adds a conference of a snapshot taken at `at`,
// ending it there if it was not completed.
func (e *Engine) restoreConference(r ConferenceRecord, at time.Time, source string) {
	cf := &Conference{
		Sid: r.Sid, FriendlyName: r.FriendlyName, Status: r.Status, Region: r.Region,
		DateCreated: r.DateCreated, DateUpdated: r.DateUpdated, ReasonEnded: r.ReasonEnded, CallSidEnding: r.CallSidEnding,
		maxParticipants: defaultMaxParticipants,
	}
	if e.confBySid == nil {
		e.confBySid, e.liveConfs = map[string]*Conference{}, map[string]*Conference{}
	}
	e.confs = append(e.confs, cf)
	e.confBySid[cf.Sid] = cf
	if cf.Status != ConferenceCompleted {
		was := cf.Status
		cf.Status, cf.ReasonEnded, cf.DateUpdated = ConferenceCompleted, EndedLastLeft, at
		e.traceText(nil, KindConf, 0, "conference "+cf.FriendlyName+" ("+wire.Short(cf.Sid)+") restored from "+source+": was "+string(was)+" when serve stopped, so it is completed", facts{room: confRef(cf), cause: CauseRestored})
	}
}

// script turns a snapshot's phone back into a PhoneScript.
func (pj PhoneJSON) script() (PhoneScript, error) {
	p := PhoneScript{Name: pj.Name, Answer: pj.Answer}
	var err error
	if p.After, err = parseDuration(pj.After); err != nil {
		return p, err
	}
	if p.HangUpAfter, err = parseDuration(pj.HangUpAfter); err != nil {
		return p, err
	}
	for _, pr := range pj.Presses {
		d, err := parseDuration(pr.After)
		if err != nil {
			return p, err
		}
		p.Presses = append(p.Presses, Press{After: d, Digits: pr.Digits})
	}
	return p, nil
}

func parseDuration(s string) (time.Duration, error) {
	if s == "" {
		return 0, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		return 0, fmt.Errorf("duration %q: %w", s, err)
	}
	return d, nil
}
