package recording

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"
)

const (
	ca1 = "CAaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	ca2 = "CAbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
	ac  = "AC00000000000000000000000000000000"
	cf  = "CFcccccccccccccccccccccccccccccccc"
)

var t0 = time.Date(2026, 1, 1, 9, 0, 0, 0, time.UTC)

func names() map[string]string {
	return map[string]string{"+15550001000": "{support}", "+15550002000": "{agent}", "https://app.test": "{app}"}
}

func TestNormalize(t *testing.T) {
	raws := []Raw{
		{At: t0, Step: "s1", Kind: KindWebhook, Method: "POST", URL: "/voice?first=" + ca1 + "&to=%2B15550002000",
			Params: url.Values{"CallSid": {ca1}, "AccountSid": {ac}, "From": {"+15550001000"}, "Timestamp": {"Mon, 01 Jan"}, "FromCity": {"SF"}, "CallStatus": {"ringing"}}},
		{At: t0.Add(1500 * time.Millisecond), Step: "s2", Kind: KindREST, Method: "POST", URL: "https://api.twilio.com/2010-04-01/Accounts/" + ac + "/Conferences/" + cf + "/Participants/" + ca2 + ".json",
			Params: url.Values{"Hold": {"true"}, "HoldUrl": {"https://app.test/music"}}, Status: 200,
			Body: []byte(`{"call_sid":"` + ca2 + `","hold":true,"date_created":"Mon","uri":"/x","duration":null,"position":3}`)},
		{At: t0.Add(2 * time.Second), Step: "s2", Kind: KindEnd, Call: ca1, CallStatus: "completed", Duration: "12"},
	}
	n := Normalizer{Names: names()}
	got := n.Normalize(t0, raws)
	want := []Event{
		{At: "00:00:00.000", Step: "s1", Kind: KindWebhook, Method: "POST", Path: "/voice?first=CA#1&to={agent}",
			Params: map[string]string{"CallSid": "CA#1", "AccountSid": "AC#1", "From": "{support}", "CallStatus": "ringing"}},
		{At: "00:00:01.500", Step: "s2", Kind: KindREST, Method: "POST", Path: "/Conferences/CF#1/Participants/CA#2.json",
			Params: map[string]string{"Hold": "true", "HoldUrl": "{app}/music"}, Status: 200,
			Fields: map[string]string{"call_sid": "CA#2", "hold": "true", "position": "3"}},
		{At: "00:00:02.000", Step: "s2", Kind: KindEnd, Fields: map[string]string{"call": "CA#1", "status": "completed", "duration": "12"}},
	}
	for i := range want {
		if !reflect.DeepEqual(got[i], want[i]) {
			t.Errorf("event %d:\n got  %+v\n want %+v", i, got[i], want[i])
		}
	}
}

func TestEncodeDecode(t *testing.T) {
	rec := Recording{Header: Header{Run: "conference", Feature: "hold.feature", Scenario: "Hold", Target: "fake", Outcome: "passed"},
		Events: []Event{{At: "00:00:00.000", Step: "s", Kind: KindWebhook, Method: "POST", Path: "/voice", Params: map[string]string{"To": "{support}"}}}}
	var b bytes.Buffer
	if err := rec.Encode(&b); err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(b.String(), "\n"); n != 2 {
		t.Errorf("%d lines, want a header and one event:\n%s", n, b.String())
	}
	got, err := Decode(&b)
	if err != nil {
		t.Fatal(err)
	}
	rec.Format = FormatVersion
	if !reflect.DeepEqual(got, rec) {
		t.Errorf("round trip:\n got  %+v\n want %+v", got, rec)
	}
	if _, err := Decode(strings.NewReader(`{"holdlab_recording":99}`)); err == nil {
		t.Error("a future format must be refused")
	}
}

func TestWriteAndReadDir(t *testing.T) {
	dir := t.TempDir()
	taken := map[string]bool{}
	rec := Recording{Header: Header{Run: "callleg", Feature: "hold.feature", Scenario: "Hold: twice!"}}
	p1, err := rec.WriteFile(dir, taken)
	if err != nil {
		t.Fatal(err)
	}
	p2, err := rec.WriteFile(dir, taken)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(p1, "callleg/hold--hold-twice.jsonl") || !strings.HasSuffix(p2, "hold--hold-twice-2.jsonl") {
		t.Errorf("files %s and %s", p1, p2)
	}
	got, err := ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 {
		t.Errorf("read %d recordings, want 2: %v", len(got), Keys(got))
	}
}

