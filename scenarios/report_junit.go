package scenarios

import (
	"encoding/xml"
	"fmt"
	"io"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
)

// The JUnit XML document, as Jenkins, GitLab and GitHub test reporters
// read it: one <testsuites>, one <testsuite> per strategy (and the
// platform), one <testcase> per scenario run.
type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Errors   int          `xml:"errors,attr"`
	Time     string       `xml:"time,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name     string      `xml:"name,attr"`
	Tests    int         `xml:"tests,attr"`
	Failures int         `xml:"failures,attr"`
	Errors   int         `xml:"errors,attr"`
	Skipped  int         `xml:"skipped,attr"`
	Time     string      `xml:"time,attr"`
	Cases    []junitCase `xml:"testcase"`
}

type junitCase struct {
	Classname string        `xml:"classname,attr"`
	Name      string        `xml:"name,attr"`
	Time      string        `xml:"time,attr"`
	Skipped   *junitMessage `xml:"skipped"`
	Error     *junitMessage `xml:"error"`
	Failure   *junitMessage `xml:"failure"`
	SystemOut *junitText    `xml:"system-out"`
}

// junitText is an element's text, written as CDATA to keep its lines.
type junitText struct {
	Text string `xml:",cdata"`
}

type junitMessage struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr,omitempty"`
	Text    string `xml:",cdata"`
}

// seconds renders a duration as JUnit's time attribute.
func seconds(d time.Duration) string { return strconv.FormatFloat(d.Seconds(), 'f', 3, 64) }

// junitName is a test case's name: the feature file and the scenario.
func junitName(res Result) string { return res.Feature + ": " + res.Scenario }

// WriteJUnit writes the report as one JUnit XML document. Each strategy
// (and the platform) is a <testsuite>, each scenario run a <testcase>
// (classname: the strategy; name: feature file and scenario). A failure or
// an unexpected pass is a <failure> with the step that failed and the
// whole reason; an expected failure is <skipped message="expected failure:
// PITFALL: REASON"/>, as is a scenario that could not be observed. Each
// test case's <system-out> gives its location and tags, and lists its
// steps with their outcomes.
func (r Report) WriteJUnit(w io.Writer) error {
	doc := junitSuites{Name: "holdlab"}
	var total time.Duration
	index := map[string]int{}
	for _, res := range r.sorted() {
		i, ok := index[res.Run]
		if !ok {
			i = len(doc.Suites)
			index[res.Run] = i
			doc.Suites = append(doc.Suites, junitSuite{Name: res.Run})
		}
		s := &doc.Suites[i]
		c := junitCase{Classname: res.Run, Name: junitName(res), Time: seconds(res.Duration), SystemOut: &junitText{r.transcript(res)}}
		switch res.Status {
		case Failed, UnexpectedPass:
			typ := "failed"
			if res.Status == UnexpectedPass {
				typ = "unexpected pass"
			}
			reason := r.Reason(res)
			c.Failure = &junitMessage{Message: firstLine(reason), Type: typ, Text: r.location(res) + ": " + reason}
			s.Failures++
		case ExpectedFailure, NotObservable:
			c.Skipped = &junitMessage{Message: r.Reason(res)}
			s.Skipped++
		}
		s.Tests++
		s.Cases = append(s.Cases, c)
		total += res.Duration
	}
	for i := range doc.Suites {
		s := &doc.Suites[i]
		var d time.Duration
		for _, res := range r.Results {
			if res.Run == s.Name {
				d += res.Duration
			}
		}
		s.Time = seconds(d)
		doc.Tests += s.Tests
		doc.Failures += s.Failures
	}
	doc.Time = seconds(total)
	return writeXML(w, doc)
}

func writeXML(w io.Writer, doc junitSuites) error {
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return fmt.Errorf("write JUnit: %w", err)
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return fmt.Errorf("write JUnit: %w", err)
	}
	if _, err := io.WriteString(w, "\n"); err != nil {
		return fmt.Errorf("write JUnit: %w", err)
	}
	return nil
}

func firstLine(s string) string {
	first, _, _ := strings.Cut(s, "\n")
	return first
}

// The transcript's layout: a status padded to transcriptStatus, a space,
// the step; an error under it, indented by transcriptIndent.
const (
	transcriptStatus = 16
	transcriptIndent = transcriptStatus + 3
)

