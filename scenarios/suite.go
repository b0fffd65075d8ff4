package scenarios

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"slices"
	"strings"
	"sync"
	"time"

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
	// NoPlatform leaves out the @platform features: they show Twilio's own
	// behaviour with raw TwiML, and involve no strategy (holdlab run --app
	// sets it: they say nothing about the app).
	NoPlatform bool
	// Tags is a godog tag expression, e.g. "@pitfall-parent-redirect" or
	// "~@slow": tags joined by "," (or) and "&&" (and), "~" for not.
	Tags string
	// FS holds the feature files. Default: the embedded features.FS.
	FS fs.FS
	// FeatureRoot is where FS's files are, relative to the project's root:
	// the reports name a feature file by it ("features/hold.feature").
	// Default "features" for the embedded features, "" for another FS.
	FeatureRoot string
	// Paths are feature files or folders within FS, a file possibly with
	// the line of one scenario or example row ("hold.feature:13"). Default:
	// all.
	Paths []string
	// Shard, when its Count is above one, runs only that slice of the
	// selected scenario runs.
	Shard Shard
	// Format is a godog formatter for people, pretty or progress, written
	// to Output as the scenarios run; "" for none. holdlab's own reports
	// (JUnit, cucumber JSON, GitHub) are written from the Report.
	Format string
	// Output receives the formatter's output. Default io.Discard.
	Output io.Writer
	// OnResult, when set, is called as each scenario run ends, with how
	// many have ended and how many were selected.
	OnResult func(r Result, done, total int)
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

// withDefaults fills what cfg leaves out.
func (cfg Config) withDefaults() Config {
	if cfg.Strategies == nil {
		cfg.Strategies = Builtin()
	}
	if cfg.FS == nil {
		cfg.FS = features.FS
		if cfg.FeatureRoot == "" {
			cfg.FeatureRoot = "features"
		}
	}
	if len(cfg.Paths) == 0 {
		cfg.Paths = []string{"."}
	}
	if cfg.Target == nil {
		cfg.Target = FakeTarget()
	}
	if cfg.Output == nil {
		cfg.Output = io.Discard
	}
	return cfg
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
	Run         string // strategy name, or Platform
	Feature     string // feature file, within Config.FS
	FeatureName string // the feature's title
	Scenario    string
	Keyword     string // "Scenario", "Scenario Outline", …
	Line        int    // the scenario's line; for an outline, its example row's
	Tags        []string
	Status      Status
	Err         error  // why it failed, or failed as expected
	Pitfall     string // for expected failures: the pitfall it shows
	// NotObserved lists the steps the target could not observe, and why.
	NotObserved []string
	Steps       []StepResult
	Duration    time.Duration
}

// StepStatus is a step's outcome.
type StepStatus string

// Step outcomes: godog's, and two of holdlab's.
const (
	StepPassed    StepStatus = "passed"
	StepFailed    StepStatus = "failed"
	StepSkipped   StepStatus = "skipped"
	StepUndefined StepStatus = "undefined"
	StepPending   StepStatus = "pending"
	StepAmbiguous StepStatus = "ambiguous"
	// StepExpectedFailure is the step where an expected failure happened.
	StepExpectedFailure StepStatus = "expected failure"
	// StepNotObservable is a step the target could not check.
	StepNotObservable StepStatus = "not observable"
)

// StepResult is one step of a scenario run (background steps first).
type StepResult struct {
	Keyword  string // "Given ", "When ", …
	Text     string
	Line     int
	Status   StepStatus
	Error    string // why it failed, was expected to, or was not observable
	Duration time.Duration
}

// FailedStep returns the step that failed (or failed as expected, or
// could not be observed), if any.
func (r Result) FailedStep() (StepResult, bool) {
	for _, s := range r.Steps {
		switch s.Status {
		case StepFailed, StepUndefined, StepPending, StepAmbiguous, StepExpectedFailure:
			return s, true
		}
	}
	return StepResult{}, false
}

