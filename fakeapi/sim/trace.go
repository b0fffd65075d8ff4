package sim

import (
	"context"
	"fmt"
	"github.com/holdlab/holdlab/fakeapi/wire"
	"io"
	"log/slog"
	"strings"
	"time"
)

// EntryKind classifies a trace entry.
type EntryKind string

// Kinds of trace entries.
const (
	KindStatus  EntryKind = "status"  // a call's status changed
	KindHears   EntryKind = "hears"   // what a party hears changed
	KindVerb    EntryKind = "verb"    // the interpreter ran a verb
	KindDial    EntryKind = "dial"    // a <Dial> began, bridged or ended
	KindWebhook EntryKind = "webhook" // a request to the app and its answer
	KindREST    EntryKind = "rest"    // a REST request changed something
	KindPhone   EntryKind = "phone"   // a simulated phone acted
	KindWarning EntryKind = "warning" // a Twilio warning (12200 ...)
	KindError   EntryKind = "error"   // a Twilio error (11200, 12100 ...)
	KindConf    EntryKind = "conf"    // a conference or one of its participants changed
	KindQueue   EntryKind = "queue"   // a queue or one of its members changed
	// KindFault marks a fault a test injected: a REST request the fake
	// answered with an error or a delay on purpose (NoteFault).
	KindFault EntryKind = "fault"
	// KindRecording: a recording started, was paused, resumed or ended
	// (recording.go).
	KindRecording EntryKind = "record"
)

// Entry is one line of the trace.
type Entry struct {
	Seq  uint64
	At   time.Time
	Call string // the call SID it concerns, or ""
	Kind EntryKind
	Code int // Twilio error or warning code, if any
	Text string

	// The typed fields say what Text says, for programs; each is set only
	// on the entries it concerns (tracefacts.go).

	// Other is the counterpart leg, where there is one: the child a <Dial>
	// dials or bridges with, the leg that takes a caller from a queue, …
	Other string
	// Room is the conference or queue the entry is about. Entries may
	// share one: never modify it.
	Room *RoomRef
	// Hearing is what the party now hears, on KindHears entries. Entries
	// may share one: never modify it.
	Hearing *Hearing
	// Cause says why a status changed, a leg left a room, or a <Dial> or a
	// conference ended.
	Cause Cause
	// Webhook is the request to the app and its answer, on the
	// KindWebhook entry of each request.
	Webhook *WebhookRef
	// REST is the REST request the entry is the effect of. Entries may
	// share one: never modify it.
	REST *RESTRef
}

// Trace returns every entry the trace holds, in order: every entry so far,
// unless Config.TraceLimit made it forget the oldest or ClearTrace emptied
// it.
func (e *Engine) Trace() []Entry { return e.trace.from(0) }

// TraceSince returns the entries held with Seq greater than seq.
func (e *Engine) TraceSince(seq uint64) []Entry { return e.trace.from(e.trace.after(seq)) }

// TraceLen returns the number of entries the trace holds.
func (e *Engine) TraceLen() int { return e.trace.len() }

// LastSeq returns the Seq of the newest entry so far, held or not (0 before
// the first). Seqs go on growing after ClearTrace.
func (e *Engine) LastSeq() uint64 { return e.seq }

// ClearTrace forgets every entry of the trace. Seqs are not reused: the
// next entry's Seq follows the last one's.
func (e *Engine) ClearTrace() { e.trace.clear() }

// TraceFilter selects entries of the trace for TracePage.
type TraceFilter struct {
	// After and Through bound the entries' Seq: greater than After, and at
	// most Through (0: no upper bound).
	After, Through uint64
	// Call, if not empty, keeps only the entries about that call SID.
	Call string
}

// tracePageScan bounds how many entries one TracePage looks at, so that a
// filter that matches few entries of a long trace does not hold the
// caller's lock for long.
const tracePageScan = 16 << 10

// TracePage appends to buf at most max entries held that f selects (max ≤
// 0: 256), oldest first, and returns them with the Seq to continue after
// (the next page is the one with After set to it) and whether no entry f
// selects is left. It looks at a bounded number of entries, so a page may
// be empty without being the last. Callers that stream a long trace take
// it one page at a time without holding the engine in between.
func (e *Engine) TracePage(buf []Entry, f TraceFilter, max int) (page []Entry, next uint64, done bool) {
	if max <= 0 {
		max = 256
	}
	next = f.After
	n := e.trace.len()
	i := e.trace.after(f.After)
	for scanned := 0; i < n && len(buf) < max && scanned < tracePageScan; i, scanned = i+1, scanned+1 {
		en := e.trace.at(i)
		if f.Through != 0 && en.seq > f.Through {
			return buf, next, true
		}
		next = en.seq
		if f.Call == "" || en.call == f.Call {
			buf = append(buf, e.trace.entry(en))
		}
	}
	done = i >= n || (f.Through != 0 && e.trace.at(i).seq > f.Through)
	return buf, next, done
}

