package fakeapi_test

import (
	"fmt"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/holdlab/holdlab/fakeapi"
	"github.com/holdlab/holdlab/fakeapi/sim"
)

// With the real clock a request never performs webhooks: it answers once
// the engine has applied it, and the webhooks it caused are performed
// concurrently. Here every webhook blocks until the test lets it go; the
// request that made forty of them due answers anyway, then all forty are
// performed.
func TestRequestsDoNotPumpEveryWebhook(t *testing.T) {
	const calls = 20 // 40 status callbacks: initiated and ringing
	var got atomic.Int32
	release := make(chan struct{})
	var releaseOnce sync.Once
	letGo := func() { releaseOnce.Do(func() { close(release) }) }
	all := make(chan struct{})
	app := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		<-release
		if got.Add(1) == 2*calls {
			close(all)
		}
		w.WriteHeader(http.StatusNoContent)
	})
	f := newFake(t, fakeapi.Options{Clock: fakeapi.ClockReal, Apps: map[string]http.Handler{"app.test": app}})
	defer letGo() // before Close: webhooks in flight wait on it
	for i := range calls {
		if err := f.SetPhone(fmt.Sprintf("+1555000%04d", i), sim.PhoneScript{Answer: sim.AnswerNoAnswer}); err != nil {
			t.Fatal(err)
		}
	}
	done := make(chan error, 1)
	go func() {
		done <- f.Do(func(e *sim.Engine) error {
			for i := range calls {
				_, err := e.CreateCall(sim.CallParams{To: fmt.Sprintf("+1555000%04d", i), From: support, Twiml: "<Response/>",
					StatusCallback: "https://app.test/status", StatusCallbackEvents: []string{"initiated", "ringing"}})
				if err != nil {
					return err
				}
			}
			return nil
		})
	}()
	deadline := time.NewTimer(10 * time.Second)
	defer deadline.Stop()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-deadline.C:
		t.Fatal("the request waited for its webhooks")
	}
	if n := got.Load(); n != 0 {
		t.Errorf("%d webhooks were answered before the request, want none", n)
	}
	letGo()
	select {
	case <-all:
	case <-deadline.C:
		t.Fatalf("only %d of %d webhooks were performed", got.Load(), 2*calls)
	}
}

// wantConsistent fails t, when it ends, if the fake's engine broke an
// invariant during the test or ends in a broken state.
func wantConsistent(t testing.TB, f *fakeapi.Fake) {
	t.Helper()
	t.Cleanup(func() {
		if err := f.CheckInvariants(); err != nil {
			t.Errorf("engine invariants broken:\n%v", err)
		}
	})
}

// newFake returns a fake for the test, closed when the test ends.
func newFake(t testing.TB, opts fakeapi.Options) *fakeapi.Fake {
	t.Helper()
	f, err := fakeapi.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}
