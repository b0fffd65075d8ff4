package timeline

import (
	"path"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/holdlab/holdlab/fakeapi/sim"
	"github.com/holdlab/holdlab/fakeapi/wire"
)

// Hears classifies what a lane's party hears during a segment.
type Hears string

// What a party can hear, as drawn.
const (
	HearsParty     Hears = "party"      // the other party
	HearsHoldMusic Hears = "hold-music" // hold music
	HearsWaitMusic Hears = "wait-music" // a queue's or conference's wait music
	HearsMedia     Hears = "media"      // other audio: a <Say>, a <Play>
	HearsSilence   Hears = "silence"
	HearsRingback  Hears = "ringback"
	HearsNothing   Hears = "nothing" // not connected: not answered yet, or ended
	HearsUnknown   Hears = "unknown" // the target cannot tell (real Twilio)
	HearsRoom      Hears = "room"    // a conference or queue lane while it exists
)

// LaneKind says what a lane is.
type LaneKind string

// Kinds of lanes.
const (
	LaneLeg        LaneKind = "leg"
	LaneConference LaneKind = "conference"
	LaneQueue      LaneKind = "queue"
)

// MarkerKind says what a marker is.
type MarkerKind string

// Kinds of markers.
const (
	MarkREST    MarkerKind = "rest"    // a REST request
	MarkWebhook MarkerKind = "webhook" // a request to the app
	MarkError   MarkerKind = "error"   // a Twilio error or warning
	MarkEvent   MarkerKind = "event"   // a conference or queue event
)

// Timeline is a scenario run to draw. Times are offsets from its start.
type Timeline struct {
	Title    string
	Subtitle string
	Duration time.Duration
	Lanes    []Lane
	// Markers are in the order things happened.
	Markers []Marker
}

// Lane is one call leg, conference or queue.
type Lane struct {
	ID    string // call SID, "conference:<name>", "queue:<name>"
	Label string
	Kind  LaneKind
	// Segments are in time order and do not overlap.
	Segments []Segment
}

// Segment is what a lane's party heard from From to To.
type Segment struct {
	From, To time.Duration
	Hears    Hears
	Label    string // "hears CA..0002 (agent)"
	Cause    string // why it began
	// Seq orders things that happen at one instant. FromSim gives twice
	// the trace's sequence number, leaving odd numbers for markers a
	// caller adds between trace entries.
	Seq uint64
}

// Marker is a REST request, a webhook or an event.
type Marker struct {
	At     time.Duration
	Lane   string // a lane's ID, or "" for the app as a whole
	Kind   MarkerKind
	Label  string // short
	Detail string // full
	Seq    uint64
}

// Leg is a call leg to draw, with a label for people.
type Leg struct {
	Sid       string
	Label     string // "customer", "agent"
	Intervals []sim.Interval
}

// FromSim builds a timeline from the fake's trace and the legs' hearing
// intervals. isHoldMusic tells the app's hold music apart from other
// audio, wherever it plays (nil: only Twilio's own hold music counts). Each segment's cause
// is the trace entry that changed what the party hears; each REST request,
// webhook, error and warning in the trace becomes a marker on its call's
// lane; conferences and queues named in the trace get lanes of their own.
func FromSim(title string, start, end time.Time, entries []sim.Entry, legs []Leg, isHoldMusic func(sim.Hearing) bool) Timeline {
	t := Timeline{Title: title, Duration: end.Sub(start)}
	names := map[string]string{}
	lanes := map[string]int{}
	for _, l := range legs {
		names[l.Sid] = legName(l)
	}
	for _, l := range legs {
		lanes[l.Sid] = len(t.Lanes)
		t.Lanes = append(t.Lanes, Lane{ID: l.Sid, Label: names[l.Sid], Kind: LaneLeg})
	}

	// Causes: for each hears entry, the entry just before it at the same
	// instant, preferring one about the same call.
	type cause struct {
		text string
		seq  uint64
	}
	causes := map[string][]cause{}
	var lastAny *sim.Entry
	lastSame := map[string]*sim.Entry{}
	for i := range entries {
		e := &entries[i]
		if e.Kind != sim.KindHears {
			lastAny = e
			if e.Call != "" {
				lastSame[e.Call] = e
			}
			continue
		}
		c := cause{seq: 2 * e.Seq}
		if s := lastSame[e.Call]; s != nil && s.At.Equal(e.At) {
			c.text = s.Text
		} else if lastAny != nil && lastAny.At.Equal(e.At) {
			c.text = lastAny.Text
		}
		causes[e.Call] = append(causes[e.Call], c)
	}

	for _, l := range legs {
		lane := &t.Lanes[lanes[l.Sid]]
		cs := causes[l.Sid]
		for i, iv := range l.Intervals {
			to := iv.End
			if to.IsZero() || to.After(end) {
				to = end
			}
			seg := Segment{From: iv.Start.Sub(start), To: to.Sub(start), Hears: classify(iv.Hearing, isHoldMusic), Label: describe(iv.Hearing, names)}
			if i < len(cs) {
				seg.Cause, seg.Seq = cs[i].text, cs[i].seq
			}
			lane.Segments = append(lane.Segments, seg)
		}
	}

	// Conference and queue lanes, and the markers.
	rooms := map[string]int{}
	for _, e := range entries {
		at := e.At.Sub(start)
		switch e.Kind {
		case sim.KindREST, sim.KindWebhook, sim.KindError, sim.KindWarning:
			kind := MarkREST
			switch e.Kind {
			case sim.KindWebhook:
				kind = MarkWebhook
			case sim.KindError, sim.KindWarning:
				kind = MarkError
			}
			lane := ""
			if _, ok := lanes[e.Call]; ok {
				lane = e.Call
			}
			t.Markers = append(t.Markers, Marker{At: at, Lane: lane, Kind: kind, Label: MarkerLabel(e.Text), Detail: e.Text, Seq: 2 * e.Seq})
		case sim.KindConf, sim.KindQueue:
			id, label, kind := roomOf(e)
			if id == "" {
				continue
			}
			i, ok := rooms[id]
			if !ok {
				i = len(t.Lanes)
				rooms[id] = i
				t.Lanes = append(t.Lanes, Lane{ID: id, Label: label, Kind: kind,
					Segments: []Segment{{From: at, To: t.Duration, Hears: HearsRoom, Label: label, Cause: e.Text, Seq: 2 * e.Seq}}})
			}
			if strings.Contains(e.Text, " ends") && strings.HasPrefix(id, "conference:") {
				segs := t.Lanes[i].Segments
				segs[len(segs)-1].To = at
			}
			t.Markers = append(t.Markers, Marker{At: at, Lane: id, Kind: MarkEvent, Label: MarkerLabel(e.Text), Detail: e.Text, Seq: 2 * e.Seq})
		}
	}
	return t
}

