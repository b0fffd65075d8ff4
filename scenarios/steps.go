package scenarios

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/cucumber/godog"
	"github.com/holdlab/holdlab/fakeapi/sim"
	"github.com/holdlab/holdlab/strategies"
	openapi "github.com/twilio/twilio-go/rest/api/v2010"
)

// steps defines every step on the world, each with an example for the
// step reference (docs/steps.md). Steps are thin adapters over world
// methods; step texts are meant to be reused in users' own features.
func (w *world) steps() []stepDef {
	l := &stepList{}
	l.section("Setting up")
	l.add(`^the customer has called the support line and is talking to the agent$`, "the customer has called the support line and is talking to the agent", w.customerCalledAndTalking)
	l.add(`^the agent has called the customer and they are talking$`, "the agent has called the customer and they are talking", w.agentCalledAndTalking)
	l.add(`^the customer (?:has called|calls) the support line$`, "the customer calls the support line", w.customerCalls)
	l.addDoc(`^the support line answers with:$`, "the support line answers with:", "<Response><Dial>{agent}</Dial></Response>",
		func(doc *godog.DocString) error { return w.answer("/voice", doc) })
	l.addDoc(`^the app answers "([^"]*)" with:$`, `the app answers "/after" with:`, "<Response><Say>Goodbye</Say><Hangup/></Response>", w.answer)
	l.add(`^the app serves audio at "([^"]*)"$`, `the app serves audio at "/music.mp3"`, w.serveAudio)
	l.add(`^the agent's phone answers after (\d+) seconds$`, "the agent's phone answers after 3 seconds", w.agentAnswersAfter)

	l.section("Hold and unhold")
	l.add(`^the agent puts the (customer|agent) on hold$`, "the agent puts the customer on hold", w.hold)
	l.add(`^the (customer|agent) is put on hold$`, "the agent is put on hold", w.hold)
	l.add(`^the agent has put the (customer|agent) on hold$`, "the agent has put the customer on hold", w.mustHold)
	l.add(`^the agent takes the customer off hold$`, "the agent takes the customer off hold", w.unhold)
	l.add(`^the (?:customer|agent) is taken off hold$`, "the agent is taken off hold", w.unhold)
	l.add(`^the agent has taken the customer off hold$`, "the agent has taken the customer off hold", w.mustUnhold)
	l.add(`^the strategy reports no error$`, "the strategy reports no error", w.noError)
	l.add(`^the strategy reports that nobody is on hold$`, "the strategy reports that nobody is on hold", func() error { return w.errorIs(strategies.ErrNotHeld) })
	l.add(`^the strategy reports that the call has already ended$`, "the strategy reports that the call has already ended", func() error { return w.errorIs(strategies.ErrCallEnded) })

	l.section("Time and people")
	l.add(`^(\d+) (seconds?|minutes?|hours?) pass(?:es)?$`, "30 seconds pass", w.pass)
	l.add(`^the (customer|agent|supervisor) hangs up$`, "the customer hangs up", w.hangUp)
	l.add(`^the customer hangs up at the same moment as the agent takes the customer off hold$`, "the customer hangs up at the same moment as the agent takes the customer off hold", w.hangUpRacingUnhold)

	l.section("REST requests the app makes")
	l.add(`^the app redirects the (customer|agent)'s leg to "([^"]*)"$`, `the app redirects the customer's leg to "/music"`, w.redirect)
	l.add(`^the app hangs up the (customer|agent)'s leg$`, "the app hangs up the agent's leg", func(role string) error { return w.updateStatus(role, "completed") })
	l.add(`^the app cancels the (customer|agent)'s leg$`, "the app cancels the agent's leg", func(role string) error { return w.updateStatus(role, "canceled") })
	l.add(`^Twilio answers with error (\d+)$`, "Twilio answers with error 21220", w.lastErrorCode)

	l.section("Conferences")
	l.add(`^the agent has joined conference "([^"]*)"$`, `the agent has joined conference "room"`, func(room string) error { return w.addParticipant(room, "agent", false, "") })
	l.add(`^the agent has joined conference "([^"]*)" asking for the conference events "([^"]*)"$`, `the agent has joined conference "room" asking for the conference events "join leave"`, func(room, events string) error {
		return w.addParticipant(room, "agent", false, events)
	})
	l.add(`^the app has added the supervisor to conference "([^"]*)" with endConferenceOnExit$`, `the app has added the supervisor to conference "room" with endConferenceOnExit`, func(room string) error {
		return w.addParticipant(room, "supervisor", true, "")
	})
	l.add(`^the app holds the (customer|agent) in conference "([^"]*)" with hold music "([^"]*)"$`, `the app holds the customer in conference "room" with hold music "/music"`, w.holdParticipant)
	l.add(`^conference "([^"]*)" has (\d+) participants?$`, `conference "room" has 2 participants`, w.eventually(w.participantCount))
	l.add(`^the app (received|did not receive) a conference event "([^"]*)"$`, `the app received a conference event "participant-join"`, w.eventually(w.conferenceEvent))

	l.section("What is true")
	l.add(`^the (customer|agent) hears hold music$`, "the customer hears hold music", func(role string) error { return w.wantHears(role, "hold music", w.isHoldMusic) })
	l.add(`^the (customer|agent) hears silence$`, "the agent hears silence", func(role string) error {
		return w.wantHears(role, "silence", func(h sim.Hearing) bool { return h.Kind == sim.HearSilence })
	})
	l.add(`^the customer and the agent hear each other$`, "the customer and the agent hear each other", w.hearEachOther)
	l.add(`^the customer has heard hold music for the last (\d+) hours?$`, "the customer has heard hold music for the last 1 hour", w.heardMusicFor)
	l.add(`^the (customer|agent)'s call (is in progress|has ended|is ringing|has been canceled)$`, "the customer's call is in progress", w.eventually(w.wantCall))
	l.add(`^both calls are in progress$`, "both calls are in progress", w.eventually(func() error { return w.allCalls("in-progress") }))
	l.add(`^all calls have ended$`, "all calls have ended", w.eventually(func() error { return w.allCalls("ended") }))
	l.add(`^Twilio shows the customer on hold$`, "Twilio shows the customer on hold", w.eventually(func() error { return w.wantHeldInTwilio(true) }))
	l.add(`^nobody is on hold in Twilio$`, "nobody is on hold in Twilio", w.eventually(func() error { return w.wantHeldInTwilio(false) }))
	l.add(`^the app received "([^"]*)" with (\w+) "([^"]*)"$`, `the app received "/after" with DialCallStatus "completed"`, w.eventually(w.receivedWith))
	l.add(`^the trace shows error (\d+)$`, "the trace shows error 11200", w.traceShows)

	// Faults on demand (steps_faults.go), the pitfall catalogue
	// (steps_pitfalls.go), agents on the Voice SDK (steps_browser.go), the
	// steps that drive an app under test over HTTP (steps_app.go), and
	// recordings (steps_recordings.go).
	w.faultSteps(l)
	w.pitfallSteps(l)
	w.browserSteps(l)
	w.appSteps(l)
	w.recordingSteps(l)
	return l.defs
}

