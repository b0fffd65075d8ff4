package sim

import (
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/holdlab/holdlab/fakeapi/wire"
)

// maxViolations bounds the violations an engine records with
// Config.CheckInvariants: the first ones are what matters.
const maxViolations = 100

// InvariantError is one broken engine invariant: a state Twilio could never
// be in, such as a call both bridged and completed. It is always a holdlab
// bug, never the app's fault.
type InvariantError struct {
	// At is the virtual time of the check.
	At time.Time
	// Where names the step after which it was found ("step", "deliver").
	Where string
	// Subject is the SID of the call, conference or queue concerned.
	Subject string
	// Rule says which invariant is broken.
	Rule string
}

// Error renders "sim: invariant broken after step at 00:00:05.000: CA..0002: a terminal call is bridged".
func (e *InvariantError) Error() string {
	return fmt.Sprintf("sim: invariant broken after %s at %s: %s: %s", e.Where, e.At.UTC().Format("15:04:05.000"), wire.Short(e.Subject), e.Rule)
}

// CheckInvariants checks that the engine's state is one Twilio could be in,
// and returns every broken invariant (as *InvariantError values joined with
// errors.Join), or nil. It does not change the engine. The rules:
//
//   - calls: every call is listed once; a live call has no EndTime, a
//     terminal one has one, no earlier than its StartTime; an in-progress
//     call was answered and a queued one was not; busy, no-answer, failed
//     and canceled calls were never answered; a terminal call has no live
//     relation (no bridge, <Dial>, conference, queue, pending fetch,
//     timer or <Gather>) and hears nothing;
//   - bridges are symmetric and join two live calls;
//   - a <Dial> in progress belongs to a live parent and knows its children;
//   - conferences: a completed conference has no participant and a reason;
//     every participant is live, in its call and in one conference; a
//     joined participant's call was answered; at most one live conference
//     has a given name; a conference's indexes (its counts, the
//     participants its room hears, its lookups) agree with its
//     participants, and each joined participant hears what its room says
//     now;
//   - queues: a queue's size is its members, each a live call waiting in
//     that queue and nowhere else; no caller waits in a queue while a
//     <Dial><Queue> waits for one; a queue bridge joins two live calls;
//   - recordings: an active recording records a live call or a
//     conference that has not ended, and its stretches follow each other;
//   - time: no pending event is due before now; hearing intervals follow
//     each other without gaps; trace entries are in order.
//
// With Config.CheckInvariants the engine makes the same checks after every
// step; there, those of the hearing history and the trace, which grow with
// time, look only at what was added since the previous step. This method
// checks the whole history.
func (e *Engine) CheckInvariants() error { return e.checkInvariants("check", false) }

// Violations returns the invariant violations recorded so far with
// Config.CheckInvariants (joined; at most the first 100), or nil.
func (e *Engine) Violations() error { return errors.Join(e.violations...) }

// checkpoint records the violations found after an engine step, when the
// engine was configured to check its invariants.
func (e *Engine) checkpoint(where string) {
	if !e.cfg.CheckInvariants || len(e.violations) >= maxViolations {
		return
	}
	err := e.checkInvariants(where, true)
	if err == nil {
		return
	}
	for _, v := range err.(interface{ Unwrap() []error }).Unwrap() {
		if len(e.violations) < maxViolations && !e.seenViolation(v) {
			e.violations = append(e.violations, v)
		}
	}
}

// seenViolation reports whether the same rule was already recorded for the
// same subject, so that a lasting violation is recorded once.
func (e *Engine) seenViolation(v error) bool {
	var ie *InvariantError
	if !errors.As(v, &ie) {
		return false
	}
	for _, o := range e.violations {
		var oe *InvariantError
		if errors.As(o, &oe) && oe.Subject == ie.Subject && oe.Rule == ie.Rule {
			return true
		}
	}
	return false
}

// invChecker collects violations for one check.
type invChecker struct {
	e     *Engine
	where string
	// incremental checks the history only from where the previous
	// incremental check left off (see history).
	incremental bool
	errs        []error
}

