package timeline

import (
	"net/url"
	"path"
	"strconv"
	"strings"
	"time"

	"github.com/holdlab/holdlab/fakeapi/sim"
	"github.com/holdlab/holdlab/fakeapi/wire"
)

// Leg is a call leg to draw, with a label for people.
type Leg struct {
	Sid       string
	Label     string // "customer", "agent"
	Intervals []sim.Interval
}

// Request is a REST request the app made, as it was sent: requests that
// failed or changed nothing are not in the trace, and are part of the
// story all the same.
type Request struct {
	At time.Time
	// Mark is the trace's last sequence number when it was sent: the
	// trace entries after it at that instant are its effects.
	Mark   uint64
	Method string
	// Path is under the account (/Calls/CA….json); a full URL is cut to it.
	Path string
	Form string // its parameters, for people
	// Status is the answer's HTTP status; 0 pending, -1 no answer.
	Status int
}

// Sim is what FromSim draws from: the fake's trace and what each leg heard.
type Sim struct {
	Title      string
	Start, End time.Time
	Entries    []sim.Entry
	Legs       []Leg
	// IsHoldMusic tells the app's hold music apart from other audio,
	// wherever it plays (nil: only Twilio's own hold music counts).
	IsHoldMusic func(sim.Hearing) bool
	// Requests are the app's REST requests as it made them: each becomes a
	// marker, with the trace's REST entries it caused as its effects. When
	// nil (not merely empty), the trace's REST entries are the markers.
	Requests []Request
}

// FromSim builds a timeline from the fake's trace, read by its typed
// fields, and the legs' hearing intervals. Each segment's cause is the
// trace entry that changed what the party hears; every REST request and
// webhook becomes a marker on the app's row, about the lane it concerns;
// errors and warnings are markers on their call's lane; conferences and
// queues get lanes of their own, named by the trace's room, with their
// events as markers.
func FromSim(in Sim) Timeline {
	t := Timeline{Title: in.Title, Duration: in.End.Sub(in.Start)}
	b := builder{in: in, t: &t, names: map[string]string{}, lanes: map[string]int{}}
	for _, l := range in.Legs {
		b.names[l.Sid] = legName(l)
		b.lanes[l.Sid] = len(t.Lanes)
		t.Lanes = append(t.Lanes, Lane{ID: l.Sid, Label: b.names[l.Sid], Kind: LaneLeg})
	}
	b.segments()
	b.rooms()
	b.markers()
	return t
}

// builder holds what FromSim works out on its way.
type builder struct {
	in    Sim
	t     *Timeline
	names map[string]string // call SID -> lane label
	lanes map[string]int    // lane ID -> index
}

func (b *builder) at(tm time.Time) time.Duration { return tm.Sub(b.in.Start) }

// opened is a hears entry, with the entry that caused it.
type opened struct {
	entry *sim.Entry
	cause *sim.Entry
}

// segments draws each leg's intervals. The hears entry that opened an
// interval says in which room the party was; the entry just before it at
// the same instant, about the same leg if there is one, is its cause.
func (b *builder) segments() {
	hears := map[string][]opened{}
	var lastAny *sim.Entry
	lastSame := map[string]*sim.Entry{}
	for i := range b.in.Entries {
		e := &b.in.Entries[i]
		if e.Kind != sim.KindHears {
			lastAny = e
			for _, sid := range []string{e.Call, e.Other} {
				if sid != "" {
					lastSame[sid] = e
				}
			}
			continue
		}
		o := opened{entry: e}
		if s := lastSame[e.Call]; s != nil && s.At.Equal(e.At) {
			o.cause = s
		} else if lastAny != nil && lastAny.At.Equal(e.At) {
			o.cause = lastAny
		}
		hears[e.Call] = append(hears[e.Call], o)
	}
	for _, l := range b.in.Legs {
		lane := &b.t.Lanes[b.lanes[l.Sid]]
		hs := hears[l.Sid]
		for _, iv := range l.Intervals {
			to := iv.End
			if to.IsZero() || to.After(b.in.End) {
				to = b.in.End
			}
			var room *sim.RoomRef
			seg := Segment{From: b.at(iv.Start), To: b.at(to)}
			// The hears entry of this interval: the next one that starts
			// at its start.
			for len(hs) > 0 && hs[0].entry.At.Before(iv.Start) {
				hs = hs[1:]
			}
			if len(hs) > 0 && hs[0].entry.At.Equal(iv.Start) {
				o := hs[0]
				hs = hs[1:]
				room = o.entry.Room
				seg.Seq = 2 * o.entry.Seq
				if o.cause != nil {
					seg.Cause = causeText(*o.cause)
				}
			}
			seg.Hears, seg.Label = b.hearing(iv.Hearing, room)
			lane.Segments = append(lane.Segments, seg)
		}
	}
}

