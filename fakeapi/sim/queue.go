package sim

import (
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/holdlab/holdlab/fakeapi/twiml"
	"github.com/holdlab/holdlab/fakeapi/wire"
)

// Queue limits (https://www.twilio.com/docs/voice/api/queue-resource).
const (
	DefaultQueueMaxSize = 1000
	MaxQueueMaxSize     = 5000
	MaxQueueNameLength  = 64
)

// Queue is a call queue. Exported fields are read by the REST layer while
// the engine is not running; only the engine writes them.
type Queue struct {
	Sid          string
	FriendlyName string
	MaxSize      int
	DateCreated  time.Time
	DateUpdated  time.Time

	members []*member      // waiting calls, front first
	waiters []*queueWaiter // <Dial><Queue> dialers waiting for a caller
	ref     *RoomRef       // names it in the trace (queueRef)
}

// CurrentSize is the number of calls waiting in the queue.
func (q *Queue) CurrentSize() int { return len(q.members) }

// AverageWaitTime is the average time the waiting calls have waited so far
// at now (Twilio computes it at request time).
func (q *Queue) AverageWaitTime(now time.Time) time.Duration {
	if len(q.members) == 0 {
		return 0
	}
	var sum time.Duration
	for _, m := range q.members {
		sum += now.Sub(m.since)
	}
	return sum / time.Duration(len(q.members))
}

// member is a call waiting in a queue, blocked in its <Enqueue>.
type member struct {
	q     *Queue
	call  *Call
	since time.Time
	left  time.Time // when it left the queue
	enq   *twiml.Enqueue
	prog  *program
	wait  *mediaRunner
}

// queueWaiter is a <Dial><Queue> waiting for a call to be enqueued.
type queueWaiter struct {
	q     *Queue
	call  *Call
	dial  *twiml.Dial
	noun  *twiml.Queue
	prog  *program
	timer *event
}

// queueBridge is a dialer connected to the caller it took from a queue: the
// <Queue url> plays to the caller first, then they are bridged. The
// dequeued call is not a child leg of the dialer.
type queueBridge struct {
	q       *Queue
	dialer  *Call
	caller  *Call
	m       *member
	dial    *twiml.Dial
	dprog   *program
	url     *mediaRunner
	bridged bool
	since   time.Time
	limit   *event
	done    bool
}

func (e *Engine) queueByName(name string) *Queue {
	for _, q := range e.queues {
		if q.FriendlyName == name {
			return q
		}
	}
	return nil
}

func (e *Engine) newQueue(name string, maxSize int) *Queue {
	q := &Queue{Sid: e.ids.Next("QU"), FriendlyName: name, MaxSize: maxSize, DateCreated: e.now, DateUpdated: e.now}
	e.queues = append(e.queues, q)
	return q
}

func secs(d time.Duration) string { return itoa(int(d / time.Second)) }

// --- <Enqueue> ---

// enqueue runs <Enqueue>. It returns true when the call simply goes on with
// the next verb.
func (e *Engine) enqueue(c *Call, p *program, v *twiml.Enqueue) bool {
	e.tracef(c, KindVerb, "%s <Enqueue> %s (%s)", e.name(c), v.QueueName, enqueueFlags(v))
	if v.QueueName == "" || len(v.QueueName) > MaxQueueNameLength {
		e.traceCode(c, KindError, 0, "%s: <Enqueue> needs a queue name of 1 to %d characters", e.name(c), MaxQueueNameLength)
		return e.followAction(c, p, v.Action, v.Method, url.Values{"QueueResult": {"error"}}, "enqueue action")
	}
	q := e.queueByName(v.QueueName)
	if q == nil {
		q = e.newQueue(v.QueueName, DefaultQueueMaxSize)
		e.notef(c, KindQueue, facts{room: queueRef(q)}, "queue %s (%s) is created on demand (MaxSize %d)", q.FriendlyName, wire.Short(q.Sid), q.MaxSize)
	}
	if len(q.members) >= q.MaxSize {
		e.notef(c, KindQueue, facts{room: queueRef(q), cause: CauseQueueFull}, "queue %s is full (%d of %d): %s is not enqueued (QueueResult=queue-full)", q.FriendlyName, len(q.members), q.MaxSize, e.name(c))
		return e.followAction(c, p, v.Action, v.Method, url.Values{"QueueResult": {"queue-full"}}, "enqueue action")
	}
	m := &member{q: q, call: c, since: e.now, enq: v, prog: p}
	q.members = append(q.members, m)
	c.member = m
	c.wait = waitRoom
	e.touch(c)
	e.notef(c, KindQueue, facts{room: queueRef(q)}, "%s waits in queue %s at position %d", e.name(c), q.FriendlyName, len(q.members))
	if len(q.waiters) > 0 {
		e.queueConnect(q.waiters[0], m)
		return false
	}
	e.startQueueWait(m)
	return false
}

