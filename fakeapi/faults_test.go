package fakeapi_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/holdlab/holdlab/fakeapi"
	"github.com/holdlab/holdlab/fakeapi/sim"
	"github.com/holdlab/holdlab/fakeapi/wire"
	"github.com/twilio/twilio-go/client"
	openapi "github.com/twilio/twilio-go/rest/api/v2010"
)

// callPaths matches every call's own path: updates, fetches, deletes.
const callPaths = "/2010-04-01/Accounts/*/Calls/*"

// Injected status faults answer with Twilio's error body, as many times as
// asked, and the request is not carried out; then the API works again.
func TestFaultStatus(t *testing.T) {
	tests := []struct {
		name       string
		fault      fakeapi.Fault
		wantStatus int
		wantCode   int
		wantMsg    string
	}{
		{"429 rate limit", fakeapi.Fault{Method: "POST", Path: callPaths, Status: 429, Times: 2}, 429, 20429, "Too Many Requests"},
		{"500 server error", fakeapi.Fault{Method: "POST", Path: callPaths, Status: 500, Times: 2}, 500, 20500, "Internal Server Error"},
		{"503 with a code and message", fakeapi.Fault{Path: callPaths, Status: 503, Code: 20503, Message: "Service Unavailable, try later", Times: 2}, 503, 20503, "Service Unavailable, try later"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			eachTransport(t, func(t *testing.T, e *env) {
				e.supportLine(`<Response><Dial action="/held">` + agent + `</Dial></Response>`)
				e.app.twiml("/hold", music)
				e.app.twiml("/held", music)
				parent, child := e.bridged()
				id, err := e.fake.InjectFault(tt.fault)
				if err != nil {
					t.Fatal(err)
				}
				for i := range 2 {
					_, err := e.api.UpdateCall(child, &openapi.UpdateCallParams{Url: ptr(e.app.url("/hold"))})
					if re := restError(t, err); re.Status != tt.wantStatus || re.Code != tt.wantCode || re.Message != tt.wantMsg {
						t.Errorf("update %d: got %d/%d %q, want %d/%d %q", i+1, re.Status, re.Code, re.Message, tt.wantStatus, tt.wantCode, tt.wantMsg)
					}
				}
				// Refused requests changed nothing.
				e.wantHears(parent, "party "+wire.Short(child))
				if n := len(e.fake.Faults()); n != 0 {
					t.Errorf("%d faults left after Times requests, want none", n)
				}
				e.redirect(child, "/hold")
				e.fake.Advance(time.Second)
				e.wantHears(child, `play "https://cdn.test/music.mp3"`)
				if got := countFaultEntries(e.fake, id); got != 2 {
					t.Errorf("%d fault entries in the trace, want 2\n%s", got, e.trace())
				}
			})
		})
	}
}

// A fault on call creation: the call is not created.
func TestFaultOnCreate(t *testing.T) {
	eachTransport(t, func(t *testing.T, e *env) {
		if _, err := e.fake.InjectFault(fakeapi.Fault{Method: "POST", Path: "/2010-04-01/Accounts/*/Calls.json", Status: 500, Times: 1}); err != nil {
			t.Fatal(err)
		}
		params := &openapi.CreateCallParams{To: ptr(agent), From: ptr(support), Twiml: ptr(`<Response><Pause length="5"/></Response>`)}
		if _, err := e.api.CreateCall(params); restError(t, err).Code != 20500 {
			t.Errorf("create: %v, want 20500", err)
		}
		if calls, err := e.api.ListCall(nil); err != nil || len(calls) != 0 {
			t.Fatalf("calls after a refused create: %d, %v; want none", len(calls), err)
		}
		if _, err := e.api.CreateCall(params); err != nil {
			t.Errorf("create once the fault is spent: %v", err)
		}
	})
}