func (k *invChecker) fail(subject, format string, args ...any) {
	k.errs = append(k.errs, &InvariantError{At: k.e.now, Where: k.where, Subject: subject, Rule: fmt.Sprintf(format, args...)})
}

// checkInvariants checks the present state, the hearing intervals and the
// trace. When incremental, it checks only the part of the intervals and the
// trace that the previous incremental check has not found sound, and
// remembers how far it got; otherwise it checks them whole and changes
// nothing.
func (e *Engine) checkInvariants(where string, incremental bool) error {
	k := &invChecker{e: e, where: where, incremental: incremental}
	k.calls()
	k.conferences()
	k.queues()
	k.recordings() // recording.go
	k.events()
	k.history()
	return errors.Join(k.errs...)
}

// calls checks every call and its relations.
func (k *invChecker) calls() {
	e := k.e
	if e.idx.all.Len() != len(e.calls) {
		k.fail("", "%d calls in creation order but %d by SID", e.idx.all.Len(), len(e.calls))
	}
	for c := range e.idx.inOrder() {
		if e.calls[c.Sid] != c {
			k.fail(c.Sid, "listed in creation order but not by SID")
		}
		k.call(c)
	}
}

func (k *invChecker) call(c *Call) {
	sid := c.Sid
	switch c.Status {
	case StatusQueued:
		if c.Answered() {
			k.fail(sid, "queued but answered")
		}
	case StatusInProgress:
		if !c.Answered() {
			k.fail(sid, "in-progress but never answered")
		}
	case StatusBusy, StatusNoAnswer, StatusFailed, StatusCanceled:
		if c.Answered() {
			k.fail(sid, "%s but it was answered", c.Status)
		}
	case StatusRinging, StatusCompleted:
	default:
		k.fail(sid, "unknown status %q", c.Status)
	}
	if c.Live() {
		if !c.EndTime.IsZero() {
			k.fail(sid, "live (%s) but has an EndTime", c.Status)
		}
		k.liveRelations(c)
		return
	}
	if c.EndTime.IsZero() {
		k.fail(sid, "terminal (%s) without an EndTime", c.Status)
	}
	if c.Answered() && c.EndTime.Before(c.StartTime) {
		k.fail(sid, "ended before it was answered")
	}
	if c.EndTime.Before(c.DateCreated) {
		k.fail(sid, "ended before it was created")
	}
	relations := []struct {
		live bool
		what string
	}{
		{c.peer != nil, "is bridged"},
		{c.dialing != nil, "is blocked in a <Dial>"},
		{c.inDial != nil && c.inDial.answered == c && !c.inDial.done, "is the answered child of a <Dial> in progress"},
		{c.part != nil, "is a conference participant"},
		{c.member != nil, "waits in a queue"},
		{c.qwait != nil, "waits in a <Dial><Queue>"},
		{c.qbridge != nil, "is in a queue bridge"},
		{c.fetching != 0, "waits for a TwiML document"},
		{c.gather != nil, "gathers digits"},
		{c.timer != nil && !c.timer.dead, "has a running verb timer"},
		{c.ringTimer != nil && !c.ringTimer.dead, "has a running ring timer"},
		{c.prog != nil, "has a program"},
	}
	for _, r := range relations {
		if r.live {
			k.fail(sid, "terminal (%s) but %s", c.Status, r.what)
		}
	}
	if len(c.intervals) > 0 && !c.dirty && c.hearing.Kind != HearNothing {
		k.fail(sid, "terminal (%s) but hears %s", c.Status, c.hearing)
	}
}

