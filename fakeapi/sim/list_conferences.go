package sim

import (
	"slices"
	"sort"
)

// Paging the Conferences list without walking the account's history: the
// conferences are kept in creation order (e.confs, which only grows), so
// newest first is that order backwards and a page of the unfiltered list
// is a slice of it. The live conferences (e.liveConfs, a few) answer
// Status=init and Status=in-progress, and Status=completed is every
// conference but those; FriendlyName has its own list, and DateCreated,
// which grows with the creation order, is a range found by binary search.

// confIndex is what the Conferences list keeps besides e.confs.
type confIndex struct {
	// indexed is how many of e.confs pos and byName hold: they catch up
	// with the conferences created since, when a list is asked for.
	indexed int
	pos     map[*Conference]int // position in e.confs
	byName  map[string][]int    // positions in e.confs, ascending
	// monotone holds while DateCreated never decreases along e.confs.
	monotone bool
}

func (e *Engine) confsIndexed() *confIndex {
	x := &e.confIdx
	if x.pos == nil {
		x.pos, x.byName, x.monotone = map[*Conference]int{}, map[string][]int{}, true
	}
	for ; x.indexed < len(e.confs); x.indexed++ {
		cf := e.confs[x.indexed]
		if x.indexed > 0 && cf.DateCreated.Before(e.confs[x.indexed-1].DateCreated) {
			x.monotone = false
		}
		x.pos[cf] = x.indexed
		x.byName[cf.FriendlyName] = append(x.byName[cf.FriendlyName], x.indexed)
	}
	return x
}

func (f ConferenceFilter) match(cf *Conference) bool {
	if (f.FriendlyName != "" && cf.FriendlyName != f.FriendlyName) || (f.Status != "" && cf.Status != f.Status) {
		return false
	}
	for _, tf := range f.Created {
		if !tf.Match(cf.DateCreated) {
			return false
		}
	}
	for _, tf := range f.Updated {
		if !tf.Match(cf.DateUpdated) {
			return false
		}
	}
	return true
}

// ConferencesPage returns one page of Conferences(f): at most n
// conferences from the off-th (0-based, newest first), and whether more
// match after them. Unfiltered, or filtered by one of Status,
// FriendlyName and DateCreated (each with DateCreated), a page costs
// O(log N + n + L) for N conferences of which L are live; with
// DateUpdated, or FriendlyName and Status together, it also counts off
// the matching conferences before the page.
func (e *Engine) ConferencesPage(f ConferenceFilter, off, n int) ([]*Conference, bool) {
	x := e.confsIndexed()
	// Candidates are the positions cand(hi-1), cand(hi-2), …, cand(lo), as
	// far as the DateCreated filters and the first of FriendlyName or a
	// live status allow; exact when they are the filter.
	lo, hi := 0, len(e.confs)
	if x.monotone {
		lo, hi = e.confRange(f.Created, f.Updated)
	} else if len(f.Created) > 0 || len(f.Updated) > 0 {
		return pageScan(len(e.confs), func(i int) *Conference { return e.confs[i] }, f.match, off, n)
	}
	exactTime := len(f.Updated) == 0
	cand := func(i int) int { return i }
	exact := exactTime && f.FriendlyName == "" && f.Status == ""
	switch {
	case f.Status == ConferenceInit || f.Status == ConferenceInProgress:
		var live []int
		for _, cf := range e.liveConfs {
			if p := x.pos[cf]; p >= lo && p < hi {
				live = append(live, p)
			}
		}
		slices.Sort(live)
		cand, lo, hi = func(i int) int { return live[i] }, 0, len(live)
	case f.FriendlyName != "":
		ps := x.byName[f.FriendlyName]
		a, b := sort.SearchInts(ps, lo), sort.SearchInts(ps, hi)
		cand, lo, hi = func(i int) int { return ps[i] }, a, b
		exact = exactTime && f.Status == ""
	case f.Status == ConferenceCompleted && exactTime:
		// Every conference but the live ones: seek to the off-th
		// completed one from hi-1, passing over the live ones above it.
		var live []int
		for _, cf := range e.liveConfs {
			if p := x.pos[cf]; p >= lo && p < hi {
				live = append(live, p)
			}
		}
		slices.Sort(live)
		slices.Reverse(live)
		p := hi - 1 - off
		for _, l := range live {
			if l < p {
				break
			}
			p--
		}
		out, more := pageScan(p+1-lo, func(i int) *Conference { return e.confs[lo+i] }, f.match, 0, n)
		return out, more
	}
	at := func(i int) *Conference { return e.confs[cand(lo+i)] }
	if exact {
		top := hi - lo - 1 - off
		var out []*Conference
		for i := top; i >= 0 && len(out) < n; i-- {
			out = append(out, at(i))
		}
		return out, top-n >= 0
	}
	return pageScan(hi-lo, at, f.match, off, n)
}

// confRange returns the positions [lo, hi) of e.confs whose DateCreated
// may pass created, and updated's upper bounds (a conference is updated
// after it is created); e.confs must be in DateCreated order.
func (e *Engine) confRange(created, updated []TimeFilter) (lo, hi int) {
	lo, hi = 0, len(e.confs)
	if t, ok := earliest(created); ok {
		lo = sort.Search(len(e.confs), func(i int) bool { return !e.confs[i].DateCreated.Before(t) })
	}
	ceil, ok := latest(created)
	if t, ok2 := latest(updated); ok2 && (!ok || t.Before(ceil)) {
		ceil, ok = t, true
	}
	if ok {
		hi = sort.Search(len(e.confs), func(i int) bool { return e.confs[i].DateCreated.After(ceil) })
	}
	return lo, max(lo, hi)
}

// pageScan is a page of the items at(count-1), …, at(0) that match: it
// counts off matching items before the page, so it costs O(off + n) when
// most items match, more when few do.
func pageScan[T any](count int, at func(int) T, match func(T) bool, off, n int) ([]T, bool) {
	var out []T
	matched := 0
	for i := count - 1; i >= 0; i-- {
		v := at(i)
		if !match(v) {
			continue
		}
		if matched < off {
			matched++
			continue
		}
		if len(out) == n {
			return out, true
		}
		out = append(out, v)
	}
	return out, false
}
