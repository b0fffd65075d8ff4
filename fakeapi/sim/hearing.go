package sim

import (
	"slices"
	"strconv"
	"time"
)

// HearingKind classifies what the party on a leg's far end hears.
type HearingKind string

// What a party can hear.
const (
	// HearNothing: the leg is not connected (not answered yet, or ended).
	HearNothing HearingKind = "nothing"
	// HearRingback: the caller waits for the other side to answer.
	HearRingback HearingKind = "ringback"
	// HearParty: another call leg's party (or several, in a conference).
	HearParty HearingKind = "party"
	// HearMedia: audio played by Twilio: a <Play> URL, <Say> text, hold or
	// wait music.
	HearMedia HearingKind = "media"
	// HearSilence: connected, but nothing plays.
	HearSilence HearingKind = "silence"
)

// Hearing is what the party on a leg's far end hears at one instant.
type Hearing struct {
	Kind HearingKind
	// Parties are the call SIDs heard, for HearParty.
	Parties []string
	// Source says where media comes from: "play", "say", "hold-music",
	// "wait-music", "announcement", "application-error".
	Source string
	// Media is the Play URL or the Say text, for HearMedia.
	Media string
	// Detail is a short reason, e.g. "not answered" or "ended".
	Detail string
}

// Equal reports whether two hearings are the same.
func (h Hearing) Equal(o Hearing) bool {
	if h.Kind != o.Kind || h.Source != o.Source || h.Media != o.Media || h.Detail != o.Detail || len(h.Parties) != len(o.Parties) {
		return false
	}
	for i := range h.Parties {
		if h.Parties[i] != o.Parties[i] {
			return false
		}
	}
	return true
}

// String renders a hearing for people: `party CA..0002`, `media play
// https://example.com/music.mp3`, `silence`.
func (h Hearing) String() string {
	var buf [128]byte
	return string(h.appendTo(buf[:0]))
}

// appendTo appends h.String() to dst.
func (h Hearing) appendTo(dst []byte) []byte {
	switch h.Kind {
	case HearParty:
		dst = append(dst, "party "...)
		for i, sid := range h.Parties {
			if i > 0 {
				dst = append(dst, ", "...)
			}
			dst = appendShort(dst, sid)
		}
		return dst
	case HearMedia:
		dst = append(dst, h.Source...)
		dst = append(dst, ' ')
		return strconv.AppendQuote(dst, h.Media)
	case HearNothing, HearRingback, HearSilence:
		dst = append(dst, h.Kind...)
		if h.Detail != "" {
			dst = append(dst, " ("...)
			dst = append(dst, h.Detail...)
			dst = append(dst, ')')
		}
		return dst
	}
	return append(dst, h.Kind...)
}

// appendShort appends wire.Short(sid) to dst.
func appendShort(dst []byte, sid string) []byte {
	if len(sid) <= 8 {
		return append(dst, sid...)
	}
	dst = append(dst, sid[:2]...)
	dst = append(dst, ".."...)
	return append(dst, sid[len(sid)-4:]...)
}

// Interval is what a leg's party heard from Start until End. The interval
// still running has a zero End.
type Interval struct {
	Start, End time.Time
	Hearing    Hearing
}

// heardInterval is an Interval as a call keeps it: its hearing is shared
// with the trace entry that reports it, and with the call's other
// intervals that heard the same (heardLine), so that each costs less
// than half an Interval.
type heardInterval struct {
	Start, End time.Time
	Hearing    *Hearing // never modified
}

// heardLine is a hearing a call changed to, with the trace line that
// says so.
type heardLine struct {
	h     Hearing
	text  string // "CA..0002 (agent) now hears party CA..0001"
	label string // the call's label the text names it with
}

func nothing(detail string) Hearing { return Hearing{Kind: HearNothing, Detail: detail} }
func silence(detail string) Hearing { return Hearing{Kind: HearSilence, Detail: detail} }
func ringback() Hearing             { return Hearing{Kind: HearRingback} }
func party(sids ...string) Hearing  { return Hearing{Kind: HearParty, Parties: sids} }
func media(src, m string) Hearing   { return Hearing{Kind: HearMedia, Source: src, Media: m} }

// hearingOf works out what the far end of c hears right now.
func (e *Engine) hearingOf(c *Call) Hearing {
	if c.Live() {
		// A conference, a queue or a queue bridge decides (rooms.go).
		if h, ok := e.roomHearing(c); ok {
			return h
		}
	}
	switch {
	case c.Status.Terminal():
		return nothing("ended")
	case c.peer != nil:
		return party(c.peer.Sid)
	case c.dialing != nil:
		return ringback()
	}
	if !c.Answered() {
		if c.Direction == DirectionInbound {
			// The caller waits for Twilio to answer: ringback, or the media
			// of a <Dial answerOnBridge> that has not bridged yet.
			return ringback()
		}
		return nothing("not answered")
	}
	switch c.wait {
	case waitMedia, waitForever, waitGather:
		if c.media.Kind != "" {
			return c.media
		}
		return silence("")
	case waitFetch:
		return silence("fetching TwiML")
	case waitBridge:
		return silence("connecting")
	}
	return silence("")
}