func enqueueFlags(v *twiml.Enqueue) string {
	var f []string
	switch {
	case v.WaitURLSet && v.WaitURL == "":
		f = append(f, `waitUrl=""`)
	case v.WaitURL != "":
		f = append(f, "waitUrl "+v.WaitURL)
	default:
		f = append(f, "default wait music")
	}
	f = append(f, actionFlag(v.Action))
	return strings.Join(f, ", ")
}

// startQueueWait plays a member's waitUrl (requested again whenever it
// runs out), silence for waitUrl="", else Twilio's default music.
func (e *Engine) startQueueWait(m *member) {
	v, c := m.enq, m.call
	r := e.newRunner(runEnqueueWait, c, "queue wait music", "wait-music", "enqueue wait url")
	r.queue = m.q
	m.wait = r
	r.params = func() url.Values { return e.queueParams(m) }
	r.onLeave = func() { e.memberOut(m, "leave") }
	r.onError = func(int) { e.memberOut(m, "error") }
	switch {
	case v.WaitURL != "":
		abs, ok := e.resolveQuiet(m.prog, v.WaitURL)
		if !ok {
			e.traceCode(c, KindWarning, 13233, "%s: waitUrl %q cannot be resolved (the TwiML has no document URL); the wait is silent", e.name(c), v.WaitURL)
			e.runnerSilence(r, "no usable waitUrl")
			return
		}
		r.url, r.method = abs, orPOST(v.WaitURLMethod)
		e.runnerFetch(r, abs, r.method, nil)
	case v.WaitURLSet:
		e.runnerSilence(r, `waitUrl=""`)
	default:
		e.runnerDefaultMusic(r)
	}
}

// queueParams are the extra parameters of an <Enqueue> waitUrl request.
func (e *Engine) queueParams(m *member) url.Values {
	q := m.q
	return url.Values{
		"QueuePosition":    {itoa(position(m))},
		"QueueSid":         {q.Sid},
		"QueueTime":        {secs(e.now.Sub(m.since))},
		"AvgQueueTime":     {secs(q.AverageWaitTime(e.now))},
		"CurrentQueueSize": {itoa(len(q.members))},
		"MaxQueueSize":     {itoa(q.MaxSize)},
	}
}

func position(m *member) int {
	for i, o := range m.q.members {
		if o == m {
			return i + 1
		}
	}
	return 0
}

// enqueueResult are the parameters of an <Enqueue> action for a call that
// was enqueued.
func (e *Engine) enqueueResult(m *member, result string) url.Values {
	end := m.left
	if end.IsZero() {
		end = e.now
	}
	return url.Values{"QueueResult": {result}, "QueueSid": {m.q.Sid}, "QueueTime": {secs(end.Sub(m.since))}}
}

// removeMember takes m out of its queue.
func (e *Engine) removeMember(m *member) {
	q := m.q
	for i, o := range q.members {
		if o == m {
			q.members = slices.Delete(q.members, i, i+1)
			break
		}
	}
	m.left = e.now
	e.stopRunner(m.wait)
	if m.call.member == m {
		m.call.member = nil
	}
	e.touch(m.call)
}

