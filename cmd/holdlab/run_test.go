package main

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/holdlab/holdlab/scenarios"
)

// holdlab runs a command line as main does, and returns what it wrote to
// stdout and stderr, and its exit status.
func holdlab(t *testing.T, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errOut bytes.Buffer
	root := newRootCmd()
	root.SetOut(&out)
	root.SetErr(&errOut)
	root.SetArgs(args)
	code = execute(context.Background(), root, &errOut)
	return out.String(), errOut.String(), code
}

// `holdlab run` is the README's main command: it must pass on a fresh
// checkout, with the naive strategy failing exactly where declared.
func TestRunWholeSuite(t *testing.T) {
	out, errOut, code := holdlab(t, "run")
	if code != exitOK {
		t.Fatalf("holdlab run: exit %d\n%s%s", code, out, errOut)
	}
	for _, want := range []string{"conference", "callleg", "redirect", "platform", "Expected failures (xfail)", "pitfall:",
		"80 scenario runs: 65 passed, 0 failed, 15 expected failures, 0 unexpected passes. OK\n"} {
		if !strings.Contains(out, want) {
			t.Errorf("summary lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "twilio-model") {
		t.Errorf("the summary cites a file users do not have:\n%s", out)
	}
}

// Each mistake is said once, with what exists, and exits 2 (3 for a
// target that cannot be reached) before anything runs.
func TestRunMistakes(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
		code int
		want []string
	}{
		{"line of no scenario", []string{"run", "--feature", "hold.feature:999"}, exitUsage,
			[]string{"hold.feature:999: no scenario starts at line 999", "  13  Hold: the customer hears music"}},
		{"tags match nothing", []string{"run", "--tags", "@nothing"}, exitUsage,
			[]string{`no scenario matched the tags "@nothing"`, "the tags of these features are: "}},
		{"bad tag expression", []string{"run", "--tags", "@@("}, exitUsage,
			[]string{`bad tag expression "@@("`}},
		{"unknown format", []string{"run", "--format", "xml"}, exitUsage,
			[]string{`unknown format "xml"; the formats are: pretty, progress, junit, cucumber, github`}},
		{"unknown strategy", []string{"run", "--strategy", "confrence"}, exitUsage,
			[]string{`unknown strategy "confrence"; the strategies are: callleg, conference, redirect`}},
		{"unknown feature", []string{"run", "--feature", "hold"}, exitUsage,
			[]string{`unknown feature "hold"; the features are: `, "hold.feature"}},
		{"out without format", []string{"run", "--out", "reports"}, exitUsage,
			[]string{"--out needs --format"}},
		{"two reports on stdout", []string{"run", "--format", "junit,cucumber"}, exitUsage,
			[]string{"add --out DIR"}},
		{"two formats for people", []string{"run", "--format", "pretty,progress", "--out", "x"}, exitUsage,
			[]string{"pick one"}},
		{"bad shard", []string{"run", "--shard", "5/4"}, exitUsage,
			[]string{`bad shard "5/4": want I/N`}},
		{"unknown target", []string{"run", "--target", "staging"}, exitUsage,
			[]string{`unknown target "staging"; the targets are: fake, twilio`}},
		{"unknown flag", []string{"run", "--bogus"}, exitUsage,
			[]string{"unknown flag: --bogus"}},
		{"unknown command", []string{"frob"}, exitUsage,
			[]string{`unknown command "frob"`}},
		{"merge without format", []string{"merge-reports", "a.xml"}, exitUsage,
			[]string{"--format is required"}},
		{"merge a missing file", []string{"merge-reports", "--format", "junit", "nonesuch.xml"}, exitUsage,
			[]string{"nonesuch.xml"}},
		{"twilio without credentials", []string{"run", "--target", "twilio", "--account-sid", "", "--auth-token", "", "--api-key", "", "--api-secret", ""}, exitTarget,
			[]string{"--target twilio: "}},
		{"twilio without --yes", []string{"run", "--target", "twilio", "--account-sid", "AC00000000000000000000000000000000", "--auth-token", "x",
			"--public-url", "https://example.test", "--support-number", "+15550000001", "--agent-number", "+15550000002", "--customer-number", "+15550000003"}, exitUsage,
			[]string{"nothing was called: add --yes"}},
		{"api-base that does not answer", []string{"run", "--target", "twilio", "--yes", "--api-base", "http://127.0.0.1:1",
			"--account-sid", "AC00000000000000000000000000000000", "--auth-token", "x", "--listen", "127.0.0.1:0",
			"--public-url", "https://example.test", "--support-number", "+15550000001", "--agent-number", "+15550000002", "--customer-number", "+15550000003"}, exitTarget,
			[]string{"twilio target: "}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			t.Chdir(dir)
			_, errOut, code := holdlab(t, tc.args...)
			if code != tc.code {
				t.Errorf("exit %d, want %d\n%s", code, tc.code, errOut)
			}
			for _, w := range tc.want {
				if n := strings.Count(errOut, w); n != 1 {
					t.Errorf("stderr has %q %d times, want once:\n%s", w, n, errOut)
				}
			}
			if tc.code == exitUsage && !strings.Contains(errOut, "--help' for usage") {
				t.Errorf("no pointer to --help:\n%s", errOut)
			}
			if entries, _ := os.ReadDir(dir); len(entries) > 0 {
				t.Errorf("a mistake left files behind: %v", entries)
			}
		})
	}
}

