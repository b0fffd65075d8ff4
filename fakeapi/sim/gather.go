package sim

import (
	"net/url"
	"strings"
	"time"

	"github.com/holdlab/holdlab/fakeapi/twiml"
)

// gather is one <Gather> collecting keys: it plays its nested Say, Play
// and Pause until the first key, then waits for keys until numDigits, a
// finishOnKey or the timeout ends it, and hands the result to its host.
type gather struct {
	host    gatherHost
	verb    *twiml.Gather
	url     string   // the document's URL: the default action, the base of relative URLs
	prompts *program // the nested verbs, played in turn
	playing bool     // prompts still play; the first key stops them
	digits  string
	timer   *event // the next prompt, or the timeout
}

// gatherHost is what runs a <Gather>: a leg's own TwiML (callHost) or an
// <Enqueue> waitUrl (runnerHost), both in hosts.go. As a player it decides
// what the party hears of a prompt and where the action's request goes;
// besides, it holds the <Gather> in progress.
type gatherHost interface {
	playerHost
	// attach makes g the host's <Gather>.
	attach(g *gather)
	// gathering reports whether g is still the host's <Gather>.
	gathering(g *gather) bool
	// hear makes the party hear a prompt, until told otherwise.
	hear(h Hearing)
	// detach ends g: the host no longer gathers.
	detach()
	// next runs the verb after the <Gather>.
	next()
}

// waitingForKeys is what a party hears while a <Gather> waits for keys: no
// prompt left to play, or a key stopped it.
var waitingForKeys = silence("waiting for keys")

// startGather runs the <Gather> v of document p on h.
func (e *Engine) startGather(h gatherHost, p *program, v *twiml.Gather) {
	c, name := h.name()
	e.tracef(c, KindVerb, "%s <Gather numDigits=%d timeout=%d> waits for keys", name, v.NumDigits, v.Timeout)
	g := &gather{
		host:    h,
		verb:    v,
		url:     p.url,
		prompts: &program{verbs: v.Children, url: p.url},
		playing: len(v.Children) > 0,
	}
	h.attach(g)
	e.nextPrompt(g)
}

// nextPrompt plays the next nested Say, Play or Pause of g, as the player
// would (soundOf); once they are over, g waits for keys.
func (e *Engine) nextPrompt(g *gather) {
	if !g.host.gathering(g) {
		return
	}
	cp := g.prompts
	if !g.playing || cp.pc >= len(cp.verbs) {
		g.playing = false
		g.host.hear(waitingForKeys)
		e.gatherTimeout(g)
		return
	}
	v := cp.verbs[cp.pc]
	cp.pc++
	s, ok := e.soundOf(g.host, cp, v)
	if !ok {
		e.nextPrompt(g)
		return
	}
	g.host.hear(s.h)
	d, forever := s.length()
	if forever {
		return // a prompt that loops forever: only a key press ends it
	}
	g.timer = e.after(d, func() { e.nextPrompt(g) })
}

// gatherTimeout (re)starts g's wait for the next key.
func (e *Engine) gatherTimeout(g *gather) {
	g.timer.cancel()
	g.timer = e.after(time.Duration(g.verb.Timeout)*time.Second, func() { e.finishGather(g, "") })
}

// gatherKey delivers a key pressed while g gathers.
func (e *Engine) gatherKey(g *gather, key string) {
	if g.playing {
		g.playing = false
		g.timer.cancel()
		g.host.hear(waitingForKeys)
	}
	v := g.verb
	if v.FinishOnKey != "" && strings.Contains(v.FinishOnKey, key) {
		e.finishGather(g, key)
		return
	}
	g.digits += key
	if v.NumDigits > 0 && len(g.digits) >= v.NumDigits {
		e.finishGather(g, "")
		return
	}
	e.gatherTimeout(g)
}

// finishGather ends g, finished on a key or not: without keys (and without
// actionOnEmptyResult) the host's next verb runs, else its action URL is
// requested with Digits and FinishedOnKey.
func (e *Engine) finishGather(g *gather, finishedOn string) {
	h := g.host
	if !h.gathering(g) {
		return
	}
	g.timer.cancel()
	h.detach()
	c, name := h.name()
	v := g.verb
	if g.digits == "" && !v.ActionOnEmptyResult {
		e.tracef(c, KindVerb, "%s <Gather> got no keys; the next verb runs", name)
		h.next()
		return
	}
	e.tracef(c, KindVerb, "%s <Gather> got %q", name, g.digits)
	target := v.Action
	if target == "" {
		target = g.url
	}
	params := url.Values{"Digits": {g.digits}}
	if finishedOn != "" {
		params.Set("FinishedOnKey", finishedOn)
	}
	if abs, ok := h.resolve(&program{url: g.url}, target); ok {
		h.fetch(abs, v.Method, params, "gather action")
	}
}
