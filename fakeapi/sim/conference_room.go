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
	added       int       // participants ever added: the last one's addSeq
	marks       roomMarks // where the room changed in the current step (conference_touch.go)
	// byCallSid and byLabelIdx (labels that are not "") find a
	// participant once the room has had smallRoom of them; a smaller room
	// is searched, which saves two maps for each of the many small rooms.
	byCallSid  map[string]*Participant
	byLabelIdx map[string]*Participant

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

// smallRoom is the number of participants from which a conference looks
// them up in maps rather than searching its list.
const smallRoom = 8

// add lists a new participant, last in creation order.
func (cf *Conference) add(pt *Participant) {
	switch {
	case cf.byCallSid != nil:
		cf.index(pt)
	case cf.nParts+1 >= smallRoom:
		cf.byCallSid, cf.byLabelIdx = make(map[string]*Participant, 2*smallRoom), map[string]*Participant{}
		for p := range cf.all() {
			cf.index(p)
		}
		cf.index(pt)
	}
	cf.added++
	pt.addSeq = cf.added
	pt.prev, pt.next = cf.last, nil
	if cf.last != nil {
		cf.last.next = pt
	} else {
		cf.first = pt
	}
	cf.last = pt
	cf.nParts++
}

func (cf *Conference) index(pt *Participant) {
	cf.byCallSid[pt.CallSid] = pt
	if pt.Label != "" {
		cf.byLabelIdx[pt.Label] = pt
	}
}

// remove takes pt off the list and out of the lookups.
func (cf *Conference) remove(pt *Participant) {
	if cf.byCall(pt.CallSid) != pt {
		return
	}
	if cf.byCallSid != nil {
		delete(cf.byCallSid, pt.CallSid)
		if pt.Label != "" && cf.byLabelIdx[pt.Label] == pt {
			delete(cf.byLabelIdx, pt.Label)
		}
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

// byLabel finds a live participant by its label.
func (cf *Conference) byLabel(label string) *Participant {
	if label == "" {
		return nil
	}
	if cf.byLabelIdx != nil {
		return cf.byLabelIdx[label]
	}
	for p := range cf.all() {
		if p.Label == label {
			return p
		}
	}
	return nil
}

// byCall finds a live participant by its CallSid.
func (cf *Conference) byCall(sid string) *Participant {
	if cf.byCallSid != nil {
		return cf.byCallSid[sid]
	}
	for p := range cf.all() {
		if p.CallSid == sid {
			return p
		}
	}
	return nil
}

// lonely is what decides the silence a participant that hears nobody
// hears: alone, or the only one not on hold.
func (cf *Conference) lonely() [2]bool {
	return [2]bool{cf.nConnected == 1, cf.nConnected-cf.nHeld == 1}
}

// roomChange is what a change to one participant means for the others:
// whether every participant's hearing may have changed, and the
// participants it coaches or coached (by CallSid), whose hearing may have.
type roomChange struct {
	everyone bool
	coachees [2]string
}

// reindex brings the indexes up to date after pt changed (joined, left,
// was held, muted, made a coach ...) from what it was to the room, and
// says what that means for the others' hearing.
func (cf *Conference) reindex(pt *Participant, was roomRole) roomChange {
	now := pt.role()
	if now == was {
		return roomChange{}
	}
	lonely := cf.lonely()
	cf.nConnected += b2i(now.connected) - b2i(was.connected)
	cf.nHeld += b2i(now.held) - b2i(was.held)
	cf.nStarters += b2i(now.starter) - b2i(was.starter)
	ch := roomChange{everyone: lonely != cf.lonely()}
	if now.talking != was.talking {
		cf.talkers = setInJoinOrder(cf.talkers, pt, now.talking)
		ch.everyone = true
	}
	if now.coaching != was.coaching {
		cf.coaches = setInJoinOrder(cf.coaches, pt, now.coaching != "")
		ch.coachees = [2]string{was.coaching, now.coaching}
	}
	return ch
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
// coaches coaching it, in join order. It returns reuse, or its beginning,
// when that is who pt hears: a hearing's parties are never modified, and
// the party that heard them before mostly hears them again.
func (cf *Conference) roomHeardBy(pt *Participant, reuse []string) []string {
	var sids []string
	n := 0 // who pt hears are reuse[:n] so far, with sids nil
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
			if sids == nil && n < len(reuse) && reuse[n] == o.CallSid {
				n++
				continue
			}
			if sids == nil {
				sids = make([]string, n, max(len(cf.talkers), n+1))
				copy(sids, reuse)
			}
			sids = append(sids, o.CallSid)
		}
	}
	if sids == nil {
		return reuse[:n:n]
	}
	return sids
}
