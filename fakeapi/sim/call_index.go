package sim

import (
	"iter"
	"strconv"
	"strings"
	"time"
)

// callIndex holds the calls in the order Twilio lists them (newest first:
// descending creation sequence), and by Status, To, From and
// ParentCallSid, so that a page of the Calls list costs O(log n + page
// size) however many calls the account has made, and a filter that
// selects few calls among many walks only those few
// (BENCHMARKS.md, "Lists do not grow with history").
type callIndex struct {
	seq uint64 // the last creation sequence number given
	all seqSet[*Call]

	byStatus map[Status]*seqSet[*Call]
	byTo     map[string]*seqSet[*Call]
	byFrom   map[string]*seqSet[*Call]
	byParent map[string]*seqSet[*Call]

	// monotone holds while DateCreated never decreases with the creation
	// sequence (always, but for a snapshot restored into an engine whose
	// clock is behind it); time filters then seek by date.
	monotone bool
	// lastCreated is the newest call's DateCreated.
	lastCreated time.Time
	// startLag and endLag are the longest StartTime-DateCreated and
	// EndTime-DateCreated of any call so far: a scan for StartTime>t stops
	// at calls created before t-startLag.
	startLag, endLag time.Duration

	// gen changes whenever a call is added or removed, or changes status
	// (and so start or end time): cursors of an older generation are stale.
	gen     uint64
	cursors [8]listCursor
	nextCur int
}

// listCursor remembers where a filtered list's page starts: the off-th
// call (0-based, newest first) matching the filter with key is the one
// with creation sequence seq. The next page's request, following
// next_page_uri, starts there instead of counting off matches again.
type listCursor struct {
	gen uint64
	key string
	off int
	seq uint64
}

func (x *callIndex) init() {
	if x.byStatus == nil {
		x.byStatus = map[Status]*seqSet[*Call]{}
		x.byTo = map[string]*seqSet[*Call]{}
		x.byFrom = map[string]*seqSet[*Call]{}
		x.byParent = map[string]*seqSet[*Call]{}
		x.monotone = true
	}
}

// addTo adds v, of sequence number seq, to the set of key k in m.
func addTo[K comparable, T any](m map[K]*seqSet[T], k K, seq uint64, v T) {
	s := m[k]
	if s == nil {
		s = &seqSet[T]{}
		m[k] = s
	}
	s.insert(seq, v)
}

// removeFrom removes seq from the set of key k in m, and the set once
// empty.
func removeFrom[K comparable, T any](m map[K]*seqSet[T], k K, seq uint64) {
	if s := m[k]; s != nil {
		s.delete(seq)
		if s.Len() == 0 {
			delete(m, k)
		}
	}
}

// add indexes a new call, the newest.
func (x *callIndex) add(c *Call) {
	x.init()
	x.seq++
	c.seq = x.seq
	x.gen++
	if c.DateCreated.Before(x.lastCreated) {
		x.monotone = false
	}
	x.lastCreated = c.DateCreated
	x.all.insert(c.seq, c)
	addTo(x.byStatus, c.Status, c.seq, c)
	addTo(x.byTo, c.To, c.seq, c)
	addTo(x.byFrom, c.From, c.seq, c)
	if c.ParentCallSid != "" {
		addTo(x.byParent, c.ParentCallSid, c.seq, c)
	}
	x.times(c)
}

// times widens startLag and endLag for c's start and end times.
func (x *callIndex) times(c *Call) {
	if !c.StartTime.IsZero() {
		x.startLag = max(x.startLag, c.StartTime.Sub(c.DateCreated))
	}
	if !c.EndTime.IsZero() {
		x.endLag = max(x.endLag, c.EndTime.Sub(c.DateCreated))
	}
}

