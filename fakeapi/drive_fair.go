package fakeapi

// requestEffectBudget is how many webhooks a REST request performs for the
// engine, with ClockReal, before it leaves the rest to the real-time
// clock's goroutine and answers. Whichever goroutine runs the engine
// performs every webhook due, its own and everyone else's: without a
// budget, under sustained load, one unlucky request would pump the whole
// fake's webhooks for seconds (TestLoad saw 21 s). Twilio answers REST
// requests without waiting for the webhooks they cause, so the budget
// changes nothing an app can rely on. With ClockManual there is no clock
// goroutine to hand over to: a request runs everything it made due, which
// keeps runs deterministic.
const requestEffectBudget = 8

// driveRequestLocked is driveLocked for a REST request (Do): with
// ClockReal, at most requestEffectBudget webhooks, then the clock's
// goroutine takes over.
func (f *Fake) driveRequestLocked() {
	budget := 0
	if f.opts.Clock == ClockReal {
		budget = requestEffectBudget
	}
	f.runLockedFor(budget)
	select {
	case f.wake <- struct{}{}:
	default:
	}
}
