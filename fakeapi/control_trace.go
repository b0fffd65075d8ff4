package fakeapi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/holdlab/holdlab/fakeapi/sim"
	"github.com/holdlab/holdlab/fakeapi/wire"
)

// The trace, in the Go face and the HTTP face of the control API. Both read
// it a page at a time (sim.Engine.TracePage) and write each page with the
// fake's lock released, so a long trace costs one page of memory per
// reader and a slow reader holds up no one.

// tracePage is how many entries a reader of the trace takes at a time.
const tracePage = 512

// Trace returns the trace the fake holds (Options.TraceLimit bounds it).
func (f *Fake) Trace() []sim.Entry {
	var t []sim.Entry
	f.View(func(e *sim.Engine) { t = e.Trace() })
	return t
}

// WriteTrace renders the trace for people.
func (f *Fake) WriteTrace(w io.Writer) error {
	return f.streamTrace(context.Background(), sim.TraceFilter{}, func(start time.Time, page []sim.Entry) error {
		return sim.WriteTrace(w, start, page)
	})
}

// ClearTrace forgets the trace (the hearing history of each call stays).
// Entries that follow go on numbering from where the trace was.
func (f *Fake) ClearTrace() {
	f.View(func(e *sim.Engine) { e.ClearTrace() })
}

// streamTrace hands emit the entries that filter selects, a page at a
// time, up to the newest entry there was when it began (a trace that keeps
// growing does not keep it going). It stops when ctx ends or emit fails.
// Entries that Options.TraceLimit makes the fake forget while it reads are
// skipped.
func (f *Fake) streamTrace(ctx context.Context, filter sim.TraceFilter, emit func(start time.Time, page []sim.Entry) error) error {
	var start time.Time
	f.View(func(e *sim.Engine) { start, filter.Through = e.Start(), e.LastSeq() })
	if filter.Through <= filter.After {
		return nil // nothing yet, or nothing new (Through 0 would mean no bound)
	}
	buf := make([]sim.Entry, 0, tracePage)
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		var page []sim.Entry
		var done bool
		f.View(func(e *sim.Engine) { page, filter.After, done = e.TracePage(buf[:0], filter, tracePage) })
		if len(page) > 0 {
			if err := emit(start, page); err != nil {
				return err
			}
		}
		if done {
			return nil
		}
	}
}

// entryJSON is a trace entry on the control API's wire: the line for
// people (text) and, where the entry has them, its typed fields for
// programs.
type entryJSON struct {
	Seq     uint64       `json:"seq"`
	At      string       `json:"at"`
	Offset  string       `json:"offset"`
	Call    string       `json:"call_sid,omitempty"`
	Kind    string       `json:"kind"`
	Code    int          `json:"code,omitempty"`
	Text    string       `json:"text"`
	Other   string       `json:"other_call_sid,omitempty"`
	Room    *roomJSON    `json:"room,omitempty"`
	Hearing *hearingJSON `json:"hearing,omitempty"`
	Cause   string       `json:"cause,omitempty"`
	Webhook *webhookJSON `json:"webhook,omitempty"`
	REST    *restJSON    `json:"rest,omitempty"`
}

// roomJSON is the conference or queue a trace entry is about.
type roomJSON struct {
	Kind   string `json:"kind"`
	Name   string `json:"friendly_name"`
	Sid    string `json:"sid,omitempty"`
	Status string `json:"status,omitempty"`
}

// webhookJSON is the request to the app a trace entry records.
type webhookJSON struct {
	Purpose     string `json:"purpose"`
	Method      string `json:"method"`
	URL         string `json:"url"`
	StatusCode  int    `json:"status_code,omitempty"`
	ContentType string `json:"content_type,omitempty"`
}

// restJSON is the REST request a trace entry records.
type restJSON struct {
	Method string `json:"method"`
	Path   string `json:"path"`
}

