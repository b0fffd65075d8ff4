package scenarios

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"sort"
	"strings"
	"sync"

	"github.com/cucumber/godog"
	"github.com/holdlab/holdlab/features"
	"github.com/holdlab/holdlab/strategies"
)

// Factory builds a strategy from its configuration.
type Factory func(strategies.Config) (strategies.Strategy, error)

// Builtin are the strategies holdlab ships, by name.
func Builtin() map[string]Factory {
	return map[string]Factory{
		"conference": func(c strategies.Config) (strategies.Strategy, error) { return strategies.NewConference(c) },
		"callleg":    func(c strategies.Config) (strategies.Strategy, error) { return strategies.NewCallLeg(c) },
		"redirect":   func(c strategies.Config) (strategies.Strategy, error) { return strategies.NewRedirect(c) },
	}
}

// Platform names the run of the strategy-independent (@platform) features.
const Platform = "platform"

// Config says what to run.
type Config struct {
	// Strategies to run the features against, by name. Default: Builtin().
	Strategies map[string]Factory
	// Only restricts the run to these strategy names (and "platform"); empty
	// means all.
	Only []string
	// Tags is a godog tag expression, e.g. "@pitfall-parent-redirect" or
	// "~@slow".
	Tags string
	// FS holds the feature files. Default: the embedded features.FS.
	FS fs.FS
	// Paths are feature files or folders within FS. Default: all.
	Paths []string
	// Format is a godog formatter: pretty, progress, junit, cucumber, …
	// Default progress.
	Format string
	// Output receives the formatter's output. Default io.Discard.
	// OutputFor, when set, gives each run its own writer (a JUnit or
	// cucumber document per strategy).
	Output    io.Writer
	OutputFor func(run string) (io.Writer, error)
	// Target is what the scenarios run against. Default: FakeTarget().
	Target Target
	// RecordDir, when set, receives the observable story of every scenario
	// run (package recording): one file per strategy and scenario.
	RecordDir string
	// TimelineDir, when set, receives a picture of every scenario run (package
	// timeline): an HTML page with an SVG timeline, and a Mermaid sequence
	// diagram.
	TimelineDir string
}

// Status is a scenario's outcome in a run.
type Status string

// Outcomes.
const (
	Passed Status = "passed"
	Failed Status = "failed"
	// ExpectedFailure: the scenario is tagged to fail with this strategy,
	// and did.
	ExpectedFailure Status = "expected failure"
	// UnexpectedPass: tagged to fail, but passed: the pitfall did not
	// reproduce, which is a failure of the suite.
	UnexpectedPass Status = "unexpected pass"
	// NotObservable: no step failed, but the target could not observe some
	// of them (what a party hears is not observable on real Twilio), so
	// the scenario did not pass there. Result.NotObserved lists them.
	NotObservable Status = "not observable"
)

// Result is one scenario run against one strategy.
type Result struct {
	Run      string // strategy name, or Platform
	Feature  string // feature file
	Scenario string
	Status   Status
	Err      error
	Pitfall  string // for expected failures: the pitfall it shows
	// NotObserved lists the steps the target could not observe, and why.
	NotObserved []string
}

// Report is every result of a Run.
type Report struct {
	Results []Result
}

// OK reports whether the run had no unexpected result.
func (r Report) OK() bool {
	for _, res := range r.Results {
		if res.Status == Failed || res.Status == UnexpectedPass {
			return false
		}
	}
	return len(r.Results) > 0
}

// Run runs the features: the @platform features once, the others once per
// strategy. Strict: an undefined or pending step fails its scenario.
func Run(ctx context.Context, cfg Config) (Report, error) {
	if cfg.Strategies == nil {
		cfg.Strategies = Builtin()
	}
	if cfg.FS == nil {
		cfg.FS = features.FS
	}
	if cfg.Format == "" {
		cfg.Format = "progress"
	}
	if len(cfg.Paths) == 0 {
		cfg.Paths = []string{"."}
	}
	if cfg.Target == nil {
		cfg.Target = FakeTarget()
	}
	runs, err := selectRuns(cfg)
	if err != nil {
		return Report{}, err
	}
	var rep Report
	files := &storyFiles{taken: map[string]bool{}}
	for _, run := range runs {
		if err := ctx.Err(); err != nil {
			return rep, err
		}
		res, err := runOne(ctx, cfg, run, files)
		if err != nil {
			return rep, fmt.Errorf("run %s: %w", run, err)
		}
		rep.Results = append(rep.Results, res...)
	}
	if err := ctx.Err(); err != nil {
		return rep, fmt.Errorf("interrupted: %w", err)
	}
	return rep, nil
}

// selectRuns lists the runs of a configuration: the platform, then the
// strategies by name, restricted to cfg.Only.
func selectRuns(cfg Config) ([]string, error) {
	runs := []string{Platform}
	for name := range cfg.Strategies {
		runs = append(runs, name)
	}
	sort.Strings(runs[1:])
	if len(cfg.Only) > 0 {
		keep := map[string]bool{Platform: true}
		for _, n := range cfg.Only {
			if _, ok := cfg.Strategies[n]; !ok && n != Platform {
				return nil, fmt.Errorf("unknown strategy %q", n)
			}
			keep[n] = true
		}
		var kept []string
		for _, r := range runs {
			if keep[r] {
				kept = append(kept, r)
			}
		}
		runs = kept
	}
	return runs, nil
}

