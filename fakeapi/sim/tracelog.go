package sim

// traceChunk is the number of entries in each chunk of the trace.
const traceChunk = 4096

// traceLog holds the trace in chunks of traceChunk entries, so that it
// grows without copying what it already holds. As one slice it was copied
// whole each time it grew: with the millions of entries of a long
// `holdlab serve` run, hundreds of megabytes at once, under the fake's
// lock. The first chunk grows like a slice (a short scenario pays for what
// it uses); later ones are allocated whole.
type traceLog struct {
	chunks [][]Entry // every chunk but the last holds traceChunk entries
}

// len returns the number of entries.
func (t *traceLog) len() int {
	n := len(t.chunks)
	if n == 0 {
		return 0
	}
	return (n-1)*traceChunk + len(t.chunks[n-1])
}

// add appends an entry.
func (t *traceLog) add(en Entry) {
	n := len(t.chunks)
	switch {
	case n == 0:
		t.chunks = append(t.chunks, nil)
	case len(t.chunks[n-1]) == traceChunk:
		t.chunks = append(t.chunks, make([]Entry, 0, traceChunk))
	}
	last := &t.chunks[len(t.chunks)-1]
	*last = append(*last, en)
}

// at returns the i-th entry (0-based), for reading or amending.
func (t *traceLog) at(i int) *Entry { return &t.chunks[i/traceChunk][i%traceChunk] }

// from returns a copy of the entries from the i-th on; nil if there are
// none.
func (t *traceLog) from(i int) []Entry {
	n := t.len()
	if i >= n {
		return nil
	}
	out := make([]Entry, 0, n-i)
	for c := i / traceChunk; c < len(t.chunks); c++ {
		chunk := t.chunks[c]
		if c == i/traceChunk {
			chunk = chunk[i%traceChunk:]
		}
		out = append(out, chunk...)
	}
	return out
}
