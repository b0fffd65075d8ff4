package sim

import (
	"net/url"

	"github.com/holdlab/holdlab/fakeapi/twiml"
)

// run executes c's verbs until one blocks or the document runs out.
func (e *Engine) run(c *Call) {
	for c.Live() {
		p, v, ok := c.nextVerb()
		if !ok {
			e.exhausted(c)
			return
		}
		if !e.exec(c, p, v) {
			return
		}
	}
}

// exhausted handles a document that ran out of verbs.
func (e *Engine) exhausted(c *Call) {
	p := c.prog
	c.prog = nil
	if p != nil && p.mode == modeWhisper {
		if d := c.inDial; d != nil && d.answered == c && !d.done {
			e.bridge(d)
		}
		return
	}
	e.endCall(c, StatusCompleted, CauseOutOfVerbs, "its TwiML ran out of verbs, so Twilio hung up")
}

// answersInbound reports whether running v answers a ringing inbound call.
func answersInbound(v twiml.Verb) bool {
	switch v := v.(type) {
	case *twiml.Reject, *twiml.Redirect:
		return false
	case *twiml.Dial:
		return !v.AnswerOnBridge
	}
	return true
}

// exec runs one verb. It returns true when the next verb should run at once.
func (e *Engine) exec(c *Call, p *program, v twiml.Verb) bool {
	if c.Direction == DirectionInbound && !c.Answered() && answersInbound(v) {
		e.answer(c, CauseTwiMLAnswered, "its TwiML began with <"+v.Name()+">")
	}
	// Say, Play, Pause and Redirect: the player (player.go).
	h := callHost{e, c}
	if e.playVerb(h, p, v) {
		return false
	}
	switch v := v.(type) {
	case *twiml.Hangup:
		e.tracef(c, KindVerb, "%s <Hangup>", e.name(c))
		e.endCall(c, StatusCompleted, CauseTwiMLHangup, "<Hangup>")
		return false
	case *twiml.Reject:
		e.tracef(c, KindVerb, "%s <Reject reason=%q>", e.name(c), v.Reason)
		if c.Direction == DirectionInbound && !c.Answered() {
			// "The call ends with a status of busy or no-answer, depending
			// on the verb's reason attribute"
			// (https://www.twilio.com/docs/voice/twiml/reject). INFERRED
			// mapping, as Twilio-compatible platforms document it: busy for
			// reason="busy", no-answer for "rejected" (the default).
			st := StatusNoAnswer
			if v.Reason == "busy" {
				st = StatusBusy
			}
			e.endCall(c, st, CauseTwiMLHangup, "<Reject reason=\""+v.Reason+"\"> refused the call")
		} else {
			e.endCall(c, StatusCompleted, CauseTwiMLHangup, "<Reject> on an answered call hangs up")
		}
		return false
	case *twiml.Gather:
		e.startGather(h, p, v)
		return false
	case *twiml.Dial:
		return e.startDial(c, p, v)
	case *twiml.Enqueue:
		return e.enqueue(c, p, v)
	case *twiml.Leave:
		return e.leaveVerb(c)
	default:
		e.traceCode(c, KindWarning, 12200, "%s <%s> is not modelled yet; skipped", e.name(c), v.Name())
		return true
	}
}

// press delivers keys pressed by the party on c's far end.
func (e *Engine) press(c *Call, digits string) {
	if c.Status.Terminal() {
		return
	}
	e.tracef(c, KindPhone, "%s presses %s", e.name(c), digits)
	for _, k := range digits {
		if c.Status.Terminal() {
			return
		}
		key := string(k)
		switch {
		case c.gather != nil:
			e.gatherKey(c.gather, key)
		case key == "*" && c.dialing != nil && c.dialing.verb.HangupOnStar && c.dialing.answered != nil:
			e.hangupOnStar(c.dialing)
		default:
			e.roomKey(c, key)
		}
	}
}

// --- continuing a leg's own TwiML after a verb that blocked it ---

// followAction continues c after a verb that ended at once: it requests the
// action URL and returns false, or, with no action, returns true so that the
// next verb runs.
func (e *Engine) followAction(c *Call, prog *program, action, method string, params url.Values, purpose string) bool {
	if action == "" {
		return true
	}
	target, ok := e.resolve(c, prog, action)
	if !ok {
		return false
	}
	e.fetchTwiML(c, target, orPOST(method), params, modeMain, purpose, false)
	return false
}

// resumeMain continues c's own program after the <Dial> or <Enqueue> it was
// blocked in ended: its action URL, else the next verb.
func (e *Engine) resumeMain(c *Call, prog *program, action, method string, params url.Values, purpose string) {
	if !c.Live() {
		e.actionCallback(c, prog, action, method, params, "", purpose+" (the caller is gone; the answer is ignored)")
		return
	}
	c.wait = waitNone
	c.prog = prog
	e.touch(c)
	if e.followAction(c, prog, action, method, params, purpose) {
		e.run(c)
	}
}

// actionCallback requests an action URL whose answer is ignored: the call
// is gone or follows other TwiML. st, when set, is the call's status to
// report.
func (e *Engine) actionCallback(c *Call, prog *program, action, method string, extra url.Values, st Status, purpose string) {
	if action == "" {
		return
	}
	target, ok := e.resolveQuiet(prog, action)
	if !ok {
		return
	}
	params := e.callParams(c)
	if st != "" {
		params.set("CallStatus", string(st))
	}
	for k, v := range extra {
		params.v[k] = v
	}
	e.emitSet(EffectCallback, c, target, orPOST(method), params, purpose, nil)
}
