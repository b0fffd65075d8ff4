package sim

import (
	"iter"
	"slices"
)

// A conference's indexes, kept as participants come, change and go, so
// that no operation on one participant walks the room: the participants in
// creation order (a list), by call SID and by label; and what the room
// hears: counts, and the participants the others hear, in join order.
//
// What a connected participant hears from the room depends on the talkers
// (connected, not held, not muted, not coaching), the audible coaches
// (heard only by the participant they coach) and, when it hears nobody, on
// whether it is alone or everyone else is on hold. A change to one
// participant touches the others only when one of these changes for them.

// roomIndex is a conference's indexes (embedded in Conference).
type roomIndex struct {
	first, last *Participant // the live participants, in creation order
	nParts      int
	byCallSid   map[string]*Participant
	byLabelIdx  map[string]*Participant // labels that are not ""

	nConnected int // joined participants
	nHeld      int // joined participants on hold
	nStarters  int // joined participants with startConferenceOnEnter
	// talkers are the joined participants the whole room hears: not on
	// hold, not muted, not coaching; coaches are the coaching ones not on
	// hold and not muted. Both in join order.
	talkers, coaches []*Participant
}

// roomRole is what a participant is to the rest of the room: what the
// indexes count it as.
type roomRole struct {
	connected, held, starter, talking bool
	coaching                          string // an audible coach: the CallSid it coaches
}

// role is what pt is to its room now.
func (pt *Participant) role() roomRole {
	if !pt.joined || pt.left || pt.failed {
		return roomRole{}
	}
	r := roomRole{connected: true, held: pt.Hold, starter: pt.StartConferenceOnEnter}
	switch {
	case pt.Hold || pt.Muted:
	case pt.Coaching:
		r.coaching = pt.CallSidToCoach
	default:
		r.talking = true
	}
	return r
}

// add lists a new participant, last in creation order.
func (cf *Conference) add(pt *Participant) {
	if cf.byCallSid == nil {
		cf.byCallSid = map[string]*Participant{}
	}
	cf.byCallSid[pt.CallSid] = pt
	if pt.Label != "" {
		if cf.byLabelIdx == nil {
			cf.byLabelIdx = map[string]*Participant{}
		}
		cf.byLabelIdx[pt.Label] = pt
	}
	pt.prev, pt.next = cf.last, nil
	if cf.last != nil {
		cf.last.next = pt
	} else {
		cf.first = pt
	}
	cf.last = pt
	cf.nParts++
}

// remove takes pt off the list and out of the lookups.
func (cf *Conference) remove(pt *Participant) {
	if cf.byCallSid[pt.CallSid] != pt {
		return
	}
	delete(cf.byCallSid, pt.CallSid)
	if pt.Label != "" && cf.byLabelIdx[pt.Label] == pt {
		delete(cf.byLabelIdx, pt.Label)
	}
	if pt.prev != nil {
		pt.prev.next = pt.next
	} else {
		cf.first = pt.next
	}
	if pt.next != nil {
		pt.next.prev = pt.prev
	} else {
		cf.last = pt.prev
	}
	pt.prev, pt.next = nil, nil
	cf.nParts--
}

// all yields the live participants (pending and connected) in creation
// order. The one yielded may leave during the loop.
func (cf *Conference) all() iter.Seq[*Participant] {
	return func(yield func(*Participant) bool) {
		for p := cf.first; p != nil; {
			next := p.next
			if !yield(p) {
				return
			}
			p = next
		}
	}
}

func (cf *Conference) byLabel(label string) *Participant {
	if label == "" {
		return nil
	}
	return cf.byLabelIdx[label]
}

func (cf *Conference) byCall(sid string) *Participant { return cf.byCallSid[sid] }

// lonely is what decides the silence a participant that hears nobody
// hears: alone, or the only one not on hold.
func (cf *Conference) lonely() [2]bool {
	return [2]bool{cf.nConnected == 1, cf.nConnected-cf.nHeld == 1}
}

// roomChanged brings the indexes up to date after pt changed (joined,
// left, was held, muted, made a coach ...) from what it was to the room,
// and touches the legs whose hearing may have changed: pt's, and the
// others' only when what they hear of the room changed.
func (e *Engine) roomChanged(pt *Participant, was roomRole) {
	e.touch(pt.call)
	now := pt.role()
	if now == was {
		return
	}
	cf := pt.conf
	lonely := cf.lonely()
	cf.nConnected += b2i(now.connected) - b2i(was.connected)
	cf.nHeld += b2i(now.held) - b2i(was.held)
	cf.nStarters += b2i(now.starter) - b2i(was.starter)
	everyone := lonely != cf.lonely()
	if now.talking != was.talking {
		cf.talkers = setInJoinOrder(cf.talkers, pt, now.talking)
		everyone = true
	}
	if now.coaching != was.coaching {
		cf.coaches = setInJoinOrder(cf.coaches, pt, now.coaching != "")
		for _, sid := range []string{was.coaching, now.coaching} {
			if o := cf.byCall(sid); o != nil {
				e.touch(o.call)
			}
		}
	}
	if everyone && cf.Status == ConferenceInProgress {
		// Before the conference starts, everyone hears its wait music,
		// not the room; starting touches everyone.
		e.touchConference(cf)
	}
}

// setInJoinOrder adds pt to ps, sorted by join order, or removes it.
func setInJoinOrder(ps []*Participant, pt *Participant, in bool) []*Participant {
	i, found := slices.BinarySearchFunc(ps, pt.joinOrder, func(p *Participant, order int) int { return p.joinOrder - order })
	switch {
	case in && !found:
		return slices.Insert(ps, i, pt)
	case !in && found:
		return slices.Delete(ps, i, i+1)
	}
	return ps
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// roomHeardBy is who pt hears in the room: the talkers but itself and the
// coaches coaching it, in join order.
func (cf *Conference) roomHeardBy(pt *Participant) []string {
	var sids []string
	ts, cs := cf.talkers, cf.coaches
	for len(ts) > 0 || len(cs) > 0 {
		var o *Participant
		if len(cs) == 0 || (len(ts) > 0 && ts[0].joinOrder < cs[0].joinOrder) {
			o, ts = ts[0], ts[1:]
		} else {
			o, cs = cs[0], cs[1:]
			if o.CallSidToCoach != pt.CallSid {
				continue
			}
		}
		if o != pt {
			if sids == nil {
				sids = make([]string, 0, len(cf.talkers))
			}
			sids = append(sids, o.CallSid)
		}
	}
	return sids
}

// touchConference marks every participant's leg for a hearing update:
// for what changes what the whole room hears.
func (e *Engine) touchConference(cf *Conference) {
	for p := range cf.all() {
		e.touch(p.call)
	}
}