func TestDiff(t *testing.T) {
	ev := func(at, step string, kind Kind, path string, params map[string]string) Event {
		return Event{At: at, Step: step, Kind: kind, Method: "POST", Path: path, Params: params}
	}
	base := []Event{
		ev("00:00:00.000", "call", KindWebhook, "/voice", map[string]string{"CallStatus": "ringing"}),
		ev("00:00:00.000", "call", KindREST, "/Calls.json", nil),
		ev("00:00:10.000", "hold", KindREST, "/Calls/CA#1.json", map[string]string{"Url": "{app}/music"}),
		ev("00:00:10.000", "hold", KindWebhook, "/music", map[string]string{"CallDuration": "10"}),
	}
	rec := func(evs []Event) map[string]Recording {
		return map[string]Recording{"k": {Header: Header{Run: "r", Feature: "f", Scenario: "s"}, Events: evs}}
	}
	mutate := func(f func([]Event) []Event) []Event {
		c := make([]Event, len(base))
		copy(c, base)
		return f(c)
	}
	tests := []struct {
		name string
		b    []Event
		opts DiffOptions
		why  string // "" for no difference
		step string
	}{
		{"same", base, DiffOptions{}, "", ""},
		{"times are ignored", mutate(func(e []Event) []Event { e[2].At = "00:00:11.000"; e[3].At = "00:00:11.500"; return e }), DiffOptions{}, "", ""},
		{"unless a tolerance is given", mutate(func(e []Event) []Event { e[2].At = "00:00:12.000"; return e }), DiffOptions{Tolerance: time.Second}, "times differ", "hold"},
		{"interleaving within a step is not a difference", mutate(func(e []Event) []Event { e[2], e[3] = e[3], e[2]; return e }), DiffOptions{}, "", ""},
		{"a different parameter", mutate(func(e []Event) []Event {
			e[2].Params = map[string]string{"Url": "{app}/other"}
			return e
		}), DiffOptions{}, "Url is {app}/music in A, {app}/other in B", "hold"},
		{"durations exactly by default", mutate(func(e []Event) []Event { e[3].Params = map[string]string{"CallDuration": "12"}; return e }), DiffOptions{}, "CallDuration", "hold"},
		{"durations within their tolerance", mutate(func(e []Event) []Event { e[3].Params = map[string]string{"CallDuration": "12"}; return e }), DiffOptions{DurationTolerance: 5 * time.Second}, "", ""},
		{"a missing event", base[:3], DiffOptions{}, "A has one more webhook event", "hold"},
		{"a different step", mutate(func(e []Event) []Event { e[2].Step, e[3].Step = "unhold", "unhold"; return e }), DiffOptions{}, "the steps differ", "hold"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			diffs := Diff(rec(base), rec(tc.b), tc.opts)
			if tc.why == "" {
				if len(diffs) != 0 {
					t.Errorf("unexpected difference: %+v", diffs[0])
				}
				return
			}
			if len(diffs) != 1 {
				t.Fatalf("%d differences, want 1", len(diffs))
			}
			if d := diffs[0]; !strings.Contains(d.Why, tc.why) || d.Step != tc.step {
				t.Errorf("difference at %q: %s; want at %q: …%s…", d.Step, d.Why, tc.step, tc.why)
			}
		})
	}
	onlyA := Diff(rec(base), map[string]Recording{}, DiffOptions{})
	if len(onlyA) != 1 || onlyA[0].Missing != "b" {
		t.Errorf("a scenario missing from B: %+v", onlyA)
	}
	var out bytes.Buffer
	if err := WriteDiff(&out, Diff(rec(base), rec(base[:3]), DiffOptions{}), "twilio", "fake"); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"step: hold", "twilio: [00:00:10.000] webhook POST /music", "fake: (nothing)"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("diff output lacks %q:\n%s", want, out.String())
		}
	}
}

// The transport records what changes something, with the answer, and
// leaves reads out.
func TestTransportRecordsWritesOnly(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		w.WriteHeader(http.StatusCreated)
		_, _ = w.Write([]byte(`{"sid":"` + ca1 + `","echo":"` + string(body) + `"}`))
	}))
	defer srv.Close()
	now := t0
	r := NewRecorder(func() time.Time { return now })
	r.Step("a step")
	c := &http.Client{Transport: r.Transport(http.DefaultTransport)}
	if _, err := c.Get(srv.URL + "/Calls.json"); err != nil {
		t.Fatal(err)
	}
	resp, err := c.PostForm(srv.URL+"/Calls.json", url.Values{"To": {"+15550002000"}})
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	if !strings.Contains(string(body), "To=%2B15550002000") {
		t.Errorf("the server did not get the body: %s", body)
	}
	evs := r.Events()
	if len(evs) != 1 {
		t.Fatalf("%d events, want only the POST", len(evs))
	}
	if e := evs[0]; e.Kind != KindREST || e.Status != http.StatusCreated || e.Params.Get("To") != "+15550002000" || e.Step != "a step" {
		t.Errorf("event %+v", e)
	}
	if sids := r.CallSids(); len(sids) != 1 || sids[0] != ca1 {
		t.Errorf("call SIDs %v", sids)
	}
}

// The recorder tells when each step began, with the mark of that instant.
func TestRecorderSteps(t *testing.T) {
	now := t0
	var mark uint64
	r := NewRecorder(func() time.Time { return now })
	r.SetMark(func() uint64 { return mark })
	r.Step("the customer calls")
	now, mark = now.Add(10*time.Second), 7
	r.Step("the agent holds")
	want := []StepMark{{Text: "the customer calls", At: t0}, {Text: "the agent holds", At: t0.Add(10 * time.Second), Mark: 7}}
	if got := r.Steps(); !reflect.DeepEqual(got, want) {
		t.Errorf("Steps() = %+v, want %+v", got, want)
	}
}
