package scenarios

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/holdlab/holdlab/appdriver"
	"github.com/holdlab/holdlab/fakeapi"
	"github.com/holdlab/holdlab/strategies"
)

// httpApp serves a strategy as an app in another process would: its
// webhooks, and /hold, /unhold and /call for holdlab's actions, over real
// HTTP, its REST client pointed at the target's address. The status codes
// are the ones appdriver maps by default.
func httpApp(t *testing.T, tgt *AppTarget, newStrategy Factory) *httptest.Server {
	t.Helper()
	mux := http.NewServeMux()
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	api, err := fakeapi.NewRestClient(tgt.URL(), tgt.AccountSid(), tgt.AuthToken())
	if err != nil {
		t.Fatal(err)
	}
	s, err := newStrategy(strategies.Config{BaseURL: srv.URL, Client: api, SupportNumber: SupportNumber, Agent: AgentNumber, HoldMusicURL: "https://cdn.example.com/app-music.mp3"})
	if err != nil {
		t.Fatal(err)
	}
	answer := func(w http.ResponseWriter, err error) {
		switch {
		case err == nil:
			w.WriteHeader(http.StatusNoContent)
		case errors.Is(err, strategies.ErrNotHeld):
			http.Error(w, err.Error(), http.StatusConflict)
		case errors.Is(err, strategies.ErrCallEnded):
			http.Error(w, err.Error(), http.StatusGone)
		case errors.Is(err, strategies.ErrUnknownCall):
			http.Error(w, err.Error(), http.StatusNotFound)
		default:
			http.Error(w, err.Error(), http.StatusInternalServerError)
		}
	}
	mux.Handle("/", s.Handler())
	mux.HandleFunc("POST /hold", func(w http.ResponseWriter, r *http.Request) {
		answer(w, s.Hold(r.Context(), r.FormValue("CallSid"), strategies.Party(r.FormValue("Who"))))
	})
	mux.HandleFunc("POST /unhold", func(w http.ResponseWriter, r *http.Request) {
		answer(w, s.Unhold(r.Context(), r.FormValue("CallSid")))
	})
	mux.HandleFunc("POST /call", func(w http.ResponseWriter, r *http.Request) {
		sid, err := s.CallCustomer(r.Context(), r.FormValue("To"))
		if err != nil {
			answer(w, err)
			return
		}
		fmt.Fprintf(w, `{"sid": %q}`, sid)
	})
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, "ok") })
	return srv
}

const appSpecYAML = `
name: NAME
base_url: BASE
voice_url: /voice
ready: /healthz
hold:   {path: /hold, form: {CallSid: "{{.CallSid}}", Who: "{{.Party}}"}}
unhold: {path: /unhold, form: {CallSid: "{{.CallSid}}"}}
call_customer: {path: /call, form: {To: "{{.Customer}}"}}
`