// causeText is an entry as a segment's cause: its words, and its typed
// cause when it has one.
func causeText(e sim.Entry) string {
	if e.Cause != "" {
		return e.Text + " [" + string(e.Cause) + "]"
	}
	return e.Text
}

// hearing says what a party hears, as a colour and in words: one answer
// for both. The app's hold music is hold music wherever it plays, also
// where a queue or conference plays it as its wait music, and the words
// say so.
func (b *builder) hearing(h sim.Hearing, room *sim.RoomRef) (Hears, string) {
	switch h.Kind {
	case sim.HearParty:
		who := make([]string, len(h.Parties))
		for i, p := range h.Parties {
			if n, ok := b.names[p]; ok {
				who[i] = n
			} else {
				who[i] = wire.Short(p)
			}
		}
		return HearsParty, "hears " + strings.Join(who, ", ")
	case sim.HearMedia:
		what := h.Media
		if h.Source != "say" {
			what = path.Base(what)
		}
		what = short(what, 60)
		appMusic := b.in.IsHoldMusic != nil && b.in.IsHoldMusic(h)
		switch {
		case h.Source == "wait-music" && appMusic:
			return HearsHoldMusic, "hears hold music " + what + " (as the wait music of " + roomName(room) + ")"
		case h.Source == "hold-music" || appMusic:
			return HearsHoldMusic, "hears hold music " + what
		case h.Source == "wait-music":
			return HearsWaitMusic, "hears wait music " + what + " (of " + roomName(room) + ")"
		}
		return HearsMedia, "hears " + strings.ReplaceAll(h.Source, "-", " ") + " " + what
	case sim.HearSilence:
		return HearsSilence, "hears " + shortSids(h.String())
	case sim.HearRingback:
		return HearsRingback, "hears " + shortSids(h.String())
	case sim.HearNothing:
		return HearsNothing, "hears " + shortSids(h.String())
	}
	return HearsUnknown, "hears " + shortSids(h.String())
}

// roomName names a room for people: "queue hold-CA..0001".
func roomName(r *sim.RoomRef) string {
	if r == nil {
		return "its room"
	}
	return string(r.Kind) + " " + shortSids(r.Name)
}

// rooms gives every conference and queue in the trace a lane, from the
// first entry about it until its end (a conference that completes) or the
// end of the run.
func (b *builder) rooms() {
	for _, e := range b.in.Entries {
		r := e.Room
		if r == nil || (e.Kind != sim.KindConf && e.Kind != sim.KindQueue && e.Kind != sim.KindREST) {
			continue
		}
		at := b.at(e.At)
		i, ok := b.lanes[r.Sid]
		if !ok {
			i = len(b.t.Lanes)
			b.lanes[r.Sid] = i
			kind := LaneQueue
			if r.Kind == sim.RoomConference {
				kind = LaneConference
			}
			label := roomName(r)
			b.t.Lanes = append(b.t.Lanes, Lane{ID: r.Sid, Label: label, Kind: kind,
				Segments: []Segment{{From: at, To: b.t.Duration, Hears: HearsRoom, Label: label + " (" + wire.Short(r.Sid) + ")", Cause: e.Text, Seq: 2 * e.Seq}}})
		}
		if r.Status == sim.ConferenceCompleted {
			segs := b.t.Lanes[i].Segments
			if last := &segs[len(segs)-1]; last.To > at {
				last.To = at
			}
		}
	}
}

// lane is the lane an entry concerns: its call's, else its room's; "" for
// none.
func (b *builder) lane(e sim.Entry) string {
	if _, ok := b.lanes[e.Call]; ok && e.Call != "" {
		return e.Call
	}
	if e.Room != nil {
		if _, ok := b.lanes[e.Room.Sid]; ok {
			return e.Room.Sid
		}
	}
	return ""
}

// roomLane is the lane of a room event: its room's, else its call's.
func (b *builder) roomLane(e sim.Entry) string {
	if e.Room != nil {
		if _, ok := b.lanes[e.Room.Sid]; ok {
			return e.Room.Sid
		}
	}
	return b.lane(e)
}