// memberOut: the member leaves the queue by itself (<Leave>, or a waitUrl
// that failed) and goes on after its <Enqueue>.
func (e *Engine) memberOut(m *member, result string) {
	c := m.call
	e.removeMember(m)
	e.notef(c, KindQueue, facts{room: queueRef(m.q), cause: Cause(result)}, "%s leaves queue %s (QueueResult=%s)", e.name(c), m.q.FriendlyName, result)
	e.resumeMain(c, m.prog, m.enq.Action, m.enq.Method, e.enqueueResult(m, result), "enqueue action")
}

// memberGone: the member hung up or was redirected by REST while waiting.
// Its action URL is requested and the answer ignored.
func (e *Engine) memberGone(m *member, how leaveHow, st Status) {
	c := m.call
	e.removeMember(m)
	result := "hangup"
	if how == leftRedirected {
		result = "redirected"
	}
	e.notef(c, KindQueue, facts{room: queueRef(m.q), cause: leaveCauses[how]}, "%s leaves queue %s (QueueResult=%s)", e.name(c), m.q.FriendlyName, result)
	e.actionCallback(c, m.prog, m.enq.Action, m.enq.Method, e.enqueueResult(m, result), st, "enqueue action (the answer is ignored)")
}

// leaveVerb is <Leave> in a call's own TwiML, where it means nothing: it
// only works in an <Enqueue> waitUrl document (see mediaRunner).
func (e *Engine) leaveVerb(c *Call) bool {
	e.traceCode(c, KindWarning, 12200, "%s <Leave> outside a queue's waitUrl does nothing", e.name(c))
	return true
}

// --- <Dial><Queue> ---

// dialQueue runs <Dial><Queue>: it takes the caller at the front of the
// queue, or waits for one until the Dial's timeout.
func (e *Engine) dialQueue(c *Call, p *program, d *twiml.Dial, n *twiml.Queue) bool {
	e.tracef(c, KindVerb, "%s <Dial><Queue> %s (timeout %ds%s)", e.name(c), n.QueueName, d.Timeout, dialFlags(d))
	q := e.queueByName(n.QueueName)
	if q == nil {
		// A queue that does not exist is an error status for the Dial
		// (https://www.twilio.com/docs/voice/twiml/queue; DialCallStatus=failed is INFERRED).
		e.traceCode(c, KindError, 0, "%s: there is no queue named %q", e.name(c), n.QueueName)
		return e.followAction(c, p, d.Action, d.Method, url.Values{"DialCallStatus": {"failed"}, "DialBridged": {"false"}}, "dial action")
	}
	w := &queueWaiter{q: q, call: c, dial: d, noun: n, prog: p}
	c.wait = waitRoom
	if len(q.members) > 0 {
		e.queueConnect(w, q.members[0])
		return false
	}
	q.waiters = append(q.waiters, w)
	c.qwait = w
	tout := time.Duration(d.Timeout) * time.Second
	e.notef(c, KindQueue, facts{room: queueRef(q)}, "queue %s is empty: %s waits up to %s for a caller, hearing ringback", q.FriendlyName, e.name(c), tout)
	w.timer = e.after(tout, func() {
		if c.qwait != w {
			return
		}
		e.removeWaiter(w)
		// INFERRED: an empty queue until the timeout is no-answer.
		e.notef(c, KindDial, facts{room: queueRef(q), cause: CauseTimeout}, "%s's <Dial><Queue> ends: nobody joined queue %s within %s (DialCallStatus=no-answer)", e.name(c), q.FriendlyName, tout)
		e.resumeMain(c, p, d.Action, d.Method, url.Values{"DialCallStatus": {"no-answer"}, "DialBridged": {"false"}}, "dial action")
	})
	e.touch(c)
	return false
}

func (e *Engine) removeWaiter(w *queueWaiter) {
	w.timer.cancel()
	q := w.q
	for i, o := range q.waiters {
		if o == w {
			q.waiters = slices.Delete(q.waiters, i, i+1)
			break
		}
	}
	if w.call.qwait == w {
		w.call.qwait = nil
	}
	e.touch(w.call)
}

