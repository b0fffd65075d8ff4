package fakeapi_test

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/holdlab/holdlab/fakeapi"
	"github.com/holdlab/holdlab/fakeapi/sim"
)

// Tests of the real clock over loopback: the fake's handler and the app
// are real HTTP servers, time is the wall clock. Every wait is on a channel
// the app's handler feeds, with a timeout; the bounds are behaviour (a
// ring lasts its timeout), not performance.

// rtTolerance is how far a real-time duration may be from its nominal
// length.
const rtTolerance = 100 * time.Millisecond

// slack is how late a loaded machine (a CI runner testing every package
// at once with -race) may deliver what is due; the defects these tests
// guard against were off by seconds.
const slack = time.Second

// rtHit is one webhook the app received.
type rtHit struct {
	path string
	form url.Values
	at   time.Time // wall time of arrival
}

// rtApp is an app over loopback. It answers /hang only when the request's
// context ends (the fake's webhook timeout, or Close), /slow when the test
// sends on release, /status with 204 and any other path with the TwiML in
// docs (a long Pause by default). Every request is reported on hits first.
type rtApp struct {
	srv     *httptest.Server
	hits    chan rtHit
	release chan struct{}
	docs    map[string]string
}

func newRTApp(t *testing.T, docs map[string]string) *rtApp {
	t.Helper()
	a := &rtApp{hits: make(chan rtHit, 256), release: make(chan struct{}), docs: docs}
	a.srv = httptest.NewServer(http.HandlerFunc(a.serve))
	t.Cleanup(a.srv.Close)
	return a
}

func (a *rtApp) serve(w http.ResponseWriter, r *http.Request) {
	_ = r.ParseForm()
	a.hits <- rtHit{path: r.URL.Path, form: r.PostForm, at: time.Now()}
	switch r.URL.Path {
	case "/hang":
		<-r.Context().Done()
		return
	case "/slow":
		select {
		case <-a.release:
		case <-r.Context().Done():
			return
		}
	case "/status":
		w.WriteHeader(http.StatusNoContent)
		return
	}
	doc, ok := a.docs[r.URL.Path]
	if !ok {
		doc = `<Response><Pause length="600"/></Response>`
	}
	w.Header().Set("Content-Type", "text/xml")
	_, _ = w.Write([]byte(doc))
}

// url is the app's URL for path.
func (a *rtApp) url(path string) string { return a.srv.URL + path }

// next waits up to within for a webhook that match accepts, skipping
// others.
func (a *rtApp) next(t *testing.T, within time.Duration, what string, match func(rtHit) bool) rtHit {
	t.Helper()
	timeout := time.NewTimer(within)
	defer timeout.Stop()
	for {
		select {
		case h := <-a.hits:
			if match(h) {
				return h
			}
		case <-timeout.C:
			t.Fatalf("no %s within %v", what, within)
		}
	}
}

// each waits up to within for webhooks that match each of matches, in any
// order (concurrent webhooks arrive in any order), skipping others.
func (a *rtApp) each(t *testing.T, within time.Duration, what string, matches ...func(rtHit) bool) {
	t.Helper()
	timeout := time.NewTimer(within)
	defer timeout.Stop()
	found := make([]bool, len(matches))
	for left := len(matches); left > 0; {
		select {
		case h := <-a.hits:
			for i, m := range matches {
				if !found[i] && m(h) {
					found[i] = true
					left--
					break
				}
			}
		case <-timeout.C:
			t.Fatalf("no %s within %v (found %v)", what, within, found)
		}
	}
}

// quiet waits d, failing if the app receives a webhook meanwhile: an idle
// spell.
func (a *rtApp) quiet(t *testing.T, d time.Duration) {
	t.Helper()
	idle := time.NewTimer(d)
	defer idle.Stop()
	select {
	case h := <-a.hits:
		t.Fatalf("webhook %s during the idle spell", h.path)
	case <-idle.C:
	}
}

func pathIs(p string) func(rtHit) bool { return func(h rtHit) bool { return h.path == p } }

func statusIs(st string) func(rtHit) bool {
	return func(h rtHit) bool { return h.path == "/status" && h.form.Get("CallStatus") == st }
}

// rtFake is a fake with the real clock, served over loopback.
type rtFake struct {
	*fakeapi.Fake
	srv     *httptest.Server
	created time.Time // wall time just before New: virtual time is Start plus the wall time since
}

func newRTFake(t *testing.T, opts fakeapi.Options) *rtFake {
	t.Helper()
	opts.Clock = fakeapi.ClockReal
	opts.Start = sim.DefaultStart
	created := time.Now()
	f := newFake(t, opts)
	wantConsistent(t, f)
	srv := httptest.NewServer(f.Handler())
	t.Cleanup(srv.Close)
	return &rtFake{Fake: f, srv: srv, created: created}
}