func (w *world) customerCalls() error {
	sid, err := w.be.placeCall(w.ctx, w.cast.Customer, w.cast.Support)
	if err != nil {
		return err
	}
	w.first, w.inbound = sid, true
	return w.be.settle(w.ctx, settle)
}

func (w *world) customerCalledAndTalking() error {
	if err := w.customerCalls(); err != nil {
		return err
	}
	return w.hearEachOther()
}

func (w *world) agentCalledAndTalking() error {
	if w.strat == nil {
		return errors.New("the agent needs a strategy to call the customer")
	}
	sid, err := w.strat.CallCustomer(w.ctx, w.cast.Customer)
	if err != nil {
		return err
	}
	w.first = sid
	if err := w.be.settle(w.ctx, settle); err != nil {
		return err
	}
	return w.hearEachOther()
}

func (w *world) answer(path string, doc *godog.DocString) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.docs[path] = w.expand(doc.Content)
	return nil
}

func (w *world) serveAudio(path string) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.audio[path] = true
	return nil
}

func (w *world) agentAnswersAfter(secs int) error {
	return w.be.setPhone("agent", time.Duration(secs)*time.Second)
}

func (w *world) needStrategy() error {
	if w.strat == nil {
		return errors.New("this step needs a strategy")
	}
	if w.first == "" {
		return errors.New("no call has been placed yet")
	}
	return nil
}

