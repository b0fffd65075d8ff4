package fakeapi_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/holdlab/holdlab/fakeapi"
	"github.com/holdlab/holdlab/fakeapi/sim"
	"github.com/holdlab/holdlab/fakeapi/wire"
	"github.com/twilio/twilio-go/client"
	openapi "github.com/twilio/twilio-go/rest/api/v2010"
)

const (
	support  = "+15550001000"
	agent    = "+15550002000"
	customer = "+15550003000"
)

// webhookRequest is one webhook the app received.
type webhookRequest struct {
	Path   string
	Params url.Values
	Valid  bool // X-Twilio-Signature accepted by twilio-go's RequestValidator
}

// testApp is a Twilio app in miniature: it answers webhooks from a table of
// paths, and checks every signature with twilio-go's RequestValidator.
type testApp struct {
	base      string // the URL the fake reaches the app at
	validator client.RequestValidator

	mu       sync.Mutex
	handlers map[string]func(url.Values) string
	got      []webhookRequest
}

func newTestApp(token string) *testApp {
	return &testApp{validator: client.NewRequestValidator(token), handlers: map[string]func(url.Values) string{}}
}

// twiml answers path with doc.
func (a *testApp) twiml(path, doc string) {
	a.handle(path, func(url.Values) string { return doc })
}

func (a *testApp) handle(path string, h func(url.Values) string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.handlers[path] = h
}

func (a *testApp) url(path string) string { return a.base + path }

func (a *testApp) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	full := a.base + r.URL.RequestURI()
	var params url.Values
	var valid bool
	if r.Method == http.MethodPost {
		params = r.PostForm
		flat := map[string]string{}
		for k := range params {
			flat[k] = params.Get(k)
		}
		valid = a.validator.Validate(full, flat, r.Header.Get("X-Twilio-Signature"))
	} else {
		params = r.URL.Query()
		valid = a.validator.Validate(full, nil, r.Header.Get("X-Twilio-Signature"))
	}
	a.mu.Lock()
	a.got = append(a.got, webhookRequest{Path: r.URL.Path, Params: params, Valid: valid})
	h, ok := a.handlers[r.URL.Path]
	a.mu.Unlock()
	if !ok {
		w.WriteHeader(http.StatusNoContent)
		return
	}
	w.Header().Set("Content-Type", "text/xml")
	fmt.Fprint(w, h(params))
}

// requests returns the webhooks received at path ("" for all).
func (a *testApp) requests(path string) []webhookRequest {
	a.mu.Lock()
	defer a.mu.Unlock()
	var out []webhookRequest
	for _, r := range a.got {
		if path == "" || r.Path == path {
			out = append(out, r)
		}
	}
	return out
}

// env is a fake, an app and a twilio-go client, wired over one transport.
type env struct {
	t    *testing.T
	fake *fakeapi.Fake
	app  *testApp
	api  *openapi.ApiService
	// raw sends hand-written requests over the same transport, to apiBase
	// (for what twilio-go cannot send, such as a date-only filter).
	raw     *http.Client
	apiBase string
}

// transports runs a test body over the in-memory transport and over real
// loopback sockets: transport bugs hide in exactly one of the two.
var transports = []struct {
	name  string
	setup func(t *testing.T) *env
}{
	{"in-memory", func(t *testing.T) *env {
		app := newTestApp(fakeapi.DefaultAuthToken)
		app.base = "https://app.test"
		f := newFake(t, fakeapi.Options{Apps: map[string]http.Handler{"app.test": app}, CheckInvariants: true})
		wantConsistent(t, f)
		return &env{t: t, fake: f, app: app, api: f.RestClient(), raw: f.HTTPClient(), apiBase: "https://api.twilio.com"}
	}},
	{"loopback", func(t *testing.T) *env {
		app := newTestApp(fakeapi.DefaultAuthToken)
		appSrv := httptest.NewServer(app)
		t.Cleanup(appSrv.Close)
		app.base = appSrv.URL
		f := newFake(t, fakeapi.Options{CheckInvariants: true})
		wantConsistent(t, f)
		srv := httptest.NewServer(f.Handler())
		t.Cleanup(srv.Close)
		rc, err := fakeapi.NewRestClient(srv.URL, f.AccountSid(), f.AuthToken())
		if err != nil {
			t.Fatal(err)
		}
		return &env{t: t, fake: f, app: app, api: rc, raw: srv.Client(), apiBase: srv.URL}
	}},
}

