package sim

import (
	"net/url"
	"strings"
	"time"

	"github.com/holdlab/holdlab/fakeapi/twiml"
	"github.com/holdlab/holdlab/fakeapi/wire"
)

// dialState is one running <Dial>: the parent blocked in it, the child legs
// it rings, and the bridge once one of them answers. The parent's
// interpreter resumes when it ends (https://www.twilio.com/docs/voice/twiml/dial).
type dialState struct {
	parent   *Call
	verb     *twiml.Dial
	prog     *program
	children []*Call
	// pending are the nouns of a <Dial sequential="true"> not dialed yet.
	pending  []dialTarget
	answered *Call // the child that answered first
	bridged  bool
	since    time.Time // when the bridge started
	limit    *event
	done     bool
}

// startDial begins a <Dial>. It returns true when the Dial could not start
// and the parent simply continues.
func (e *Engine) startDial(c *Call, p *program, v *twiml.Dial) bool {
	if p.mode == modeWhisper {
		// Twilio's 13201: the TwiML of a <Number url> runs on the called
		// party's side before the bridge and cannot <Dial>. INFERRED: the
		// verb is skipped and the whisper goes on.
		e.traceCode(c, KindError, 13201, "%s: <Dial> in a <Number url> document is not allowed; skipped", e.name(c))
		return true
	}
	// A <Conference> or <Queue> noun makes the Dial a room rather than a
	// bridge to child legs (conference.go, queue.go).
	for _, n := range v.Nouns {
		switch n := n.(type) {
		case *twiml.Conference:
			return e.dialConference(c, p, v, n)
		case *twiml.Queue:
			return e.dialQueue(c, p, v, n)
		}
	}
	d := &dialState{parent: c, verb: v, prog: p}
	var targets []dialTarget
	for _, n := range v.Nouns {
		switch n := n.(type) {
		case *twiml.Number:
			targets = append(targets, dialTarget{address: n.Number, url: n.URL, method: n.Method, cb: n.StatusCallbacks})
		case *twiml.Client:
			targets = append(targets, dialTarget{address: "client:" + n.Identity, url: n.URL, method: n.Method, cb: n.StatusCallbacks,
				setup: func(ch *Call) { e.clientDialed(ch, n.Params) }})
		case *twiml.Sip:
			targets = append(targets, dialTarget{address: n.URI, url: n.URL, method: n.Method, cb: n.StatusCallbacks})
		case *twiml.Application:
			targets = append(targets, e.applicationTarget(d, n)) // dial_application.go
		default:
			e.traceCode(c, KindWarning, 12200, "%s <Dial><%s> is not modelled yet; skipped", e.name(c), n.Name())
		}
	}
	nouns := make([]string, len(targets))
	for i, t := range targets {
		nouns[i] = t.name()
	}
	first := targets
	if v.Sequential && len(targets) > 0 {
		// <Dial sequential="true"> rings its nouns one after another, in
		// document order, instead of all at once. INFERRED: each rings for
		// the whole Dial timeout; one that is busy, fails or does not
		// answer lets the next ring at once; the first to answer is
		// bridged, and the rest are never dialed.
		first, d.pending = targets[:1], targets[1:]
	}
	for _, t := range first {
		d.ring(e, t)
	}
	e.tracef(c, KindVerb, "%s <Dial> %s (timeout %ds%s)", e.name(c), strings.Join(nouns, ", "), v.Timeout, dialFlags(v))
	if len(d.children) == 0 {
		return true
	}
	c.dialing = d
	c.wait = waitDial
	e.touch(c)
	for _, ch := range d.children {
		e.dispatchChild(d, ch)
	}
	e.dialRecord(d, "ringing") // <Dial record="record-from-ringing"> (recording.go)
	return false
}

// dialTarget is one noun of a <Dial> to ring: its address, its whisper
// (<Number url>) and its status callbacks.
type dialTarget struct {
	address     string
	shown       string // how the <Dial>'s trace line names it, if not by address
	url, method string
	cb          twiml.StatusCallbacks
	setup       func(ch *Call) // readies its leg before it is dispatched (SDK devices, Apps)
}