var (
	confName  = regexp.MustCompile(`conference (\S+)`)
	queueName = regexp.MustCompile(`queue (\S+)`)
)

// roomOf finds the conference or queue a trace entry is about.
func roomOf(e sim.Entry) (id, label string, kind LaneKind) {
	re, prefix, kind := confName, "conference", LaneConference
	if e.Kind == sim.KindQueue {
		re, prefix, kind = queueName, "queue", LaneQueue
	}
	m := re.FindStringSubmatch(e.Text)
	if m == nil {
		return "", "", ""
	}
	name := strings.TrimRight(m[1], ".,:;")
	return prefix + ":" + name, prefix + " " + shortSids(name), kind
}

var (
	sidPattern = regexp.MustCompile(`\b[A-Z]{2}[0-9a-f]{32}\b`)
	urlHost    = regexp.MustCompile(`https?://[^/\s"]+`)
)

// shortSids writes the SIDs in s the way the trace does: CA..0002.
func shortSids(s string) string { return sidPattern.ReplaceAllStringFunc(s, wire.Short) }

// MarkerLabel shortens a line for a marker: short SIDs, URLs without
// their host, at most 48 characters.
func MarkerLabel(s string) string { return short(urlHost.ReplaceAllString(shortSids(s), ""), 48) }

func legName(l Leg) string {
	if l.Label == "" {
		return wire.Short(l.Sid)
	}
	return l.Label + " " + wire.Short(l.Sid)
}

// classify maps a hearing to its colour class.
func classify(h sim.Hearing, isHoldMusic func(sim.Hearing) bool) Hears {
	switch h.Kind {
	case sim.HearParty:
		return HearsParty
	case sim.HearMedia:
		switch {
		case h.Source == "hold-music" || (isHoldMusic != nil && isHoldMusic(h)):
			// The app's music is hold music, even where a queue plays it as
			// its wait music.
			return HearsHoldMusic
		case h.Source == "wait-music":
			return HearsWaitMusic
		}
		return HearsMedia
	case sim.HearSilence:
		return HearsSilence
	case sim.HearRingback:
		return HearsRingback
	case sim.HearNothing:
		return HearsNothing
	}
	return HearsUnknown
}

// describe says in words what a party hears, naming the parties it hears.
func describe(h sim.Hearing, names map[string]string) string {
	switch h.Kind {
	case sim.HearMedia:
		what := h.Media
		if h.Source != "say" {
			what = path.Base(what)
		}
		return "hears " + strings.ReplaceAll(h.Source, "-", " ") + " " + short(what, 40)
	case sim.HearParty:
	default:
		return "hears " + shortSids(h.String())
	}
	var who []string
	for _, p := range h.Parties {
		if n, ok := names[p]; ok {
			who = append(who, n)
		} else {
			who = append(who, wire.Short(p))
		}
	}
	return "hears " + strings.Join(who, ", ")
}

func short(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	r := []rune(s)
	if len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return s
}

// item is a segment start or a marker, for rendering things in the order
// they happened.
type item struct {
	at   time.Duration
	seq  uint64
	lane int // index into Lanes, -1 for the app
	seg  *Segment
	mark *Marker
}

// items lists segment starts and markers in order of time, then trace
// sequence.
func (t Timeline) items() []item {
	idx := map[string]int{}
	for i, l := range t.Lanes {
		idx[l.ID] = i
	}
	var out []item
	for i := range t.Lanes {
		for j := range t.Lanes[i].Segments {
			s := &t.Lanes[i].Segments[j]
			out = append(out, item{at: s.From, seq: s.Seq, lane: i, seg: s})
		}
	}
	for i := range t.Markers {
		m := &t.Markers[i]
		lane := -1
		if j, ok := idx[m.Lane]; ok && m.Lane != "" {
			lane = j
		}
		out = append(out, item{at: m.At, seq: m.Seq, lane: lane, mark: m})
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].at != out[j].at {
			return out[i].at < out[j].at
		}
		return out[i].seq < out[j].seq
	})
	return out
}
