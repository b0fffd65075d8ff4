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
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/holdlab/holdlab/fakeapi/sim"
	"github.com/twilio/twilio-go"
	"github.com/twilio/twilio-go/client"
	openapi "github.com/twilio/twilio-go/rest/api/v2010"
)

// TwilioMusicURL is the hold music on Twilio by default: an audio file
// Twilio hosts for its own examples.
const TwilioMusicURL = "https://demo.twilio.com/docs/classic.mp3"

// machinery is the path prefix of holdlab's own webhooks on the listener
// (the phones' keep-alive TwiML, the strategies' mount points).
const machinery = "/_holdlab"

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

// savedNumber is a number's voice settings before the run.
type savedNumber struct {
	role, number, sid     string
	voiceURL, voiceMethod string
	voiceApplicationSid   string
	pointedAt             string // where the run points it
	// hadApplication: its TwiML application was detached for the run;
	// changed: it must be restored; restored: it was.
	hadApplication, changed, restored bool
}

// TwilioTarget runs scenarios against Twilio. OpenTwilio points the cast's
// numbers at holdlab and starts the webhook listener; Close hangs up what
// is still live and restores the numbers. Scenarios run one at a time.
type TwilioTarget struct {
	cfg   TwilioConfig
	log   *slog.Logger
	rc    *twilio.RestClient // holdlab's own requests
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

// twilioScene is the scenario the listener serves now.
type twilioScene struct {
	seq  int64
	apps apps
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
	ln, err := net.Listen("tcp", cfg.Listen)
	if err != nil {
		return nil, fmt.Errorf("twilio target: listen: %w", err)
	}
	t.ln = ln
	t.srv = &http.Server{Handler: t.handler(), ReadHeaderTimeout: 10 * time.Second}
	go func() { t.served <- t.srv.Serve(ln) }()
	if err := t.provision(ctx); err != nil {
		cleanup, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Minute)
		defer cancel()
		return nil, errors.Join(fmt.Errorf("twilio target: %w", err), t.Close(cleanup))
	}
	t.log.Info("twilio target ready", "api", t.apiBase(), "public_url", cfg.PublicURL, "listen", ln.Addr().String())
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

// phoneURL is the keep-alive TwiML of a role's phone.
func (t *TwilioTarget) phoneURL(role string) string {
	return t.cfg.PublicURL + machinery + "/phone/" + role
}

// provision points every owned number of the cast at holdlab, remembering
// its settings.
func (t *TwilioTarget) provision(ctx context.Context) error {
	api := t.rc.Api
	roles := []struct{ role, number string }{
		{"support", t.cfg.Cast.Support}, {"agent", t.cfg.Cast.Agent},
		{"customer", t.cfg.Cast.Customer}, {"supervisor", t.cfg.Cast.Supervisor},
	}
	for _, r := range roles {
		if r.number == "" {
			continue
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		nums, err := api.ListIncomingPhoneNumber(&openapi.ListIncomingPhoneNumberParams{PhoneNumber: ptr(r.number), Limit: ptr(2)})
		if err != nil {
			return fmt.Errorf("look up the %s number %s: %w", r.role, r.number, err)
		}
		if len(nums) == 0 {
			if r.role == "support" {
				return fmt.Errorf("the support number %s is not one of the account's numbers", r.number)
			}
			t.external[r.role] = true
			t.log.Warn("not one of the account's numbers: calls to it ring whatever phone it is, and holdlab cannot answer them", "role", r.role, "number", r.number)
			continue
		}
		n := nums[0]
		s := &savedNumber{role: r.role, number: r.number, sid: deref(n.Sid), voiceURL: deref(n.VoiceUrl), voiceMethod: deref(n.VoiceMethod), voiceApplicationSid: deref(n.VoiceApplicationSid)}
		s.pointedAt = t.phoneURL(r.role)
		if r.role == "support" {
			s.pointedAt = t.cfg.PublicURL + machinery + "/idle"
			t.support = s
		}
		t.numbers = append(t.numbers, s)
		p := &openapi.UpdateIncomingPhoneNumberParams{VoiceUrl: ptr(s.pointedAt), VoiceMethod: ptr("POST")}
		if s.voiceApplicationSid != "" {
			// A number with a TwiML application ignores its VoiceUrl.
			p.VoiceApplicationSid = ptr("")
			s.hadApplication = true
		}
		s.changed = true // from here on, restore it even if the update fails half-way
		if _, err := api.UpdateIncomingPhoneNumber(s.sid, p); err != nil {
			return fmt.Errorf("point the %s number %s at holdlab: %w", r.role, r.number, err)
		}
		t.log.Info("number pointed at holdlab for the run", "role", r.role, "number", r.number, "voice_url", s.pointedAt, "was", s.voiceURL)
	}
	return nil
}

// Saved describes, for people, each number's settings before the run, so
// that they can be restored by hand if holdlab is killed.
func (t *TwilioTarget) Saved() []string {
	var out []string
	for _, s := range t.numbers {
		line := fmt.Sprintf("%s number %s (%s): VoiceUrl %q, VoiceMethod %s", s.role, s.number, s.sid, s.voiceURL, s.voiceMethod)
		if s.voiceApplicationSid != "" {
			line += ", VoiceApplicationSid " + s.voiceApplicationSid
		}
		out = append(out, line)
	}
	return out
}

// Close hangs up the live calls between the cast's numbers, restores every
// number's voice settings and stops the listener. It is safe to call more
// than once; ctx bounds it (give it a context that is not already
// canceled).
func (t *TwilioTarget) Close(ctx context.Context) error {
	t.closeOnce.Do(func() {
		var errs []error
		if err := t.hangUpAll(ctx, nil); err != nil {
			errs = append(errs, err)
		}
		for _, s := range t.numbers {
			if !s.changed || s.restored {
				continue
			}
			p := &openapi.UpdateIncomingPhoneNumberParams{VoiceUrl: ptr(s.voiceURL)}
			if s.voiceMethod != "" {
				p.VoiceMethod = ptr(s.voiceMethod)
			}
			if s.hadApplication {
				p.VoiceApplicationSid = ptr(s.voiceApplicationSid)
			}
			if _, err := t.rc.Api.UpdateIncomingPhoneNumber(s.sid, p); err != nil {
				errs = append(errs, fmt.Errorf("restore the %s number %s (VoiceUrl %q): %w", s.role, s.number, s.voiceURL, err))
				continue
			}
			s.restored = true
			t.log.Info("number restored", "role", s.role, "number", s.number, "voice_url", s.voiceURL)
		}
		if t.srv != nil {
			if err := t.srv.Shutdown(ctx); err != nil {
				errs = append(errs, fmt.Errorf("stop the webhook listener: %w", err))
			}
			if err := <-t.served; err != nil && !errors.Is(err, http.ErrServerClosed) {
				errs = append(errs, fmt.Errorf("webhook listener: %w", err))
			}
		}
		t.closeErr = errors.Join(errs...)
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
	out, err := listCalls(t.rc.Api, queries)
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
		if _, err := t.rc.Api.UpdateCall(*c.Sid, &openapi.UpdateCallParams{Status: ptr("completed")}); err != nil && restCode(err) != 21220 && restCode(err) != 20404 {
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

// handler serves the webhooks: the phones' keep-alive TwiML, the current
// scenario's strategy under /_holdlab/app/<scenario>/, and its raw TwiML
// at the root (raw TwiML uses root-relative URLs such as action="/after").
// Requests are checked against X-Twilio-Signature when the auth token is
// known.
func (t *TwilioTarget) handler() http.Handler {
	mux := http.NewServeMux()
	twiml := func(doc string) http.HandlerFunc {
		return func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "text/xml")
			_, _ = io.WriteString(w, doc)
		}
	}
	// A phone that answers and listens: its party never hangs up by
	// itself. An hour is longer than any run waits (MaxWait).
	mux.Handle(machinery+"/phone/{role}", twiml(keepOpenTwiML))
	mux.Handle(machinery+"/idle", twiml(`<Response><Say>holdlab is between scenarios.</Say><Hangup/></Response>`))
	mux.HandleFunc(machinery+"/app/{seq}/", func(w http.ResponseWriter, r *http.Request) {
		cur := t.current.Load()
		seq := r.PathValue("seq")
		if cur == nil || seq != strconv.FormatInt(cur.seq, 10) {
			// A late webhook of a scenario that is over.
			twiml(`<Response><Hangup/></Response>`)(w, r)
			return
		}
		http.StripPrefix(machinery+"/app/"+seq, cur.apps.app).ServeHTTP(w, r)
	})
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		cur := t.current.Load()
		if cur == nil || cur.apps.raw == nil {
			twiml(`<Response><Hangup/></Response>`)(w, r)
			return
		}
		cur.apps.raw.ServeHTTP(w, r)
	})
	var h http.Handler = mux
	u, _ := url.Parse(t.cfg.PublicURL)
	if p := strings.TrimSuffix(u.Path, "/"); p != "" {
		h = http.StripPrefix(p, h)
	}
	if t.creds.AuthToken != "" {
		h = t.verify(h, u.Scheme+"://"+u.Host)
	} else {
		t.log.Warn("webhooks are not checked against X-Twilio-Signature: that needs the auth token, not an API key")
	}
	return h
}

const keepOpenTwiML = `<Response><Pause length="3600"/></Response>`

// verify refuses webhooks whose X-Twilio-Signature is not Twilio's
// signature of the public URL: the listener is reachable from the internet
// through the tunnel.
func (t *TwilioTarget) verify(next http.Handler, origin string) http.Handler {
	v := client.NewRequestValidator(t.creds.AuthToken)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := r.ParseForm(); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		params := map[string]string{}
		for k, vs := range r.PostForm {
			if len(vs) > 0 {
				params[k] = vs[0]
			}
		}
		full := origin + r.URL.RequestURI()
		if !v.Validate(full, params, r.Header.Get("X-Twilio-Signature")) {
			t.log.Warn("webhook refused: bad X-Twilio-Signature", "url", full)
			http.Error(w, "bad signature", http.StatusForbidden)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// newBackend implements Target: the listener serves this scenario's apps
// from now on.
func (t *TwilioTarget) newBackend(ctx context.Context, a apps, wrap func(http.RoundTripper) http.RoundTripper) (backend, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	rc, err := newRestClient(t.creds, t.cfg.APIBase, wrap(http.DefaultTransport))
	if err != nil {
		return nil, err
	}
	seq := t.seq.Add(1)
	b := &twilioBackend{t: t, seq: seq, rc: rc, start: time.Now(), placed: map[string]bool{}, before: map[string]bool{}}
	// Calls that exist already are not the scenario's, whatever the clocks
	// of this machine and Twilio say.
	live, err := t.liveCalls()
	if err != nil {
		return nil, err
	}
	for _, c := range live {
		b.before[*c.Sid] = true
	}
	t.current.Store(&twilioScene{seq: seq, apps: a})
	return b, nil
}

// twilioBackend is one scenario against Twilio: real calls between the
// account's numbers, real time.
type twilioBackend struct {
	t     *TwilioTarget
	seq   int64
	rc    *twilio.RestClient
	start time.Time

	mu     sync.Mutex
	placed map[string]bool // calls holdlab placed as a customer's phone
	before map[string]bool // live calls that were there before the scenario
}

var _ backend = (*twilioBackend)(nil)

func (b *twilioBackend) client() *twilio.RestClient { return b.rc }
func (b *twilioBackend) cast() Cast                 { return b.t.cfg.Cast }
func (b *twilioBackend) appBase() string {
	return b.t.cfg.PublicURL + machinery + "/app/" + strconv.FormatInt(b.seq, 10)
}
func (b *twilioBackend) rawBase() string  { return b.t.cfg.PublicURL }
func (b *twilioBackend) musicURL() string { return b.t.cfg.MusicURL }
func (b *twilioBackend) now() time.Time   { return time.Now() }

func (b *twilioBackend) pointSupportLine(_ context.Context, voiceURL string) error {
	s := b.t.support
	if _, err := b.t.rc.Api.UpdateIncomingPhoneNumber(s.sid, &openapi.UpdateIncomingPhoneNumberParams{VoiceUrl: ptr(voiceURL), VoiceMethod: ptr("POST")}); err != nil {
		return fmt.Errorf("point the support number at the app: %w", err)
	}
	return nil
}

// placeCall places a call from the customer's number to the support
// number; its own TwiML keeps the customer's side listening. It returns the
// inbound leg at the support number: the call the app answers.
func (b *twilioBackend) placeCall(ctx context.Context, from, to string) (string, error) {
	api := b.t.rc.Api
	known := map[string]bool{}
	old, err := api.ListCall(&openapi.ListCallParams{From: ptr(from), To: ptr(to), Limit: ptr(20)})
	if err != nil {
		return "", fmt.Errorf("place a call: %w", err)
	}
	for _, c := range old {
		known[*c.Sid] = true
	}
	c, err := api.CreateCall(&openapi.CreateCallParams{From: ptr(from), To: ptr(to), Twiml: ptr(keepOpenTwiML)})
	if err != nil {
		return "", fmt.Errorf("place a call from %s to %s: %w", from, to, err)
	}
	b.mu.Lock()
	b.placed[*c.Sid] = true
	b.mu.Unlock()
	b.t.log.Info("placed a call as the customer's phone", "sid", *c.Sid, "from", from, "to", to)
	var inbound string
	err = poll(ctx, b.t.cfg.SettleTimeout, 250*time.Millisecond, func() error {
		cs, err := api.ListCall(&openapi.ListCallParams{From: ptr(from), To: ptr(to), Limit: ptr(20)})
		if err != nil {
			return err
		}
		for _, c := range cs {
			if !known[*c.Sid] && deref(c.Direction) == "inbound" {
				inbound = *c.Sid
				return nil
			}
		}
		return fmt.Errorf("no inbound call from %s reached %s", from, to)
	})
	if err != nil {
		return "", fmt.Errorf("place a call: %w", err)
	}
	return inbound, nil
}

func (b *twilioBackend) settle(ctx context.Context, d time.Duration) error {
	if err := wait(ctx, b.t.cfg.ActionDelay); err != nil {
		return err
	}
	bound := max(d, b.t.cfg.SettleTimeout)
	err := poll(ctx, bound, 500*time.Millisecond, func() error {
		calls, err := b.calls(ctx)
		if err != nil {
			return err
		}
		for _, c := range calls {
			if st := deref(c.Status); st == "queued" || st == "ringing" {
				return fmt.Errorf("call %s is still %s", *c.Sid, st)
			}
		}
		return nil
	})
	if err != nil && ctx.Err() == nil {
		// Still ringing after the bound: the steps will say what that means.
		b.t.log.Info("calls still ringing after settling", "err", err)
		return nil
	}
	return err
}

func (b *twilioBackend) pass(ctx context.Context, d time.Duration) (time.Duration, error) {
	d = min(d, b.t.cfg.MaxWait)
	return d, wait(ctx, d)
}

func (b *twilioBackend) eventually(ctx context.Context, check func() error) error {
	return poll(ctx, b.t.cfg.EventuallyTimeout, 250*time.Millisecond, check)
}

// hangUp ends the role's own side of the call: the call holdlab placed as
// the customer's phone, or the inbound call at the role's number, with
// Status=completed, as a person putting the phone down. Twilio then ends
// the leg the app sees. A phone that is not the account's is hung up at
// the leg itself.
func (b *twilioBackend) hangUp(ctx context.Context, role, leg string) error {
	api := b.t.rc.Api
	phone, err := b.cast().phone(role)
	if err != nil {
		return err
	}
	var targets []string
	if !b.t.external[role] {
		calls, err := b.calls(ctx)
		if err != nil {
			return err
		}
		for _, c := range calls {
			if deref(c.Status) == "in-progress" && b.handset(c) && (deref(c.To) == phone || deref(c.From) == phone) {
				targets = append(targets, *c.Sid)
			}
		}
	}
	if len(targets) == 0 {
		targets = []string{leg}
	}
	for _, sid := range targets {
		if _, err := api.UpdateCall(sid, &openapi.UpdateCallParams{Status: ptr("completed")}); err != nil {
			return fmt.Errorf("the %s cannot hang up: %w", role, err)
		}
	}
	return nil
}

func (b *twilioBackend) setPhone(role string, _ time.Duration) error {
	return fmt.Errorf("scripting when the %s's phone answers: %w", role, ErrNeedsFake)
}

// calls lists the calls of the cast's numbers that are the scenario's: not
// live before it began, and created since (with a minute's slack for the
// clocks of this machine and Twilio).
func (b *twilioBackend) calls(context.Context) ([]openapi.ApiV2010Call, error) {
	var queries []*openapi.ListCallParams
	for _, n := range b.cast().numbers() {
		queries = append(queries, &openapi.ListCallParams{To: ptr(n), Limit: ptr(50)}, &openapi.ListCallParams{From: ptr(n), Limit: ptr(50)})
	}
	all, err := listCalls(b.t.rc.Api, queries)
	if err != nil {
		return nil, fmt.Errorf("list the scenario's calls: %w", err)
	}
	since := b.start.Add(-time.Minute)
	var out []openapi.ApiV2010Call
	for _, c := range all {
		if b.before[*c.Sid] {
			continue
		}
		if created, err := time.Parse(time.RFC1123Z, deref(c.DateCreated)); err == nil && created.Before(since) {
			continue
		}
		out = append(out, c)
	}
	return out, nil
}

func (b *twilioBackend) handset(c openapi.ApiV2010Call) bool {
	b.mu.Lock()
	placed := b.placed[deref(c.Sid)]
	b.mu.Unlock()
	if placed {
		return true
	}
	cast := b.cast()
	to := deref(c.To)
	return deref(c.Direction) == "inbound" && to != cast.Support && cast.has(to)
}

func (b *twilioBackend) hears(string) (sim.Hearing, error) {
	return sim.Hearing{}, fmt.Errorf("what a party hears: %w", ErrNotObservable)
}

func (b *twilioBackend) intervals(string) ([]sim.Interval, error) {
	return nil, fmt.Errorf("what a party heard: %w", ErrNotObservable)
}

func (b *twilioBackend) trace() (time.Time, []sim.Entry, error) {
	return b.start, nil, fmt.Errorf("the trace: %w", ErrNotObservable)
}

// close hangs up the scenario's live calls and waits for them to end, so
// that the next scenario starts clean.
func (b *twilioBackend) close(ctx context.Context) error {
	defer b.t.current.Store(nil)
	return b.t.hangUpAll(ctx, func(c openapi.ApiV2010Call) bool { return !b.before[deref(c.Sid)] })
}

// wait waits d, or until ctx ends.
func wait(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-timer.C:
		return nil
	}
}

// poll runs check until it returns nil, every interval, for at most
// bound; it returns check's last error when the bound is reached, or ctx's
// error.
func poll(ctx context.Context, bound, interval time.Duration, check func() error) error {
	deadline := time.Now().Add(bound)
	for {
		err := check()
		if err == nil {
			return nil
		}
		left := time.Until(deadline)
		if left <= 0 {
			return err
		}
		if werr := wait(ctx, min(interval, left)); werr != nil {
			return errors.Join(werr, err)
		}
	}
}

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}
