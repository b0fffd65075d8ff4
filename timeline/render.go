package timeline

import (
	"bufio"
	"fmt"
	"html"
	"io"
	"strings"
	"time"

	"github.com/holdlab/holdlab/fakeapi/sim"
)

// Colours and names of what a party hears, in legend order.
var palette = []struct {
	hears  Hears
	colour string
	name   string
}{
	{HearsParty, "#43a047", "the other party"},
	{HearsHoldMusic, "#fb8c00", "hold music"},
	{HearsWaitMusic, "#fdd835", "wait music"},
	{HearsMedia, "#29b6f6", "other audio (Say, Play)"},
	{HearsSilence, "#9e9e9e", "silence"},
	{HearsRingback, "#ab47bc", "ringing / ringback"},
	{HearsNothing, "#ffffff", "nothing (not connected)"},
	{HearsUnknown, "#e0e0e0", "not observable"},
	{HearsRoom, "#cfd8dc", "conference / queue in session"},
}

func colour(h Hears) string {
	for _, p := range palette {
		if p.hears == h {
			return p.colour
		}
	}
	return "#e0e0e0"
}

var markColour = map[MarkerKind]string{MarkREST: "#1a237e", MarkWebhook: "#6a1b9a", MarkError: "#c62828", MarkEvent: "#37474f"}

// statusColour is the colour of a scenario's or a step's outcome.
func statusColour(status string) string {
	switch status {
	case "passed":
		return "#2e7d32"
	case "failed", "unexpected pass", "undefined", "pending", "ambiguous":
		return "#c62828"
	case "expected failure":
		return "#e65100"
	case "not observable":
		return "#00838f"
	}
	return "#757575"
}

func esc(s string) string { return html.EscapeString(s) }

// SVG writes the timeline as a standalone SVG document, as wide as its
// content. Colours are presentation attributes, so it renders the same in
// a browser, an <img> or an editor; every segment, marker and step has a
// <title> with its full text.
func SVG(w io.Writer, t Timeline) error {
	bw := bufio.NewWriter(w)
	writeSVG(bw, t, svgOptions{listSteps: true})
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("timeline: %w", err)
	}
	return nil
}

