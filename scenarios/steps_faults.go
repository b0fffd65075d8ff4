package scenarios

import (
	"errors"
	"fmt"
	"time"

	"github.com/holdlab/holdlab/fakeapi"
	"github.com/holdlab/holdlab/fakeapi/sim"
)

// requestKinds maps the requests a fault step names to the method and
// path pattern of a fakeapi.Fault.
var requestKinds = map[string]fakeapi.Fault{
	"call update":        {Method: "POST", Path: "/2010-04-01/Accounts/*/Calls/*"},
	"call creation":      {Method: "POST", Path: "/2010-04-01/Accounts/*/Calls.json"},
	"participant update": {Method: "POST", Path: "/2010-04-01/Accounts/*/Conferences/*/Participants/*"},
	"participant":        {Method: "POST", Path: "/2010-04-01/Accounts/*/Conferences/*/Participants.json"},
}

// requestKind matches the request kinds of the fault steps, singular or
// plural. There is no "any request" kind: the steps' own look-ups (which
// calls a role has) go through the REST API too.
const requestKind = `(call update|call creation|participant update|participant)s?`

// faultSteps adds the steps that make the fake misbehave on purpose, so
// that a scenario can test how an app copes: rate limits, server errors,
// slow answers, dropped connections, busy or silent phones, lines that
// drop. They need the fake: on Twilio they are not observable.
func (w *world) faultSteps(l *stepList) {
	l.section("Faults on demand")
	l.add(`^Twilio answers the next (\d+) `+requestKind+` with (\d+)$`, "Twilio answers the next 2 call updates with 429", func(n int, kind string, status int) error {
		return w.injectFault(kind, fakeapi.Fault{Status: status, Times: n})
	})
	l.add(`^Twilio answers every `+requestKind+` with (\d+)$`, "Twilio answers every participant update with 500", func(kind string, status int) error {
		return w.injectFault(kind, fakeapi.Fault{Status: status})
	})
	l.add(`^Twilio takes (\d+) seconds to answer the next (\d+) `+requestKind+`$`, "Twilio takes 20 seconds to answer the next 1 call update", func(secs, n int, kind string) error {
		return w.injectFault(kind, fakeapi.Fault{Latency: time.Duration(secs) * time.Second, Times: n})
	})
	l.add(`^Twilio drops the connection of the next (\d+) `+requestKind+`$`, "Twilio drops the connection of the next 1 call creation", func(n int, kind string) error {
		return w.injectFault(kind, fakeapi.Fault{Drop: true, Times: n})
	})
	l.add(`^Twilio works normally again$`, "Twilio works normally again", w.clearFaults)
	l.add(`^the app's request got no answer$`, "the app's request got no answer", w.noAnswer)
	l.add(`^the (customer|agent|supervisor)'s phone (is busy|does not answer|cannot be reached)$`, "the agent's phone is busy", w.phoneFails)
	l.add(`^the (customer|agent|supervisor)'s line drops$`, "the customer's line drops", w.hangUp)
}

// faults returns the scenario's backend as a fault injector, or
// ErrNeedsFake on a target that cannot misbehave on purpose.
func (w *world) faults() (faultInjector, error) {
	fi, ok := w.be.(faultInjector)
	if !ok {
		return nil, fmt.Errorf("injecting faults: %w", ErrNeedsFake)
	}
	return fi, nil
}

// injectFault makes the fake answer requests of kind as ft says.
func (w *world) injectFault(kind string, ft fakeapi.Fault) error {
	fi, err := w.faults()
	if err != nil {
		return err
	}
	match, ok := requestKinds[kind]
	if !ok {
		return fmt.Errorf("unknown kind of request %q", kind)
	}
	ft.Method, ft.Path = match.Method, match.Path
	if err := fi.injectFault(ft); err != nil {
		return fmt.Errorf("inject a fault on %ss: %w", kind, err)
	}
	return nil
}

// clearFaults removes every injected fault.
func (w *world) clearFaults() error {
	fi, err := w.faults()
	if err != nil {
		return err
	}
	return fi.clearFaults()
}

// noAnswer checks that the app's last request failed without an answer
// from Twilio (a dropped connection), not with a Twilio error.
func (w *world) noAnswer() error {
	if w.lastErr == nil {
		return errors.New("the app's last request succeeded, want it to get no answer")
	}
	if code := restCode(w.lastErr); code != 0 {
		return fmt.Errorf("the app's last request got Twilio's error %d, want no answer at all", code)
	}
	return nil
}

// phoneFails scripts a role's phone to be busy, ring out, or be
// unreachable from now on.
func (w *world) phoneFails(role, how string) error {
	fi, err := w.faults()
	if err != nil {
		return err
	}
	answer := map[string]sim.Answer{"is busy": sim.AnswerBusy, "does not answer": sim.AnswerNoAnswer, "cannot be reached": sim.AnswerFail}[how]
	if err := fi.failPhone(role, answer); err != nil {
		return fmt.Errorf("script the %s's phone: %w", role, err)
	}
	return nil
}