// virtual is the virtual time at wall time w.
func (f *rtFake) virtual(w time.Time) time.Time { return sim.DefaultStart.Add(w.Sub(f.created)) }

// rest sends a REST request; it returns the decoded answer and how long it
// took.
func (f *rtFake) rest(t *testing.T, method, p string, form url.Values) (map[string]any, time.Duration) {
	t.Helper()
	req, err := http.NewRequest(method, f.srv.URL+"/2010-04-01/Accounts/"+f.AccountSid()+p, strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.SetBasicAuth(f.AccountSid(), f.AuthToken())
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	start := time.Now()
	resp, err := http.DefaultClient.Do(req)
	took := time.Since(start)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&out)
	if resp.StatusCode >= 300 {
		t.Fatalf("%s %s: %d %v", method, p, resp.StatusCode, out)
	}
	return out, took
}

// createCall creates a call from support to `to` and returns its SID.
func (f *rtFake) createCall(t *testing.T, to string, form url.Values) string {
	t.Helper()
	form.Set("To", to)
	form.Set("From", support)
	out, _ := f.rest(t, "POST", "/Calls.json", form)
	return out["sid"].(string)
}

func near(got, want time.Duration, tol time.Duration) bool {
	return got >= want-tol && got <= want+tol
}

// A call created after an idle spell is created at the request's instant
// and rings for its whole timeout.
func TestRealClockIdleSpell(t *testing.T) {
	t.Parallel()
	app := newRTApp(t, nil)
	f := newRTFake(t, fakeapi.Options{})
	if err := f.SetPhone("+15550002000", sim.PhoneScript{Answer: sim.AnswerNoAnswer}); err != nil {
		t.Fatal(err)
	}
	app.quiet(t, 2*time.Second)
	const timeout = time.Second
	requested := time.Now()
	sid := f.createCall(t, "+15550002000", url.Values{"Url": {app.url("/voice")}, "Timeout": {"1"},
		"StatusCallback": {app.url("/status")}, "StatusCallbackEvent": {"initiated ringing completed"}})
	took := time.Since(requested) // the create request
	c, _ := f.call(sid)
	// The call is created while its request is served: no earlier (but
	// for the fake's own start-up, a few milliseconds) and no later.
	if lag := c.DateCreated.Sub(f.virtual(requested)); lag < -rtTolerance || lag > took+time.Millisecond {
		t.Errorf("date_created is %v from the request's instant, want between %v and %v", lag, -rtTolerance, took)
	}
	end := app.next(t, timeout+5*time.Second, "no-answer callback", statusIs("no-answer"))
	// It rings its whole Timeout; a loaded machine may deliver the
	// callback late, never early.
	if rang := end.at.Sub(requested); rang < timeout-time.Millisecond || rang > timeout+took+slack {
		t.Errorf("the call rang %v, want its Timeout %v", rang, timeout)
	}
}

// call reads a call as the engine has it now.
func (f *rtFake) call(sid string) (sim.Call, bool) {
	var c sim.Call
	var ok bool
	f.View(func(e *sim.Engine) {
		var p *sim.Call
		if p, ok = e.Call(sid); ok {
			c = *p
		}
	})
	return c, ok
}

// A participant held for a while hears that long of hold music.
func TestRealClockHoldLastsItsLength(t *testing.T) {
	t.Parallel()
	app := newRTApp(t, nil)
	app.docs = map[string]string{"/conf": `<Response><Dial><Conference statusCallback="` + app.url("/confstatus") +
		`" statusCallbackEvent="join">room</Conference></Dial></Response>`}
	f := newRTFake(t, fakeapi.Options{AnswerDelay: 50 * time.Millisecond})
	sid := f.createCall(t, "+15550002000", url.Values{"Url": {app.url("/conf")}})
	join := app.next(t, 5*time.Second, "join callback", pathIs("/confstatus"))
	part := "/Conferences/" + join.form.Get("ConferenceSid") + "/Participants/" + sid + ".json"
	const hold = 1500 * time.Millisecond
	t0 := time.Now()
	_, _ = f.rest(t, "POST", part, url.Values{"Hold": {"true"}})
	t1 := time.Now()
	app.quiet(t, hold)
	t2 := time.Now()
	_, _ = f.rest(t, "POST", part, url.Values{"Hold": {"false"}})
	t3 := time.Now()

	var hears struct {
		Intervals []struct {
			Start   time.Time  `json:"start"`
			End     *time.Time `json:"end"`
			Hearing struct {
				Source string `json:"source"`
			} `json:"hearing"`
		} `json:"intervals"`
	}
	req, _ := http.NewRequest("GET", f.srv.URL+"/holdlab/calls/"+sid+"/hears", nil)
	req.SetBasicAuth(f.AccountSid(), f.AuthToken())
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if err := json.NewDecoder(resp.Body).Decode(&hears); err != nil {
		t.Fatal(err)
	}
	var music time.Duration
	for _, iv := range hears.Intervals {
		if iv.Hearing.Source == "hold-music" && iv.End != nil {
			music += iv.End.Sub(iv.Start)
		}
	}
	// The hold began while the Hold=true request was served and ended
	// while the Hold=false one was: the music lasted at least the time
	// between the two requests and at most the time from the first request
	// to the end of the second (to the millisecond).
	if lo, hi := t2.Sub(t1)-time.Millisecond, t3.Sub(t0)+time.Millisecond; music < lo || music > hi || music < hold {
		t.Errorf("%v of hold music in the intervals, want between %v and %v of wall time", music, lo, hi)
	}
}