func (w *world) hold(role string) error {
	if err := w.needStrategy(); err != nil {
		return err
	}
	w.lastErr = w.strat.Hold(w.ctx, w.first, strategies.Party(role))
	return w.be.settle(w.ctx, time.Second)
}

func (w *world) mustHold(role string) error {
	if err := w.hold(role); err != nil {
		return err
	}
	if w.lastErr != nil {
		return fmt.Errorf("hold: %w", w.lastErr)
	}
	return w.wantHears(role, "hold music", w.isHoldMusic)
}

func (w *world) unhold() error {
	if err := w.needStrategy(); err != nil {
		return err
	}
	w.lastErr = w.strat.Unhold(w.ctx, w.first)
	return w.be.settle(w.ctx, time.Second)
}

func (w *world) mustUnhold() error {
	if err := w.unhold(); err != nil {
		return err
	}
	if w.lastErr != nil {
		return fmt.Errorf("unhold: %w", w.lastErr)
	}
	return w.hearEachOther()
}

func (w *world) noError() error {
	if w.lastErr != nil {
		return fmt.Errorf("the strategy reported: %w", w.lastErr)
	}
	return nil
}

func (w *world) errorIs(target error) error {
	if !errors.Is(w.lastErr, target) {
		return fmt.Errorf("the strategy reported %v, want %q", w.lastErr, target)
	}
	return nil
}

func (w *world) pass(n int, unit string) error {
	d := time.Second
	switch strings.TrimSuffix(unit, "s") {
	case "minute":
		d = time.Minute
	case "hour":
		d = time.Hour
	}
	want := time.Duration(n) * d
	got, err := w.be.pass(w.ctx, want)
	if err != nil {
		return err
	}
	if got < want {
		return fmt.Errorf("only %s of %s passed (this target waits in real time, at most %s a step): %w", got, want, got, ErrNotObservable)
	}
	return nil
}

func (w *world) hangUp(role string) error {
	sid, err := w.leg(role)
	if err != nil {
		return err
	}
	if err := w.be.hangUp(w.ctx, role, sid); err != nil {
		return err
	}
	return w.be.settle(w.ctx, time.Second)
}

// hangUpRacingUnhold: the customer hangs up, and in the same virtual
// instant the agent presses unhold.
func (w *world) hangUpRacingUnhold() error {
	if err := w.needStrategy(); err != nil {
		return err
	}
	sid, err := w.leg("customer")
	if err != nil {
		return err
	}
	if err := w.be.hangUp(w.ctx, "customer", sid); err != nil {
		return err
	}
	w.lastErr = w.strat.Unhold(w.ctx, w.first)
	return w.be.settle(w.ctx, time.Second)
}

func (w *world) redirect(role, path string) error {
	sid, err := w.leg(role)
	if err != nil {
		return err
	}
	_, w.lastErr = w.api.UpdateCall(sid, &openapi.UpdateCallParams{Url: ptr(w.rawURL(path))})
	return w.be.settle(w.ctx, time.Second)
}

func (w *world) updateStatus(role, status string) error {
	sid, err := w.leg(role)
	if err != nil {
		return err
	}
	_, w.lastErr = w.api.UpdateCall(sid, &openapi.UpdateCallParams{Status: ptr(status)})
	if w.lastErr != nil {
		return w.lastErr
	}
	return w.be.settle(w.ctx, time.Second)
}

func (w *world) lastErrorCode(code int) error {
	if got := restCode(w.lastErr); got != code {
		return fmt.Errorf("Twilio answered %v, want error %d", w.lastErr, code)
	}
	return nil
}