// remove forgets a deleted call in every index.
func (x *callIndex) remove(c *Call) {
	x.gen++
	x.all.delete(c.seq)
	removeFrom(x.byStatus, c.Status, c.seq)
	removeFrom(x.byTo, c.To, c.seq)
	removeFrom(x.byFrom, c.From, c.seq)
	if c.ParentCallSid != "" {
		removeFrom(x.byParent, c.ParentCallSid, c.seq)
	}
}

// moved reindexes c after its status changed from old (its start or end
// time may have changed with it).
func (x *callIndex) moved(c *Call, old Status) {
	x.gen++
	// The call's node moves from one set to the other, and the sets of
	// the few statuses stay when empty: a status change allocates
	// nothing once each status has its set.
	var n *seqNode[*Call]
	if s := x.byStatus[old]; s != nil {
		n = s.take(c.seq)
	}
	if n == nil {
		addTo(x.byStatus, c.Status, c.seq, c)
	} else {
		s := x.byStatus[c.Status]
		if s == nil {
			s = &seqSet[*Call]{}
			x.byStatus[c.Status] = s
		}
		s.insertNode(n)
	}
	x.times(c)
}

// live calls fn with every call not yet ended.
func (x *callIndex) live(fn func(*Call)) {
	for _, st := range []Status{StatusQueued, StatusRinging, StatusInProgress} {
		if s := x.byStatus[st]; s != nil {
			s.ascend(func(c *Call) bool { fn(c); return true })
		}
	}
}

// inOrder yields every call in creation order.
func (x *callIndex) inOrder() iter.Seq[*Call] {
	return func(yield func(*Call) bool) { x.all.ascend(yield) }
}

// size returns how many entries the indexes hold, all maps and sets
// together: 0 once every call is deleted.
func (x *callIndex) size() int {
	n := x.all.Len()
	for _, m := range []map[string]*seqSet[*Call]{x.byTo, x.byFrom, x.byParent} {
		for _, s := range m {
			n += 1 + s.Len()
		}
	}
	for _, s := range x.byStatus {
		if s.Len() > 0 { // a status's set stays when empty (moved)
			n += 1 + s.Len()
		}
	}
	return n
}

// key fingerprints a filter for cursors.
func (f CallFilter) key() string {
	var b strings.Builder
	for _, s := range []string{f.To, f.From, f.ParentCallSid, string(f.Status)} {
		b.WriteString(strconv.Quote(s))
	}
	for _, tfs := range [][]TimeFilter{f.Started, f.Ended} {
		b.WriteByte('|')
		for _, tf := range tfs {
			b.WriteByte(tf.Op)
			b.WriteString(strconv.FormatInt(tf.T.UnixNano(), 36))
			if tf.DateOnly {
				b.WriteByte('d')
			}
		}
	}
	return b.String()
}

func (f CallFilter) match(c *Call) bool {
	return (f.To == "" || c.To == f.To) && (f.From == "" || c.From == f.From) &&
		(f.ParentCallSid == "" || c.ParentCallSid == f.ParentCallSid) &&
		(f.Status == "" || c.Status == f.Status) &&
		matchTimes(f.Started, c.StartTime) && matchTimes(f.Ended, c.EndTime)
}

// latest returns the instant no time matching fs can be after (ok false
// when fs sets no upper bound).
func latest(fs []TimeFilter) (time.Time, bool) { return tightest(fs, '<') }

// earliest returns the instant no time matching fs can be before (ok
// false when fs sets no lower bound).
func earliest(fs []TimeFilter) (time.Time, bool) { return tightest(fs, '>') }

// tightest returns the tightest bound fs set on op's side: with '<' the
// earliest upper bound, with '>' the latest lower one. A filter on a date
// ('=', or DateOnly) bounds by its whole UTC day.
func tightest(fs []TimeFilter, op byte) (t time.Time, ok bool) {
	for _, f := range fs {
		var b time.Time
		switch {
		case f.Op == op && !f.DateOnly:
			b = f.T
		case f.Op == op || f.Op == '=':
			ref := f.T.UTC()
			b = time.Date(ref.Year(), ref.Month(), ref.Day(), 0, 0, 0, 0, time.UTC)
			if op == '<' {
				b = b.AddDate(0, 0, 1).Add(-time.Nanosecond)
			}
		default:
			continue
		}
		if !ok || (op == '<' && b.Before(t)) || (op == '>' && b.After(t)) {
			t, ok = b, true
		}
	}
	return t, ok
}

