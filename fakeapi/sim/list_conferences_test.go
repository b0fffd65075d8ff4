package sim

import (
	"fmt"
	"slices"
	"testing"
	"time"
)

// refConferences is the Conferences list as a scan of every conference
// gives it.
func refConferences(e *Engine, f ConferenceFilter) []*Conference {
	var out []*Conference
	for i := len(e.confs) - 1; i >= 0; i-- {
		if f.match(e.confs[i]) {
			out = append(out, e.confs[i])
		}
	}
	return out
}

// Every page of the Conferences list, with every kind of filter, is the
// page of the list a scan of every conference gives.
func TestConferencesPageIsTheScansPage(t *testing.T) {
	w := newWorld(t)
	w.phone(agent, PhoneScript{Name: "agent", HangUpAfter: 20 * time.Second})
	w.phone(customer, PhoneScript{Name: "customer", HangUpAfter: 2 * time.Hour})
	for i := range 90 {
		to := agent
		if i%11 == 0 {
			to = customer
		}
		if _, err := w.e.CreateParticipant(fmt.Sprintf("room-%d", i%6), ParticipantParams{From: support, To: to}); err != nil {
			t.Fatal(err)
		}
		w.run(time.Duration(i%3) * 5 * time.Minute)
		if i%25 == 0 {
			w.run(20 * time.Hour)
		}
	}
	no := false
	if _, err := w.e.CreateParticipant("waiting", ParticipantParams{From: support, To: customer, StartConferenceOnEnter: &no}); err != nil {
		t.Fatal(err)
	}
	w.run(time.Minute)
	confs := refConferences(w.e, ConferenceFilter{})
	mid := confs[len(confs)/2]
	var liveRoom string
	for _, cf := range confs {
		if cf.Status == ConferenceInProgress {
			liveRoom = cf.FriendlyName
		}
	}
	day := func(d int) time.Time { return DefaultStart.AddDate(0, 0, d) }
	filters := []ConferenceFilter{
		{},
		{Status: ConferenceCompleted},
		{Status: ConferenceInProgress},
		{Status: ConferenceInit},
		{FriendlyName: "room-3"},
		{FriendlyName: "room-0", Status: ConferenceCompleted},
		{FriendlyName: liveRoom, Status: ConferenceInProgress},
		{FriendlyName: liveRoom, Status: ConferenceCompleted},
		{FriendlyName: "none"},
		{Created: []TimeFilter{{Op: '>', T: mid.DateCreated}}},
		{Created: []TimeFilter{{Op: '<', T: mid.DateCreated}}},
		{Created: []TimeFilter{{Op: '=', T: day(1)}}},
		{Created: []TimeFilter{{Op: '>', T: day(1), DateOnly: true}}, Status: ConferenceCompleted},
		{Created: []TimeFilter{{Op: '<', T: day(2), DateOnly: true}}, FriendlyName: "room-2"},
		{Updated: []TimeFilter{{Op: '<', T: mid.DateCreated}}},
		{Updated: []TimeFilter{{Op: '>', T: mid.DateCreated}}, Status: ConferenceCompleted},
	}
	for i, f := range filters {
		ref := refConferences(w.e, f)
		if len(ref) == 0 && f.FriendlyName != "none" {
			t.Errorf("%d: %+v selects nothing", i, f)
		}
		for _, size := range []int{1, 4, 50} {
			for off := 0; off <= len(ref)+size; off++ {
				want := ref[min(off, len(ref)):min(off+size, len(ref))]
				got, more := w.e.ConferencesPage(f, off, size)
				if !slices.Equal(got, want) || more != (off+size < len(ref)) {
					t.Fatalf("%d: %+v [%d:+%d]: got %d (more %v), want %d of %d", i, f, off, size, len(got), more, len(want), len(ref))
				}
			}
		}
	}
}
