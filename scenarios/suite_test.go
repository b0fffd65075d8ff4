package scenarios

import (
	"context"
	"errors"
	"flag"
	"os"
	"strings"
	"testing"
)

var (
	tags       = flag.String("godog.tags", "", "run only the scenarios matching this godog tag expression, e.g. @pitfall-parent-redirect")
	format     = flag.String("godog.format", "progress", "godog formatter for the log: pretty, progress, …")
	strategyFl = flag.String("strategies", "", "comma-separated strategies to run (default: all)")
)

// TestFeatures runs every feature against every strategy it applies to.
// A scenario fails the test only if its result is unexpected: a failure, or
// a pass where the strategy is expected to fail.
func TestFeatures(t *testing.T) {
	var out strings.Builder
	cfg := Config{Tags: *tags, Format: *format, Output: &out}
	if *strategyFl != "" {
		cfg.Only = strings.Split(*strategyFl, ",")
	}
	rep, err := Run(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Results) == 0 {
		t.Fatal("no scenario ran")
	}
	for _, res := range rep.Results {
		t.Run(res.Run+"/"+res.Scenario, func(t *testing.T) {
			switch res.Status {
			case Failed, UnexpectedPass:
				t.Errorf("%s: %v", res.Status, res.Err)
			case ExpectedFailure:
				t.Logf("expected failure (%s): %v", res.Pitfall, res.Err)
			}
		})
	}
	var sum strings.Builder
	if err := rep.WriteSummary(&sum); err != nil {
		t.Fatal(err)
	}
	t.Log("\n" + sum.String())
	if t.Failed() {
		t.Log("\n" + out.String())
	}
}

// The features declare expected failures for the naive strategy, and the
// other strategies pass everything: the suite must show the redirect
// pitfall, not hide it.
func TestRedirectStrategyFailsOnlyAsExpected(t *testing.T) {
	if *tags != "" || *strategyFl != "" {
		t.Skip("filtered run")
	}
	rep, err := Run(context.Background(), Config{Only: []string{"redirect"}})
	if err != nil {
		t.Fatal(err)
	}
	c := rep.Counts()
	if c[ExpectedFailure] == 0 {
		t.Errorf("the redirect strategy had no expected failure: the pitfall did not show")
	}
	if c[Failed] != 0 || c[UnexpectedPass] != 0 {
		t.Errorf("unexpected results: %v", c)
	}
}

// Interrupted, a run stops between scenarios, reports what ran, and says
// why it stopped.
func TestRunInterrupted(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	total := 0
	rep, err := Run(ctx, Config{OnResult: func(_ Result, done, n int) {
		total = n
		if done == 3 {
			cancel()
		}
	}})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err %v, want context.Canceled", err)
	}
	if len(rep.Results) != 3 || total != 80 {
		t.Errorf("%d results of %d, want the 3 that ran before the interruption", len(rep.Results), total)
	}
	for _, r := range rep.Results {
		if r.Status != Passed {
			t.Errorf("%s / %s: %s %v", r.Run, r.Scenario, r.Status, r.Err)
		}
	}
}

// The README's "Bring your own strategy" shows example_strategy_test.go,
// which compiles and passes, verbatim.
func TestReadmeShowsTheStrategyExample(t *testing.T) {
	example, err := os.ReadFile("example_strategy_test.go")
	if err != nil {
		t.Fatal(err)
	}
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(readme), "```go\n"+string(example)+"```\n") {
		t.Error("README.md does not show scenarios/example_strategy_test.go verbatim in a ```go block")
	}
}
