package sim

import (
	"fmt"
	"strings"
	"time"

	"github.com/holdlab/holdlab/fakeapi/wire"
)

// What a recording holds. holdlab keeps no audio, but it knows what each
// party heard and said at every instant (hearing.go), so a recording is
// the stretches it covered and, for each, what was on each channel: the
// parties talking, hold music, a <Say>, silence. A call recording's
// channel 1 is what the recorded call's party says (its inbound track);
// channel 2 is the other side, what Twilio sends that party (its outbound
// track); a mono recording mixes both on one channel. A conference
// recording is the room's mix: the participants the others hear, and
// conference-wide announcements; a held participant's hold music plays to
// that participant alone and is not in it (INFERRED).

// RecordedInterval is a stretch of time a recording covered, and what is
// on each of its channels.
type RecordedInterval struct {
	// Start and End are the virtual times it covers; End is zero while it
	// runs.
	Start, End time.Time
	// At is where it begins in the recording, Length how long it lasts
	// there: End-Start, or 0 when it was left out (a pause with
	// PauseBehavior=skip, or silence cut by trim-silence).
	At, Length time.Duration
	// Paused says the recording was paused; PauseBehavior says whether the
	// stretch is silence in it ("silence") or left out ("skip").
	Paused        bool
	PauseBehavior string
	// Trimmed says trim-silence cut this leading or trailing silence.
	Trimmed bool
	// Channels are what each channel holds (one for mono, two for dual):
	// the sounds mixed on it. A skipped pause has none.
	Channels [][]Hearing
}

// RecordingContents is what a recording holds: its stretches in order, and
// the length they add up to (its duration once completed).
type RecordingContents struct {
	Recording *Recording
	Intervals []RecordedInterval
	Duration  time.Duration
}

// RecordingContents returns what the recording sid holds so far.
func (e *Engine) RecordingContents(sid string) (RecordingContents, error) {
	r, err := e.Recording(sid)
	if err != nil {
		return RecordingContents{}, err
	}
	return e.contentsOf(r), nil
}

// SoundsString renders the sounds of a channel for people:
// `party CA..0001, CA..0002`, `party CA..0001 + hold-music "https://…"`.
func SoundsString(hs []Hearing) string {
	parts := make([]string, len(hs))
	for i, h := range hs {
		parts[i] = h.String()
	}
	return strings.Join(parts, " + ")
}

// capture notes what an active recording records from now on, when it
// changed. A change at the same instant replaces what never lasted.
func (e *Engine) capture(r *Recording) {
	if !r.Status.Active() {
		return
	}
	iv := RecordedInterval{Start: e.now}
	if r.Status == RecordingPaused {
		iv.Paused, iv.PauseBehavior = true, r.PauseBehavior
		if r.PauseBehavior == PauseSilence {
			for range r.Channels {
				iv.Channels = append(iv.Channels, []Hearing{silence("paused")})
			}
		}
	} else {
		iv.Channels = e.soundsOf(r)
	}
	n := len(r.ivs)
	if n > 0 {
		last := &r.ivs[n-1]
		if sameStretch(*last, iv) {
			return
		}
		if last.Start.Equal(e.now) {
			r.ivs = r.ivs[:n-1]
			if n > 1 && sameStretch(r.ivs[n-2], iv) {
				r.ivs[n-2].End = time.Time{}
				return
			}
		} else {
			last.End = e.now
		}
	}
	r.ivs = append(r.ivs, iv)
}

// captureLive notes, after the hearing of calls changed, what every
// active recording records.
func (e *Engine) captureLive() {
	for _, r := range e.recs.live {
		e.capture(r)
	}
}

// soundsOf is what a recording records now, channel by channel. INFERRED:
// a call's party is taken to speak whenever its call is connected (holdlab
// does not know when a person talks), so only silence on every channel is
// silence to trim-silence.
func (e *Engine) soundsOf(r *Recording) [][]Hearing {
	if r.conf != nil {
		return [][]Hearing{e.roomMix(r.conf)}
	}
	c := r.call
	said, heard := silence(""), c.hearing
	if c.Live() {
		said = party(c.Sid)
	}
	switch r.Track {
	case "inbound":
		heard = silence("")
	case "outbound":
		said = silence("")
	}
	if r.Channels == 2 {
		return [][]Hearing{mix(said), mix(heard)}
	}
	return [][]Hearing{mix(said, heard)}
}

// roomMix is what a conference recording records: the participants the
// room hears (not on hold, not muted, not coaching) and a conference-wide
// announcement.
func (e *Engine) roomMix(cf *Conference) []Hearing {
	var hs []Hearing
	if cf.announce.live() {
		hs = append(hs, cf.announce.heard())
	}
	var sids []string
	for _, p := range cf.talkers { // not on hold, not muted, not coaching
		sids = append(sids, p.CallSid)
	}
	if len(sids) > 0 {
		hs = append(hs, party(sids...))
	}
	return mix(hs...)
}