// eachTransport runs body once per transport.
func eachTransport(t *testing.T, body func(t *testing.T, e *env)) {
	for _, tr := range transports {
		t.Run(tr.name, func(t *testing.T) {
			t.Parallel()
			e := tr.setup(t)
			body(t, e)
			for _, r := range e.app.requests("") {
				if !r.Valid {
					t.Errorf("webhook to %s has a signature twilio-go's RequestValidator rejects", r.Path)
				}
			}
		})
	}
}

// supportLine claims the support number, pointing it at the app's /voice,
// and names the phones of the customer and the agent.
func (e *env) supportLine(voiceDoc string) {
	e.t.Helper()
	e.app.twiml("/voice", voiceDoc)
	_, err := e.api.CreateIncomingPhoneNumber(&openapi.CreateIncomingPhoneNumberParams{
		PhoneNumber: ptr(support),
		VoiceUrl:    ptr(e.app.url("/voice")),
	})
	if err != nil {
		e.t.Fatal(err)
	}
	for addr, name := range map[string]string{customer: "customer", agent: "agent"} {
		if err := e.fake.SetPhone(addr, sim.PhoneScript{Name: name}); err != nil {
			e.t.Fatal(err)
		}
	}
}

// bridged places the customer's call and runs until the agent has answered.
func (e *env) bridged() (parent, child string) {
	e.t.Helper()
	parent, err := e.fake.PlaceCall(customer, support)
	if err != nil {
		e.t.Fatal(err)
	}
	e.fake.Advance(5 * time.Second)
	return parent, e.childOf(parent)
}

// childOf finds the child leg through the REST API, as an app would.
func (e *env) childOf(parent string) string {
	e.t.Helper()
	kids, err := e.api.ListCall(&openapi.ListCallParams{ParentCallSid: ptr(parent)})
	if err != nil {
		e.t.Fatal(err)
	}
	if len(kids) != 1 {
		e.t.Fatalf("%s has %d child legs, want 1", parent, len(kids))
	}
	return *kids[0].Sid
}

func (e *env) status(sid string) string {
	e.t.Helper()
	c, err := e.api.FetchCall(sid, nil)
	if err != nil {
		e.t.Fatal(err)
	}
	return *c.Status
}

func (e *env) wantStatus(sid, want string) {
	e.t.Helper()
	if got := e.status(sid); got != want {
		e.t.Errorf("%s status %s, want %s\n%s", wire.Short(sid), got, want, e.trace())
	}
}

func (e *env) hears(sid string) string {
	e.t.Helper()
	h, err := e.fake.Hears(sid)
	if err != nil {
		e.t.Fatal(err)
	}
	return h.String()
}

func (e *env) wantHears(sid, want string) {
	e.t.Helper()
	if got := e.hears(sid); got != want {
		e.t.Errorf("%s hears %q, want %q\n%s", wire.Short(sid), got, want, e.trace())
	}
}

func (e *env) trace() string {
	var b strings.Builder
	_ = e.fake.WriteTrace(&b)
	return b.String()
}

func (e *env) redirect(sid, path string) {
	e.t.Helper()
	if _, err := e.api.UpdateCall(sid, &openapi.UpdateCallParams{Url: ptr(e.app.url(path))}); err != nil {
		e.t.Fatalf("redirect %s: %v", wire.Short(sid), err)
	}
}

func ptr[T any](v T) *T { return &v }
