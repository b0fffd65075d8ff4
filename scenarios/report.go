package scenarios

import (
	"fmt"
	"io"
	"sort"
	"strings"
	"unicode/utf8"
)

// Counts sums a report by status.
func (r Report) Counts() map[Status]int {
	c := map[Status]int{}
	for _, res := range r.Results {
		c[res.Status]++
	}
	return c
}

// Mark is a status's cell in the summary grid: ok, FAIL, xfail, XPASS or
// n/o.
func Mark(s Status) string {
	switch s {
	case Passed:
		return "ok"
	case Failed:
		return "FAIL"
	case ExpectedFailure:
		return "xfail"
	case UnexpectedPass:
		return "XPASS"
	case NotObservable:
		return "n/o"
	}
	return "?"
}

// ANSI colours of the summary and the progress lines on a terminal.
const (
	ansiReset  = "\x1b[0m"
	ansiGreen  = "\x1b[32m"
	ansiRed    = "\x1b[1;31m"
	ansiYellow = "\x1b[33m"
	ansiCyan   = "\x1b[36m"
	ansiDim    = "\x1b[2m"
)

// Colored wraps a status's text in its ANSI colour: green passed, red
// failed or unexpected pass, yellow expected failure, cyan not observable.
func Colored(s Status, text string) string {
	c := ""
	switch s {
	case Passed:
		c = ansiGreen
	case Failed, UnexpectedPass:
		c = ansiRed
	case ExpectedFailure:
		c = ansiYellow
	case NotObservable:
		c = ansiCyan
	}
	if c == "" {
		return text
	}
	return c + text + ansiReset
}

// runRank orders runs: strategies by name, the platform last.
func runRank(a, b string) int {
	if (a == Platform) != (b == Platform) {
		if a == Platform {
			return 1
		}
		return -1
	}
	return strings.Compare(a, b)
}

// sorted returns the results in a canonical order, whatever order they
// ran or were merged in: by run (strategies by name, the platform last),
// feature file, line and name.
func (r Report) sorted() []Result {
	out := append([]Result(nil), r.Results...)
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if c := runRank(a.Run, b.Run); c != 0 {
			return c < 0
		}
		if a.Feature != b.Feature {
			return a.Feature < b.Feature
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		return a.Scenario < b.Scenario
	})
	return out
}

// path is a result's feature file as the reports name it: Root/Feature.
func (r Report) path(res Result) string {
	if r.Root == "" {
		return res.Feature
	}
	return r.Root + "/" + res.Feature
}

// gridRow is one scenario of the summary grid.
type gridRow struct{ feature, scenario string }

// grid lays the results out: runs as columns (strategies first, the
// platform last), scenarios as rows grouped by feature file (the
// strategies' features first), and each cell's status.
func (r Report) grid() (runs []string, rows []gridRow, cells map[gridRow]map[string]Status) {
	seenRun := map[string]bool{}
	line := map[gridRow]int{}
	cells = map[gridRow]map[string]Status{}
	for _, res := range r.Results {
		if !seenRun[res.Run] {
			seenRun[res.Run] = true
			runs = append(runs, res.Run)
		}
		k := gridRow{res.Feature, res.Scenario}
		if cells[k] == nil {
			rows = append(rows, k)
			cells[k] = map[string]Status{}
			line[k] = res.Line
		}
		cells[k][res.Run] = res.Status
	}
	sort.SliceStable(runs, func(i, j int) bool { return runRank(runs[i], runs[j]) < 0 })
	sort.SliceStable(rows, func(i, j int) bool {
		pi, pj := cells[rows[i]][Platform] != "", cells[rows[j]][Platform] != ""
		if pi != pj {
			return !pi
		}
		if rows[i].feature != rows[j].feature {
			return rows[i].feature < rows[j].feature
		}
		return line[rows[i]] < line[rows[j]]
	})
	return runs, rows, cells
}

// WriteSummary prints the report for a person: one row per scenario, one
// column per strategy (and the platform), the pitfall catalogue (each
// pitfall the scenarios are tagged with, explained, with its Twilio
// documentation URL), then the expected failures with the pitfall each
// demonstrates, the unexpected results with their errors, and the totals.
func (r Report) WriteSummary(w io.Writer) error { return r.WriteSummaryColor(w, false) }

