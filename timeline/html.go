package timeline

import (
	"bufio"
	"fmt"
	"io"
	"strings"

	"github.com/holdlab/holdlab/fakeapi/sim"
)

// pageStyle is the style of the timeline pages and their index.
const pageStyle = `<style>
body { font-family: Helvetica, Arial, sans-serif; margin: 24px; color: #212121; }
svg rect.seg:hover, svg .mark:hover { stroke: #000000; stroke-width: 2; }
.picture { overflow-x: auto; }
table { border-collapse: collapse; font-size: 13px; margin-top: 16px; }
td, th { border-bottom: 1px solid #eeeeee; padding: 3px 8px; text-align: left; vertical-align: top; }
td.at { font-family: monospace; white-space: nowrap; }
.swatch { display: inline-block; width: 12px; height: 10px; border: 1px solid #bdbdbd; margin-right: 4px; }
.outcome { font-weight: bold; padding: 6px 10px; border-left: 6px solid; background: #fafafa; }
.status { font-weight: bold; white-space: nowrap; }
ol.steps li { margin: 2px 0; }
.why { font-size: 12px; }
</style>
`

// HTML writes a self-contained page: the outcome and why, the SVG inline,
// the steps, and a table of everything that happened, in order. It loads
// nothing from the network.
func HTML(w io.Writer, t Timeline) error {
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>%s</title>\n", esc(t.Title))
	bw.WriteString(pageStyle)
	bw.WriteString("</head>\n<body>\n")
	fmt.Fprintf(bw, "<h1>%s</h1>\n", esc(t.Title))
	if t.Subtitle != "" {
		fmt.Fprintf(bw, "<p>%s</p>\n", esc(t.Subtitle))
	}
	if t.Outcome.Status != "" {
		c := statusColour(t.Outcome.Status)
		fmt.Fprintf(bw, "<p class=\"outcome\" style=\"border-color:%s\"><span style=\"color:%s\">%s</span>", c, c, esc(t.Outcome.Status))
		if why := t.Outcome.why(); why != "" {
			fmt.Fprintf(bw, ": %s", esc(why))
		}
		bw.WriteString("</p>\n")
	}
	bw.WriteString("<p>Hover over a segment, a marker or a step for its times and cause. The time axis is compressed: ticks show real offsets. The app's row holds every REST request it made and every webhook it received; a dashed line leads to the lane each is about.</p>\n")
	bw.WriteString("<div class=\"picture\">\n")
	writeSVG(bw, t, svgOptions{})
	bw.WriteString("</div>\n")
	if len(t.Steps) > 0 {
		bw.WriteString("<h2>Steps</h2>\n<ol class=\"steps\">\n")
		for _, s := range t.Steps {
			at := "not run"
			if s.Began {
				at = sim.Offset(s.At)
			}
			fmt.Fprintf(bw, "<li><code>%s</code> %s <span class=\"status\" style=\"color:%s\">%s</span>", at, esc(strings.TrimSpace(s.Keyword+s.Text)), statusColour(s.Status), esc(s.Status))
			if s.Error != "" {
				fmt.Fprintf(bw, "<br><span class=\"why\">%s</span>", esc(s.Error))
			}
			bw.WriteString("</li>\n")
		}
		bw.WriteString("</ol>\n")
	}
	bw.WriteString("<h2>Everything that happened</h2>\n<table>\n<tr><th>at</th><th>lane</th><th>what</th></tr>\n")
	for _, it := range t.items() {
		lane := "app"
		if it.lane >= 0 {
			lane = t.Lanes[it.lane].Label
		}
		var what string
		switch {
		case it.step > 0:
			s := t.Steps[it.step-1]
			lane = "scenario"
			what = fmt.Sprintf("<b>step %d: %s</b> <span style=\"color:%s\">%s</span>", it.step, esc(strings.TrimSpace(s.Keyword+s.Text)), statusColour(s.Status), esc(s.Status))
		case it.seg != nil:
			what = fmt.Sprintf(`<span class="swatch" style="background:%s"></span>%s`, colour(it.seg.Hears), esc(it.seg.Label))
			if it.seg.Cause != "" {
				what += "<br><small>because: " + esc(it.seg.Cause) + "</small>"
			}
		default:
			what = strings.ReplaceAll(esc(string(it.mark.Kind)+": "+it.mark.Detail), "\n", "<br>")
			if i, ok := t.laneIndex()[it.mark.About]; ok && it.mark.About != "" {
				what += "<br><small>about: " + esc(t.Lanes[i].Label) + "</small>"
			}
		}
		fmt.Fprintf(bw, "<tr><td class=\"at\">%s</td><td>%s</td><td>%s</td></tr>\n", sim.Offset(it.at), esc(lane), what)
	}
	bw.WriteString("</table>\n</body>\n</html>\n")
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("timeline: %w", err)
	}
	return nil
}

// IndexRun is one scenario run in the index of timeline pages.
type IndexRun struct {
	Run      string // strategy name, or "platform"
	Feature  string
	Scenario string
	Line     int
	Status   string // "passed", "failed", "expected failure", …
	Reason   string
	// Href links to the run's page, relative to the index; "" for none.
	Href string
}

// Index writes a page listing every scenario run, in the order given, with
// its result and why, each linking to its timeline page.
func Index(w io.Writer, title string, runs []IndexRun) error {
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>%s</title>\n", esc(title))
	bw.WriteString(pageStyle)
	bw.WriteString("</head>\n<body>\n")
	fmt.Fprintf(bw, "<h1>%s</h1>\n", esc(title))
	counts := map[string]int{}
	var order []string
	for _, r := range runs {
		if counts[r.Status] == 0 {
			order = append(order, r.Status)
		}
		counts[r.Status]++
	}
	var parts []string
	for _, s := range order {
		parts = append(parts, fmt.Sprintf("<span class=\"status\" style=\"color:%s\">%d %s</span>", statusColour(s), counts[s], esc(s)))
	}
	fmt.Fprintf(bw, "<p>%d scenario runs: %s.</p>\n", len(runs), strings.Join(parts, ", "))
	bw.WriteString("<table>\n<tr><th>feature</th><th>scenario</th><th>run</th><th>result</th><th>why</th></tr>\n")
	for _, r := range runs {
		name := esc(r.Scenario)
		if r.Href != "" {
			name = fmt.Sprintf("<a href=\"%s\">%s</a>", esc(r.Href), name)
		}
		feature := esc(r.Feature)
		if r.Line > 0 {
			feature += fmt.Sprintf(":%d", r.Line)
		}
		fmt.Fprintf(bw, "<tr><td>%s</td><td>%s</td><td>%s</td><td class=\"status\" style=\"color:%s\">%s</td><td class=\"why\">%s</td></tr>\n",
			feature, name, esc(r.Run), statusColour(r.Status), esc(r.Status), esc(Outcome{r.Status, r.Reason}.why()))
	}
	bw.WriteString("</table>\n</body>\n</html>\n")
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("timeline: %w", err)
	}
	return nil
}
