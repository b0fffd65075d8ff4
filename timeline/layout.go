package timeline

import (
	"math"
	"sort"
	"strings"
	"time"
)

// Layout, in pixels. Text widths are estimated from the number of
// characters, generously, so that nothing is clipped.
const (
	charW12   = 6.8 // a character at font-size 12
	charW10   = 5.8 // at font-size 10
	lineH     = 16  // a line of text at font-size 12
	laneH     = 40
	barH      = 28 // two lines of font-size 10
	padLeft   = 10
	padRight  = 56   // room for the last tick's label
	unitX     = 38.0 // pixels per unit of compressed time
	minPlot   = 480
	minWidth  = 760
	maxGutter = 260
	labelGap  = 70 // between two tick labels
	stepR     = 8  // a step flag's radius
)

// scale maps offsets to x on a compressed axis: every instant something
// happens is a breakpoint, and a gap between two breakpoints is as wide as
// 1 + log2(1 + seconds) units, so that an hour takes a few times the room
// of a second, not 3600 times.
type scale struct {
	points []time.Duration
	xs     []float64
	x0     float64
}

func newScale(t Timeline, x0 float64) scale {
	set := map[time.Duration]bool{0: true, t.Duration: true}
	for _, l := range t.Lanes {
		for _, s := range l.Segments {
			set[s.From], set[s.To] = true, true
		}
	}
	for _, m := range t.Markers {
		set[m.At] = true
	}
	for _, s := range t.Steps {
		if s.Began {
			set[s.At] = true
		}
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
	unit := unitX
	if total > 0 && total*unit < minPlot {
		unit = minPlot / total
	}
	xs := make([]float64, len(pts))
	for i := range pts {
		xs[i] = x0 + ws[i]*unit
	}
	return scale{points: pts, xs: xs, x0: x0}
}

// end is the x of the last breakpoint.
func (s scale) end() float64 {
	if len(s.xs) == 0 {
		return s.x0
	}
	return s.xs[len(s.xs)-1]
}

func (s scale) x(d time.Duration) float64 {
	i := sort.Search(len(s.points), func(i int) bool { return s.points[i] >= d })
	switch {
	case i < len(s.points) && s.points[i] == d:
		return s.xs[i]
	case i == 0:
		return s.x0
	case i == len(s.points):
		return s.end()
	}
	// Between two breakpoints: linear within the gap.
	a, b := s.points[i-1], s.points[i]
	f := float64(d-a) / float64(b-a)
	return s.xs[i-1] + f*(s.xs[i]-s.xs[i-1])
}

// layout is where everything goes: worked out once, before drawing.
type layout struct {
	width, height int
	gutter        float64 // x where the plot begins
	gutterChars   int
	sc            scale
	title         []string
	outcome       []string
	axisY         int       // the baseline of the tick labels
	stepsY        int       // the centre of the steps' flags, under the tick labels
	stepX         []float64 // each step's flag (NaN: it did not begin)
	appY          int       // the top of the app's row
	bottom        int       // below the last lane
	legendY       int
	legendCols    int
	stepsListY    int         // 0: no list of steps
	stepLines     []stepLines // each step's lines in the list
}

// svgOptions say what an SVG holds beside the picture.
type svgOptions struct {
	// listSteps lists the steps under the legend (a page lists them
	// itself).
	listSteps bool
}

// stepLines are a step's lines in the list of steps: its text, then why it
// failed.
type stepLines struct{ text, err []string }

func (s stepLines) n() int { return len(s.text) + len(s.err) }

// laneY is the top of lane i's bar.
func (l layout) laneY(i int) int { return l.appY + laneH*(i+1) }

func newLayout(t Timeline, opts svgOptions) layout {
	var l layout
	longest := len("app (REST, webhooks)")
	for _, ln := range t.Lanes {
		longest = max(longest, len([]rune(ln.Label)))
	}
	avail := float64(maxGutter - 2*padLeft)
	l.gutterChars = min(longest, int(avail/charW12))
	l.gutter = math.Ceil(2*padLeft + float64(l.gutterChars)*charW12)
	l.sc = newScale(t, l.gutter)
	// Flags of steps close in time move right, so that none hides
	// another; a leader goes from each flag to its instant.
	right := l.sc.end() + padRight
	last := math.Inf(-1)
	for _, s := range t.Steps {
		if !s.Began {
			l.stepX = append(l.stepX, math.NaN())
			continue
		}
		last = math.Max(l.sc.x(s.At), last+2*stepR+2)
		l.stepX = append(l.stepX, last)
		right = math.Max(right, last+stepR+padLeft)
	}
	l.width = max(minWidth, int(math.Ceil(right)))
	chars := int(float64(l.width-2*padLeft) / charW12)

	y := 8
	l.title = wrap(t.Title, int(float64(l.width-2*padLeft)/(charW12*1.3)), 0)
	y += 20 * len(l.title)
	if t.Subtitle != "" {
		y += lineH
	}
	if t.Outcome.Status != "" {
		text := "Result: " + t.Outcome.Status
		if why := t.Outcome.why(); why != "" {
			text += ": " + why
		}
		l.outcome = wrap(text, chars, 0)
		y += 4 + lineH*len(l.outcome)
	}
	y += 18
	l.axisY = y
	if len(t.Steps) > 0 {
		y += 6 + stepR
		l.stepsY = y
		y += stepR
	}
	l.appY = y + 10
	l.bottom = l.laneY(len(t.Lanes))
	l.legendY = l.bottom + 24
	l.legendCols = max(2, (l.width-2*padLeft)/250)
	y = l.legendY + 18*((len(palette)+len(legendMarks)+l.legendCols-1)/l.legendCols)
	if len(t.Steps) > 0 && opts.listSteps {
		y += 12
		l.stepsListY = y
		y += lineH + 4
		textChars := int(float64(l.width-2*padLeft-150) / charW12)
		for _, s := range t.Steps {
			sl := stepLines{text: wrap(strings.TrimSpace(s.Keyword+s.Text), textChars, 0)}
			if s.Error != "" {
				sl.err = wrap(s.Status+": "+s.Error, textChars, 0)
			}
			l.stepLines = append(l.stepLines, sl)
			y += lineH * sl.n()
		}
	}
	l.height = y + 16
	return l
}

// legendMarks are the markers' entries in the legend, after the palette.
var legendMarks = []struct {
	kind MarkerKind
	name string
}{
	{MarkREST, "REST request by the app (app row, top)"},
	{MarkWebhook, "webhook to the app (app row, bottom)"},
	{MarkError, "Twilio error or warning"},
	{MarkEvent, "conference or queue event"},
	{"step", "Gherkin step, numbered"},
}
