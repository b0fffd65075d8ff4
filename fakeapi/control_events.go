package fakeapi

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/holdlab/holdlab/fakeapi/sim"
	"github.com/holdlab/holdlab/fakeapi/wire"
)

// GET /holdlab/events: the trace as it grows, and the live picture of the
// account (GET /holdlab/state), as Server-Sent Events
// (https://html.spec.whatwg.org/multipage/server-sent-events.html).
//
// The engine pays nothing for it while no one listens: each trace entry
// calls eventHub.poke, which reads one atomic counter. With readers, poke
// wakes each one without blocking (a channel of one slot: wake-ups
// coalesce). Each reader then takes the entries it has not sent from the
// trace itself, a page at a time, and writes them with the fake's lock
// released: a slow reader falls behind (and, past the trace limit, skips
// what the fake forgot) but never holds up the engine or another reader.

// Event stream timing.
const (
	// eventsMinGap spaces a reader's writes, so a burst of entries goes
	// out in one write: well under the 200 ms a watcher may wait.
	eventsMinGap = 40 * time.Millisecond
	// eventsClockEvery is how often a reader gets a clock event, so a
	// page can show time passing while nothing happens.
	eventsClockEvery = time.Second
	// maxEndedCalls bounds the ended calls the picture lists (the newest).
	maxEndedCalls = 20
)

// eventHub wakes the readers of the event stream. Its zero value is ready.
type eventHub struct {
	listeners atomic.Int32
	mu        sync.Mutex
	subs      map[chan struct{}]struct{}
	closed    bool
	done      chan struct{} // closed by close
}

// poke tells every reader that the trace grew. It never blocks, and costs
// one atomic load when no one listens. Called with the fake's lock held.
func (h *eventHub) poke() {
	if h.listeners.Load() == 0 {
		return
	}
	h.mu.Lock()
	for ch := range h.subs {
		select {
		case ch <- struct{}{}:
		default: // already woken: coalesced
		}
	}
	h.mu.Unlock()
}

// subscribe returns a reader's wake-up channel, the channel closed when
// the fake closes, and the function that unsubscribes. ok is false once
// the fake is closed.
func (h *eventHub) subscribe() (wake chan struct{}, done <-chan struct{}, cancel func(), ok bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		return nil, nil, nil, false
	}
	if h.subs == nil {
		h.subs = map[chan struct{}]struct{}{}
		h.done = make(chan struct{})
	}
	wake = make(chan struct{}, 1)
	h.subs[wake] = struct{}{}
	h.listeners.Add(1)
	return wake, h.done, func() {
		h.mu.Lock()
		if _, ok := h.subs[wake]; ok {
			delete(h.subs, wake)
			h.listeners.Add(-1)
		}
		h.mu.Unlock()
	}, true
}

// close ends every stream (each sends an end event) and refuses new ones.
func (h *eventHub) close() {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		return
	}
	h.closed = true
	if h.done != nil {
		close(h.done)
	}
}

// Session identifies this fake among the fakes a server may serve in
// turn (`holdlab serve`'s reset): the event stream's ids carry it, so a
// reader that resumes on a new fake starts from its first entry.
func (f *Fake) Session() string { return f.session }

// eventsResume is where a reader starts: after the seq of a Last-Event-ID
// ("SESSION.SEQ") of this session, else after ?since=SEQ, else from the
// oldest entry held.
func (f *Fake) eventsResume(r *http.Request) (uint64, error) {
	if id := r.Header.Get("Last-Event-ID"); id != "" {
		sess, seq, ok := strings.Cut(id, ".")
		if n, err := strconv.ParseUint(seq, 10, 64); ok && err == nil && sess == f.session {
			return n, nil
		}
		return 0, nil // another session's id: this one's entries are all new
	}
	if s := r.URL.Query().Get("since"); s != "" {
		n, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			return 0, wire.BadRequest(fmt.Sprintf("since %q: want the seq of a trace entry (a whole number)", s))
		}
		return n, nil
	}
	return 0, nil
}

// ctlEvents is GET /holdlab/events.
func (f *Fake) ctlEvents(w http.ResponseWriter, r *http.Request) error {
	after, err := f.eventsResume(r)
	if err != nil {
		return err
	}
	wake, done, cancel, ok := f.events.subscribe()
	if !ok {
		return &wire.Error{Status: http.StatusServiceUnavailable, Code: wire.CodeInternal, Message: "holdlab: this fake is closed"}
	}
	defer cancel()
	rc := http.NewResponseController(w)
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	s := eventStream{f: f, w: w, after: after}
	s.buf.WriteString("retry: 1000\n\n")
	clock := time.NewTicker(eventsClockEvery)
	defer clock.Stop()
	gap := time.NewTimer(time.Hour)
	gap.Stop()
	defer gap.Stop()
	for {
		if err := s.entries(); err != nil {
			return nil
		}
		s.state()
		if _, err := w.Write(s.buf.Bytes()); err != nil {
			return nil
		}
		s.buf.Reset()
		if err := rc.Flush(); err != nil {
			return nil
		}
		wrote := time.Now()
		select {
		case <-r.Context().Done():
			return nil
		case <-done:
			s.buf.WriteString("event: end\ndata: {\"reason\":\"the fake was closed or reset: reconnect for the new session\"}\n\n")
			_, _ = w.Write(s.buf.Bytes())
			_ = rc.Flush()
			return nil
		case <-wake:
		case <-clock.C:
			s.event("clock", "", f.clockState())
		}
		// Space the writes: what comes in the meantime goes out together.
		if wait := eventsMinGap - time.Since(wrote); wait > 0 {
			gap.Reset(wait)
			select {
			case <-r.Context().Done():
				return nil
			case <-gap.C:
			}
		}
	}
}

