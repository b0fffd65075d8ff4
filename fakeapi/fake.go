package fakeapi

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/holdlab/holdlab/fakeapi/sim"
	"github.com/holdlab/holdlab/fakeapi/webhook"
	"github.com/holdlab/holdlab/fakeapi/wire"
)

// Default credentials of a fake account, used when Options leaves them
// empty. twilio-go accepts only alphanumeric credentials.
const (
	DefaultAccountSid = "AC00000000000000000000000000000000"
	DefaultAuthToken  = "00000000000000000000000000000000"
)

// ClockMode says how the fake's virtual time moves.
type ClockMode string

const (
	// ClockManual: virtual time moves only when told (Advance, or the
	// control API). Deterministic: the default in-process.
	ClockManual ClockMode = "manual"
	// ClockReal: virtual time follows the wall clock, so any SDK works with
	// no extra calls. The default of `holdlab serve`.
	ClockReal ClockMode = "real"
)

// Options configures a Fake.
type Options struct {
	// AccountSid and AuthToken are the account's credentials; requests must
	// carry them (HTTP Basic) and webhooks are signed with AuthToken.
	// Defaults: DefaultAccountSid and DefaultAuthToken.
	AccountSid string
	AuthToken  string
	// Clock is ClockManual (default) or ClockReal.
	Clock ClockMode
	// Start is the virtual start time (default sim.DefaultStart; with
	// ClockReal, the wall clock's now).
	Start time.Time
	// Seed makes SIDs reproducible.
	Seed uint64
	// Apps serves webhooks in-process, without sockets: a webhook to a URL
	// whose host (host:port as written in the URL) is a key here is handed
	// to that handler. Webhooks to other hosts are real HTTP requests.
	Apps map[string]http.Handler
	// WebhookTransport carries the webhooks not served by Apps. Default:
	// http.DefaultTransport.
	WebhookTransport http.RoundTripper
	// WebhookTimeout bounds every webhook. Default 15s, Twilio's documented
	// timeout (https://www.twilio.com/docs/voice/twiml).
	WebhookTimeout time.Duration
	// AnswerDelay is how long simulated phones ring before answering
	// (default 2s); MediaDuration the length of <Play> audio (default 30s).
	AnswerDelay   time.Duration
	MediaDuration time.Duration
	// Logger receives the trace at debug level and the fake's own events.
	Logger *slog.Logger
	// CheckInvariants makes the engine check its invariants after every
	// step and record what is broken; CheckInvariants reports it. For
	// tests: each check walks every call.
	CheckInvariants bool
	// TraceLimit bounds the trace to that many entries, and each call's
	// hearing history to that many intervals, forgetting the oldest
	// first (sim.Config.TraceLimit). 0, the default in-process: no bound.
	// `holdlab serve` sets 100,000 unless told (--trace-limit).
	TraceLimit int
}

// Fake is an in-process fake of Twilio's Voice REST API and platform. It is
// safe for concurrent use: one mutex guards the engine, and it is never held
// while a webhook is in flight, so an app's webhook handler may call the REST
// API back synchronously.
type Fake struct {
	opts    Options
	webhook *http.Client
	handler http.Handler
	log     *slog.Logger

	mu      sync.Mutex
	eng     *sim.Engine
	driving bool      // a goroutine is running the engine
	target  time.Time // virtual time the engine should reach
	wallT0  time.Time // ClockReal: wall time at virtual start
	wake    chan struct{}
	stop    context.CancelFunc
	done    chan struct{}

	faults faultSet // injected faults (faults.go); own lock
}

