package fakeapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/holdlab/holdlab/fakeapi"
	"github.com/holdlab/holdlab/fakeapi/sim"
)

// controlDo sends one request to f's handler over the in-memory transport
// and returns the status and body.
func controlDo(t *testing.T, f *fakeapi.Fake, method, path, body string) (int, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, "https://api.twilio.com"+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.SetBasicAuth(f.AccountSid(), f.AuthToken())
	resp, err := f.HTTPClient().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, raw
}

// loopingApp answers every TwiML request with a one-second pause and a
// redirect to itself: a call that keeps the engine busy for as long as
// virtual time moves. It counts the requests in served.
func loopingApp(served *counter) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		served.add()
		w.Header().Set("Content-Type", "text/xml")
		_, _ = io.WriteString(w, `<Response><Pause length="1"/><Redirect/></Response>`)
	})
}

// busyFake is a fake with two calls whose TwiML loops (loopingApp), run
// for a minute of virtual time.
func busyFake(t *testing.T, opts fakeapi.Options) (f *fakeapi.Fake, calls []string, served *counter) {
	t.Helper()
	served = &counter{}
	opts.Apps = map[string]http.Handler{"app.test": loopingApp(served)}
	f = newFake(t, opts)
	err := f.Do(func(e *sim.Engine) error {
		u := "https://app.test/voice"
		_, err := e.CreateNumber(sim.NumberParams{PhoneNumber: support, VoiceURL: &u})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, from := range []string{customer, "+15550004000"} {
		sid, err := f.PlaceCall(from, support)
		if err != nil {
			t.Fatal(err)
		}
		calls = append(calls, sid)
	}
	f.Advance(time.Minute)
	return f, calls, served
}

// counter counts, and closes reached once it reaches at (if set).
type counter struct {
	mu      sync.Mutex
	n       int
	at      int
	reached chan struct{}
}

func (c *counter) add() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.n++
	if c.reached != nil && c.n == c.at {
		close(c.reached)
	}
}

// when returns a channel closed once n more are counted.
func (c *counter) when(n int) <-chan struct{} {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.at, c.reached = c.n+n, make(chan struct{})
	return c.reached
}

type traceBody struct {
	Entries []struct {
		Seq  uint64 `json:"seq"`
		Call string `json:"call_sid"`
		Text string `json:"text"`
	} `json:"entries"`
}

// GET /holdlab/trace streams the trace, filtered by since and call, as
// JSON or text; DELETE clears it.
func TestTraceOverTheControlAPI(t *testing.T) {
	f, calls, _ := busyFake(t, fakeapi.Options{})
	f.Advance(10 * time.Minute)
	all := f.Trace()
	if len(all) < 3*512 {
		t.Fatalf("a trace of %d entries is too short to take several pages", len(all))
	}
	since := all[len(all)/2].Seq
	tests := []struct {
		name  string
		query string
		keep  func(sim.Entry) bool
	}{
		{"all", "", func(sim.Entry) bool { return true }},
		{"since", "?since=" + itoa(since), func(en sim.Entry) bool { return en.Seq > since }},
		{"call", "?call=" + calls[1], func(en sim.Entry) bool { return en.Call == calls[1] }},
		{"since and call", "?since=" + itoa(since) + "&call=" + calls[0], func(en sim.Entry) bool { return en.Seq > since && en.Call == calls[0] }},
		{"since the last", "?since=" + itoa(all[len(all)-1].Seq), func(sim.Entry) bool { return false }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var want []sim.Entry
			for _, en := range all {
				if tt.keep(en) {
					want = append(want, en)
				}
			}
			status, raw := controlDo(t, f, "GET", "/holdlab/trace"+tt.query, "")
			var got traceBody
			if err := json.Unmarshal(raw, &got); status != 200 || err != nil {
				t.Fatalf("HTTP %d, %v: %.200s", status, err, raw)
			}
			if got.Entries == nil || len(got.Entries) != len(want) {
				t.Fatalf("%d entries, want %d", len(got.Entries), len(want))
			}
			for i, en := range got.Entries {
				if en.Seq != want[i].Seq || en.Text != want[i].Text || en.Call != want[i].Call {
					t.Fatalf("entry %d: %+v, want %+v", i, en, want[i])
				}
			}
			var text bytes.Buffer
			if err := sim.WriteTrace(&text, sim.DefaultStart, want); err != nil {
				t.Fatal(err)
			}
			sep := "?"
			if tt.query != "" {
				sep = "&"
			}
			if status, raw := controlDo(t, f, "GET", "/holdlab/trace"+tt.query+sep+"format=text", ""); status != 200 || string(raw) != text.String() {
				t.Errorf("format=text: HTTP %d, %d bytes, want %d", status, len(raw), text.Len())
			}
		})
	}
	for _, q := range []string{"?since=-1", "?since=ten", "?call=CA1", "?call=client:agent", "?format=xml"} {
		if status, raw := controlDo(t, f, "GET", "/holdlab/trace"+q, ""); status != 400 || !strings.Contains(string(raw), `"code":20001`) {
			t.Errorf("GET /holdlab/trace%s: HTTP %d %s, want 400 / 20001", q, status, raw)
		}
	}

	last := all[len(all)-1].Seq
	if status, _ := controlDo(t, f, "DELETE", "/holdlab/trace", ""); status != http.StatusNoContent {
		t.Fatalf("DELETE /holdlab/trace: HTTP %d", status)
	}
	if status, raw := controlDo(t, f, "GET", "/holdlab/trace", ""); status != 200 || string(raw) != "{\"entries\":[]}\n" {
		t.Errorf("after DELETE: HTTP %d %s", status, raw)
	}
	f.Advance(10 * time.Second)
	if tr := f.Trace(); len(tr) == 0 || tr[0].Seq != last+1 {
		t.Errorf("after DELETE the trace goes on at %d, want %d", tr[0].Seq, last+1)
	}
}