// waiterGone: a dialer waiting on an empty queue hung up or was redirected.
func (e *Engine) waiterGone(w *queueWaiter, how leaveHow, st Status) {
	e.removeWaiter(w)
	c := w.call
	if how == leftRedirected {
		e.notef(c, KindDial, facts{room: queueRef(w.q), cause: CauseRedirectedByREST}, "%s's <Dial><Queue> ends because it was redirected by REST; its action URL is not requested", e.name(c))
		return
	}
	e.notef(c, KindDial, facts{room: queueRef(w.q), cause: CauseHangup}, "%s's <Dial><Queue> ends because %s hung up: DialCallStatus=canceled", e.name(c), wire.Short(c.Sid))
	e.actionCallback(c, w.prog, w.dial.Action, w.dial.Method, url.Values{"DialCallStatus": {"canceled"}, "DialBridged": {"false"}}, st, "dial action (the caller is gone; the answer is ignored)")
}

// queueConnect gives the dialer of w the member m, taken off the queue.
func (e *Engine) queueConnect(w *queueWaiter, m *member) {
	dialer, caller := w.call, m.call
	e.removeWaiter(w)
	waited := e.now.Sub(m.since)
	e.removeMember(m)
	qb := &queueBridge{q: w.q, dialer: dialer, caller: caller, m: m, dial: w.dial, dprog: w.prog}
	dialer.qbridge, caller.qbridge = qb, qb
	dialer.wait = waitRoom
	e.notef(caller, KindQueue, facts{room: queueRef(w.q), other: dialer, cause: CauseDequeued}, "%s takes %s from the front of queue %s (it waited %s)", e.name(dialer), e.name(caller), w.q.FriendlyName, waited)
	if n := w.noun; n.URL != "" {
		if abs, ok := e.resolveQuiet(w.prog, n.URL); ok {
			r := e.newRunner(runQueueURL, caller, "queue url", "", "queue url")
			r.queue = w.q
			r.url, r.method = abs, orPOST(n.Method)
			r.params = func() url.Values {
				return url.Values{"QueueSid": {w.q.Sid}, "QueueTime": {secs(waited)}, "DequeingCallSid": {dialer.Sid}}
			}
			r.onDone = func() { e.queueBridgeUp(qb) }
			// INFERRED: a <Queue url> that fails does not stop the bridge.
			r.onError = func(int) { e.queueBridgeUp(qb) }
			qb.url = r
			e.notef(caller, KindQueue, facts{room: queueRef(w.q), other: dialer}, "%s hears the <Queue url> %s before the bridge; %s hears ringback", e.name(caller), abs, e.name(dialer))
			e.runnerFetch(r, abs, r.method, nil)
			return
		}
		e.traceCode(caller, KindError, 15004, "%s: <Queue url> %q cannot be resolved; the bridge is made at once", e.name(dialer), n.URL)
	}
	e.queueBridgeUp(qb)
}

func (e *Engine) queueBridgeUp(qb *queueBridge) {
	if qb.done || qb.bridged {
		return
	}
	qb.bridged = true
	qb.since = e.now
	e.notef(qb.dialer, KindQueue, facts{room: queueRef(qb.q), other: qb.caller}, "%s and %s are bridged (the caller came from queue %s)", e.name(qb.dialer), e.name(qb.caller), qb.q.FriendlyName)
	e.touch(qb.dialer)
	e.touch(qb.caller)
	if tl := time.Duration(qb.dial.TimeLimit) * time.Second; tl > 0 {
		qb.limit = e.after(tl, func() {
			// INFERRED: the bridge ends and both legs go on.
			e.notef(qb.dialer, KindQueue, facts{room: queueRef(qb.q), other: qb.caller, cause: CauseTimeLimit}, "the <Dial timeLimit> of %s is reached", tl)
			e.endQueueBridge(qb, qb.dialer, leftTimeLimit, "")
		})
	}
}

