// Package bench compares holdlab with twimulator
// (https://github.com/sprucehealth/twimulator), an in-process Twilio Voice
// engine, on one hold scenario (scenario_test.go). It is a separate module
// so that twimulator, which is GPL-3.0, is never a dependency of holdlab:
// get-twimulator.sh fetches it into third_party/, which is not committed.
// See README.md.
package bench

import "testing"

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
