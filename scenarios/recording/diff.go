package recording

import (
	"fmt"
	"io"
	"maps"
	"math"
	"reflect"
	"slices"
	"strconv"
	"time"
)

// Difference is where two recordings of one scenario run part.
type Difference struct {
	Key string // run / feature / scenario
	// Missing is "a" or "b" when the scenario run is in one folder only.
	Missing string
	// Step is the step where they part; A and B are the first differing
	// events (nil when one side has no event there).
	Step string
	A, B *Event
	// Why says what differs.
	Why string
}

// DiffOptions tune the comparison.
type DiffOptions struct {
	// Tolerance, when positive, also compares the events' offsets from the
	// scenario start: they may differ by at most this much. Zero ignores
	// times (a real call and the fake's virtual clock never agree to the
	// millisecond).
	Tolerance time.Duration
	// DurationTolerance lets durations (CallDuration, DialCallDuration,
	// QueueTime, a call's duration, …, in seconds) differ by at most this
	// much. Zero compares them exactly. A run on real Twilio and one on the
	// fake's virtual clock wait differently between steps, so their
	// durations rarely agree.
	DurationTolerance time.Duration
}

// durationKeys are the parameters and fields that hold durations in
// seconds.
var durationKeys = map[string]bool{
	"CallDuration": true, "Duration": true, "DialCallDuration": true, "QueueTime": true,
	"RecordingDuration": true, "duration": true, "queue_time": true, "wait_time": true,
}

// withinTolerance copies b's value into a for every duration key whose
// values differ by at most tol seconds, so that they compare equal.
func withinTolerance(a, b map[string]string, tol time.Duration) map[string]string {
	if tol <= 0 || a == nil || b == nil {
		return a
	}
	out := make(map[string]string, len(a))
	for k, v := range a {
		out[k] = v
		if !durationKeys[k] {
			continue
		}
		va, errA := strconv.ParseFloat(v, 64)
		vb, errB := strconv.ParseFloat(b[k], 64)
		if errA == nil && errB == nil && math.Abs(va-vb) <= tol.Seconds() {
			out[k] = b[k]
		}
	}
	return out
}

// Diff compares two folders' recordings, scenario run by scenario run,
// and returns the first difference of each run that differs, in key
// order.
//
// Within a run the stories are compared step by step; within a step, the
// webhooks, the REST requests and the end statuses are compared each in
// their own order, because how they interleave depends on network timing
// (on the fake a webhook runs inside the REST request that caused it; on
// Twilio it usually arrives after the answer).
func Diff(a, b map[string]Recording, opts DiffOptions) []Difference {
	var out []Difference
	for _, k := range unionKeys(a, b) {
		ra, okA := a[k]
		rb, okB := b[k]
		switch {
		case !okA:
			out = append(out, Difference{Key: k, Missing: "a", Why: "only in B"})
		case !okB:
			out = append(out, Difference{Key: k, Missing: "b", Why: "only in A"})
		default:
			if d, ok := diffOne(ra, rb, opts); ok {
				d.Key = k
				out = append(out, d)
			}
		}
	}
	return out
}

// stepGroup is the events of one step, split by kind.
type stepGroup struct {
	step   string
	byKind map[Kind][]Event
}

func groups(events []Event) []stepGroup {
	var out []stepGroup
	for _, e := range events {
		if len(out) == 0 || out[len(out)-1].step != e.Step {
			out = append(out, stepGroup{step: e.Step, byKind: map[Kind][]Event{}})
		}
		g := &out[len(out)-1]
		g.byKind[e.Kind] = append(g.byKind[e.Kind], e)
	}
	return out
}

var kindOrder = []Kind{KindWebhook, KindREST, KindEnd}