// liveRelations checks the relations of a live call.
func (k *invChecker) liveRelations(c *Call) {
	sid := c.Sid
	if p := c.peer; p != nil {
		if p.peer != c {
			k.fail(sid, "bridged with %s, which is not bridged back", wire.Short(p.Sid))
		}
		if !p.Live() {
			k.fail(sid, "bridged with %s, which has ended (%s)", wire.Short(p.Sid), p.Status)
		}
	}
	if d := c.dialing; d != nil {
		switch {
		case d.done:
			k.fail(sid, "blocked in a <Dial> that is over")
		case d.parent != c:
			k.fail(sid, "blocked in another call's <Dial>")
		}
		if d.answered != nil && !slices.Contains(d.children, d.answered) {
			k.fail(sid, "its <Dial> answered by %s, which is not one of its children", wire.Short(d.answered.Sid))
		}
	}
	if d := c.inDial; d != nil && !d.done && !slices.Contains(d.children, c) {
		k.fail(sid, "child of a <Dial> that does not list it")
	}
	if c.fetching != 0 {
		if _, ok := k.e.pending[c.fetching]; !ok {
			k.fail(sid, "waits for TwiML fetch %d, which is not pending", c.fetching)
		}
	}
	if pt := c.part; pt != nil {
		if pt.call != c {
			k.fail(sid, "participant of another call")
		}
		if pt.conf.byCall(pt.CallSid) != pt {
			k.fail(sid, "participant not listed in conference %s", wire.Short(pt.conf.Sid))
		}
	}
	if m := c.member; m != nil && (m.call != c || !slices.Contains(m.q.members, m)) {
		k.fail(sid, "waits in queue %s, which does not list it", wire.Short(m.q.Sid))
	}
	if w := c.qwait; w != nil && (w.call != c || !slices.Contains(w.q.waiters, w)) {
		k.fail(sid, "waits in a <Dial><Queue> on %s, which does not list it", wire.Short(w.q.Sid))
	}
	if qb := c.qbridge; qb != nil {
		switch {
		case qb.done:
			k.fail(sid, "in a queue bridge that is over")
		case qb.dialer != c && qb.caller != c:
			k.fail(sid, "in a queue bridge it is not part of")
		case qb.dialer.qbridge != qb || qb.caller.qbridge != qb:
			k.fail(sid, "in a queue bridge its other party has left")
		case !qb.dialer.Live() || !qb.caller.Live():
			k.fail(sid, "in a queue bridge with an ended call")
		}
	}
}

// conferences checks every conference and its participants.
func (k *invChecker) conferences() {
	live := map[string]string{}
	for _, cf := range k.e.confs {
		if cf.Status == ConferenceCompleted {
			if cf.nParts > 0 {
				k.fail(cf.Sid, "completed with %d participants still in it", cf.nParts)
			}
			if cf.ReasonEnded == "" {
				k.fail(cf.Sid, "completed without a ReasonConferenceEnded")
			}
			continue
		}
		if other, dup := live[cf.FriendlyName]; dup {
			k.fail(cf.Sid, "a second live conference named %q (the first is %s)", cf.FriendlyName, wire.Short(other))
		}
		live[cf.FriendlyName] = cf.Sid
		if cf.Status == ConferenceInProgress && !cf.joinedAny {
			k.fail(cf.Sid, "in-progress but nobody ever joined")
		}
		k.roomIndexes(cf) // conference_invariants.go
		for pt := range cf.all() {
			c := pt.call
			switch {
			case pt.conf != cf:
				k.fail(c.Sid, "listed in conference %s but belongs to another", wire.Short(cf.Sid))
			case pt.left || pt.failed:
				k.fail(c.Sid, "still listed in conference %s after it left", wire.Short(cf.Sid))
			case c.part != pt:
				k.fail(c.Sid, "listed in conference %s but its call is not its participant", wire.Short(cf.Sid))
			case !c.Live():
				k.fail(c.Sid, "lingers in conference %s after its call ended (%s)", wire.Short(cf.Sid), c.Status)
			case pt.joined && !c.Answered():
				k.fail(c.Sid, "joined conference %s but its call was never answered", wire.Short(cf.Sid))
			}
		}
	}
}

