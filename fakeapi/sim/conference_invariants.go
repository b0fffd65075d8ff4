package sim

import (
	"slices"

	"github.com/holdlab/holdlab/fakeapi/wire"
)

// roomIndexes checks a live conference's indexes (conference_room.go)
// against its participants, and that each joined participant's leg hears
// what its room says now: a change that did not touch a leg whose hearing
// it changed shows here.
func (k *invChecker) roomIndexes(cf *Conference) {
	var joined []*Participant
	n := 0
	for pt := range cf.all() {
		n++
		if cf.byCall(pt.CallSid) != pt {
			k.fail(pt.CallSid, "listed in conference %s but not found by its CallSid", wire.Short(cf.Sid))
		}
		if pt.Label != "" && cf.byLabel(pt.Label) != pt {
			k.fail(pt.CallSid, "listed in conference %s but not found by its label %q", wire.Short(cf.Sid), pt.Label)
		}
		if pt.joined {
			joined = append(joined, pt)
		}
	}
	if n != cf.nParts || (cf.byCallSid != nil && len(cf.byCallSid) != n) {
		k.fail(cf.Sid, "%d participants listed, %d counted, %d by CallSid", n, cf.nParts, len(cf.byCallSid))
	}
	slices.SortFunc(joined, func(a, b *Participant) int { return a.joinOrder - b.joinOrder })
	var held, starters int
	var talkers, coaches []*Participant
	for _, pt := range joined {
		r := pt.role()
		held += b2i(r.held)
		starters += b2i(r.starter)
		if r.talking {
			talkers = append(talkers, pt)
		}
		if r.coaching != "" {
			coaches = append(coaches, pt)
		}
	}
	if len(joined) != cf.nConnected || held != cf.nHeld || starters != cf.nStarters {
		k.fail(cf.Sid, "%d joined, %d held, %d with startConferenceOnEnter, but counted %d, %d, %d", len(joined), held, starters, cf.nConnected, cf.nHeld, cf.nStarters)
	}
	if !slices.Equal(talkers, cf.talkers) || !slices.Equal(coaches, cf.coaches) {
		k.fail(cf.Sid, "the participants heard by the room are not those indexed")
	}
	for _, pt := range joined {
		c := pt.call
		if !c.Live() || c.dirty {
			continue
		}
		if h := k.e.hearingOf(c); !h.Equal(c.hearing) {
			k.fail(c.Sid, "hears %s, but its room in conference %s says %s", c.hearing, wire.Short(cf.Sid), h)
		}
	}
}