// transcript lists a scenario run's steps with their outcomes, under its
// location and its tags ("tags: @platform @pitfall-…"), for people reading
// a report and for merging reports (the summary's pitfall catalogue).
func (r Report) transcript(res Result) string {
	var b strings.Builder
	if res.Line > 0 {
		fmt.Fprintf(&b, "%s:%d\n", r.path(res), res.Line)
	} else {
		fmt.Fprintf(&b, "%s\n", r.path(res))
	}
	if len(res.Tags) > 0 {
		fmt.Fprintf(&b, "%s%s\n", transcriptTags, strings.Join(res.Tags, " "))
	}
	for _, s := range res.Steps {
		fmt.Fprintf(&b, "%-*s %s%s", transcriptStatus, s.Status, s.Keyword, s.Text)
		if s.Line > 0 {
			fmt.Fprintf(&b, " (line %d)", s.Line)
		}
		b.WriteString("\n")
		if s.Error != "" {
			indent := strings.Repeat(" ", transcriptIndent)
			fmt.Fprintf(&b, "%s%s\n", indent, strings.ReplaceAll(s.Error, "\n", "\n"+indent))
		}
	}
	return b.String()
}

// MergeJUnit merges JUnit documents written by WriteJUnit (the shards of
// a run) into one: each strategy's test cases in one <testsuite>, the
// counts summed, the test cases in the order an unsharded run lists them.
func MergeJUnit(w io.Writer, docs ...io.Reader) error {
	var merged junitSuites
	merged.Name = "holdlab"
	index := map[string]int{}
	var total float64
	for n, in := range docs {
		var doc junitSuites
		if err := xml.NewDecoder(in).Decode(&doc); err != nil {
			return fmt.Errorf("read JUnit report %d: %w", n+1, err)
		}
		for _, s := range doc.Suites {
			i, ok := index[s.Name]
			if !ok {
				i = len(merged.Suites)
				index[s.Name] = i
				merged.Suites = append(merged.Suites, junitSuite{Name: s.Name, Time: "0"})
			}
			m := &merged.Suites[i]
			m.Tests += s.Tests
			m.Failures += s.Failures
			m.Errors += s.Errors
			m.Skipped += s.Skipped
			m.Time = addSeconds(m.Time, s.Time)
			m.Cases = append(m.Cases, s.Cases...)
		}
		t, _ := strconv.ParseFloat(doc.Time, 64)
		total += t
	}
	sort.SliceStable(merged.Suites, func(i, j int) bool { return runRank(merged.Suites[i].Name, merged.Suites[j].Name) < 0 })
	for i := range merged.Suites {
		s := &merged.Suites[i]
		sort.SliceStable(s.Cases, func(a, b int) bool { return caseOrder(s.Cases[a]) < caseOrder(s.Cases[b]) })
		merged.Tests += s.Tests
		merged.Failures += s.Failures
		merged.Errors += s.Errors
	}
	merged.Time = strconv.FormatFloat(total, 'f', 3, 64)
	return writeXML(w, merged)
}

// caseOrder sorts test cases by feature file and line, from the location
// that opens their <system-out>.
func caseOrder(c junitCase) string {
	if c.SystemOut == nil {
		return c.Name
	}
	loc := firstLine(c.SystemOut.Text)
	file, line := pathLine(loc)
	if line == 0 {
		return c.Name
	}
	return fmt.Sprintf("%s:%09d", file, line)
}

func addSeconds(a, b string) string {
	x, _ := strconv.ParseFloat(a, 64)
	y, _ := strconv.ParseFloat(b, 64)
	return strconv.FormatFloat(x+y, 'f', 3, 64)
}

func (c junitCase) systemOut() string {
	if c.SystemOut == nil {
		return ""
	}
	return c.SystemOut.Text
}

var transcriptLine = regexp.MustCompile(`^(\S+ )(.*?)(?: \(line (\d+)\))?$`)

// parseTranscript reads the steps back from a transcript.
func parseTranscript(text string) []StepResult {
	var steps []StepResult
	indent := strings.Repeat(" ", transcriptIndent)
	for i, line := range strings.Split(strings.TrimSuffix(text, "\n"), "\n") {
		switch {
		case i == 0 || line == "" || (i == 1 && strings.HasPrefix(line, transcriptTags)):
			// the location and the tags
		case strings.HasPrefix(line, indent) && len(steps) > 0:
			s := &steps[len(steps)-1]
			if s.Error != "" {
				s.Error += "\n"
			}
			s.Error += strings.TrimPrefix(line, indent)
		case len(line) > transcriptStatus:
			m := transcriptLine.FindStringSubmatch(line[transcriptStatus+1:])
			if m == nil {
				continue
			}
			n, _ := strconv.Atoi(m[3])
			steps = append(steps, StepResult{Status: StepStatus(strings.TrimSpace(line[:transcriptStatus])), Keyword: m[1], Text: m[2], Line: n})
		}
	}
	return steps
}

// transcriptTags begins the line of a transcript that lists the scenario's
// tags, after its location.
const transcriptTags = "tags: "

// parseTranscriptTags returns the tags a transcript lists.
func parseTranscriptTags(text string) []string {
	lines := strings.SplitN(text, "\n", 3)
	if len(lines) < 2 {
		return nil
	}
	tags, ok := strings.CutPrefix(lines[1], transcriptTags)
	if !ok {
		return nil
	}
	return strings.Fields(tags)
}
