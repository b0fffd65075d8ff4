package fakeapi_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
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

// Numbers and app URLs of the conference and queue tests.
const (
	roomSupport  = "+15550001000"
	roomAgent    = "+15550002000"
	roomCustomer = "+15550003000"
	roomAgentIn  = "+15550001001" // the agents' own line
	roomApp      = "https://app.test"
	roomMusic    = roomApp + "/music.mp3"
)

// roomHook is one webhook the app received.
type roomHook struct {
	Path   string
	Method string
	Params url.Values
}

// roomAppHandler answers webhooks from a table of paths: TwiML documents,
// or audio for paths in audio. Unknown paths get 204 (status callbacks).
type roomAppHandler struct {
	mu    sync.Mutex
	docs  map[string]string
	audio map[string]bool
	got   []roomHook
}

func (a *roomAppHandler) twiml(path, doc string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.docs[path] = doc
}

func (a *roomAppHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	params := r.PostForm
	if r.Method == http.MethodGet {
		params = r.URL.Query()
	}
	a.mu.Lock()
	a.got = append(a.got, roomHook{Path: r.URL.Path, Method: r.Method, Params: params})
	doc, ok := a.docs[r.URL.Path]
	audio := a.audio[r.URL.Path]
	a.mu.Unlock()
	switch {
	case audio:
		w.Header().Set("Content-Type", "audio/mpeg")
		fmt.Fprint(w, "ID3")
	case ok:
		w.Header().Set("Content-Type", "text/xml")
		fmt.Fprint(w, doc)
	default:
		w.WriteHeader(http.StatusNoContent)
	}
}

// hooks returns the webhooks received at path.
func (a *roomAppHandler) hooks(path string) []roomHook {
	a.mu.Lock()
	defer a.mu.Unlock()
	var out []roomHook
	for _, h := range a.got {
		if h.Path == path {
			out = append(out, h)
		}
	}
	return out
}

// roomEnv is a fake with the support line, the agents' line and an app.
type roomEnv struct {
	t   testing.TB
	f   *fakeapi.Fake
	app *roomAppHandler
	api *openapi.ApiService
}

func newRoomEnv(t testing.TB, supportDoc string) *roomEnv {
	t.Helper()
	app := &roomAppHandler{docs: map[string]string{}, audio: map[string]bool{roomMusic[len(roomApp):]: true}}
	f := newFake(t, fakeapi.Options{Apps: map[string]http.Handler{"app.test": app}, CheckInvariants: true})
	wantConsistent(t, f)
	e := &roomEnv{t: t, f: f, app: app, api: f.RestClient()}
	app.twiml("/voice", supportDoc)
	for num, path := range map[string]string{roomSupport: "/voice", roomAgentIn: "/agent-line"} {
		u := roomApp + path
		if _, err := e.api.CreateIncomingPhoneNumber(&openapi.CreateIncomingPhoneNumberParams{PhoneNumber: &num, VoiceUrl: &u}); err != nil {
			t.Fatal(err)
		}
	}
	for addr, name := range map[string]string{roomCustomer: "customer", roomAgent: "agent"} {
		if err := f.SetPhone(addr, sim.PhoneScript{Name: name}); err != nil {
			t.Fatal(err)
		}
	}
	return e
}

func (e *roomEnv) place(from, to string) string {
	e.t.Helper()
	sid, err := e.f.PlaceCall(from, to)
	if err != nil {
		e.t.Fatal(err)
	}
	return sid
}

func (e *roomEnv) trace() string {
	var b strings.Builder
	_ = e.f.WriteTrace(&b)
	return b.String()
}

func (e *roomEnv) wantHears(sid, want string) {
	e.t.Helper()
	h, err := e.f.Hears(sid)
	if err != nil {
		e.t.Fatal(err)
	}
	if got := h.String(); got != want {
		e.t.Errorf("%s hears %q, want %q\n%s", wire.Short(sid), got, want, e.trace())
	}
}

func (e *roomEnv) wantCallStatus(sid, want string) {
	e.t.Helper()
	c, err := e.api.FetchCall(sid, nil)
	if err != nil {
		e.t.Fatal(err)
	}
	if *c.Status != want {
		e.t.Errorf("%s status %s, want %s\n%s", wire.Short(sid), *c.Status, want, e.trace())
	}
}

func (e *roomEnv) redirect(sid, path string) {
	e.t.Helper()
	u := roomApp + path
	if _, err := e.api.UpdateCall(sid, &openapi.UpdateCallParams{Url: &u}); err != nil {
		e.t.Fatalf("redirect %s: %v", wire.Short(sid), err)
	}
}

// getJSON fetches a REST path and decodes it generically.
func (e *roomEnv) getJSON(path string) map[string]any {
	e.t.Helper()
	req, err := http.NewRequest(http.MethodGet, "https://api.twilio.com/2010-04-01/Accounts/"+e.f.AccountSid()+path, nil)
	if err != nil {
		e.t.Fatal(err)
	}
	req.SetBasicAuth(e.f.AccountSid(), e.f.AuthToken())
	resp, err := e.f.HTTPClient().Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		e.t.Fatalf("GET %s: HTTP %d", path, resp.StatusCode)
	}
	var out map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		e.t.Fatal(err)
	}
	return out
}

// wantRestError checks that err is Twilio's error with the given code.
func wantRestError(t *testing.T, what string, err error, status, code int) {
	t.Helper()
	var re *client.TwilioRestError
	if !errors.As(err, &re) {
		t.Errorf("%s: err %v, want Twilio error %d", what, err, code)
		return
	}
	if re.Code != code || re.Status != status {
		t.Errorf("%s: %d/%d %q, want %d/%d", what, re.Status, re.Code, re.Message, status, code)
	}
}

func ptrTo[T any](v T) *T { return &v }

func advance(e *roomEnv, d time.Duration) { e.f.Advance(d) }
