package sim

import (
	"sort"
	"time"
)

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
	chunks [][]traceEntry // every chunk but the last holds traceChunk entries
	head   int            // entries of chunks[0] already forgotten
	limit  int            // at most this many entries; 0: no bound
	// dropped counts the entries forgotten since the engine started (by
	// the limit or by clear), so that dropped+i names the i-th entry held
	// now for as long as the engine runs (the invariant checks keep such a
	// position).
	dropped int
	spare   []traceEntry // a forgotten chunk, emptied, for the next one
	// names holds the kinds and causes that are not among traceNames (a
	// cause made of a QueueResult, …): their index is len(traceNames)
	// plus their position here.
	names []string
	// bigCodes holds, by Seq, the codes that do not fit in an int32.
	bigCodes map[uint64]int
}

// traceEntry is an Entry as the log holds it: its kind and cause are
// indexes of their names, its code an int32, so that it takes 120 bytes
// instead of 152. A short scenario's trace is most of what it allocates.
type traceEntry struct {
	seq     uint64
	at      time.Time
	call    string
	text    string
	other   string
	room    *RoomRef
	hearing *Hearing
	webhook *WebhookRef
	rest    *RESTRef
	code    int32
	kind    uint16
	cause   uint16
}

// traceNames are the names of the entries' kinds and causes the log
// knows, by their index ("" first, for none).
var traceNames = []string{"",
	string(KindStatus), string(KindHears), string(KindVerb), string(KindDial), string(KindWebhook),
	string(KindREST), string(KindPhone), string(KindWarning), string(KindError), string(KindConf),
	string(KindQueue), string(KindFault), string(KindRecording),
	string(CauseIncoming), string(CauseRinging), string(CausePhoneAnswered), string(CauseTwiMLAnswered),
	string(CauseAnswerOnBridge), string(CauseLoopAnswered), string(CauseHangup), string(CauseHangupByREST),
	string(CauseCanceledByREST), string(CauseRedirectedByREST), string(CauseKickedByREST),
	string(CauseParentRedirected), string(CauseChildRedirected), string(CauseParentHungUp),
	string(CauseDialEnded), string(CauseOtherAnswered), string(CauseTimeout), string(CauseTimeLimit),
	string(CauseHangupOnStar), string(CauseBusy), string(CauseUnreachable), string(CauseTwiMLHangup),
	string(CauseOutOfVerbs), string(CauseNoTwiML), string(CauseApplicationError), string(CauseDialingLoop),
	string(CauseOtherSideEnded), string(CauseConferenceEnded), string(CauseBridgeEnded), string(CauseDequeued),
	string(CauseQueueFull), string(CauseLeave), string(CauseError), string(CauseNoRoom),
	string(CauseBridgingInProcess), string(CauseRestored),
	EndedViaAPI, EndedLastKicked, EndedLastLeft, EndedModeratorKicked, EndedModeratorLeft,
}

// traceNameIndex is the index of each of traceNames.
var traceNameIndex = func() map[string]uint16 {
	m := make(map[string]uint16, len(traceNames))
	for i, n := range traceNames {
		m[n] = uint16(i)
	}
	return m
}()

// nameIndex returns the index of a kind's or cause's name, adding it to
// the log's own names if it is not among traceNames.
func (t *traceLog) nameIndex(name string) uint16 {
	if name == "" {
		return 0
	}
	if i, ok := traceNameIndex[name]; ok {
		return i
	}
	for i, n := range t.names {
		if n == name {
			return uint16(len(traceNames) + i)
		}
	}
	t.names = append(t.names, name)
	return uint16(len(traceNames) + len(t.names) - 1)
}

// name returns the name of index i.
func (t *traceLog) name(i uint16) string {
	if int(i) < len(traceNames) {
		return traceNames[i]
	}
	return t.names[int(i)-len(traceNames)]
}

// set fills te with en's fields.
func (t *traceLog) set(te *traceEntry, en *Entry) {
	*te = traceEntry{
		seq: en.Seq, at: en.At, call: en.Call, text: en.Text, other: en.Other,
		room: en.Room, hearing: en.Hearing, webhook: en.Webhook, rest: en.REST,
		kind: t.nameIndex(string(en.Kind)), cause: t.nameIndex(string(en.Cause)),
	}
	t.setCode(te, en.Code)
}

// setCode sets te's code.
func (t *traceLog) setCode(te *traceEntry, code int) {
	te.code = int32(code)
	if int(te.code) != code {
		if t.bigCodes == nil {
			t.bigCodes = make(map[uint64]int)
		}
		t.bigCodes[te.seq] = code
	}
}

// entry returns te as an Entry.
func (t *traceLog) entry(te *traceEntry) Entry {
	en := Entry{
		Seq: te.seq, At: te.at, Call: te.call, Kind: EntryKind(t.name(te.kind)), Code: int(te.code), Text: te.text,
		Other: te.other, Room: te.room, Hearing: te.hearing, Cause: Cause(t.name(te.cause)), Webhook: te.webhook, REST: te.rest,
	}
	if code, ok := t.bigCodes[te.seq]; ok && int32(code) == te.code {
		en.Code = code
	}
	return en
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
	t.set(t.push(), &en)
	t.keepLimit()
}

// push appends a zero entry and returns it, for the caller to fill in
// place (an Entry is large to copy); keepLimit must follow.
func (t *traceLog) push() *traceEntry {
	n := len(t.chunks)
	switch {
	case n == 0:
		// Room for a short scenario's trace at once: from one entry,
		// doubling, it would be copied about seven times on the way.
		t.chunks = append(t.chunks, make([]traceEntry, 0, traceFirstChunk))
	case len(t.chunks[n-1]) == traceChunk:
		next := t.spare
		t.spare = nil
		if next == nil {
			next = make([]traceEntry, 0, traceChunk)
		}
		t.chunks = append(t.chunks, next)
	}
	last := &t.chunks[len(t.chunks)-1]
	*last = append(*last, traceEntry{})
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
func (t *traceLog) at(i int) *traceEntry {
	j := t.head + i
	return &t.chunks[j/traceChunk][j%traceChunk]
}

// after returns the position of the first entry held whose Seq is greater
// than seq (len() if there is none). Seqs only grow along the log.
func (t *traceLog) after(seq uint64) int {
	return sort.Search(t.len(), func(i int) bool { return t.at(i).seq > seq })
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
		for k := range chunk {
			out = append(out, t.entry(&chunk[k]))
		}
	}
	return out
}
