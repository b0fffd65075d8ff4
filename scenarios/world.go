package scenarios

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/holdlab/holdlab/fakeapi"
	"github.com/holdlab/holdlab/fakeapi/sim"
	"github.com/holdlab/holdlab/strategies"
	"github.com/twilio/twilio-go/client"
	openapi "github.com/twilio/twilio-go/rest/api/v2010"
)

// The cast of every scenario.
const (
	SupportNumber = "+15550001000"
	AgentNumber   = "+15550002000"
	CustomerPhone = "+15550003000"
	Supervisor    = "+15550004000"
	// MusicURL is the hold music the strategies play.
	MusicURL = "https://cdn.holdlab.test/music.mp3"
	appHost  = "app.holdlab.test" // the strategies' webhooks, under /<strategy>/
	rawHost  = "raw.holdlab.test" // the raw TwiML of @platform scenarios
	cdnHost  = "cdn.holdlab.test" // audio files
	rawBase  = "https://" + rawHost
	settle   = 10 * time.Second // long enough for any phone to answer
)

// roles maps the people in the scenarios to their phones.
var roles = map[string]string{"customer": CustomerPhone, "agent": AgentNumber, "supervisor": Supervisor}

// world is one scenario's universe: a fresh fake, the app (a strategy, or
// raw TwiML for platform scenarios), and what the scenario has done so far.
type world struct {
	name  string              // strategy name, "platform" for none
	strat strategies.Strategy // nil on platform scenarios
	fake  *fakeapi.Fake
	api   *openapi.ApiService

	mu       sync.Mutex
	docs     map[string]string // raw app: path -> TwiML
	audio    map[string]bool   // raw app: paths that answer with audio
	received []received        // webhooks the raw app and the strategy received

	first     string // SID of the conversation's first leg
	inbound   bool
	lastErr   error  // the last strategy or REST error
	xfailNote string // set when an expected failure happened
}

// received is one webhook, as the app saw it.
type received struct {
	host   string
	path   string
	params url.Values
}

// setUp builds the fake and the app for one scenario.
func (w *world) setUp(name string, factory Factory) error {
	w.name, w.docs, w.audio = name, map[string]string{}, map[string]bool{}
	app := http.NewServeMux()
	cdn := http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		rw.Header().Set("Content-Type", "audio/mpeg")
		_, _ = io.WriteString(rw, "ID3")
	})
	f, err := fakeapi.New(fakeapi.Options{Apps: map[string]http.Handler{
		appHost: w.recording(app),
		rawHost: w.recording(http.HandlerFunc(w.serveRaw)),
		cdnHost: cdn,
	}})
	if err != nil {
		return fmt.Errorf("new fake: %w", err)
	}
	w.fake = f
	rc := f.RestClient()
	w.api = rc.Api
	if factory != nil {
		prefix := "/" + name
		s, err := factory(strategies.Config{
			BaseURL:       "https://" + appHost + prefix,
			Client:        rc,
			SupportNumber: SupportNumber,
			Agent:         AgentNumber,
			HoldMusicURL:  MusicURL,
		})
		if err != nil {
			return fmt.Errorf("strategy %s: %w", name, err)
		}
		w.strat = s
		app.Handle(prefix+"/", http.StripPrefix(prefix, s.Handler()))
	}
	for role, phone := range roles {
		if err := f.SetPhone(phone, sim.PhoneScript{Name: role}); err != nil {
			return err
		}
	}
	return nil
}

func (w *world) close() {
	if w.fake != nil {
		w.fake.Close()
	}
}

// recording wraps the app so every webhook it receives is kept.
func (w *world) recording(h http.Handler) http.Handler {
	return http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		if err := r.ParseForm(); err == nil {
			w.mu.Lock()
			w.received = append(w.received, received{host: r.Host, path: r.URL.Path, params: r.Form})
			w.mu.Unlock()
		}
		h.ServeHTTP(rw, r)
	})
}

// serveRaw answers the raw app's paths with the TwiML the scenario gave.
func (w *world) serveRaw(rw http.ResponseWriter, r *http.Request) {
	path := r.URL.Path
	w.mu.Lock()
	doc, ok := w.docs[path]
	audio := w.audio[path]
	w.mu.Unlock()
	switch {
	case audio:
		rw.Header().Set("Content-Type", "audio/mpeg")
		_, _ = io.WriteString(rw, "ID3")
	case ok:
		rw.Header().Set("Content-Type", "text/xml")
		_, _ = io.WriteString(rw, doc)
	default:
		rw.WriteHeader(http.StatusNoContent)
	}
}

