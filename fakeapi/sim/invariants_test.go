package sim

import (
	"errors"
	"strings"
	"testing"
	"time"
)

// The checker sees each kind of inconsistent state: each case builds a
// healthy engine, breaks one relation by hand, and expects the rule.
func TestCheckInvariantsFindsBrokenState(t *testing.T) {
	bridged := func(t *testing.T) (*world, *Call, *Call) {
		w, c := inbound(t, `<Response><Dial>`+agent+`</Dial></Response>`)
		w.run(5 * time.Second)
		return w, c, w.child(c)
	}
	conference := func(t *testing.T) (*roomWorld, *Call) {
		w := newRoomWorld(t)
		w.app.twiml(voiceURL, `<Response><Dial><Conference>`+room+`</Conference></Dial></Response>`)
		c := w.place(customer, support)
		w.run(5 * time.Second)
		return w, c
	}
	queued := func(t *testing.T) (*world, *Call) {
		w, c := inbound(t, `<Response><Enqueue waitUrl="">support</Enqueue></Response>`)
		w.run(time.Second)
		return w, c
	}
	tests := []struct {
		name    string
		breakIt func(t *testing.T) *Engine
		rule    string
	}{
		{"a call both bridged and completed", func(t *testing.T) *Engine {
			w, _, kid := bridged(t)
			kid.Status, kid.EndTime = StatusCompleted, w.e.now
			return w.e
		}, "terminal (completed) but is bridged"},
		{"a one-sided bridge", func(t *testing.T) *Engine {
			w, c, _ := bridged(t)
			c.peer.peer = nil
			return w.e
		}, "which is not bridged back"},
		{"a terminal call without an EndTime", func(t *testing.T) *Engine {
			w, c := inbound(t, `<Response><Hangup/></Response>`)
			w.settle()
			c.EndTime = time.Time{}
			return w.e
		}, "terminal (completed) without an EndTime"},
		{"an in-progress call never answered", func(t *testing.T) *Engine {
			w, c := inbound(t, `<Response><Pause length="60"/></Response>`)
			w.settle()
			c.StartTime = time.Time{}
			return w.e
		}, "in-progress but never answered"},
		{"a busy call that was answered", func(t *testing.T) *Engine {
			w, c := inbound(t, `<Response><Hangup/></Response>`)
			w.settle()
			c.Status = StatusBusy
			return w.e
		}, "busy but it was answered"},
		{"a participant lingering in a completed conference", func(t *testing.T) *Engine {
			w, _ := conference(t)
			cf := w.conference()
			cf.Status, cf.ReasonEnded = ConferenceCompleted, EndedViaAPI
			return w.e
		}, "completed with 1 participants still in it"},
		{"a participant whose call ended", func(t *testing.T) *Engine {
			w, c := conference(t)
			c.Status, c.EndTime = StatusCompleted, w.e.now
			return w.e
		}, "lingers in conference"},
		{"a queue whose members and calls disagree", func(t *testing.T) *Engine {
			w, c := queued(t)
			c.member = nil
			return w.e
		}, "its call is not waiting there"},
		{"a caller twice in a queue", func(t *testing.T) *Engine {
			w, _ := queued(t)
			q := w.e.queues[0]
			q.members = append(q.members, q.members[0])
			return w.e
		}, "waits twice in queue"},
		{"an event left behind in the past", func(t *testing.T) *Engine {
			w, _ := inbound(t, `<Response><Pause length="60"/></Response>`)
			w.settle()
			w.e.now = w.e.now.Add(time.Hour)
			return w.e
		}, "is still pending at"},
		{"a gap in what a party heard", func(t *testing.T) *Engine {
			w, c, _ := bridged(t)
			c.intervals[0].End = c.intervals[0].End.Add(-time.Millisecond)
			return w.e
		}, "a gap or overlap in what it heard"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := tt.breakIt(t)
			err := e.CheckInvariants()
			if err == nil || !strings.Contains(err.Error(), tt.rule) {
				t.Fatalf("CheckInvariants() = %v, want a violation containing %q", err, tt.rule)
			}
			var ie *InvariantError
			if !errors.As(err, &ie) {
				t.Errorf("violation %v is not an *InvariantError", err)
			}
			// The state stays broken: tell the world's cleanup not to check.
			e.cfg.CheckInvariants = false
		})
	}
}

// With Config.CheckInvariants, a violation is recorded by the next step,
// once however long it lasts.
func TestViolationsAreRecordedAfterSteps(t *testing.T) {
	w, c := inbound(t, `<Response><Say>One</Say><Say>Two</Say><Say>Three</Say></Response>`)
	w.settle()
	if err := w.e.Violations(); err != nil {
		t.Fatalf("violations before breaking anything: %v", err)
	}
	c.EndTime = w.e.now
	w.run(2 * time.Second) // two steps: each sees the broken call
	err := w.e.Violations()
	var ie *InvariantError
	if !errors.As(err, &ie) || ie.Where != "step" || ie.Subject != c.Sid {
		t.Fatalf("Violations() = %v, want one recorded after a step for %s", err, c.Sid)
	}
	if n := strings.Count(err.Error(), "has an EndTime"); n != 1 {
		t.Errorf("the lasting violation was recorded %d times, want once:\n%v", n, err)
	}
	w.e.cfg.CheckInvariants = false
}