func TestExitCodes(t *testing.T) {
	for _, tc := range []struct {
		err  error
		code int
	}{
		{nil, exitOK},
		{errUnexpected, exitUnexpected},
		{usageError(os.ErrInvalid), exitUsage},
		{&exitError{exitTarget, os.ErrInvalid}, exitTarget},
		{context.Canceled, exitInterrupted},
	} {
		if got := exitCode(tc.err); got != tc.code {
			t.Errorf("exitCode(%v) = %d, want %d", tc.err, got, tc.code)
		}
	}
	// Interrupted before it starts: 130.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	root := newRootCmd()
	root.SetArgs([]string{"run"})
	var out bytes.Buffer
	root.SetOut(&out)
	if code := execute(ctx, root, &out); code != exitInterrupted {
		t.Errorf("interrupted run: exit %d, want %d\n%s", code, exitInterrupted, out.String())
	}
}

// On stdout a report is one whole document, and the summary goes to
// stderr; the expected failures are skipped, with their reason.
func TestRunReportOnStdout(t *testing.T) {
	t.Setenv("GITHUB_STEP_SUMMARY", "")
	for _, tc := range []struct {
		format string
		check  func(t *testing.T, out string)
	}{
		{"junit", func(t *testing.T, out string) {
			var doc struct {
				Tests  int `xml:"tests,attr"`
				Suites []struct {
					Name    string `xml:"name,attr"`
					Skipped int    `xml:"skipped,attr"`
					Cases   []struct {
						Skipped *struct {
							Message string `xml:"message,attr"`
						} `xml:"skipped"`
					} `xml:"testcase"`
				} `xml:"testsuite"`
			}
			if err := xml.Unmarshal([]byte(out), &doc); err != nil {
				t.Fatalf("stdout is not one XML document: %v", err)
			}
			if doc.Tests != 80 || len(doc.Suites) != 4 {
				t.Errorf("%d tests in %d suites, want 80 in 4", doc.Tests, len(doc.Suites))
			}
			for _, s := range doc.Suites {
				if s.Name == "redirect" && s.Skipped != 12 {
					t.Errorf("redirect: %d skipped, want the 12 expected failures", s.Skipped)
				}
				for _, c := range s.Cases {
					if c.Skipped != nil && !strings.Contains(c.Skipped.Message, "expected failure: redirecting the ") &&
						!strings.Contains(c.Skipped.Message, "expected failure: a recording of the held party's call") {
						t.Errorf("skipped without its pitfall and reason: %q", c.Skipped.Message)
					}
				}
			}
		}},
		{"cucumber", func(t *testing.T, out string) {
			var doc []map[string]any
			if err := json.Unmarshal([]byte(out), &doc); err != nil {
				t.Fatalf("stdout is not one JSON document: %v", err)
			}
			if len(doc) == 0 {
				t.Error("no feature")
			}
		}},
		{"github", func(t *testing.T, out string) {
			if strings.Contains(out, "::error") {
				t.Errorf("annotations for a run with no unexpected result:\n%s", out)
			}
			if !strings.Contains(out, "### holdlab: ✅ OK") || !strings.Contains(out, "| scenario | callleg | conference | redirect | platform |") {
				t.Errorf("no Markdown summary:\n%s", out)
			}
		}},
	} {
		t.Run(tc.format, func(t *testing.T) {
			out, errOut, code := holdlab(t, "run", "--format", tc.format)
			if code != exitOK {
				t.Fatalf("exit %d\n%s", code, errOut)
			}
			tc.check(t, out)
			if !strings.Contains(errOut, "80 scenario runs: 65 passed") {
				t.Errorf("the summary is not on stderr:\n%s", errOut)
			}
		})
	}
}