func toEntryJSON(start time.Time, en sim.Entry) entryJSON {
	out := entryJSON{Seq: en.Seq, At: en.At.UTC().Format(time.RFC3339Nano), Offset: sim.Offset(en.At.Sub(start)),
		Call: en.Call, Kind: string(en.Kind), Code: en.Code, Text: en.Text, Other: en.Other, Cause: string(en.Cause)}
	if r := en.Room; r != nil {
		out.Room = &roomJSON{Kind: string(r.Kind), Name: r.Name, Sid: r.Sid, Status: string(r.Status)}
	}
	if h := en.Hearing; h != nil {
		hj := toHearingJSON(*h)
		out.Hearing = &hj
	}
	if w := en.Webhook; w != nil {
		out.Webhook = &webhookJSON{Purpose: w.Purpose, Method: w.Method, URL: w.URL, StatusCode: w.StatusCode, ContentType: w.ContentType}
	}
	if r := en.REST; r != nil {
		out.REST = &restJSON{Method: r.Method, Path: r.Path}
	}
	return out
}

// traceQuery reads GET /holdlab/trace's parameters: format (json or text),
// since (a Seq: the entries after it) and call (a call SID).
func traceQuery(r *http.Request) (filter sim.TraceFilter, text bool, err error) {
	q := r.URL.Query()
	switch q.Get("format") {
	case "", "json":
	case "text":
		text = true
	default:
		return filter, false, wire.BadRequest(fmt.Sprintf("format %q: want json or text", q.Get("format")))
	}
	if s := q.Get("since"); s != "" {
		if filter.After, err = strconv.ParseUint(s, 10, 64); err != nil {
			return filter, false, wire.BadRequest(fmt.Sprintf("since %q: want the seq of a trace entry (a whole number)", s))
		}
	}
	if c := q.Get("call"); c != "" {
		if !wire.ValidSID("CA", c) {
			return filter, false, wire.BadRequest(fmt.Sprintf("call %q: want a call SID (CA and 32 hex digits)", c))
		}
		filter.Call = c
	}
	return filter, text, nil
}

// ctlTrace is GET /holdlab/trace: {"entries":[…]} or, with format=text,
// the trace for people, streamed as it is read (chunked: no length is
// known in advance). Once the first page is written, a failure can only
// cut the body short.
func (f *Fake) ctlTrace(w http.ResponseWriter, r *http.Request) error {
	filter, text, err := traceQuery(r)
	if err != nil {
		return err
	}
	rc := http.NewResponseController(w)
	flush := func() error {
		if err := rc.Flush(); err != nil && !errors.Is(err, http.ErrNotSupported) {
			return fmt.Errorf("trace: %w", err)
		}
		return nil
	}
	if text {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.WriteHeader(http.StatusOK)
		_ = f.streamTrace(r.Context(), filter, func(start time.Time, page []sim.Entry) error {
			if err := sim.WriteTrace(w, start, page); err != nil {
				return err
			}
			return flush()
		})
		return nil
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(http.StatusOK)
	// One buffer for the whole stream, and an encoder that writes into
	// it: a reader of a long trace makes little garbage.
	var out bytes.Buffer
	enc := json.NewEncoder(&out)
	out.WriteString(`{"entries":[`)
	first := true
	err = f.streamTrace(r.Context(), filter, func(start time.Time, page []sim.Entry) error {
		for _, en := range page {
			if !first {
				out.WriteByte(',')
			}
			first = false
			if err := enc.Encode(toEntryJSON(start, en)); err != nil {
				return fmt.Errorf("trace entry %d: %w", en.Seq, err)
			}
			out.Truncate(out.Len() - 1) // the encoder's newline
		}
		if _, err := w.Write(out.Bytes()); err != nil {
			return fmt.Errorf("trace: %w", err)
		}
		out.Reset()
		return flush()
	})
	if err == nil {
		out.WriteString("]}\n")
		_, _ = w.Write(out.Bytes())
	}
	return nil
}

// ctlClearTrace is DELETE /holdlab/trace.
func (f *Fake) ctlClearTrace(w http.ResponseWriter, _ *http.Request) error {
	f.ClearTrace()
	w.WriteHeader(http.StatusNoContent)
	return nil
}
