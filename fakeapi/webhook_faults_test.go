package fakeapi_test

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/holdlab/holdlab/fakeapi"
	"github.com/holdlab/holdlab/fakeapi/sim"
	openapi "github.com/twilio/twilio-go/rest/api/v2010"
)

// faultyAppTimeout is the webhook timeout of these tests: short, so that a
// hanging app costs little wall time.
const faultyAppTimeout = 300 * time.Millisecond

// faultyApp is an app whose voice URLs fail in every way an app can:
// /voice/<mode>. /fallback and /good answer properly.
type faultyApp struct {
	release chan struct{} // closed when the test ends: frees hanging handlers

	mu        sync.Mutex
	fallbacks []url.Values
}

func newFaultyApp(t *testing.T) *faultyApp {
	a := &faultyApp{release: make(chan struct{})}
	t.Cleanup(func() { close(a.release) })
	return a
}

func (a *faultyApp) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	_ = r.ParseForm()
	xml := func(doc string) {
		w.Header().Set("Content-Type", "text/xml")
		_, _ = io.WriteString(w, doc)
	}
	switch r.URL.Path {
	case "/fallback":
		a.mu.Lock()
		a.fallbacks = append(a.fallbacks, r.PostForm)
		a.mu.Unlock()
		xml(`<Response><Say>Sorry, we are having trouble</Say><Pause length="600"/></Response>`)
	case "/good":
		xml(`<Response><Play loop="0">https://cdn.test/music.mp3</Play></Response>`)
	case "/voice/404":
		http.NotFound(w, r)
	case "/voice/500":
		http.Error(w, "boom", http.StatusInternalServerError)
	case "/voice/403":
		// Signature validation behind a proxy gone wrong (pitfall 12).
		http.Error(w, "forbidden", http.StatusForbidden)
	case "/voice/hang":
		// Answers nothing until the fake gives up (the webhook timeout).
		select {
		case <-r.Context().Done():
		case <-a.release:
		}
	case "/voice/slow":
		// Slow, but within the webhook timeout.
		t := time.NewTimer(faultyAppTimeout / 3)
		defer t.Stop()
		select {
		case <-t.C:
		case <-a.release:
		}
		xml(`<Response><Say>Thanks for waiting</Say><Pause length="600"/></Response>`)
	case "/voice/reset":
		hj, ok := w.(http.Hijacker)
		if !ok {
			panic(http.ErrAbortHandler) // in memory: the connection ends
		}
		conn, _, err := hj.Hijack()
		if err != nil {
			panic(http.ErrAbortHandler)
		}
		if tc, ok := conn.(*net.TCPConn); ok {
			_ = tc.SetLinger(0) // close with a reset, not a FIN
		}
		_ = conn.Close()
	case "/voice/json":
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"twiml":"<Response/>"}`)
	case "/voice/no-content-type":
		w.Header()["Content-Type"] = nil // no sniffing either
		_, _ = io.WriteString(w, `<Response><Say>hi</Say></Response>`)
	case "/voice/not-xml":
		xml(`Hello, <b>world</b>`)
	case "/voice/bad-ampersand":
		xml(`<Response><Play>https://cdn.test/music.mp3?a=1&b=2</Play></Response>`)
	case "/voice/wrong-root":
		xml(`<response><Say>hi</Say></response>`)
	case "/voice/doctype":
		xml(`<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><Response><Say>&b;</Say></Response>`)
	case "/voice/deep":
		xml(`<Response>` + strings.Repeat("<Gather>", 40) + strings.Repeat("</Gather>", 40) + `</Response>`)
	case "/voice/huge":
		xml(`<Response><Say>` + strings.Repeat("la ", 30_000) + `</Say></Response>`)
	case "/voice/redirect-loop":
		http.Redirect(w, r, r.URL.Path, http.StatusFound)
	case "/voice/unknown-verb":
		xml(`<Response><Sya>typo</Sya><Say Voice="alice" voice="alice">Welcome</Say><Pause length="600"/></Response>`)
	default:
		http.NotFound(w, r)
	}
}

func (a *faultyApp) fallbackRequests() []url.Values {
	a.mu.Lock()
	defer a.mu.Unlock()
	return append([]url.Values(nil), a.fallbacks...)
}