// Report is every result of a Run.
type Report struct {
	Results []Result
	// Root is Config.FeatureRoot: the reports name feature files by
	// Root/Feature.
	Root string
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
// strategy. Strict: an undefined or pending step fails its scenario. A
// configuration that names what does not exist, or selects nothing, is an
// error wrapping ErrInput, before anything runs.
func Run(ctx context.Context, cfg Config) (Report, error) {
	cfg = cfg.withDefaults()
	rep := Report{Root: cfg.FeatureRoot}
	sel, err := selectScenarios(cfg)
	if err != nil {
		return rep, err
	}
	var runs []string
	byRun := map[string][]*scenarioDoc{}
	for _, p := range sel {
		if byRun[p.run] == nil {
			runs = append(runs, p.run)
		}
		byRun[p.run] = append(byRun[p.run], p.sc)
	}
	prog := &progress{total: len(sel), on: cfg.OnResult}
	files := &storyFiles{taken: map[string]bool{}}
	for _, run := range runs {
		if err := ctx.Err(); err != nil {
			break
		}
		res, err := runOne(ctx, cfg, run, byRun[run], files, prog)
		rep.Results = append(rep.Results, res...)
		if err != nil {
			return rep, fmt.Errorf("run %s: %w", run, err)
		}
	}
	if err := files.writeIndex(cfg, rep); err != nil {
		return rep, err
	}
	if err := ctx.Err(); err != nil {
		return rep, fmt.Errorf("interrupted: %w", err)
	}
	return rep, nil
}

// progress counts the scenario runs that ended, for Config.OnResult.
type progress struct {
	mu    sync.Mutex
	done  int
	total int
	on    func(Result, int, int)
}

func (p *progress) ended(r Result) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.done++
	if p.on != nil {
		p.on(r, p.done, p.total)
	}
}

// runOne runs the selected scenarios of one strategy (or the platform).
func runOne(ctx context.Context, cfg Config, run string, scs []*scenarioDoc, files *storyFiles, prog *progress) ([]Result, error) {
	// godog picks scenarios by line; an outline's example rows that are
	// not selected are skipped when they start.
	selected := map[scenarioKey]*scenarioDoc{}
	var paths []string
	for _, sc := range scs {
		selected[scenarioKey{sc.Feature, sc.Line}] = sc
		if p := fmt.Sprintf("%s:%d", sc.Feature, sc.ScenLine); !slices.Contains(paths, p) {
			paths = append(paths, p)
		}
	}
	loc, name, done := newLocator(run)
	defer done()
	var (
		mu      sync.Mutex
		results []*Result
	)
	factory := cfg.Strategies[run]
	format := locatorFormat
	if cfg.Format != "" {
		format = cfg.Format + "," + locatorFormat
	}
	suite := godog.TestSuite{
		Name: name,
		ScenarioInitializer: func(sc *godog.ScenarioContext) {
			initScenario(sc, cfg, run, factory, files, func(id string) *scenarioDoc {
				return selected[loc.key(id)]
			}, func(r *Result) {
				mu.Lock()
				results = append(results, r)
				mu.Unlock()
				prog.ended(*r)
			})
		},
		Options: &godog.Options{
			Format:         format,
			Output:         cfg.Output,
			Paths:          paths,
			FS:             cfg.FS,
			Strict:         true,
			NoColors:       true,
			DefaultContext: ctx,
		},
	}
	// godog's own status counts expected failures as skipped steps; the
	// verdict is ours, from the results.
	if st := suite.Run(); st == 2 {
		return nil, errors.New("godog could not run the features (see its message above)")
	}
	out := make([]Result, len(results))
	ran := map[scenarioKey]bool{}
	for i, r := range results {
		out[i] = *r
		ran[scenarioKey{r.Feature, r.Line}] = true
	}
	if ctx.Err() == nil && len(out) < len(scs) {
		var missing []string
		for _, sc := range scs {
			if !ran[scenarioKey{sc.Feature, sc.Line}] {
				missing = append(missing, fmt.Sprintf("%s:%d", sc.Feature, sc.Line))
			}
		}
		return out, fmt.Errorf("%d selected scenarios did not run (a scenario without steps?): %s", len(missing), strings.Join(missing, ", "))
	}
	return out, nil
}

// FakeOnlyTag marks a scenario that only means something on the fake (it
// is about what a party hears, or needs scripted phones): on another target
// it is not run, and reported as not observable.
const FakeOnlyTag = "@fake-only"

