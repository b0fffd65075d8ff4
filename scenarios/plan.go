package scenarios

import (
	"context"
	"fmt"
	"io"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/cucumber/godog"
	"github.com/holdlab/holdlab/features"
)

// PlannedRun is one scenario run a Run would do.
type PlannedRun struct {
	Run      string // strategy name, or Platform
	Feature  string
	Scenario string
	Steps    []string
	// FakeOnly: tagged @fake-only, so not run on another target.
	FakeOnly bool
}

// Plan lists the scenario runs cfg selects, with their steps, without
// running any: the same features, tags and strategies as Run, through
// godog, with every step a no-op.
func Plan(ctx context.Context, cfg Config) ([]PlannedRun, error) {
	if cfg.Strategies == nil {
		cfg.Strategies = Builtin()
	}
	if cfg.FS == nil {
		cfg.FS = features.FS
	}
	if len(cfg.Paths) == 0 {
		cfg.Paths = []string{"."}
	}
	cfg.Format = "progress"
	runs, err := selectRuns(cfg)
	if err != nil {
		return nil, err
	}
	var (
		mu  sync.Mutex
		out []PlannedRun
	)
	for _, run := range runs {
		runSuite(ctx, cfg, run, io.Discard, func(sc *godog.ScenarioContext) {
			var p *PlannedRun
			sc.Before(func(ctx context.Context, s *godog.Scenario) (context.Context, error) {
				p = &PlannedRun{Run: run, Feature: featureName(s.Uri), Scenario: s.Name}
				for _, t := range s.Tags {
					if t.Name == FakeOnlyTag {
						p.FakeOnly = true
					}
				}
				return ctx, nil
			})
			sc.StepContext().Before(func(ctx context.Context, st *godog.Step) (context.Context, error) {
				p.Steps = append(p.Steps, st.Text)
				return ctx, nil
			})
			sc.After(func(ctx context.Context, _ *godog.Scenario, _ error) (context.Context, error) {
				mu.Lock()
				defer mu.Unlock()
				out = append(out, *p)
				return ctx, nil
			})
			w := &world{}
			w.register(func(pattern string, fn any) { sc.Step(stepRegexp(pattern), noop(fn)) })
		})
	}
	return out, nil
}

// noop returns a function of fn's type that does nothing and succeeds.
func noop(fn any) any {
	t := reflect.TypeOf(fn)
	return reflect.MakeFunc(t, func([]reflect.Value) []reflect.Value {
		out := make([]reflect.Value, t.NumOut())
		for i := range out {
			out[i] = reflect.Zero(t.Out(i))
		}
		return out
	}).Interface()
}

// Estimate is what a run on Twilio is expected to take: wall time, call
// legs and billable minutes. It is an estimate from the steps, not a
// price: Twilio bills each leg by the minute, rounded up, at a rate that
// depends on the numbers.
type Estimate struct {
	Runs     int // scenario runs that place calls
	FakeOnly int // scenario runs tagged @fake-only, not run
	Legs     int
	Minutes  int
	Duration time.Duration
}

var (
	passStep = regexp.MustCompile(`^(\d+) (seconds?|minutes?|hours?) pass(?:es)?$`)
	// Steps that connect two people: each party is the account's number,
	// so each is two legs (the app's leg and the phone's own side).
	conversationStep = regexp.MustCompile(`has called the support line|calls the support line|has called the customer`)
	joinStep         = regexp.MustCompile(`has joined conference|added the supervisor`)
)

// EstimateTwilio estimates a plan's cost on Twilio with cfg's timings: each
// step that connects the customer and the agent places four legs and
// waits for them to settle; each participant added, two; each "N seconds
// pass" waits N (at most cfg.MaxWait); every other step waits the action
// delay. Each leg is billed for the whole scenario, rounded up to the
// minute.
func EstimateTwilio(plan []PlannedRun, cfg TwilioConfig) Estimate {
	_ = cfg.defaults() // fills the timings; the rest is checked elsewhere
	var e Estimate
	const settleTypical = 10 * time.Second
	for _, p := range plan {
		if p.FakeOnly {
			e.FakeOnly++
			continue
		}
		d := 5 * time.Second // setting up and hanging up
		legs := 0
		for _, st := range p.Steps {
			switch {
			case passStep.MatchString(st):
				m := passStep.FindStringSubmatch(st)
				n, _ := strconv.Atoi(m[1])
				unit := time.Second
				switch strings.TrimSuffix(m[2], "s") {
				case "minute":
					unit = time.Minute
				case "hour":
					unit = time.Hour
				}
				d += min(time.Duration(n)*unit, cfg.MaxWait)
			case conversationStep.MatchString(st):
				legs += 4
				d += settleTypical
			case joinStep.MatchString(st):
				legs += 2
				d += settleTypical
			default:
				d += cfg.ActionDelay + time.Second
			}
		}
		if legs == 0 {
			continue
		}
		e.Runs++
		e.Legs += legs
		e.Duration += d
		e.Minutes += legs * int((d+time.Minute-1)/time.Minute)
	}
	return e
}

// String renders an estimate for people.
func (e Estimate) String() string {
	s := fmt.Sprintf("%d scenario runs placing about %d call legs, about %s of wall time; estimated billable minutes: %d (each leg billed per started minute)",
		e.Runs, e.Legs, e.Duration.Round(time.Second), e.Minutes)
	if e.FakeOnly > 0 {
		s += fmt.Sprintf("; %d scenario runs tagged %s are not run", e.FakeOnly, FakeOnlyTag)
	}
	return s
}
