package fakeapi

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"strings"
	"time"

	"github.com/holdlab/holdlab/fakeapi/sim"
	"github.com/holdlab/holdlab/fakeapi/wire"
)

// --- the Go face of the control API ---

// PlaceCall makes a phone of the outside world (from) call one of the
// account's numbers (to). It returns the new inbound call's SID once the
// engine has run what that makes due (the VoiceUrl webhook, typically).
func (f *Fake) PlaceCall(from, to string) (string, error) {
	var sid string
	err := f.Do(func(e *sim.Engine) error {
		c, err := e.PlaceCall(from, to)
		if err == nil {
			sid = c.Sid
		}
		return err
	})
	return sid, err
}

// SetPhone scripts the phone at address (a number, client:name or sip:uri
// the account does not own).
func (f *Fake) SetPhone(address string, s sim.PhoneScript) error {
	return f.Do(func(e *sim.Engine) error { return e.SetPhone(address, s) })
}

// HangUp makes the party on a call's far end hang up now.
func (f *Fake) HangUp(callSid string) error {
	return f.Do(func(e *sim.Engine) error { return e.HangUp(callSid) })
}

// Answer makes the simulated phone on the far end of a ringing outbound
// call pick up now, whatever its script says.
func (f *Fake) Answer(callSid string) error {
	return f.Do(func(e *sim.Engine) error { return e.AnswerNow(callSid) })
}

// PressDigits makes the party on a call's far end press keys now.
func (f *Fake) PressDigits(callSid, digits string) error {
	return f.Do(func(e *sim.Engine) error { return e.PressDigits(callSid, digits) })
}

// Hears tells what the party on a call's far end hears now.
func (f *Fake) Hears(callSid string) (sim.Hearing, error) {
	var h sim.Hearing
	var err error
	f.View(func(e *sim.Engine) { h, err = e.Hears(callSid) })
	return h, err
}

// Intervals returns a call's hearing history.
func (f *Fake) Intervals(callSid string) ([]sim.Interval, error) {
	var iv []sim.Interval
	var err error
	f.View(func(e *sim.Engine) { iv, err = e.Intervals(callSid) })
	return iv, err
}

// --- the HTTP face of the control API ---
//
// Its routes are in the route table (routes.go); serveControl (router.go)
// bounds their bodies and answers their errors.

// readJSON decodes a control request body strictly: one JSON object whose
// fields are all known, and nothing after it but white space. Its errors
// speak of the JSON the client sent, never of the Go types it fills.
func readJSON(r *http.Request, v any) error {
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	err := dec.Decode(v)
	if err == nil {
		// More data after the object ({"by":"1s"}{"by":"100h"}) is
		// refused, not ignored.
		if _, terr := dec.Token(); terr != io.EOF {
			err = errTrailingData
			if terr != nil && !errors.As(terr, new(*json.SyntaxError)) {
				err = terr
			}
		}
	}
	if err == nil {
		return nil
	}
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return wire.RequestTooLarge(mbe.Limit)
	}
	return wire.BadRequest(jsonProblem(err))
}

// errTrailingData is a body with more after its JSON object.
var errTrailingData = errors.New("trailing data after the JSON object")

// jsonProblem says what is wrong with a control request's JSON body.
func jsonProblem(err error) string {
	var (
		syntax   *json.SyntaxError
		typ      *json.UnmarshalTypeError
		durError *durationError
	)
	switch {
	case errors.Is(err, io.EOF):
		return "the body is empty: a JSON object is required"
	case errors.Is(err, io.ErrUnexpectedEOF):
		return "invalid JSON body: it ends before the object does"
	case errors.Is(err, errTrailingData):
		return "invalid JSON body: it must hold one JSON object and nothing after it"
	case errors.As(err, &syntax):
		return fmt.Sprintf("invalid JSON body at byte %d: %s", syntax.Offset, syntax.Error())
	case errors.As(err, &typ):
		if typ.Field == "" {
			return fmt.Sprintf("invalid JSON body: want a JSON object, not %s", article(typ.Value))
		}
		return fmt.Sprintf("invalid JSON body: %q must be %s, not %s", typ.Field, jsonKind(typ.Type), article(typ.Value))
	case errors.As(err, &durError):
		return "invalid JSON body: " + durError.Error()
	}
	// DisallowUnknownFields: `json: unknown field "x"`, the only other
	// error the decoder gives; it names no Go type.
	if msg, ok := strings.CutPrefix(err.Error(), "json: "); ok && strings.HasPrefix(msg, "unknown field ") {
		return "invalid JSON body: " + msg
	}
	return "invalid JSON body"
}