// name is how the <Dial>'s trace line names t.
func (t dialTarget) name() string {
	if t.shown != "" {
		return t.shown
	}
	return t.address
}

// ring adds t's child leg to d, ready to be dispatched.
func (d *dialState) ring(e *Engine, t dialTarget) *Call {
	ch := d.addChild(e, t.address, t.url, t.method, t.cb)
	if t.setup != nil {
		t.setup(ch)
	}
	return ch
}

// dispatchChild places a child leg of d.
func (e *Engine) dispatchChild(d *dialState, ch *Call) {
	e.notef(ch, KindDial, facts{other: d.parent}, "%s dials %s as child leg %s", e.name(d.parent), ch.To, wire.Short(ch.Sid))
	e.after(0, func() { e.dispatch(ch) })
}

// dialNext rings the next noun of a sequential <Dial>, if one is left;
// why says what became of the one before.
func (e *Engine) dialNext(d *dialState, why string) bool {
	if len(d.pending) == 0 {
		return false
	}
	t := d.pending[0]
	d.pending = d.pending[1:]
	e.tracef(d.parent, KindDial, "%s's <Dial sequential> goes on to %s: %s", e.name(d.parent), t.name(), why)
	e.dispatchChild(d, d.ring(e, t))
	return true
}

func dialFlags(v *twiml.Dial) string {
	var f []string
	f = append(f, actionFlag(v.Action))
	if v.AnswerOnBridge {
		f = append(f, "answerOnBridge")
	}
	if v.HangupOnStar {
		f = append(f, "hangupOnStar")
	}
	if v.Sequential {
		f = append(f, "sequential")
	}
	return ", " + strings.Join(f, ", ")
}

// addChild creates a child leg to address for this Dial.
func (d *dialState) addChild(e *Engine, address, whisperURL, whisperMethod string, cb twiml.StatusCallbacks) *Call {
	parent := d.parent
	from := parent.From
	if d.verb.CallerID != "" {
		from = d.verb.CallerID
	}
	ch := e.newCall(DirectionOutboundDial, from, address, parent)
	ch.inDial = d
	ch.timeout = time.Duration(d.verb.Timeout) * time.Second
	ch.StatusCallback, ch.StatusCallbackMethod = cb.StatusCallback, orPOST(cb.StatusCallbackMethod)
	ch.StatusCallbackEvents = eventSet(cb.StatusCallbackEvent)
	ch.answerer = func() { e.childAnswered(d, ch, whisperURL, whisperMethod) }
	d.children = append(d.children, ch)
	return ch
}

// childAnswered: the first child to answer wins; the others stop ringing.
func (e *Engine) childAnswered(d *dialState, ch *Call, whisperURL, whisperMethod string) {
	if d.done || ch.inDial != d {
		return
	}
	if d.answered != nil {
		e.endCall(ch, StatusCompleted, CauseOtherAnswered, "another leg of the same <Dial> answered first")
		return
	}
	d.answered = ch
	for _, o := range d.children {
		if o != ch && o.Live() {
			e.endCall(o, StatusCanceled, CauseOtherAnswered, wire.Short(ch.Sid)+" answered first")
		}
	}
	if whisperURL != "" {
		abs, ok := e.resolve(ch, d.prog, whisperURL)
		if !ok {
			return
		}
		e.notef(ch, KindDial, facts{other: d.parent}, "%s answered; its <Number url> runs before the bridge", e.name(ch))
		e.fetchTwiML(ch, abs, orPOST(whisperMethod), nil, modeWhisper, "number url (whisper)", false)
		return
	}
	e.bridge(d)
}

