package sim

import (
	"container/heap"
	"github.com/holdlab/holdlab/fakeapi/wire"
	"log/slog"
	"net/url"
	"strconv"
	"time"
)

// Config sets up an Engine.
type Config struct {
	// AccountSid owns every resource. Required.
	AccountSid string
	// Start is the virtual time the engine starts at. Default: 2025-01-06
	// 09:00:00 UTC (a fixed instant, so traces are reproducible).
	Start time.Time
	// Seed makes SIDs reproducible. Same seed, same SIDs.
	Seed uint64
	// AnswerDelay is how long a simulated phone rings before it answers, when
	// its script does not say. Default 2s.
	AnswerDelay time.Duration
	// MediaDuration gives the length of a <Play> URL's audio. Default: 30s
	// for every URL (see SetMediaDuration for per-URL lengths).
	MediaDuration time.Duration
	// Logger receives every trace entry at debug level. Optional.
	Logger *slog.Logger
	// TraceLimit bounds what the engine remembers of the past: the trace
	// keeps at most TraceLimit entries, and each call at most TraceLimit
	// intervals of its hearing history, forgetting the oldest first.
	// 0 (the default): no bound, every entry and interval is kept.
	TraceLimit int
	// CheckInvariants makes the engine check its invariants (see
	// CheckInvariants) after every Step, Deliver and SetNow, and record
	// what is broken (see Violations). Meant for tests: a check walks every
	// call.
	CheckInvariants bool
	// OnTrace, if set, is called after each trace entry is added, with
	// the engine's lock (its caller's) held: it must be cheap and must not
	// touch the engine. The fake's event stream uses it to wake its
	// readers.
	OnTrace func()
}

// DefaultStart is the virtual instant an engine starts at unless told.
var DefaultStart = time.Date(2025, 1, 6, 9, 0, 0, 0, time.UTC)

// Engine is the simulated Twilio voice platform. See the package doc.
type Engine struct {
	cfg   Config
	start time.Time
	now   time.Time
	seq   uint64 // trace and event sequence

	events    eventQueue
	evSeq     uint64
	compactAt int // compactEvents when the queue holds this many events

	// effects[effHead:] wait to be taken; the array is reused once they
	// all are, so that emitting does not grow a new one every time.
	effects  []*Effect
	effHead  int
	effectID uint64
	stamp    struct { // the last callback Timestamp rendered (timestamp)
		at   time.Time
		text string
	}
	pending map[uint64]*pendingFetch
	// spareParams and spareEffects were released (Release) for reuse.
	spareParams  []paramSet
	spareEffects []*Effect

	ids   *wire.SIDGenerator
	calls map[string]*Call
	idx   callIndex // the calls in list order, and by what the Calls list filters on (call_index.go)

	numbers     map[string]*PhoneNumber // by E.164 number
	numberOrder []*PhoneNumber

	phones map[string]PhoneScript
	mediaD map[string]time.Duration

	dirty     []*Call
	roomMarks []*roomMark // where conferences changed among the dirty calls (conference_touch.go)
	// The arrays of the batch flushHearing last went through, and its
	// marks, emptied for the next batch (each step touches a few calls:
	// reusing them saves growing new ones every time).
	spareDirty []*Call
	spareMarks []*roomMark

	confs  []*Conference // every conference, in creation order (conference.go)
	queues []*Queue      // the account's queues, in creation order (queue.go)
	recs   recordings    // recordings of calls and conferences (recording.go)
	// confBySid indexes confs; liveConfs holds the conference that is not
	// completed, by name (at most one per name).
	confBySid, liveConfs map[string]*Conference
	confIdx              confIndex // for the Conferences list (list_conferences.go)

	trace traceLog

	resolved map[[2]string]string // resolveOr's results, by document URL and reference (fetch.go)
	hookRefs recentRefs           // the latest webhook references of the trace (tracerecent.go)

	sdk sdkState // TwiML Apps, Voice SDK devices, user-defined messages (clients.go)

	violations []error // with Config.CheckInvariants (invariants.go)
	// traceChecked is how far the checks after each step found the trace
	// in order (invariants.go).
	traceChecked int
}

// New returns an engine at its start time with no calls.
func New(cfg Config) *Engine {
	if cfg.Start.IsZero() {
		cfg.Start = DefaultStart
	}
	if cfg.AnswerDelay == 0 {
		cfg.AnswerDelay = 2 * time.Second
	}
	if cfg.MediaDuration == 0 {
		cfg.MediaDuration = 30 * time.Second
	}
	start := cfg.Start.UTC().Truncate(time.Millisecond)
	e := &Engine{
		cfg:     cfg,
		start:   start,
		now:     start,
		pending: map[uint64]*pendingFetch{},
		ids:     wire.NewSIDGenerator(cfg.Seed),
		calls:   map[string]*Call{},
		numbers: map[string]*PhoneNumber{},
		phones:  map[string]PhoneScript{},
		mediaD:  map[string]time.Duration{},

		compactAt: minCompact,
	}
	e.trace.setLimit(cfg.TraceLimit)
	return e
}