// jsonKind names what JSON a Go type takes: "a string", "a number", …
func jsonKind(t reflect.Type) string {
	if t == reflect.TypeFor[duration]() {
		return `a duration string like "90s"`
	}
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "true or false"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return "a whole number"
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "a whole number, not negative"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Slice, reflect.Array:
		return "an array"
	case reflect.Pointer:
		return jsonKind(t.Elem())
	}
	return "an object"
}

// article puts "a" or "an" before what the decoder calls a JSON value
// ("number", "array", "object", "string", "bool"), and says "a number" for
// a number that does not fit ("number 1e99").
func article(v string) string {
	v, _, _ = strings.Cut(v, " ")
	switch v {
	case "array", "object":
		return "an " + v
	case "bool":
		return "true or false"
	}
	return "a " + v
}

// duration is a JSON duration written as Go writes them: "90s", "1h30m".
type duration time.Duration

// durationError is a duration that is not one.
type durationError struct{ msg string }

func (e *durationError) Error() string { return e.msg }

func (d *duration) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return &durationError{fmt.Sprintf("a duration must be a string like \"90s\", not %s", b)}
	}
	v, err := time.ParseDuration(s)
	if err != nil {
		return &durationError{fmt.Sprintf("%q is not a duration: want a string like \"90s\" or \"1h30m\"", s)}
	}
	*d = duration(v)
	return nil
}

func (d duration) MarshalJSON() ([]byte, error) { return json.Marshal(time.Duration(d).String()) }

type placeCallRequest struct {
	From string `json:"from"`
	To   string `json:"to"`
}

func (f *Fake) ctlPlaceCall(w http.ResponseWriter, r *http.Request) error {
	var req placeCallRequest
	if err := readJSON(r, &req); err != nil {
		return err
	}
	sid, err := f.PlaceCall(req.From, req.To)
	if err != nil {
		return err
	}
	wire.JSON(w, http.StatusCreated, map[string]string{"call_sid": sid})
	return nil
}