// runOne runs the features that apply to one strategy (or the platform).
func runOne(ctx context.Context, cfg Config, run string, files *storyFiles) ([]Result, error) {
	out := cfg.Output
	if cfg.OutputFor != nil {
		w, err := cfg.OutputFor(run)
		if err != nil {
			return nil, err
		}
		out = w
	}
	if out == nil {
		out = io.Discard
	}
	var (
		mu      sync.Mutex
		results []Result
	)
	factory := cfg.Strategies[run]
	runSuite(ctx, cfg, run, out, func(sc *godog.ScenarioContext) {
		initScenario(sc, cfg, run, factory, files, func(r Result) {
			mu.Lock()
			defer mu.Unlock()
			results = append(results, r)
		})
	})
	return results, nil
}

// runSuite runs godog on the features that apply to one run, with the
// given scenario initializer.
func runSuite(ctx context.Context, cfg Config, run string, out io.Writer, init func(*godog.ScenarioContext)) {
	tags := "~@platform"
	if run == Platform {
		tags = "@platform"
	}
	if cfg.Tags != "" {
		tags += " && " + cfg.Tags
	}
	suite := godog.TestSuite{
		Name:                run,
		ScenarioInitializer: init,
		Options: &godog.Options{
			Format:         cfg.Format,
			Output:         out,
			Paths:          cfg.Paths,
			FS:             cfg.FS,
			Tags:           tags,
			Strict:         true,
			NoColors:       true,
			DefaultContext: ctx,
		},
	}
	// godog's own status counts expected failures as skipped steps; the
	// verdict is ours, from the results.
	_ = suite.Run()
}

// FakeOnlyTag marks a scenario that only means something on the fake (it
// is about what a party hears, or needs scripted phones): on another target
// it is not run, and reported as not observable.
const FakeOnlyTag = "@fake-only"

// initScenario wires one scenario: a fresh world, the steps, the
// bookkeeping of expected failures and of steps the target cannot observe,
// and the scenario's story. godog calls it once per scenario.
func initScenario(sc *godog.ScenarioContext, cfg Config, run string, factory Factory, files *storyFiles, record func(Result)) {
	w := &world{ctx: context.Background()}
	var xfail, pitfall string
	sc.Before(func(ctx context.Context, s *godog.Scenario) (context.Context, error) {
		w.ctx = ctx
		fakeOnly := false
		for _, t := range s.Tags {
			switch {
			case t.Name == "@xfail-"+run:
				xfail = run
			case strings.HasPrefix(t.Name, "@pitfall-"):
				pitfall = strings.TrimPrefix(t.Name, "@pitfall-")
			case t.Name == FakeOnlyTag:
				fakeOnly = true
			}
		}
		if err := ctx.Err(); err != nil {
			return ctx, fmt.Errorf("interrupted: %w", err)
		}
		if fakeOnly && cfg.Target.Name() != "fake" {
			w.step = "the whole scenario"
			w.noteNotObserved(fmt.Errorf("tagged %s: %w", FakeOnlyTag, ErrNeedsFake))
			return ctx, godog.ErrSkip
		}
		if run == Platform {
			factory = nil
		}
		return ctx, w.setUp(ctx, run, factory, cfg.Target)
	})
	sc.StepContext().Before(func(ctx context.Context, st *godog.Step) (context.Context, error) {
		w.mu.Lock()
		w.step = st.Text
		rec := w.rec
		w.mu.Unlock()
		if rec != nil {
			rec.Step(st.Text)
		}
		return ctx, nil
	})
	sc.After(func(ctx context.Context, s *godog.Scenario, err error) (context.Context, error) {
		if w.be == nil && w.ctx.Err() != nil {
			// Interrupted before it began: not run, not a result.
			return ctx, nil
		}
		r := Result{Run: run, Feature: featureName(s.Uri), Scenario: s.Name, Err: err, NotObserved: w.notObserved}
		failed := err != nil && !errors.Is(err, godog.ErrSkip)
		switch {
		case w.xfailNote != "":
			r.Status, r.Err = ExpectedFailure, errors.New(w.xfailNote)
			r.Pitfall = pitfalls[pitfall]
			if r.Pitfall == "" {
				r.Pitfall = pitfall
			}
		case failed:
			r.Status = Failed
		case len(w.notObserved) > 0:
			r.Status, r.Err = NotObservable, nil
		case xfail != "":
			r.Status = UnexpectedPass
			r.Err = fmt.Errorf("tagged @xfail-%s but passed: the pitfall did not reproduce", run)
		default:
			r.Status = Passed
		}
		if w.be != nil {
			if serr := files.write(cfg, w, r); serr != nil && r.Status != Failed {
				r.Status, r.Err = Failed, serr
			}
		}
		if cerr := w.close(); cerr != nil && r.Status != Failed {
			r.Status, r.Err = Failed, fmt.Errorf("end the scenario: %w", cerr)
		}
		record(r)
		return ctx, nil
	})
	// Every step goes through adapt: in a scenario this strategy is
	// expected to fail, the first failing step is recorded as the expected
	// failure and the rest of the scenario is skipped; a step the target
	// cannot observe is noted, never passed.
	w.register(func(pattern string, fn any) {
		sc.Step(stepRegexp(pattern), adapt(fn, w, func() bool { return xfail != "" }))
	})
}

// featureName is a feature file's name without the line a path may pick
// ("hold.feature:13" -> "hold.feature").
func featureName(uri string) string {
	if i := strings.LastIndex(uri, ":"); i > 0 && strings.Trim(uri[i+1:], "0123456789") == "" && i+1 < len(uri) {
		return uri[:i]
	}
	return uri
}

// pitfalls explains each @pitfall tag in a sentence.
var pitfalls = map[string]string{
	"parent-redirect": "redirecting the parent leg of a <Dial> makes Twilio hang up the child (twilio-model.md §1.3, pitfall 1)",
	"child-redirect":  "redirecting the child leg ends the parent's <Dial>; with no action and no next verb the parent hangs up",
}