func writeSVG(w *bufio.Writer, t Timeline, opts svgOptions) {
	l := newLayout(t, opts)
	fmt.Fprintf(w, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" font-family="Helvetica, Arial, sans-serif" font-size="12">`+"\n", l.width, l.height, l.width, l.height)
	fmt.Fprintf(w, `<title>%s</title>`+"\n", esc(t.Title))
	fmt.Fprintf(w, `<rect x="0" y="0" width="%d" height="%d" fill="#ffffff"/>`+"\n", l.width, l.height)
	y := 8
	for _, line := range l.title {
		y += 20
		fmt.Fprintf(w, `<text x="%d" y="%d" font-size="15" font-weight="bold">%s</text>`+"\n", padLeft, y-4, esc(line))
	}
	if t.Subtitle != "" {
		y += lineH
		fmt.Fprintf(w, `<text x="%d" y="%d" fill="#555555">%s</text>`+"\n", padLeft, y-4, esc(t.Subtitle))
	}
	if len(l.outcome) > 0 {
		y += 4
		fmt.Fprintf(w, `<g id="outcome" fill="%s" font-weight="bold">`+"\n", statusColour(t.Outcome.Status))
		for _, line := range l.outcome {
			y += lineH
			fmt.Fprintf(w, `<text x="%d" y="%d">%s</text>`+"\n", padLeft, y-4, esc(line))
		}
		fmt.Fprintf(w, "</g>\n")
	}
	writeAxis(w, t, l)
	writeLanes(w, t, l)
	writeMarkers(w, t, l)
	writeSteps(w, t, l)
	writeLegend(w, t, l)
	fmt.Fprintf(w, "</svg>\n")
}

// writeAxis draws a tick at every breakpoint and a label where there is
// room; the last tick always has its label.
func writeAxis(w *bufio.Writer, t Timeline, l layout) {
	sc := l.sc
	fmt.Fprintf(w, `<g id="axis" stroke="#eeeeee">`+"\n")
	for _, x := range sc.xs {
		fmt.Fprintf(w, `<line x1="%.1f" y1="%d" x2="%.1f" y2="%d"/>`+"\n", x, l.axisY+4, x, l.bottom)
	}
	fmt.Fprintf(w, "</g>\n")
	var labelled []int
	for i, x := range sc.xs {
		if len(labelled) > 0 && x-sc.xs[labelled[len(labelled)-1]] < labelGap {
			if i != len(sc.xs)-1 {
				continue
			}
			labelled = labelled[:len(labelled)-1] // the last tick wins
		}
		labelled = append(labelled, i)
	}
	fmt.Fprintf(w, `<g id="axis-labels" fill="#757575" font-size="10" text-anchor="middle">`+"\n")
	for _, i := range labelled {
		fmt.Fprintf(w, `<text x="%.1f" y="%d">%s</text>`+"\n", sc.xs[i], l.axisY, strings.TrimPrefix(sim.Offset(sc.points[i]), "00:"))
	}
	fmt.Fprintf(w, "</g>\n")
}

// writeLabel writes a lane's label in the gutter, on up to two lines, with
// its full text as a tooltip.
func writeLabel(w *bufio.Writer, l layout, y int, label string) {
	lines := wrap(label, l.gutterChars, 2)
	base := y + barH/2 + 4 - (len(lines)-1)*7
	fmt.Fprintf(w, `<text x="%d" y="%d" fill="#333333"><title>%s</title>`, padLeft, base, esc(label))
	for i, line := range lines {
		if i == 0 {
			fmt.Fprintf(w, `<tspan>%s</tspan>`, esc(line))
			continue
		}
		fmt.Fprintf(w, `<tspan x="%d" dy="14">%s</tspan>`, padLeft, esc(line))
	}
	fmt.Fprintf(w, "</text>\n")
}

func writeLanes(w *bufio.Writer, t Timeline, l layout) {
	sc := l.sc
	fmt.Fprintf(w, `<g id="lanes">`+"\n")
	fmt.Fprintf(w, `<g class="lane lane-app">`+"\n")
	fmt.Fprintf(w, `<rect x="%.1f" y="%d" width="%.1f" height="%d" fill="#f5f5f5"/>`+"\n", l.gutter, l.appY, sc.end()-l.gutter, barH)
	writeLabel(w, l, l.appY, "app (REST, webhooks)")
	fmt.Fprintf(w, "</g>\n")
	for i, ln := range t.Lanes {
		y := l.laneY(i)
		fmt.Fprintf(w, `<g class="lane lane-%s" data-id="%s">`+"\n", ln.Kind, esc(ln.ID))
		writeLabel(w, l, y, ln.Label)
		for _, s := range ln.Segments {
			x1, x2 := sc.x(s.From), sc.x(s.To)
			if x2-x1 < 1 {
				x2 = x1 + 1
			}
			stroke := ""
			if s.Hears == HearsNothing {
				stroke = ` stroke="#bdbdbd"`
			}
			fmt.Fprintf(w, `<rect class="seg hears-%s" x="%.1f" y="%d" width="%.1f" height="%d" fill="%s"%s><title>%s</title></rect>`+"\n",
				s.Hears, x1, y, x2-x1, barH, colour(s.Hears), stroke, esc(segmentTitle(ln, s)))
			text := strings.TrimPrefix(s.Label, "hears ")
			if s.Hears == HearsRoom {
				continue
			}
			n := int((x2 - x1 - 8) / charW10)
			if n < 6 {
				continue
			}
			lines := wrap(text, n, 2)
			base := y + barH/2 + 4
			if len(lines) == 2 {
				base = y + 11
			}
			fmt.Fprintf(w, `<text x="%.1f" y="%d" font-size="10" fill="%s" pointer-events="none">`, x1+4, base, textColour(s.Hears))
			for j, line := range lines {
				if j == 0 {
					fmt.Fprintf(w, `<tspan>%s</tspan>`, esc(line))
					continue
				}
				fmt.Fprintf(w, `<tspan x="%.1f" dy="11">%s</tspan>`, x1+4, esc(line))
			}
			fmt.Fprintf(w, "</text>\n")
		}
		fmt.Fprintf(w, "</g>\n")
	}
	fmt.Fprintf(w, "</g>\n")
}

// writeMarkers draws REST requests (triangles at the top of the app's
// row) and webhooks (dots at its bottom), each with a dashed line to the
// lane it is about; errors and events as diamonds on their lanes. Several
// on one row at one instant fan out to the right.
func writeMarkers(w *bufio.Writer, t Timeline, l layout) {
	idx := t.laneIndex()
	type slot struct {
		row  int
		kind MarkerKind
		at   time.Duration
	}
	used := map[slot]int{}
	type placed struct {
		m    *Marker
		x    float64
		row  int
		goes int // the lane it is about, -1 none
	}
	var all []placed
	for i := range t.Markers {
		m := &t.Markers[i]
		row, goes := -1, -1
		if j, ok := idx[m.Lane]; ok && m.Lane != "" {
			row = j
		}
		if j, ok := idx[m.About]; ok && m.About != "" && row < 0 {
			goes = j
		}
		k := slot{row, m.Kind, m.At}
		if row >= 0 {
			k.kind = ""
		}
		x := l.sc.x(m.At) + float64(used[k]*8)
		used[k]++
		all = append(all, placed{m, x, row, goes})
	}
	fmt.Fprintf(w, `<g id="links" stroke-width="1" stroke-dasharray="2 3" opacity="0.45">`+"\n")
	for _, p := range all {
		if p.goes >= 0 {
			fmt.Fprintf(w, `<line x1="%.1f" y1="%d" x2="%.1f" y2="%d" stroke="%s"/>`+"\n", p.x, l.appY+barH, p.x, l.laneY(p.goes), markColour[p.m.Kind])
		}
	}
	fmt.Fprintf(w, "</g>\n")
	fmt.Fprintf(w, `<g id="markers">`+"\n")
	for _, p := range all {
		m := p.m
		title := fmt.Sprintf("%s  %s: %s", sim.Offset(m.At), m.Kind, m.Detail)
		if p.goes >= 0 {
			title += "\nabout: " + t.Lanes[p.goes].Label
		}
		c := markColour[m.Kind]
		y := l.appY
		if p.row >= 0 {
			y = l.laneY(p.row)
		}
		switch {
		case p.row < 0 && m.Kind == MarkREST:
			fmt.Fprintf(w, `<path class="mark mark-rest" d="M%.1f %d l-5 -8 h10 z" fill="%s"><title>%s</title></path>`+"\n", p.x, y+10, c, esc(title))
		case p.row < 0 && m.Kind == MarkWebhook:
			fmt.Fprintf(w, `<circle class="mark mark-webhook" cx="%.1f" cy="%d" r="4" fill="%s"><title>%s</title></circle>`+"\n", p.x, y+barH-6, c, esc(title))
		default:
			fmt.Fprintf(w, `<path class="mark mark-%s" d="M%.1f %d l5 5 l-5 5 l-5 -5 z" fill="%s" stroke="#ffffff" stroke-width="0.5"><title>%s</title></path>`+"\n", m.Kind, p.x, y+barH/2-5, c, esc(title))
		}
	}
	fmt.Fprintf(w, "</g>\n")
}

// writeSteps draws each step that began as a numbered flag above the axis,
// with a dotted line down through the lanes.
func writeSteps(w *bufio.Writer, t Timeline, l layout) {
	if len(t.Steps) == 0 {
		return
	}
	fmt.Fprintf(w, `<g id="steps" font-size="10" text-anchor="middle">`+"\n")
	for i, s := range t.Steps {
		if !s.Began {
			continue
		}
		at, x := l.sc.x(s.At), l.stepX[i]
		c := statusColour(s.Status)
		title := fmt.Sprintf("step %d at %s: %s (line %d) %s", i+1, sim.Offset(s.At), strings.TrimSpace(s.Keyword+s.Text), s.Line, s.Status)
		if s.Error != "" {
			title += ": " + s.Error
		}
		fmt.Fprintf(w, `<g class="step step-%s"><title>%s</title>`, strings.ReplaceAll(s.Status, " ", "-"), esc(title))
		fmt.Fprintf(w, `<polyline points="%.1f,%d %.1f,%d %.1f,%d" fill="none" stroke="%s" stroke-dasharray="1 3" opacity="0.6"/>`, x, l.stepsY+stepR, at, l.appY, at, l.bottom, c)
		fmt.Fprintf(w, `<circle cx="%.1f" cy="%d" r="%d" fill="%s"/>`, x, l.stepsY, stepR, c)
		fmt.Fprintf(w, `<text x="%.1f" y="%d" fill="#ffffff">%d</text></g>`+"\n", x, l.stepsY+4, i+1)
	}
	fmt.Fprintf(w, "</g>\n")
	if l.stepsListY == 0 {
		return
	}
	y := l.stepsListY
	fmt.Fprintf(w, `<g id="steps-list">`+"\n")
	fmt.Fprintf(w, `<text x="%d" y="%d" font-weight="bold">Steps</text>`+"\n", padLeft, y+12)
	y += lineH + 4
	for i, s := range t.Steps {
		at := "not run"
		if s.Began {
			at = strings.TrimPrefix(sim.Offset(s.At), "00:")
		}
		c := statusColour(s.Status)
		fmt.Fprintf(w, `<text x="%d" y="%d" fill="%s">%d</text><text x="%d" y="%d" fill="#757575">%s</text>`, padLeft, y+12, c, i+1, padLeft+24, y+12, at)
		sl := l.stepLines[i]
		for j, line := range sl.text {
			fmt.Fprintf(w, `<text x="%d" y="%d">%s</text>`, padLeft+140, y+12+j*lineH, esc(line))
		}
		for j, line := range sl.err {
			fmt.Fprintf(w, `<text x="%d" y="%d" fill="%s">%s</text>`, padLeft+140, y+12+(len(sl.text)+j)*lineH, c, esc(line))
		}
		fmt.Fprintf(w, "\n")
		y += lineH * sl.n()
	}
	fmt.Fprintf(w, "</g>\n")
}

func writeLegend(w *bufio.Writer, t Timeline, l layout) {
	fmt.Fprintf(w, `<g id="legend">`+"\n")
	colW := (l.width - 2*padLeft) / l.legendCols
	n := 0
	pos := func() (int, int) {
		x, y := padLeft+(n%l.legendCols)*colW, l.legendY+(n/l.legendCols)*18
		n++
		return x, y
	}
	for _, p := range palette {
		x, y := pos()
		fmt.Fprintf(w, `<rect x="%d" y="%d" width="14" height="10" fill="%s" stroke="#bdbdbd"/><text x="%d" y="%d">%s</text>`+"\n", x, y-9, p.colour, x+20, y, esc(p.name))
	}
	for _, m := range legendMarks {
		x, y := pos()
		switch m.kind {
		case MarkREST:
			fmt.Fprintf(w, `<path d="M%d %d l-5 -8 h10 z" fill="%s"/>`, x+7, y, markColour[m.kind])
		case MarkWebhook:
			fmt.Fprintf(w, `<circle cx="%d" cy="%d" r="4" fill="%s"/>`, x+7, y-4, markColour[m.kind])
		case "step":
			fmt.Fprintf(w, `<circle cx="%d" cy="%d" r="6" fill="%s"/>`, x+7, y-4, statusColour("passed"))
		default:
			fmt.Fprintf(w, `<path d="M%d %d l5 5 l-5 5 l-5 -5 z" fill="%s"/>`, x+7, y-9, markColour[m.kind])
		}
		fmt.Fprintf(w, `<text x="%d" y="%d">%s</text>`+"\n", x+20, y, esc(m.name))
	}
	fmt.Fprintf(w, "</g>\n")
}

func textColour(h Hears) string {
	switch h {
	case HearsParty, HearsSilence, HearsRingback:
		return "#ffffff"
	}
	return "#212121"
}

func segmentTitle(l Lane, s Segment) string {
	t := fmt.Sprintf("%s–%s  %s %s", sim.Offset(s.From), sim.Offset(s.To), l.Label, s.Label)
	if s.Cause != "" {
		t += "\nbecause: " + s.Cause
	}
	return t
}
