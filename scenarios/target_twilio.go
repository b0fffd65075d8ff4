package scenarios

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	openapi "github.com/twilio/twilio-go/rest/api/v2010"
)

// TwilioMusicURL is the hold music on Twilio by default: an audio file
// Twilio hosts for its own examples.
const TwilioMusicURL = "https://demo.twilio.com/docs/classic.mp3"

// TwilioConfig configures runs against Twilio's REST API: real Twilio by
// default, or anything that speaks its API at APIBase (such as `holdlab
// serve`). Fake and real runs differ only in APIBase, the credentials and
// PublicURL.
type TwilioConfig struct {
	Credentials
	// APIBase replaces https://api.twilio.com (scheme and host), e.g. the
	// address of `holdlab serve`. Empty: real Twilio.
	APIBase string
	// PublicURL is where Twilio reaches Listen, e.g. an https tunnel
	// (https://abc.ngrok.app) to it. Its path, if any, is the prefix the
	// tunnel keeps.
	PublicURL string
	// Listen is the local address holdlab serves the webhooks on
	// (127.0.0.1:8089).
	Listen string
	// Cast is the numbers to use. Support, Agent and Customer are required;
	// Supervisor is optional (scenarios with a supervisor need it). Numbers
	// the account owns are pointed at holdlab for the run and restored
	// afterwards; the support number must be one of them.
	Cast Cast
	// MusicURL is the hold music (default TwilioMusicURL).
	MusicURL string
	// MaxWait bounds the real wait of one "N seconds pass" step (default
	// 2m): a longer wait is cut short and reported as not observable.
	MaxWait time.Duration
	// ActionDelay is how long a step waits after it acted, for Twilio's
	// webhooks to run (default 1s); SettleTimeout bounds the wait for
	// ringing calls to be answered (default 30s); EventuallyTimeout bounds
	// how long a check of REST state is retried (default 10s).
	ActionDelay       time.Duration
	SettleTimeout     time.Duration
	EventuallyTimeout time.Duration
	// Logger receives what the target does. Default: discard.
	Logger *slog.Logger
}

// Validate checks the configuration without contacting anything.
func (c TwilioConfig) Validate() error { return c.defaults() }

func (c *TwilioConfig) defaults() error {
	if err := c.Credentials.validate(); err != nil {
		return err
	}
	if c.PublicURL == "" {
		return errors.New("a public URL at which Twilio can reach holdlab's webhooks is required (--public-url)")
	}
	u, err := url.Parse(c.PublicURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("public URL %q must be an absolute http(s) URL", c.PublicURL)
	}
	c.PublicURL = strings.TrimSuffix(c.PublicURL, "/")
	if c.Listen == "" {
		return errors.New("a local address to serve the webhooks on is required (--listen)")
	}
	if c.Cast.Support == "" || c.Cast.Agent == "" || c.Cast.Customer == "" {
		return errors.New("the support, agent and customer numbers are required")
	}
	seen := map[string]string{}
	for role, n := range map[string]string{"support": c.Cast.Support, "agent": c.Cast.Agent, "customer": c.Cast.Customer, "supervisor": c.Cast.Supervisor} {
		if n == "" {
			continue
		}
		if !strings.HasPrefix(n, "+") {
			return fmt.Errorf("the %s number %q must be in E.164 form (+15551234567)", role, n)
		}
		if other, dup := seen[n]; dup {
			return fmt.Errorf("the %s and %s numbers are the same (%s)", role, other, n)
		}
		seen[n] = role
	}
	if c.MusicURL == "" {
		c.MusicURL = TwilioMusicURL
	}
	if c.MaxWait <= 0 {
		c.MaxWait = 2 * time.Minute
	}
	if c.ActionDelay <= 0 {
		c.ActionDelay = time.Second
	}
	if c.SettleTimeout <= 0 {
		c.SettleTimeout = 30 * time.Second
	}
	if c.EventuallyTimeout <= 0 {
		c.EventuallyTimeout = 10 * time.Second
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	return nil
}

// TwilioTarget runs scenarios against Twilio. OpenTwilio points the cast's
// numbers at holdlab and starts the webhook listener; Close hangs up what
// is still live and restores the numbers. Scenarios run one at a time.
type TwilioTarget struct {
	cfg   TwilioConfig
	log   *slog.Logger
	rc    *openapi.ApiService // holdlab's own requests
	creds Credentials

	numbers  []*savedNumber
	external map[string]bool // roles whose phone is not the account's
	support  *savedNumber

	ln     net.Listener
	srv    *http.Server
	served chan error

	seq     atomic.Int64
	current atomic.Pointer[twilioScene]

	closeOnce sync.Once
	closeErr  error
}

// OpenTwilio checks the configuration, points the cast's numbers at
// holdlab and starts serving webhooks. On any error it undoes what it did.
// The caller must Close the target, also when interrupted.
func OpenTwilio(ctx context.Context, cfg TwilioConfig) (*TwilioTarget, error) {
	if err := cfg.defaults(); err != nil {
		return nil, fmt.Errorf("twilio target: %w", err)
	}
	rc, err := newRestClient(cfg.Credentials, cfg.APIBase, nil)
	if err != nil {
		return nil, fmt.Errorf("twilio target: %w", err)
	}
	t := &TwilioTarget{cfg: cfg, log: cfg.Logger, rc: rc, creds: cfg.Credentials, external: map[string]bool{}, served: make(chan error, 1)}
	if err := t.listen(); err != nil {
		return nil, fmt.Errorf("twilio target: %w", err)
	}
	if err := t.provision(ctx); err != nil {
		cleanup, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Minute)
		defer cancel()
		return nil, errors.Join(fmt.Errorf("twilio target: %w", err), t.Close(cleanup))
	}
	t.log.Info("twilio target ready", "api", t.apiBase(), "public_url", cfg.PublicURL, "listen", t.Addr())
	return t, nil
}

