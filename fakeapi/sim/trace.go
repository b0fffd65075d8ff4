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
	// Hearing is what the party now hears, on KindHears entries.
	Hearing *Hearing
	// Cause says why a status changed, a leg left a room, or a <Dial> or a
	// conference ended.
	Cause Cause
	// Webhook is the request to the app and its answer, on the
	// KindWebhook entry of each request.
	Webhook *WebhookRef
	// REST is the REST request the entry is the effect of.
	REST *RESTRef
}

// Trace returns every entry so far, in order.
func (e *Engine) Trace() []Entry { return e.trace.from(0) }

// TraceSince returns the entries with Seq greater than seq.
func (e *Engine) TraceSince(seq uint64) []Entry {
	i := e.trace.len()
	for i > 0 && e.trace.at(i-1).Seq > seq {
		i--
	}
	return e.trace.from(i)
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
	e.seq++
	sid := ""
	if c != nil {
		sid = c.Sid
	}
	en := Entry{Seq: e.seq, At: e.now, Call: sid, Kind: kind, Code: code, Text: text}
	f.fill(&en)
	e.trace.add(en)
	if l := e.cfg.Logger; l != nil && l.Enabled(context.Background(), slog.LevelDebug) {
		l.Debug(text, "call", sid, "kind", string(kind), "at", Offset(e.now.Sub(e.start)))
	}
}

// name renders a call for the trace: "CA..0002 (agent)".
func (e *Engine) name(c *Call) string {
	if c == nil {
		return "-"
	}
	if c.label != "" {
		return wire.Short(c.Sid) + " (" + c.label + ")"
	}
	return wire.Short(c.Sid)
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
	var c *Call
	if callSid != "" {
		c = e.calls[callSid]
	}
	e.traceCode(c, KindFault, code, "%s", text)
	if c == nil && callSid != "" {
		e.trace.at(e.trace.len() - 1).Call = callSid
	}
}
