package sim

import (
	"fmt"
	"reflect"
	"runtime"
	"slices"
	"testing"
	"time"
	"weak"
)

// A hold scenario many times over: what the engine remembers of the past
// is bounded by Config.TraceLimit, and the trace it keeps is the newest
// part of the one an unbounded engine keeps.
func TestTraceLimit(t *testing.T) {
	const limit = 300
	run := func(limit int) (*Engine, []*Call) {
		e := New(Config{AccountSid: testAccount, Seed: 1, TraceLimit: limit, CheckInvariants: true})
		app := newTestApp(t)
		// The customer hears the menu and music by turns, for ever: a
		// hearing history that grows as long as the call lasts.
		app.twiml(voiceURL, `<Response><Say>Please hold</Say><Play>https://app.test/music.mp3</Play><Redirect/></Response>`)
		voice := voiceURL
		if _, err := e.CreateNumber(NumberParams{PhoneNumber: support, VoiceURL: &voice}); err != nil {
			t.Fatal(err)
		}
		var calls []*Call
		for i := range 3 {
			c, err := e.PlaceCall(fmt.Sprintf("+1555000%04d", i), support)
			if err != nil {
				t.Fatal(err)
			}
			calls = append(calls, c)
		}
		e.RunUntil(e.Now().Add(2*time.Hour), app.perform)
		wantNoViolations(t, e)
		return e, calls
	}
	full, _ := run(0)
	e, calls := run(limit)
	all := full.Trace()
	got := e.Trace()
	if len(all) <= limit || len(got) != limit {
		t.Fatalf("trace of %d entries kept %d, want %d", len(all), len(got), limit)
	}
	// DeepEqual: entries point at their typed fields.
	if !reflect.DeepEqual(got, all[len(all)-limit:]) {
		t.Errorf("the bounded trace is not the newest part of the whole one")
	}
	if e.TraceLen() != limit || e.LastSeq() != full.LastSeq() {
		t.Errorf("TraceLen %d, LastSeq %d; want %d, %d", e.TraceLen(), e.LastSeq(), limit, full.LastSeq())
	}
	for _, c := range calls {
		ivs, _ := e.Intervals(c.Sid)
		whole, _ := full.Intervals(c.Sid)
		if len(ivs) != limit || !slices.EqualFunc(ivs, whole[len(whole)-limit:], func(a, b Interval) bool {
			return a.Start.Equal(b.Start) && a.End.Equal(b.End) && a.Hearing.Equal(b.Hearing)
		}) {
			t.Fatalf("%s keeps %d intervals of %d, want the newest %d", c.Sid, len(ivs), len(whole), limit)
		}
		if h, _ := e.HeardAt(c.Sid, e.Start()); h.Kind != HearNothing || h.Detail != "forgotten: older than the hearing history kept" {
			t.Errorf("what %s heard at the start: %v", c.Sid, h)
		}
		if h, _ := e.HeardAt(c.Sid, e.Now()); !h.Equal(ivs[len(ivs)-1].Hearing) {
			t.Errorf("what %s hears now: %v", c.Sid, h)
		}
	}
}

// ClearTrace forgets the trace; Seqs go on from where they were.
func TestClearTrace(t *testing.T) {
	w := newWorld(t)
	w.number(support, voiceURL)
	w.app.twiml(voiceURL, `<Response><Pause length="5"/></Response>`)
	w.place("+15550003000", support)
	w.settle()
	last := w.e.LastSeq()
	w.e.ClearTrace()
	if w.e.Trace() != nil || w.e.TraceSince(0) != nil {
		t.Fatal("the trace is not empty after ClearTrace")
	}
	w.run(10 * time.Second)
	got := w.e.Trace()
	if len(got) == 0 || got[0].Seq != last+1 {
		t.Fatalf("after ClearTrace the trace starts at %v, want Seq %d", got, last+1)
	}
}

