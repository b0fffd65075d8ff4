// Package bench compares holdlab with twimulator
// (https://github.com/sprucehealth/twimulator), an in-process Twilio Voice
// engine, on one hold scenario (scenario_test.go). It is a separate module
// so that twimulator, which is GPL-3.0, is never a dependency of holdlab:
// get-twimulator.sh fetches it into third_party/, which is not committed.
// See README.md.
package bench

import (
	"runtime"
	"testing"
	"time"
)

// ways are the three ways the scenario is run.
var ways = []struct {
	name string
	run  func(testing.TB) int64
	// webhooks is how many webhooks the scenario makes that way: the voice
	// URL, the agent's URL, the ringing callback, two joins and two leaves;
	// holdlab also fetches the HoldUrl (twimulator stores it and never
	// requests it).
	webhooks int64
}{
	{"twimulator", twimulatorScenario, 7},
	{"holdlab-engine", engineScenario, 8},
	{"holdlab-fake-twilio-go", fakeScenario, 8},
}

// TestHoldScenario runs the scenario once each way, checking the flow (the
// callbacks the app receives, what the customer hears where the engine can
// say) and the number of webhooks.
func TestHoldScenario(t *testing.T) {
	for _, w := range ways {
		t.Run(w.name, func(t *testing.T) {
			want(t, "webhooks", w.run(t), w.webhooks)
		})
	}
}

// BenchmarkHoldScenario measures the scenario each way, side by side in one
// run, so that the ratios between them hold on a noisy machine:
//
//	go test -run '^$' -bench HoldScenario -benchmem -count 6 | tee out.txt
//	benchstat -col /way out.txt
func BenchmarkHoldScenario(b *testing.B) {
	for _, w := range ways {
		b.Run("way="+w.name, func(b *testing.B) {
			b.ReportAllocs()
			var n int64
			cpu0, cpuOK := cpuTime()
			for b.Loop() {
				n = w.run(b)
			}
			if cpu1, ok := cpuTime(); ok && cpuOK {
				b.ReportMetric(float64(cpu1-cpu0)/float64(b.N), "cpu-ns/op")
			}
			b.ReportMetric(float64(n), "webhooks/op")
		})
	}
}

// BenchmarkHoldScenarioInterleaved runs the three ways in turn, a burst of
// 8 scenarios each, and reports each way's time and CPU per scenario and
// the Fake's ratios to twimulator. On a shared machine whose load comes and
// goes over seconds, BenchmarkHoldScenario's sub-benchmarks, a second or
// more apart, meet different loads; here the load of a moment weighs on
// every way alike, so the ratios hold steadier. Each burst starts from a
// collected heap (runtime.GC, not timed), so that it pays for collecting
// its own garbage and none of the previous way's.
//
//	go test -run '^$' -bench HoldScenarioInterleaved -count 6 | tee out.txt
//	benchstat out.txt
//
// An op is one round: a burst each way.
func BenchmarkHoldScenarioInterleaved(b *testing.B) {
	const burst = 8
	type tally struct{ wall, cpu time.Duration }
	sums := make([]tally, len(ways))
	for b.Loop() {
		for i, w := range ways {
			// Each burst starts from a collected heap, so that it pays
			// for collecting its own garbage, not the previous way's.
			runtime.GC()
			t0 := time.Now()
			c0, _ := cpuTime()
			for range burst {
				w.run(b)
			}
			c1, _ := cpuTime()
			sums[i].wall += time.Since(t0)
			sums[i].cpu += c1 - c0
		}
	}
	scenarios := float64(b.N * burst)
	per := func(d time.Duration) float64 { return float64(d.Nanoseconds()) / 1e3 / scenarios }
	_, cpuOK := cpuTime()
	for i, w := range ways {
		b.ReportMetric(per(sums[i].wall), "us/"+w.name)
		if cpuOK {
			b.ReportMetric(per(sums[i].cpu), "cpu-us/"+w.name)
		}
	}
	fake, twim := sums[2], sums[0]
	b.ReportMetric(float64(fake.wall)/float64(twim.wall), "fake/twimulator-time")
	if cpuOK && twim.cpu > 0 {
		b.ReportMetric(float64(fake.cpu)/float64(twim.cpu), "fake/twimulator-cpu")
	}
}
