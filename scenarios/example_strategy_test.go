package scenarios_test

import (
	"context"
	"testing"

	"github.com/holdlab/holdlab/scenarios"
	"github.com/holdlab/holdlab/strategies"
)

// NewMine stands for your strategy's constructor (here, holdlab's
// conference strategy).
func NewMine(c strategies.Config) (strategies.Strategy, error) { return strategies.NewConference(c) }

func TestMyStrategyAgainstHoldlab(t *testing.T) {
	rep, err := scenarios.Run(context.Background(), scenarios.Config{
		Strategies: map[string]scenarios.Factory{
			"mine": func(c strategies.Config) (strategies.Strategy, error) { return NewMine(c) },
		},
		Only: []string{"mine"},
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rep.Results {
		if r.Status == scenarios.Failed || r.Status == scenarios.UnexpectedPass {
			t.Errorf("%s / %s: %s", r.Run, r.Scenario, rep.Reason(r))
		}
	}
	t.Log(rep.Totals())
}