func TestRunGitHubStepSummary(t *testing.T) {
	summary := filepath.Join(t.TempDir(), "summary.md")
	t.Setenv("GITHUB_STEP_SUMMARY", summary)
	out, _, code := holdlab(t, "run", "--format", "github", "--strategy", "redirect", "--feature", "hold.feature:13")
	if code != exitOK {
		t.Fatalf("exit %d", code)
	}
	if strings.Contains(out, "### holdlab") {
		t.Errorf("the Markdown summary went to stdout:\n%s", out)
	}
	md, err := os.ReadFile(summary)
	if err != nil || !strings.Contains(string(md), "| Hold: the customer hears music and the agent is free | xfail |") {
		t.Errorf("$GITHUB_STEP_SUMMARY: %v\n%s", err, md)
	}
}

// shardRuns reads the number of runs from a summary's last line.
var shardRuns = regexp.MustCompile(`(?m)^(\d+) scenario runs: `)

// Shards write their reports into folders, and merge-reports joins them
// into the report of the whole run.
func TestRunShardsAndMerge(t *testing.T) {
	t.Setenv("GITHUB_STEP_SUMMARY", "")
	dir := t.TempDir()
	var xmls, jsons []string
	ran := 0 // scenario runs, summed over the shards
	for _, shard := range []string{"1/2", "2/2"} {
		out := filepath.Join(dir, strings.ReplaceAll(shard, "/", "-of-"))
		stdout, errOut, code := holdlab(t, "run", "--shard", shard, "--format", "junit,cucumber,pretty", "--out", out)
		if code != exitOK {
			t.Fatalf("shard %s: exit %d\n%s", shard, code, errOut)
		}
		if m := shardRuns.FindStringSubmatch(stdout); m == nil {
			t.Errorf("shard %s summary:\n%s", shard, stdout)
		} else {
			n, _ := strconv.Atoi(m[1])
			ran += n
		}
		for _, f := range []string{"junit.xml", "cucumber.json", "pretty.txt"} {
			if _, err := os.Stat(filepath.Join(out, f)); err != nil {
				t.Error(err)
			}
		}
		xmls, jsons = append(xmls, filepath.Join(out, "junit.xml")), append(jsons, filepath.Join(out, "cucumber.json"))
	}
	if ran != 80 {
		t.Errorf("the shards ran %d scenario runs together, want the whole suite's 80", ran)
	}
	for _, tc := range []struct {
		format string
		inputs []string
		want   string
	}{
		{"junit", xmls, `<testsuites name="holdlab" tests="80" failures="0" errors="0"`},
		{"junit", jsons, `<testsuites name="holdlab" tests="80" failures="0" errors="0"`},
		{"cucumber", jsons, `"strategy": "redirect"`},
		{"github", jsons, "80 scenario runs: 65 passed, 0 failed, 15 expected failures"},
	} {
		out, errOut, code := holdlab(t, append([]string{"merge-reports", "--format", tc.format}, tc.inputs...)...)
		if code != exitOK || !strings.Contains(out, tc.want) {
			t.Errorf("merge-reports --format %s %s: exit %d, lacks %q\n%s", tc.format, tc.inputs[0], code, tc.want, errOut)
		}
		if !strings.Contains(errOut, "80 scenario runs: 65 passed") {
			t.Errorf("merge-reports: no summary on stderr:\n%s", errOut)
		}
	}
	merged := filepath.Join(dir, "merged.xml")
	if _, errOut, code := holdlab(t, "merge-reports", "--format", "junit", "--out", merged, xmls[0], xmls[1]); code != exitOK {
		t.Fatalf("merge-reports --out: exit %d\n%s", code, errOut)
	}
	if b, err := os.ReadFile(merged); err != nil || !bytes.Contains(b, []byte(`tests="80"`)) {
		t.Errorf("merged.xml: %v\n%.300s", err, b)
	}
}

