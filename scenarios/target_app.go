package scenarios

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/holdlab/holdlab/appdriver"
	"github.com/holdlab/holdlab/fakeapi"
	"github.com/holdlab/holdlab/fakeapi/wire"
	"github.com/holdlab/holdlab/strategies"
)

// AppConfig configures an AppTarget.
type AppConfig struct {
	// Addr is where the fake listens for the app: host:port, loopback
	// unless told otherwise. Default "127.0.0.1:0": any free port.
	Addr string
}

// AppTarget runs every scenario, like FakeTarget, on a fresh fake with a
// virtual clock, and serves it over HTTP so that an app in another process
// (any language, its Twilio SDK pointed at URL) uses it: the address and
// the credentials stay the same for the whole run while the fake behind
// them is new for each scenario. Each scenario's fake has its own seed, so
// no SID comes back in a later scenario to confuse an app that remembers
// calls.
//
// The clock is manual, as on FakeTarget: time moves when a step says so
// ("30 seconds pass", and the moment each step lets the platform act).
// Webhooks to the app are real HTTP requests, performed while the engine
// waits for their answers, and the app's REST requests are served at once:
// an app that finishes its REST requests before answering a webhook, or
// holdlab's action request, is observed exactly.
type AppTarget struct {
	ln     net.Listener
	srv    *http.Server
	served chan error
	hooks  *http.Transport // the webhooks to the app

	key fakeapi.APIKey // the API key the app may use, the same in every scenario

	seq atomic.Uint64
	cur atomic.Pointer[appScene]
}

// appScene is the scenario the listener serves now.
type appScene struct {
	f  *fakeapi.Fake
	rt http.RoundTripper // the fake in memory, recorded for the story
}

var _ Target = (*AppTarget)(nil)

// OpenApp starts serving. Close it when the run is over.
func OpenApp(cfg AppConfig) (*AppTarget, error) {
	if cfg.Addr == "" {
		cfg.Addr = "127.0.0.1:0"
	}
	key, err := fakeapi.NewAPIKey("holdlab app")
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return nil, fmt.Errorf("serve the fake for the app: %w", err)
	}
	t := &AppTarget{
		key:    key,
		ln:     ln,
		served: make(chan error, 1),
		hooks:  http.DefaultTransport.(*http.Transport).Clone(),
	}
	t.srv = &http.Server{Handler: http.HandlerFunc(t.serve), ReadHeaderTimeout: 10 * time.Second}
	go func() { t.served <- t.srv.Serve(ln) }()
	return t, nil
}

// Name implements Target: the app runs on the fake.
func (t *AppTarget) Name() string { return "fake" }

// URL is the fake's address, for the app's SDK: http://127.0.0.1:PORT.
func (t *AppTarget) URL() string { return "http://" + t.ln.Addr().String() }

// AccountSid and AuthToken are the account's credentials, the same in
// every scenario.
func (t *AppTarget) AccountSid() string { return fakeapi.DefaultAccountSid }

// AuthToken is the account's auth token: the app authenticates with it,
// and the fake signs webhooks with it.
func (t *AppTarget) AuthToken() string { return fakeapi.DefaultAuthToken }

// APIKey returns the API key (SID and secret) every scenario's fake accepts,
// as Twilio accepts an account's API keys.
func (t *AppTarget) APIKey() (sid, secret string) { return t.key.Sid, t.key.Secret }

// Close stops serving.
func (t *AppTarget) Close(ctx context.Context) error {
	t.cur.Store(nil)
	err := t.srv.Shutdown(ctx)
	if serr := <-t.served; serr != nil && !errors.Is(serr, http.ErrServerClosed) {
		err = errors.Join(err, serr)
	}
	t.hooks.CloseIdleConnections()
	if err != nil {
		return fmt.Errorf("stop serving the fake: %w", err)
	}
	return nil
}

// serve hands the app's request to the current scenario's fake, through
// the scenario's recorded transport.
func (t *AppTarget) serve(w http.ResponseWriter, r *http.Request) {
	sc := t.cur.Load()
	if sc == nil {
		wire.WriteError(w, &wire.Error{Status: http.StatusServiceUnavailable, Code: wire.CodeInternal,
			Message: "holdlab: no scenario is running: the fake is between scenarios"})
		return
	}
	out := r.Clone(r.Context())
	out.RequestURI = ""
	out.URL.Scheme, out.URL.Host = "http", r.Host
	resp, err := sc.rt.RoundTrip(out)
	switch {
	case errors.Is(err, fakeapi.ErrConnectionDropped):
		panic(http.ErrAbortHandler) // a fault drops the connection
	case err != nil:
		wire.WriteError(w, &wire.Error{Status: http.StatusBadGateway, Code: wire.CodeInternal, Message: "holdlab: " + err.Error()})
		return
	}
	defer resp.Body.Close()
	for k, vs := range resp.Header {
		w.Header()[k] = vs
	}
	w.WriteHeader(resp.StatusCode)
	_, _ = io.Copy(w, resp.Body)
}

func (t *AppTarget) newBackend(_ context.Context, a apps, wrap func(http.RoundTripper) http.RoundTripper) (backend, error) {
	seed := t.seq.Add(1)
	b, err := newFakeBackend(fakeapi.Options{Seed: seed, APIKeys: []fakeapi.APIKey{t.key}, WebhookTransport: observed(t.hooks, a.observe)}, a, wrap)
	if err != nil {
		return nil, err
	}
	sc := &appScene{f: b.f, rt: wrap(b.f.HTTPClient().Transport)}
	t.cur.Store(sc)
	return &appBackend{fakeBackend: b, t: t, sc: sc}, nil
}

// appBackend is the fake backend of one scenario, served to the app.
type appBackend struct {
	*fakeBackend
	t  *AppTarget
	sc *appScene
}

// close stops serving the scenario's fake, then ends it.
func (b *appBackend) close(ctx context.Context) error {
	b.t.cur.CompareAndSwap(b.sc, nil)
	return b.fakeBackend.close(ctx)
}

// observed wraps the webhooks' transport so that each webhook is shown to
// observe (the scenario's story) before it is sent.
func observed(next http.RoundTripper, observe func(*http.Request)) http.RoundTripper {
	if observe == nil {
		return next
	}
	return roundTripFunc(func(r *http.Request) (*http.Response, error) {
		var body []byte
		if r.Body != nil {
			var err error
			if body, err = io.ReadAll(r.Body); err != nil {
				return nil, fmt.Errorf("read the webhook's body: %w", err)
			}
			r.Body.Close()
		}
		seen := r.Clone(r.Context())
		seen.Body = io.NopCloser(bytes.NewReader(body))
		observe(seen)
		fwd := r.Clone(r.Context())
		if r.Body != nil {
			fwd.Body = io.NopCloser(bytes.NewReader(body))
			fwd.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }
		}
		return next.RoundTrip(fwd)
	})
}

// breathe gives the app a moment of real time, for what it does after it
// answered (a step that waits calls it between tries).
func (b *appBackend) breathe(ctx context.Context) error {
	t := time.NewTimer(50 * time.Millisecond)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// AppFactory makes the strategy of an app under test: its actions are
// HTTP requests to the app (package appdriver), with the cast's numbers.
func AppFactory(spec *appdriver.Spec) Factory {
	return func(c strategies.Config) (strategies.Strategy, error) {
		return appdriver.New(spec, appdriver.Options{Client: c.Client, Support: c.SupportNumber, Agent: c.Agent, Customer: FakeCast.Customer})
	}
}