// A call on hold music forever, hung up by REST a few seconds after it was
// answered, lasted those seconds.
func TestRealClockHangUpReportsDuration(t *testing.T) {
	t.Parallel()
	app := newRTApp(t, map[string]string{"/music": `<Response><Play loop="0">https://cdn.test/music.mp3</Play></Response>`})
	f := newRTFake(t, fakeapi.Options{AnswerDelay: 50 * time.Millisecond})
	created := time.Now()
	sid := f.createCall(t, "+15550002000", url.Values{"Url": {app.url("/music")},
		"StatusCallback": {app.url("/status")}, "StatusCallbackEvent": {"answered completed"}})
	app.each(t, 5*time.Second, "answered callback and voice url", statusIs("in-progress"), pathIs("/music"))
	answered := time.Now() // after the answer
	app.quiet(t, 1500*time.Millisecond)
	hangUp := time.Now()
	out, _ := f.rest(t, "POST", "/Calls/"+sid+".json", url.Values{"Status": {"completed"}})
	done := time.Now()
	c, _ := f.call(sid)
	d, _ := c.Duration()
	// It lasted from its answer to the hang-up request: at least the
	// time between the answered callback and the request, at most the
	// time from the call's creation to the request's answer.
	if lo, hi := hangUp.Sub(answered)-time.Millisecond, done.Sub(created)+time.Millisecond; d < lo || d > hi {
		t.Errorf("the engine's duration is %v, want between %v and %v of wall time", d, lo, hi)
	}
	secs := strconv.Itoa(int(d / time.Second)) // 1, unless the machine is very slow
	if out["duration"] != secs {
		t.Errorf("the call's duration is %v, want %s (whole seconds of %v)", out["duration"], secs, d)
	}
	cb := app.next(t, 5*time.Second, "completed callback", statusIs("completed"))
	if got := cb.form.Get("CallDuration"); got != secs {
		t.Errorf("CallDuration %q in the completed callback, want %s", got, secs)
	}
}

// One call's app hanging holds up nothing but that call: another call's
// voice webhook comes when its phone answers.
func TestRealClockHangingAppStallsOnlyItsCall(t *testing.T) {
	t.Parallel()
	app := newRTApp(t, nil)
	const answerDelay = 500 * time.Millisecond
	f := newRTFake(t, fakeapi.Options{AnswerDelay: answerDelay, WebhookTimeout: 10 * time.Second})
	f.createCall(t, "+15550002000", url.Values{"Url": {app.url("/hang")}})
	app.next(t, 5*time.Second, "the hanging voice url", pathIs("/hang"))
	created := time.Now()
	f.createCall(t, "+15550002001", url.Values{"Url": {app.url("/voice")}})
	voice := app.next(t, 5*time.Second, "the other call's voice url", pathIs("/voice"))
	// It comes after its own answer delay (a loaded machine may be late,
	// never early), not after the other app's 10 s timeout.
	if after := voice.at.Sub(created); after < answerDelay-time.Millisecond || after > answerDelay+slack {
		t.Errorf("the other call's voice url came %v after it was created, want %v (its answer delay)", after, answerDelay)
	}
}

// A REST create answers at once, whatever its status callback does.
func TestRealClockCreateDoesNotWaitForWebhooks(t *testing.T) {
	t.Parallel()
	app := newRTApp(t, nil)
	f := newRTFake(t, fakeapi.Options{})
	_, took := f.rest(t, "POST", "/Calls.json", url.Values{"To": {"+15550002000"}, "From": {support}, "Url": {app.url("/voice")},
		"StatusCallback": {app.url("/hang")}, "StatusCallbackEvent": {"initiated"}})
	// It answers in milliseconds; the hanging callback would hold it for
	// the whole 15 s webhook timeout.
	if took > slack {
		t.Errorf("the create took %v, want under %v", took, slack)
	}
	app.next(t, 5*time.Second, "the initiated callback", pathIs("/hang"))
}