// Unexpected results exit 1, with a GitHub annotation at the step that
// failed.
func TestMergeUnexpectedResult(t *testing.T) {
	t.Setenv("GITHUB_STEP_SUMMARY", "")
	report := filepath.Join(t.TempDir(), "junit.xml")
	const doc = `<?xml version="1.0" encoding="UTF-8"?>
<testsuites name="holdlab" tests="1" failures="1" errors="0" time="0.010">
  <testsuite name="mine" tests="1" failures="1" errors="0" skipped="0" time="0.010">
    <testcase classname="mine" name="hold.feature: Hold: the customer hears music and the agent is free" time="0.010">
      <failure message="step &quot;And the agent hears silence&quot; (line 17) failed: the agent hears music" type="failed"><![CDATA[features/hold.feature:17: ...]]></failure>
      <system-out><![CDATA[features/hold.feature:13
passed           Given the customer has called the support line and is talking to the agent (line 10)
failed           And the agent hears silence (line 17)
                   the agent hears music
]]></system-out>
    </testcase>
  </testsuite>
</testsuites>
`
	if err := os.WriteFile(report, []byte(doc), 0o644); err != nil {
		t.Fatal(err)
	}
	out, errOut, code := holdlab(t, "merge-reports", "--format", "github", report)
	if code != exitUnexpected {
		t.Errorf("exit %d, want %d\n%s", code, exitUnexpected, errOut)
	}
	want := "::error file=features/hold.feature,line=17,title=mine%3A Hold%3A the customer hears music and the agent is free (failed)::step \"And the agent hears silence\" (line 17) failed: the agent hears music\n"
	if !strings.HasPrefix(out, want) {
		t.Errorf("got\n%s\nwant it to begin with\n%s", out, want)
	}
	if !strings.Contains(errOut, "Unexpected results:") || !strings.Contains(errOut, "FAILED") {
		t.Errorf("summary:\n%s", errOut)
	}
}

// A line per scenario run as it ends, on stderr: the outcome, where, and
// for an unexpected result, why; coloured on a terminal.
func TestProgress(t *testing.T) {
	_, errOut, code := holdlab(t, "run", "--progress", "--strategy", "redirect", "--feature", "hold.feature:13", "--no-summary")
	line := regexp.MustCompile(`^\[1/1\] xfail  redirect    hold\.feature:13  Hold: the customer hears music and the agent is free \([0-9.]+m?s\)\n$`)
	if code != exitOK || !line.MatchString(errOut) {
		t.Errorf("exit %d, stderr %q", code, errOut)
	}
	r := scenarios.Result{Run: "mine", Feature: "hold.feature", Line: 13, Scenario: "Hold", Status: scenarios.Failed, Err: errors.New("the agent hears music")}
	if got, want := progressLine(r, 3, 56, false), "[ 3/56] FAIL   mine        hold.feature:13  Hold (0s)\n        the agent hears music"; got != want {
		t.Errorf("got  %q\nwant %q", got, want)
	}
	if got := progressLine(r, 3, 56, true); !strings.Contains(got, "\x1b[1;31mFAIL ") {
		t.Errorf("no colour: %q", got)
	}
}
