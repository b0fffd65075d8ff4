package fakeapi_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/holdlab/holdlab/fakeapi"
	"github.com/holdlab/holdlab/fakeapi/sim"
	"github.com/holdlab/holdlab/fakeapi/wire"
	openapi "github.com/twilio/twilio-go/rest/api/v2010"
)

// sseEvent is one Server-Sent Event.
type sseEvent struct {
	id, name, data string
	at             time.Time
}

// readEvents reads the stream at url into a channel, until ctx ends.
func readEvents(t testing.TB, ctx context.Context, f *fakeapi.Fake, url, lastID string) <-chan sseEvent {
	t.Helper()
	req, err := http.NewRequestWithContext(ctx, "GET", url, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.SetBasicAuth(f.AccountSid(), f.AuthToken())
	if lastID != "" {
		req.Header.Set("Last-Event-ID", lastID)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "text/event-stream" {
		t.Fatalf("GET /holdlab/events: %s, Content-Type %q", resp.Status, resp.Header.Get("Content-Type"))
	}
	out := make(chan sseEvent, 1024)
	go func() {
		defer close(out)
		defer resp.Body.Close()
		sc := bufio.NewScanner(resp.Body)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		var ev sseEvent
		for sc.Scan() {
			line := sc.Text()
			switch {
			case line == "":
				if ev.name != "" {
					ev.at = time.Now()
					select {
					case out <- ev:
					case <-ctx.Done():
						return
					}
				}
				ev = sseEvent{}
			case strings.HasPrefix(line, "id: "):
				ev.id = line[4:]
			case strings.HasPrefix(line, "event: "):
				ev.name = line[7:]
			case strings.HasPrefix(line, "data: "):
				ev.data = line[6:]
			}
		}
	}()
	return out
}

// waitEvent returns the first event that match accepts, failing the test
// after bound.
func waitEvent(t testing.TB, events <-chan sseEvent, bound time.Duration, what string, match func(sseEvent) bool) sseEvent {
	t.Helper()
	timer := time.NewTimer(bound)
	defer timer.Stop()
	for {
		select {
		case ev, ok := <-events:
			if !ok {
				t.Fatalf("the stream ended before %s", what)
			}
			if match(ev) {
				return ev
			}
		case <-timer.C:
			t.Fatalf("no %s within %v", what, bound)
		}
	}
}

type entryEvent struct {
	Seq     uint64 `json:"seq"`
	Call    string `json:"call_sid"`
	Kind    string `json:"kind"`
	Text    string `json:"text"`
	Hearing *struct {
		Kind   string `json:"kind"`
		Source string `json:"source"`
	} `json:"hearing"`
}

func entryOf(t testing.TB, ev sseEvent) entryEvent {
	t.Helper()
	var en entryEvent
	if err := json.Unmarshal([]byte(ev.data), &en); err != nil {
		t.Fatalf("entry event %q: %v", ev.data, err)
	}
	return en
}

func pictureOf(t testing.TB, ev sseEvent) fakeapi.PictureJSON {
	t.Helper()
	var p fakeapi.PictureJSON
	if err := json.Unmarshal([]byte(ev.data), &p); err != nil {
		t.Fatalf("state event %q: %v", ev.data, err)
	}
	return p
}

// A REST hold and unhold reach a watcher of the event stream (how soon is
// measured by BenchmarkEventsLatency, not asserted here): the typed hears entries of the held party, and state events
// whose picture shows the hold and what each party hears; a reader that
// resumes with Last-Event-ID gets only what came after.
func TestEventsStreamAHold(t *testing.T) {
	e, confSid, cust, ag := twoInARoom(t, true)
	srv := httptest.NewServer(e.f.Handler())
	defer srv.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	events := readEvents(t, ctx, e.f, srv.URL+"/holdlab/events", "")

	// First the trace so far, then the picture: both in the room, talking.
	var last sseEvent
	for ev := range events {
		if ev.name == "entry" {
			last = ev
			continue
		}
		if ev.name != "state" {
			t.Fatalf("event %q before the first state", ev.name)
		}
		p := pictureOf(t, ev)
		if len(p.Conferences) != 1 || len(p.Conferences[0].Participants) != 2 || p.Conferences[0].Sid != confSid {
			t.Fatalf("first picture's conferences: %+v", p.Conferences)
		}
		wantPlain(t, p, cust, "talking with agent")
		break
	}
	if !strings.HasPrefix(last.id, e.f.Session()+".") {
		t.Fatalf("last entry's id %q, want %s.SEQ", last.id, e.f.Session())
	}

	for _, step := range []struct {
		hold   bool
		source string // of the customer's hears entry
		plain  string
	}{
		{true, "hold-music", "hold music"},
		{false, "", "talking with agent"},
	} {
		t0 := time.Now()
		if _, err := e.api.UpdateParticipant(confSid, cust, &openapi.UpdateParticipantParams{Hold: ptrTo(step.hold), HoldUrl: ptrTo(roomMusic)}); err != nil {
			t.Fatal(err)
		}
		sent := time.Now()
		ev := waitEvent(t, events, 5*time.Second, "hears entry of the customer", func(ev sseEvent) bool {
			if ev.name != "entry" {
				return false
			}
			en := entryOf(t, ev)
			return en.Kind == "hears" && en.Call == cust && en.Hearing != nil && en.Hearing.Source == step.source
		})
		st := waitEvent(t, events, 5*time.Second, "state with the hold", func(ev sseEvent) bool {
			if ev.name != "state" {
				return false
			}
			p := pictureOf(t, ev)
			return len(p.Conferences) == 1 && len(p.Conferences[0].Participants) == 2 && holdOf(p, cust) == step.hold
		})
		p := pictureOf(t, st)
		wantPlain(t, p, cust, step.plain)
		wantPlain(t, p, ag, "")
		t.Logf("hold=%v: request %v, entry after %v, state after %v", step.hold, sent.Sub(t0), ev.at.Sub(sent), st.at.Sub(sent))
		last = ev
	}

	// Resuming after an entry seen: nothing up to it comes back.
	seen := entryOf(t, last).Seq
	again := readEvents(t, ctx, e.f, srv.URL+"/holdlab/events", last.id)
	first := waitEvent(t, again, 5*time.Second, "an entry or state after resuming", func(sseEvent) bool { return true })
	if first.name == "entry" && entryOf(t, first).Seq <= seen {
		t.Errorf("resumed after %s, got entry %d again", last.id, entryOf(t, first).Seq)
	}
	// Another session's id: this fake's trace from its start.
	other := readEvents(t, ctx, e.f, srv.URL+"/holdlab/events", "elsewhere.7")
	first = waitEvent(t, other, 5*time.Second, "an event", func(sseEvent) bool { return true })
	if first.name != "entry" || entryOf(t, first).Seq != 1 {
		t.Errorf("with another session's id, first event %s %s, want entry 1", first.name, first.data)
	}

	// Closing the fake ends the stream with an end event.
	e.f.Close()
	waitEvent(t, events, 5*time.Second, "end event", func(ev sseEvent) bool { return ev.name == "end" })
}

func holdOf(p fakeapi.PictureJSON, sid string) bool {
	for _, pt := range p.Conferences[0].Participants {
		if pt.CallSid == sid {
			return pt.Hold
		}
	}
	return false
}

// wantPlain checks that the picture lists the live call sid and that what
// it hears, in words, begins with prefix.
func wantPlain(t *testing.T, p fakeapi.PictureJSON, sid, prefix string) {
	t.Helper()
	for _, c := range p.Calls {
		if c.Sid == sid {
			if !c.Live || !strings.HasPrefix(c.HearsPlain, prefix) {
				t.Errorf("%s: live %v, hears %q, want %q…", sid, c.Live, c.HearsPlain, prefix)
			}
			return
		}
	}
	t.Errorf("the picture lacks the call %s: %+v", sid, p.Calls)
}

// GET /holdlab/state is the same picture, and with no reader the stream
// costs the engine nothing but a check.
func TestStatePicture(t *testing.T) {
	e, confSid, cust, ag := twoInARoom(t, false)
	p := e.f.Picture()
	if len(p.Calls) != 2 || p.Calls[0].Sid != cust || p.Calls[1].Sid != ag {
		t.Fatalf("calls %+v, want the customer then the agent", p.Calls)
	}
	if p.Calls[0].HearsPlain != "talking with agent ("+wire.Short(ag)+")" {
		t.Errorf("customer hears %q", p.Calls[0].HearsPlain)
	}
	if len(p.Conferences) != 1 || p.Conferences[0].Sid != confSid || p.Clock.Mode != "manual" {
		t.Errorf("picture %+v", p)
	}
}

// blockingWriter is a reader of the event stream that stops reading: its
// writes wait until it is released.
type blockingWriter struct {
	header  http.Header
	wrote   chan struct{} // a write began
	release chan struct{}
	mu      sync.Mutex
	buf     strings.Builder
}

func (w *blockingWriter) Header() http.Header { return w.header }
func (w *blockingWriter) WriteHeader(int)     {}
func (w *blockingWriter) Flush()              {}
func (w *blockingWriter) Write(p []byte) (int, error) {
	select {
	case w.wrote <- struct{}{}:
	default:
	}
	<-w.release
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.buf.Write(p)
}

func (w *blockingWriter) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.buf.String()
}

// A reader that stops reading holds up nothing: calls run to their end
// while it is stuck, and once it reads again it catches up with the trace
// and the latest picture.
func TestEventsSlowReaderBlocksNothing(t *testing.T) {
	f := newFake(t, fakeapi.Options{})
	w := &blockingWriter{header: http.Header{}, wrote: make(chan struct{}, 1), release: make(chan struct{})}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	req := httptest.NewRequest("GET", "/holdlab/events", nil).WithContext(ctx)
	req.SetBasicAuth(f.AccountSid(), f.AuthToken())
	served := make(chan struct{})
	go func() {
		defer close(served)
		f.Handler().ServeHTTP(w, req)
	}()
	select {
	case <-w.wrote: // stuck in its first write
	case <-ctx.Done():
		t.Fatal("the stream never wrote")
	}

	api := f.RestClient()
	ran := make(chan error, 1)
	go func() {
		for i := range 200 {
			to, from, twiml := "+15550002000", "+15550001000", `<Response><Say>Hello</Say><Pause length="1"/></Response>`
			if _, err := api.CreateCall(&openapi.CreateCallParams{To: &to, From: &from, Twiml: &twiml}); err != nil {
				ran <- err
				return
			}
			if i%20 == 0 {
				f.Advance(10 * time.Second)
			}
		}
		f.Advance(time.Minute)
		ran <- nil
	}()
	bound := time.NewTimer(20 * time.Second)
	defer bound.Stop()
	select {
	case err := <-ran:
		if err != nil {
			t.Fatal(err)
		}
	case <-bound.C:
		t.Fatal("the engine was held up by a reader that does not read")
	}
	last := f.Picture().LastSeq
	if last < 2000 {
		t.Fatalf("only %d trace entries: the test wants a long trace", last)
	}

	close(w.release) // it reads again
	want := fmt.Sprintf(`"seq":%d,`, last)
	for !strings.Contains(w.String(), want) || !strings.Contains(w.String()[strings.LastIndex(w.String(), "event: state"):], `"live":false`) {
		select {
		case <-w.wrote:
		case <-ctx.Done():
			t.Fatalf("the reader did not catch up with entry %d", last)
		}
	}
	cancel()
	<-served
}

// What a party hears, in words for someone learning.
func TestPlainHearing(t *testing.T) {
	name := func(sid string) string {
		return map[string]string{"CA1": "agent (CA..0001)", "CA2": "customer (CA..0002)"}[sid]
	}
	for _, tc := range []struct {
		h    sim.Hearing
		want string
	}{
		{sim.Hearing{Kind: sim.HearParty, Parties: []string{"CA1"}}, "talking with agent (CA..0001)"},
		{sim.Hearing{Kind: sim.HearParty, Parties: []string{"CA1", "CA2"}}, "talking with agent (CA..0001), customer (CA..0002)"},
		{sim.Hearing{Kind: sim.HearMedia, Source: "hold-music", Media: "https://x.test/m.mp3"}, "hold music (https://x.test/m.mp3)"},
		{sim.Hearing{Kind: sim.HearMedia, Source: "wait-music", Media: "https://x.test/w.mp3"}, "wait music, waiting to be connected (https://x.test/w.mp3)"},
		{sim.Hearing{Kind: sim.HearMedia, Source: "say", Media: "Please hold"}, "a voice saying “Please hold”"},
		{sim.Hearing{Kind: sim.HearMedia, Source: "play", Media: "https://x.test/a.mp3"}, "a recording playing (https://x.test/a.mp3)"},
		{sim.Hearing{Kind: sim.HearRingback}, "ringing: waiting for the other side to answer"},
		{sim.Hearing{Kind: sim.HearSilence, Detail: "pause"}, "silence: connected, but nothing plays (pause)"},
		{sim.Hearing{Kind: sim.HearNothing, Detail: "not answered"}, "nothing yet: not answered"},
		{sim.Hearing{Kind: sim.HearNothing, Detail: "ended"}, "nothing: the call has ended"},
	} {
		if got := fakeapi.PlainHearing(tc.h, name); got != tc.want {
			t.Errorf("%s: %q, want %q", tc.h, got, tc.want)
		}
	}
}

// BenchmarkEventsLatency measures how long a watcher of /holdlab/events
// waits, after a REST hold or unhold answers, for the held party's typed
// hears entry and for the state event that shows it: the inspector's
// "within 200 ms". Each operation is one hold or one unhold.
func BenchmarkEventsLatency(b *testing.B) {
	e, confSid, cust, _ := twoInARoom(b, true)
	srv := httptest.NewServer(e.f.Handler())
	defer srv.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	events := readEvents(b, ctx, e.f, srv.URL+"/holdlab/events", "")
	waitEvent(b, events, 5*time.Second, "the first state", func(ev sseEvent) bool { return ev.name == "state" })
	var entryMax, stateMax, entrySum, stateSum time.Duration
	hold := false
	for b.Loop() {
		hold = !hold
		if _, err := e.api.UpdateParticipant(confSid, cust, &openapi.UpdateParticipantParams{Hold: ptrTo(hold), HoldUrl: ptrTo(roomMusic)}); err != nil {
			b.Fatal(err)
		}
		sent := time.Now()
		ev := waitEvent(b, events, 5*time.Second, "hears entry", func(ev sseEvent) bool {
			if ev.name != "entry" {
				return false
			}
			en := entryOf(b, ev)
			return en.Kind == "hears" && en.Call == cust && en.Hearing != nil && (en.Hearing.Source == "hold-music") == hold
		})
		st := waitEvent(b, events, 5*time.Second, "state", func(ev sseEvent) bool {
			return ev.name == "state" && holdOf(pictureOf(b, ev), cust) == hold
		})
		de, ds := ev.at.Sub(sent), st.at.Sub(sent)
		entrySum, stateSum = entrySum+de, stateSum+ds
		entryMax, stateMax = max(entryMax, de), max(stateMax, ds)
	}
	n := float64(b.N)
	b.ReportMetric(float64(entrySum.Microseconds())/n/1000, "entry-ms")
	b.ReportMetric(float64(entryMax.Microseconds())/1000, "entry-max-ms")
	b.ReportMetric(float64(stateSum.Microseconds())/n/1000, "state-ms")
	b.ReportMetric(float64(stateMax.Microseconds())/1000, "state-max-ms")
}