// Now returns the current virtual time.
func (e *Engine) Now() time.Time { return e.now }

// Start returns the virtual time the engine started at.
func (e *Engine) Start() time.Time { return e.start }

// AccountSid returns the account that owns every resource.
func (e *Engine) AccountSid() string { return e.cfg.AccountSid }

// NewSID returns a fresh SID with the given two-letter prefix.
func (e *Engine) NewSID(prefix string) string { return e.ids.Next(prefix) }

// SetMediaDuration sets the length of the audio at a <Play> URL.
func (e *Engine) SetMediaDuration(url string, d time.Duration) { e.mediaD[url] = d }

// --- virtual time ---

type event struct {
	at    time.Time
	seq   uint64
	fn    func()
	dead  bool
	index int
}

// cancel stops ev from running. It stays in the queue until it is due or
// compactEvents removes it, without its function and what that holds (a
// call, typically).
func (ev *event) cancel() {
	if ev != nil {
		ev.dead = true
		ev.fn = nil
	}
}

type eventQueue []*event

func (q eventQueue) Len() int { return len(q) }
func (q eventQueue) Less(i, j int) bool {
	if !q[i].at.Equal(q[j].at) {
		return q[i].at.Before(q[j].at)
	}
	return q[i].seq < q[j].seq
}
func (q eventQueue) Swap(i, j int) { q[i], q[j] = q[j], q[i]; q[i].index = i; q[j].index = j }
func (q *eventQueue) Push(x any)   { ev := x.(*event); ev.index = len(*q); *q = append(*q, ev) }
func (q *eventQueue) Pop() any {
	old := *q
	n := len(old)
	ev := old[n-1]
	old[n-1] = nil
	*q = old[:n-1]
	return ev
}

// after schedules fn to run d from now. Events at the same instant run in
// the order they were scheduled.
func (e *Engine) after(d time.Duration, fn func()) *event {
	if len(e.events) >= e.compactAt {
		e.compactEvents()
	}
	e.evSeq++
	ev := &event{at: e.now.Add(d), seq: e.evSeq, fn: fn}
	heap.Push(&e.events, ev)
	return ev
}

// minCompact is the fewest events the queue holds before compactEvents
// looks for canceled ones.
const minCompact = 1024

// compactEvents removes the canceled events from the queue. A canceled
// event stays in the queue until it is due (cancel only marks it), and
// with it whatever its function holds: a ring timer canceled by an answer,
// for instance, keeps its call for a minute of virtual time, and for ever
// if the clock stands still while calls come and go. after calls it each
// time the queue has doubled since the last time, which keeps its cost
// constant per event and the queue at most about twice the events still
// to run. Events are ordered by (at, seq), so the order they run in is the
// same.
func (e *Engine) compactEvents() {
	live := e.events[:0]
	for _, ev := range e.events {
		if !ev.dead {
			live = append(live, ev)
		}
	}
	clear(e.events[len(live):])
	for i, ev := range live {
		ev.index = i
	}
	e.events = live
	heap.Init(&e.events)
	e.compactAt = max(2*len(live), minCompact)
}

// NextEvent returns the time of the next pending event, if any.
func (e *Engine) NextEvent() (time.Time, bool) {
	for len(e.events) > 0 && e.events[0].dead {
		heap.Pop(&e.events)
	}
	if len(e.events) == 0 {
		return time.Time{}, false
	}
	return e.events[0].at, true
}

// Step runs the next event due at or before until, moving the clock to it.
// It does nothing and returns false while effects wait to be performed, or
// when no event is due.
func (e *Engine) Step(until time.Time) bool {
	if e.PendingEffects() > 0 {
		return false
	}
	at, ok := e.NextEvent()
	if !ok || at.After(until) {
		return false
	}
	ev := heap.Pop(&e.events).(*event)
	if ev.at.After(e.now) {
		e.now = ev.at
	}
	ev.fn()
	e.flushHearing()
	e.checkpoint("step")
	return true
}

// SetNow moves the clock forward to t without running events; it is used
// once no event is due before t. Moving backwards is ignored.
func (e *Engine) SetNow(t time.Time) {
	if t.After(e.now) {
		e.now = t
	}
	e.checkpoint("run")
}

// RunUntil runs every event due up to until and moves the clock there,
// performing effects with perform. It is the single-goroutine way to drive an
// engine (tests of this package use it); fakeapi drives it with its own loop
// so that it can release its lock while an effect is performed.
func (e *Engine) RunUntil(until time.Time, perform func(*Effect) Result) {
	for {
		if eff := e.NextEffect(); eff != nil {
			e.Deliver(eff.ID, perform(eff))
			continue
		}
		if !e.Step(until) {
			break
		}
	}
	e.SetNow(until)
}

// --- effects ---

// EffectKind says what an effect is for.
type EffectKind string