func (f *Fake) ctlHangUp(w http.ResponseWriter, r *http.Request) error {
	if err := f.HangUp(r.PathValue("sid")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (f *Fake) ctlAnswer(w http.ResponseWriter, r *http.Request) error {
	if err := f.Answer(r.PathValue("sid")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (f *Fake) ctlDigits(w http.ResponseWriter, r *http.Request) error {
	var req struct {
		Digits string `json:"digits"`
	}
	if err := readJSON(r, &req); err != nil {
		return err
	}
	if err := f.PressDigits(r.PathValue("sid"), req.Digits); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// hearingJSON is a Hearing on the wire.
type hearingJSON struct {
	Kind    string   `json:"kind"`
	Parties []string `json:"parties,omitempty"`
	Source  string   `json:"source,omitempty"`
	Media   string   `json:"media,omitempty"`
	Detail  string   `json:"detail,omitempty"`
	Text    string   `json:"text"`
}

func toHearingJSON(h sim.Hearing) hearingJSON {
	return hearingJSON{Kind: string(h.Kind), Parties: h.Parties, Source: h.Source, Media: h.Media, Detail: h.Detail, Text: h.String()}
}

type intervalJSON struct {
	Start   string      `json:"start"`
	End     *string     `json:"end"`
	Hearing hearingJSON `json:"hearing"`
}

func (f *Fake) ctlHears(w http.ResponseWriter, r *http.Request) error {
	sid := r.PathValue("sid")
	var (
		now time.Time
		h   sim.Hearing
		ivs []sim.Interval
		err error
	)
	f.View(func(e *sim.Engine) {
		now = e.Now()
		if h, err = e.Hears(sid); err == nil {
			ivs, err = e.Intervals(sid)
		}
	})
	if err != nil {
		return err
	}
	out := struct {
		CallSid   string         `json:"call_sid"`
		Now       string         `json:"now"`
		Hears     hearingJSON    `json:"hears"`
		Intervals []intervalJSON `json:"intervals"`
	}{CallSid: sid, Now: wire.FormatDate(now), Hears: toHearingJSON(h)}
	for _, iv := range ivs {
		out.Intervals = append(out.Intervals, intervalJSON{Start: iv.Start.UTC().Format(time.RFC3339Nano), End: rfc3339OrNil(iv.End), Hearing: toHearingJSON(iv.Hearing)})
	}
	wire.JSON(w, http.StatusOK, out)
	return nil
}

func rfc3339OrNil(t time.Time) *string {
	if t.IsZero() {
		return nil
	}
	s := t.UTC().Format(time.RFC3339Nano)
	return &s
}

// phoneJSON is a PhoneScript on the wire.
type phoneJSON struct {
	Name        string      `json:"name,omitempty"`
	Answer      string      `json:"answer,omitempty"`
	After       duration    `json:"after,omitempty"`
	HangUpAfter duration    `json:"hang_up_after,omitempty"`
	Presses     []pressJSON `json:"presses,omitempty"`
}

// script is the PhoneScript a phone's JSON describes.
func (p phoneJSON) script() sim.PhoneScript {
	s := sim.PhoneScript{Name: p.Name, Answer: sim.Answer(p.Answer), After: time.Duration(p.After), HangUpAfter: time.Duration(p.HangUpAfter)}
	for _, k := range p.Presses {
		s.Presses = append(s.Presses, sim.Press{After: time.Duration(k.After), Digits: k.Digits})
	}
	return s
}

type pressJSON struct {
	After  duration `json:"after"`
	Digits string   `json:"digits"`
}

func (f *Fake) ctlSetPhone(w http.ResponseWriter, r *http.Request) error {
	var req phoneJSON
	if err := readJSON(r, &req); err != nil {
		return err
	}
	if err := f.SetPhone(r.PathValue("address"), req.script()); err != nil {
		return err
	}
	return f.ctlGetPhone(w, r)
}

func (f *Fake) ctlGetPhone(w http.ResponseWriter, r *http.Request) error {
	var s sim.PhoneScript
	f.View(func(e *sim.Engine) { s = e.Phone(r.PathValue("address")) })
	out := phoneJSON{Name: s.Name, Answer: string(s.Answer), After: duration(s.After), HangUpAfter: duration(s.HangUpAfter)}
	for _, p := range s.Presses {
		out.Presses = append(out.Presses, pressJSON{After: duration(p.After), Digits: p.Digits})
	}
	wire.JSON(w, http.StatusOK, out)
	return nil
}

type clockJSON struct {
	Mode    string `json:"mode"`
	Start   string `json:"start"`
	Now     string `json:"now"`
	Elapsed string `json:"elapsed"`
}

func (f *Fake) clockState() clockJSON {
	var start, now time.Time
	f.View(func(e *sim.Engine) { start, now = e.Start(), e.Now() })
	return clockJSON{Mode: string(f.opts.Clock), Start: wire.FormatDate(start), Now: wire.FormatDate(now), Elapsed: now.Sub(start).String()}
}

func (f *Fake) ctlClock(w http.ResponseWriter, _ *http.Request) error {
	wire.JSON(w, http.StatusOK, f.clockState())
	return nil
}

func (f *Fake) ctlAdvance(w http.ResponseWriter, r *http.Request) error {
	var req struct {
		By duration `json:"by"`
	}
	if err := readJSON(r, &req); err != nil {
		return err
	}
	if req.By < 0 {
		return wire.BadRequest("by must not be negative")
	}
	if err := f.AdvanceContext(r.Context(), time.Duration(req.By)); err != nil {
		// The client went away: the clock stays where it got to, and
		// no one reads an answer.
		f.log.Info("clock advance stopped: its client went away", "by", time.Duration(req.By).String(), "now", f.clockState().Now)
		return nil
	}
	wire.JSON(w, http.StatusOK, f.clockState())
	return nil
}

// AdvanceContext is Advance that stops when ctx ends, leaving the clock
// where it got to: it moves virtual time in steps and checks ctx between
// them, sizing the steps so that each takes at most some tens of
// milliseconds of the machine's time (more if a single instant holds that
// much work). Running events step by step is running them at once: the
// trace is the same. It returns ctx's error if it stopped early.
func (f *Fake) AdvanceContext(ctx context.Context, d time.Duration) error {
	const (
		fast = 5 * time.Millisecond  // a step this quick may double
		slow = 40 * time.Millisecond // a step this slow halves
	)
	if d <= 0 {
		f.Advance(0)
		return nil
	}
	step := time.Second
	for d > 0 {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("advance: %w", err)
		}
		piece := min(step, d)
		t0 := time.Now()
		f.Advance(piece)
		d -= piece
		switch took := time.Since(t0); {
		case took < fast && step < d:
			step = min(2*step, d)
		case took > slow && step > time.Millisecond:
			step /= 2
		}
	}
	return nil
}

// faultJSON is a Fault on the control API's wire:
//
//	{"match":{"method":"POST","path":"/2010-04-01/Accounts/*/Calls/*"},
//	 "status":429,"code":20429,"latency":"2s","drop":false,"times":2}
type faultJSON struct {
	ID    string `json:"id,omitempty"`
	Match struct {
		Method string `json:"method,omitempty"`
		Path   string `json:"path,omitempty"`
	} `json:"match"`
	Status  int      `json:"status,omitempty"`
	Code    int      `json:"code,omitempty"`
	Message string   `json:"message,omitempty"`
	Latency duration `json:"latency,omitempty"`
	Drop    bool     `json:"drop,omitempty"`
	Times   int      `json:"times,omitempty"`
	Hits    int      `json:"hits"`
	Left    *int     `json:"left"` // null: unlimited
}

func toFaultJSON(fs FaultState) faultJSON {
	out := faultJSON{ID: fs.ID, Status: fs.Status, Code: fs.Code, Message: fs.Message,
		Latency: duration(fs.Latency), Drop: fs.Drop, Times: fs.Times, Hits: fs.Hits}
	out.Match.Method, out.Match.Path = fs.Method, fs.Path
	if fs.Left >= 0 {
		left := fs.Left
		out.Left = &left
	}
	return out
}

// ctlInjectFault is POST /holdlab/faults.
func (f *Fake) ctlInjectFault(w http.ResponseWriter, r *http.Request) error {
	var req faultJSON
	if err := readJSON(r, &req); err != nil {
		return err
	}
	ft := Fault{Method: req.Match.Method, Path: req.Match.Path, Status: req.Status, Code: req.Code,
		Message: req.Message, Latency: time.Duration(req.Latency), Drop: req.Drop, Times: req.Times}
	id, err := f.InjectFault(ft)
	if err != nil {
		if inner := errors.Unwrap(err); inner != nil {
			err = inner // without the Go package's name
		}
		return wire.BadRequest(err.Error())
	}
	for _, fs := range f.Faults() {
		if fs.ID == id {
			wire.JSON(w, http.StatusCreated, toFaultJSON(fs))
			return nil
		}
	}
	// A fault is only removed by a request it applied to, or by a test:
	// report it as injected, with nothing left.
	wire.JSON(w, http.StatusCreated, toFaultJSON(FaultState{Fault: ft, ID: id}))
	return nil
}

// ctlFaults is GET /holdlab/faults.
func (f *Fake) ctlFaults(w http.ResponseWriter, _ *http.Request) error {
	out := []faultJSON{}
	for _, fs := range f.Faults() {
		out = append(out, toFaultJSON(fs))
	}
	wire.JSON(w, http.StatusOK, map[string]any{"faults": out})
	return nil
}

// ctlClearFaults is DELETE /holdlab/faults.
func (f *Fake) ctlClearFaults(w http.ResponseWriter, _ *http.Request) error {
	f.ClearFaults()
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// ctlRemoveFault is DELETE /holdlab/faults/{id}.
func (f *Fake) ctlRemoveFault(w http.ResponseWriter, r *http.Request) error {
	if !f.RemoveFault(r.PathValue("id")) {
		return wire.NotFound(r.URL.Path)
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