// A call hung up while its TwiML is being fetched ends at once; the
// document that arrives later is ignored.
func TestRealClockHangUpDuringFetch(t *testing.T) {
	t.Parallel()
	app := newRTApp(t, nil)
	ignored := make(chan struct{}, 1)
	logger := slog.New(traceWatch{text: "the answer is ignored", seen: ignored})
	f := newRTFake(t, fakeapi.Options{AnswerDelay: 50 * time.Millisecond, Logger: logger})
	sid := f.createCall(t, "+15550002000", url.Values{"Url": {app.url("/slow")},
		"StatusCallback": {app.url("/status")}, "StatusCallbackEvent": {"completed"}})
	app.next(t, 5*time.Second, "voice url", pathIs("/slow"))
	_, _ = f.rest(t, "POST", "/Calls/"+sid+".json", url.Values{"Status": {"completed"}})
	app.next(t, 5*time.Second, "completed callback", statusIs("completed"))
	close(app.release) // the document comes after the hang-up
	select {
	case <-ignored:
	case <-time.After(5 * time.Second):
		t.Fatal("the late document was not reported ignored")
	}
	if c, _ := f.call(sid); c.Status != sim.StatusCompleted {
		t.Errorf("status %s after the late document, want completed", c.Status)
	}
}

// traceWatch is a slog handler that signals seen when a trace entry
// containing text is logged.
type traceWatch struct {
	text string
	seen chan struct{}
}

func (w traceWatch) Enabled(context.Context, slog.Level) bool { return true }
func (w traceWatch) WithAttrs([]slog.Attr) slog.Handler       { return w }
func (w traceWatch) WithGroup(string) slog.Handler            { return w }
func (w traceWatch) Handle(_ context.Context, r slog.Record) error {
	if strings.Contains(r.Message, w.text) {
		select {
		case w.seen <- struct{}{}:
		default:
		}
	}
	return nil
}

// No more than WebhookConcurrency webhooks are in flight; the others wait
// their turn and are all performed.
func TestRealClockWebhookPoolIsBounded(t *testing.T) {
	t.Parallel()
	const limit, calls = 2, 5
	var mu sync.Mutex
	inFlight, most := 0, 0
	release := make(chan struct{})
	arrived := make(chan struct{}, calls)
	app := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		inFlight++
		most = max(most, inFlight)
		mu.Unlock()
		arrived <- struct{}{}
		<-release
		mu.Lock()
		inFlight--
		mu.Unlock()
		w.WriteHeader(http.StatusNoContent)
	})
	f := newFake(t, fakeapi.Options{Clock: fakeapi.ClockReal, WebhookConcurrency: limit, Apps: map[string]http.Handler{"app.test": app}})
	for i := range calls {
		if err := f.Do(func(e *sim.Engine) error {
			_, err := e.CreateCall(sim.CallParams{To: "+1555000200" + string(rune('0'+i)), From: support, Twiml: "<Response/>",
				StatusCallback: "https://app.test/status", StatusCallbackEvents: []string{"initiated"}})
			return err
		}); err != nil {
			t.Fatal(err)
		}
	}
	wait := func(what string) {
		t.Helper()
		select {
		case <-arrived:
		case <-time.After(5 * time.Second):
			t.Fatalf("%s did not arrive", what)
		}
	}
	for range limit {
		wait("a webhook")
	}
	select {
	case <-arrived:
		t.Fatalf("a webhook beyond the first %d arrived while they were in flight", limit)
	case <-time.After(200 * time.Millisecond):
	}
	close(release)
	for range calls - limit {
		wait("a queued webhook")
	}
	mu.Lock()
	defer mu.Unlock()
	if most > limit {
		t.Errorf("%d webhooks were in flight at once, want at most %d", most, limit)
	}
}

// Close cancels the webhooks in flight and returns.
func TestRealClockCloseCancelsWebhooks(t *testing.T) {
	t.Parallel()
	app := newRTApp(t, nil)
	f, err := fakeapi.New(fakeapi.Options{Clock: fakeapi.ClockReal, AnswerDelay: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Do(func(e *sim.Engine) error {
		_, err := e.CreateCall(sim.CallParams{To: "+15550002000", From: support, URL: app.url("/hang")})
		return err
	}); err != nil {
		t.Fatal(err)
	}
	app.next(t, 5*time.Second, "the hanging voice url", pathIs("/hang"))
	closed := make(chan struct{})
	go func() {
		f.Close()
		close(closed)
	}()
	select {
	case <-closed:
	case <-time.After(2 * time.Second):
		t.Fatal("Close waited for a hanging webhook")
	}
}
