package fakeapi

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"path"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/holdlab/holdlab/fakeapi/sim"
	"github.com/holdlab/holdlab/fakeapi/wire"
)

// restPrefix is where Twilio's REST API lives; faults apply only there,
// never to the control API, so a test can always remove them.
const restPrefix = "/2010-04-01/"

// maxFaultLatency bounds Fault.Latency.
const maxFaultLatency = 10 * time.Minute

// Fault makes the fake misbehave on purpose for REST requests that match
// it, the way Twilio does on a bad day, so that an app's own resilience can
// be tested: rate limiting (429 / 20429), server errors (500 / 20500, 503 /
// 20503), slow answers, dropped connections.
//
// A matching request is delayed by Latency, then, if Drop is set, its
// connection is closed without an answer, else if Status is set it is
// answered with Twilio's error body and not carried out; otherwise it is
// handled normally. Faults apply to Twilio's REST API only (paths under
// /2010-04-01/), after authentication, never to the control API.
type Fault struct {
	// Method is the HTTP method it matches; "" matches any.
	Method string
	// Path is a pattern of the request paths it matches, with path.Match's
	// syntax: "*" matches any part of one path segment, so
	// "/2010-04-01/Accounts/*/Calls/*" matches every call's own path (an
	// update, a fetch, a delete) but not Calls.json. "" matches every REST
	// path.
	Path string
	// Status is the HTTP status to answer with instead of carrying the
	// request out: 400 to 599. 0 carries it out (after Latency).
	Status int
	// Code is Twilio's error code in the body. Default: 20000 + Status,
	// which gives Twilio's own 20429 "Too Many Requests", 20500 and 20503.
	Code int
	// Message is the error message. Default: the status text, as Twilio's
	// ("Too Many Requests").
	Message string
	// Latency delays the answer. With ClockReal it is wall time, bounded
	// by the request's context. With ClockManual nothing sleeps: virtual
	// time moves forward by Latency before the request is handled, as if
	// it had arrived that much later.
	Latency time.Duration
	// Drop closes the connection without an answer, as a reset does (over
	// HTTP the client sees the connection end; in memory, HTTPClient's
	// request fails with ErrConnectionDropped).
	Drop bool
	// Times is how many matching requests the fault applies to; then it
	// is gone. 0 means every matching request until it is removed.
	Times int
}

// FaultState is an injected fault and what it has done so far.
type FaultState struct {
	Fault
	// ID names the fault for RemoveFault: "FA1", "FA2", ...
	ID string
	// Hits counts the requests it answered.
	Hits int
	// Left is how many more requests it applies to; -1 when unlimited.
	Left int
}

// faultSet holds a fake's faults, in the order they were injected.
type faultSet struct {
	mu     sync.Mutex
	next   int
	faults []*FaultState
	// n is len(faults), which take reads without the lock: most
	// requests meet no fault at all.
	n atomic.Int32
}

// validate checks a fault and fills in its defaults.
func (ft *Fault) validate() error {
	ft.Method = strings.ToUpper(strings.TrimSpace(ft.Method))
	if _, err := path.Match(ft.Path, restPrefix); err != nil {
		return fmt.Errorf("fault path %q: %w", ft.Path, err)
	}
	switch {
	case ft.Status != 0 && (ft.Status < 400 || ft.Status > 599):
		return fmt.Errorf("fault status %d: want 400 to 599, or 0 to only add latency", ft.Status)
	case ft.Latency < 0 || ft.Latency > maxFaultLatency:
		return fmt.Errorf("fault latency %s: want 0 to %s", ft.Latency, maxFaultLatency)
	case ft.Times < 0:
		return fmt.Errorf("fault times %d: want 0 (always) or more", ft.Times)
	case ft.Status == 0 && ft.Latency == 0 && !ft.Drop:
		return errors.New("a fault needs a status, a latency or drop")
	}
	if ft.Status != 0 && ft.Code == 0 {
		ft.Code = 20000 + ft.Status
	}
	if ft.Status != 0 && ft.Message == "" {
		ft.Message = http.StatusText(ft.Status)
	}
	return nil
}

func (ft *Fault) matches(r *http.Request) bool {
	if ft.Method != "" && ft.Method != r.Method {
		return false
	}
	if ft.Path == "" {
		return true
	}
	ok, _ := path.Match(ft.Path, r.URL.Path)
	return ok
}

