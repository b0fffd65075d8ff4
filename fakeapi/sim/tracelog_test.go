package sim

import (
	"slices"
	"testing"
)

// The chunked trace keeps every entry, in order, across chunk boundaries.
func TestTraceLog(t *testing.T) {
	var log traceLog
	var want []Entry
	for _, n := range []int{0, 1, traceChunk - 1, 1, 1, traceChunk, 3} {
		for range n {
			en := Entry{Seq: uint64(len(want) + 1)}
			log.add(en)
			want = append(want, en)
		}
		if log.len() != len(want) {
			t.Fatalf("len %d, want %d", log.len(), len(want))
		}
		for _, i := range []int{0, 1, len(want) / 2, max(len(want)-1, 0), len(want)} {
			if got, w := log.from(i), want[min(i, len(want)):]; !slices.Equal(got, w) || (len(w) == 0) != (got == nil) {
				t.Fatalf("from(%d) of %d: %d entries, want %d", i, len(want), len(got), len(w))
			}
			if i < len(want) && log.at(i).Seq != want[i].Seq {
				t.Fatalf("at(%d) = %d, want %d", i, log.at(i).Seq, want[i].Seq)
			}
		}
	}
}
