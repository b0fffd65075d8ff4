package timeline

import (
	"sort"
	"strings"
	"time"
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
	MarkREST    MarkerKind = "rest"    // a REST request the app made
	MarkWebhook MarkerKind = "webhook" // a request Twilio made to the app
	MarkError   MarkerKind = "error"   // a Twilio error or warning
	MarkEvent   MarkerKind = "event"   // a conference or queue event, or a note
)

// Timeline is a scenario run to draw. Times are offsets from its start.
type Timeline struct {
	Title    string
	Subtitle string
	Duration time.Duration
	Lanes    []Lane
	// Markers are in the order things happened.
	Markers []Marker
	// Steps are the scenario's Gherkin steps, in order (background steps
	// first), with the instant each began.
	Steps []Step
	// Outcome is the scenario run's result, with why.
	Outcome Outcome
}

// Lane is one call leg, conference or queue.
type Lane struct {
	ID    string // call SID, conference SID, queue SID
	Label string
	Kind  LaneKind
	// Segments are in time order and do not overlap.
	Segments []Segment
}

// Segment is what a lane's party heard from From to To.
type Segment struct {
	From, To time.Duration
	Hears    Hears
	Label    string // "hears agent CA..0002"; its colour and its words say the same
	Cause    string // why it began
	// Seq orders things that happen at one instant. FromSim gives twice
	// the trace's sequence number, leaving odd numbers for markers a
	// caller adds between trace entries.
	Seq uint64
}

// Marker is a REST request, a webhook, an error or an event.
type Marker struct {
	At time.Duration
	// Lane is the row the marker is drawn on: a lane's ID, or "" for the
	// app's row, where every REST request and webhook goes.
	Lane string
	// About is the lane an app-row marker concerns (the call a webhook is
	// about, the call or room a REST request changed); "" for none.
	About  string
	Kind   MarkerKind
	Label  string // short
	Detail string // full
	Seq    uint64
}

// Step is a Gherkin step of the scenario.
type Step struct {
	Keyword string // "Given ", "When ", …
	Text    string
	Line    int
	Status  string // "passed", "failed", "skipped", "expected failure", …
	Error   string // why it failed, was expected to, or was not observable
	// Began says whether the step ran; At and Seq say when it began, Seq
	// ordering it among the markers and segments of that instant (odd:
	// between two trace entries).
	Began bool
	At    time.Duration
	Seq   uint64
}

// Outcome is a scenario run's result.
type Outcome struct {
	// Status is "passed", "failed", "expected failure", "unexpected pass"
	// or "not observable"; "" when unknown.
	Status string
	// Reason says why: the failed step and its error, the pitfall an
	// expected failure shows; "" for a pass.
	Reason string
}

// why is the reason without the status it may begin with ("expected
// failure: …").
func (o Outcome) why() string { return strings.TrimPrefix(o.Reason, o.Status+": ") }

// item is a segment start, a marker or a step, for rendering things in the
// order they happened.
type item struct {
	at   time.Duration
	seq  uint64
	lane int // index into Lanes, -1 for the app
	seg  *Segment
	mark *Marker
	step int // 1-based index into Steps, 0 for none
}

// laneIndex maps lane IDs to their index.
func (t Timeline) laneIndex() map[string]int {
	idx := make(map[string]int, len(t.Lanes))
	for i, l := range t.Lanes {
		idx[l.ID] = i
	}
	return idx
}

// items lists segment starts, markers and steps that began in order of
// time, then sequence.
func (t Timeline) items() []item {
	idx := t.laneIndex()
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
	for i, s := range t.Steps {
		if s.Began {
			out = append(out, item{at: s.At, seq: s.Seq, lane: -1, step: i + 1})
		}
	}
	// A step comes before what it caused at its instant.
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.at != b.at {
			return a.at < b.at
		}
		if a.seq != b.seq {
			return a.seq < b.seq
		}
		return a.step > 0 && b.step == 0
	})
	return out
}