// expand fills a scenario's TwiML placeholders.
func expand(doc string) string {
	return strings.NewReplacer("{agent}", AgentNumber, "{customer}", CustomerPhone, "{music}", MusicURL, "{support}", SupportNumber).Replace(doc)
}

// rawURL turns a path of the raw app into its URL.
func rawURL(path string) string { return rawBase + path }

// voiceURL is where the support number points: the strategy, or the raw app.
func (w *world) voiceURL() string {
	if w.strat != nil {
		return w.strat.VoiceURL()
	}
	return rawURL("/voice")
}

// claimSupportNumber makes the support number the account's, pointing at
// the app (once).
func (w *world) claimSupportNumber() error {
	nums, err := w.api.ListIncomingPhoneNumber(&openapi.ListIncomingPhoneNumberParams{PhoneNumber: ptr(SupportNumber)})
	if err != nil {
		return err
	}
	if len(nums) > 0 {
		return nil
	}
	_, err = w.api.CreateIncomingPhoneNumber(&openapi.CreateIncomingPhoneNumberParams{
		PhoneNumber: ptr(SupportNumber),
		VoiceUrl:    ptr(w.voiceURL()),
	})
	return err
}

// leg returns the SID of a role's current leg: its live call if it has
// one, else its latest. Legs are found through the REST API, as an app
// would: a role's legs are the calls to its phone, or from it.
func (w *world) leg(role string) (string, error) {
	phone, ok := roles[role]
	if !ok {
		return "", fmt.Errorf("unknown role %q", role)
	}
	to, err := w.api.ListCall(&openapi.ListCallParams{To: ptr(phone)})
	if err != nil {
		return "", err
	}
	from, err := w.api.ListCall(&openapi.ListCallParams{From: ptr(phone)})
	if err != nil {
		return "", err
	}
	var legs []openapi.ApiV2010Call
	for _, c := range append(to, from...) {
		// A call from the agent's number placed by a Dial is a leg to
		// someone else: only inbound calls count as "from" a phone.
		if *c.From == phone && *c.Direction != "inbound" {
			continue
		}
		legs = append(legs, c)
	}
	if len(legs) == 0 {
		return "", fmt.Errorf("the %s has no call", role)
	}
	sort.SliceStable(legs, func(i, j int) bool { return live(legs[i]) && !live(legs[j]) })
	return *legs[0].Sid, nil
}

func live(c openapi.ApiV2010Call) bool {
	switch *c.Status {
	case "queued", "ringing", "in-progress":
		return true
	}
	return false
}

// status fetches a role's leg status.
func (w *world) status(role string) (string, error) {
	sid, err := w.leg(role)
	if err != nil {
		return "", err
	}
	c, err := w.api.FetchCall(sid, nil)
	if err != nil {
		return "", err
	}
	return *c.Status, nil
}

// hears says what a role hears now.
func (w *world) hears(role string) (sim.Hearing, string, error) {
	sid, err := w.leg(role)
	if err != nil {
		return sim.Hearing{}, "", err
	}
	h, err := w.fake.Hears(sid)
	return h, sid, err
}

// isHoldMusic reports whether h is hold music: the strategies' music, or
// Twilio's default hold or wait music.
func isHoldMusic(h sim.Hearing) bool {
	if h.Kind != sim.HearMedia {
		return false
	}
	return h.Media == MusicURL || h.Source == "hold-music" || h.Source == "wait-music"
}

// requests returns the webhooks received at a raw-app path.
func (w *world) requests(path string) []received {
	w.mu.Lock()
	defer w.mu.Unlock()
	var out []received
	for _, r := range w.received {
		if r.host == rawHost && r.path == path {
			out = append(out, r)
		}
	}
	return out
}

// trace renders the scenario's trace, for failure messages.
func (w *world) trace() string {
	var b strings.Builder
	_ = w.fake.WriteTrace(&b)
	return b.String()
}

// restCode returns Twilio's error code in err, or 0.
func restCode(err error) int {
	var re *client.TwilioRestError
	if errors.As(err, &re) {
		return re.Code
	}
	return 0
}

var background = context.Background()

func ptr[T any](v T) *T { return &v }