// initScenario wires one scenario: a fresh world, the steps, the
// bookkeeping of expected failures, of steps the target cannot observe and
// of each step's outcome, and the scenario's story. godog calls it once per
// scenario. lookup finds a scenario of the selection by godog's pickle id
// (nil: not selected, skipped and not reported).
func initScenario(sc *godog.ScenarioContext, cfg Config, run string, factory Factory, files *storyFiles, lookup func(id string) *scenarioDoc, record func(*Result)) {
	w := &world{ctx: context.Background()}
	var (
		xfail, pitfall string
		doc            *scenarioDoc
		steps          []StepResult
		stepIndex      map[string]int // pickle step id -> index in steps
		started        time.Time
		stepStarted    time.Time
		notObserved    int // len(w.notObserved) when the step began
		xfailStep      = -1
	)
	sc.Before(func(ctx context.Context, s *godog.Scenario) (context.Context, error) {
		w.ctx = ctx
		started = time.Now()
		if doc = lookup(s.Id); doc == nil {
			return ctx, godog.ErrSkip
		}
		stepIndex = map[string]int{}
		steps = make([]StepResult, len(s.Steps))
		for i, st := range s.Steps {
			stepIndex[st.Id] = i
			steps[i] = StepResult{Text: st.Text, Status: StepSkipped}
			if i < len(doc.Steps) {
				steps[i].Keyword, steps[i].Line = doc.Steps[i].Keyword, doc.Steps[i].Line
			}
		}
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
		notObserved = len(w.notObserved)
		w.mu.Unlock()
		stepStarted = time.Now()
		if rec != nil {
			rec.Step(st.Text)
		}
		return ctx, nil
	})
	sc.StepContext().After(func(ctx context.Context, st *godog.Step, status godog.StepResultStatus, err error) (context.Context, error) {
		i, ok := stepIndex[st.Id]
		if doc == nil || !ok {
			return ctx, nil
		}
		s := &steps[i]
		s.Status, s.Duration = stepStatus(status), time.Since(stepStarted)
		switch {
		case s.Status == StepUndefined:
			s.Error = "no step definition matches this text"
		case err != nil && !errors.Is(err, godog.ErrSkip):
			s.Error = err.Error()
		}
		w.mu.Lock()
		notes := w.notObserved[min(notObserved, len(w.notObserved)):]
		w.mu.Unlock()
		switch {
		case xfailStep < 0 && w.xfailNote != "" && errors.Is(err, godog.ErrSkip):
			xfailStep = i
			s.Status, s.Error = StepExpectedFailure, w.xfailNote
		case len(notes) > 0:
			s.Status, s.Error = StepNotObservable, strings.Join(notes, "; ")
		}
		return ctx, nil
	})
	sc.After(func(ctx context.Context, s *godog.Scenario, err error) (context.Context, error) {
		if doc == nil {
			return ctx, nil // not selected
		}
		if w.be == nil && w.ctx.Err() != nil {
			// Interrupted before it began: not run, not a result.
			return ctx, nil
		}
		r := &Result{
			Run: run, Feature: doc.Feature, FeatureName: doc.FeatureName, Scenario: s.Name,
			Keyword: doc.Keyword, Line: doc.Line, Tags: doc.Tags,
			Err: err, NotObserved: w.notObserved, Steps: steps,
		}
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
			// A scenario that tests a pitfall and fails may have fallen
			// into it: say which.
			r.Pitfall = pitfalls[pitfall]
		case len(w.notObserved) > 0:
			r.Status, r.Err = NotObservable, nil
		case xfail != "":
			r.Status = UnexpectedPass
			r.Err = fmt.Errorf("tagged @xfail-%s but passed: the pitfall did not reproduce", run)
		default:
			r.Status = Passed
		}
		if w.be != nil {
			if serr := files.write(cfg, w, *r); serr != nil && r.Status != Failed {
				r.Status, r.Err = Failed, serr
			}
		}
		if cerr := w.close(); cerr != nil && r.Status != Failed {
			r.Status, r.Err = Failed, fmt.Errorf("end the scenario: %w", cerr)
		}
		r.Duration = time.Since(started)
		record(r)
		return ctx, nil
	})
	// Every step goes through adapt: in a scenario this strategy is
	// expected to fail, the first failing step is recorded as the expected
	// failure and the rest of the scenario is skipped; a step the target
	// cannot observe is noted, never passed.
	w.defs = w.steps()
	for _, d := range w.defs {
		sc.Step(stepRegexp(d.pattern), adapt(d.fn, w, func() bool { return xfail != "" }))
	}
}