func itoa(n uint64) string { return strconv.FormatUint(n, 10) }

// Options.TraceLimit bounds the trace and each call's hearing history.
func TestTraceLimitOption(t *testing.T) {
	const limit = 200
	f, calls, _ := busyFake(t, fakeapi.Options{TraceLimit: limit, CheckInvariants: true})
	wantConsistent(t, f)
	f.Advance(time.Hour)
	if n := len(f.Trace()); n != limit {
		t.Errorf("the trace holds %d entries, want %d", n, limit)
	}
	for _, sid := range calls {
		if ivs, err := f.Intervals(sid); err != nil || len(ivs) != limit {
			t.Errorf("%s: %d intervals (%v), want %d", sid, len(ivs), err, limit)
		}
	}
}

// The control API takes one JSON object with known fields, and its errors
// speak JSON, never Go.
func TestControlJSONIsStrict(t *testing.T) {
	tests := []struct {
		name, method, path, body string
		want                     string // in the message
	}{
		{"trailing object", "POST", "/holdlab/clock/advance", `{"by":"1s"}{"by":"100h"}`, "one JSON object and nothing after it"},
		{"trailing garbage", "POST", "/holdlab/clock/advance", `{"by":"1s"} x`, "one JSON object and nothing after it"},
		{"unknown field", "POST", "/holdlab/clock/advance", `{"by":"1s","until":"2s"}`, `unknown field "until"`},
		{"a number for a string", "POST", "/holdlab/calls", `{"from":15550003000,"to":"+15550001000"}`, `"from" must be a string, not a number`},
		{"an array for the object", "POST", "/holdlab/calls", `["+15550003000"]`, "want a JSON object, not an array"},
		{"a number for a duration", "POST", "/holdlab/clock/advance", `{"by":10}`, `a duration must be a string like "90s", not 10`},
		{"a word for a duration", "POST", "/holdlab/clock/advance", `{"by":"soon"}`, `"soon" is not a duration`},
		{"a string for a number", "POST", "/holdlab/faults", `{"status":"429"}`, `"status" must be a whole number, not a string`},
		{"a string for a bool", "POST", "/holdlab/faults", `{"status":429,"drop":"yes"}`, `"drop" must be true or false, not a string`},
		{"an object for a list", "PUT", "/holdlab/phones/%2B15550002000", `{"presses":{}}`, `"presses" must be an array, not an object`},
		{"empty body", "POST", "/holdlab/clock/advance", ``, "the body is empty"},
		{"cut short", "POST", "/holdlab/calls", `{"from":"+1555`, "ends before the object does"},
		{"bad syntax", "POST", "/holdlab/calls", `{from:1}`, "invalid JSON body at byte 2"},
		{"a bad fault", "POST", "/holdlab/faults", `{"status":200}`, "fault status 200: want 400 to 599"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake(t, fakeapi.Options{})
			before := f.Now()
			status, raw := controlDo(t, f, tt.method, tt.path, tt.body)
			var e struct {
				Code    int    `json:"code"`
				Message string `json:"message"`
			}
			if err := json.Unmarshal(raw, &e); err != nil || status != 400 || e.Code != 20001 {
				t.Fatalf("HTTP %d %s, want 400 / 20001", status, raw)
			}
			if !strings.Contains(e.Message, tt.want) {
				t.Errorf("message %q does not say %q", e.Message, tt.want)
			}
			if goish(e.Message) {
				t.Errorf("message %q speaks Go", e.Message)
			}
			if !f.Now().Equal(before) {
				t.Errorf("a refused request moved the clock")
			}
		})
	}
}