func (w *world) conference(room string) (string, error) {
	confs, err := w.api.ListConference(&openapi.ListConferenceParams{FriendlyName: ptr(room)})
	if err != nil {
		return "", err
	}
	if len(confs) == 0 {
		return "", fmt.Errorf("no conference %q", room)
	}
	return *confs[0].Sid, nil
}

func (w *world) addParticipant(room, role string, endOnExit bool, events string) error {
	phone, err := w.cast.phone(role)
	if err != nil {
		return err
	}
	p := &openapi.CreateParticipantParams{From: ptr(w.cast.Support), To: ptr(phone), Label: ptr(role)}
	if endOnExit {
		p.EndConferenceOnExit = ptr(true)
	}
	if events != "" {
		p.ConferenceStatusCallback = ptr(w.rawURL("/events"))
		p.ConferenceStatusCallbackEvent = ptr(strings.Fields(events))
	}
	if _, err := w.api.CreateParticipant(room, p); err != nil {
		return fmt.Errorf("add the %s: %w", role, err)
	}
	return w.be.settle(w.ctx, settle)
}

func (w *world) holdParticipant(role, room, path string) error {
	conf, err := w.conference(room)
	if err != nil {
		return err
	}
	sid, err := w.leg(role)
	if err != nil {
		return err
	}
	_, err = w.api.UpdateParticipant(conf, sid, &openapi.UpdateParticipantParams{Hold: ptr(true), HoldUrl: ptr(w.rawURL(path)), HoldMethod: ptr("GET")})
	if err != nil {
		return fmt.Errorf("hold the %s: %w", role, err)
	}
	return w.be.settle(w.ctx, time.Second)
}

func (w *world) participantCount(room string, n int) error {
	conf, err := w.conference(room)
	if err != nil {
		return err
	}
	ps, err := w.api.ListParticipant(conf, nil)
	if err != nil {
		return err
	}
	if len(ps) != n {
		return fmt.Errorf("conference %q has %d participants, want %d", room, len(ps), n)
	}
	return nil
}

func (w *world) conferenceEvent(verb, event string) error {
	got := false
	for _, r := range w.requests("/events") {
		if r.params.Get("StatusCallbackEvent") == event {
			got = true
		}
	}
	if want := verb == "received"; got != want {
		var seen []string
		for _, r := range w.requests("/events") {
			seen = append(seen, r.params.Get("StatusCallbackEvent"))
		}
		return fmt.Errorf("conference event %q received: %v, want %v (events seen: %v)", event, got, want, seen)
	}
	return nil
}

func (w *world) wantHears(role, what string, ok func(sim.Hearing) bool) error {
	h, sid, err := w.hears(role)
	if err != nil {
		return err
	}
	if !ok(h) {
		return fmt.Errorf("the %s (%s) hears %s, want %s", role, sid, h, what)
	}
	return nil
}

// hearEachOther checks that the customer and the agent hear each other.
// Where the target cannot tell what a party hears, it checks what it can
// (both calls in progress) and says the rest is not observable.
func (w *world) hearEachOther() error {
	c, cs, err := w.hears("customer")
	if errors.Is(err, ErrNotObservable) {
		if err := w.be.eventually(w.ctx, func() error { return w.allCalls("in-progress") }); err != nil {
			return err
		}
		return fmt.Errorf("both calls are in progress, but whether they hear each other is %w", ErrNotObservable)
	}
	if err != nil {
		return err
	}
	a, as, err := w.hears("agent")
	if err != nil {
		return err
	}
	if !hearsParty(c, as) || !hearsParty(a, cs) {
		return fmt.Errorf("the customer hears %s and the agent hears %s; want each to hear the other", c, a)
	}
	return nil
}

func hearsParty(h sim.Hearing, sid string) bool {
	if h.Kind != sim.HearParty {
		return false
	}
	for _, p := range h.Parties {
		if p == sid {
			return true
		}
	}
	return false
}

