package sim

// seqSet is an ordered set of items keyed by a unique uint64 (a creation
// sequence number), with order statistics: insert, delete, and seeking to
// the k-th item newest first all cost O(log n). It is a treap whose
// priorities are a hash of the key, so its shape, like everything in the
// engine, is deterministic. The engine's lists page through it (call_index.go):
// a page costs O(log n + page size), however long the history.
type seqSet[T any] struct {
	root *seqNode[T]
}

type seqNode[T any] struct {
	key         uint64
	prio        uint64
	size        int
	left, right *seqNode[T]
	v           T
}

func (n *seqNode[T]) count() int {
	if n == nil {
		return 0
	}
	return n.size
}

func (n *seqNode[T]) fix() { n.size = 1 + n.left.count() + n.right.count() }

// seqPrio is splitmix64 of the key: random-looking, reproducible priorities.
func seqPrio(k uint64) uint64 {
	k += 0x9e3779b97f4a7c15
	k = (k ^ (k >> 30)) * 0xbf58476d1ce4e5b9
	k = (k ^ (k >> 27)) * 0x94d049bb133111eb
	return k ^ (k >> 31)
}

// split cuts n into the keys below k and those at or above it.
func seqSplit[T any](n *seqNode[T], k uint64) (lo, hi *seqNode[T]) {
	if n == nil {
		return nil, nil
	}
	if n.key < k {
		n.right, hi = seqSplit(n.right, k)
		n.fix()
		return n, hi
	}
	lo, n.left = seqSplit(n.left, k)
	n.fix()
	return lo, n
}

// merge joins lo and hi, every key of lo being below every key of hi.
func seqMerge[T any](lo, hi *seqNode[T]) *seqNode[T] {
	switch {
	case lo == nil:
		return hi
	case hi == nil:
		return lo
	case lo.prio > hi.prio:
		lo.right = seqMerge(lo.right, hi)
		lo.fix()
		return lo
	}
	hi.left = seqMerge(lo, hi.left)
	hi.fix()
	return hi
}

// Len returns the number of items.
func (s *seqSet[T]) Len() int { return s.root.count() }

// insert adds v under key k, which must not be in the set.
func (s *seqSet[T]) insert(k uint64, v T) {
	lo, hi := seqSplit(s.root, k)
	s.root = seqMerge(seqMerge(lo, &seqNode[T]{key: k, prio: seqPrio(k), size: 1, v: v}), hi)
}

// take removes key k and returns its node, to insert again (insertNode);
// nil if k is not in the set.
func (s *seqSet[T]) take(k uint64) *seqNode[T] {
	lo, rest := seqSplit(s.root, k)
	mid, hi := seqSplit(rest, k+1)
	s.root = seqMerge(lo, hi)
	return mid
}

// insertNode adds n, a node take returned, whose key must not be in the
// set: insert without allocating.
func (s *seqSet[T]) insertNode(n *seqNode[T]) {
	n.left, n.right, n.size = nil, nil, 1
	lo, hi := seqSplit(s.root, n.key)
	s.root = seqMerge(seqMerge(lo, n), hi)
}

// delete removes key k, if present.
func (s *seqSet[T]) delete(k uint64) {
	lo, rest := seqSplit(s.root, k)
	_, hi := seqSplit(rest, k+1)
	s.root = seqMerge(lo, hi)
}

// above counts the keys above k.
func (s *seqSet[T]) above(k uint64) int {
	n, c := s.root, 0
	for n != nil {
		if n.key > k {
			c += 1 + n.right.count()
			n = n.left
		} else {
			n = n.right
		}
	}
	return c
}

// newerThan counts, newest first, the items for which tooNew holds. tooNew
// must hold for the newest items and not for the others (true, then
// false, in descending key order).
func (s *seqSet[T]) newerThan(tooNew func(T) bool) int {
	n, c := s.root, 0
	for n != nil {
		if tooNew(n.v) {
			c += 1 + n.right.count()
			n = n.left
		} else {
			n = n.right
		}
	}
	return c
}

// descend calls fn with the items newest first (descending keys), after
// skipping the first skip of them, until fn returns false.
func (s *seqSet[T]) descend(skip int, fn func(T) bool) {
	seqDescend(s.root, skip, fn)
}

func seqDescend[T any](n *seqNode[T], skip int, fn func(T) bool) bool {
	for n != nil {
		r := n.right.count()
		if skip > r {
			skip -= r + 1
			n = n.left
			continue
		}
		if skip < r && !seqDescend(n.right, skip, fn) {
			return false
		}
		if !fn(n.v) {
			return false
		}
		skip = 0
		n = n.left
	}
	return true
}

// page walks the items newest first, after skipping the first skip of
// them, and gathers a page: the items match accepts (every item, when
// match is nil) are counted off until matched reaches off, then up to n
// are kept. The walk ends at the first item older accepts (none older
// can match; nil: none). It returns the page, whether another match
// follows it, and that match.
func (s *seqSet[T]) page(skip, matched, off, n int, older, match func(T) bool) (out []T, more bool, next T) {
	s.descend(skip, func(v T) bool {
		if older != nil && older(v) {
			return false
		}
		if match != nil && !match(v) {
			return true
		}
		if matched < off {
			matched++
			return true
		}
		if len(out) == n {
			more, next = true, v
			return false
		}
		out = append(out, v)
		return true
	})
	return out, more, next
}

// ascend calls fn with every item, oldest first, until fn returns false.
func (s *seqSet[T]) ascend(fn func(T) bool) { seqAscend(s.root, fn) }

func seqAscend[T any](n *seqNode[T], fn func(T) bool) bool {
	for n != nil {
		if !seqAscend(n.left, fn) || !fn(n.v) {
			return false
		}
		n = n.right
	}
	return true
}
