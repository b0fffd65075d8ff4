package scenarios

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/holdlab/holdlab/fakeapi"
	"github.com/holdlab/holdlab/fakeapi/sim"
	openapi "github.com/twilio/twilio-go/rest/api/v2010"
)

// ErrNotObservable is what a step returns when it checks something the
// target cannot show: what a party hears, or the fake's trace. Real Twilio
// shows REST state, webhooks and statuses, never the audio. Such a step is
// reported as not observable, never as passed, and the scenario goes on.
var ErrNotObservable = errors.New("not observable on this target")

// ErrNeedsFake is what a step returns when it does something only the
// fake can do, such as scripting when a phone answers. The rest of the
// scenario would not mean what it says, so it is skipped and the scenario
// reported as not observable.
var ErrNeedsFake = fmt.Errorf("needs the fake: %w", ErrNotObservable)

// Cast is the phone numbers of a scenario's people.
type Cast struct {
	// Support is the account's number customers call.
	Support string
	// Agent, Customer and Supervisor are the people's phones. On the fake
	// they are simulated phones; on Twilio, numbers the account owns (so a
	// call to one is a real call that holdlab answers) or any phone that
	// answers.
	Agent, Customer, Supervisor string
}

// FakeCast is the cast of every scenario on the fake.
var FakeCast = Cast{Support: SupportNumber, Agent: AgentNumber, Customer: CustomerPhone, Supervisor: Supervisor}

// phone returns a role's number.
func (c Cast) phone(role string) (string, error) {
	var n string
	switch role {
	case "customer":
		n = c.Customer
	case "agent":
		n = c.Agent
	case "supervisor":
		n = c.Supervisor
	default:
		return "", fmt.Errorf("unknown role %q", role)
	}
	if n == "" {
		return "", fmt.Errorf("the %s has no phone number on this target: %w", role, ErrNeedsFake)
	}
	return n, nil
}

// names maps the cast's numbers to placeholders, for recordings.
func (c Cast) names() map[string]string {
	m := map[string]string{}
	for n, p := range map[string]string{c.Support: "{support}", c.Agent: "{agent}", c.Customer: "{customer}", c.Supervisor: "{supervisor}"} {
		if n != "" {
			m[n] = p
		}
	}
	return m
}

// numbers lists the cast's numbers that are set.
func (c Cast) numbers() []string {
	var out []string
	for _, n := range []string{c.Support, c.Agent, c.Customer, c.Supervisor} {
		if n != "" {
			out = append(out, n)
		}
	}
	return out
}

// has reports whether n is one of the cast's numbers.
func (c Cast) has(n string) bool {
	return n != "" && (n == c.Support || n == c.Agent || n == c.Customer || n == c.Supervisor)
}

// apps are the handlers a scenario's webhooks reach.
type apps struct {
	app http.Handler // the strategy, mounted under /<strategy>/
	raw http.Handler // the raw TwiML of @platform scenarios, at the root
	// observe is shown every webhook sent over the network (to an app
	// under test), for the scenario's story.
	observe func(*http.Request)
}

// Target is what the suite runs against: the in-process fake (the
// default, FakeTarget) or Twilio's REST API (OpenTwilio). A target makes
// one backend per scenario.
type Target interface {
	// Name is "fake" or "twilio".
	Name() string
	// newBackend sets up one scenario: its apps reachable by webhooks, and
	// a REST client whose transport is wrapped by wrap (for recording).
	newBackend(ctx context.Context, a apps, wrap func(http.RoundTripper) http.RoundTripper) (backend, error)
}

// backend is the Twilio one scenario runs against. The fake backend drives
// an in-process fake with a virtual clock; the twilio backend talks to
// Twilio's REST API (or anything at its base URL) and lets real time pass.
// Steps use nothing else, so a scenario means the same on both, except
// where a backend says ErrNotObservable or ErrNeedsFake.
type backend interface {
	// client is the REST client the strategy and the steps use.
	client() *openapi.ApiService
	cast() Cast
	// appBase and rawBase are the public URLs of the apps; musicURL is the
	// hold music.
	appBase() string
	rawBase() string
	musicURL() string
	// now is the backend's clock: virtual on the fake.
	now() time.Time

	// pointSupportLine makes the support number's VoiceUrl voiceURL.
	pointSupportLine(ctx context.Context, voiceURL string) error
	// placeCall has the phone at from call the account's number to, and
	// returns the SID of the inbound leg at to.
	placeCall(ctx context.Context, from, to string) (string, error)
	// settle lets the platform act on what a step did: the fake advances
	// d; Twilio waits a moment, then until no call rings (bounded).
	settle(ctx context.Context, d time.Duration) error
	// pass lets d of the scenario's time pass, and says how much did: all
	// of it on the fake; on Twilio, real time, at most its bound.
	pass(ctx context.Context, d time.Duration) (time.Duration, error)
	// eventually runs check until it passes or the backend's bound: once on
	// the fake, whose state is exact; polling on Twilio, whose state
	// settles.
	eventually(ctx context.Context, check func() error) error
	// hangUp makes a role's party hang up the call whose leg is leg.
	hangUp(ctx context.Context, role, leg string) error
	// setPhone scripts how long a role's phone rings before it answers
	// (ErrNeedsFake on Twilio).
	setPhone(role string, after time.Duration) error
	// calls lists the scenario's calls (on Twilio: the calls of the cast's
	// numbers made since the scenario began).
	calls(ctx context.Context) ([]openapi.ApiV2010Call, error)
	// handset reports whether c is a phone's own side of a call rather
	// than a leg the app sees: on Twilio, the inbound call at an agent's
	// or customer's number, or the call holdlab placed for a customer.
	handset(c openapi.ApiV2010Call) bool

	// hears, intervals and trace are the fake's view of the audio and its
	// trace: ErrNotObservable on Twilio.
	hears(sid string) (sim.Hearing, error)
	intervals(sid string) ([]sim.Interval, error)
	trace() (start time.Time, entries []sim.Entry, err error)

	// close ends the scenario: on Twilio it hangs up the calls still live.
	close(ctx context.Context) error
}

// faultInjector is a backend that can misbehave on purpose, so that a
// scenario can test how an app copes: the fake. Real Twilio cannot be made
// to, so the fault steps need the fake (ErrNeedsFake elsewhere).
type faultInjector interface {
	// injectFault makes the backend answer the requests ft matches as ft
	// says: an error status, a delay, or no answer at all.
	injectFault(ft fakeapi.Fault) error
	// clearFaults removes every injected fault.
	clearFaults() error
	// failPhone scripts a role's phone to answer as answer says (busy, no
	// answer, unreachable) from now on.
	failPhone(role string, answer sim.Answer) error
}

// live reports whether a call is still going.
func live(c openapi.ApiV2010Call) bool {
	if c.Status == nil {
		return false
	}
	switch *c.Status {
	case "queued", "ringing", "in-progress":
		return true
	}
	return false
}