// With the manual clock a fault's latency is virtual: the request lands
// that much later, when the call may have moved on.
func TestFaultLatencyManualClock(t *testing.T) {
	eachTransport(t, func(t *testing.T, e *env) {
		e.supportLine(`<Response><Dial>` + agent + `</Dial></Response>`)
		parent, _ := e.bridged()
		if err := e.fake.HangUp(parent); err != nil {
			t.Fatal(err)
		}
		if _, err := e.fake.InjectFault(fakeapi.Fault{Method: "GET", Latency: 90 * time.Second, Times: 1}); err != nil {
			t.Fatal(err)
		}
		before := e.fake.Now()
		wall := time.Now()
		if _, err := e.api.FetchCall(parent, nil); err != nil {
			t.Fatal(err)
		}
		if got := e.fake.Now().Sub(before); got != 90*time.Second {
			t.Errorf("virtual time moved %v during the delayed request, want 90s", got)
		}
		if w := time.Since(wall); w > 5*time.Second {
			t.Errorf("a virtual delay took %v of wall time", w)
		}
	})
}

// With the real clock a fault's latency is wall time, bounded by the
// request's context.
func TestFaultLatencyRealClock(t *testing.T) {
	f := newFake(t, fakeapi.Options{Clock: fakeapi.ClockReal})
	srv := httptest.NewServer(f.Handler())
	defer srv.Close()
	list := srv.URL + "/2010-04-01/Accounts/" + f.AccountSid() + "/Calls.json"
	get := func(ctx context.Context) (time.Duration, error) {
		req, err := http.NewRequestWithContext(ctx, "GET", list, nil)
		if err != nil {
			t.Fatal(err)
		}
		req.SetBasicAuth(f.AccountSid(), f.AuthToken())
		start := time.Now()
		resp, err := http.DefaultClient.Do(req)
		if err == nil {
			resp.Body.Close()
		}
		return time.Since(start), err
	}
	const short = 50 * time.Millisecond
	if _, err := f.InjectFault(fakeapi.Fault{Method: "GET", Latency: short, Times: 1}); err != nil {
		t.Fatal(err)
	}
	if took, err := get(context.Background()); err != nil || took < short {
		t.Errorf("delayed request took %v (%v), want at least %v", took, err, short)
	}
	// A client that gives up is not kept waiting for the latency.
	if _, err := f.InjectFault(fakeapi.Fault{Method: "GET", Latency: 10 * time.Minute, Times: 1}); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	if took, err := get(ctx); !errors.Is(err, context.DeadlineExceeded) || took > 5*time.Second {
		t.Errorf("request with a 100ms deadline: %v after %v, want a deadline error at once", err, took)
	}
}

// Drop closes the connection without an answer.
func TestFaultDrop(t *testing.T) {
	eachTransport(t, func(t *testing.T, e *env) {
		if _, err := e.fake.InjectFault(fakeapi.Fault{Method: "GET", Path: "/2010-04-01/Accounts/*/Calls.json", Drop: true, Times: 1}); err != nil {
			t.Fatal(err)
		}
		_, err := e.api.ListCall(nil)
		if err == nil {
			t.Fatal("list with a dropped connection succeeded")
		}
		var re *client.TwilioRestError
		if errors.As(err, &re) {
			t.Fatalf("got a Twilio error body %v, want a transport error", err)
		}
		if _, err := e.api.ListCall(nil); err != nil {
			t.Errorf("list after the drop: %v", err)
		}
	})
	t.Run("in memory the error is ErrConnectionDropped", func(t *testing.T) {
		f := newFake(t, fakeapi.Options{})
		if _, err := f.InjectFault(fakeapi.Fault{Drop: true}); err != nil {
			t.Fatal(err)
		}
		req, _ := http.NewRequest("GET", "https://api.twilio.com/2010-04-01/Accounts/"+f.AccountSid()+"/Calls.json", nil)
		req.SetBasicAuth(f.AccountSid(), f.AuthToken())
		if _, err := f.HTTPClient().Do(req); !errors.Is(err, fakeapi.ErrConnectionDropped) {
			t.Errorf("err = %v, want ErrConnectionDropped", err)
		}
	})
}