// goish reports whether an error message speaks of Go rather than of the
// API: Go type names, package names, encoding/json's own words.
func goish(msg string) bool {
	for _, s := range []string{"Go ", "fakeapi", "sim.", "wire.", "json:", "struct", "of type", "placeCall", "time.Duration", "int64", "uint64", "%!"} {
		if strings.Contains(msg, s) {
			return true
		}
	}
	return false
}

// Paths with "..", "." or doubled slashes get Twilio's 404, as JSON, not
// Go's redirect to the clean path.
func TestUncleanPathsAre404(t *testing.T) {
	f := newFake(t, fakeapi.Options{})
	srv := httptest.NewServer(f.Handler())
	t.Cleanup(srv.Close)
	acct := "/2010-04-01/Accounts/" + f.AccountSid()
	for _, p := range []string{
		acct + "/../" + f.AccountSid() + "/Calls.json",
		acct + "//Calls.json",
		acct + "/./Calls.json",
		"/holdlab//clock",
		"/holdlab/x/../clock",
		"//holdlab/clock",
	} {
		for _, method := range []string{"GET", "POST"} {
			req, err := http.NewRequest(method, srv.URL+p, nil)
			if err != nil {
				t.Fatal(err)
			}
			req.SetBasicAuth(f.AccountSid(), f.AuthToken())
			resp, err := srv.Client().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			raw, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != 404 || resp.Header.Get("Location") != "" || !strings.Contains(string(raw), `"code":20404`) ||
				!strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
				t.Errorf("%s %s: HTTP %d %s (Location %q), want Twilio's 404 / 20404", method, p, resp.StatusCode, raw, resp.Header.Get("Location"))
			}
		}
	}
}

// AdvanceContext moves the clock as Advance does, step by step: the trace
// is the same.
func TestAdvanceContextIsAdvance(t *testing.T) {
	a, _, _ := busyFake(t, fakeapi.Options{})
	b, _, _ := busyFake(t, fakeapi.Options{})
	a.Advance(30 * time.Minute)
	if err := b.AdvanceContext(context.Background(), 30*time.Minute); err != nil {
		t.Fatal(err)
	}
	var ta, tb bytes.Buffer
	if err := a.WriteTrace(&ta); err != nil {
		t.Fatal(err)
	}
	if err := b.WriteTrace(&tb); err != nil {
		t.Fatal(err)
	}
	if !a.Now().Equal(b.Now()) || ta.String() != tb.String() {
		t.Errorf("AdvanceContext: now %v and %d bytes of trace; Advance: %v and %d", b.Now(), tb.Len(), a.Now(), ta.Len())
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	before := b.Now()
	if err := b.AdvanceContext(ctx, time.Hour); err == nil || !b.Now().Equal(before) {
		t.Errorf("with its context done: %v, the clock moved %v", err, b.Now().Sub(before))
	}
}

// logSignal is a slog handler that signals each record whose message
// starts with prefix.
type logSignal struct {
	prefix string
	c      chan slog.Record
}

func (h logSignal) Enabled(context.Context, slog.Level) bool { return true }
func (h logSignal) Handle(_ context.Context, r slog.Record) error {
	if strings.HasPrefix(r.Message, h.prefix) {
		select {
		case h.c <- r:
		default:
		}
	}
	return nil
}
func (h logSignal) WithAttrs([]slog.Attr) slog.Handler { return h }
func (h logSignal) WithGroup(string) slog.Handler      { return h }

// POST /holdlab/clock/advance stops when its client goes away, leaving the
// clock where it got to, instead of running the whole of a long advance
// for no one.
func TestAdvanceStopsWhenItsClientGoesAway(t *testing.T) {
	stopped := logSignal{prefix: "clock advance stopped", c: make(chan slog.Record, 1)}
	f, _, served := busyFake(t, fakeapi.Options{Logger: slog.New(stopped)})
	srv := httptest.NewServer(f.Handler())
	t.Cleanup(srv.Close)

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, "POST", srv.URL+"/holdlab/clock/advance", strings.NewReader(`{"by":"1000h"}`))
	if err != nil {
		t.Fatal(err)
	}
	req.SetBasicAuth(f.AccountSid(), f.AuthToken())
	underWay := served.when(1000)
	errc := make(chan error, 1)
	go func() {
		resp, err := srv.Client().Do(req)
		if err == nil {
			resp.Body.Close()
		}
		errc <- err
	}()
	// The client goes away once the advance is under way: 1000 hours of
	// this call are 7.2 million webhooks, minutes of work.
	select {
	case <-underWay:
	case err := <-errc:
		t.Fatalf("the advance ended before the client went away: %v", err)
	case <-time.After(10 * time.Second):
		t.Fatal("the advance did not get under way within 10s")
	}
	cancel()
	select {
	case <-stopped.c:
	case <-time.After(10 * time.Second):
		t.Fatal("the advance did not stop within 10s of its client going away")
	}
	if got := f.Now().Sub(sim.DefaultStart); got >= 1000*time.Hour {
		t.Errorf("the clock advanced %v, the whole of it", got)
	}
	if err := <-errc; err == nil {
		t.Error("the client got an answer")
	}
}

