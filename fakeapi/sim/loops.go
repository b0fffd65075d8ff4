package sim

// A <Dial> (or a REST call) to one of the account's own numbers makes a new
// inbound leg, whose TwiML may dial one of them again. Nothing in such a
// chain takes virtual time, so a number whose VoiceUrl dials itself would
// make calls forever at one instant, and a <Dial> of ten such numbers would
// multiply them tenfold at each hop. Twilio documents no limit for this
// (UNCONFIRMED; it has per-account concurrency limits): holdlab fails the
// call that would go beyond either bound, as a carrier refuses a call it
// cannot route, and says so in the trace.
const (
	// maxOwnNumberHops bounds a chain of calls through the account's own
	// numbers.
	maxOwnNumberHops = 10
	// maxLiveOwnNumberCalls bounds the live legs the account's own calls
	// have made at its own numbers.
	maxLiveOwnNumberCalls = 100
)

// ownNumberHops counts the account's numbers the chain of calls leading to
// c went through: a leg that reached one of them counts one more than the
// leg that called it, and a <Dial> child counts as its parent.
func (e *Engine) ownNumberHops(c *Call) int {
	hops := 0
	for i := 0; c != nil && i <= 2*maxOwnNumberHops+2; i++ {
		switch {
		case c.Direction == DirectionInbound && c.loop != nil:
			hops++
			c = c.loop
		case c.Direction == DirectionOutboundDial:
			c = e.calls[c.ParentCallSid]
		default:
			return hops
		}
	}
	return hops
}

// liveOwnNumberCalls counts the live inbound legs made by the account's own
// calls to its own numbers.
func (e *Engine) liveOwnNumberCalls() int {
	n := 0
	e.idx.live(func(c *Call) {
		if c.loop != nil && c.Direction == DirectionInbound {
			n++
		}
	})
	return n
}

// refuseLoop fails c, an outbound leg about to ring one of the account's
// own numbers, when that would make a chain longer than maxOwnNumberHops
// or more than maxLiveOwnNumberCalls such legs live at once. It reports
// whether it did.
func (e *Engine) refuseLoop(c *Call) bool {
	why := ""
	switch {
	case e.ownNumberHops(c) >= maxOwnNumberHops:
		why = "it would be call number " + itoa(maxOwnNumberHops+1) + " in a chain through the account's own numbers"
	case e.liveOwnNumberCalls() >= maxLiveOwnNumberCalls:
		why = "the account's calls already hold " + itoa(maxLiveOwnNumberCalls) + " live legs at its own numbers"
	default:
		return false
	}
	e.traceCode(c, KindError, 0, "%s to %s is refused: %s, a dialing loop; holdlab fails it", e.name(c), c.To, why)
	e.endCall(c, StatusFailed, CauseDialingLoop, "it would continue a dialing loop through the account's own numbers")
	return true
}