// markers turns the trace's webhooks, REST requests, errors and room events
// into markers, and the app's requests, when given, into REST markers with
// their effects.
func (b *builder) markers() {
	effects := b.matchRequests()
	for i, e := range b.in.Entries {
		m := Marker{At: b.at(e.At), Seq: 2 * e.Seq, Label: MarkerLabel(e.Text), Detail: e.Text}
		switch {
		case e.Kind == sim.KindWebhook && e.Webhook != nil:
			m.Kind, m.About = MarkWebhook, b.lane(e)
			m.Label = webhookLabel(*e.Webhook)
		case e.Kind == sim.KindREST && b.in.Requests == nil && e.REST != nil:
			m.Kind, m.About = MarkREST, b.lane(e)
			m.Label = e.REST.Method + " " + shortSids(e.REST.Path)
		case e.Kind == sim.KindREST && effects[i]:
			continue // told by the request that caused it
		case e.Kind == sim.KindError, e.Kind == sim.KindWarning, e.Kind == sim.KindFault:
			m.Kind, m.Lane = MarkError, b.lane(e)
		case e.Kind == sim.KindConf, e.Kind == sim.KindQueue:
			m.Kind, m.Lane = MarkEvent, b.roomLane(e)
		case e.Kind == sim.KindWebhook, e.Kind == sim.KindREST:
			// Notes on a webhook, REST effects no recorded request claims.
			m.Kind, m.Lane = MarkEvent, b.lane(e)
		default:
			continue
		}
		b.t.Markers = append(b.t.Markers, m)
	}
}

// matchRequests makes a REST marker of each request, with the trace's REST
// entries it caused as its effects (same method and path, after its mark),
// and returns the indexes of the entries it claimed.
func (b *builder) matchRequests() map[int]bool {
	claimed := map[int]bool{}
	for ri, r := range b.in.Requests {
		p := strings.TrimSuffix(r.Path, ".json")
		// Up to the next request for the same resource.
		limit := ^uint64(0)
		for _, o := range b.in.Requests[ri+1:] {
			if o.Method == r.Method && strings.TrimSuffix(o.Path, ".json") == p && o.Mark > r.Mark {
				limit = o.Mark
				break
			}
		}
		m := Marker{At: b.at(r.At), Kind: MarkREST, Seq: 2*r.Mark + 1, Label: r.Method + " " + shortSids(p)}
		m.Detail = r.Method + " " + r.Path
		if r.Form != "" {
			m.Detail += " " + r.Form
		}
		switch {
		case r.Status > 0:
			m.Detail += " -> HTTP " + strconv.Itoa(r.Status)
		case r.Status < 0:
			m.Detail += " -> no answer"
		}
		for i, e := range b.in.Entries {
			if claimed[i] || e.Kind != sim.KindREST || e.REST == nil || e.Seq <= r.Mark || e.Seq > limit ||
				e.REST.Method != r.Method || e.REST.Path != p {
				continue
			}
			claimed[i] = true
			m.Detail += "\n=> " + e.Text
			if m.About == "" {
				m.About = b.lane(e)
			}
		}
		if m.About == "" {
			m.About = b.laneInPath(p)
		}
		b.t.Markers = append(b.t.Markers, m)
	}
	return claimed
}

// laneInPath finds the lane a REST path names: its last call, conference
// or queue SID that has a lane.
func (b *builder) laneInPath(p string) string {
	parts := strings.Split(p, "/")
	for i := len(parts) - 1; i >= 0; i-- {
		if _, ok := b.lanes[parts[i]]; ok && parts[i] != "" {
			return parts[i]
		}
	}
	return ""
}

// webhookLabel is a webhook for a marker: its purpose, method, path and
// answer.
func webhookLabel(w sim.WebhookRef) string {
	p := w.URL
	if u, err := url.Parse(w.URL); err == nil && u.Path != "" {
		p = u.Path
	}
	answer := "no answer"
	if w.StatusCode != 0 {
		answer = "HTTP " + strconv.Itoa(w.StatusCode)
	}
	return w.Purpose + " " + w.Method + " " + shortSids(p) + " -> " + answer
}

func legName(l Leg) string {
	if l.Label == "" {
		return wire.Short(l.Sid)
	}
	return l.Label + " " + wire.Short(l.Sid)
}
