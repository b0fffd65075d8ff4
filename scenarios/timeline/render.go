package timeline

import (
	"bufio"
	"fmt"
	"html"
	"io"
	"math"
	"sort"
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

// Layout, in pixels.
const (
	width    = 1000
	gutter   = 210 // lane labels
	padRight = 20
	laneH    = 34
	barH     = 20
	top      = 70 // title and axis
)

// scale maps offsets to x on a compressed axis: every instant something
// happens is a breakpoint, and a gap between two breakpoints is as wide as
// 1 + log2(1 + seconds), so that an hour takes a few times the room of a
// second, not 3600 times.
type scale struct {
	points []time.Duration
	xs     []float64
}

func newScale(t Timeline) scale {
	set := map[time.Duration]bool{0: true, t.Duration: true}
	for _, l := range t.Lanes {
		for _, s := range l.Segments {
			set[s.From], set[s.To] = true, true
		}
	}
	for _, m := range t.Markers {
		set[m.At] = true
	}
	var pts []time.Duration
	for p := range set {
		if p >= 0 && p <= t.Duration {
			pts = append(pts, p)
		}
	}
	sort.Slice(pts, func(i, j int) bool { return pts[i] < pts[j] })
	ws := make([]float64, len(pts))
	total := 0.0
	for i := 1; i < len(pts); i++ {
		total += 1 + math.Log2(1+(pts[i]-pts[i-1]).Seconds())
		ws[i] = total
	}
	plot := float64(width - gutter - padRight)
	xs := make([]float64, len(pts))
	for i := range pts {
		if total > 0 {
			xs[i] = gutter + ws[i]/total*plot
		} else {
			xs[i] = gutter
		}
	}
	return scale{points: pts, xs: xs}
}

func (s scale) x(d time.Duration) float64 {
	i := sort.Search(len(s.points), func(i int) bool { return s.points[i] >= d })
	switch {
	case i < len(s.points) && s.points[i] == d:
		return s.xs[i]
	case i == 0:
		return gutter
	case i == len(s.points):
		return s.xs[len(s.xs)-1]
	}
	// Between two breakpoints: linear within the gap.
	a, b := s.points[i-1], s.points[i]
	f := float64(d-a) / float64(b-a)
	return s.xs[i-1] + f*(s.xs[i]-s.xs[i-1])
}

func esc(s string) string { return html.EscapeString(s) }

// height is the SVG's height: the app row, the lanes and the legend.
func (t Timeline) height() int {
	return top + laneH*(len(t.Lanes)+1) + 30 + 18*((len(palette)+2)/3) + 24
}

// SVG writes the timeline as a standalone SVG document. Colours are
// presentation attributes, so it renders the same in a browser, an <img>
// or an editor; every segment and marker has a <title> with its times and
// cause.
func SVG(w io.Writer, t Timeline) error {
	bw := bufio.NewWriter(w)
	writeSVG(bw, t)
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("timeline: %w", err)
	}
	return nil
}

