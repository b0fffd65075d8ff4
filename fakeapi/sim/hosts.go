package sim

import "net/url"

// The two hosts of the player (player.go) and of <Gather> (gather.go): a
// leg's own TwiML, and a restricted document a mediaRunner plays on a leg
// (runner.go). What differs between them is here, and only here.

// callHost hosts the verbs of a leg's own TwiML: its party hears them, the
// leg waits in them, and a Redirect or a <Gather> action fetches the leg's
// next document.
type callHost struct {
	e *Engine
	c *Call
}

func (h callHost) name() (*Call, string) { return h.c, h.e.name(h.c) }

func (h callHost) media(source, m string) Hearing { return media(source, m) }

func (h callHost) shownURL(written, _ string) string { return written }

func (h callHost) hear(m Hearing) {
	h.c.media = m
	h.e.touch(h.c)
}

func (h callHost) play(s sound) {
	e, c := h.e, h.c
	h.hear(s.h)
	d, forever := s.length()
	if forever {
		c.wait = waitForever
		return
	}
	c.wait = waitMedia
	c.timer = e.after(d, func() {
		c.timer = nil
		c.wait = waitNone
		h.hear(Hearing{})
		h.next()
	})
}

// resolve fails with Twilio's application error (fetch.go).
func (h callHost) resolve(p *program, ref string) (string, bool) { return h.e.resolve(h.c, p, ref) }

func (h callHost) fetch(abs, method string, params url.Values, purpose string) {
	mode := modeMain
	if h.c.prog != nil {
		mode = h.c.prog.mode
	}
	h.e.fetchTwiML(h.c, abs, method, params, mode, purpose, false)
}

func (h callHost) attach(g *gather) {
	h.c.gather = g
	h.c.wait = waitGather
}

func (h callHost) gathering(g *gather) bool { return h.c.gather == g }

func (h callHost) detach() {
	h.c.gather = nil
	h.c.wait = waitNone
	h.hear(Hearing{})
}

func (h callHost) next() { h.e.run(h.c) }

// runnerHost hosts the verbs of a runner's document: what they play is the
// runner's hearing, which the leg's room decides whether the party hears;
// a Redirect or a <Gather> action fetches the runner's next document, and
// the leg's own program stays blocked where it was.
type runnerHost struct {
	e *Engine
	r *mediaRunner
}

func (h runnerHost) name() (*Call, string) {
	// "CA..0002 (agent) hold music:", shared with the call's recent
	// lines: each hold plays its music on a new runner.
	var buf [128]byte
	b := h.r.appendLabel(h.e, buf[:0])
	return h.r.call, h.e.sharedLine(h.r.call, append(b, ':'))
}

func (h runnerHost) media(source, m string) Hearing { return h.r.mediaOf(source, m) }

func (h runnerHost) shownURL(_, resolved string) string { return resolved }

func (h runnerHost) hear(m Hearing) {
	h.r.hearing = m
	h.e.touchRunner(h.r)
}

func (h runnerHost) play(s sound) {
	e, r := h.e, h.r
	h.hear(s.h)
	d, forever := s.length()
	if forever {
		return
	}
	r.timer = e.after(d, func() {
		r.timer = nil
		h.next()
	})
}

// resolve fails the runner's document (runnerFail).
func (h runnerHost) resolve(p *program, ref string) (string, bool) {
	e, r := h.e, h.r
	abs, ok := e.resolveQuiet(p, ref)
	if !ok {
		e.traceCode(r.call, KindError, 15004, "%s: relative URL %q in TwiML that has no document URL", r.label(e), ref)
		e.runnerFail(r, 15004)
	}
	return abs, ok
}

// fetch ignores purpose: a runner's requests all carry its own.
func (h runnerHost) fetch(abs, method string, params url.Values, _ string) {
	h.e.runnerFetch(h.r, abs, method, params)
}

func (h runnerHost) attach(g *gather) { h.r.gather = g }

func (h runnerHost) gathering(g *gather) bool { return h.r.gather == g }

func (h runnerHost) detach() { h.r.gather = nil }

func (h runnerHost) next() { h.e.runnerRun(h.r) }