// runApp runs the hold features against a strategy served as an app over
// HTTP, on an AppTarget.
func runApp(t *testing.T, name string, newStrategy Factory, paths ...string) Report {
	t.Helper()
	tgt, err := OpenApp(AppConfig{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { tgt.Close(context.Background()) })
	srv := httpApp(t, tgt, newStrategy)
	spec, err := appdriver.Parse([]byte(strings.NewReplacer("NAME", name, "BASE", srv.URL).Replace(appSpecYAML)))
	if err != nil {
		t.Fatal(err)
	}
	if err := appdriver.WaitReady(t.Context(), spec, nil); err != nil {
		t.Fatal(err)
	}
	if len(paths) == 0 {
		paths = []string{"hold.feature", "directions.feature"}
	}
	rep, err := Run(t.Context(), Config{
		Strategies: map[string]Factory{name: AppFactory(spec)},
		NoPlatform: true, Target: tgt, Paths: paths,
	})
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

// The shipped hold features run unchanged against an app reached over
// HTTP: a good one passes them all, in a column named after it.
func TestAppTargetGoodApp(t *testing.T) {
	rep := runApp(t, "goodapp", func(c strategies.Config) (strategies.Strategy, error) { return strategies.NewConference(c) })
	if len(rep.Results) != 12 {
		t.Errorf("%d scenario runs, want hold.feature's 10 and directions.feature's 2", len(rep.Results))
	}
	for _, r := range rep.Results {
		if r.Run != "goodapp" {
			t.Errorf("run %q, want the app's name", r.Run)
		}
		if r.Status != Passed {
			t.Errorf("%s: %s: %s", r.Scenario, r.Status, rep.Reason(r))
		}
	}
	var sum strings.Builder
	if err := rep.WriteSummary(&sum); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(strings.SplitN(sum.String(), "\n", 2)[0], "goodapp") {
		t.Errorf("the summary's header has no column for the app:\n%s", sum.String())
	}
}

// A naive app fails where the pitfall bites, and the report names it.
func TestAppTargetNaiveApp(t *testing.T) {
	rep := runApp(t, "naive", func(c strategies.Config) (strategies.Strategy, error) { return strategies.NewRedirect(c) }, "hold.feature")
	if rep.OK() {
		t.Fatal("the naive app passed the hold features")
	}
	var sum strings.Builder
	if err := rep.WriteSummary(&sum); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(sum.String(), "this scenario tests a pitfall: redirecting the parent leg of a <Dial> makes Twilio hang up the child") {
		t.Errorf("the summary does not name the pitfall:\n%s", sum.String())
	}
}

// Every scenario gets a fresh fake behind the same address: a request
// between scenarios is told so, and SIDs do not come back.
func TestAppTargetBetweenScenarios(t *testing.T) {
	tgt, err := OpenApp(AppConfig{})
	if err != nil {
		t.Fatal(err)
	}
	defer tgt.Close(context.Background())
	api, err := fakeapi.NewRestClient(tgt.URL(), tgt.AccountSid(), tgt.AuthToken())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := api.ListCall(nil); err == nil || !strings.Contains(err.Error(), "between scenarios") {
		t.Errorf("between scenarios: %v", err)
	}
	var sids []string
	for range 2 {
		b, err := tgt.newBackend(t.Context(), apps{app: http.NotFoundHandler(), raw: http.NotFoundHandler()}, func(rt http.RoundTripper) http.RoundTripper { return rt })
		if err != nil {
			t.Fatal(err)
		}
		if err := b.pointSupportLine(t.Context(), "https://app.holdlab.test/voice"); err != nil {
			t.Fatal(err)
		}
		sid, err := b.placeCall(t.Context(), CustomerPhone, SupportNumber)
		if err != nil {
			t.Fatal(err)
		}
		calls, err := api.ListCall(nil)
		if err != nil || len(calls) != 1 || *calls[0].Sid != sid {
			t.Fatalf("the app sees %d calls (%v), want the scenario's one", len(calls), err)
		}
		sids = append(sids, sid)
		if err := b.close(t.Context()); err != nil {
			t.Fatal(err)
		}
	}
	if sids[0] == sids[1] {
		t.Errorf("two scenarios' first calls share the SID %s", sids[0])
	}
}

// The app steps: send the app a request from a feature file, check its
// answer, and wait with a bound.
func TestAppSteps(t *testing.T) {
	dir := t.TempDir()
	feature := `Feature: my app
  Scenario: hold through my own request
    Given the customer has called the support line and is talking to the agent
    When I send POST "/hold" to the app with form:
      """
      CallSid={{.CallSid}}
      Who=customer
      """
    Then the app answers 204
    And within 5 seconds, the customer hears hold music
    When I send POST "/unhold" to the app with form:
      """
      CallSid={{.CustomerCallSid}}
      """
    Then the app answers with a success status
    When I send POST "/unhold" to the app with form:
      """
      CallSid={{.CallSid}}
      """
    Then the app answers 409
    And the app's answer contains "nobody is on hold"
    When I send GET "/healthz" to the app
    Then the app answers 200

  Scenario: waiting has a bound
    Given the customer has called the support line and is talking to the agent
    Then within 3 seconds, the customer hears hold music
`
	if err := os.WriteFile(dir+"/my.feature", []byte(feature), 0o644); err != nil {
		t.Fatal(err)
	}
	tgt, err := OpenApp(AppConfig{})
	if err != nil {
		t.Fatal(err)
	}
	defer tgt.Close(context.Background())
	srv := httpApp(t, tgt, func(c strategies.Config) (strategies.Strategy, error) { return strategies.NewConference(c) })
	spec, err := appdriver.Parse([]byte(strings.NewReplacer("NAME", "goodapp", "BASE", srv.URL).Replace(appSpecYAML)))
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	rep, err := Run(t.Context(), Config{Strategies: map[string]Factory{"goodapp": AppFactory(spec)}, NoPlatform: true, Target: tgt, FS: os.DirFS(dir)})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Results) != 2 {
		t.Fatalf("%d results", len(rep.Results))
	}
	if r := rep.Results[0]; r.Status != Passed {
		t.Errorf("%s: %s", r.Scenario, rep.Reason(r))
	}
	r := rep.Results[1]
	if r.Status != Failed || !strings.Contains(rep.Reason(r), "not true within 3s") {
		t.Errorf("%s: %s, %s: want a failure after the bound", r.Scenario, r.Status, rep.Reason(r))
	}
	if d := time.Since(start); d > 30*time.Second {
		t.Errorf("took %s", d)
	}
}
