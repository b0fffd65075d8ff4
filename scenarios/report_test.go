package scenarios

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// outcomesReport runs testdata/report's features, which have every
// outcome, against two strategies, with the durations zeroed so that the
// reports are the same every time.
func outcomesReport(t *testing.T) Report {
	t.Helper()
	rep, err := Run(context.Background(), Config{
		FS: os.DirFS("testdata/report"), FeatureRoot: "scenarios/testdata/report",
		Only: []string{"conference", "redirect"},
	})
	if err != nil {
		t.Fatal(err)
	}
	return zeroDurations(rep)
}

func zeroDurations(rep Report) Report {
	out := Report{Root: rep.Root}
	for _, r := range rep.Results {
		r.Duration = 0
		r.Steps = append([]StepResult(nil), r.Steps...)
		for i := range r.Steps {
			r.Steps[i].Duration = 0
		}
		out.Results = append(out.Results, r)
	}
	return out
}

// golden compares got to testdata/name, or rewrites it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to write it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file (go test -update rewrites it); got:\n%s", path, got)
	}
}

// The outcomes come out as a person and CI expect them: each kind once,
// the reason of each failure said.
func TestOutcomes(t *testing.T) {
	rep := outcomesReport(t)
	want := map[string]Status{
		"conference/A pass": Passed, "redirect/A pass": Passed,
		"conference/An expected failure": Passed, "redirect/An expected failure": ExpectedFailure,
		"conference/An unexpected pass": UnexpectedPass, "redirect/An unexpected pass": Passed,
		"conference/A failure": Failed, "redirect/A failure": Failed,
		"conference/An undefined step": Failed, "redirect/An undefined step": Failed,
		"conference/An outline, customer hangs up": Passed, "conference/An outline, agent hangs up": Passed,
		"redirect/An outline, customer hangs up": Passed, "redirect/An outline, agent hangs up": Passed,
		"platform/Redirecting the parent leg hangs up the child": Passed,
	}
	got := map[string]Status{}
	for _, r := range rep.Results {
		got[r.Run+"/"+r.Scenario] = r.Status
	}
	for k, st := range want {
		if got[k] != st {
			t.Errorf("%s: %q, want %q", k, got[k], st)
		}
	}
	if len(got) != len(want) {
		t.Errorf("%d results, want %d: %v", len(got), len(want), got)
	}
	for _, r := range rep.Results {
		if r.Run == "redirect" && r.Scenario == "An expected failure" {
			s, ok := r.FailedStep()
			if !ok || s.Status != StepExpectedFailure || s.Line != 15 || !strings.Contains(s.Error, "hears nothing") {
				t.Errorf("the expected failure's step: %+v", s)
			}
			if r.Line != 12 || r.Pitfall == "" {
				t.Errorf("expected failure: line %d, pitfall %q", r.Line, r.Pitfall)
			}
		}
	}
}

func TestReportsGolden(t *testing.T) {
	rep := outcomesReport(t)
	for _, tc := range []struct {
		file  string
		write func(io.Writer) error
	}{
		{"report/golden.junit.xml", rep.WriteJUnit},
		{"report/golden.cucumber.json", rep.WriteCucumber},
		{"report/golden.github.txt", func(w io.Writer) error { return rep.WriteGitHub(w, nil) }},
		{"report/golden.summary.txt", rep.WriteSummary},
	} {
		t.Run(tc.file, func(t *testing.T) {
			var b bytes.Buffer
			if err := tc.write(&b); err != nil {
				t.Fatal(err)
			}
			golden(t, tc.file, b.Bytes())
		})
	}
}

