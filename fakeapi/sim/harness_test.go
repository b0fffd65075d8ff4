package sim

import (
	"github.com/holdlab/holdlab/fakeapi/wire"
	"net/url"
	"strings"
	"testing"
	"time"
)

const testAccount = "AC00000000000000000000000000000001"

// testApp is an app's webhooks in miniature: each URL maps to a function
// from the request's parameters to a TwiML document.
type testApp struct {
	t      *testing.T
	routes map[string]func(url.Values) string
	// requests records every webhook, in order.
	requests []*Effect
}

func newTestApp(t *testing.T) *testApp {
	return &testApp{t: t, routes: map[string]func(url.Values) string{}}
}

// twiml serves a fixed document at u.
func (a *testApp) twiml(u, doc string) { a.routes[u] = func(url.Values) string { return doc } }

func (a *testApp) perform(eff *Effect) Result {
	a.requests = append(a.requests, eff)
	if eff.Kind == EffectCallback {
		if h, ok := a.routes[eff.URL]; ok {
			h(eff.Params)
		}
		return Result{StatusCode: 204}
	}
	h, ok := a.routes[eff.URL]
	if !ok {
		return Result{StatusCode: 404, ErrCode: 11200, Err: "HTTP 404"}
	}
	return Result{StatusCode: 200, ContentType: "text/xml", Body: []byte(h(eff.Params))}
}

// requestsTo returns the webhooks sent to u.
func (a *testApp) requestsTo(u string) []*Effect {
	var out []*Effect
	for _, r := range a.requests {
		if r.URL == u {
			out = append(out, r)
		}
	}
	return out
}

type world struct {
	t   *testing.T
	e   *Engine
	app *testApp
}

func newWorld(t *testing.T) *world {
	t.Helper()
	e := New(Config{AccountSid: testAccount, Seed: 1, CheckInvariants: true})
	w := &world{t: t, e: e, app: newTestApp(t)}
	t.Cleanup(func() {
		if e.cfg.CheckInvariants { // a test that breaks the state on purpose turns it off
			wantNoViolations(t, e)
		}
	})
	return w
}

// run advances virtual time by d, performing webhooks as they come.
func (w *world) run(d time.Duration) { w.e.RunUntil(w.e.Now().Add(d), w.app.perform) }

// settle runs what is due now.
func (w *world) settle() { w.run(0) }

func (w *world) number(num, voiceURL string) {
	w.t.Helper()
	if _, err := w.e.CreateNumber(NumberParams{PhoneNumber: num, VoiceURL: &voiceURL}); err != nil {
		w.t.Fatal(err)
	}
}

func (w *world) phone(addr string, s PhoneScript) {
	w.t.Helper()
	if err := w.e.SetPhone(addr, s); err != nil {
		w.t.Fatal(err)
	}
}

func (w *world) place(from, to string) *Call {
	w.t.Helper()
	c, err := w.e.PlaceCall(from, to)
	if err != nil {
		w.t.Fatal(err)
	}
	return c
}

// child returns the only child leg of parent.
func (w *world) child(parent *Call) *Call {
	w.t.Helper()
	kids := w.e.Calls(CallFilter{ParentCallSid: parent.Sid})
	if len(kids) != 1 {
		w.t.Fatalf("%s has %d child legs, want 1", parent.Sid, len(kids))
	}
	return kids[0]
}

func (w *world) wantStatus(c *Call, want Status) {
	w.t.Helper()
	if c.Status != want {
		w.t.Errorf("%s (%s) status = %s, want %s\ntrace:\n%s", wire.Short(c.Sid), c.label, c.Status, want, w.traceText())
	}
}

func (w *world) wantHears(c *Call, want string) {
	w.t.Helper()
	h, err := w.e.Hears(c.Sid)
	if err != nil {
		w.t.Fatal(err)
	}
	if got := h.String(); got != want {
		w.t.Errorf("%s (%s) hears %q, want %q\ntrace:\n%s", wire.Short(c.Sid), c.label, got, want, w.traceText())
	}
}

func (w *world) traceText() string {
	var b strings.Builder
	if err := WriteTrace(&b, w.e.Start(), w.e.Trace()); err != nil {
		w.t.Fatal(err)
	}
	return b.String()
}

func (w *world) update(c *Call, p UpdateParams) {
	w.t.Helper()
	if _, err := w.e.UpdateCall(c.Sid, p); err != nil {
		w.t.Fatalf("update %s: %v", wire.Short(c.Sid), err)
	}
	w.settle()
}
