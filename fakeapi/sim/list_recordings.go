package sim

// Paging the Recordings lists: the recordings are kept newest first in a
// seqSet, and by CallSid and by ConferenceSid, so that a page of the
// account's recordings, or of a call's or a conference's, costs
// O(log N + page size) for N recordings in all. DateCreated grows with
// the creation order: its filters are a range, found in O(log N).

// add stores a new recording, the newest.
func (s *recordings) add(r *Recording) {
	s.seq++
	r.seq = s.seq
	s.all.insert(r.seq, r)
	s.bySid[r.Sid] = r
	if r.CallSid != "" {
		addTo(s.byCall, r.CallSid, r.seq, r)
	}
	if r.ConferenceSid != "" {
		addTo(s.byConfSid, r.ConferenceSid, r.seq, r)
	}
}

// remove forgets a deleted recording everywhere.
func (s *recordings) remove(r *Recording) {
	delete(s.bySid, r.Sid)
	s.all.delete(r.seq)
	removeFrom(s.byCall, r.CallSid, r.seq)
	removeFrom(s.byConfSid, r.ConferenceSid, r.seq)
}

func (f RecordingFilter) match(r *Recording) bool {
	if (f.CallSid != "" && r.CallSid != f.CallSid) || (f.ConferenceSid != "" && r.ConferenceSid != f.ConferenceSid) || (f.callOnly && r.conf != nil) {
		return false
	}
	for _, tf := range f.Created {
		if !tf.Match(r.DateCreated) {
			return false
		}
	}
	return true
}

// RecordingsPage returns one page of Recordings(f): at most n recordings
// from the off-th (0-based, newest first), and whether more match after
// them.
func (e *Engine) RecordingsPage(f RecordingFilter, off, n int) ([]*Recording, bool) {
	s := &e.recs
	set, exact := &s.all, true
	for _, by := range []struct {
		m map[string]*seqSet[*Recording]
		k string
	}{{s.byCall, f.CallSid}, {s.byConfSid, f.ConferenceSid}} {
		if by.k == "" {
			continue
		}
		o := by.m[by.k]
		if o == nil {
			return nil, false
		}
		if set != &s.all {
			exact = false
		}
		if set == &s.all || o.Len() < set.Len() {
			set = o
		}
	}
	if f.callOnly {
		exact = false
	}
	// DateCreated: the recordings created after the filters' latest
	// instant are skipped, and the walk stops at the first created before
	// their earliest; in between every recording passes them.
	skip := 0
	if t, ok := latest(f.Created); ok {
		skip = set.newerThan(func(r *Recording) bool { return r.DateCreated.After(t) })
	}
	floor, hasFloor := earliest(f.Created)
	if exact {
		skip, off = skip+off, 0
	}
	older := func(r *Recording) bool { return hasFloor && r.DateCreated.Before(floor) }
	out, more, _ := set.page(skip, 0, off, n, older, f.match)
	return out, more
}
