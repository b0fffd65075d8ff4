package scenarios

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/holdlab/holdlab/fakeapi"
	"github.com/holdlab/holdlab/fakeapi/sim"
	"github.com/holdlab/holdlab/scenarios/recording"
)

// deafTarget is the fake seen as real Twilio sees it: the same calls and
// webhooks, but what a party hears, the trace and scripted phones are
// not available.
type deafTarget struct{}

func (deafTarget) Name() string { return "deaf" }

func (deafTarget) newBackend(ctx context.Context, a apps, wrap func(http.RoundTripper) http.RoundTripper) (backend, error) {
	b, err := fakeTarget{}.newBackend(ctx, a, wrap)
	if err != nil {
		return nil, err
	}
	return deafBackend{b.(*fakeBackend)}, nil
}

type deafBackend struct{ *fakeBackend }

func (deafBackend) hears(string) (sim.Hearing, error) {
	return sim.Hearing{}, fmt.Errorf("hearing: %w", ErrNotObservable)
}
func (deafBackend) intervals(string) ([]sim.Interval, error) {
	return nil, fmt.Errorf("hearing: %w", ErrNotObservable)
}
func (b deafBackend) trace() (time.Time, []sim.Entry, error) {
	return b.now(), nil, fmt.Errorf("trace: %w", ErrNotObservable)
}
func (deafBackend) setPhone(string, time.Duration) error {
	return fmt.Errorf("phone: %w", ErrNeedsFake)
}

// Like real Twilio, the deaf target cannot misbehave on purpose: these
// shadow the fake's fault injection that deafBackend would otherwise
// inherit.
func (deafBackend) injectFault(fakeapi.Fault) error { return fmt.Errorf("fault: %w", ErrNeedsFake) }
func (deafBackend) clearFaults() error              { return fmt.Errorf("fault: %w", ErrNeedsFake) }
func (deafBackend) failPhone(string, sim.Answer) error {
	return fmt.Errorf("phone: %w", ErrNeedsFake)
}

const onlyOnTheFake = `Feature: tagged
  @fake-only
  Scenario: Only the fake can tell
    Given the customer has called the support line and is talking to the agent
    Then the customer and the agent hear each other

  Scenario: Anyone can tell
    Given the customer has called the support line and is talking to the agent
    Then both calls are in progress
`

// On a target that cannot hear, a step about hearing is never passed: the
// scenario is not observable, with the steps listed, and the rest of it
// still runs; a step that needs the fake skips the rest.
func TestNotObservableIsNeverPassed(t *testing.T) {
	fsys := fstest.MapFS{"tagged.feature": {Data: []byte(onlyOnTheFake)}}
	tests := []struct {
		name        string
		cfg         Config
		scenario    string
		want        Status
		notObserved string
	}{
		{"hearing", Config{Only: []string{"conference"}, Paths: []string{"hold.feature"}}, "Hold: the customer hears music and the agent is free", NotObservable, "the customer hears hold music"},
		{"an hour is an hour on the fake", Config{Only: []string{"conference"}, Paths: []string{"hold.feature"}}, "The customer hangs up while on hold", NotObservable, "the agent has put the customer on hold"},
		{"a scripted phone stops the scenario", Config{Paths: []string{"dial_pitfalls.feature"}}, "Status=canceled does nothing to a ringing Dial child", NotObservable, "the agent's phone answers after 20 seconds"},
		{"a fault step stops the scenario", Config{Paths: []string{"faults.feature"}}, "Rate-limited call updates are refused and change nothing", NotObservable, "Twilio answers the next 2 call updates with 429"},
		{"a pitfall still shows where it is observable", Config{Only: []string{"redirect"}, Paths: []string{"hold.feature"}}, "An hour on hold", ExpectedFailure, ""},
		{"@fake-only is not run", Config{Only: []string{"conference"}, FS: fsys}, "Only the fake can tell", NotObservable, "the whole scenario"},
		{"an observable scenario passes", Config{Only: []string{"conference"}, FS: fsys}, "Anyone can tell", NotObservable, "hear each other"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg := tc.cfg
			cfg.Target = deafTarget{}
			rep, err := Run(context.Background(), cfg)
			if err != nil {
				t.Fatal(err)
			}
			var found *Result
			for i, r := range rep.Results {
				if r.Status == Passed && r.Run != Platform && strings.Contains(r.Feature, "hold") {
					t.Errorf("%s / %s passed on a target that cannot hear", r.Run, r.Scenario)
				}
				if r.Scenario == tc.scenario && r.Run != Platform || r.Scenario == tc.scenario && cfg.Only == nil {
					found = &rep.Results[i]
				}
			}
			if found == nil {
				t.Fatalf("no result for %q", tc.scenario)
			}
			if found.Status != tc.want {
				t.Fatalf("%s: %s (%v), want %s", tc.scenario, found.Status, found.Err, tc.want)
			}
			if tc.notObserved != "" && !strings.Contains(strings.Join(found.NotObserved, "\n"), tc.notObserved) {
				t.Errorf("not observed: %q, want a step like %q", found.NotObserved, tc.notObserved)
			}
			if !rep.OK() {
				t.Errorf("not observable is not a failure: %v", rep.Counts())
			}
			var sum strings.Builder
			if err := rep.WriteSummary(&sum); err != nil {
				t.Fatal(err)
			}
			if tc.want == NotObservable && (!strings.Contains(sum.String(), "n/o") || !strings.Contains(sum.String(), "not observable")) {
				t.Errorf("the summary does not say n/o:\n%s", sum.String())
			}
		})
	}
	// The same tagged feature passes on the fake.
	rep, err := Run(context.Background(), Config{Only: []string{"conference"}, FS: fsys})
	if err != nil {
		t.Fatal(err)
	}
	if c := rep.Counts(); c[Passed] != 2 {
		t.Errorf("on the fake: %v, want both passed", c)
	}
}