// Effect kinds.
const (
	// EffectTwiML fetches a TwiML document the call waits for.
	EffectTwiML EffectKind = "twiml"
	// EffectCallback notifies the app (status callbacks, action URLs whose
	// answer is ignored). Nothing waits for it.
	EffectCallback EffectKind = "callback"
)

// Effect is an HTTP request Twilio would make to the app. The driver performs
// it and hands the Result to Deliver.
type Effect struct {
	ID      uint64
	Kind    EffectKind
	CallSid string
	URL     string
	Method  string
	Params  url.Values
	// Purpose names the request for people: "voice url", "dial action",
	// "status callback (completed)".
	Purpose string

	own  paramSet     // the storage of Params, when the engine may reuse it (Release)
	pend pendingFetch // what the engine keeps of it until its answer (pending)
}

// Result is the app's answer to an Effect.
type Result struct {
	StatusCode  int
	ContentType string
	Body        []byte
	// ErrCode is Twilio's error code when the request failed (11200 HTTP
	// error status, 11205 connection failure, ...); 0 on success.
	ErrCode int
	Err     string
}

// NextEffect returns the oldest effect not yet performed, or nil. It stays
// pending until Deliver is called with its ID.
func (e *Engine) NextEffect() *Effect {
	if e.effHead == len(e.effects) {
		return nil
	}
	eff := e.effects[e.effHead]
	e.effects[e.effHead] = nil
	e.effHead++
	if e.effHead == len(e.effects) {
		e.effects, e.effHead = e.effects[:0], 0
	}
	return eff
}

// PendingEffects reports how many effects wait to be taken.
func (e *Engine) PendingEffects() int { return len(e.effects) - e.effHead }

type pendingFetch struct {
	eff     *Effect
	call    *Call
	onReply func(Result)
	// runner, instead of onReply, takes the answer to a runner's fetch of
	// the document at docURL (runnerDoc): a hold costs no closure.
	runner *mediaRunner
	docURL string
}

func (e *Engine) emit(kind EffectKind, c *Call, rawURL, method string, params url.Values, purpose string, onReply func(Result)) *Effect {
	e.effectID++
	// The effect and what the engine keeps of it until its answer are one
	// allocation, or one a driver released.
	var eff *Effect
	if n := len(e.spareEffects); n > 0 {
		eff = e.spareEffects[n-1]
		e.spareEffects[n-1] = nil
		e.spareEffects = e.spareEffects[:n-1]
	} else {
		eff = new(Effect)
	}
	*eff = Effect{ID: e.effectID, Kind: kind, URL: rawURL, Method: method, Params: params, Purpose: purpose}
	if c != nil {
		eff.CallSid = c.Sid
	}
	eff.pend = pendingFetch{eff: eff, call: c, onReply: onReply}
	e.effects = append(e.effects, eff)
	e.pending[eff.ID] = &eff.pend
	return eff
}

// emitSet emits an effect whose parameters are p's, which Release may
// hand back for reuse. A paramSet without its values array (a map made
// otherwise) is not reused.
func (e *Engine) emitSet(kind EffectKind, c *Call, rawURL, method string, p paramSet, purpose string, onReply func(Result)) *Effect {
	eff := e.emit(kind, c, rawURL, method, p.v, purpose, onReply)
	if p.vals != nil {
		eff.own = p
	}
	return eff
}

// Deliver hands the engine the app's answer to an effect, and runs whatever
// follows from it at the current instant.
func (e *Engine) Deliver(id uint64, r Result) {
	p, ok := e.pending[id]
	if !ok {
		return
	}
	delete(e.pending, id)
	e.traceWebhook(p, r)
	switch {
	case p.runner != nil:
		e.runnerDoc(p.runner, id, r, p.docURL)
	case p.onReply != nil:
		p.onReply(r)
	}
	e.flushHearing()
	e.checkpoint("deliver")
}

func (e *Engine) traceWebhook(p *pendingFetch, r Result) {
	eff := p.eff
	// The text: purpose method url (params) -> HTTP status [content type],
	// or -> failed: error; copied once into a string of its size.
	var buf [512]byte
	b := append(buf[:0], eff.Purpose...)
	b = append(b, ' ')
	b = append(b, eff.Method...)
	b = append(b, ' ')
	b = append(b, eff.URL...)
	b = append(b, " ("...)
	b = appendSummary(b, eff.Params)
	b = append(b, ") -> "...)
	switch {
	case r.ErrCode != 0 && r.StatusCode != 0:
		b = append(b, "HTTP "...)
		b = strconv.AppendInt(b, int64(r.StatusCode), 10)
	case r.ErrCode != 0:
		b = append(b, "failed: "...)
		b = append(b, r.Err...)
	default:
		b = append(b, "HTTP "...)
		b = strconv.AppendInt(b, int64(r.StatusCode), 10)
		if r.ContentType != "" {
			b = append(b, ' ')
			b = append(b, r.ContentType...)
		}
	}
	e.traceText(p.call, KindWebhook, r.ErrCode, e.sharedLine(p.call, b), facts{webhook: e.webhookRef(eff, r)})
}