func writeSVG(w *bufio.Writer, t Timeline) {
	sc := newScale(t)
	h := t.height()
	fmt.Fprintf(w, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" font-family="Helvetica, Arial, sans-serif" font-size="12">`+"\n", width, h, width, h)
	fmt.Fprintf(w, `<title>%s</title>`+"\n", esc(t.Title))
	fmt.Fprintf(w, `<rect x="0" y="0" width="%d" height="%d" fill="#ffffff"/>`+"\n", width, h)
	fmt.Fprintf(w, `<text x="10" y="20" font-size="15" font-weight="bold">%s</text>`+"\n", esc(t.Title))
	if t.Subtitle != "" {
		fmt.Fprintf(w, `<text x="10" y="38" fill="#555555">%s</text>`+"\n", esc(t.Subtitle))
	}

	// The axis: a tick at every breakpoint, a label where there is room.
	bottom := top + laneH*(len(t.Lanes)+1)
	fmt.Fprintf(w, `<g id="axis" stroke="#eeeeee">`+"\n")
	lastLabel := -1000.0
	var labels []string
	for i, p := range sc.points {
		x := sc.xs[i]
		fmt.Fprintf(w, `<line x1="%.1f" y1="%d" x2="%.1f" y2="%d"/>`+"\n", x, top-6, x, bottom)
		if x-lastLabel >= 62 {
			lastLabel = x
			labels = append(labels, fmt.Sprintf(`<text x="%.1f" y="%d" text-anchor="middle" fill="#757575" font-size="10">%s</text>`, x, top-10, strings.TrimPrefix(sim.Offset(p), "00:")))
		}
	}
	fmt.Fprintf(w, "</g>\n<g id=\"axis-labels\">\n%s\n</g>\n", strings.Join(labels, "\n"))

	// Rows: the app (markers without a lane), then one per lane.
	laneY := func(i int) int { return top + laneH*(i+1) }
	fmt.Fprintf(w, `<g id="lanes">`+"\n")
	fmt.Fprintf(w, `<text x="10" y="%d" fill="#333333">app (REST, webhooks)</text>`+"\n", top+barH/2+4)
	for i, l := range t.Lanes {
		y := laneY(i)
		fmt.Fprintf(w, `<g class="lane lane-%s" data-id="%s">`+"\n", l.Kind, esc(l.ID))
		fmt.Fprintf(w, `<text x="10" y="%d" fill="#333333">%s</text>`+"\n", y+barH/2+4, esc(short(l.Label, 30)))
		for _, s := range l.Segments {
			x1, x2 := sc.x(s.From), sc.x(s.To)
			if x2-x1 < 1 {
				x2 = x1 + 1
			}
			stroke := ""
			if s.Hears == HearsNothing {
				stroke = ` stroke="#bdbdbd"`
			}
			fmt.Fprintf(w, `<rect class="seg hears-%s" x="%.1f" y="%d" width="%.1f" height="%d" fill="%s"%s><title>%s</title></rect>`+"\n",
				s.Hears, x1, y, x2-x1, barH, colour(s.Hears), stroke, esc(segmentTitle(l, s)))
			if x2-x1 > 80 && s.Hears != HearsRoom {
				fmt.Fprintf(w, `<text x="%.1f" y="%d" font-size="10" fill="%s" pointer-events="none">%s</text>`+"\n", x1+4, y+barH/2+4, textColour(s.Hears), esc(short(s.Label, int((x2-x1-8)/6))))
			}
		}
		fmt.Fprintf(w, "</g>\n")
	}
	fmt.Fprintf(w, "</g>\n")

	// Markers: REST requests as triangles above the bar, webhooks as dots
	// below it, errors and events as diamonds; several at one instant on
	// one row fan out to the right.
	idx := map[string]int{}
	for i, l := range t.Lanes {
		idx[l.ID] = i
	}
	type slot struct {
		row int
		at  time.Duration
	}
	used := map[slot]int{}
	fmt.Fprintf(w, `<g id="markers">`+"\n")
	for _, m := range t.Markers {
		row := -1
		if i, ok := idx[m.Lane]; ok && m.Lane != "" {
			row = i
		}
		y := top
		if row >= 0 {
			y = laneY(row)
		}
		k := slot{row, m.At}
		x := sc.x(m.At) + float64(used[k]*7)
		used[k]++
		title := fmt.Sprintf("%s  %s: %s", sim.Offset(m.At), m.Kind, m.Detail)
		c := markColour[m.Kind]
		switch m.Kind {
		case MarkREST:
			fmt.Fprintf(w, `<path class="mark mark-rest" d="M%.1f %d l-5 -7 h10 z" fill="%s"><title>%s</title></path>`+"\n", x, y, c, esc(title))
		case MarkWebhook:
			fmt.Fprintf(w, `<circle class="mark mark-webhook" cx="%.1f" cy="%d" r="4" fill="%s"><title>%s</title></circle>`+"\n", x, y+barH+4, c, esc(title))
		default:
			fmt.Fprintf(w, `<path class="mark mark-%s" d="M%.1f %d l5 5 l-5 5 l-5 -5 z" fill="%s"><title>%s</title></path>`+"\n", m.Kind, x, y+barH/2-5, c, esc(title))
		}
	}
	fmt.Fprintf(w, "</g>\n")

	// The legend.
	ly := bottom + 24
	fmt.Fprintf(w, `<g id="legend">`+"\n")
	entries := len(palette) + 2
	for i := 0; i < entries; i++ {
		x := 10 + (i%3)*320
		y := ly + (i/3)*18
		switch {
		case i < len(palette):
			p := palette[i]
			fmt.Fprintf(w, `<rect x="%d" y="%d" width="14" height="10" fill="%s" stroke="#bdbdbd"/><text x="%d" y="%d">%s</text>`+"\n", x, y-9, p.colour, x+20, y, esc(p.name))
		case i == len(palette):
			fmt.Fprintf(w, `<path d="M%d %d l-5 -7 h10 z" fill="%s"/><text x="%d" y="%d">REST request (above a lane)</text>`+"\n", x+7, y, markColour[MarkREST], x+20, y)
		default:
			fmt.Fprintf(w, `<circle cx="%d" cy="%d" r="4" fill="%s"/><text x="%d" y="%d">webhook (below a lane)</text>`+"\n", x+7, y-4, markColour[MarkWebhook], x+20, y)
		}
	}
	fmt.Fprintf(w, "</g>\n</svg>\n")
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

// HTML writes a self-contained page: the SVG inline, and a table of
// everything that happened, in order. It loads nothing from the network.
func HTML(w io.Writer, t Timeline) error {
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>%s</title>\n", esc(t.Title))
	bw.WriteString(`<style>
body { font-family: Helvetica, Arial, sans-serif; margin: 24px; color: #212121; }
svg rect.seg:hover, svg .mark:hover { stroke: #000000; stroke-width: 2; }
table { border-collapse: collapse; font-size: 13px; margin-top: 16px; }
td, th { border-bottom: 1px solid #eeeeee; padding: 3px 8px; text-align: left; vertical-align: top; }
td.at { font-family: monospace; white-space: nowrap; }
.swatch { display: inline-block; width: 12px; height: 10px; border: 1px solid #bdbdbd; margin-right: 4px; }
</style>
</head>
<body>
`)
	fmt.Fprintf(bw, "<h1>%s</h1>\n", esc(t.Title))
	if t.Subtitle != "" {
		fmt.Fprintf(bw, "<p>%s</p>\n", esc(t.Subtitle))
	}
	bw.WriteString("<p>Hover over a segment or a marker for its times and cause. The time axis is compressed: ticks show real offsets.</p>\n")
	writeSVG(bw, t)
	bw.WriteString("<table>\n<tr><th>at</th><th>lane</th><th>what</th></tr>\n")
	for _, it := range t.items() {
		lane := "app"
		if it.lane >= 0 {
			lane = t.Lanes[it.lane].Label
		}
		var what string
		if it.seg != nil {
			what = fmt.Sprintf(`<span class="swatch" style="background:%s"></span>%s`, colour(it.seg.Hears), esc(it.seg.Label))
			if it.seg.Cause != "" {
				what += "<br><small>because: " + esc(it.seg.Cause) + "</small>"
			}
		} else {
			what = esc(string(it.mark.Kind) + ": " + it.mark.Detail)
		}
		fmt.Fprintf(bw, "<tr><td class=\"at\">%s</td><td>%s</td><td>%s</td></tr>\n", sim.Offset(it.at), esc(lane), what)
	}
	bw.WriteString("</table>\n</body>\n</html>\n")
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("timeline: %w", err)
	}
	return nil
}

// Mermaid writes the timeline as a Mermaid sequence diagram: the app and
// Twilio, one participant per lane, REST requests and webhooks as
// messages, and what each party hears as notes over its lane.
func Mermaid(w io.Writer, t Timeline) error {
	bw := bufio.NewWriter(w)
	bw.WriteString("sequenceDiagram\n")
	fmt.Fprintf(bw, "    %%%% %s\n", mermaidText(t.Title))
	bw.WriteString("    participant App as app\n    participant Twilio\n")
	for i, l := range t.Lanes {
		fmt.Fprintf(bw, "    participant L%d as %s\n", i, mermaidText(l.Label))
	}
	for _, it := range t.items() {
		at := strings.TrimPrefix(sim.Offset(it.at), "00:")
		switch {
		case it.seg != nil:
			if it.seg.Hears == HearsRoom {
				continue // its first event says it began
			}
			fmt.Fprintf(bw, "    Note over L%d: %s %s\n", it.lane, at, mermaidText(it.seg.Label))
		case it.mark.Kind == MarkREST:
			fmt.Fprintf(bw, "    App->>Twilio: %s %s\n", at, mermaidText(it.mark.Label))
		case it.mark.Kind == MarkWebhook:
			fmt.Fprintf(bw, "    Twilio->>App: %s %s\n", at, mermaidText(it.mark.Label))
		case it.lane >= 0:
			fmt.Fprintf(bw, "    Note over L%d: %s %s\n", it.lane, at, mermaidText(it.mark.Label))
		default:
			fmt.Fprintf(bw, "    Note over Twilio: %s %s\n", at, mermaidText(it.mark.Label))
		}
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("timeline: %w", err)
	}
	return nil
}

// mermaidText keeps a label within what Mermaid's sequence syntax accepts
// on one line.
var mermaidText = strings.NewReplacer(
	"\n", " ", ";", ",", "#", "", "->", "→", "<", "‹", ">", "›", "%", " pct",
).Replace
