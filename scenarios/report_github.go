package scenarios

import (
	"fmt"
	"io"
	"strings"
)

// WriteGitHub writes the report for GitHub Actions: an "::error" workflow
// command for each unexpected result, which GitHub shows as an annotation
// on the feature file's line (the step that failed, else the scenario),
// to w; and a Markdown summary (the verdict, the grid of scenarios by
// strategy, the unexpected results and the expected failures) to summary,
// which is $GITHUB_STEP_SUMMARY in a workflow. A nil summary writes it to
// w, after the annotations.
func (r Report) WriteGitHub(w, summary io.Writer) error {
	var b strings.Builder
	for _, res := range r.sorted() {
		if res.Status != Failed && res.Status != UnexpectedPass {
			continue
		}
		props := "file=" + ghProperty(r.path(res))
		if loc := r.location(res); loc != r.path(res) {
			_, line := pathLine(loc)
			props += fmt.Sprintf(",line=%d", line)
		}
		props += ",title=" + ghProperty(fmt.Sprintf("%s: %s (%s)", res.Run, res.Scenario, res.Status))
		fmt.Fprintf(&b, "::error %s::%s\n", props, ghData(r.Reason(res)))
	}
	if _, err := io.WriteString(w, b.String()); err != nil {
		return fmt.Errorf("write GitHub annotations: %w", err)
	}
	if summary == nil {
		summary = w
		if b.Len() > 0 {
			if _, err := io.WriteString(w, "\n"); err != nil {
				return fmt.Errorf("write GitHub summary: %w", err)
			}
		}
	}
	if _, err := io.WriteString(summary, r.markdown()); err != nil {
		return fmt.Errorf("write GitHub summary: %w", err)
	}
	return nil
}

// ghData escapes a workflow command's message.
func ghData(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A").Replace(s)
}

// ghProperty escapes a workflow command's property value.
func ghProperty(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C").Replace(s)
}

// md escapes text for a Markdown table cell or list item: GitHub would
// take "<Dial>" for HTML and "|" for a column.
func md(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", "|", "\\|", "\n", " ").Replace(s)
}

// markdown is the report as a GitHub job summary.
func (r Report) markdown() string {
	var b strings.Builder
	verdict := "✅ OK"
	if !r.OK() {
		verdict = "❌ FAILED"
	}
	fmt.Fprintf(&b, "### holdlab: %s\n\n%s\n\n", verdict, r.Totals())
	runs, rows, cells := r.grid()
	if len(runs) > 0 {
		fmt.Fprintf(&b, "| scenario | %s |\n|---|%s\n", strings.Join(runs, " | "), strings.Repeat("---|", len(runs)))
		feature := ""
		for _, k := range rows {
			if k.feature != feature {
				feature = k.feature
				fmt.Fprintf(&b, "| **%s** |%s\n", md(feature), strings.Repeat(" |", len(runs)))
			}
			fmt.Fprintf(&b, "| %s |", md(k.scenario))
			for _, run := range runs {
				s, ok := cells[k][run]
				switch {
				case !ok:
					b.WriteString(" – |")
				case s == Failed || s == UnexpectedPass:
					fmt.Fprintf(&b, " **%s** |", Mark(s))
				default:
					fmt.Fprintf(&b, " %s |", Mark(s))
				}
			}
			b.WriteString("\n")
		}
	}
	list := func(title string, keep func(Status) bool) {
		first := true
		for _, res := range r.sorted() {
			if !keep(res.Status) {
				continue
			}
			if first {
				fmt.Fprintf(&b, "\n%s\n\n", title)
				first = false
			}
			fmt.Fprintf(&b, "- %s / %s (`%s`): %s\n", md(res.Run), md(res.Scenario), r.location(res), md(r.Reason(res)))
		}
	}
	list("**Unexpected results**", func(s Status) bool { return s == Failed || s == UnexpectedPass })
	list("Expected failures (xfail): each reproduces a pitfall.", func(s Status) bool { return s == ExpectedFailure })
	list("Not observable (n/o) on this target:", func(s Status) bool { return s == NotObservable })
	return b.String()
}