// faultyEnv is a fake and a faulty app over one transport.
type faultyEnv struct {
	fake *fakeapi.Fake
	app  *faultyApp
	base string
	api  *openapi.ApiService
}

var faultyTransports = []struct {
	name  string
	setup func(t *testing.T) *faultyEnv
}{
	{"in-memory", func(t *testing.T) *faultyEnv {
		app := newFaultyApp(t)
		f := newFake(t, fakeapi.Options{Apps: map[string]http.Handler{"app.test": app}, WebhookTimeout: faultyAppTimeout, CheckInvariants: true})
		wantConsistent(t, f)
		return &faultyEnv{fake: f, app: app, base: "https://app.test", api: f.RestClient()}
	}},
	{"loopback", func(t *testing.T) *faultyEnv {
		app := newFaultyApp(t)
		srv := httptest.NewServer(app)
		t.Cleanup(srv.Close)
		f := newFake(t, fakeapi.Options{WebhookTimeout: faultyAppTimeout, CheckInvariants: true})
		wantConsistent(t, f)
		return &faultyEnv{fake: f, app: app, base: srv.URL, api: f.RestClient()}
	}},
}

// An app whose voice URL fails gets Twilio's treatment: the number's
// fallback URL with ErrorCode and ErrorUrl, else the application-error
// message and a hang-up; the error is in the trace; and another call, to a
// healthy number, goes on as if nothing happened.
func TestWebhookFailures(t *testing.T) {
	tests := []struct {
		mode string
		code int
	}{
		{"404", 11200},
		{"500", 11200},
		{"403", 11200},
		{"hang", 11205},
		{"reset", 11205},
		{"json", 12300},
		{"no-content-type", 12300},
		{"not-xml", 12100},
		{"bad-ampersand", 12100},
		{"wrong-root", 12100},
		{"doctype", 12100},
		{"deep", 12100},
		{"huge", 11200},
		{"redirect-loop", 11215},
	}
	for _, tr := range faultyTransports {
		for _, tt := range tests {
			for _, withFallback := range []bool{false, true} {
				name := tr.name + "/" + tt.mode + "/no fallback"
				if withFallback {
					name = tr.name + "/" + tt.mode + "/fallback"
				}
				t.Run(name, func(t *testing.T) {
					t.Parallel()
					e := tr.setup(t)
					webhookFailure(t, e, tt.mode, tt.code, withFallback)
				})
			}
		}
	}
}

func webhookFailure(t *testing.T, e *faultyEnv, mode string, code int, withFallback bool) {
	voice := e.base + "/voice/" + mode
	p := &openapi.CreateIncomingPhoneNumberParams{PhoneNumber: ptr(support), VoiceUrl: &voice}
	if withFallback {
		p.VoiceFallbackUrl = ptr(e.base + "/fallback")
	}
	if _, err := e.api.CreateIncomingPhoneNumber(p); err != nil {
		t.Fatal(err)
	}
	if _, err := e.api.CreateIncomingPhoneNumber(&openapi.CreateIncomingPhoneNumberParams{PhoneNumber: ptr("+15550001001"), VoiceUrl: ptr(e.base + "/good")}); err != nil {
		t.Fatal(err)
	}
	healthy, err := e.fake.PlaceCall("+15550004000", "+15550001001")
	if err != nil {
		t.Fatal(err)
	}
	c, err := e.fake.PlaceCall(customer, support)
	if err != nil {
		t.Fatal(err)
	}
	e.fake.Advance(time.Second)
	if !traceHasCode(e.fake, c, code) {
		t.Errorf("no error %d for %s in the trace\n%s", code, c, traceOf(e.fake))
	}
	h, _ := e.fake.Hears(c)
	fbs := e.app.fallbackRequests()
	if withFallback {
		if len(fbs) != 1 || fbs[0].Get("ErrorCode") != strconv.Itoa(code) || fbs[0].Get("ErrorUrl") != voice {
			t.Errorf("fallback requests %v, want one with ErrorCode=%d ErrorUrl=%s", fbs, code, voice)
		}
		if h.String() != `say "Sorry, we are having trouble"` {
			t.Errorf("the caller hears %s, want the fallback's Say", h)
		}
	} else {
		if len(fbs) != 0 {
			t.Errorf("fallback requested %d times without a fallback URL", len(fbs))
		}
		if h.Source != "application-error" || h.Media != sim.ApplicationErrorMessage {
			t.Errorf("the caller hears %s, want Twilio's application-error message", h)
		}
		e.fake.Advance(time.Minute)
		if st := callStatus(t, e.api, c); st != "completed" {
			t.Errorf("the failed call is %s after the message, want completed", st)
		}
	}
	if hh, _ := e.fake.Hears(healthy); hh.String() != `play "https://cdn.test/music.mp3"` {
		t.Errorf("the healthy call hears %s, want its music", hh)
	}
}

