package sim

import (
	"slices"
	"testing"
	"time"
)

// refRecordings is the Recordings list as a scan of every recording gives
// it.
func refRecordings(e *Engine, f RecordingFilter) []*Recording {
	var out []*Recording
	e.recs.all.ascend(func(r *Recording) bool {
		if f.match(r) {
			out = append(out, r)
		}
		return true
	})
	slices.Reverse(out)
	return out
}

// Every page of the Recordings lists (the account's, a call's, a
// conference's, by DateCreated) is the page a scan of every recording
// gives, and deleted recordings leave no index behind.
func TestRecordingsPageIsTheScansPage(t *testing.T) {
	w := newWorld(t)
	w.phone(agent, PhoneScript{Name: "agent", HangUpAfter: 40 * time.Second})
	var calls []*Call
	for i := range 60 {
		twiml := `<Response><Pause length="60"/></Response>`
		if i%4 == 0 {
			twiml = `<Response><Dial><Conference record="record-from-start">room</Conference></Dial></Response>`
		}
		c, err := w.e.CreateCall(CallParams{To: agent, From: support, Twiml: twiml, Record: i%3 != 0})
		if err != nil {
			t.Fatal(err)
		}
		calls = append(calls, c)
		w.run(10 * time.Second)
		if i%5 == 0 {
			if _, err := w.e.CreateCallRecording(c.Sid, RecordingOptions{}); err != nil {
				t.Fatal(err)
			}
		}
		w.run(time.Duration(i%3) * 7 * time.Hour)
	}
	w.run(time.Hour)
	all := refRecordings(w.e, RecordingFilter{})
	for i, r := range all {
		if i%7 == 3 {
			if err := w.e.DeleteRecording(r); err != nil {
				t.Fatal(err)
			}
		}
	}
	all = refRecordings(w.e, RecordingFilter{})
	mid := all[len(all)/2]
	var confSid string
	for _, r := range all {
		if r.ConferenceSid != "" {
			confSid = r.ConferenceSid
		}
	}
	day := func(d int) time.Time { return DefaultStart.AddDate(0, 0, d) }
	filters := []RecordingFilter{
		{},
		{CallSid: calls[20].Sid},
		{CallSid: calls[20].Sid, callOnly: true},
		{CallSid: calls[22].Sid, callOnly: true},
		{ConferenceSid: confSid},
		{CallSid: calls[20].Sid, ConferenceSid: confSid},
		{Created: []TimeFilter{{Op: '>', T: mid.DateCreated}}},
		{Created: []TimeFilter{{Op: '<', T: mid.DateCreated}}},
		{Created: []TimeFilter{{Op: '=', T: day(2)}}},
		{Created: []TimeFilter{{Op: '>', T: day(1), DateOnly: true}, {Op: '<', T: day(3), DateOnly: true}}},
		{CallSid: calls[25].Sid, Created: []TimeFilter{{Op: '<', T: day(9)}}},
		{CallSid: "CA00000000000000000000000000000000"},
	}
	for i, f := range filters {
		ref := refRecordings(w.e, f)
		if len(ref) == 0 && i != len(filters)-1 {
			t.Errorf("%d: %+v selects nothing", i, f)
		}
		for _, size := range []int{1, 3, 50} {
			for off := 0; off <= len(ref)+size; off++ {
				want := ref[min(off, len(ref)):min(off+size, len(ref))]
				got, more := w.e.RecordingsPage(f, off, size)
				if !slices.Equal(got, want) || more != (off+size < len(ref)) {
					t.Fatalf("%d: %+v [%d:+%d]: got %d (more %v), want %d of %d", i, f, off, size, len(got), more, len(want), len(ref))
				}
			}
		}
	}
	for _, r := range all {
		if err := w.e.DeleteRecording(r); err != nil {
			t.Fatal(err)
		}
	}
	if n := w.e.recs.all.Len() + len(w.e.recs.bySid) + len(w.e.recs.byCall) + len(w.e.recs.byConfSid); n != 0 {
		t.Errorf("the recording indexes hold %d entries after every recording was deleted", n)
	}
}