// mix is the sounds on one channel: the parties heard (as one), then any
// other sound; silence when there is none.
func mix(hs ...Hearing) []Hearing {
	var sids []string
	var out []Hearing
	for _, h := range hs {
		switch h.Kind {
		case HearParty:
			for _, s := range h.Parties {
				if !containsString(sids, s) {
					sids = append(sids, s)
				}
			}
		case HearSilence, HearNothing, "":
		default:
			out = append(out, Hearing{Kind: h.Kind, Source: h.Source, Media: h.Media})
		}
	}
	if len(sids) > 0 {
		out = append([]Hearing{party(sids...)}, out...)
	}
	if len(out) == 0 {
		out = []Hearing{silence("")}
	}
	return out
}

func containsString(ss []string, s string) bool {
	for _, o := range ss {
		if o == s {
			return true
		}
	}
	return false
}

// sameStretch reports whether two stretches record the same thing.
func sameStretch(a, b RecordedInterval) bool {
	if a.Paused != b.Paused || a.PauseBehavior != b.PauseBehavior || len(a.Channels) != len(b.Channels) {
		return false
	}
	for i := range a.Channels {
		if len(a.Channels[i]) != len(b.Channels[i]) {
			return false
		}
		for j := range a.Channels[i] {
			if !a.Channels[i][j].Equal(b.Channels[i][j]) {
				return false
			}
		}
	}
	return true
}

// silentStretch reports whether a stretch holds nothing but silence (or is
// left out), which trim-silence cuts at either end.
func silentStretch(iv RecordedInterval) bool {
	for _, ch := range iv.Channels {
		for _, h := range ch {
			if h.Kind != HearSilence {
				return false
			}
		}
	}
	return true
}

// contentsOf computes what r holds so far: its stretches with their place
// in the recording, trim-silence applied, and the resulting length.
func (e *Engine) contentsOf(r *Recording) RecordingContents {
	ivs := make([]RecordedInterval, 0, len(r.ivs))
	for _, iv := range r.ivs {
		end := iv.End
		if end.IsZero() {
			end = e.now
		}
		if !end.After(iv.Start) {
			continue // a change that never lasted
		}
		iv.Length = end.Sub(iv.Start)
		if iv.Paused && iv.PauseBehavior == PauseSkip {
			iv.Length = 0
		}
		ivs = append(ivs, iv)
	}
	if r.Trim == "trim-silence" {
		first, last := 0, len(ivs)-1
		for first <= last && silentStretch(ivs[first]) {
			first++
		}
		for last >= first && silentStretch(ivs[last]) {
			last--
		}
		for i := range ivs {
			if (i < first || i > last) && ivs[i].Length > 0 {
				ivs[i].Trimmed, ivs[i].Length = true, 0
			}
		}
	}
	var at time.Duration
	for i := range ivs {
		ivs[i].At = at
		at += ivs[i].Length
	}
	return RecordingContents{Recording: r, Intervals: ivs, Duration: at}
}

// FormatRecordingContents renders what a recording holds for people: a
// heading, then a stretch a line with its times (offsets from start),
// where it is in the recording and for how long, and what is on each
// channel:
//
//	recording RE..0001 of CA..0001 (StartCallRecordingAPI, dual, completed): 41s
//	00:00:10.000  00:00:40.000  at 0s       30s      ch1: party CA..0001 | ch2: party CA..0002
//	00:00:40.000  00:01:10.000  at 30s      0s       paused (skip): not in the recording
func FormatRecordingContents(rc RecordingContents, start time.Time) string {
	r := rc.Recording
	var b strings.Builder
	of := "conference " + wire.Short(r.ConferenceSid)
	if r.conf == nil {
		of = wire.Short(r.CallSid)
	}
	mode := "mono"
	if r.Channels == 2 {
		mode = "dual"
	}
	fmt.Fprintf(&b, "recording %s of %s (%s, %s, %s): %s\n", wire.Short(r.Sid), of, r.Source, mode, r.Status, rc.Duration)
	for _, iv := range rc.Intervals {
		end := "..."
		if !iv.End.IsZero() {
			end = Offset(iv.End.Sub(start))
		}
		fmt.Fprintf(&b, "%s  %-12s  at %-8s %-8s %s\n", Offset(iv.Start.Sub(start)), end, iv.At, iv.Length, describeStretch(iv))
	}
	return b.String()
}

// describeStretch says what a stretch holds: "paused (skip): not in the
// recording", or its channels, after "paused (silence)" or "trimmed".
func describeStretch(iv RecordedInterval) string {
	var notes []string
	switch {
	case iv.Paused && iv.PauseBehavior == PauseSkip:
		return "paused (skip): not in the recording"
	case iv.Paused:
		notes = append(notes, "paused (silence)")
	}
	if iv.Trimmed {
		notes = append(notes, "trimmed")
	}
	prefix := ""
	if len(notes) > 0 {
		prefix = strings.Join(notes, ", ") + ": "
	}
	if len(iv.Channels) == 1 {
		return prefix + SoundsString(iv.Channels[0])
	}
	parts := make([]string, len(iv.Channels))
	for i, ch := range iv.Channels {
		parts[i] = fmt.Sprintf("ch%d: %s", i+1, SoundsString(ch))
	}
	return prefix + strings.Join(parts, " | ")
}
