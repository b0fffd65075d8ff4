package fakeapi

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
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
	// WebhookConcurrency bounds the webhooks in flight at once with
	// ClockReal (default DefaultWebhookConcurrency); the others wait their
	// turn, in the order the engine emitted them. With ClockManual
	// webhooks are performed one at a time, in order, and this is unused.
	WebhookConcurrency int
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
	// APIKeys are API keys the account has from the start (keys.go): their
	// SID and secret authenticate requests as the account's credentials
	// do. CreateAPIKey and POST /Keys.json make more.
	APIKeys []APIKey
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
//
// With ClockManual it is deterministic: a request, or Advance, runs
// everything it makes due, webhooks included, one at a time and in order,
// before it returns. With ClockReal virtual time is the wall clock and
// webhooks are performed concurrently, never holding anything up (see
// drive_real.go).
type Fake struct {
	opts    Options
	handler http.Handler
	log     *slog.Logger

	// The client of the webhooks not sent straight to an app, and its
	// transport: part of the fake, not allocated apart.
	webhook http.Client
	hosts   hostRouter

	mu      sync.Mutex
	eng     *sim.Engine
	driving bool               // ClockManual: a goroutine is running the engine
	target  time.Time          // ClockManual: virtual time the engine should reach
	wallT0  time.Time          // ClockReal: wall time at virtual start
	pool    webhookPool        // ClockReal: the webhooks in flight (drive_real.go)
	wake    chan struct{}      // ClockReal: wakes the clock's goroutine
	stop    context.CancelFunc // ClockReal: cancels the pool's context
	done    chan struct{}      // closed when the clock's goroutine is done
	closing sync.Once

	// ClockManual: the driver has performed a webhook and waits for mu to
	// deliver its answer (driverWaits); driverBack, on mu, tells when it
	// has it (awaitDriverLocked).
	driverWaits atomic.Bool
	driverBack  sync.Cond

	faults  faultSet // injected faults (faults.go); own lock
	keys    keyStore // API keys (keys.go); own lock
	events  eventHub // the event stream's readers (control_events.go); own lock
	session string   // tells this fake from others served in turn (Session)

	formApps formApps // the in-process apps that parse their form (appform.go)
	// appTLS is the TLS state of each in-process app's https requests,
	// shared by its requests as a real server's keep-alive connection
	// shares it (read-only after New).
	appTLS []appTLS
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
	if opts.WebhookConcurrency <= 0 {
		opts.WebhookConcurrency = DefaultWebhookConcurrency
	}
	if opts.Logger == nil {
		opts.Logger = discardLogger
	}
	if opts.Start.IsZero() && opts.Clock == ClockReal {
		opts.Start = time.Now()
	}
	f := &Fake{
		opts: opts,
		log:  opts.Logger,
		stop: func() {},
		done: noClock,
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
		OnTrace:         f.events.poke,
	})
	f.session = newSession()
	f.target = f.eng.Now()
	f.wallT0 = time.Now()
	if err := f.keys.init(opts.Seed, opts.APIKeys, f.eng.Now()); err != nil {
		return nil, err
	}
	f.keys.account = basicAuthHeader(opts.AccountSid, opts.AuthToken)
	// No Client.Timeout: perform bounds each webhook with its context's
	// deadline, and a Timeout would start a second timer per request.
	f.hosts = hostRouter{apps: opts.Apps, next: opts.WebhookTransport}
	f.appTLS = appTLSStates(opts.Apps)
	f.webhook = http.Client{Transport: &f.hosts, CheckRedirect: webhook.CheckRedirect}
	f.driverBack.L = &f.mu
	f.handler = f.routes()
	f.pool = webhookPool{limit: opts.WebhookConcurrency}
	if opts.Clock == ClockReal {
		ctx, cancel := context.WithCancel(context.Background())
		f.stop, f.pool.ctx = cancel, ctx
		f.wake, f.done = make(chan struct{}, 1), make(chan struct{})
		go f.realClock(ctx)
	}
	return f, nil
}

// appTLS is the TLS state of an in-process app's https requests.
type appTLS struct {
	host  string // the app's key in Options.Apps
	state tls.ConnectionState
}

