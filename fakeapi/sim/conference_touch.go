package sim

import "slices"

// Which legs a conference change touches, and in which order their
// hearing changes are traced.
//
// A change to one participant touches only the legs whose hearing it may
// change (conference_room.go), but the trace lists the hearing changes of
// one step in the order their legs were first touched, and that order has
// always been: what was touched before the room changed, then the room's
// participants in the order they were added, then the rest. A room mark
// keeps that order without touching everyone: it stands, in the step's
// list of touched legs, where the room changed, and the participants
// touched afterwards take their place there, in the order they were
// added, however late in the step they are touched.

// roomMark is a conference's place in the current step's touched legs.
type roomMark struct {
	cf    *Conference
	at    int            // the number of legs touched before it
	upTo  int            // it stands for the participants with an addSeq up to this
	parts []*Participant // the participants touched since, in any order
}

// roomMarks are a conference's marks in the current step (a second one
// only for participants added after the first).
type roomMarks []*roomMark

// markFor returns the mark a participant that is touched now takes its
// place at, or nil.
func (ms roomMarks) markFor(pt *Participant) *roomMark {
	for _, m := range ms {
		if pt.addSeq <= m.upTo {
			return m
		}
	}
	return nil
}

// markRoom marks where cf's room changes in the current step, unless a
// mark already stands for every participant it lists.
func (e *Engine) markRoom(cf *Conference) {
	if n := len(cf.marks); n > 0 && cf.marks[n-1].upTo == cf.added {
		return
	}
	var m *roomMark
	if n := len(e.spareMarks); n > 0 { // one recycleMarks emptied
		m = e.spareMarks[n-1]
		e.spareMarks[n-1] = nil
		e.spareMarks = e.spareMarks[:n-1]
	} else {
		m = new(roomMark)
	}
	m.cf, m.at, m.upTo = cf, len(e.dirty), cf.added
	cf.marks = append(cf.marks, m)
	e.roomMarks = append(e.roomMarks, m)
}

// touchPart marks a participant's leg for a hearing update, at its room's
// mark if the room changed earlier in the step.
func (e *Engine) touchPart(pt *Participant) {
	c := pt.call
	if c.dirty {
		return
	}
	c.dirty = true
	if m := pt.conf.marks.markFor(pt); m != nil {
		m.parts = append(m.parts, pt)
		return
	}
	e.dirty = append(e.dirty, c)
}

// touchConference marks every participant's leg for a hearing update:
// for what changes what the whole room hears (it starts, an announcement
// to everyone).
func (e *Engine) touchConference(cf *Conference) {
	e.markRoom(cf)
	for p := range cf.all() {
		e.touchPart(p)
	}
}

// roomTouch touches, after pt changed, pt's leg and those of the others
// whose hearing the change may have changed.
func (e *Engine) roomTouch(pt *Participant, ch roomChange) {
	cf := pt.conf
	if pt.left || pt.failed {
		// It is no longer listed: its leg comes before the room's.
		e.touchPart(pt)
	}
	e.markRoom(cf)
	e.touchPart(pt)
	if ch.everyone && cf.Status == ConferenceInProgress {
		// Before the conference starts, everyone hears its wait music,
		// not the room; starting touches everyone.
		for p := range cf.all() {
			e.touchPart(p)
		}
	}
	for _, sid := range ch.coachees {
		if o := cf.byCall(sid); sid != "" && o != nil {
			e.touchPart(o)
		}
	}
}

// takeMarks hands over the step's room marks, in the order they were
// made, and clears them from their conferences: what is touched from now
// on is the next batch's.
func (e *Engine) takeMarks() []*roomMark {
	ms := e.roomMarks
	e.roomMarks = nil
	for _, m := range ms {
		clear(m.cf.marks)
		m.cf.marks = m.cf.marks[:0]
	}
	return ms
}

// recycleMarks keeps the marks of a batch that flushHearing went through,
// emptied, for markRoom to reuse, and the array that listed them for the
// next batch's list: a hold or a mute marks its room each time.
func (e *Engine) recycleMarks(ms []*roomMark) {
	for _, m := range ms {
		clear(m.parts)
		m.cf, m.parts = nil, m.parts[:0]
	}
	// The emptied marks go on the spare list; the array that listed them
	// becomes the next batch's list.
	e.spareMarks = append(e.spareMarks, ms...)
	clear(ms)
	if e.roomMarks == nil {
		e.roomMarks = ms[:0]
	}
}

// markedParts are the participants touched at a mark, in the order they
// were added to their conference.
func (m *roomMark) markedParts() []*Participant {
	slices.SortFunc(m.parts, func(a, b *Participant) int { return a.addSeq - b.addSeq })
	return m.parts
}