// bridge connects the parent and the answered child: each hears the other.
func (e *Engine) bridge(d *dialState) {
	c, ch := d.parent, d.answered
	if d.done || d.bridged || ch.Status.Terminal() {
		return
	}
	if !c.Answered() {
		e.answer(c, CauseAnswerOnBridge, "<Dial answerOnBridge> answers the caller at the bridge")
	}
	d.bridged = true
	d.since = e.now
	e.stopInterp(ch)
	ch.wait = waitBridge
	c.peer, ch.peer = ch, c
	e.notef(c, KindDial, facts{other: ch}, "%s and %s are bridged", e.name(c), e.name(ch))
	e.dialRecord(d, "answer") // <Dial record="record-from-answer"> (recording.go)
	e.touch(c)
	e.touch(ch)
	if tl := time.Duration(d.verb.TimeLimit) * time.Second; tl > 0 {
		d.limit = e.after(tl, func() {
			if !d.done && ch.Live() {
				e.endCall(ch, StatusCompleted, CauseTimeLimit, "the <Dial timeLimit> of "+tl.String()+" was reached")
			}
		})
	}
}

func (e *Engine) hangupOnStar(d *dialState) {
	ch := d.answered
	e.notef(d.parent, KindDial, facts{other: ch, cause: CauseHangupOnStar}, "%s pressed * and <Dial hangupOnStar> hangs up %s", e.name(d.parent), e.name(ch))
	e.endCall(ch, StatusCompleted, CauseHangupOnStar, "the caller pressed * (hangupOnStar)")
}

// childEnded settles a Dial when one of its children ends on its own.
func (e *Engine) childEnded(d *dialState, ch *Call) {
	if d.done {
		return
	}
	if ch == d.answered {
		e.endDial(d, "completed", ch.endCause, ch, d.bridged, true)
		return
	}
	if d.answered != nil {
		return
	}
	for _, o := range d.children {
		if o.Live() {
			return
		}
	}
	if e.dialNext(d, wire.Short(ch.Sid)+" ended "+string(ch.Status)) {
		return
	}
	// INFERRED for a sequential Dial: the outcome is the last noun's.
	e.endDial(d, dialStatus(ch.Status), ch.endCause, ch, false, false)
}

func dialStatus(s Status) string {
	if s == StatusCanceled {
		return "canceled"
	}
	return string(s)
}

// endDial ends the Dial (for cause, with DialCallStatus status) and resumes
// the parent through the interpreter's resume path: its action URL, else
// the next verb; with neither, the parent's document runs out and it hangs
// up.
func (e *Engine) endDial(d *dialState, status string, cause Cause, ch *Call, bridged, withDuration bool) {
	c := d.parent
	duration := time.Duration(0)
	if bridged {
		duration = e.now.Sub(d.since)
	}
	e.release(d)
	e.notef(c, KindDial, facts{other: ch, cause: cause}, "%s's <Dial> ends: DialCallStatus=%s", e.name(c), status)
	e.resumeMain(c, d.prog, d.verb.Action, d.verb.Method, dialParams(status, ch, bridged, withDuration, duration), "dial action")
}

func dialParams(status string, ch *Call, bridged, withDuration bool, duration time.Duration) url.Values {
	v := url.Values{"DialCallStatus": {status}, "DialBridged": {boolString(bridged)}}
	if ch != nil {
		v.Set("DialCallSid", ch.Sid)
	}
	if withDuration {
		v.Set("DialCallDuration", itoa(int(duration/time.Second)))
	}
	return v
}

func boolString(b bool) string {
	if b {
		return "true"
	}
	return "false"
}