// appTLSStates returns the TLS state of the https requests to each of
// apps, its host without the port as the server name: in one allocation,
// looked up by tlsFor.
func appTLSStates(apps map[string]http.Handler) []appTLS {
	states := make([]appTLS, 0, len(apps))
	for host := range apps {
		name, _, _ := strings.Cut(host, ":")
		states = append(states, appTLS{host: host, state: tls.ConnectionState{HandshakeComplete: true, ServerName: name}})
	}
	return states
}

// tlsFor is the TLS state of the https requests to the app at host. A
// fake has a few apps at most: a scan is quicker than a map.
func (f *Fake) tlsFor(host string) *tls.ConnectionState {
	for i := range f.appTLS {
		if f.appTLS[i].host == host {
			return &f.appTLS[i].state
		}
	}
	return nil
}

// discardLogger is the logger of a fake without one: it drops every
// record without formatting it.
var discardLogger = slog.New(slog.DiscardHandler)

// noClock is the done channel of a fake without a clock's goroutine
// (ClockManual): closed from the start, and shared.
var noClock = func() chan struct{} {
	c := make(chan struct{})
	close(c)
	return c
}()

// Close stops the fake's real-time clock, if any. With ClockReal it also
// cancels the webhooks in flight, waits for them (a few seconds at most),
// and no webhook is performed after it. Calls in progress stay as they
// are.
func (f *Fake) Close() error {
	f.closing.Do(func() {
		f.events.close()
		f.stop()
		<-f.done
		f.mu.Lock()
		drained := f.closePoolLocked()
		f.mu.Unlock()
		if drained == nil {
			return
		}
		t := time.NewTimer(closeGrace)
		defer t.Stop()
		select {
		case <-drained:
		case <-t.C:
			f.log.Warn("webhooks still in flight after Close", "waited", closeGrace)
		}
	})
	return nil
}

// AccountSid returns the fake account's SID.
func (f *Fake) AccountSid() string { return f.opts.AccountSid }

// AuthToken returns the fake account's auth token.
func (f *Fake) AuthToken() string { return f.opts.AuthToken }

// Handler returns the fake's HTTP face: Twilio's REST API under
// /2010-04-01/ and holdlab's control API under /holdlab/.
func (f *Fake) Handler() http.Handler { return f.handler }

// Do runs fn with exclusive access to the engine. With ClockManual it then
// lets the engine run whatever fn made due, webhooks included, before it
// returns. With ClockReal fn runs at the wall clock's now, and Do returns
// once the engine has applied it: the webhooks it causes are performed
// concurrently, as Twilio performs them.
func (f *Fake) Do(fn func(e *sim.Engine) error) error {
	if f.opts.Clock == ClockReal {
		return f.doReal(fn)
	}
	f.mu.Lock()
	f.awaitDriverLocked()
	err := fn(f.eng)
	f.driveLocked()
	f.mu.Unlock()
	return err
}