func diffOne(a, b Recording, opts DiffOptions) (Difference, bool) {
	ga, gb := groups(a.Events), groups(b.Events)
	for i := 0; i < len(ga) || i < len(gb); i++ {
		switch {
		case i >= len(ga):
			return Difference{Step: gb[i].step, B: first(gb[i]), Why: "B goes on with a step A does not have"}, true
		case i >= len(gb):
			return Difference{Step: ga[i].step, A: first(ga[i]), Why: "A goes on with a step B does not have"}, true
		case ga[i].step != gb[i].step:
			return Difference{Step: ga[i].step, A: first(ga[i]), B: first(gb[i]),
				Why: fmt.Sprintf("the steps differ: A has %q, B has %q", ga[i].step, gb[i].step)}, true
		}
		for _, k := range kindOrder {
			ea, eb := ga[i].byKind[k], gb[i].byKind[k]
			for j := 0; j < len(ea) || j < len(eb); j++ {
				var pa, pb *Event
				if j < len(ea) {
					pa = &ea[j]
				}
				if j < len(eb) {
					pb = &eb[j]
				}
				if why := differ(pa, pb, opts); why != "" {
					return Difference{Step: ga[i].step, A: pa, B: pb, Why: why}, true
				}
			}
		}
	}
	return Difference{}, false
}

func first(g stepGroup) *Event {
	for _, k := range kindOrder {
		if evs := g.byKind[k]; len(evs) > 0 {
			return &evs[0]
		}
	}
	return nil
}

// differ says how two events differ, or "" when they do not.
func differ(a, b *Event, opts DiffOptions) string {
	switch {
	case a == nil && b == nil:
		return ""
	case a == nil:
		return fmt.Sprintf("B has one more %s event", b.Kind)
	case b == nil:
		return fmt.Sprintf("A has one more %s event", a.Kind)
	}
	if opts.Tolerance > 0 {
		ta, errA := parseOffset(a.At)
		tb, errB := parseOffset(b.At)
		if errA == nil && errB == nil && (ta-tb > opts.Tolerance || tb-ta > opts.Tolerance) {
			return fmt.Sprintf("times differ by more than %s: %s and %s", opts.Tolerance, a.At, b.At)
		}
	}
	ca, cb := *a, *b
	ca.At, cb.At = "", ""
	ca.Params = withinTolerance(a.Params, b.Params, opts.DurationTolerance)
	ca.Fields = withinTolerance(a.Fields, b.Fields, opts.DurationTolerance)
	if reflect.DeepEqual(ca, cb) {
		return ""
	}
	switch {
	case a.Kind != b.Kind || a.Method != b.Method || a.Path != b.Path:
		return "different requests"
	case a.Status != b.Status:
		return fmt.Sprintf("different answers: HTTP %d and %d", a.Status, b.Status)
	case !reflect.DeepEqual(ca.Params, cb.Params):
		return "different parameters: " + mapDiff(ca.Params, cb.Params)
	default:
		return "different fields: " + mapDiff(ca.Fields, cb.Fields)
	}
}

// mapDiff names the first key whose value differs.
func mapDiff(a, b map[string]string) string {
	for _, k := range unionKeys(a, b) {
		va, okA := a[k]
		vb, okB := b[k]
		switch {
		case !okA:
			return fmt.Sprintf("%s only in B (%s)", k, vb)
		case !okB:
			return fmt.Sprintf("%s only in A (%s)", k, va)
		case va != vb:
			return fmt.Sprintf("%s is %s in A, %s in B", k, va, vb)
		}
	}
	return ""
}

// unionKeys returns the keys of a and b, each once, sorted.
func unionKeys[V any](a, b map[string]V) []string {
	keys := make(map[string]bool, len(a)+len(b))
	for k := range a {
		keys[k] = true
	}
	for k := range b {
		keys[k] = true
	}
	return slices.Sorted(maps.Keys(keys))
}

// WriteDiff prints differences for people and returns how many there are.
func WriteDiff(w io.Writer, diffs []Difference, nameA, nameB string) error {
	for _, d := range diffs {
		if _, err := fmt.Fprintf(w, "%s\n", d.Key); err != nil {
			return fmt.Errorf("recording: %w", err)
		}
		if d.Missing != "" {
			fmt.Fprintf(w, "  %s\n\n", d.Why)
			continue
		}
		fmt.Fprintf(w, "  step: %s\n  %s\n", d.Step, d.Why)
		fmt.Fprintf(w, "  %s: %s\n", nameA, eventOrNone(d.A))
		fmt.Fprintf(w, "  %s: %s\n\n", nameB, eventOrNone(d.B))
	}
	return nil
}

func eventOrNone(e *Event) string {
	if e == nil {
		return "(nothing)"
	}
	return "[" + e.At + "] " + e.String()
}