// WriteTrace renders entries for people, one per line, with times as offsets
// from start:
//
//	00:00:02.000  CA..0002  status   CA..0002 (agent) ringing -> in-progress: the phone answered
func WriteTrace(w io.Writer, start time.Time, entries []Entry) error {
	for _, en := range entries {
		call := wire.Short(en.Call)
		if call == "" {
			call = "-"
		}
		if _, err := fmt.Fprintf(w, "%s  %-8s  %-7s  %s\n", Offset(en.At.Sub(start)), call, en.Kind, en.Text); err != nil {
			return fmt.Errorf("write trace: %w", err)
		}
	}
	return nil
}

// Offset renders a duration as HH:MM:SS.mmm.
func Offset(d time.Duration) string {
	if d < 0 {
		d = 0
	}
	ms := d.Milliseconds()
	return fmt.Sprintf("%02d:%02d:%02d.%03d", ms/3600000, ms/60000%60, ms/1000%60, ms%1000)
}

func (e *Engine) tracef(c *Call, kind EntryKind, format string, args ...any) {
	e.traceCode(c, kind, 0, format, args...)
}

func (e *Engine) traceCode(c *Call, kind EntryKind, code int, format string, args ...any) {
	e.traceText(c, kind, code, fmt.Sprintf(format, args...), facts{})
}

// traceText adds an entry whose text is already rendered. The most frequent
// entries (what a party hears, status changes, webhooks) build their text
// by concatenation, which costs a fraction of fmt.Sprintf. f are its
// typed fields.
func (e *Engine) traceText(c *Call, kind EntryKind, code int, text string, f facts) {
	sid := ""
	if c != nil {
		sid = c.Sid
	}
	e.traceSid(sid, kind, code, text, f)
}

// traceSid adds an entry about the call sid ("" for none), whether or not
// the engine knows that call; f are its typed fields.
func (e *Engine) traceSid(sid string, kind EntryKind, code int, text string, f facts) {
	e.seq++
	en := e.trace.push()
	en.seq, en.at, en.call, en.text = e.seq, e.now, sid, text
	en.kind = e.trace.nameIndex(string(kind))
	e.trace.setCode(en, code)
	f.fill(&e.trace, en)
	e.trace.keepLimit()
	if e.cfg.OnTrace != nil {
		e.cfg.OnTrace()
	}
	if l := e.cfg.Logger; l != nil && l.Enabled(context.Background(), slog.LevelDebug) {
		l.Debug(text, "call", sid, "kind", string(kind), "at", Offset(e.now.Sub(e.start)))
	}
}

// name renders a call for the trace: "CA..0002 (agent)".
func (e *Engine) name(c *Call) string {
	if c == nil {
		return "-"
	}
	// A phone attached later may give the call a label: the name is
	// rendered again when it changed.
	if c.shown == "" || c.shownFor != c.label {
		var buf [96]byte
		c.shown, c.shownFor = string(e.appendName(buf[:0], c)), c.label
	}
	return c.shown
}

// appendName appends e.name(c) to dst.
func (e *Engine) appendName(dst []byte, c *Call) []byte {
	if c == nil {
		return append(dst, '-')
	}
	dst = appendShort(dst, c.Sid)
	if c.label != "" {
		dst = append(dst, " ("...)
		dst = append(dst, c.label...)
		dst = append(dst, ')')
	}
	return dst
}

// actionFlag renders a verb's action attribute in its trace line.
func actionFlag(action string) string {
	if action == "" {
		return "no action"
	}
	return "action " + action
}

func quoteShort(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > n {
		s = s[:n] + "…"
	}
	return fmt.Sprintf("%q", s)
}

// NoteFault records in the trace that an injected fault answered a
// request, with the Twilio error code it answered (0 for a delay alone).
// callSid names the call the request was about, if any.
func (e *Engine) NoteFault(callSid string, code int, text string) {
	e.traceSid(callSid, KindFault, code, text, facts{})
}
