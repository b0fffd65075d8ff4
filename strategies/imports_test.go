package strategies_test

import (
	"os/exec"
	"strings"
	"testing"
)

// Strategies must run unchanged against real Twilio: they may import
// twilio-go, never holdlab's fake.
func TestStrategiesDoNotImportTheFake(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	for _, dep := range strings.Fields(string(out)) {
		if strings.HasPrefix(dep, "github.com/holdlab/holdlab/") && dep != "github.com/holdlab/holdlab/strategies" {
			t.Errorf("strategies depends on %s; it may depend only on twilio-go and the standard library", dep)
		}
	}
}