// eventStream is one reader's stream: what it has sent so far.
type eventStream struct {
	f     *Fake
	w     http.ResponseWriter
	buf   bytes.Buffer
	after uint64 // the last entry sent
	sent  []byte // the last picture sent
	page  []sim.Entry
}

// event appends one event to the buffer.
func (s *eventStream) event(name, id string, v any) {
	raw, err := json.Marshal(v)
	if err != nil {
		raw = []byte(`{}`)
	}
	if id != "" {
		s.buf.WriteString("id: " + id + "\n")
	}
	s.buf.WriteString("event: " + name + "\ndata: ")
	s.buf.Write(raw)
	s.buf.WriteString("\n\n")
}

// entries appends the entries after s.after, a page at a time, writing
// each full page out.
func (s *eventStream) entries() error {
	for {
		var start time.Time
		var done bool
		s.f.View(func(e *sim.Engine) {
			start = e.Start()
			s.page, s.after, done = e.TracePage(s.page[:0], sim.TraceFilter{After: s.after}, tracePage)
		})
		for _, en := range s.page {
			s.event("entry", s.f.session+"."+strconv.FormatUint(en.Seq, 10), toEntryJSON(start, en))
		}
		if done {
			return nil
		}
		if _, err := s.w.Write(s.buf.Bytes()); err != nil {
			return fmt.Errorf("events: %w", err)
		}
		s.buf.Reset()
	}
}

// state appends the picture if it changed since the last one sent, the
// clock aside (clock events carry it as it moves).
func (s *eventStream) state() {
	p := s.f.Picture()
	clock := p.Clock
	p.Clock = clockJSON{}
	raw, err := json.Marshal(p)
	if err != nil || bytes.Equal(raw, s.sent) {
		return
	}
	s.sent = raw
	p.Clock = clock
	s.event("state", "", p)
}

// PictureJSON is the account's live picture (GET /holdlab/state, and the
// event stream's state events): its calls, conferences and queues, and
// what each live leg hears.
type PictureJSON struct {
	Session     string         `json:"session"`
	AccountSid  string         `json:"account_sid"`
	Clock       clockJSON      `json:"clock"`
	LastSeq     uint64         `json:"last_seq"`
	Calls       []CallPicture  `json:"calls"`
	Conferences []ConfPicture  `json:"conferences"`
	Queues      []QueuePicture `json:"queues"`
}

// CallPicture is a call leg in the picture.
type CallPicture struct {
	Sid       string `json:"sid"`
	Parent    string `json:"parent_call_sid,omitempty"`
	From      string `json:"from"`
	To        string `json:"to"`
	Direction string `json:"direction"`
	Status    string `json:"status"`
	Label     string `json:"label,omitempty"`
	Live      bool   `json:"live"`
	// Hears is what the party on its far end hears now, and HearsPlain
	// the same in words for people; HearsSince when that began.
	Hears      hearingJSON `json:"hears"`
	HearsPlain string      `json:"hears_plain"`
	HearsSince string      `json:"hears_since,omitempty"`
}

// ConfPicture is a conference in the picture, with its participants.
type ConfPicture struct {
	Sid          string               `json:"sid"`
	FriendlyName string               `json:"friendly_name"`
	Status       string               `json:"status"`
	Participants []ParticipantPicture `json:"participants"`
}

// ParticipantPicture is a participant of a conference.
type ParticipantPicture struct {
	CallSid        string `json:"call_sid"`
	Label          string `json:"label,omitempty"`
	Hold           bool   `json:"hold"`
	Muted          bool   `json:"muted"`
	Coaching       bool   `json:"coaching"`
	CallSidToCoach string `json:"call_sid_to_coach,omitempty"`
}

// QueuePicture is a queue in the picture, with its members, front first.
type QueuePicture struct {
	Sid          string          `json:"sid"`
	FriendlyName string          `json:"friendly_name"`
	Members      []MemberPicture `json:"members"`
}

// MemberPicture is a call waiting in a queue.
type MemberPicture struct {
	CallSid  string `json:"call_sid"`
	Position int    `json:"position"`
	WaitTime string `json:"wait_time"`
}

