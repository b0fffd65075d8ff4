package scenarios

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
)

// ErrInput marks a configuration that names something that does not exist
// or selects nothing: an unknown strategy or feature file, a line where no
// scenario starts, a malformed tag expression or shard, or a selection
// that matches no scenario. Run and Plan return such errors before running
// anything; their message says what was asked and what exists.
var ErrInput = errors.New("invalid input")

// inputError is an error of the input, matched by errors.Is(err, ErrInput).
type inputError struct{ msg string }

func (e inputError) Error() string        { return e.msg }
func (e inputError) Is(target error) bool { return target == ErrInput }

func inputErrorf(format string, args ...any) error {
	return inputError{fmt.Sprintf(format, args...)}
}

// PlannedRun is one scenario run a Run would do.
type PlannedRun struct {
	Run      string // strategy name, or Platform
	Feature  string
	Line     int // the scenario's line; for an outline, its example row's
	Scenario string
	Steps    []string
	// FakeOnly: tagged @fake-only, so not run on another target.
	FakeOnly bool
}

// Plan lists the scenario runs cfg selects (features, lines, tags,
// strategies and shard, as Run selects them), with their steps, without
// running any.
func Plan(ctx context.Context, cfg Config) ([]PlannedRun, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	sel, err := selectScenarios(cfg.withDefaults())
	if err != nil {
		return nil, err
	}
	out := make([]PlannedRun, 0, len(sel))
	for _, s := range sel {
		p := PlannedRun{Run: s.run, Feature: s.sc.Feature, Line: s.sc.Line, Scenario: s.sc.Name, FakeOnly: slices.Contains(s.sc.Tags, FakeOnlyTag)}
		for _, st := range s.sc.Steps {
			p.Steps = append(p.Steps, st.Text)
		}
		out = append(out, p)
	}
	return out, nil
}

// Shard picks one of Count disjoint slices of a run's scenario runs
// (Index from 1 to Count). The slices together are the whole selection,
// and their sizes differ by at most one. The zero Shard is everything.
type Shard struct{ Index, Count int }

// ParseShard reads "I/N", e.g. "2/4".
func ParseShard(s string) (Shard, error) {
	i, n, ok := strings.Cut(s, "/")
	si, err1 := strconv.Atoi(strings.TrimSpace(i))
	sn, err2 := strconv.Atoi(strings.TrimSpace(n))
	if !ok || err1 != nil || err2 != nil || sn < 1 || si < 1 || si > sn {
		return Shard{}, inputErrorf("bad shard %q: want I/N with 1 <= I <= N, e.g. 2/4", s)
	}
	return Shard{Index: si, Count: sn}, nil
}

// String renders the shard as "I/N".
func (s Shard) String() string { return fmt.Sprintf("%d/%d", s.Index, s.Count) }

// takes reports whether the k-th scenario run of the selection (from 0)
// is in the shard: round robin, so each strategy's runs spread over all
// shards and the slices' sizes differ by at most one.
func (s Shard) takes(k int) bool { return s.Count <= 1 || k%s.Count == s.Index-1 }

// selectRuns lists the runs of a configuration: the platform, then the
// strategies by name, restricted to cfg.Only.
func selectRuns(cfg Config) ([]string, error) {
	names := make([]string, 0, len(cfg.Strategies))
	for name := range cfg.Strategies {
		names = append(names, name)
	}
	sort.Strings(names)
	runs := append([]string{Platform}, names...)
	if cfg.NoPlatform {
		runs = names
	}
	if len(cfg.Only) == 0 {
		return runs, nil
	}
	keep := map[string]bool{Platform: !cfg.NoPlatform}
	var unknown []string
	for _, n := range cfg.Only {
		n = strings.TrimSpace(n)
		if _, ok := cfg.Strategies[n]; !ok && n != Platform {
			unknown = append(unknown, strconv.Quote(n))
		}
		keep[n] = true
	}
	if len(unknown) > 0 {
		what := "strategy"
		if len(unknown) > 1 {
			what = "strategies"
		}
		return nil, inputErrorf("unknown %s %s; the strategies are: %s (and %s, the strategy-independent features)",
			what, strings.Join(unknown, ", "), strings.Join(names, ", "), Platform)
	}
	var kept []string
	for _, r := range runs {
		if keep[r] {
			kept = append(kept, r)
		}
	}
	return kept, nil
}

// PlatformTag marks the features that use no strategy: they run once, as
// the Platform run.
const PlatformTag = "@platform"

// selectScenarios lists the scenario runs cfg selects, in the order Run
// runs them: the platform's, then each strategy's by name; within a run,
// by feature file and line. cfg.Shard then keeps its slice.
func selectScenarios(cfg Config) ([]planned, error) {
	runs, err := selectRuns(cfg)
	if err != nil {
		return nil, err
	}
	expr, err := parseTagExpr(cfg.Tags)
	if err != nil {
		return nil, err
	}
	docs, picks, err := selectFeatures(cfg)
	if err != nil {
		return nil, err
	}
	var sel []planned
	untagged := 0 // what the selection would be without cfg.Tags
	for _, run := range runs {
		for _, fd := range docs {
			pk := picks[fd.path]
			for _, sc := range fd.scenarios {
				if !pk.all && !pk.lines[sc.ScenLine] && !pk.lines[sc.Line] {
					continue
				}
				if slices.Contains(sc.Tags, PlatformTag) != (run == Platform) {
					continue
				}
				untagged++
				if expr.match(sc.Tags) {
					sel = append(sel, planned{run, sc})
				}
			}
		}
	}
	if len(sel) == 0 {
		return nil, noMatch(cfg, runs, docs, untagged)
	}
	if cfg.Shard.Count > 1 {
		if _, err := ParseShard(cfg.Shard.String()); err != nil {
			return nil, err
		}
		var slice []planned
		for k, p := range sel {
			if cfg.Shard.takes(k) {
				slice = append(slice, p)
			}
		}
		if len(slice) == 0 {
			return nil, inputErrorf("shard %s is empty: the selection has %d scenario runs, fewer than %d shards", cfg.Shard, len(sel), cfg.Shard.Count)
		}
		sel = slice
	}
	return sel, nil
}

// noMatch explains an empty selection: what was asked, and what exists.
func noMatch(cfg Config, runs []string, docs []*featureDoc, untagged int) error {
	var files []string
	tags := map[string]bool{}
	for _, fd := range docs {
		files = append(files, fd.path)
		for _, sc := range fd.scenarios {
			for _, t := range sc.Tags {
				tags[t] = true
			}
		}
	}
	var b strings.Builder
	b.WriteString("no scenario matched")
	if cfg.Tags != "" {
		fmt.Fprintf(&b, " the tags %q", cfg.Tags)
	}
	fmt.Fprintf(&b, " in %s, run as %s", strings.Join(files, ", "), strings.Join(runs, ", "))
	switch {
	case cfg.Tags != "" && untagged > 0:
		names := make([]string, 0, len(tags))
		for t := range tags {
			names = append(names, t)
		}
		sort.Strings(names)
		fmt.Fprintf(&b, " (%d scenario runs without the tags); the tags of these features are: %s", untagged, strings.Join(names, ", "))
	case untagged == 0:
		fmt.Fprintf(&b, "; %s features run only as %s, the others only against a strategy", PlatformTag, Platform)
	}
	return inputError{b.String()}
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