// stepStatus is godog's step status as holdlab's.
func stepStatus(s godog.StepResultStatus) StepStatus {
	switch s {
	case godog.StepPassed:
		return StepPassed
	case godog.StepFailed:
		return StepFailed
	case godog.StepUndefined:
		return StepUndefined
	case godog.StepPending:
		return StepPending
	case godog.StepAmbiguous:
		return StepAmbiguous
	}
	return StepSkipped
}

// pitfalls explains each @pitfall tag in a sentence: what goes wrong, what
// to do instead, and the Twilio documentation that says so. The summary
// lists those of a run's scenarios (the pitfall catalogue), and each
// expected failure names its own.
var pitfalls = map[string]string{
	"parent-redirect":                     "redirecting the parent leg of a <Dial> makes Twilio hang up the child; hold in a conference, or redirect the child with a <Dial action> that keeps the parent (https://www.twilio.com/docs/voice/twiml/dial)",
	"child-redirect":                      "redirecting the child leg ends the parent's <Dial>; with no action and no next verb the parent hangs up; give the <Dial> an action that keeps it (https://www.twilio.com/docs/voice/twiml/dial#action)",
	"empty-dial-action":                   "an empty <Response/> from a <Dial> action ends the parent (there is no do-nothing answer); answer with TwiML that keeps the caller, such as music and a <Redirect> (https://www.twilio.com/docs/voice/twiml/dial#action)",
	"cancel-ringing-child":                "Status=canceled does nothing to a ringing <Dial> child, which counts as in progress; end it with Status=completed (https://www.twilio.com/docs/voice/api/call-resource#update-a-call-resource)",
	"redirect-ended-21220":                "updating a call that has just ended is HTTP 400, error 21220; treat it as \"already gone\", not as a failure to retry (https://www.twilio.com/docs/api/errors/21220)",
	"participant-redirect":                "giving a conference participant's call new TwiML takes it out of the conference; hold with the Participant resource (Hold, HoldUrl) instead (https://www.twilio.com/docs/voice/api/conference-participant-resource)",
	"end-conference-on-exit":              "a participant with endConferenceOnExit ends the conference for everyone when it leaves; set it only on the party whose leaving should end the call (https://www.twilio.com/docs/voice/twiml/conference)",
	"bare-audio-holdurl":                  "a HoldUrl that is a bare audio file plays once, then silence; point it at TwiML with <Play loop=\"0\"> (https://www.twilio.com/docs/voice/api/conference-participant-resource)",
	"hold-twiml-13238":                    "hold, wait and announcement TwiML may only <Play>, <Say>, <Pause> and <Redirect>; another verb is error 13238 and silence (https://www.twilio.com/docs/api/errors/13238)",
	"conference-events-first-participant": "a conference's statusCallback and statusCallbackEvent come from its first participant, later ones are ignored; give every participant the same settings (https://www.twilio.com/docs/voice/twiml/conference)",
	"conference-waiturl-silence":          "conference waitUrl TwiML goes silent when it runs out of verbs, while an <Enqueue> waitUrl is fetched again; end it with a <Redirect> to itself (https://www.twilio.com/docs/voice/twiml/conference)",
	"unescaped-ampersand-12100":           "an unescaped & in a TwiML attribute fails the whole document (12100) and the caller hears the application error; write &amp; (https://www.twilio.com/docs/api/errors/12100)",
	"duplicate-label-16025":               "a participantLabel already in the conference is error 16025: the call does not join and goes on with the next verb; make labels unique (https://www.twilio.com/docs/voice/twiml/conference)",
	"signature-behind-proxy":              "behind a proxy, checking X-Twilio-Signature against the app's own URL fails; the app answers 403 and the caller hears the application error; validate against the URL Twilio requested (https://www.twilio.com/docs/usage/webhooks/webhooks-security)",
	"hold-wrong-participant":              "holding the participant of the wrong leg puts the agent on hold music and leaves the customer in silence; find the participant by the customer's call SID or label (https://www.twilio.com/docs/voice/api/conference-participant-resource)",
	"recording-hold-music":                "a recording of the held party's call keeps recording while it is on hold, hold music included; pause it with PauseBehavior=skip when the hold starts and resume the same recording afterwards (https://www.twilio.com/docs/voice/api/recording#update-a-recording-resource)",
}