// Faults are refused when they make no sense.
func TestFaultValidation(t *testing.T) {
	f := newFake(t, fakeapi.Options{})
	for _, tt := range []struct {
		name  string
		fault fakeapi.Fault
	}{
		{"nothing to do", fakeapi.Fault{Path: callPaths}},
		{"status below 400", fakeapi.Fault{Status: 302}},
		{"status above 599", fakeapi.Fault{Status: 600}},
		{"negative latency", fakeapi.Fault{Latency: -time.Second}},
		{"latency over 10 minutes", fakeapi.Fault{Latency: time.Hour}},
		{"negative times", fakeapi.Fault{Status: 429, Times: -1}},
		{"bad pattern", fakeapi.Fault{Status: 429, Path: "/2010-04-01/["}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := f.InjectFault(tt.fault); err == nil {
				t.Errorf("InjectFault(%+v) succeeded, want an error", tt.fault)
			}
		})
	}
	if n := len(f.Faults()); n != 0 {
		t.Errorf("%d faults in force after invalid ones, want none", n)
	}
}

// The control API injects, lists and clears faults; faults never apply to
// the control API itself.
func TestFaultControlAPI(t *testing.T) {
	f := newFake(t, fakeapi.Options{})
	srv := httptest.NewServer(f.Handler())
	defer srv.Close()
	do := func(method, path, body string, want int) map[string]any {
		t.Helper()
		req, err := http.NewRequest(method, srv.URL+path, strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		req.SetBasicAuth(f.AccountSid(), f.AuthToken())
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var out map[string]any
		_ = json.NewDecoder(resp.Body).Decode(&out)
		if resp.StatusCode != want {
			t.Fatalf("%s %s: HTTP %d, want %d: %v", method, path, resp.StatusCode, want, out)
		}
		return out
	}
	calls := "/2010-04-01/Accounts/" + f.AccountSid() + "/Calls.json"
	got := do("POST", "/holdlab/faults", `{"match":{"method":"GET","path":"/2010-04-01/Accounts/*/Calls.json"},"status":429,"times":2}`, http.StatusCreated)
	if got["id"] != "FA1" || got["code"] != float64(20429) || got["left"] != float64(2) {
		t.Errorf("created fault %v, want FA1 with code 20429 and 2 left", got)
	}
	do("POST", "/holdlab/faults", `{"match":{"path":"/holdlab/*"},"drop":true}`, http.StatusCreated)
	do("POST", "/holdlab/faults", `{"status":500,"latency":"1s","times":1,"match":{"method":"DELETE"}}`, http.StatusCreated)
	list := do("GET", "/holdlab/faults", "", http.StatusOK) // the /holdlab/* fault does not apply here
	if fs, _ := list["faults"].([]any); len(fs) != 3 {
		t.Fatalf("listed %v, want 3 faults", list)
	}
	req, _ := http.NewRequest("GET", srv.URL+calls, nil)
	req.SetBasicAuth(f.AccountSid(), f.AuthToken())
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("Retry-After") != "1" {
		t.Errorf("rate-limited answer: HTTP %d, Retry-After %q; want 429 with Retry-After: 1", resp.StatusCode, resp.Header.Get("Retry-After"))
	}
	body := do("GET", calls, "", http.StatusTooManyRequests)
	if body["code"] != float64(20429) || body["status"] != float64(429) || body["more_info"] != "https://www.twilio.com/docs/errors/20429" {
		t.Errorf("rate-limited answer %v, want Twilio's 429 / 20429 body", body)
	}
	do("DELETE", "/holdlab/faults/FA2", "", http.StatusNoContent)
	do("DELETE", "/holdlab/faults/FA2", "", http.StatusNotFound)
	do("DELETE", "/holdlab/faults", "", http.StatusNoContent)
	do("GET", calls, "", http.StatusOK)
	for _, bad := range []string{`{"status":200}`, `{"latency":"soon","status":429}`, `{"stauts":429}`, `{"match":{"path":"["},"status":429}`, `{}`} {
		do("POST", "/holdlab/faults", bad, http.StatusBadRequest)
	}
}

// countFaultEntries counts the trace entries of one fault.
func countFaultEntries(f *fakeapi.Fake, id string) int {
	n := 0
	for _, en := range f.Trace() {
		if en.Kind == sim.KindFault && strings.Contains(en.Text, "fault "+id+" ") {
			n++
		}
	}
	return n
}