// otherOf is the leg of a queue bridge that is not c.
func otherOf(qb *queueBridge, c *Call) *Call {
	if c == qb.dialer {
		return qb.caller
	}
	return qb.dialer
}

// endQueueBridge ends a queue bridge because by hung up (st: its final
// status), was redirected, pressed * or reached the time limit. Whoever is
// still on the line goes on: the dequeued caller after its <Enqueue>
// (QueueResult=bridged), the dialer after its <Dial> (DialCallStatus=
// completed, DialCallSid = the dequeued call).
func (e *Engine) endQueueBridge(qb *queueBridge, by *Call, how leaveHow, st Status) {
	if qb.done {
		return
	}
	qb.done = true
	qb.limit.cancel()
	e.stopRunner(qb.url)
	dialer, caller, m := qb.dialer, qb.caller, qb.m
	if dialer.qbridge == qb {
		dialer.qbridge = nil
	}
	if caller.qbridge == qb {
		caller.qbridge = nil
	}
	e.touch(dialer)
	e.touch(caller)
	dur := e.now.Sub(qb.since)
	e.notef(by, KindQueue, facts{room: queueRef(qb.q), other: otherOf(qb, by), cause: leaveCauses[how]}, "the queue bridge of %s and %s ends: %s %s", e.name(dialer), e.name(caller), e.name(by), leaveText(inQueueBridge, how))

	// The dequeued caller's <Enqueue>.
	result := "bridged"
	if !qb.bridged {
		// INFERRED: the dialer left while the <Queue url> still played.
		result = "bridging-in-process"
	}
	params := e.enqueueResult(m, result)
	switch {
	case by == caller && how == leftRedirected:
		// INFERRED: redirected-from-bridged is "a bridged session later
		// transferred out" (§4.1); the call follows its new TwiML.
		if qb.bridged {
			params.Set("QueueResult", "redirected-from-bridged")
		} else {
			params.Set("QueueResult", "redirected")
		}
		e.actionCallback(caller, m.prog, m.enq.Action, m.enq.Method, params, "", "enqueue action (the answer is ignored)")
	case by == caller && how == leftHungUp:
		if !qb.bridged {
			params.Set("QueueResult", "hangup")
		}
		e.actionCallback(caller, m.prog, m.enq.Action, m.enq.Method, params, st, "enqueue action (the caller is gone; the answer is ignored)")
	default:
		e.notef(caller, KindQueue, facts{room: queueRef(qb.q), other: dialer, cause: leaveCauses[how]}, "%s goes on after its <Enqueue> (QueueResult=%s)", e.name(caller), params.Get("QueueResult"))
		e.resumeMain(caller, m.prog, m.enq.Action, m.enq.Method, params, "enqueue action")
	}

	// The dialer's <Dial>. As for a Dial child, a redirected caller gives no
	// DialCallDuration (§1.2).
	withDuration := qb.bridged && !(by == caller && how == leftRedirected)
	dparams := dialParams("completed", caller, qb.bridged, withDuration, dur)
	switch {
	case by == dialer && how == leftRedirected:
		// INFERRED, as for a Dial parent (§1.3 b): the action is not
		// requested; the dequeued caller is not hung up because it is not a
		// child leg of the dialer.
		e.notef(dialer, KindDial, facts{room: queueRef(qb.q), other: caller, cause: CauseRedirectedByREST}, "%s's <Dial><Queue> ends because it was redirected by REST; its action URL is not requested", e.name(dialer))
	case by == dialer && how == leftHungUp:
		e.actionCallback(dialer, qb.dprog, qb.dial.Action, qb.dial.Method, dparams, st, "dial action (the caller is gone; the answer is ignored)")
	default:
		e.notef(dialer, KindDial, facts{room: queueRef(qb.q), other: caller, cause: leaveCauses[how]}, "%s's <Dial><Queue> ends: DialCallStatus=completed", e.name(dialer))
		e.resumeMain(dialer, qb.dprog, qb.dial.Action, qb.dial.Method, dparams, "dial action")
	}
}