// Picture returns the account's live picture: every live call and the
// newest ended ones (oldest first), the conferences in progress or
// waiting to start, and the queues.
func (f *Fake) Picture() PictureJSON {
	p := PictureJSON{Session: f.session, AccountSid: f.opts.AccountSid, Calls: []CallPicture{}, Conferences: []ConfPicture{}, Queues: []QueuePicture{}}
	f.View(func(e *sim.Engine) {
		start, now := e.Start(), e.Now()
		p.Clock = clockJSON{Mode: string(f.opts.Clock), Start: wire.FormatDate(start), Now: wire.FormatDate(now), Elapsed: now.Sub(start).String()}
		p.LastSeq = e.LastSeq()
		ended := 0
		labels := map[string]string{}
		calls := e.Calls(sim.CallFilter{}) // newest first
		for _, c := range calls {
			labels[c.Sid] = c.Label()
		}
		var picked []CallPicture
		for _, c := range calls {
			if !c.Live() {
				if ended >= maxEndedCalls {
					continue
				}
				ended++
			}
			cp := CallPicture{Sid: c.Sid, Parent: c.ParentCallSid, From: c.From, To: c.To, Direction: string(c.Direction),
				Status: string(c.Status), Label: c.Label(), Live: c.Live()}
			if h, err := e.Hears(c.Sid); err == nil {
				cp.Hears = toHearingJSON(h)
				cp.HearsPlain = PlainHearing(h, func(sid string) string { return partyName(sid, labels[sid]) })
			}
			if c.Live() {
				if ivs, err := e.Intervals(c.Sid); err == nil && len(ivs) > 0 {
					cp.HearsSince = sim.Offset(ivs[len(ivs)-1].Start.Sub(start))
				}
			}
			picked = append(picked, cp)
		}
		for i := len(picked) - 1; i >= 0; i-- {
			p.Calls = append(p.Calls, picked[i])
		}
		confs := e.Conferences(sim.ConferenceFilter{})
		for i := len(confs) - 1; i >= 0; i-- {
			cf := confs[i]
			if cf.Status == sim.ConferenceCompleted {
				continue
			}
			cp := ConfPicture{Sid: cf.Sid, FriendlyName: cf.FriendlyName, Status: string(cf.Status), Participants: []ParticipantPicture{}}
			parts, _ := e.Participants(cf.Sid, sim.ParticipantFilter{})
			for _, pt := range parts {
				cp.Participants = append(cp.Participants, ParticipantPicture{CallSid: pt.CallSid, Label: pt.Label,
					Hold: pt.Hold, Muted: pt.Muted, Coaching: pt.Coaching, CallSidToCoach: pt.CallSidToCoach})
			}
			p.Conferences = append(p.Conferences, cp)
		}
		for _, q := range e.Queues() {
			qp := QueuePicture{Sid: q.Sid, FriendlyName: q.FriendlyName, Members: []MemberPicture{}}
			members, _ := e.Members(q.Sid)
			for _, m := range members {
				qp.Members = append(qp.Members, MemberPicture{CallSid: m.CallSid, Position: m.Position, WaitTime: m.WaitTime.String()})
			}
			p.Queues = append(p.Queues, qp)
		}
	})
	return p
}

// partyName names a call for people: "agent (CA..0002)" or "CA..0002".
func partyName(sid, label string) string {
	if label == "" {
		return wire.Short(sid)
	}
	return label + " (" + wire.Short(sid) + ")"
}

// PlainHearing says what a party hears in words for someone learning how
// call legs behave; name names another leg.
func PlainHearing(h sim.Hearing, name func(sid string) string) string {
	withDetail := func(s string) string {
		if h.Detail != "" {
			return s + " (" + h.Detail + ")"
		}
		return s
	}
	switch h.Kind {
	case sim.HearParty:
		names := make([]string, len(h.Parties))
		for i, sid := range h.Parties {
			names[i] = name(sid)
		}
		if len(names) == 0 {
			return "talking (an empty room)"
		}
		return "talking with " + strings.Join(names, ", ")
	case sim.HearMedia:
		switch h.Source {
		case "hold-music":
			return "hold music (" + h.Media + ")"
		case "wait-music":
			return "wait music, waiting to be connected (" + h.Media + ")"
		case "say":
			return "a voice saying “" + h.Media + "”"
		case "play":
			return "a recording playing (" + h.Media + ")"
		case "announcement":
			return "an announcement (" + h.Media + ")"
		case "application-error":
			return "Twilio's “an application error has occurred” message"
		}
		return h.Source + " (" + h.Media + ")"
	case sim.HearRingback:
		return withDetail("ringing: waiting for the other side to answer")
	case sim.HearSilence:
		return withDetail("silence: connected, but nothing plays")
	case sim.HearNothing:
		switch h.Detail {
		case "ended":
			return "nothing: the call has ended"
		case "not answered":
			return "nothing yet: not answered"
		}
		return withDetail("nothing: not connected")
	}
	return h.String()
}

// ctlState is GET /holdlab/state: the live picture.
func (f *Fake) ctlState(w http.ResponseWriter, _ *http.Request) error {
	wire.JSON(w, http.StatusOK, f.Picture())
	return nil
}
