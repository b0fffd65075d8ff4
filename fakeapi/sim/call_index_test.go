package sim

import (
	"fmt"
	"slices"
	"testing"
	"time"
)

// refCalls is the Calls list as a plain scan of every call would give it.
func refCalls(e *Engine, f CallFilter) []*Call {
	var out []*Call
	for c := range e.idx.inOrder() {
		if f.match(c) {
			out = append(out, c)
		}
	}
	slices.Reverse(out)
	return out
}

// callHistory makes calls over three days: parents that <Dial> the agent
// (answered, busy, or hung up by REST), callers left in progress, calls
// never answered, some of them deleted.
func callHistory(t *testing.T) *world {
	w := newWorld(t)
	w.number(support, voiceURL)
	w.app.twiml(voiceURL, `<Response><Dial timeout="20">`+agent+`</Dial></Response>`)
	w.phone(agent, PhoneScript{Name: "agent", HangUpAfter: 30 * time.Second})
	w.phone("+15550007000", PhoneScript{Name: "busy", Answer: AnswerBusy})
	w.phone("+15550007001", PhoneScript{Name: "away", Answer: AnswerNoAnswer})
	for i := range 120 {
		from := fmt.Sprintf("+1555100%04d", i%7)
		switch i % 5 {
		case 0, 1, 2:
			w.place(from, support)
		case 3:
			to := fmt.Sprintf("+1555000700%d", i%2)
			if _, err := w.e.CreateCall(CallParams{To: to, From: support, Twiml: `<Response><Say>hi</Say></Response>`, Timeout: 10 * time.Second}); err != nil {
				t.Fatal(err)
			}
		case 4:
			if _, err := w.e.CreateCall(CallParams{To: from, From: support, Twiml: `<Response><Play loop="0">https://app.test/music.mp3</Play></Response>`}); err != nil {
				t.Fatal(err)
			}
		}
		w.run(time.Duration(i%4) * 7 * time.Minute)
		if i%17 == 0 {
			w.run(20 * time.Hour)
		}
		if i%9 == 8 {
			for _, c := range refCalls(w.e, CallFilter{}) {
				if !c.Live() && c.seq%3 == 0 {
					if err := w.e.DeleteCall(c.Sid); err != nil {
						t.Fatal(err)
					}
				}
			}
		}
	}
	w.run(time.Minute)
	return w
}

// callFilters are filters of every kind the Calls list takes, over what
// callHistory made.
func callFilters(e *Engine) []CallFilter {
	all := refCalls(e, CallFilter{})
	mid := all[len(all)/2]
	var parent string
	for _, c := range all {
		if c.ParentCallSid != "" {
			parent = c.ParentCallSid
		}
	}
	day := func(d int) time.Time { return DefaultStart.AddDate(0, 0, d) }
	return []CallFilter{
		{},
		{Status: StatusCompleted},
		{Status: StatusInProgress},
		{Status: StatusBusy},
		{Status: StatusNoAnswer},
		{To: agent},
		{To: "+15550000000"},
		{From: support},
		{From: "+15551000003"},
		{From: "+15551000003", Status: StatusCompleted},
		{To: agent, From: "+15551000003", Status: StatusCompleted},
		{ParentCallSid: parent},
		{ParentCallSid: "CA00000000000000000000000000000000"},
		{Started: []TimeFilter{{Op: '>', T: mid.DateCreated}}},
		{Started: []TimeFilter{{Op: '<', T: mid.DateCreated}}},
		{Started: []TimeFilter{{Op: '=', T: day(1)}}},
		{Started: []TimeFilter{{Op: '>', T: day(1), DateOnly: true}, {Op: '<', T: day(2), DateOnly: true}}},
		{Ended: []TimeFilter{{Op: '>', T: mid.DateCreated}}},
		{Ended: []TimeFilter{{Op: '<', T: day(1), DateOnly: true}}},
		{Status: StatusCompleted, Ended: []TimeFilter{{Op: '>', T: mid.DateCreated}}},
		{From: support, Started: []TimeFilter{{Op: '<', T: mid.DateCreated}}},
	}
}

func sids(cs []*Call) []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = c.Sid
	}
	return out
}

// Every page of every filter is the page of the list a scan of every call
// gives, jumped to directly or reached page after page (with cursors), and
// still after the calls change between two pages.
func TestCallsPageIsTheScansPage(t *testing.T) {
	w := callHistory(t)
	e := w.e
	check := func(t *testing.T, f CallFilter, off, size int) {
		t.Helper()
		ref := refCalls(e, f)
		want := ref[min(off, len(ref)):min(off+size, len(ref))]
		got, more := e.CallsPage(f, off, size)
		if !slices.Equal(sids(got), sids(want)) || more != (off+size < len(ref)) {
			t.Fatalf("%+v [%d:+%d]: got %d calls (more %v), want %d (more %v)", f, off, size, len(got), more, len(want), off+size < len(ref))
		}
	}
	for i, f := range callFilters(e) {
		t.Run(fmt.Sprint(i), func(t *testing.T) {
			n := len(refCalls(e, f))
			if n == 0 && f.ParentCallSid == "" && f.To != "+15550000000" {
				t.Fatalf("%+v selects nothing", f)
			}
			for _, size := range []int{1, 7, 50} {
				for off := 0; off <= n+size; off += size { // page after page
					check(t, f, off, size)
					check(t, f, off, size) // the same page again
				}
				for _, off := range []int{n / 2, n - 1, n + 3, 3} { // jumps
					check(t, f, max(off, 0), size)
				}
			}
			// The calls change between two pages: the cursor of the
			// first is not used for the second.
			check(t, f, 0, 5)
			c, err := e.CreateCall(CallParams{To: agent, From: support, Twiml: `<Response><Say>hi</Say></Response>`})
			if err != nil {
				t.Fatal(err)
			}
			check(t, f, 5, 5)
			w.run(time.Minute)
			check(t, f, 5, 5)
			if err := e.DeleteCall(c.Sid); err != nil {
				t.Fatal(err)
			}
			check(t, f, 5, 5)
		})
	}
}

// Deleted calls appear in no list, and leave no index behind.
func TestDeletedCallsLeaveNoIndex(t *testing.T) {
	w := callHistory(t)
	for _, c := range refCalls(w.e, CallFilter{}) {
		if c.Live() {
			w.update(c, UpdateParams{Status: StatusCompleted})
		}
	}
	w.settle()
	filters := callFilters(w.e)
	for _, c := range w.e.Calls(CallFilter{}) {
		if err := w.e.DeleteCall(c.Sid); err != nil {
			t.Fatal(err)
		}
		for _, f := range filters {
			if slices.Contains(w.e.Calls(f), c) {
				t.Fatalf("deleted %s is still listed with %+v", c.Sid, f)
			}
		}
	}
	if n := w.e.idx.size(); n != 0 {
		t.Errorf("the call indexes hold %d entries after every call was deleted", n)
	}
}
