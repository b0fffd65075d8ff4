package sim

import (
	"net/url"
	"time"

	"github.com/holdlab/holdlab/fakeapi/twiml"
)

// The media player: <Say>, <Play>, <Pause> and <Redirect>, the verbs every
// document may use, played the same way whoever hosts the document: a
// leg's own TwiML (callHost) or a restricted document a mediaRunner plays
// on a leg, such as wait or hold music (runnerHost). The hosts (hosts.go)
// decide only what differs: whose hearing it is, what runs next, how a
// URL is resolved and fetched.

// playerHost is what the player plays on.
type playerHost interface {
	// name returns the call the host's trace lines are about, and the
	// prefix that names the host in them ("CA..0002 (customer)").
	name() (*Call, string)
	// media is what the party hears of a verb's source ("say", "play")
	// and its text or URL.
	media(source, m string) Hearing
	// play makes the party hear s, then runs the host's next verb.
	play(s sound)
	// resolve makes ref absolute against document p. When it cannot, the
	// host reports why and gives its document up, and ok is false.
	resolve(p *program, ref string) (abs string, ok bool)
	// fetch requests the document at abs, with params added, as the
	// host's next; purpose names the request of a leg's own TwiML.
	fetch(abs, method string, params url.Values, purpose string)
	// shownURL is how a <Play> URL reads in the host's trace lines: as
	// written in a leg's own TwiML, resolved in a runner's document.
	shownURL(written, resolved string) string
}

// sound is what a Say, Play or Pause plays: the party hears h for d, loop
// times (loop 0: until something else stops it).
type sound struct {
	h    Hearing
	d    time.Duration
	loop int
}

// maxSound is the longest a sound plays in all before the player takes it
// for one that never ends: a century, far longer than any call lasts and
// far from time.Duration's limit (292 years), so that neither loop times
// length nor the clock plus that can overflow.
const maxSound = 100 * 365 * 24 * time.Hour

// length is how long s plays in all, or forever: loop 0 (or less) plays
// forever, and so does a loop count whose total would pass maxSound, such
// as <Play loop="400000000"> of 30 seconds of audio (as a product it
// overflows, and the music would end at once). It is never negative.
func (s sound) length() (total time.Duration, forever bool) {
	switch {
	case s.loop <= 0:
		return 0, true
	case s.d <= 0:
		return 0, false
	case s.d > maxSound/time.Duration(s.loop):
		return 0, true
	}
	return s.d * time.Duration(s.loop), false
}

// playVerb plays v, a verb of document p, on h if it is a Say, Play, Pause
// or Redirect, and reports whether it was one. Each blocks h: its next verb
// runs when the sound is over, or with the document a Redirect fetches.
func (e *Engine) playVerb(h playerHost, p *program, v twiml.Verb) bool {
	c, name := h.name()
	switch v := v.(type) {
	case *twiml.Say:
		e.tracef(c, KindVerb, "%s <Say> %s%s", name, quoteShort(v.Text, 60), loopNote(v.Loop))
	case *twiml.Play:
		if v.Digits != "" {
			e.tracef(c, KindVerb, "%s <Play digits=%q>", name, v.Digits)
			h.play(sound{h.media("play", "DTMF "+v.Digits), time.Duration(len(v.Digits)) * 500 * time.Millisecond, 1})
			return true
		}
		var buf [256]byte
		b := append(buf[:0], name...)
		b = append(b, " <Play> "...)
		b = append(b, h.shownURL(v.URL, e.resolveOr(p, v.URL))...)
		b = append(b, loopNote(v.Loop)...)
		e.traceText(c, KindVerb, 0, e.sharedLine(c, b), facts{})
	case *twiml.Pause:
		e.tracef(c, KindVerb, "%s <Pause length=%d>", name, v.Length)
	case *twiml.Redirect:
		if target, ok := h.resolve(p, v.URL); ok {
			e.tracef(c, KindVerb, "%s <Redirect> to %s", name, target)
			h.fetch(target, v.Method, nil, "redirect")
		}
		return true
	default:
		return false
	}
	s, _ := e.soundOf(h, p, v)
	h.play(s)
	return true
}

// soundOf is what v, a Say, Play or Pause of document p, plays on h, for
// the player and for the prompts of a <Gather>; false for another verb.
// It takes every Play for one of a URL: playVerb plays <Play digits> before
// it gets here, but a <Gather> prompt does not (it then plays the document's
// own URL, as it always has; moving the digits case here would change that).
func (e *Engine) soundOf(h playerHost, p *program, v twiml.Verb) (sound, bool) {
	switch v := v.(type) {
	case *twiml.Say:
		return sound{h.media("say", v.Text), sayDuration(v.Text), v.Loop}, true
	case *twiml.Play:
		u := e.resolveOr(p, v.URL)
		return sound{h.media("play", u), e.mediaDuration(u), v.Loop}, true
	case *twiml.Pause:
		return sound{silence("pause"), time.Duration(v.Length) * time.Second, 1}, true
	}
	return sound{}, false
}

// loopNote says how often a verb plays, for the trace.
func loopNote(loop int) string {
	switch loop {
	case 0:
		return " (loop forever)"
	case 1:
		return ""
	}
	return " (loop " + itoa(loop) + ")"
}

// sayDuration estimates how long Twilio's text-to-speech takes to say text:
// about 15 characters a second, at least one second.
func sayDuration(text string) time.Duration {
	d := time.Duration(len([]rune(text))) * time.Second / 15
	if d < time.Second {
		d = time.Second
	}
	return d.Truncate(time.Millisecond)
}

// mediaDuration is how long the audio at u plays (SetMediaDuration, else
// Config.MediaDuration).
func (e *Engine) mediaDuration(u string) time.Duration {
	if d, ok := e.mediaD[u]; ok {
		return d
	}
	return e.cfg.MediaDuration
}