// Unknown verbs and attributes are warnings (12200): the call goes on with
// the rest of the document.
func TestWebhookSchemaWarnings(t *testing.T) {
	for _, tr := range faultyTransports {
		t.Run(tr.name, func(t *testing.T) {
			e := tr.setup(t)
			voice := e.base + "/voice/unknown-verb"
			if _, err := e.api.CreateIncomingPhoneNumber(&openapi.CreateIncomingPhoneNumberParams{PhoneNumber: ptr(support), VoiceUrl: &voice}); err != nil {
				t.Fatal(err)
			}
			c, err := e.fake.PlaceCall(customer, support)
			if err != nil {
				t.Fatal(err)
			}
			e.fake.Advance(500 * time.Millisecond)
			warnings := 0
			for _, en := range e.fake.Trace() {
				if en.Kind == sim.KindWarning && en.Code == 12200 {
					warnings++
				}
			}
			if warnings != 2 {
				t.Errorf("%d 12200 warnings, want 2 (the verb, the attribute)\n%s", warnings, traceOf(e.fake))
			}
			if h, _ := e.fake.Hears(c); h.String() != `say "Welcome"` {
				t.Errorf("the caller hears %s, want the rest of the document", h)
			}
		})
	}
}

// A slow app that answers within the webhook timeout is simply waited for.
func TestWebhookSlowButInTime(t *testing.T) {
	for _, tr := range faultyTransports {
		t.Run(tr.name, func(t *testing.T) {
			e := tr.setup(t)
			voice := e.base + "/voice/slow"
			if _, err := e.api.CreateIncomingPhoneNumber(&openapi.CreateIncomingPhoneNumberParams{PhoneNumber: ptr(support), VoiceUrl: &voice}); err != nil {
				t.Fatal(err)
			}
			c, err := e.fake.PlaceCall(customer, support)
			if err != nil {
				t.Fatal(err)
			}
			if h, _ := e.fake.Hears(c); h.String() != `say "Thanks for waiting"` {
				t.Errorf("the caller hears %s, want the slow answer\n%s", h, traceOf(e.fake))
			}
		})
	}
}

// Connection refused: nothing listens at the voice URL.
func TestWebhookConnectionRefused(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	dead := "http://" + ln.Addr().String() + "/voice"
	ln.Close()
	f := newFake(t, fakeapi.Options{WebhookTimeout: faultyAppTimeout, CheckInvariants: true})
	wantConsistent(t, f)
	api := f.RestClient()
	if _, err := api.CreateIncomingPhoneNumber(&openapi.CreateIncomingPhoneNumberParams{PhoneNumber: ptr(support), VoiceUrl: &dead}); err != nil {
		t.Fatal(err)
	}
	c, err := f.PlaceCall(customer, support)
	if err != nil {
		t.Fatal(err)
	}
	f.Advance(time.Minute)
	if !traceHasCode(f, c, 11205) || callStatus(t, api, c) != "completed" {
		t.Errorf("want 11205 and the call completed after the application error\n%s", traceOf(f))
	}
}

func traceHasCode(f *fakeapi.Fake, callSid string, code int) bool {
	for _, en := range f.Trace() {
		if en.Call == callSid && en.Kind == sim.KindError && en.Code == code {
			return true
		}
	}
	return false
}

func traceOf(f *fakeapi.Fake) string {
	var b strings.Builder
	_ = f.WriteTrace(&b)
	return b.String()
}

func callStatus(t *testing.T, api *openapi.ApiService, sid string) string {
	t.Helper()
	c, err := api.FetchCall(sid, nil)
	if err != nil {
		t.Fatal(err)
	}
	return *c.Status
}

