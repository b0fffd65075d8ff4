package scenarios

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/holdlab/holdlab/appdriver"
	"github.com/holdlab/holdlab/fakeapi/sim"
	"github.com/holdlab/holdlab/scenarios/recording"
	"github.com/holdlab/holdlab/strategies"
	"github.com/twilio/twilio-go/client"
	openapi "github.com/twilio/twilio-go/rest/api/v2010"
)

// The cast of every scenario on the fake, and its hosts.
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

// world is one scenario's universe: a backend (a fresh fake, or Twilio),
// the app (a strategy, or raw TwiML for platform scenarios), and what the
// scenario has done so far.
type world struct {
	name   string              // strategy name, "platform" for none
	strat  strategies.Strategy // nil on platform scenarios
	app    *appdriver.Strategy // strat, when it is an app under test
	defs   []stepDef           // the steps, for steps that run another
	be     backend
	api    *openapi.ApiService // the recorded REST client's
	cast   Cast
	target string // the target's name: "fake" or "twilio"
	ctx    context.Context
	rec    *recording.Recorder

	step        string   // the step running now
	notObserved []string // steps the target could not observe, with why
	legsSeen    []string // call SIDs the steps looked at

	mu       sync.Mutex
	docs     map[string]string // raw app: path -> TwiML
	audio    map[string]bool   // raw app: paths that answer with audio
	sig      signatureCheck    // raw app: its X-Twilio-Signature check (steps_pitfalls.go)
	received []received        // webhooks the raw app and the strategy received

	first     string // SID of the conversation's first leg
	inbound   bool
	lastErr   error               // the last strategy or REST error
	appResp   *appdriver.Response // the app's last answer to a step's request
	recSid    string              // the recording the app started (steps_recordings.go)
	xfailNote string              // set when an expected failure happened
}

// received is one webhook, as the app saw it.
type received struct {
	raw    bool // the raw app's, not the strategy's
	path   string
	params url.Values
}

// setUp builds the backend and the app for one scenario, and points the
// support number at the app.
func (w *world) setUp(ctx context.Context, name string, factory Factory, target Target) error {
	w.ctx, w.name, w.docs, w.audio = ctx, name, map[string]string{}, map[string]bool{}
	w.target = target.Name()
	app := http.NewServeMux()
	// The recorder is made once the backend's clock exists; the REST
	// transport and the apps look it up at each request.
	a := apps{
		app:     w.recording(app, false),
		raw:     w.recording(http.HandlerFunc(w.serveRaw), true),
		observe: func(r *http.Request) { w.observe(r, false) },
	}
	b, err := target.newBackend(ctx, a, w.recordTransport)
	if err != nil {
		return err
	}
	w.be, w.cast = b, b.cast()
	rec := recording.NewRecorder(b.now)
	if m, ok := b.(interface{ traceMark() uint64 }); ok {
		rec.SetMark(m.traceMark)
	}
	w.mu.Lock()
	w.rec = rec
	w.mu.Unlock()
	w.api = b.client()
	if factory != nil {
		prefix := "/" + name
		s, err := factory(strategies.Config{
			BaseURL:       b.appBase() + prefix,
			Client:        w.api,
			SupportNumber: w.cast.Support,
			Agent:         w.cast.Agent,
			HoldMusicURL:  b.musicURL(),
			// A contact centre's requirement: no hold music in its
			// recordings (features/recording.feature).
			PauseRecordingOnHold: true,
		})
		if err != nil {
			return fmt.Errorf("strategy %s: %w", name, err)
		}
		w.strat = s
		w.app, _ = s.(*appdriver.Strategy)
		app.Handle(prefix+"/", http.StripPrefix(prefix, s.Handler()))
	}
	return b.pointSupportLine(ctx, w.voiceURL())
}

// close ends the scenario on its backend (on Twilio: hangs up what is
// still live). It runs even when the run was interrupted.
func (w *world) close() error {
	if w.be == nil {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(w.ctx), 2*time.Minute)
	defer cancel()
	return w.be.close(ctx)
}

// recorder returns the scenario's recorder (nil before the backend exists).
func (w *world) recorder() *recording.Recorder {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.rec
}

// recordTransport wraps the REST client's transport so that the requests
// that change something are recorded.
func (w *world) recordTransport(next http.RoundTripper) http.RoundTripper {
	return roundTripFunc(func(r *http.Request) (*http.Response, error) {
		if rec := w.recorder(); rec != nil {
			return rec.Transport(next).RoundTrip(r)
		}
		return next.RoundTrip(r)
	})
}

// recording wraps an app so every webhook it receives is kept, and
// recorded for the scenario's story. raw says it is the raw TwiML app.
func (w *world) recording(h http.Handler, raw bool) http.Handler {
	return http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		w.observe(r, raw)
		h.ServeHTTP(rw, r)
	})
}

