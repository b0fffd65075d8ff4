package scenarios

import (
	"fmt"
	"io"
	"sort"
	"strings"
	"text/tabwriter"
)

// Counts sums a report by status.
func (r Report) Counts() map[Status]int {
	c := map[Status]int{}
	for _, res := range r.Results {
		c[res.Status]++
	}
	return c
}

// mark is a result's cell in the summary grid.
func mark(s Status) string {
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

// WriteSummary prints the report for a person: one row per scenario, one
// column per strategy (and the platform), then the expected failures with
// the pitfall each demonstrates, the unexpected results with their errors,
// and the totals.
func (r Report) WriteSummary(w io.Writer) error {
	var runs []string
	seenRun := map[string]bool{}
	type key struct{ feature, scenario string }
	var rows []key
	seenRow := map[key]bool{}
	cells := map[key]map[string]Status{}
	for _, res := range r.Results {
		if !seenRun[res.Run] {
			seenRun[res.Run] = true
			runs = append(runs, res.Run)
		}
		k := key{res.Feature, res.Scenario}
		if !seenRow[k] {
			seenRow[k] = true
			rows = append(rows, k)
			cells[k] = map[string]Status{}
		}
		cells[k][res.Run] = res.Status
	}
	// Strategies first, the platform last.
	sort.SliceStable(runs, func(i, j int) bool { return runs[j] == Platform && runs[i] != Platform })
	sort.SliceStable(rows, func(i, j int) bool {
		pi, pj := cells[rows[i]][Platform] != "", cells[rows[j]][Platform] != ""
		if pi != pj {
			return !pi
		}
		return rows[i].feature < rows[j].feature
	})

	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "scenario\t%s\n", strings.Join(runs, "\t"))
	feature := ""
	for _, k := range rows {
		if k.feature != feature {
			feature = k.feature
			fmt.Fprintf(tw, "%s\t%s\n", feature, strings.Repeat("\t", len(runs)-1))
		}
		var cols []string
		for _, run := range runs {
			if st, ok := cells[k][run]; ok {
				cols = append(cols, mark(st))
			} else {
				cols = append(cols, "-")
			}
		}
		fmt.Fprintf(tw, "  %s\t%s\n", k.scenario, strings.Join(cols, "\t"))
	}
	if err := tw.Flush(); err != nil {
		return fmt.Errorf("write summary: %w", err)
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
			fmt.Fprintf(w, "  %s / %s: %s\n    %v\n", res.Run, res.Scenario, res.Status, res.Err)
		}
	}
	c := r.Counts()
	verdict := "OK"
	if !r.OK() {
		verdict = "FAILED"
	}
	notObservable := ""
	if n := c[NotObservable]; n > 0 {
		notObservable = fmt.Sprintf(", %d not observable", n)
	}
	_, err := fmt.Fprintf(w, "\n%d scenario runs: %d passed, %d failed, %d expected failures, %d unexpected passes%s. %s\n",
		len(r.Results), c[Passed], c[Failed], c[ExpectedFailure], c[UnexpectedPass], notObservable, verdict)
	return err
}
