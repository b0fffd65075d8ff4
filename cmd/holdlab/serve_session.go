package main

import (
	"net/http"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/holdlab/holdlab/fakeapi"
	"github.com/holdlab/holdlab/fakeapi/inspector"
	"github.com/holdlab/holdlab/fakeapi/wire"
)

// resetPath is serve's own control request: POST it and the session starts
// again with a new, empty fake behind the same address and credentials.
const resetPath = fakeapi.ControlPrefix + "reset"

// session is what `holdlab serve` serves: the current fake's REST and
// control API, the live inspector (/holdlab/ui/) and POST /holdlab/reset,
// which swaps in a new fake as `holdlab run --app` does between scenarios.
// Every request needs the account's credentials.
type session struct {
	opts    fakeapi.Options // for each new fake
	newSeed func() uint64   // a seed for each new fake
	ui      http.Handler

	mu  sync.Mutex // one reset at a time
	cur atomic.Pointer[fakeapi.Fake]
}

// newSession serves f, and after a reset new fakes made with opts.
func newSession(f *fakeapi.Fake, opts fakeapi.Options, newSeed func() uint64) *session {
	s := &session{opts: opts, newSeed: newSeed}
	s.cur.Store(f)
	s.ui = inspector.Handler(s.fake)
	return s
}

// fake is the fake served now.
func (s *session) fake() *fakeapi.Fake { return s.cur.Load() }

func (s *session) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f := s.fake()
	switch p := r.URL.Path; {
	case p == resetPath:
		f.Protect(http.HandlerFunc(s.serveReset)).ServeHTTP(w, r)
	case p+"/" == inspector.Prefix || strings.HasPrefix(p, inspector.Prefix):
		f.Protect(s.ui).ServeHTTP(w, r)
	default:
		f.Handler().ServeHTTP(w, r)
	}
}

// serveReset is POST /holdlab/reset: 204 once the new fake serves.
func (s *session) serveReset(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		wire.WriteError(w, wire.MethodNotAllowed())
		return
	}
	if err := s.reset(); err != nil {
		wire.WriteError(w, &wire.Error{Status: http.StatusInternalServerError, Code: wire.CodeInternal, Message: "holdlab: reset: " + err.Error()})
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// reset swaps in a new fake with no calls, numbers, conferences, queues or
// phones, the same credentials and API keys, then closes the old one: its
// event streams end with an end event, and its webhooks in flight are
// cancelled.
func (s *session) reset() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	opts := s.opts
	opts.Seed = s.newSeed()
	next, err := fakeapi.New(opts)
	if err != nil {
		return err
	}
	old := s.cur.Swap(next)
	s.opts.Logger.Info("session reset: a new, empty fake serves", "session", next.Session())
	return old.Close()
}

// close ends the current fake.
func (s *session) close() error { return s.fake().Close() }