// take returns the first fault matching r, counting the hit and removing
// the fault once it has applied Times times.
func (s *faultSet) take(r *http.Request) (FaultState, bool) {
	if s.n.Load() == 0 {
		return FaultState{}, false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, fs := range s.faults {
		if !fs.matches(r) {
			continue
		}
		fs.Hits++
		if fs.Left > 0 {
			fs.Left--
			if fs.Left == 0 {
				s.faults = append(s.faults[:i], s.faults[i+1:]...)
				s.n.Store(int32(len(s.faults)))
			}
		}
		return *fs, true
	}
	return FaultState{}, false
}

// InjectFault makes the fake answer the REST requests that match ft as ft
// says, until it has applied ft.Times times or is removed. It returns the
// fault's ID. Faults are tried in the order they were injected; the first
// that matches a request applies.
//
//	f.InjectFault(fakeapi.Fault{Method: "POST", Path: "/2010-04-01/Accounts/*/Calls/*", Status: 429, Times: 2})
func (f *Fake) InjectFault(ft Fault) (string, error) {
	if err := ft.validate(); err != nil {
		return "", fmt.Errorf("fakeapi: %w", err)
	}
	s := &f.faults
	s.mu.Lock()
	defer s.mu.Unlock()
	s.next++
	fs := &FaultState{Fault: ft, ID: fmt.Sprintf("FA%d", s.next), Left: ft.Times}
	if ft.Times == 0 {
		fs.Left = -1
	}
	s.faults = append(s.faults, fs)
	s.n.Store(int32(len(s.faults)))
	return fs.ID, nil
}

// Faults returns the faults in force, in the order they were injected.
func (f *Fake) Faults() []FaultState {
	s := &f.faults
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]FaultState, 0, len(s.faults))
	for _, fs := range s.faults {
		out = append(out, *fs)
	}
	return out
}

// RemoveFault removes one fault; it reports whether it was in force.
func (f *Fake) RemoveFault(id string) bool {
	s := &f.faults
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, fs := range s.faults {
		if fs.ID == id {
			s.faults = append(s.faults[:i], s.faults[i+1:]...)
			s.n.Store(int32(len(s.faults)))
			return true
		}
	}
	return false
}

// ClearFaults removes every fault.
func (f *Fake) ClearFaults() {
	s := &f.faults
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = nil
	s.n.Store(0)
}

// ErrConnectionDropped is the error of an in-memory request whose
// connection a Fault with Drop closed (or a handler that panicked with
// http.ErrAbortHandler).
var ErrConnectionDropped = errors.New("fakeapi: connection dropped without an answer")

// serveFaulty applies the injected faults to the REST requests h
// serves: r is served by h unless a fault applies to it.
func (f *Fake) serveFaulty(w http.ResponseWriter, r *http.Request, h http.Handler) {
	if !strings.HasPrefix(r.URL.Path, restPrefix) {
		h.ServeHTTP(w, r)
		return
	}
	fs, ok := f.faults.take(r)
	if !ok {
		h.ServeHTTP(w, r)
		return
	}
	callSid := callInPath(r.URL.Path)
	if fs.Latency > 0 {
		f.noteFault(callSid, 0, fmt.Sprintf("fault %s delays %s %s by %s", fs.ID, r.Method, r.URL.Path, fs.Latency))
		if err := f.delay(r.Context(), fs.Latency); err != nil {
			return // the client gave up
		}
	}
	switch {
	case fs.Drop:
		f.noteFault(callSid, 0, fmt.Sprintf("fault %s drops the connection of %s %s", fs.ID, r.Method, r.URL.Path))
		panic(http.ErrAbortHandler)
	case fs.Status != 0:
		f.noteFault(callSid, fs.Code, fmt.Sprintf("fault %s answers %s %s with %d / %d %s", fs.ID, r.Method, r.URL.Path, fs.Status, fs.Code, fs.Message))
		if fs.Status == http.StatusTooManyRequests || fs.Status == http.StatusServiceUnavailable {
			w.Header().Set("Retry-After", "1")
		}
		wire.WriteError(w, &wire.Error{Status: fs.Status, Code: fs.Code, Message: fs.Message})
	default:
		h.ServeHTTP(w, r)
	}
}

// delay waits d: wall time with ClockReal (bounded by ctx), virtual time
// with ClockManual.
func (f *Fake) delay(ctx context.Context, d time.Duration) error {
	if f.opts.Clock != ClockReal {
		f.Advance(d)
		return nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// noteFault records a fault in the trace (sim.KindFault), at the wall
// clock's now with ClockReal.
func (f *Fake) noteFault(callSid string, code int, text string) {
	f.View(func(e *sim.Engine) { e.NoteFault(callSid, code, text) })
}

// callInPath returns the call SID a REST path is about, if any:
// ".../Calls/CA….json" or ".../Participants/CA….json".
func callInPath(p string) string {
	last := strings.TrimSuffix(path.Base(p), ".json")
	if wire.ValidSID("CA", last) {
		return last
	}
	return ""
}
