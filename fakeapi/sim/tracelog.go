package sim

import "sort"

// traceChunk is the number of entries in each chunk of the trace.
const traceChunk = 4096

// traceFirstChunk is the room the first chunk starts with: a short
// scenario's trace (a call, a hold, hang-ups) is some tens of entries.
const traceFirstChunk = 64

// traceLog holds the trace in chunks of traceChunk entries, so that it
// grows without copying what it already holds. As one slice it was copied
// whole each time it grew: with the millions of entries of a long
// `holdlab serve` run, hundreds of megabytes at once, under the fake's
// lock. The first chunk starts with room for a short scenario and grows
// like a slice; later ones are allocated whole.
//
// With a limit it is a ring: it keeps the limit's number of newest entries
// and forgets the oldest, a whole chunk of storage at a time (the chunk it
// frees is reused for the next one).
type traceLog struct {
	chunks [][]Entry // every chunk but the last holds traceChunk entries
	head   int       // entries of chunks[0] already forgotten
	limit  int       // at most this many entries; 0: no bound
	// dropped counts the entries forgotten since the engine started (by
	// the limit or by clear), so that dropped+i names the i-th entry held
	// now for as long as the engine runs (the invariant checks keep such a
	// position).
	dropped int
	spare   []Entry // a forgotten chunk, emptied, for the next one
}

// len returns the number of entries held.
func (t *traceLog) len() int {
	n := len(t.chunks)
	if n == 0 {
		return 0
	}
	return (n-1)*traceChunk + len(t.chunks[n-1]) - t.head
}

// add appends an entry, forgetting the oldest one when the limit is
// reached.
func (t *traceLog) add(en Entry) {
	*t.push() = en
	t.keepLimit()
}

// push appends a zero entry and returns it, for the caller to fill in
// place (an Entry is large to copy); keepLimit must follow.
func (t *traceLog) push() *Entry {
	n := len(t.chunks)
	switch {
	case n == 0:
		// Room for a short scenario's trace at once: from one entry,
		// doubling, it would be copied about seven times on the way.
		t.chunks = append(t.chunks, make([]Entry, 0, traceFirstChunk))
	case len(t.chunks[n-1]) == traceChunk:
		next := t.spare
		t.spare = nil
		if next == nil {
			next = make([]Entry, 0, traceChunk)
		}
		t.chunks = append(t.chunks, next)
	}
	last := &t.chunks[len(t.chunks)-1]
	*last = append(*last, Entry{})
	return &(*last)[len(*last)-1]
}

// keepLimit forgets the oldest entries beyond the limit, if there is one.
func (t *traceLog) keepLimit() {
	if t.limit > 0 {
		t.trim(t.limit)
	}
}

// trim forgets the oldest entries until at most n are held.
func (t *traceLog) trim(n int) {
	for t.len() > n {
		first := t.chunks[0]
		drop := min(t.len()-n, len(first)-t.head)
		clear(first[t.head : t.head+drop]) // let go of their texts
		t.head += drop
		t.dropped += drop
		if t.head == traceChunk { // a full chunk, never the last one
			if cap(first) == traceChunk {
				t.spare = first[:0]
			}
			t.chunks[0] = nil
			t.chunks = t.chunks[1:]
			t.head = 0
		}
	}
}

// setLimit bounds the log to n entries (0: no bound), forgetting the
// oldest ones if it holds more.
func (t *traceLog) setLimit(n int) {
	t.limit = max(n, 0)
	if t.limit > 0 {
		t.trim(t.limit)
	}
}

// clear forgets every entry.
func (t *traceLog) clear() {
	t.dropped += t.len()
	t.chunks, t.head, t.spare = nil, 0, nil
}

// at returns the i-th entry held (0-based, oldest first), for reading or
// amending.
func (t *traceLog) at(i int) *Entry {
	j := t.head + i
	return &t.chunks[j/traceChunk][j%traceChunk]
}

// after returns the position of the first entry held whose Seq is greater
// than seq (len() if there is none). Seqs only grow along the log.
func (t *traceLog) after(seq uint64) int {
	return sort.Search(t.len(), func(i int) bool { return t.at(i).Seq > seq })
}

// from returns a copy of the entries from the i-th on; nil if there are
// none.
func (t *traceLog) from(i int) []Entry {
	n := t.len()
	if i >= n {
		return nil
	}
	out := make([]Entry, 0, n-i)
	j := t.head + i
	for c := j / traceChunk; c < len(t.chunks); c++ {
		chunk := t.chunks[c]
		if c == j/traceChunk {
			chunk = chunk[j%traceChunk:]
		}
		out = append(out, chunk...)
	}
	return out
}