// checkJUnit checks a JUnit document against the structure of the common
// JUnit schema (Jenkins' junit-10.xsd, which GitLab and GitHub reporters
// also read) and the consistency of its counts, and returns them.
func checkJUnit(t *testing.T, doc []byte) (tests, failures, skipped int) {
	t.Helper()
	dec := xml.NewDecoder(bytes.NewReader(doc))
	type node struct {
		XMLName xml.Name
		Attrs   []xml.Attr `xml:",any,attr"`
		Nodes   []node     `xml:",any"`
		Text    string     `xml:",chardata"`
	}
	var root node
	if err := dec.Decode(&root); err != nil {
		t.Fatalf("not XML: %v", err)
	}
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if cd, ok := tok.(xml.CharData); err != nil || !ok || strings.TrimSpace(string(cd)) != "" {
			t.Fatalf("something after the document: %v %v", tok, err)
		}
	}
	attrs := func(n node, allowed, required string) map[string]string {
		m := map[string]string{}
		for _, a := range n.Attrs {
			if !strings.Contains(" "+allowed+" ", " "+a.Name.Local+" ") {
				t.Errorf("<%s> has attribute %q, not in the schema", n.XMLName.Local, a.Name.Local)
			}
			m[a.Name.Local] = a.Value
		}
		for _, r := range strings.Fields(required) {
			if _, ok := m[r]; !ok {
				t.Errorf("<%s> lacks %q", n.XMLName.Local, r)
			}
		}
		return m
	}
	num := func(m map[string]string, k string) int {
		n, err := strconv.Atoi(m[k])
		if err != nil {
			t.Errorf("%s=%q is not a number", k, m[k])
		}
		return n
	}
	if root.XMLName.Local != "testsuites" {
		t.Fatalf("root <%s>, want <testsuites>", root.XMLName.Local)
	}
	ra := attrs(root, "name time tests failures disabled errors", "tests failures errors time")
	var sumTests, sumFailures int
	for _, s := range root.Nodes {
		if s.XMLName.Local != "testsuite" {
			t.Errorf("<testsuites> holds <%s>", s.XMLName.Local)
			continue
		}
		sa := attrs(s, "name tests failures errors skipped disabled time timestamp hostname id package file", "name tests failures errors skipped time")
		var cases, fails, skips, errs int
		for _, c := range s.Nodes {
			if c.XMLName.Local != "testcase" {
				t.Errorf("<testsuite> holds <%s>", c.XMLName.Local)
				continue
			}
			ca := attrs(c, "name assertions time classname status", "classname name time")
			if ca["classname"] != sa["name"] {
				t.Errorf("testcase %q: classname %q in suite %q", ca["name"], ca["classname"], sa["name"])
			}
			cases++
			order := map[string]int{"skipped": 0, "error": 1, "failure": 2, "system-out": 3, "system-err": 4}
			last := -1
			for _, ch := range c.Nodes {
				o, ok := order[ch.XMLName.Local]
				if !ok || o < last {
					t.Errorf("testcase %q: <%s> out of the schema's order", ca["name"], ch.XMLName.Local)
				}
				last = o
				switch ch.XMLName.Local {
				case "failure":
					fails++
					m := attrs(ch, "type message", "type message")
					if m["message"] == "" || strings.TrimSpace(ch.Text) == "" {
						t.Errorf("testcase %q: a failure without its reason", ca["name"])
					}
				case "error":
					errs++
				case "skipped":
					skips++
					if attrs(ch, "message", "message")["message"] == "" {
						t.Errorf("testcase %q: skipped without a message", ca["name"])
					}
				}
			}
		}
		if num(sa, "tests") != cases || num(sa, "failures") != fails || num(sa, "skipped") != skips || num(sa, "errors") != errs {
			t.Errorf("suite %s counts %v, but holds %d tests, %d failures, %d skipped, %d errors", sa["name"], sa, cases, fails, skips, errs)
		}
		sumTests += cases
		sumFailures += fails
		skipped += skips
	}
	if num(ra, "tests") != sumTests || num(ra, "failures") != sumFailures {
		t.Errorf("testsuites counts %v, but the suites hold %d tests, %d failures", ra, sumTests, sumFailures)
	}
	return sumTests, sumFailures, skipped
}

func TestJUnitSchema(t *testing.T) {
	var b bytes.Buffer
	if err := outcomesReport(t).WriteJUnit(&b); err != nil {
		t.Fatal(err)
	}
	tests, failures, skipped := checkJUnit(t, b.Bytes())
	if tests != 15 || failures != 5 || skipped != 1 {
		t.Errorf("%d tests, %d failures, %d skipped; want 15, 5, 1", tests, failures, skipped)
	}
	// The whole suite: its 15 expected failures are skipped, not errors.
	rep, err := Run(context.Background(), Config{})
	if err != nil {
		t.Fatal(err)
	}
	b.Reset()
	if err := rep.WriteJUnit(&b); err != nil {
		t.Fatal(err)
	}
	if tests, failures, skipped := checkJUnit(t, b.Bytes()); tests != 80 || failures != 0 || skipped != 15 {
		t.Errorf("the suite: %d tests, %d failures, %d skipped; want 80, 0, 15", tests, failures, skipped)
	}
}

// A report reads back into the same report, what merging shards relies
// on: cucumber fully, JUnit as far as JUnit, GitHub and the summary show.
func TestReportsReadBack(t *testing.T) {
	rep := outcomesReport(t)
	for _, tc := range []struct {
		kind  ReportKind
		write func(Report, io.Writer) error
	}{
		{"cucumber", Report.WriteCucumber},
		{"junit", Report.WriteJUnit},
	} {
		t.Run(string(tc.kind), func(t *testing.T) {
			var first bytes.Buffer
			if err := tc.write(rep, &first); err != nil {
				t.Fatal(err)
			}
			back, kind, err := ReadReport(bytes.NewReader(first.Bytes()))
			if err != nil || kind != tc.kind {
				t.Fatalf("read back: %v, %q", err, kind)
			}
			for _, format := range []string{string(tc.kind), "github", "summary"} {
				var a, b bytes.Buffer
				if format == "summary" {
					_, _ = rep.WriteSummary(&a), back.WriteSummary(&b)
				} else {
					_, _ = rep.WriteFormat(&a, format, nil), back.WriteFormat(&b, format, nil)
				}
				if a.String() != b.String() {
					t.Errorf("%s of the read-back report differs: %s", format, diffLines(b.String(), a.String()))
				}
			}
		})
	}
	if err := json.Unmarshal(must(t, rep.WriteCucumber), new([]map[string]any)); err != nil {
		t.Errorf("cucumber: not one JSON document: %v", err)
	}
}

// must returns what write writes.
func must(t *testing.T, write func(io.Writer) error) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := write(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// A GitHub annotation survives what a reason may hold: newlines, colons,
// commas, percent signs.
func TestGitHubEscapes(t *testing.T) {
	rep := Report{Root: "features", Results: []Result{{
		Run: "mine", Feature: "x.feature", Scenario: "a, b: c", Line: 3, Status: Failed,
		Err: fmt.Errorf("100%% wrong\nsecond line"),
	}}}
	var b bytes.Buffer
	if err := rep.WriteGitHub(&b, io.Discard); err != nil {
		t.Fatal(err)
	}
	want := "::error file=features/x.feature,line=3,title=mine%3A a%2C b%3A c (failed)::100%25 wrong%0Asecond line\n"
	if b.String() != want {
		t.Errorf("got  %q\nwant %q", b.String(), want)
	}
}