// WriteSummaryColor is WriteSummary, with the grid's marks and the verdict
// in colour when color is set (for a terminal).
func (r Report) WriteSummaryColor(w io.Writer, color bool) error {
	runs, rows, cells := r.grid()
	paint := func(s Status, text string) string {
		if color {
			return Colored(s, text)
		}
		return text
	}
	// The grid, padded by hand: colour codes have no width.
	table := [][]string{append([]string{"scenario"}, runs...)}
	status := [][]Status{make([]Status, len(runs)+1)}
	feature := ""
	for _, k := range rows {
		if k.feature != feature {
			feature = k.feature
			table = append(table, []string{feature})
			status = append(status, nil)
		}
		row, st := []string{"  " + k.scenario}, []Status{""}
		for _, run := range runs {
			s, ok := cells[k][run]
			mark := "-"
			if ok {
				mark = Mark(s)
			}
			row, st = append(row, mark), append(st, s)
		}
		table, status = append(table, row), append(status, st)
	}
	widths := make([]int, len(runs)+1)
	for _, row := range table {
		if len(row) == 1 {
			continue // a feature's name: a row of its own
		}
		for i, c := range row {
			widths[i] = max(widths[i], utf8.RuneCountInString(c))
		}
	}
	var b strings.Builder
	for i, row := range table {
		for j, c := range row {
			if j > 0 {
				b.WriteString("  ")
			}
			text := c
			if status[i] != nil && status[i][j] != "" {
				text = paint(status[i][j], c)
			}
			b.WriteString(text)
			if j < len(row)-1 {
				b.WriteString(strings.Repeat(" ", widths[j]-utf8.RuneCountInString(c)))
			}
		}
		b.WriteString("\n")
	}
	if _, err := io.WriteString(w, b.String()); err != nil {
		return fmt.Errorf("write summary: %w", err)
	}
	if names := r.pitfallNames(); len(names) > 0 {
		fmt.Fprintf(w, "\nThe pitfall catalogue: what these scenarios show (run one with --tags @pitfall-NAME).\n")
		for _, name := range names {
			text := pitfalls[name]
			if text == "" {
				text = "(not in holdlab's catalogue)"
			}
			fmt.Fprintf(w, "  @pitfall-%s\n    %s\n", name, text)
		}
	}

	var xfails, bad, unobserved []Result
	for _, res := range r.Results {
		switch res.Status {
		case ExpectedFailure:
			xfails = append(xfails, res)
		case Failed, UnexpectedPass:
			bad = append(bad, res)
		case NotObservable:
			unobserved = append(unobserved, res)
		}
	}
	if len(xfails) > 0 {
		fmt.Fprintf(w, "\nExpected failures (xfail): each reproduces a pitfall.\n")
		for _, res := range xfails {
			fmt.Fprintf(w, "  %s / %s\n    pitfall: %s\n    failed as expected: %v\n", res.Run, res.Scenario, res.Pitfall, res.Err)
		}
	}
	if len(unobserved) > 0 {
		fmt.Fprintf(w, "\nNot observable (n/o) on this target: no step failed, and these steps could not be checked.\n")
		for _, res := range unobserved {
			fmt.Fprintf(w, "  %s / %s\n", res.Run, res.Scenario)
			for _, n := range res.NotObserved {
				fmt.Fprintf(w, "    not observable: %s\n", n)
			}
		}
	}
	if len(bad) > 0 {
		fmt.Fprintf(w, "\nUnexpected results:\n")
		for _, res := range bad {
			fmt.Fprintf(w, "  %s / %s (%s): %s\n    %s\n", res.Run, res.Scenario, r.location(res), paint(res.Status, string(res.Status)), r.Reason(res))
		}
	}
	verdict := paint(Passed, "OK")
	if !r.OK() {
		verdict = paint(Failed, "FAILED")
	}
	_, err := fmt.Fprintf(w, "\n%s %s\n", r.Totals(), verdict)
	return err
}

// pitfallNames are the pitfalls the report's scenarios are tagged with
// (@pitfall-NAME), sorted.
func (r Report) pitfallNames() []string {
	seen := map[string]bool{}
	var names []string
	for _, res := range r.Results {
		for _, t := range res.Tags {
			if name, ok := strings.CutPrefix(t, "@pitfall-"); ok && !seen[name] {
				seen[name] = true
				names = append(names, name)
			}
		}
	}
	sort.Strings(names)
	return names
}

// Totals sums the report in a sentence: "56 scenario runs: 47 passed, 0
// failed, 9 expected failures, 0 unexpected passes."
func (r Report) Totals() string {
	c := r.Counts()
	notObservable := ""
	if n := c[NotObservable]; n > 0 {
		notObservable = fmt.Sprintf(", %d not observable", n)
	}
	return fmt.Sprintf("%d scenario runs: %d passed, %d failed, %d expected failures, %d unexpected passes%s.",
		len(r.Results), c[Passed], c[Failed], c[ExpectedFailure], c[UnexpectedPass], notObservable)
}

// location is where a result points in its feature file: the step that
// failed, else the scenario ("features/hold.feature:17").
func (r Report) location(res Result) string {
	line := res.Line
	if s, ok := res.FailedStep(); ok && s.Line > 0 {
		line = s.Line
	}
	if line == 0 {
		return r.path(res)
	}
	return fmt.Sprintf("%s:%d", r.path(res), line)
}

// Reason says in full why a result is what it is: the step that failed and
// its error, the expected failure with its pitfall, the steps that could
// not be observed; "" for a pass.
func (r Report) Reason(res Result) string {
	err := ""
	if res.Err != nil {
		err = res.Err.Error()
	}
	switch res.Status {
	case Failed:
		reason := err
		if s, ok := res.FailedStep(); ok {
			reason = fmt.Sprintf("step \"%s\" (line %d) %s: %s", strings.TrimSpace(s.Keyword+s.Text), s.Line, s.Status, orElse(s.Error, err))
		}
		if res.Pitfall != "" {
			reason += "; this scenario tests a pitfall: " + res.Pitfall
		}
		return reason
	case ExpectedFailure:
		if res.Pitfall == "" {
			return "expected failure: " + err
		}
		return "expected failure: " + res.Pitfall + ": " + err
	case UnexpectedPass:
		return "unexpected pass: " + err
	case NotObservable:
		return "not observable: " + strings.Join(res.NotObserved, "; ")
	}
	return ""
}

func orElse(s, alt string) string {
	if s == "" {
		return alt
	}
	return s
}
