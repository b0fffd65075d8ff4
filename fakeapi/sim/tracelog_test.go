package sim

import (
	"slices"
	"testing"
	"time"
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
			if i < len(want) && log.at(i).seq != want[i].Seq {
				t.Fatalf("at(%d) = %d, want %d", i, log.at(i).seq, want[i].Seq)
			}
		}
	}
}

// With a limit the log keeps the newest entries, in order, whatever the
// limit is against the chunk size, and finds them by Seq.
func TestTraceLogRing(t *testing.T) {
	for _, limit := range []int{1, 5, traceChunk - 1, traceChunk, traceChunk + 3, 3 * traceChunk} {
		var log traceLog
		log.setLimit(limit)
		total := 4*traceChunk + 17
		for i := range total {
			log.add(Entry{Seq: uint64(i + 1)})
			if want := min(i+1, limit); log.len() != want {
				t.Fatalf("limit %d, after %d adds: len %d, want %d", limit, i+1, log.len(), want)
			}
		}
		got := log.from(0)
		for i, en := range got {
			if want := uint64(total - limit + i + 1); en.Seq != want {
				t.Fatalf("limit %d: entry %d has Seq %d, want %d", limit, i, en.Seq, want)
			}
		}
		if log.dropped != total-limit {
			t.Errorf("limit %d: dropped %d, want %d", limit, log.dropped, total-limit)
		}
		if len(log.chunks) > limit/traceChunk+2 {
			t.Errorf("limit %d: %d chunks held", limit, len(log.chunks))
		}
		first := uint64(total - limit + 1)
		for _, seq := range []uint64{0, first - 1, first, first + uint64(limit)/2, uint64(total)} {
			i := log.after(seq)
			if want := int(max(seq, first-1) - (first - 1)); i != want {
				t.Errorf("limit %d: after(%d) = %d, want %d", limit, seq, i, want)
			}
		}
	}
}

// Clearing forgets every entry; adding goes on.
func TestTraceLogClear(t *testing.T) {
	var log traceLog
	for i := range traceChunk + 10 {
		log.add(Entry{Seq: uint64(i + 1)})
	}
	log.clear()
	if log.len() != 0 || log.from(0) != nil || log.dropped != traceChunk+10 {
		t.Fatalf("after clear: len %d, dropped %d", log.len(), log.dropped)
	}
	log.add(Entry{Seq: 99})
	if got := log.from(0); len(got) != 1 || got[0].Seq != 99 {
		t.Fatalf("after clear and add: %v", got)
	}
}

// The log gives back every field of the entries it was given, whatever
// their kind, cause and code: known names, names it has never seen, codes
// beyond an int32.
func TestTraceLogKeepsEveryField(t *testing.T) {
	at := time.Date(2025, 1, 2, 3, 4, 5, 6, time.UTC)
	room, hearing := &RoomRef{Kind: RoomQueue, Name: "q"}, &Hearing{Kind: HearMedia}
	webhook, rest := &WebhookRef{Purpose: "voice url"}, &RESTRef{Method: "POST", Path: "/Calls"}
	tests := []struct {
		name string
		en   Entry
	}{
		{"empty", Entry{Seq: 1}},
		{"known kind and cause", Entry{Seq: 2, At: at, Call: "CA1", Kind: KindConf, Code: 11200, Text: "t",
			Other: "CA2", Room: room, Hearing: hearing, Cause: CauseHangup, Webhook: webhook, REST: rest}},
		{"queue result as cause", Entry{Seq: 3, Kind: KindQueue, Cause: Cause("bridged")}},
		{"conference ended", Entry{Seq: 4, Kind: KindConf, Cause: EndedLastLeft}},
		{"unknown kind", Entry{Seq: 5, Kind: EntryKind("other"), Cause: Cause("bridged")}},
		{"big code", Entry{Seq: 6, Kind: KindError, Code: 1 << 40}},
		{"negative code", Entry{Seq: 7, Kind: KindFault, Code: -3}},
	}
	var log traceLog
	for _, tt := range tests {
		log.add(tt.en)
	}
	got := log.from(0)
	for i, tt := range tests {
		if got[i] != tt.en {
			t.Errorf("%s: got %+v, want %+v", tt.name, got[i], tt.en)
		}
	}
}
