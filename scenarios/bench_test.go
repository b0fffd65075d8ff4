package scenarios_test

import (
	"context"
	"testing"

	"github.com/holdlab/holdlab/scenarios"
)

// BenchmarkSuite runs what `holdlab run` runs, in-process: every embedded
// feature against every strategy, each scenario on a fresh fake. Target:
// under 1 second of wall time on 2 cores (the built binary is measured
// with hyperfine, see BENCHMARKS.md).
func BenchmarkSuite(b *testing.B) {
	runs := 0
	for b.Loop() {
		rep, err := scenarios.Run(context.Background(), scenarios.Config{})
		if err != nil {
			b.Fatal(err)
		}
		if !rep.OK() {
			b.Fatal("the suite has unexpected results")
		}
		runs = len(rep.Results)
	}
	b.ReportMetric(float64(runs), "scenario-runs")
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(runs), "ns/scenario-run")
}