func TestPlanAndEstimate(t *testing.T) {
	cfg := Config{Only: []string{"conference"}, Paths: []string{"hold.feature"}}
	plan, err := Plan(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	rep, err := Run(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if len(plan) != len(rep.Results) || len(plan) == 0 {
		t.Fatalf("plan has %d scenario runs, the run had %d", len(plan), len(rep.Results))
	}
	for _, p := range plan {
		if len(p.Steps) == 0 || p.Run != "conference" || p.Feature != "hold.feature" {
			t.Errorf("planned %+v", p)
		}
	}
	tc := TwilioConfig{MaxWait: time.Minute, ActionDelay: time.Second}
	e := EstimateTwilio(plan, tc)
	if e.Runs != len(plan) || e.Legs != 4*len(plan) {
		t.Errorf("estimate %+v: want %d runs of 4 legs", e, len(plan))
	}
	// An hour on hold waits at most MaxWait: the whole plan is far less
	// than an hour per leg.
	if e.Duration > time.Duration(len(plan))*2*time.Minute || e.Minutes < e.Legs {
		t.Errorf("estimate %+v", e)
	}
	if !strings.Contains(e.String(), "billable minutes") {
		t.Errorf("estimate reads %q", e)
	}
}

// Fake runs are deterministic, so their recordings compare equal, and
// every scenario run gets its timeline.
func TestRecordingsAndTimelines(t *testing.T) {
	run := func() (string, string) {
		rec, tl := t.TempDir(), t.TempDir()
		rep, err := Run(context.Background(), Config{Only: []string{"callleg"}, Paths: []string{"hold.feature"}, RecordDir: rec, TimelineDir: tl})
		if err != nil {
			t.Fatal(err)
		}
		if !rep.OK() {
			t.Fatalf("run: %v", rep.Counts())
		}
		return rec, tl
	}
	recA, tlA := run()
	recB, _ := run()
	a, err := recording.ReadDir(recA)
	if err != nil {
		t.Fatal(err)
	}
	b, err := recording.ReadDir(recB)
	if err != nil {
		t.Fatal(err)
	}
	if len(a) == 0 {
		t.Fatal("nothing recorded")
	}
	if diffs := recording.Diff(a, b, recording.DiffOptions{Tolerance: time.Millisecond}); len(diffs) > 0 {
		var out strings.Builder
		_ = recording.WriteDiff(&out, diffs, "A", "B")
		t.Errorf("two fake runs differ:\n%s", out.String())
	}
	for key, r := range a {
		kinds := map[recording.Kind]int{}
		for _, e := range r.Events {
			kinds[e.Kind]++
		}
		if kinds[recording.KindWebhook] == 0 || kinds[recording.KindEnd] == 0 {
			t.Errorf("%s: events %v, want webhooks and end statuses", key, kinds)
		}
	}
	for _, ext := range []string{".html", ".svg", ".mmd"} {
		files, _ := filepath.Glob(filepath.Join(tlA, "callleg", "*"+ext))
		if len(files) != len(a) {
			t.Errorf("%d %s timelines for %d scenario runs", len(files), ext, len(a))
		}
	}
	html, err := os.ReadFile(filepath.Join(tlA, "callleg", "hold--hold-the-customer-hears-music-and-the-agent-is-free.html"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"<svg", `class="seg hears-hold-music"`, `class="lane lane-queue"`, "customer CA..", "because:"} {
		if !strings.Contains(string(html), want) {
			t.Errorf("the timeline lacks %q", want)
		}
	}
	index, err := os.ReadFile(filepath.Join(tlA, "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(string(index), `<a href="callleg/hold--`); n != len(a) {
		t.Errorf("the index links to %d pages, want one per scenario run (%d)", n, len(a))
	}
}

// On real Twilio the fault steps are skipped as needing the fake: Twilio
// cannot be made to misbehave on purpose.
func TestFaultStepsNeedTheFake(t *testing.T) {
	w := &world{be: &twilioBackend{}}
	tests := []struct {
		name string
		step func() error
	}{
		{"inject", func() error { return w.injectFault("call update", fakeapi.Fault{Status: 429}) }},
		{"clear", w.clearFaults},
		{"phone", func() error { return w.phoneFails("agent", "is busy") }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if err := tc.step(); !errors.Is(err, ErrNeedsFake) {
				t.Errorf("on Twilio: %v, want ErrNeedsFake", err)
			}
		})
	}
}