// View runs fn with exclusive access to the engine. With ClockManual the
// engine does not run; with ClockReal it first catches up with the wall
// clock, so that fn sees now.
func (f *Fake) View(fn func(e *sim.Engine)) {
	if f.opts.Clock == ClockReal {
		f.viewReal(fn)
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	fn(f.eng)
}

// Advance moves virtual time forward by d, running every event and webhook
// due on the way. With ClockReal it shifts the clock ahead of the wall,
// and the webhooks due on the way are performed as usual, concurrently:
// time does not wait for them.
func (f *Fake) Advance(d time.Duration) {
	if d < 0 {
		d = 0
	}
	if f.opts.Clock == ClockReal {
		f.mu.Lock()
		f.wallT0 = f.wallT0.Add(-d)
		f.catchUpLocked()
		f.mu.Unlock()
		f.wakeClock()
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.target = f.maxTime(f.target, f.eng.Now()).Add(d)
	f.driveLocked()
}

// Now returns the current virtual time (with ClockReal, the wall clock's
// now, the engine caught up with it).
func (f *Fake) Now() time.Time {
	var now time.Time
	f.View(func(e *sim.Engine) { now = e.Now() })
	return now
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

// driveLocked runs the engine (see runLocked). ClockManual only.
func (f *Fake) driveLocked() { f.runLocked() }

// runLocked runs the engine up to the target time, performing effects one
// at a time, in order, with the lock released. If another goroutine is
// already running it, it only returns: that goroutine will see whatever the
// caller changed. f.mu must be held; it is held again on return.
// ClockManual only: with ClockReal see runRealLocked.
func (f *Fake) runLocked() {
	if f.driving {
		return
	}
	f.driving = true
	for {
		if eff := f.eng.NextEffect(); eff != nil {
			f.mu.Unlock()
			res := f.perform(context.Background(), eff)
			f.driverWaits.Store(true)
			f.mu.Lock()
			f.driverWaits.Store(false)
			f.driverBack.Broadcast()
			f.eng.Deliver(eff.ID, res)
			f.eng.Release(eff) // perform kept nothing of it
			continue
		}
		if !f.eng.Step(f.target) {
			break
		}
	}
	f.eng.SetNow(f.target)
	f.driving = false
}

// awaitDriverLocked lets the driver, if it waits for f.mu to deliver the
// answer to a webhook, have it first: with concurrent callers the driver
// performs every webhook, in order, so that it is what bounds their
// throughput, and sync.Mutex favours the callers arriving over a waiter
// woken up. Without this the driver falls behind and the webhooks not
// performed yet pile up. The driver never waits for it while an app's
// handler runs (perform), so that a handler calling the REST API back
// does not wait here. f.mu must be held; it is held again on return.
func (f *Fake) awaitDriverLocked() {
	for f.driverWaits.Load() {
		f.driverBack.Wait()
	}
}

// perform sends one webhook to the app and classifies its answer. It is
// bounded by parent (cancelled when the fake closes) and by the webhook
// timeout.
func (f *Fake) perform(parent context.Context, eff *sim.Effect) sim.Result {
	resp, ok := f.performDirect(parent, eff)
	if !ok {
		var ctx context.Context
		if parent.Done() == nil { // ClockManual's: the cheaper context (webhookctx.go)
			c := newWebhookContext(parent, f.opts.WebhookTimeout)
			defer c.cancel()
			ctx = c
		} else {
			c, cancel := context.WithTimeout(parent, f.opts.WebhookTimeout)
			defer cancel()
			ctx = c
		}
		req, err := webhook.Request{URL: eff.URL, Method: eff.Method, Params: eff.Params}.HTTPRequest(ctx, f.opts.AuthToken)
		if err != nil {
			return sim.Result{ErrCode: 11100, Err: err.Error()}
		}
		resp = webhook.Do(ctx, &f.webhook, req, maxWebhookBody)
	}
	r := sim.Result{StatusCode: resp.StatusCode, ContentType: resp.ContentType, Body: resp.Body, ErrCode: resp.ErrorCode()}
	if resp.Err != nil {
		r.Err = resp.Err.Error()
	} else if r.ErrCode != 0 {
		r.Err = fmt.Sprintf("HTTP %d", resp.StatusCode)
	}
	if r.ErrCode != 0 && parent.Err() == nil {
		f.log.Warn("webhook failed", "url", eff.URL, "purpose", eff.Purpose, "code", r.ErrCode, "err", r.Err)
	}
	return r
}

// maxWebhookBody bounds a TwiML answer (Twilio's limit is 64 kB).
const maxWebhookBody = 64 << 10

// sessions numbers the fakes of this process, for Session.
var sessions atomic.Uint64

// newSession names a new fake: unique in the process, and unlikely to be
// the name of another process's fake.
func newSession() string {
	return strconv.FormatInt(time.Now().UnixNano()%1e12, 36) + "-" + strconv.FormatUint(sessions.Add(1), 10)
}

// EndEventStreams ends the readers of GET /holdlab/events (each gets an
// end event) and refuses new ones; Close does it too. A server calls it
// when it shuts down: a stream never goes idle.
func (f *Fake) EndEventStreams() { f.events.close() }

// Protect wraps h so that it requires the account's credentials or one of
// its API keys, as every route of Handler does (HTTP Basic: a browser
// prompts for them). For pages served beside the fake's own routes.
func (f *Fake) Protect(h http.Handler) http.Handler { return f.authenticated(h) }
