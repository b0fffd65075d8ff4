package sim

import (
	"flag"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cockroachdb/datadriven"
)

var update = flag.Bool("update", false, "rewrite the expected outputs of testdata/script/*.txt (and any other golden file of this package)")

// TestScript runs the scripts of testdata/script: each pins one Twilio
// behaviour as a list of commands (set up numbers, phones and TwiML apps,
// make calls, move the clock, look at what each party hears and at the
// trace), each followed by its expected output. The command language is
// described in testdata/script/README.md. With -update the outputs are
// rewritten; review them as a diff.
func TestScript(t *testing.T) {
	if *update {
		// datadriven rewrites its files under its own flag name.
		must(t, flag.Set("rewrite", "true"))
	}
	files, err := filepath.Glob(filepath.Join("testdata", "script", "*.txt"))
	must(t, err)
	if len(files) == 0 {
		t.Fatal("no scripts in testdata/script")
	}
	for _, path := range files {
		t.Run(strings.TrimSuffix(filepath.Base(path), ".txt"), func(t *testing.T) {
			t.Cleanup(func() {
				if t.Failed() {
					t.Log("if the new output is right, rewrite it with: go test ./fakeapi/sim -run TestScript -update (and review the diff)")
				}
			})
			s := newScript(t)
			datadriven.RunTest(t, path, s.exec)
		})
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
