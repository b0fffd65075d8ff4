package scenarios

import (
	"bufio"
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"
)

// ReportFormats are the machine-readable formats of a Report: JUnit XML,
// cucumber JSON, and GitHub Actions annotations with a job summary.
var ReportFormats = []string{"junit", "cucumber", "github"}

// WriteFormat writes the report in one of ReportFormats; summary is
// WriteGitHub's (nil: after the annotations).
func (r Report) WriteFormat(w io.Writer, format string, summary io.Writer) error {
	switch format {
	case "junit":
		return r.WriteJUnit(w)
	case "cucumber":
		return r.WriteCucumber(w)
	case "github":
		return r.WriteGitHub(w, summary)
	}
	return inputErrorf("unknown report format %q; the formats are: %s", format, strings.Join(ReportFormats, ", "))
}

// ReportKind is the format ReadReport found: "junit" or "cucumber".
type ReportKind string

// ReadReport reads a report written by WriteJUnit or WriteCucumber, and
// says which. A JUnit report gives each result's strategy, feature file,
// scenario, line, outcome and reason, but not its steps.
func ReadReport(in io.Reader) (Report, ReportKind, error) {
	br := bufio.NewReader(in)
	for {
		c, err := br.Peek(1)
		if err != nil {
			return Report{}, "", fmt.Errorf("read report: %w", orEOF(err))
		}
		switch c[0] {
		case ' ', '\t', '\r', '\n', 0xef, 0xbb, 0xbf: // spaces, a UTF-8 BOM
			_, _ = br.ReadByte()
			continue
		case '<':
			rep, err := readJUnit(br)
			return rep, "junit", err
		case '[':
			rep, err := ReadCucumber(br)
			return rep, "cucumber", err
		}
		return Report{}, "", inputErrorf("read report: neither JUnit XML nor cucumber JSON (it starts with %q)", c)
	}
}

func orEOF(err error) error {
	if errors.Is(err, io.EOF) {
		return inputErrorf("the file is empty")
	}
	return err
}

// readJUnit reads a report written by WriteJUnit.
func readJUnit(in io.Reader) (Report, error) {
	var doc junitSuites
	if err := xml.NewDecoder(in).Decode(&doc); err != nil {
		return Report{}, fmt.Errorf("read JUnit: %w", err)
	}
	var rep Report
	for _, s := range doc.Suites {
		for _, c := range s.Cases {
			feature, scenario, ok := strings.Cut(c.Name, ".feature: ")
			if !ok {
				return Report{}, fmt.Errorf("read JUnit: test case %q was not written by holdlab (want FILE.feature: SCENARIO)", c.Name)
			}
			res := Result{Run: orElse(c.Classname, s.Name), Feature: feature + ".feature", Scenario: scenario, Status: Passed}
			if file, line := pathLine(firstLine(c.systemOut())); line > 0 {
				res.Line = line
				if root, ok := strings.CutSuffix(file, "/"+res.Feature); ok {
					rep.Root = root
				}
			}
			if secs, err := strconv.ParseFloat(c.Time, 64); err == nil {
				res.Duration = time.Duration(secs * float64(time.Second))
			}
			res.Steps = parseTranscript(c.systemOut())
			res.Tags = parseTranscriptTags(c.systemOut())
			step, hasStep := res.FailedStep()
			switch {
			case c.Failure != nil && c.Failure.Type == "unexpected pass":
				res.Status, res.Err = UnexpectedPass, errors.New(strings.TrimPrefix(c.Failure.Message, "unexpected pass: "))
			case c.Failure != nil || c.Error != nil:
				m := c.Failure
				if m == nil {
					m = c.Error
				}
				res.Status, res.Err = Failed, errors.New(m.Message)
				if hasStep && step.Error != "" {
					res.Err = errors.New(step.Error)
				}
			case c.Skipped != nil && strings.HasPrefix(c.Skipped.Message, "not observable: "):
				res.Status = NotObservable
				res.NotObserved = strings.Split(strings.TrimPrefix(c.Skipped.Message, "not observable: "), "; ")
			case c.Skipped != nil:
				// "expected failure: PITFALL: REASON", REASON the step's error.
				res.Status = ExpectedFailure
				msg := strings.TrimPrefix(c.Skipped.Message, "expected failure: ")
				res.Err = errors.New(msg)
				if pitfall, ok := strings.CutSuffix(msg, ": "+step.Error); hasStep && step.Error != "" && ok {
					res.Pitfall, res.Err = pitfall, errors.New(step.Error)
				}
			}
			rep.Results = append(rep.Results, res)
		}
	}
	return rep, nil
}

// Merge joins reports of disjoint runs, such as the shards of one run. A
// scenario run found in two reports is an error (the same shard given
// twice).
func Merge(reps ...Report) (Report, error) {
	var out Report
	type key struct {
		run, feature, scenario string
		line                   int
	}
	seen := map[key]int{}
	for i, rep := range reps {
		if out.Root == "" {
			out.Root = rep.Root
		}
		for _, res := range rep.Results {
			k := key{res.Run, res.Feature, res.Scenario, res.Line}
			if j, dup := seen[k]; dup {
				return Report{}, inputErrorf("reports %d and %d both have %s / %s:%d %s: merge the reports of disjoint runs (the shards of one run)", j+1, i+1, res.Run, res.Feature, res.Line, res.Scenario)
			}
			seen[k] = i
			out.Results = append(out.Results, res)
		}
	}
	out.Results = out.sorted()
	return out, nil
}

// MergeFiles merges reports (each JUnit XML or cucumber JSON, as holdlab
// writes them) into one, written to w in format (one of ReportFormats),
// and returns the merged report. JUnit reports merge into JUnit (their
// test cases kept as they are) or github; cucumber reports into any.
func MergeFiles(w io.Writer, format string, summary io.Writer, names []string, open func(string) (io.ReadCloser, error)) (Report, error) {
	if !slices.Contains(ReportFormats, format) {
		return Report{}, inputErrorf("unknown report format %q; the formats are: %s", format, strings.Join(ReportFormats, ", "))
	}
	var (
		reps  []Report
		raw   [][]byte
		kinds = map[ReportKind]bool{}
	)
	for _, name := range names {
		f, err := open(name)
		if err != nil {
			return Report{}, inputErrorf("%v", err)
		}
		data, err := io.ReadAll(f)
		f.Close()
		if err != nil {
			return Report{}, fmt.Errorf("read %s: %w", name, err)
		}
		rep, kind, err := ReadReport(bytes.NewReader(data))
		if err != nil {
			return Report{}, inputErrorf("%s: %v", name, err)
		}
		reps, raw, kinds[kind] = append(reps, rep), append(raw, data), true
	}
	merged, err := Merge(reps...)
	if err != nil {
		return Report{}, err
	}
	switch {
	case format == "junit" && !kinds["cucumber"]:
		rs := make([]io.Reader, len(raw))
		for i, d := range raw {
			rs[i] = bytes.NewReader(d)
		}
		return merged, MergeJUnit(w, rs...)
	case format == "cucumber" && kinds["junit"]:
		return Report{}, inputErrorf("JUnit reports do not carry the steps a cucumber report needs: merge cucumber reports (holdlab run --format cucumber) into cucumber")
	}
	return merged, merged.WriteFormat(w, format, summary)
}