// Inline TwiML given through the REST API is accepted as a string (Twilio
// checks only its length) and fails when it runs: 12100, then the call's
// FallbackUrl (ErrorUrl empty: there is no document URL) or the
// application-error message.
func TestInlineTwiMLFailures(t *testing.T) {
	for _, tr := range faultyTransports {
		for _, withFallback := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/fallback=%v", tr.name, withFallback), func(t *testing.T) {
				e := tr.setup(t)
				if err := e.fake.SetPhone(agent, sim.PhoneScript{Name: "agent"}); err != nil {
					t.Fatal(err)
				}
				p := &openapi.CreateCallParams{To: ptr(agent), From: ptr(support), Twiml: ptr(`<Response><Say>unclosed</Response>`)}
				if withFallback {
					p.FallbackUrl = ptr(e.base + "/fallback")
				}
				c, err := e.api.CreateCall(p)
				if err != nil {
					t.Fatalf("create with malformed inline TwiML: %v, want it accepted", err)
				}
				e.fake.Advance(3 * time.Second) // the agent answers after 2s
				if !traceHasCode(e.fake, *c.Sid, 12100) {
					t.Errorf("no 12100 in the trace\n%s", traceOf(e.fake))
				}
				h, _ := e.fake.Hears(*c.Sid)
				fbs := e.app.fallbackRequests()
				if withFallback {
					if len(fbs) != 1 || fbs[0].Get("ErrorCode") != "12100" {
						t.Errorf("fallback requests %v, want one with ErrorCode=12100", fbs)
					}
				} else if h.Source != "application-error" {
					t.Errorf("the agent hears %s, want the application-error message", h)
				}
			})
		}
	}
}

// A status callback that fails changes nothing: Twilio does not wait for
// it and the call goes on; the failure is in the trace.
func TestStatusCallbackFailureChangesNothing(t *testing.T) {
	for _, tr := range faultyTransports {
		t.Run(tr.name, func(t *testing.T) {
			e := tr.setup(t)
			if err := e.fake.SetPhone(agent, sim.PhoneScript{Name: "agent"}); err != nil {
				t.Fatal(err)
			}
			c, err := e.api.CreateCall(&openapi.CreateCallParams{
				To: ptr(agent), From: ptr(support), Url: ptr(e.base + "/good"),
				StatusCallback:      ptr(e.base + "/voice/500"),
				StatusCallbackEvent: &[]string{"initiated", "ringing", "answered", "completed"},
			})
			if err != nil {
				t.Fatal(err)
			}
			e.fake.Advance(time.Minute)
			if st := callStatus(t, e.api, *c.Sid); st != "in-progress" {
				t.Errorf("call %s after failing status callbacks, want in-progress", st)
			}
			failed := 0
			for _, en := range e.fake.Trace() {
				if en.Kind == sim.KindWebhook && en.Code == 11200 {
					failed++
				}
			}
			if failed != 3 {
				t.Errorf("%d failed status callbacks in the trace, want 3 (initiated, ringing, answered)\n%s", failed, traceOf(e.fake))
			}
		})
	}
}

// An in-process app whose handler panics is treated as a real server
// treats it: the connection ends without an answer (11205), the panic is
// in the trace, and the fake goes on.
func TestInMemoryAppPanic(t *testing.T) {
	app := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var m map[string]int
		m["boom"]++ // a nil map: the app has a bug
	})
	f := newFake(t, fakeapi.Options{Apps: map[string]http.Handler{"app.test": app}, CheckInvariants: true})
	wantConsistent(t, f)
	api := f.RestClient()
	if _, err := api.CreateIncomingPhoneNumber(&openapi.CreateIncomingPhoneNumberParams{PhoneNumber: ptr(support), VoiceUrl: ptr("https://app.test/voice")}); err != nil {
		t.Fatal(err)
	}
	c, err := f.PlaceCall(customer, support)
	if err != nil {
		t.Fatal(err)
	}
	f.Advance(time.Minute)
	if !traceHasCode(f, c, 11205) || !strings.Contains(traceOf(f), "panicked: assignment to entry in nil map") {
		t.Errorf("want 11205 with the panic in the trace\n%s", traceOf(f))
	}
	if st := callStatus(t, api, c); st != "completed" {
		t.Errorf("call %s, want completed after the application error", st)
	}
}