// queues checks every queue, its members and its waiting dialers.
func (k *invChecker) queues() {
	for _, q := range k.e.queues {
		if q.CurrentSize() != len(q.members) {
			k.fail(q.Sid, "current size %d but %d members", q.CurrentSize(), len(q.members))
		}
		seen := map[*Call]bool{}
		for _, m := range q.members {
			c := m.call
			switch {
			case seen[c]:
				k.fail(c.Sid, "waits twice in queue %s", wire.Short(q.Sid))
			case m.q != q:
				k.fail(c.Sid, "listed in queue %s but belongs to another", wire.Short(q.Sid))
			case c.member != m:
				k.fail(c.Sid, "listed in queue %s but its call is not waiting there", wire.Short(q.Sid))
			case !c.Live():
				k.fail(c.Sid, "lingers in queue %s after its call ended (%s)", wire.Short(q.Sid), c.Status)
			}
			seen[c] = true
		}
		for _, w := range q.waiters {
			if w.call.qwait != w || !w.call.Live() {
				k.fail(w.call.Sid, "listed as waiting on queue %s but is not", wire.Short(q.Sid))
			}
		}
		if len(q.members) > 0 && len(q.waiters) > 0 {
			k.fail(q.Sid, "%d callers wait while %d <Dial><Queue> wait for one", len(q.members), len(q.waiters))
		}
	}
}

// events checks the clock and the pending events.
func (k *invChecker) events() {
	e := k.e
	for _, ev := range e.events {
		if !ev.dead && ev.at.Before(e.now) {
			k.fail("", "an event due at %s is still pending at %s", ev.at.UTC().Format("15:04:05.000"), e.now.UTC().Format("15:04:05.000"))
			break
		}
	}
	if e.now.Before(e.start) {
		k.fail("", "the clock is before the start")
	}
}

// history checks what every party heard over time, and the trace. Both
// only grow, and the engine never changes what they hold but the end of
// each call's current hearing interval. So an incremental check starts,
// for each call, at the first interval not yet found consistent with the
// next one, and in the trace at the first entry not yet found in order
// after the one before it; it leaves off at the current interval, at the
// end of the trace, or at the first broken interval or entry, which is
// then found again by every check.
func (k *invChecker) history() {
	e := k.e
	for c := range e.idx.inOrder() {
		from := 0
		if k.incremental {
			from = c.heardChecked
		}
		next := k.intervals(c, from)
		if k.incremental {
			c.heardChecked = next
		}
	}
	// traceChecked counts the entries forgotten (Config.TraceLimit,
	// ClearTrace) too, so that it stays right as the trace moves on.
	from := 1
	if k.incremental {
		from = max(e.traceChecked-e.trace.dropped, 1)
	}
	n := e.trace.len()
	next := n
	for i := from; i < n; i++ {
		if en, prev := e.trace.at(i), e.trace.at(i-1); en.seq <= prev.seq || en.at.Before(prev.at) {
			k.fail(en.call, "trace entry %d is out of order", en.seq)
			next = i
			break
		}
	}
	if k.incremental {
		e.traceChecked = e.trace.dropped + next
	}
}

// intervals checks c's hearing intervals from the from-th on. It returns
// where the next incremental check must start: at the first broken
// interval, else at the current one, whose end is not known yet.
func (k *invChecker) intervals(c *Call, from int) int {
	ivs := c.intervals
	next := max(len(ivs)-1, 0)
	for i := from; i < len(ivs); i++ {
		iv := ivs[i]
		last := i == len(ivs)-1
		ok := false
		switch {
		case last && !iv.End.IsZero():
			k.fail(c.Sid, "its current hearing interval has an end")
		case !last && !iv.End.Equal(ivs[i+1].Start):
			k.fail(c.Sid, "a gap or overlap in what it heard at interval %d", i)
		case !iv.End.IsZero() && iv.End.Before(iv.Start):
			k.fail(c.Sid, "hearing interval %d ends before it starts", i)
		default:
			ok = true
		}
		if !ok && i < next {
			next = i
		}
	}
	return next
}
