package appdriver

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/holdlab/holdlab/fakeapi"
	"github.com/holdlab/holdlab/fakeapi/sim"
	"github.com/holdlab/holdlab/strategies"
	openapi "github.com/twilio/twilio-go/rest/api/v2010"
)

const (
	support  = "+15550001000"
	agent    = "+15550002000"
	customer = "+15550003000"
)

// conversation puts the customer and the agent in conference "room" on an
// in-memory fake, the customer having called in, and returns the fake's
// REST client and the customer's call SID.
func conversation(t *testing.T) (*openapi.ApiService, string) {
	t.Helper()
	twiml := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/xml")
		io.WriteString(w, `<Response><Dial><Conference>room</Conference></Dial></Response>`)
	})
	f, err := fakeapi.New(fakeapi.Options{Apps: map[string]http.Handler{"app.test": twiml}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	api := f.RestClient()
	for _, n := range []string{agent, customer} {
		if err := f.SetPhone(n, sim.PhoneScript{}); err != nil {
			t.Fatal(err)
		}
	}
	voice := "https://app.test/voice"
	if _, err := api.CreateIncomingPhoneNumber(&openapi.CreateIncomingPhoneNumberParams{PhoneNumber: ptr(support), VoiceUrl: &voice}); err != nil {
		t.Fatal(err)
	}
	sid, err := f.PlaceCall(customer, support)
	if err != nil {
		t.Fatal(err)
	}
	f.Advance(5 * time.Second)
	if _, err := api.CreateParticipant("room", &openapi.CreateParticipantParams{From: ptr(support), To: ptr(agent)}); err != nil {
		t.Fatal(err)
	}
	f.Advance(5 * time.Second)
	return api, sid
}

func ptr[T any](v T) *T { return &v }

// fakeApp is an app under test that keeps what it received and answers
// with a status chosen by the test.
type fakeApp struct {
	mu     sync.Mutex
	got    []*http.Request
	bodies []string
	status int
	answer string
}

func (a *fakeApp) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	a.mu.Lock()
	a.got, a.bodies = append(a.got, r), append(a.bodies, string(body))
	status, answer := a.status, a.answer
	a.mu.Unlock()
	if status == 0 {
		status = http.StatusOK
	}
	w.WriteHeader(status)
	io.WriteString(w, answer)
}

func (a *fakeApp) last(t *testing.T) (*http.Request, string) {
	t.Helper()
	a.mu.Lock()
	defer a.mu.Unlock()
	if len(a.got) == 0 {
		t.Fatal("the app received nothing")
	}
	return a.got[len(a.got)-1], a.bodies[len(a.bodies)-1]
}

func newDriver(t *testing.T, api *openapi.ApiService, yaml string) (*Strategy, *fakeApp) {
	t.Helper()
	app := &fakeApp{}
	srv := httptest.NewServer(app)
	t.Cleanup(srv.Close)
	spec, err := Parse([]byte(strings.ReplaceAll(yaml, "BASE", srv.URL)))
	if err != nil {
		t.Fatal(err)
	}
	s, err := New(spec, Options{Client: api, Support: support, Agent: agent, Customer: customer})
	if err != nil {
		t.Fatal(err)
	}
	return s, app
}

const driverSpec = `
name: myapp
base_url: BASE
voice_url: /voice
headers: {X-Test: "{{.Party}}"}
hold:   {path: "/calls/{{.CallSid}}/hold", form: {Customer: "{{.CustomerCallSid}}", Agent: "{{.AgentCallSid}}", Who: "{{.Party}}", Room: "{{.ConferenceName}}", Conf: "{{.ConferenceSid}}"}}
unhold: {path: /unhold, json: {call: {sid: "{{.CustomerCallSid}}"}, who: "{{.Party}}", n: 2}, statuses: {404: call-ended}}
call_customer: {method: GET, path: /call, form: {To: "{{.Customer}}"}}
`

// Hold and Unhold send the actions with the fields read from Twilio's REST
// state: each party's leg, the conference, the party.
func TestHoldUnholdFields(t *testing.T) {
	api, first := conversation(t)
	s, app := newDriver(t, api, driverSpec)
	f, err := s.Fields(first)
	if err != nil {
		t.Fatal(err)
	}
	if f.CustomerCallSid != first || f.AgentCallSid == "" || f.AgentCallSid == first || f.ConferenceName != "room" || !strings.HasPrefix(f.ConferenceSid, "CF") {
		t.Fatalf("fields %+v", f)
	}
	if err := s.Hold(t.Context(), first, strategies.Agent); err != nil {
		t.Fatal(err)
	}
	r, body := app.last(t)
	if r.Method != "POST" || r.URL.Path != "/calls/"+first+"/hold" || r.Header.Get("Content-Type") != "application/x-www-form-urlencoded" || r.Header.Get("X-Test") != "agent" {
		t.Errorf("hold request %s %s %q %q", r.Method, r.URL.Path, r.Header.Get("Content-Type"), r.Header.Get("X-Test"))
	}
	want := fmt.Sprintf("Agent=%s&Conf=%s&Customer=%s&Room=room&Who=agent", f.AgentCallSid, f.ConferenceSid, first)
	if body != want {
		t.Errorf("hold body %q, want %q", body, want)
	}
	if err := s.Unhold(t.Context(), first); err != nil {
		t.Fatal(err)
	}
	r, body = app.last(t)
	var doc struct {
		Call struct{ Sid string }
		Who  string
		N    int
	}
	if err := json.Unmarshal([]byte(body), &doc); err != nil || r.Header.Get("Content-Type") != "application/json" {
		t.Fatalf("unhold body %q (%v), content type %q", body, err, r.Header.Get("Content-Type"))
	}
	if doc.Call.Sid != first || doc.Who != "agent" || doc.N != 2 {
		t.Errorf("unhold body %+v: want the customer's leg, the party last held, numbers kept", doc)
	}
}