// TracePage, page after page, gives what a filter over the whole trace
// gives.
func TestTracePage(t *testing.T) {
	w := newWorld(t)
	w.number(support, voiceURL)
	w.app.twiml(voiceURL, `<Response><Say>One</Say><Pause length="2"/><Redirect/></Response>`)
	a := w.place("+15550003000", support)
	w.place("+15550003001", support)
	w.run(5 * time.Minute)
	all := w.e.Trace()
	through := all[len(all)-10].Seq
	for _, f := range []TraceFilter{{}, {Call: a.Sid}, {After: all[7].Seq}, {After: all[3].Seq, Through: through, Call: a.Sid}, {Call: "CA-none"}} {
		var want []Entry
		for _, en := range all {
			if en.Seq > f.After && (f.Through == 0 || en.Seq <= f.Through) && (f.Call == "" || en.Call == f.Call) {
				want = append(want, en)
			}
		}
		for _, max := range []int{1, 7, 1000} {
			var got []Entry
			cur := f
			for range len(all) + 1 {
				var done bool
				got, cur.After, done = w.e.TracePage(got, cur, len(got)+max)
				if done {
					break
				}
			}
			if !slices.Equal(got, want) {
				t.Errorf("filter %+v, pages of %d: %d entries, want %d", f, max, len(got), len(want))
			}
		}
	}
}

// Calls that are deleted leave nothing behind: however they ended (a
// <Dial> bridge, a conference, a queue, a hang-up before the answer),
// once deleted no structure of the engine holds them, though the clock
// did not move past their timers.
func TestDeletedCallsLeaveNothing(t *testing.T) {
	w := newWorld(t)
	w.number(support, voiceURL)
	w.phone(agent, PhoneScript{Name: "agent"})
	docs := []string{
		`<Response><Dial timeout="50">` + agent + `</Dial></Response>`,
		`<Response><Dial><Conference waitUrl="">room</Conference></Dial></Response>`,
		`<Response><Enqueue waitUrl="">support</Enqueue></Response>`,
		`<Response><Gather timeout="600"><Play loop="0">https://app.test/music.mp3</Play></Gather></Response>`,
	}
	var refs []weak.Pointer[Call]
	for round := range 40 {
		w.app.twiml(voiceURL, docs[round%len(docs)])
		c := w.place(fmt.Sprintf("+1555100%04d", round), support)
		w.run(3 * time.Second)
		if err := w.e.HangUp(c.Sid); err != nil {
			t.Fatal(err)
		}
		w.settle()
		for _, o := range w.e.Calls(CallFilter{}) {
			if o.Live() {
				if _, err := w.e.UpdateCall(o.Sid, UpdateParams{Status: StatusCompleted}); err != nil {
					t.Fatal(err)
				}
			}
		}
		w.settle()
		for _, o := range w.e.Calls(CallFilter{}) {
			refs = append(refs, weak.Make(o))
			if err := w.e.DeleteCall(o.Sid); err != nil {
				t.Fatalf("delete %s (%s): %v", o.Sid, o.Status, err)
			}
		}
	}
	if len(w.e.calls) != 0 || w.e.idx.size() != 0 || len(w.e.pending) != 0 || len(w.e.effects) != 0 || len(w.e.dirty) != 0 {
		t.Fatalf("left behind: %d calls, %d entries in the call indexes, %d pending, %d effects, %d dirty",
			len(w.e.calls), w.e.idx.size(), len(w.e.pending), len(w.e.effects), len(w.e.dirty))
	}
	w.app.requests = nil // the test app keeps the webhooks it answered
	runtime.GC()
	kept := 0
	for _, r := range refs {
		if c := r.Value(); c != nil {
			kept++
			t.Logf("kept %s %s %s", c.Sid, c.Direction, c.From)
		}
	}
	if kept > 0 {
		t.Errorf("%d of %d deleted calls are still reachable", kept, len(refs))
	}
	runtime.KeepAlive(w)
}

// Canceled events leave the queue: with the clock standing still while
// calls come and go, it holds about what is still to run.
func TestCanceledEventsAreCompacted(t *testing.T) {
	w := newWorld(t)
	w.number(support, voiceURL)
	w.app.twiml(voiceURL, `<Response><Pause length="3600"/></Response>`)
	for i := range 5000 {
		c := w.place(fmt.Sprintf("+1555200%04d", i), support)
		w.settle()
		if err := w.e.HangUp(c.Sid); err != nil {
			t.Fatal(err)
		}
		w.settle()
		if err := w.e.DeleteCall(c.Sid); err != nil {
			t.Fatal(err)
		}
	}
	if n := len(w.e.events); n > 2*minCompact {
		t.Errorf("the event queue holds %d events for no live call", n)
	}
}
