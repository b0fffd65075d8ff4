package scenarios

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// Every step has an example that its own pattern matches, and no other:
// the reference shows texts that work, and none is ambiguous.
func TestStepExamples(t *testing.T) {
	steps := Steps()
	if len(steps) < 40 {
		t.Fatalf("only %d steps registered", len(steps))
	}
	seen := map[string]bool{}
	for _, s := range steps {
		t.Run(s.Example, func(t *testing.T) {
			if s.Example == "" || s.Section == "" {
				t.Fatalf("pattern %s has no example or no section", s.Pattern)
			}
			if seen[s.Pattern] {
				t.Errorf("pattern %s is registered twice", s.Pattern)
			}
			seen[s.Pattern] = true
			if !regexp.MustCompile(s.Pattern).MatchString(s.Example) {
				t.Errorf("example %q does not match its pattern %s", s.Example, s.Pattern)
			}
			for _, o := range steps {
				if o.Pattern != s.Pattern && regexp.MustCompile(o.Pattern).MatchString(s.Example) {
					t.Errorf("example %q also matches %s: ambiguous", s.Example, o.Pattern)
				}
			}
			if strings.HasSuffix(s.Pattern, ":$") != (s.DocString != "") {
				t.Errorf("pattern %s: a step ending with a colon takes a doc string, and has an example of it (got %q)", s.Pattern, s.DocString)
			}
		})
	}
}

// Every step the shipped features use is in the reference.
func TestShippedStepsAreDocumented(t *testing.T) {
	plan, err := Plan(t.Context(), Config{})
	if err != nil {
		t.Fatal(err)
	}
	steps := Steps()
	for _, p := range plan {
		for _, text := range p.Steps {
			found := false
			for _, s := range steps {
				if regexp.MustCompile(s.Pattern).MatchString(text) {
					found = true
					break
				}
			}
			if !found {
				t.Errorf("%s:%d: step %q matches no registered step", p.Feature, p.Line, text)
			}
		}
	}
}

// docs/steps.md is generated from the registry; -update rewrites it.
func TestStepsDoc(t *testing.T) {
	var b bytes.Buffer
	if err := WriteStepsMarkdown(&b); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join("..", "docs", "steps.md")
	if *update {
		if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./scenarios -run TestStepsDoc -update to write it)", err)
	}
	if !bytes.Equal(b.Bytes(), want) {
		t.Errorf("docs/steps.md is stale: run go test ./scenarios -run TestStepsDoc -update")
	}
}

// The README's feature example uses steps that exist.
func TestReadmeSteps(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	steps := Steps()
	blocks := strings.Split(string(data), "```gherkin\n")
	if len(blocks) < 2 {
		t.Fatal("the README has no gherkin example")
	}
	checked := 0
	for _, b := range blocks[1:] {
		b, _, _ = strings.Cut(b, "```")
		inDoc := false
		for _, line := range strings.Split(b, "\n") {
			line = strings.TrimSpace(line)
			if line == `"""` {
				inDoc = !inDoc
				continue
			}
			kw, text, ok := strings.Cut(line, " ")
			if inDoc || !ok || !slices.Contains([]string{"Given", "When", "Then", "And", "But"}, kw) {
				continue
			}
			checked++
			if !slices.ContainsFunc(steps, func(s StepDoc) bool { return regexp.MustCompile(s.Pattern).MatchString(text) }) {
				t.Errorf("README step %q matches no registered step", text)
			}
		}
	}
	if checked == 0 {
		t.Error("no step checked")
	}
}