// touch marks c so that its hearing is recomputed at the end of the step.
// A participant's leg may take its place at its conference's mark
// (conference_touch.go).
func (e *Engine) touch(c *Call) {
	switch {
	case c == nil || c.dirty:
	case c.part != nil && c.part.call == c:
		e.touchPart(c.part)
	default:
		c.dirty = true
		e.dirty = append(e.dirty, c)
	}
}

// flushHearing recomputes the hearing of every touched call, closing and
// opening intervals and tracing each change, in the order they were
// touched.
func (e *Engine) flushHearing() {
	for len(e.dirty) > 0 || len(e.roomMarks) > 0 {
		batch, marks := e.dirty, e.takeMarks()
		e.dirty, e.spareDirty = e.spareDirty, nil
		for i, k := 0, 0; i <= len(batch); i++ {
			for ; k < len(marks) && marks[k].at == i; k++ {
				for _, pt := range marks[k].markedParts() {
					e.rehear(pt.call)
				}
			}
			if i < len(batch) {
				e.rehear(batch[i])
			}
		}
		clear(batch)
		e.spareDirty = batch[:0]
		e.recycleMarks(marks)
	}
	if len(e.recs.live) > 0 {
		e.captureLive() // what recordings record follows (recording_contents.go)
	}
}

// rehear recomputes what c's party hears, and opens a new interval if it
// changed.
func (e *Engine) rehear(c *Call) {
	c.dirty = false
	h := e.hearingOf(c)
	if len(c.intervals) > 0 && c.hearing.Equal(h) {
		return
	}
	if n := len(c.intervals); n > 0 {
		c.intervals[n-1].End = e.now
	}
	line := e.heardLine(c, h)
	c.hearing = line.h
	c.hearSince = e.now
	if n := len(c.intervals); n == cap(c.intervals) && n >= 256 {
		// A long history (a party held and unheld all day) doubles, as a
		// short one does: append grows a large slice by a quarter, which
		// copies it about four times as often.
		c.intervals = slices.Grow(c.intervals, n)
	} else if n == 0 && cap(c.intervals) == 0 {
		// Room for a short call's hearings (ringback, wait music, the
		// other party, hold, …) at once: from one, doubling, it would be
		// allocated four times.
		c.intervals = make([]heardInterval, 0, 8)
	}
	c.intervals = append(c.intervals, heardInterval{Start: e.now, Hearing: &line.h})
	if lim := e.cfg.TraceLimit; lim > 0 && len(c.intervals) > lim {
		e.forgetIntervals(c, len(c.intervals)-lim)
	}
	f := facts{hearing: &line.h}
	if c.Live() {
		f.room = roomRef(c)
	}
	e.traceText(c, KindHears, 0, line.text, f)
}

// heardLine returns h with its trace line for c. A party on hold and off
// again goes back and forth between the same few hearings: the ones c
// changed to last are reused, their hearing and text shared by the
// entries and intervals that report them (neither is ever modified).
func (e *Engine) heardLine(c *Call, h Hearing) *heardLine {
	rl := c.recentLines() // nil once c has ended
	if rl != nil {
		for i, l := range rl.heard {
			if l != nil && l.label == c.label && l.h.Equal(h) {
				copy(rl.heard[1:i+1], rl.heard[:i])
				rl.heard[0] = l
				return l
			}
		}
	}
	var buf [192]byte // the line, copied once into a string of its size
	b := e.appendName(buf[:0], c)
	b = append(b, " now hears "...)
	b = h.appendTo(b)
	l := &heardLine{h: h, text: string(b), label: c.label}
	if rl != nil {
		copy(rl.heard[1:], rl.heard[:len(rl.heard)-1])
		rl.heard[0] = l
	}
	return l
}

// forgetIntervals drops the n oldest intervals of c's hearing history
// (Config.TraceLimit). Reslicing keeps the appends amortised: the next
// one that outgrows the array copies only what is kept.
func (e *Engine) forgetIntervals(c *Call, n int) {
	clear(c.intervals[:n])
	c.intervals = c.intervals[n:]
	c.heardForgotten = true
	c.heardChecked = max(c.heardChecked-n, 0)
}

// Hears returns what the far end of the call hears now.
func (e *Engine) Hears(sid string) (Hearing, error) {
	c, err := e.call(sid)
	if err != nil {
		return Hearing{}, err
	}
	return c.hearing, nil
}

// HeardAt returns what the far end of the call heard at instant t.
func (e *Engine) HeardAt(sid string, t time.Time) (Hearing, error) {
	c, err := e.call(sid)
	if err != nil {
		return Hearing{}, err
	}
	for i := len(c.intervals) - 1; i >= 0; i-- {
		iv := &c.intervals[i]
		if !t.Before(iv.Start) && (iv.End.IsZero() || t.Before(iv.End)) {
			return *iv.Hearing, nil
		}
	}
	if c.heardForgotten {
		return nothing("forgotten: older than the hearing history kept"), nil
	}
	return nothing("not yet created"), nil
}

// Intervals returns the call's hearing history; the last interval may still
// be running (zero End). With Config.TraceLimit it holds the newest
// intervals only.
func (e *Engine) Intervals(sid string) ([]Interval, error) {
	c, err := e.call(sid)
	if err != nil {
		return nil, err
	}
	out := make([]Interval, len(c.intervals))
	for i, iv := range c.intervals {
		out[i] = Interval{Start: iv.Start, End: iv.End, Hearing: *iv.Hearing}
	}
	return out, nil
}
