package scenarios

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"reflect"
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
)

// Result is one scenario run against one strategy.
type Result struct {
	Run      string // strategy name, or Platform
	Feature  string // feature file
	Scenario string
	Status   Status
	Err      error
	Pitfall  string // for expected failures: the pitfall it shows
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
	runs := []string{Platform}
	for name := range cfg.Strategies {
		runs = append(runs, name)
	}
	sort.Strings(runs[1:])
	if len(cfg.Only) > 0 {
		keep := map[string]bool{Platform: true}
		for _, n := range cfg.Only {
			if _, ok := cfg.Strategies[n]; !ok && n != Platform {
				return Report{}, fmt.Errorf("unknown strategy %q", n)
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
	var rep Report
	for _, run := range runs {
		if err := ctx.Err(); err != nil {
			return rep, err
		}
		res, err := runOne(ctx, cfg, run)
		if err != nil {
			return rep, fmt.Errorf("run %s: %w", run, err)
		}
		rep.Results = append(rep.Results, res...)
	}
	return rep, nil
}

// runOne runs the features that apply to one strategy (or the platform).
func runOne(ctx context.Context, cfg Config, run string) ([]Result, error) {
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
	tags := "~@platform"
	if run == Platform {
		tags = "@platform"
	}
	if cfg.Tags != "" {
		tags += " && " + cfg.Tags
	}
	var (
		mu      sync.Mutex
		results []Result
	)
	factory := cfg.Strategies[run]
	suite := godog.TestSuite{
		Name: run,
		ScenarioInitializer: func(sc *godog.ScenarioContext) {
			initScenario(sc, run, factory, func(r Result) {
				mu.Lock()
				defer mu.Unlock()
				results = append(results, r)
			})
		},
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
	return results, nil
}

// initScenario wires one scenario: a fresh world, the steps, and the
// bookkeeping of expected failures. godog calls it once per scenario.
func initScenario(sc *godog.ScenarioContext, run string, factory Factory, record func(Result)) {
	w := &world{}
	var xfail, pitfall string
	sc.Before(func(ctx context.Context, s *godog.Scenario) (context.Context, error) {
		for _, t := range s.Tags {
			switch {
			case t.Name == "@xfail-"+run:
				xfail = run
			case strings.HasPrefix(t.Name, "@pitfall-"):
				pitfall = strings.TrimPrefix(t.Name, "@pitfall-")
			}
		}
		if run == Platform {
			factory = nil
		}
		return ctx, w.setUp(run, factory)
	})
	sc.After(func(ctx context.Context, s *godog.Scenario, err error) (context.Context, error) {
		r := Result{Run: run, Feature: s.Uri, Scenario: s.Name, Err: err}
		switch {
		case w.xfailNote != "":
			r.Status, r.Err = ExpectedFailure, errors.New(w.xfailNote)
			r.Pitfall = pitfalls[pitfall]
			if r.Pitfall == "" {
				r.Pitfall = pitfall
			}
		case err != nil:
			r.Status = Failed
		case xfail != "":
			r.Status = UnexpectedPass
			r.Err = fmt.Errorf("tagged @xfail-%s but passed: the pitfall did not reproduce", run)
		default:
			r.Status = Passed
		}
		record(r)
		w.close()
		return ctx, nil
	})
	// Every step goes through xfailing: in a scenario this strategy is
	// expected to fail, the first failing step is recorded as the expected
	// failure and the rest of the scenario is skipped.
	w.register(func(pattern string, fn any) {
		sc.Step(pattern, xfailing(fn, w, func() bool { return xfail != "" }))
	})
}

// xfailing wraps a step so that, in a scenario expected to fail, its error
// becomes an expected failure: recorded, and the scenario skipped from
// there.
func xfailing(fn any, w *world, expected func() bool) any {
	v := reflect.ValueOf(fn)
	return reflect.MakeFunc(v.Type(), func(args []reflect.Value) []reflect.Value {
		out := v.Call(args)
		last := out[len(out)-1]
		if !expected() || last.IsNil() {
			return out
		}
		err := last.Interface().(error)
		if w.xfailNote == "" {
			w.xfailNote = err.Error()
		}
		out[len(out)-1] = reflect.ValueOf(fmt.Errorf("expected failure: %v: %w", err, godog.ErrSkip))
		return out
	}).Interface()
}

// pitfalls explains each @pitfall tag in a sentence.
var pitfalls = map[string]string{
	"parent-redirect": "redirecting the parent leg of a <Dial> makes Twilio hang up the child (twilio-model.md §1.3, pitfall 1)",
	"child-redirect":  "redirecting the child leg ends the parent's <Dial>; with no action and no next verb the parent hangs up",
}