// page returns the calls matching f from the off-th (0-based, newest
// first) on, at most n of them, and whether more match after them.
//
// It walks the smallest index the filter names (all calls, or those of
// one Status, To, From or ParentCallSid); when that index is the filter,
// it seeks straight to off. Otherwise it checks each call it walks: a
// StartTime or EndTime filter bounds the walk by creation date (a call
// starts and ends after it is created), and the page a next_page_uri
// leads to starts where the previous page ended (a cursor), as long as no
// call was created, deleted or changed status in between; without one, it
// counts off matching calls from the newest.
func (x *callIndex) page(f CallFilter, off, n int) ([]*Call, bool) {
	set, exact := &x.all, true
	// pick takes s, the calls one filter given matches (nil: none), when
	// it is smaller than the set picked so far.
	pick := func(s *seqSet[*Call]) {
		if s == nil {
			s = &seqSet[*Call]{}
		}
		if set != &x.all {
			exact = false
		}
		if set == &x.all || s.Len() < set.Len() {
			set = s
		}
	}
	if f.To != "" {
		pick(x.byTo[f.To])
	}
	if f.From != "" {
		pick(x.byFrom[f.From])
	}
	if f.ParentCallSid != "" {
		pick(x.byParent[f.ParentCallSid])
	}
	if f.Status != "" {
		pick(x.byStatus[f.Status])
	}
	if len(f.Started) > 0 || len(f.Ended) > 0 {
		exact = false
	}
	if exact {
		out, more, _ := set.page(off, 0, 0, n, nil, nil)
		return out, more
	}

	// Where the walk starts, and when it may stop.
	skip := 0
	var floor time.Time // calls created before it cannot match
	if x.monotone {
		var ceil time.Time
		hasCeil := false
		if t, ok := latest(f.Started); ok {
			ceil, hasCeil = t, true
		}
		if t, ok := latest(f.Ended); ok && (!hasCeil || t.Before(ceil)) {
			ceil, hasCeil = t, true
		}
		if hasCeil {
			skip = set.newerThan(func(c *Call) bool { return c.DateCreated.After(ceil) })
		}
		if t, ok := earliest(f.Started); ok {
			floor = t.Add(-x.startLag)
		}
		if t, ok := earliest(f.Ended); ok && t.Add(-x.endLag).After(floor) {
			floor = t.Add(-x.endLag)
		}
	}
	key, matched := f.key(), 0
	if off > 0 {
		for _, cur := range x.cursors {
			if cur.gen == x.gen && cur.off == off && cur.key == key {
				skip, matched = set.above(cur.seq), off
				break
			}
		}
	}
	older := func(c *Call) bool { return !floor.IsZero() && c.DateCreated.Before(floor) }
	out, more, next := set.page(skip, matched, off, n, older, f.match)
	if off > 0 && len(out) > 0 {
		x.remember(listCursor{gen: x.gen, key: key, off: off, seq: out[0].seq})
	}
	if more {
		x.remember(listCursor{gen: x.gen, key: key, off: off + n, seq: next.seq})
	}
	return out, more
}

// remember keeps cur among the last few cursors.
func (x *callIndex) remember(cur listCursor) {
	for i, c := range x.cursors {
		if c.key == cur.key && c.off == cur.off {
			x.cursors[i] = cur
			return
		}
	}
	x.cursors[x.nextCur] = cur
	x.nextCur = (x.nextCur + 1) % len(x.cursors)
}