// The trace over the control API carries each entry's typed fields, so a
// program in any language reads what a party hears, the room and the REST
// request without parsing the text.
func TestTraceTypedFieldsOverTheControlAPI(t *testing.T) {
	f, _, _ := busyFake(t, fakeapi.Options{})
	f.Advance(time.Minute)
	bySeq := map[uint64]sim.Entry{}
	for _, en := range f.Trace() {
		bySeq[en.Seq] = en
	}
	status, raw := controlDo(t, f, "GET", "/holdlab/trace", "")
	var got struct {
		Entries []struct {
			Seq     uint64 `json:"seq"`
			Kind    string `json:"kind"`
			Hearing *struct {
				Kind string `json:"kind"`
				Text string `json:"text"`
			} `json:"hearing"`
			Room *struct {
				Kind string `json:"kind"`
				Name string `json:"friendly_name"`
			} `json:"room"`
			REST *struct {
				Method string `json:"method"`
				Path   string `json:"path"`
			} `json:"rest"`
			Webhook *struct {
				URL string `json:"url"`
			} `json:"webhook"`
		} `json:"entries"`
	}
	if err := json.Unmarshal(raw, &got); status != 200 || err != nil {
		t.Fatalf("HTTP %d, %v", status, err)
	}
	seen := map[string]int{}
	for _, en := range got.Entries {
		want := bySeq[en.Seq]
		if (en.Hearing != nil) != (want.Hearing != nil) || en.Hearing != nil && (en.Hearing.Kind != string(want.Hearing.Kind) || en.Hearing.Text != want.Hearing.String()) {
			t.Fatalf("entry %d (%s): hearing %+v, want %+v", en.Seq, want.Text, en.Hearing, want.Hearing)
		}
		if (en.Room != nil) != (want.Room != nil) || en.Room != nil && (en.Room.Kind != string(want.Room.Kind) || en.Room.Name != want.Room.Name) {
			t.Fatalf("entry %d (%s): room %+v, want %+v", en.Seq, want.Text, en.Room, want.Room)
		}
		if (en.REST != nil) != (want.REST != nil) || en.REST != nil && (en.REST.Method != want.REST.Method || en.REST.Path != want.REST.Path) {
			t.Fatalf("entry %d (%s): rest %+v, want %+v", en.Seq, want.Text, en.REST, want.REST)
		}
		if (en.Webhook != nil) != (want.Webhook != nil) || en.Webhook != nil && en.Webhook.URL != want.Webhook.URL {
			t.Fatalf("entry %d (%s): webhook %+v, want %+v", en.Seq, want.Text, en.Webhook, want.Webhook)
		}
		for k, ok := range map[string]bool{"hearing": en.Hearing != nil, "room": en.Room != nil, "rest": en.REST != nil, "webhook": en.Webhook != nil} {
			if ok {
				seen[k]++
			}
		}
	}
	for _, k := range []string{"hearing", "rest", "webhook"} { // the busy fake has no rooms
		if seen[k] == 0 {
			t.Errorf("no entry carries %s; the busy fake's calls should show it", k)
		}
	}
}
