package fakeapi

import (
	"context"
	"time"

	"github.com/holdlab/holdlab/fakeapi/sim"
)

// Driving the engine with ClockReal.
//
// Virtual time is the wall clock: before anything touches the engine (a
// REST request, the control API, a read, a webhook's answer) catchUpLocked
// runs every event due up to the wall clock's now and moves the clock
// there, so that the request happens at its own instant. The clock's
// goroutine (realClock) only wakes the engine when the next event falls
// due while nothing else happens.
//
// Webhooks never hold anything up: every effect is taken from the engine
// as soon as it is emitted and handed to a bounded pool (webhookPool). A
// call waiting for its TwiML waits, as on Twilio, while time runs on for
// every other call; the answer is delivered, at the instant it arrives,
// by the goroutine that performed the webhook.

// DefaultWebhookConcurrency is the default of Options.WebhookConcurrency.
const DefaultWebhookConcurrency = 64

// closeGrace bounds how long Close waits for webhooks in flight once it
// has cancelled them (an in-process app's handler may ignore its
// request's context).
const closeGrace = 5 * time.Second

// webhookPool performs the effects of a real-clock fake, at most limit at
// once; the others wait their turn in order. It is guarded by Fake.mu.
type webhookPool struct {
	limit    int
	inflight int           // goroutines performing webhooks
	queue    []*sim.Effect // waiting for a free slot, oldest first
	ctx      context.Context
	closed   bool
	drained  chan struct{} // closed when the last goroutine ends after Close
}

// realNowLocked is the virtual time the wall clock says it is, to the
// millisecond (the engine's start is a whole millisecond).
func (f *Fake) realNowLocked() time.Time {
	return f.eng.Start().Add(time.Since(f.wallT0).Truncate(time.Millisecond))
}

// catchUpLocked brings the engine to the wall clock's now: it runs every
// event due until then, hands every effect to the pool, and moves the
// clock there. f.mu must be held.
func (f *Fake) catchUpLocked() { f.runRealLocked(f.realNowLocked()) }

// settleLocked runs what the last change made due at the engine's current
// instant (events scheduled "now", their effects), without moving the
// clock. f.mu must be held.
func (f *Fake) settleLocked() { f.runRealLocked(f.eng.Now()) }

// runRealLocked runs the engine up to until, dispatching each effect as
// soon as it is emitted. It never waits on an app.
func (f *Fake) runRealLocked(until time.Time) {
	for {
		for eff := f.eng.NextEffect(); eff != nil; eff = f.eng.NextEffect() {
			f.dispatchLocked(eff)
		}
		if !f.eng.Step(until) {
			break
		}
	}
	f.eng.SetNow(until)
}

// dispatchLocked hands an effect to a new webhook goroutine if the pool
// has room, else queues it. It never blocks. After Close effects are
// dropped: nothing performs them any more.
func (f *Fake) dispatchLocked(eff *sim.Effect) {
	p := &f.pool
	switch {
	case p.closed:
	case p.inflight < p.limit:
		p.inflight++
		go f.webhookWorker(eff)
	default:
		p.queue = append(p.queue, eff)
	}
}

// webhookWorker performs eff, delivers its answer at the instant it
// arrives, then goes on with the oldest queued effect, if any.
func (f *Fake) webhookWorker(eff *sim.Effect) {
	p := &f.pool
	for eff != nil {
		res := f.perform(p.ctx, eff)
		f.mu.Lock()
		if p.closed {
			p.inflight--
			if p.inflight == 0 && p.drained != nil {
				close(p.drained)
			}
			f.mu.Unlock()
			return
		}
		f.catchUpLocked()
		next, ok := f.eng.NextEvent()
		f.eng.Deliver(eff.ID, res)
		f.settleLocked()
		sooner := f.soonerLocked(next, ok)
		eff = nil
		if len(p.queue) > 0 {
			eff = p.queue[0]
			p.queue[0] = nil
			p.queue = p.queue[1:]
		} else {
			p.inflight--
		}
		f.mu.Unlock()
		if sooner {
			f.wakeClock()
		}
	}
}

// closePoolLocked stops dispatching, forgets the queued effects and
// returns a channel closed once no webhook is in flight (nil if none is).
// The caller has cancelled the pool's context.
func (f *Fake) closePoolLocked() <-chan struct{} {
	p := &f.pool
	if !p.closed {
		p.closed = true
		p.queue = nil
		if p.inflight > 0 {
			p.drained = make(chan struct{})
		}
	}
	return p.drained
}

// soonerLocked reports whether the next event is now due before next (ok:
// there was one), the next event when the engine last caught up. The
// clock's goroutine sleeps until that one at the latest, so it must be
// woken only when a change brought an event forward.
func (f *Fake) soonerLocked(next time.Time, ok bool) bool {
	now, has := f.eng.NextEvent()
	return has && (!ok || now.Before(next))
}

// wakeClock tells the clock's goroutine that the next event may have
// changed.
func (f *Fake) wakeClock() {
	select {
	case f.wake <- struct{}{}:
	default:
	}
}

// doReal is Do with ClockReal: fn runs at the wall clock's now; the
// request answers once the engine has applied it, without waiting for
// any webhook.
func (f *Fake) doReal(fn func(e *sim.Engine) error) error {
	f.mu.Lock()
	f.catchUpLocked()
	next, ok := f.eng.NextEvent()
	err := fn(f.eng)
	f.settleLocked()
	sooner := f.soonerLocked(next, ok)
	f.mu.Unlock()
	if sooner {
		f.wakeClock()
	}
	return err
}

// viewReal is View with ClockReal: fn sees the engine at the wall clock's
// now. Catching up brings no event forward: the clock's goroutine need not
// be woken.
func (f *Fake) viewReal(fn func(e *sim.Engine)) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.catchUpLocked()
	fn(f.eng)
}

// realClock lets virtual time follow the wall clock while nothing else
// touches the engine: it sleeps until the next event is due (or until
// woken by a change) and catches the engine up.
func (f *Fake) realClock(ctx context.Context) {
	defer close(f.done)
	timer := time.NewTimer(time.Hour)
	defer timer.Stop()
	for {
		f.mu.Lock()
		f.catchUpLocked()
		next, ok := f.eng.NextEvent()
		wait := time.Hour
		if ok {
			wait = next.Sub(f.eng.Start().Add(time.Since(f.wallT0)))
			if wait <= 0 {
				// Due within the millisecond the clock has not reached yet.
				wait = time.Millisecond
			}
		}
		f.mu.Unlock()
		timer.Reset(wait)
		select {
		case <-ctx.Done():
			return
		case <-timer.C:
		case <-f.wake:
			// Go 1.23 timers: Reset discards a pending expiry.
		}
	}
}
