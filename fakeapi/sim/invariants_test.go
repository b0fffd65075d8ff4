package sim

import (
	"errors"
	"fmt"
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

// The checks after each step look only at the hearing intervals and trace
// entries added since the previous step, yet catch what breaks there, and
// again at every step; CheckInvariants still checks the whole history.
func TestIncrementalHistoryChecks(t *testing.T) {
	tests := []struct {
		name string
		// breakIt breaks the history of c's engine and returns the rule.
		breakIt func(e *Engine, c *Call) string
		// stepSees says whether the checks after each step find it.
		stepSees bool
	}{
		{"an entry repeating the Seq of the last one checked", func(e *Engine, c *Call) string {
			last := e.trace.entry(e.trace.at(e.trace.len() - 1))
			e.trace.add(last)
			return fmt.Sprintf("trace entry %d is out of order", last.Seq)
		}, true},
		{"an entry back in time after new ones in order", func(e *Engine, c *Call) string {
			e.tracef(c, KindPhone, "one")
			e.tracef(c, KindPhone, "two")
			e.seq++
			e.trace.add(Entry{Seq: e.seq, At: e.now.Add(-time.Second), Call: c.Sid, Kind: KindPhone, Text: "late"})
			return fmt.Sprintf("trace entry %d is out of order", e.seq)
		}, true},
		{"a gap after the intervals checked", func(e *Engine, c *Call) string {
			n := len(c.intervals)
			c.intervals[n-1].End = e.now
			c.intervals = append(c.intervals, heardInterval{Start: e.now.Add(time.Millisecond), Hearing: &c.hearing})
			return fmt.Sprintf("a gap or overlap in what it heard at interval %d", n-1)
		}, true},
		{"a current interval with an end", func(e *Engine, c *Call) string {
			c.intervals[len(c.intervals)-1].End = e.now
			return "its current hearing interval has an end"
		}, true},
		// The engine never changes the history it has checked: the checks
		// after each step do not look at it again.
		{"an entry changed before the ones checked", func(e *Engine, c *Call) string {
			en := e.trace.at(1)
			en.seq = e.trace.at(0).seq
			return fmt.Sprintf("trace entry %d is out of order", en.seq)
		}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w, c := inbound(t, `<Response><Say>Hello</Say><Pause length="60"/></Response>`)
			w.run(5 * time.Second)
			e := w.e
			if err := e.Violations(); err != nil {
				t.Fatalf("violations before breaking anything: %v", err)
			}
			if e.traceChecked != e.trace.len() || c.heardChecked != len(c.intervals)-1 {
				t.Fatalf("the checks after each step got to entry %d of %d and interval %d of %d, want the last", e.traceChecked, e.trace.len(), c.heardChecked, len(c.intervals))
			}
			rule := tt.breakIt(e, c)
			e.checkpoint("step")
			e.checkpoint("step")
			err := e.Violations()
			if n := strings.Count(fmt.Sprint(err), rule); tt.stepSees && n != 1 || !tt.stepSees && err != nil {
				t.Errorf("after two steps Violations() = %v, want %q recorded %s", err, rule, map[bool]string{true: "once", false: "never"}[tt.stepSees])
			}
			if tt.stepSees {
				if err := e.checkInvariants("step", true); err == nil || !strings.Contains(err.Error(), rule) {
					t.Errorf("a third check after a step = %v, want %q again", err, rule)
				}
			}
			if err := e.CheckInvariants(); err == nil || !strings.Contains(err.Error(), rule) {
				t.Errorf("CheckInvariants() = %v, want a violation containing %q", err, rule)
			}
			// The history stays broken: tell the world's cleanup not to check.
			e.cfg.CheckInvariants = false
		})
	}
}
