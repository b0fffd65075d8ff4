package main

import (
	"os/exec"
	"strings"
	"testing"
)

// holdlab uses three of twilio-go's packages (client, rest/api/v2010,
// twiml). Its root package builds a client of every Twilio API, some sixty
// packages that a first build would compile for nothing: nothing that
// holdlab links may import it.
func TestNoTwilioGoRootPackage(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	const root = "github.com/twilio/twilio-go"
	var twilioGo []string
	for _, dep := range strings.Fields(string(out)) {
		if dep == root {
			t.Errorf("holdlab depends on twilio-go's root package; import rest/api/v2010 and client instead")
		}
		if dep == root || strings.HasPrefix(dep, root+"/") {
			twilioGo = append(twilioGo, dep)
		}
	}
	if len(twilioGo) >= 10 {
		t.Errorf("holdlab depends on %d of twilio-go's packages, want fewer than 10: %s", len(twilioGo), strings.Join(twilioGo, " "))
	}
}
