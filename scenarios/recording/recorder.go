package recording

import (
	"bytes"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"sync"
	"time"

	"github.com/holdlab/holdlab/fakeapi/wire"
)

// Kind says what an event is.
type Kind string

// Kinds of events.
const (
	// KindWebhook is a request Twilio made to the app.
	KindWebhook Kind = "webhook"
	// KindREST is a REST request that changes something (any method but
	// GET), with Twilio's answer. Reads are left out: how often an app or a
	// test polls is not part of the story, and differs between runs.
	KindREST Kind = "rest"
	// KindEnd is a call's status when the scenario ended.
	KindEnd Kind = "end"
)

// Raw is an event as it was captured, before normalisation.
type Raw struct {
	At     time.Time
	Step   string
	Kind   Kind
	Method string
	// URL is the webhook's path and query, or the REST request's URL.
	URL    string
	Params url.Values
	// Status and Body are the REST answer; Status is 0 while it is
	// pending, and -1 when the request failed without an answer.
	Status int
	Body   []byte
	// Call and CallStatus are an end event's call SID and status.
	Call       string
	CallStatus string
	Duration   string
	// Mark is the recorder's mark when the event began (see SetMark).
	Mark uint64
}

// Recorder captures a scenario's observable story. It is safe for
// concurrent use: webhooks arrive on the HTTP server's goroutines while the
// scenario's steps make REST requests.
type Recorder struct {
	now  func() time.Time
	mark func() uint64

	mu     sync.Mutex
	start  time.Time
	step   string
	steps  []StepMark
	events []*Raw
}

// StepMark is a step as the recorder saw it begin.
type StepMark struct {
	Text string
	At   time.Time
	// Mark is the recorder's mark when it began (see SetMark).
	Mark uint64
}

// NewRecorder returns a recorder whose clock is now (the fake's virtual
// clock, or the wall clock against real Twilio). The scenario starts now.
func NewRecorder(now func() time.Time) *Recorder {
	return &Recorder{now: now, start: now()}
}

// Start is the instant the scenario started.
func (r *Recorder) Start() time.Time {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.start
}

// Step notes the step that runs from now on; events are attributed to it,
// and Steps tells when it began.
func (r *Recorder) Step(text string) {
	sm := StepMark{Text: text, At: r.now()}
	r.mu.Lock()
	mark := r.mark
	r.mu.Unlock()
	if mark != nil {
		sm.Mark = mark()
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.step = text
	r.steps = append(r.steps, sm)
}

// Steps returns the steps noted so far, in order, with when each began.
func (r *Recorder) Steps() []StepMark {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]StepMark(nil), r.steps...)
}

// SetMark gives every event a mark taken when it begins: the fake's last
// trace sequence number, so that a timeline can place a REST request among
// the trace entries at the same instant.
func (r *Recorder) SetMark(mark func() uint64) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.mark = mark
}

func (r *Recorder) add(e *Raw) {
	e.At = r.now()
	r.mu.Lock()
	mark := r.mark
	r.mu.Unlock()
	if mark != nil {
		e.Mark = mark()
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	e.Step = r.step
	r.events = append(r.events, e)
}

// Webhook records a request Twilio made to the app. For a GET, Twilio's
// parameters are the query; for a POST, the form (the URL's own query, the
// app's state, stays in the URL).
func (r *Recorder) Webhook(req *http.Request) {
	if err := req.ParseForm(); err != nil {
		return
	}
	e := &Raw{Kind: KindWebhook, Method: req.Method}
	if req.Method == http.MethodGet {
		e.URL = req.URL.Path
		e.Params = req.URL.Query()
	} else {
		e.URL = req.URL.RequestURI()
		e.Params = req.PostForm
	}
	r.add(e)
}

// End records a call's status at the end of the scenario.
func (r *Recorder) End(sid, status, duration string) {
	r.add(&Raw{Kind: KindEnd, Call: sid, CallStatus: status, Duration: duration})
}

// Events returns a copy of what was captured so far.
func (r *Recorder) Events() []Raw {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]Raw, len(r.events))
	for i, e := range r.events {
		out[i] = *e
	}
	return out
}

// CallSids returns every call SID the story mentions, in order of first
// mention: the calls whose end status is worth recording.
func (r *Recorder) CallSids() []string {
	seen := map[string]bool{}
	var out []string
	note := func(s string) {
		for _, sid := range wire.SIDsIn(s, "CA") {
			if !seen[sid] {
				seen[sid] = true
				out = append(out, sid)
			}
		}
	}
	for _, e := range r.Events() {
		note(e.URL)
		for _, k := range slices.Sorted(maps.Keys(e.Params)) {
			for _, v := range e.Params[k] {
				note(v)
			}
		}
		note(string(e.Body))
		note(e.Call)
	}
	return out
}

// maxBody bounds a recorded REST answer.
const maxBody = 1 << 20

// Transport wraps an HTTP transport (a twilio-go client's) so that every
// REST request that is not a GET is recorded with its answer. The event
// takes its place in the story when the request is sent, so the story keeps
// cause before effect whether the webhooks it triggers arrive before the
// answer (the fake) or after it (Twilio).
func (r *Recorder) Transport(next http.RoundTripper) http.RoundTripper {
	if next == nil {
		next = http.DefaultTransport
	}
	return roundTripFunc(func(req *http.Request) (*http.Response, error) {
		if req.Method == http.MethodGet || req.Method == http.MethodHead {
			return next.RoundTrip(req)
		}
		e := &Raw{Kind: KindREST, Method: req.Method, URL: req.URL.String()}
		if req.Body != nil {
			body, err := io.ReadAll(io.LimitReader(req.Body, maxBody))
			req.Body.Close()
			if err != nil {
				return nil, fmt.Errorf("recording: read request body: %w", err)
			}
			req.Body = io.NopCloser(bytes.NewReader(body))
			e.Params, _ = url.ParseQuery(string(body))
		}
		r.add(e)
		resp, err := next.RoundTrip(req)
		r.mu.Lock()
		defer r.mu.Unlock()
		if err != nil {
			e.Status = -1
			return nil, err
		}
		body, rerr := io.ReadAll(io.LimitReader(resp.Body, maxBody))
		resp.Body.Close()
		resp.Body = io.NopCloser(bytes.NewReader(body))
		if rerr != nil {
			return nil, fmt.Errorf("recording: read response body: %w", rerr)
		}
		e.Status, e.Body = resp.StatusCode, body
		return resp, nil
	})
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }
