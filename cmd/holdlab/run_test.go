package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func runHoldlab(t *testing.T, args ...string) (string, error) {
	t.Helper()
	var out bytes.Buffer
	root := newRootCmd()
	root.SetOut(&out)
	root.SetErr(&out)
	root.SetArgs(args)
	err := root.ExecuteContext(context.Background())
	return out.String(), err
}

// `holdlab run` is the README's main command: it must pass on a fresh
// checkout, with the naive strategy failing exactly where declared.
func TestRunWholeSuite(t *testing.T) {
	out, err := runHoldlab(t, "run")
	if err != nil {
		t.Fatalf("holdlab run: %v\n%s", err, out)
	}
	for _, want := range []string{"conference", "callleg", "redirect", "platform", "Expected failures (xfail)", "pitfall:", " OK\n"} {
		if !strings.Contains(out, want) {
			t.Errorf("summary lacks %q:\n%s", want, out)
		}
	}
}

func TestRunFiltersAndReports(t *testing.T) {
	dir := t.TempDir()
	out, err := runHoldlab(t, "run", "--strategy", "callleg", "--feature", "hold.feature", "--format", "junit", "--out", dir)
	if err != nil {
		t.Fatalf("holdlab run: %v\n%s", err, out)
	}
	if strings.Contains(out, "redirect") || strings.Contains(out, "conference ") {
		t.Errorf("other strategies ran:\n%s", out)
	}
	xml, err := os.ReadFile(filepath.Join(dir, "callleg.xml"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(xml, []byte("<testsuites")) || !bytes.Contains(xml, []byte("Hold: the customer hears music")) {
		t.Errorf("callleg.xml is not a JUnit report of hold.feature:\n%s", xml)
	}
	if _, err := runHoldlab(t, "run", "--strategy", "nonesuch"); err == nil || !strings.Contains(err.Error(), "unknown strategy") {
		t.Errorf("unknown strategy: err %v", err)
	}
}