// dropChildren ends d for its parent and takes the children out of it
// (cause: why, for the trace):
// every child it created when every is set (its parent is gone), else those
// still in it. A child bridged with the parent is unbridged; one still live
// ends canceled with ringing as the cause if it never answered, completed
// with answered as the cause if it did (answered "": it goes on).
func (e *Engine) dropChildren(d *dialState, every bool, cause Cause, answered, ringing string) {
	d.done = true
	e.dialRecordEnd(d) // a <Dial record> recording ends with its Dial (recording.go)
	d.limit.cancel()
	c := d.parent
	if c.dialing == d {
		c.dialing = nil
	}
	c.peer = nil
	for _, ch := range d.children {
		if ch.inDial != d && !every {
			continue
		}
		ch.inDial = nil
		if ch.peer == c {
			ch.peer = nil
			e.touch(ch)
		}
		switch {
		case !ch.Live():
		case !ch.Answered():
			e.endCall(ch, StatusCanceled, cause, ringing)
		case answered != "":
			e.endCall(ch, StatusCompleted, cause, answered)
		}
	}
}

// release ends the Dial for the parent, which goes on: children still
// ringing are canceled, the bridge is undone.
func (e *Engine) release(d *dialState) {
	e.dropChildren(d, false, CauseDialEnded, "", "the <Dial> that rang it ended")
	e.touch(d.parent)
}

// parentGone: the parent hung up (or was hung up) while in its Dial. Every
// child is hung up; the action URL is still requested, and its answer
// ignored. (INFERRED from practitioner reports.)
func (e *Engine) parentGone(d *dialState) {
	if d.done {
		return
	}
	c := d.parent
	ch := d.answered
	bridged := d.bridged
	duration := e.now.Sub(d.since)
	gone := "its parent " + wire.Short(c.Sid) + " hung up"
	e.dropChildren(d, true, CauseParentHungUp, gone, gone+" before it answered")
	status := "completed"
	if ch == nil {
		status = "canceled"
	}
	e.notef(c, KindDial, facts{other: ch, cause: CauseHangup}, "%s's <Dial> ends because %s hung up: DialCallStatus=%s", e.name(c), wire.Short(c.Sid), status)
	e.actionCallback(c, d.prog, d.verb.Action, d.verb.Method, dialParams(status, ch, bridged, bridged, duration), "", "dial action (the caller is gone; the answer is ignored)")
}

// childRedirected: a REST update gave a Dial's child new TwiML. The child
// leaves the Dial and runs it; the parent's Dial ends cleanly (§1.3 a).
func (e *Engine) childRedirected(ch *Call) {
	d := ch.inDial
	if d == nil || d.done {
		return
	}
	if d.answered == ch {
		// INFERRED: DialCallStatus=completed and DialBridged=true when the
		// child had been bridged; DialCallDuration is not sent.
		bridged := d.bridged
		e.notef(d.parent, KindDial, facts{other: ch, cause: CauseChildRedirected}, "%s was redirected by REST, so it leaves %s's <Dial>", e.name(ch), e.name(d.parent))
		e.endDial(d, "completed", CauseChildRedirected, ch, bridged, false)
		return
	}
	ch.inDial = nil
	e.notef(d.parent, KindDial, facts{other: ch, cause: CauseChildRedirected}, "%s was redirected by REST before it answered and leaves the <Dial>", e.name(ch))
	if d.answered == nil {
		alive := false
		for _, o := range d.children {
			if o != ch && o.Live() && o.inDial == d {
				alive = true
			}
		}
		if !alive && !e.dialNext(d, wire.Short(ch.Sid)+" was redirected by REST") {
			e.endDial(d, "completed", CauseChildRedirected, ch, false, false)
		}
	}
}

// parentRedirected: a REST update gave a Dial's parent new TwiML. Twilio
// hangs up the child (measured on real Twilio); the parent's action
// URL is not requested (INFERRED).
func (e *Engine) parentRedirected(c *Call) {
	d := c.dialing
	if d == nil || d.done {
		return
	}
	by := "its parent " + wire.Short(c.Sid) + " was redirected by REST"
	e.dropChildren(d, false, CauseParentRedirected, by+" while bridged", by+" while it rang")
	e.notef(c, KindDial, facts{other: d.answered, cause: CauseRedirectedByREST}, "%s's <Dial> ends because %s was redirected by REST; its action URL is not requested", e.name(c), wire.Short(c.Sid))
}