// The app's status is the strategy's answer: 2xx success, the documented
// statuses the strategies' errors, the action's own mapping first, and any
// other status an error with the app's status and body.
func TestStatuses(t *testing.T) {
	api, first := conversation(t)
	s, app := newDriver(t, api, driverSpec)
	for _, tc := range []struct {
		action string
		status int
		want   error
	}{
		{"hold", 200, nil},
		{"hold", 204, nil},
		{"hold", 409, strategies.ErrNotHeld},
		{"hold", 410, strategies.ErrCallEnded},
		{"hold", 404, strategies.ErrUnknownCall},
		{"hold", 501, strategies.ErrNotSupported},
		{"unhold", 404, strategies.ErrCallEnded},
		{"unhold", 500, nil},
		{"unhold", 302, nil},
	} {
		t.Run(fmt.Sprintf("%s %d", tc.action, tc.status), func(t *testing.T) {
			app.mu.Lock()
			app.status, app.answer = tc.status, "the app's words"
			app.mu.Unlock()
			var err error
			if tc.action == "hold" {
				err = s.Hold(t.Context(), first, strategies.Customer)
			} else {
				err = s.Unhold(t.Context(), first)
			}
			var se *StatusError
			switch {
			case tc.status < 300:
				if err != nil {
					t.Errorf("got %v, want success", err)
				}
			case tc.want != nil:
				if !errors.Is(err, tc.want) {
					t.Errorf("got %v, want %v", err, tc.want)
				}
			case !errors.As(err, &se) || se.Status != tc.status || !strings.Contains(err.Error(), "the app's words"):
				t.Errorf("got %v, want an error with the app's status and body", err)
			case errors.Is(err, strategies.ErrNotHeld), errors.Is(err, strategies.ErrCallEnded):
				t.Errorf("got %v: an unmapped status is no strategy error", err)
			}
		})
	}
}

// CallCustomer takes the first leg's SID from the app's answer, or finds
// the newest call to the agent; without the action it is not supported.
func TestCallCustomer(t *testing.T) {
	api, first := conversation(t)
	s, app := newDriver(t, api, driverSpec)
	const sid = "CA0123456789abcdef0123456789abcdef"
	app.answer = `{"callSid":"` + sid + `"}`
	got, err := s.CallCustomer(t.Context(), customer)
	if err != nil || got != sid {
		t.Fatalf("CallCustomer = %q, %v; want %s", got, err, sid)
	}
	r, _ := app.last(t)
	if r.Method != "GET" || r.URL.Query().Get("To") != customer {
		t.Errorf("call_customer request %s %s: want GET with the form in the query", r.Method, r.URL)
	}
	app.answer = "ok"
	got, err = s.CallCustomer(t.Context(), customer)
	if err != nil || got == "" || got == first {
		t.Errorf("CallCustomer without a SID in the answer = %q, %v; want the newest call to the agent", got, err)
	}
	none, _ := newDriver(t, api, strings.Replace(driverSpec, "call_customer:", "# ", 1))
	if _, err := none.CallCustomer(t.Context(), customer); !errors.Is(err, strategies.ErrNotSupported) {
		t.Errorf("without call_customer: %v, want ErrNotSupported", err)
	}
}

// A call SID the fake does not know is ErrUnknownCall, before anything is
// sent; an app that does not answer is an error that says so.
func TestUnknownCallAndNoAnswer(t *testing.T) {
	api, first := conversation(t)
	s, app := newDriver(t, api, driverSpec)
	if err := s.Hold(t.Context(), "CA0000000000000000000000000000ffff", strategies.Customer); !errors.Is(err, strategies.ErrUnknownCall) {
		t.Errorf("unknown call: %v", err)
	}
	if len(app.got) != 0 {
		t.Errorf("the app received %d requests for an unknown call", len(app.got))
	}
	spec := *s.spec
	spec.BaseURL = "http://127.0.0.1:1" // nothing listens there
	dead, err := New(&spec, Options{Client: api, Agent: agent, Customer: customer})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
	defer cancel()
	if err := dead.Hold(ctx, first, strategies.Customer); err == nil || !strings.Contains(err.Error(), "did not answer") {
		t.Errorf("no app: %v", err)
	}
}

// A step's request: a JSON doc string, filled in, must still be JSON.
func TestSendRawJSON(t *testing.T) {
	api, first := conversation(t)
	s, app := newDriver(t, api, driverSpec)
	resp, err := s.Send(t.Context(), Request{Method: "PUT", Path: "/x", RawJSON: `{"sid": "{{.CustomerCallSid}}"}`}, first)
	if err != nil || resp.Status != 200 {
		t.Fatalf("Send = %+v, %v", resp, err)
	}
	if _, body := app.last(t); body != `{"sid": "`+first+`"}` {
		t.Errorf("body %q", body)
	}
	if _, err := s.Send(t.Context(), Request{Method: "PUT", Path: "/x", RawJSON: `{"sid": {{.CustomerCallSid}}}`}, first); err == nil {
		t.Error("a doc string that is not JSON once filled in: no error")
	}
}