// observe keeps a webhook, and records it for the scenario's story.
func (w *world) observe(r *http.Request, raw bool) {
	if err := r.ParseForm(); err != nil {
		return
	}
	if rec := w.recorder(); rec != nil {
		rec.Webhook(r)
	}
	w.mu.Lock()
	w.received = append(w.received, received{raw: raw, path: r.URL.Path, params: r.Form})
	w.mu.Unlock()
}

// serveRaw answers the raw app's paths with the TwiML the scenario gave.
func (w *world) serveRaw(rw http.ResponseWriter, r *http.Request) {
	if w.signatureRefused(r) {
		rw.WriteHeader(http.StatusForbidden)
		return
	}
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
func (w *world) expand(doc string) string {
	return strings.NewReplacer("{agent}", w.cast.Agent, "{customer}", w.cast.Customer, "{music}", w.be.musicURL(), "{support}", w.cast.Support).Replace(doc)
}

// rawURL turns a path of the raw app into its URL.
func (w *world) rawURL(path string) string { return w.be.rawBase() + path }

// voiceURL is where the support number points: the strategy, or the raw app.
func (w *world) voiceURL() string {
	if w.strat != nil {
		return w.strat.VoiceURL()
	}
	return w.rawURL("/voice")
}

// leg returns the SID of a role's current leg: its live call if it has
// one, else its latest. Legs are found through the REST API, as an app
// would: a role's legs are the calls to its phone, or from it, leaving out
// the phone's own side of a call on Twilio (see backend.handset).
func (w *world) leg(role string) (string, error) {
	phone, err := w.cast.phone(role)
	if err != nil {
		return "", err
	}
	calls, err := w.be.calls(w.ctx)
	if err != nil {
		return "", err
	}
	var legs []openapi.ApiV2010Call
	for _, c := range calls {
		from, to := deref(c.From), deref(c.To)
		// A call from the agent's number placed by a Dial is a leg to
		// someone else: only inbound calls count as "from" a phone.
		if to != phone && (from != phone || deref(c.Direction) != "inbound") {
			continue
		}
		if w.be.handset(c) {
			continue
		}
		legs = append(legs, c)
	}
	if len(legs) == 0 {
		return "", fmt.Errorf("the %s has no call", role)
	}
	// Live first, then newest first (calls are listed newest first; the
	// sort is stable for calls created in the same second).
	sort.SliceStable(legs, func(i, j int) bool {
		if li, lj := live(legs[i]), live(legs[j]); li != lj {
			return li
		}
		return created(legs[i]).After(created(legs[j]))
	})
	sid := *legs[0].Sid
	w.mu.Lock()
	if !slices.Contains(w.legsSeen, sid) {
		w.legsSeen = append(w.legsSeen, sid)
	}
	w.mu.Unlock()
	return sid, nil
}

// created is a call's creation time (zero if unknown).
func created(c openapi.ApiV2010Call) time.Time {
	t, _ := time.Parse(time.RFC1123Z, deref(c.DateCreated))
	return t
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

// hears says what a role hears now (ErrNotObservable on Twilio).
func (w *world) hears(role string) (sim.Hearing, string, error) {
	sid, err := w.leg(role)
	if err != nil {
		return sim.Hearing{}, "", err
	}
	h, err := w.be.hears(sid)
	return h, sid, err
}

// isHoldMusic reports whether h is hold music. For an app under test, it is
// the audio its description names (hold_music), or by default any audio
// Twilio plays (<Play>, hold or wait music), not speech, silence or
// ringback; for the strategies, see isHoldMusic.
func (w *world) isHoldMusic(h sim.Hearing) bool {
	if w.app == nil {
		return isHoldMusic(h)
	}
	if h.Kind != sim.HearMedia {
		return false
	}
	if music := w.app.HoldMusic(); len(music) > 0 {
		return slices.Contains(music, h.Media)
	}
	return h.Source == "play" || h.Source == "hold-music" || h.Source == "wait-music"
}

// isHoldMusic reports whether h is hold music: the strategies' music, or
// Twilio's default hold or wait music.
func isHoldMusic(h sim.Hearing) bool {
	if h.Kind != sim.HearMedia {
		return false
	}
	return h.Media == MusicURL || h.Media == TwilioMusicURL || h.Source == "hold-music" || h.Source == "wait-music"
}

// requests returns the webhooks received at a raw-app path.
func (w *world) requests(path string) []received {
	w.mu.Lock()
	defer w.mu.Unlock()
	var out []received
	for _, r := range w.received {
		if r.raw && r.path == path {
			out = append(out, r)
		}
	}
	return out
}

// trace renders the scenario's trace, for failure messages ("" when the
// target has none).
func (w *world) trace() string {
	start, entries, err := w.be.trace()
	if err != nil {
		return ""
	}
	var b strings.Builder
	_ = sim.WriteTrace(&b, start, entries)
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

func ptr[T any](v T) *T { return &v }

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}
