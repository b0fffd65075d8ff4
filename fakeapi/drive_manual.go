package fakeapi

import (
	"context"

	"github.com/holdlab/holdlab/fakeapi/sim"
)

// Driving the engine with ClockManual.
//
// One goroutine at a time runs the engine (f.driving): it takes the
// effects in the order the engine emitted them, performs each with the
// lock released and hands its answer to the engine, then runs the events
// due up to the target time. With one client that is the goroutine of the
// request (or Advance) that made the work due, and every webhook is
// performed one at a time, in order, before the request returns.
//
// A request that comes while another goroutine runs the engine (another
// client's, or an app's webhook handler calling the REST API back)
// performs the webhooks it made due itself, ahead of their turn and in
// parallel with the rest (performOwnLocked); their answers still reach
// the engine in the order the webhooks were emitted. When the goroutine
// running the engine reaches one whose answer is not in yet, it does not
// wait: it parks the effect and leaves, and the request performing it
// runs the engine on once the answer is in. So concurrent clients do not
// queue behind one another's webhooks, and nothing blocks but the lock.

// earlyWebhook is an effect performed ahead of its turn; res is its
// answer once done. Guarded by f.mu.
type earlyWebhook struct {
	done bool
	res  sim.Result
}

// runLocked runs the engine up to the target time, unless another
// goroutine runs it already: that goroutine will see whatever the caller
// changed. f.mu must be held; it is held again on return. ClockManual
// only: with ClockReal see runRealLocked.
func (f *Fake) runLocked() {
	if f.driving {
		return
	}
	f.driving = true
	f.driveOnLocked()
}

// driveOnLocked runs the engine for the goroutine that holds f.driving
// until nothing is due before the target time, or until it parks an
// effect whose early answer is not in yet (the goroutine performing it
// then drives on). f.mu must be held; it is held again on return.
func (f *Fake) driveOnLocked() {
	for {
		if eff := f.eng.NextEffect(); eff != nil {
			if ew := f.early[eff.ID]; ew != nil {
				if !ew.done {
					f.parked = eff
					return // f.driving passes to the goroutine performing it
				}
				delete(f.early, eff.ID)
				f.eng.Deliver(eff.ID, ew.res)
				continue
			}
			f.mu.Unlock()
			res := f.perform(context.Background(), eff)
			f.mu.Lock()
			f.eng.Deliver(eff.ID, res)
			continue
		}
		if !f.eng.Step(f.target) {
			break
		}
	}
	f.eng.SetNow(f.target)
	f.driving = false
}

// performOwnLocked performs, ahead of their turn, the effects a request
// made due (those queued from index from on) while another goroutine runs
// the engine, and runs the engine on if it was parked on one of them. The
// effects the engine's goroutine has taken meanwhile are left to it. f.mu
// must be held; it is released on return.
func (f *Fake) performOwnLocked(from int) {
	q := f.eng.QueuedEffects()
	if from >= len(q) {
		f.mu.Unlock()
		return
	}
	own := make([]*sim.Effect, len(q)-from)
	copy(own, q[from:])
	for _, eff := range own {
		if q := f.eng.QueuedEffects(); len(q) == 0 || q[0].ID > eff.ID {
			continue // taken by the goroutine that runs the engine
		}
		if f.early == nil {
			f.early = make(map[uint64]*earlyWebhook)
		}
		ew := &earlyWebhook{}
		f.early[eff.ID] = ew
		f.mu.Unlock()
		res := f.perform(context.Background(), eff)
		f.mu.Lock()
		ew.done, ew.res = true, res
		if f.parked == eff {
			// The engine waits for this answer: run it on from here.
			f.parked = nil
			delete(f.early, eff.ID)
			f.eng.Deliver(eff.ID, res)
			f.driveOnLocked()
		}
	}
	f.mu.Unlock()
}
