package sim

import (
	"fmt"
	"sort"

	"github.com/holdlab/holdlab/fakeapi/wire"
)

// startInbound sets up an inbound leg at number n and fetches its VoiceUrl.
func (e *Engine) startInbound(c *Call, n *PhoneNumber) {
	c.PhoneNumberSid = n.Sid
	c.URL, c.Method = n.VoiceURL, orPOST(n.VoiceMethod)
	c.FallbackURL, c.FallbackMethod = n.VoiceFallbackURL, orPOST(n.VoiceFallbackMethod)
	c.StatusCallback, c.StatusCallbackMethod = n.StatusCallback, orPOST(n.StatusCallbackMethod)
	// INFERRED: a number's StatusCallback hears only the completed event.
	c.StatusCallbackEvents = eventSet(nil)
	e.setStatus(c, StatusRinging, CauseIncoming, "it reached "+n.PhoneNumber)
	e.after(0, func() { e.runAppURL(c, "voice url") })
}

func (e *Engine) newCall(dir Direction, from, to string, parent *Call) *Call {
	c := &Call{
		Sid:         e.ids.Next("CA"),
		From:        from,
		To:          to,
		Direction:   dir,
		Status:      StatusQueued,
		DateCreated: e.now,
		DateUpdated: e.now,
		Method:      "POST",
	}
	if parent != nil {
		c.ParentCallSid = parent.Sid
	}
	// The far end's name, for traces: the phone that calls in, or is called.
	if dir == DirectionInbound {
		c.label = e.phones[from].Name
	} else {
		c.label = e.phones[to].Name
	}
	e.calls[c.Sid] = c
	e.idx.add(c)
	e.touch(c)
	return c
}

// dispatch places an outbound leg: to one of our own numbers (a new inbound
// leg) or to a simulated phone.
func (e *Engine) dispatch(c *Call) {
	if c.Status.Terminal() {
		return
	}
	e.callback(c, "initiated")
	if n, ok := e.numbers[c.To]; ok {
		if e.refuseLoop(c) {
			return
		}
		in := e.newCall(DirectionInbound, c.From, c.To, nil)
		c.loop, in.loop = in, c
		e.setStatus(c, StatusRinging, CauseRinging, "it rings "+c.To+", one of the account's numbers")
		c.ringTimer = e.after(c.timeout, func() {
			if !c.Answered() {
				e.endCall(c, StatusNoAnswer, CauseTimeout, "nobody answered within "+c.timeout.String())
			}
		})
		e.startInbound(in, n)
		return
	}
	if e.dispatchSDK(c) { // a TwiML App, or a client with no device (clients.go)
		return
	}
	e.attachPhone(c, c.To)
	e.ringPhone(c)
}

// answer marks c answered and runs whatever answering starts. cause and
// text say why, for programs and for people.
func (e *Engine) answer(c *Call, cause Cause, text string) {
	if c.Answered() || c.Status.Terminal() {
		return
	}
	c.ringTimer.cancel()
	c.StartTime = e.now
	e.setStatus(c, StatusInProgress, cause, text)
	if c.Direction != DirectionInbound {
		e.connectPhone(c)
	}
	e.answeredRecording(c) // Record=true (recording.go)
	if c.timeLimit > 0 {
		e.after(c.timeLimit, func() {
			if c.Live() {
				e.endCall(c, StatusCompleted, CauseTimeLimit, "its TimeLimit of "+c.timeLimit.String()+" was reached")
			}
		})
	}
	if o := c.loop; o != nil && c.Direction == DirectionInbound && !o.Answered() {
		e.answer(o, CauseLoopAnswered, wire.Short(c.Sid)+" answered it")
	}
	if f := c.answerer; f != nil {
		c.answerer = nil
		f()
	}
}

// setStatus moves c to a new status, tracing it (with cause and text: why,
// for programs and for people) and sending the status callbacks the call
// subscribed to.
func (e *Engine) setStatus(c *Call, st Status, cause Cause, text string) {
	old := c.Status
	if old == st {
		return
	}
	if old.Terminal() {
		panic(fmt.Sprintf("sim: %s moved from terminal %s to %s", c.Sid, old, st))
	}
	c.Status = st
	c.DateUpdated = e.now
	if st.Terminal() {
		c.EndTime = e.now
	}
	if st.Terminal() {
		c.endCause = cause
	}
	e.idx.moved(c, old)
	e.traceText(c, KindStatus, 0, e.name(c)+" "+string(old)+" -> "+string(st)+": "+text, facts{cause: cause})
	e.touch(c)
	switch {
	case st == StatusRinging:
		e.callback(c, "ringing")
	case st == StatusInProgress:
		e.callback(c, "answered")
	case st.Terminal():
		e.callback(c, "completed")
	}
}

// endCall ends c with a terminal status, for cause (text says it for
// people), and settles everything tied to it: its interpreter, its phone,
// its <Dial> and its looped leg.
func (e *Engine) endCall(c *Call, st Status, cause Cause, text string) {
	if c.Status.Terminal() {
		return
	}
	// Leave any conference or queue first, so that the room reacts (events,
	// action URLs, the conference ending) as to a hang-up.
	e.leaveRooms(c, leftHungUp, st)
	e.stopInterp(c)
	c.ringTimer.cancel()
	if c.phone != nil {
		c.phone.stop()
	}
	e.setStatus(c, st, cause, text)
	e.callRecordingsEnd(c) // its recordings end with it (recording.go)
	if d := c.dialing; d != nil {
		e.parentGone(d)
	}
	if d := c.inDial; d != nil {
		e.childEnded(d, c)
	}
	if o := c.loop; o != nil && o.Live() {
		switch {
		case o.Answered():
			e.endCall(o, StatusCompleted, CauseOtherSideEnded, "the other side, "+wire.Short(c.Sid)+", ended")
		case st == StatusBusy || st == StatusFailed,
			st == StatusNoAnswer && c.Direction == DirectionInbound:
			// An inbound leg refused by <Reject reason="rejected"> ends the
			// leg that called it no-answer too (INFERRED).
			e.endCall(o, st, CauseOtherSideEnded, wire.Short(c.Sid)+" ended "+string(st))
		default:
			e.endCall(o, StatusCanceled, CauseOtherSideEnded, wire.Short(c.Sid)+" ended before it was answered")
		}
	}
}

// stopInterp abandons whatever c's interpreter was doing.
func (e *Engine) stopInterp(c *Call) {
	if c.inRoom() {
		// A leg whose interpreter is replaced leaves its conference or queue.
		e.leaveRooms(c, leftRedirected, "")
	}
	c.halt()
	c.wait = waitNone
	c.media = Hearing{}
	e.touch(c)
}

func (e *Engine) nameOr(c *Call, fallback string) string {
	if c.label != "" {
		return c.label
	}
	return fallback
}

func orPOST(m string) string {
	if m == "" {
		return "POST"
	}
	return m
}

// eventSet turns StatusCallbackEvent values into a set; with none, Twilio
// sends only the completed event.
func eventSet(evs []string) map[string]bool {
	set := map[string]bool{}
	for _, ev := range evs {
		set[ev] = true
	}
	if len(set) == 0 {
		set["completed"] = true
	}
	return set
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