// Name implements Target.
func (t *TwilioTarget) Name() string { return "twilio" }

// Addr is the listener's address.
func (t *TwilioTarget) Addr() string { return t.ln.Addr().String() }

func (t *TwilioTarget) apiBase() string {
	if t.cfg.APIBase != "" {
		return t.cfg.APIBase
	}
	return "https://api.twilio.com"
}

// Config returns the configuration with its defaults filled in.
func (t *TwilioTarget) Config() TwilioConfig { return t.cfg }

// Close hangs up the live calls between the cast's numbers, restores every
// number's voice settings and stops the listener. It is safe to call more
// than once; ctx bounds it (give it a context that is not already
// canceled).
func (t *TwilioTarget) Close(ctx context.Context) error {
	t.closeOnce.Do(func() {
		// In this order: the calls end before the numbers change back.
		t.closeErr = errors.Join(t.hangUpAll(ctx, nil), t.restoreNumbers(), t.stopListening(ctx))
	})
	return t.closeErr
}

// liveCalls lists the live calls to or from the cast's numbers (the newest
// hundred of each number and status is plenty for a test run).
func (t *TwilioTarget) liveCalls() ([]openapi.ApiV2010Call, error) {
	var queries []*openapi.ListCallParams
	for _, n := range t.cfg.Cast.numbers() {
		for _, st := range []string{"queued", "ringing", "in-progress"} {
			queries = append(queries, &openapi.ListCallParams{To: ptr(n), Status: ptr(st), Limit: ptr(100)},
				&openapi.ListCallParams{From: ptr(n), Status: ptr(st), Limit: ptr(100)})
		}
	}
	out, err := listCalls(t.rc, queries)
	if err != nil {
		return nil, fmt.Errorf("list live calls: %w", err)
	}
	return out, nil
}

// listCalls runs the queries at once (each is a round trip to Twilio) and
// merges their calls, each once, in the order of the queries.
func listCalls(api *openapi.ApiService, queries []*openapi.ListCallParams) ([]openapi.ApiV2010Call, error) {
	results := make([][]openapi.ApiV2010Call, len(queries))
	errs := make([]error, len(queries))
	var wg sync.WaitGroup
	for i, q := range queries {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i], errs[i] = api.ListCall(q)
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	var out []openapi.ApiV2010Call
	for _, cs := range results {
		for _, c := range cs {
			if c.Sid != nil && !seen[*c.Sid] {
				seen[*c.Sid] = true
				out = append(out, c)
			}
		}
	}
	return out, nil
}

// hangUpAll ends the live calls of the cast's numbers that keep(call)
// selects (all when keep is nil), then waits, up to SettleTimeout, until
// they have ended.
func (t *TwilioTarget) hangUpAll(ctx context.Context, keep func(openapi.ApiV2010Call) bool) error {
	calls, err := t.liveCalls()
	if err != nil {
		return err
	}
	var errs []error
	n := 0
	for _, c := range calls {
		if keep != nil && !keep(c) {
			continue
		}
		n++
		if _, err := t.rc.UpdateCall(*c.Sid, &openapi.UpdateCallParams{Status: ptr("completed")}); err != nil && restCode(err) != 21220 && restCode(err) != 20404 {
			errs = append(errs, fmt.Errorf("hang up %s: %w", *c.Sid, err))
		}
	}
	if n == 0 || len(errs) > 0 {
		return errors.Join(errs...)
	}
	t.log.Info("hung up live calls", "count", n)
	return poll(ctx, t.cfg.SettleTimeout, 500*time.Millisecond, func() error {
		calls, err := t.liveCalls()
		if err != nil {
			return err
		}
		for _, c := range calls {
			if keep == nil || keep(c) {
				return fmt.Errorf("call %s is still %s", *c.Sid, *c.Status)
			}
		}
		return nil
	})
}
