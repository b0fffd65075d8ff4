package strategies_test

import (
	"os/exec"
	"strings"
	"testing"
)

// Strategies must run unchanged against real Twilio: they may import
// twilio-go, never holdlab's fake. Of twilio-go they use the 2010 REST API,
// its client and TwiML, never the root package, which builds every Twilio
// API (some sixty packages) into whatever imports it.
func TestStrategiesDoNotImportTheFake(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	for _, dep := range strings.Fields(string(out)) {
		if strings.HasPrefix(dep, "github.com/holdlab/holdlab/") && dep != "github.com/holdlab/holdlab/strategies" {
			t.Errorf("strategies depends on %s; it may depend only on twilio-go and the standard library", dep)
		}
		if dep == "github.com/twilio/twilio-go" {
			t.Errorf("strategies depends on twilio-go's root package; import rest/api/v2010 and client instead")
		}
	}
}