func (w *world) heardMusicFor(hours int) error {
	sid, err := w.leg("customer")
	if err != nil {
		return err
	}
	ivs, err := w.be.intervals(sid)
	if err != nil {
		return err
	}
	now := w.be.now()
	since := now.Add(-time.Duration(hours) * time.Hour)
	for i := len(ivs) - 1; i >= 0; i-- {
		iv := ivs[i]
		if !w.isHoldMusic(iv.Hearing) {
			return fmt.Errorf("at %s the customer heard %s", iv.Start.Format(time.TimeOnly), iv.Hearing)
		}
		if !iv.Start.After(since) {
			return nil
		}
	}
	return errors.New("the customer has not heard music that long")
}

func (w *world) wantCall(role, state string) error {
	st, err := w.status(role)
	if err != nil {
		return err
	}
	ok := false
	switch state {
	case "is in progress":
		ok = st == "in-progress"
	case "is ringing":
		ok = st == "ringing"
	case "has been canceled":
		ok = st == "canceled"
	case "has ended":
		ok = st != "queued" && st != "ringing" && st != "in-progress"
	}
	if !ok {
		return fmt.Errorf("the %s's call is %s; want it to be %s", role, st, strings.TrimPrefix(strings.TrimPrefix(state, "is "), "has "))
	}
	return nil
}

// allCalls checks every call of the scenario: all in progress, or all ended.
func (w *world) allCalls(want string) error {
	if want == "in-progress" {
		for _, role := range []string{"customer", "agent"} {
			if err := w.wantCall(role, "is in progress"); err != nil {
				return err
			}
		}
		return nil
	}
	calls, err := w.be.calls(w.ctx)
	if err != nil {
		return err
	}
	for _, c := range calls {
		if live(c) {
			return fmt.Errorf("call %s (%s -> %s) is still %s", *c.Sid, *c.From, *c.To, *c.Status)
		}
	}
	return nil
}

// wantHeldInTwilio checks hold as Twilio's REST API shows it: a conference
// participant with hold=true, or a call waiting in a queue.
func (w *world) wantHeldInTwilio(want bool) error {
	sid, err := w.leg("customer")
	if err != nil {
		return err
	}
	held, where, err := w.heldInTwilio(sid)
	if err != nil {
		return err
	}
	if held != want {
		if want {
			return fmt.Errorf("Twilio does not show the customer (%s) on hold: not a held participant, not in a queue", sid)
		}
		return fmt.Errorf("Twilio still shows the customer on hold (%s)", where)
	}
	return nil
}

func (w *world) heldInTwilio(sid string) (bool, string, error) {
	confs, err := w.api.ListConference(&openapi.ListConferenceParams{Status: ptr("in-progress")})
	if err != nil {
		return false, "", err
	}
	for _, c := range confs {
		p, err := w.api.FetchParticipant(*c.Sid, sid, nil)
		if err == nil && p.Hold != nil && *p.Hold {
			return true, "participant of " + *c.FriendlyName + " with hold=true", nil
		}
	}
	queues, err := w.api.ListQueue(nil)
	if err != nil {
		return false, "", err
	}
	for _, q := range queues {
		if _, err := w.api.FetchMember(*q.Sid, sid, nil); err == nil {
			return true, "member of queue " + *q.FriendlyName, nil
		}
	}
	return false, "", nil
}

func (w *world) receivedWith(path, param, value string) error {
	value = w.expand(value) // {customer}, {agent}, ... as in TwiML doc strings
	reqs := w.requests(path)
	if len(reqs) == 0 {
		return fmt.Errorf("the app received no request at %s", path)
	}
	var seen []string
	for _, r := range reqs {
		if r.params.Get(param) == value {
			return nil
		}
		seen = append(seen, param+"="+r.params.Get(param))
	}
	return fmt.Errorf("no request at %s had %s=%s (saw %v)", path, param, value, seen)
}

func (w *world) traceShows(code int) error {
	_, entries, err := w.be.trace()
	if err != nil {
		return err
	}
	for _, e := range entries {
		if e.Code == code {
			return nil
		}
	}
	return fmt.Errorf("the trace has no error %s", strconv.Itoa(code))
}