// New returns a running fake. Call Close when done with it.
func New(opts Options) (*Fake, error) {
	if opts.AccountSid == "" {
		opts.AccountSid = DefaultAccountSid
	}
	if opts.AuthToken == "" {
		opts.AuthToken = DefaultAuthToken
	}
	if !wire.ValidSID("AC", opts.AccountSid) {
		return nil, fmt.Errorf("fakeapi: account SID %q is not AC followed by 32 hex digits", opts.AccountSid)
	}
	switch opts.Clock {
	case "":
		opts.Clock = ClockManual
	case ClockManual, ClockReal:
	default:
		return nil, fmt.Errorf("fakeapi: unknown clock mode %q (want manual or real)", opts.Clock)
	}
	if opts.WebhookTimeout <= 0 {
		opts.WebhookTimeout = 15 * time.Second
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if opts.Start.IsZero() && opts.Clock == ClockReal {
		opts.Start = time.Now()
	}
	f := &Fake{
		opts: opts,
		log:  opts.Logger,
		wake: make(chan struct{}, 1),
		done: make(chan struct{}),
	}
	f.eng = sim.New(sim.Config{
		AccountSid:    opts.AccountSid,
		Start:         opts.Start,
		Seed:          opts.Seed,
		AnswerDelay:   opts.AnswerDelay,
		MediaDuration: opts.MediaDuration,
		Logger:        opts.Logger,

		CheckInvariants: opts.CheckInvariants,
		TraceLimit:      opts.TraceLimit,
	})
	f.target = f.eng.Now()
	f.wallT0 = time.Now()
	// No Client.Timeout: perform bounds each webhook with its context's
	// deadline, and a Timeout would start a second timer per request.
	f.webhook = &http.Client{
		Transport:     &hostRouter{apps: opts.Apps, next: opts.WebhookTransport},
		CheckRedirect: webhook.CheckRedirect,
	}
	f.handler = f.routes()
	ctx, cancel := context.WithCancel(context.Background())
	f.stop = cancel
	if opts.Clock == ClockReal {
		go f.realClock(ctx)
	} else {
		close(f.done)
	}
	return f, nil
}

// Close stops the fake's real-time clock, if any. Calls in progress stay
// as they are.
func (f *Fake) Close() error {
	f.stop()
	<-f.done
	return nil
}

// AccountSid returns the fake account's SID.
func (f *Fake) AccountSid() string { return f.opts.AccountSid }

// AuthToken returns the fake account's auth token.
func (f *Fake) AuthToken() string { return f.opts.AuthToken }

// Handler returns the fake's HTTP face: Twilio's REST API under
// /2010-04-01/ and holdlab's control API under /holdlab/.
func (f *Fake) Handler() http.Handler { return f.handler }

// Do runs fn with exclusive access to the engine, then lets the engine run
// whatever fn made due (webhooks included) before it returns.
func (f *Fake) Do(fn func(e *sim.Engine) error) error {
	f.mu.Lock()
	err := fn(f.eng)
	f.driveRequestLocked()
	f.mu.Unlock()
	return err
}

// View runs fn with exclusive access to the engine, without running it.
func (f *Fake) View(fn func(e *sim.Engine)) {
	f.mu.Lock()
	defer f.mu.Unlock()
	fn(f.eng)
}

// Advance moves virtual time forward by d, running every event and webhook
// due on the way. With ClockReal it shifts the clock ahead of the wall.
func (f *Fake) Advance(d time.Duration) {
	if d < 0 {
		d = 0
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.opts.Clock == ClockReal {
		f.wallT0 = f.wallT0.Add(-d)
	}
	f.target = f.maxTime(f.target, f.eng.Now()).Add(d)
	f.driveLocked()
}

// Now returns the current virtual time.
func (f *Fake) Now() time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.eng.Now()
}

// CheckInvariants returns every engine invariant that is broken now (see
// sim.Engine.CheckInvariants) and, with Options.CheckInvariants, every one
// found broken after a step so far; nil when the state was always
// consistent. A violation is a holdlab bug: please report it with the
// trace.
func (f *Fake) CheckInvariants() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	return errors.Join(f.eng.Violations(), f.eng.CheckInvariants())
}

func (f *Fake) maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

// driveLocked runs the engine (see runLocked) and wakes the real-time
// clock, whose next deadline may have changed.
func (f *Fake) driveLocked() {
	f.runLocked()
	select {
	case f.wake <- struct{}{}:
	default:
	}
}

// runLocked runs the engine up to the target time, performing effects with
// the lock released. If another goroutine is already running it, it only
// returns: that goroutine will see whatever the caller changed. f.mu must be
// held; it is held again on return.
func (f *Fake) runLocked() { f.runLockedFor(0) }

// runLockedFor is runLocked performing at most budget effects (0: no limit);
// it then stops driving, leaving the rest to another goroutine (see
// driveRequestLocked), and reports that it did.
func (f *Fake) runLockedFor(budget int) (handedOff bool) {
	if f.opts.Clock == ClockReal {
		f.target = f.maxTime(f.target, f.opts.Start.Add(time.Since(f.wallT0)))
	}
	if f.driving {
		return false
	}
	f.driving = true
	performed := 0
	for {
		if budget > 0 && performed >= budget && f.eng.PendingEffects() > 0 {
			f.driving = false
			return true
		}
		if eff := f.eng.NextEffect(); eff != nil {
			performed++
			f.mu.Unlock()
			res := f.perform(eff)
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
	return false
}

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

// perform sends one webhook to the app and classifies its answer.
func (f *Fake) perform(eff *sim.Effect) sim.Result {
	ctx, cancel := context.WithTimeout(context.Background(), f.opts.WebhookTimeout)
	defer cancel()
	req, err := webhook.Request{URL: eff.URL, Method: eff.Method, Params: eff.Params}.HTTPRequest(ctx, f.opts.AuthToken)
	if err != nil {
		return sim.Result{ErrCode: 11100, Err: err.Error()}
	}
	resp := webhook.Do(ctx, f.webhook, req, maxWebhookBody)
	r := sim.Result{StatusCode: resp.StatusCode, ContentType: resp.ContentType, Body: resp.Body, ErrCode: resp.ErrorCode()}
	if resp.Err != nil {
		r.Err = resp.Err.Error()
	} else if r.ErrCode != 0 {
		r.Err = fmt.Sprintf("HTTP %d", resp.StatusCode)
	}
	if r.ErrCode != 0 {
		f.log.Warn("webhook failed", "url", eff.URL, "purpose", eff.Purpose, "code", r.ErrCode, "err", r.Err)
	}
	return r
}

// maxWebhookBody bounds a TwiML answer (Twilio's limit is 64 kB).
const maxWebhookBody = 64 << 10

// realClock lets virtual time follow the wall clock: it sleeps until the
// next event is due (or until woken by a change) and runs the engine.
func (f *Fake) realClock(ctx context.Context) {
	defer close(f.done)
	timer := time.NewTimer(time.Hour)
	defer timer.Stop()
	for {
		f.mu.Lock()
		f.runLocked()
		next, ok := f.eng.NextEvent()
		wait := time.Hour
		if ok {
			wait = next.Sub(f.opts.Start.Add(time.Since(f.wallT0)))
		}
		f.mu.Unlock()
		if wait < 0 {
			wait = 0
		}
		timer.Reset(wait)
		select {
		case <-ctx.Done():
			return
		case <-timer.C:
		case <-f.wake:
			if !timer.Stop() {
				select {
				case <-timer.C:
				default:
				}
			}
		}
	}
}
