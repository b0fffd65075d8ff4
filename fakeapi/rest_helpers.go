package fakeapi

import (
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/holdlab/holdlab/fakeapi/sim"
	"github.com/holdlab/holdlab/fakeapi/webhook"
	"github.com/holdlab/holdlab/fakeapi/wire"
)

// What the REST handlers (rest_*.go) share: reading the path and the form,
// and answering with the engine's resources rendered as Twilio's.

// resourceSid returns the last path segment without ".json": a resource's
// SID, "CA….json" -> "CA…" (for a participant, a call SID or a label; for a
// queue member, a call SID or "Front").
func resourceSid(r restRequest) string {
	return strings.TrimSuffix(r.PathValue("file"), ".json")
}

// --- answers ---

// doJSON runs op with the engine (Do), renders its result with render
// before the engine runs what op made due (Twilio answers with a new call
// still queued), and answers status with it.
func doJSON[T, J any](f *Fake, w http.ResponseWriter, status int, op func(e *sim.Engine) (T, error), render func(T) J) error {
	var body J
	if err := f.Do(func(e *sim.Engine) error {
		v, err := op(e)
		if err == nil {
			body = render(v)
		}
		return err
	}); err != nil {
		return err
	}
	writeJSON(w, status, &body)
	return nil
}

// writeJSON answers status with *body: a record with a writer of its own
// is written without being copied to the heap, as passing it to wire.JSON
// (an interface) would.
func writeJSON[J any](w http.ResponseWriter, status int, body *J) {
	switch b := any(body).(type) {
	case *wire.ParticipantRecord:
		wire.JSONParticipant(w, status, b)
	case *wire.CallRecord:
		wire.JSONCall(w, status, b)
	case *wire.NumberRecord:
		wire.JSONNumber(w, status, b)
	default:
		wire.JSON(w, status, *body)
	}
}

// doNoContent runs op with the engine (Do) and answers 204.
func doNoContent(f *Fake, w http.ResponseWriter, op func(e *sim.Engine) error) error {
	if err := f.Do(op); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// viewJSON answers 200 with what render makes of get's result, read
// without running the engine (View).
func viewJSON[T, J any](f *Fake, w http.ResponseWriter, get func(e *sim.Engine) (T, error), render func(T) J) error {
	var body J
	var err error
	f.View(func(e *sim.Engine) {
		var v T
		if v, err = get(e); err == nil {
			body = render(v)
		}
	})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, &body)
	return nil
}

// listJSON answers 200 with the page req asks for of what list returns
// (read without running the engine), in Twilio's list envelope under key;
// only the page's items are rendered.
func listJSON[T, J any](f *Fake, w http.ResponseWriter, r restRequest, form url.Values, req wire.PageRequest,
	key string, list func(e *sim.Engine) ([]T, error), render func(T) J) error {
	var page wire.Page[J]
	var err error
	f.View(func(e *sim.Engine) {
		var all []T
		if all, err = list(e); err == nil {
			page = wire.ConvertPage(wire.NewPage(key, all, req, r.URL.Path, form), render)
		}
	})
	if err != nil {
		return err
	}
	wire.JSON(w, http.StatusOK, page)
	return nil
}

// pageJSON is listJSON for a list the engine pages itself: page returns
// the items of the window (offset, most items) and whether more follow, so
// that a page costs what it holds, not what the whole list does.
func pageJSON[T, J any](f *Fake, w http.ResponseWriter, r restRequest, form url.Values, req wire.PageRequest,
	key string, page func(e *sim.Engine, off, size int) ([]T, bool, error), render func(T) J) error {
	var out wire.Page[J]
	var err error
	f.View(func(e *sim.Engine) {
		off, size := req.Window()
		var items []T
		var more bool
		if items, more, err = page(e, off, size); err == nil {
			out = wire.ConvertPage(wire.NewPageWindow(key, items, more, req, r.URL.Path, form), render)
		}
	})
	if err != nil {
		return err
	}
	wire.JSON(w, http.StatusOK, out)
	return nil
}

// --- form parameters ---

// validURL accepts absolute http and https URLs. The URLs apps give are
// plain (webhook.ParsePlainURL: a host of letters, digits, dots and
// hyphens, a path of characters that need no escaping): they are accepted
// without url.Parse and its allocations; any other is url.Parse's to judge.
func validURL(s string) bool {
	if _, ok := webhook.ParsePlainURL(s); ok {
		return true
	}
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}

// urlParam reads an optional absolute-URL parameter; "" when absent.
func urlParam(form url.Values, name string) (string, error) {
	v := form.Get(name)
	if v != "" && !validURL(v) {
		return "", wire.InvalidURL(name, v)
	}
	return v, nil
}

// optionalURL reads a URL parameter that may be set to "" (to clear it):
// nil when absent.
func optionalURL(form url.Values, name string) (*string, error) {
	if !form.Has(name) {
		return nil, nil
	}
	v, err := urlParam(form, name)
	if err != nil {
		return nil, err
	}
	return &v, nil
}

// optionalBool is a boolean form parameter and where its value goes (nil
// when absent).
type optionalBool struct {
	name string
	dst  **bool
}

// optionalBools parses the parameters in the order given, so that with
// several invalid ones the error is always about the first.
func optionalBools(form url.Values, params []optionalBool) error {
	for _, o := range params {
		v, err := wire.Bool(form, o.name)
		if err != nil {
			return err
		}
		*o.dst = v
	}
	return nil
}

// seconds reads an integer parameter in [lo, hi] seconds; 0 when absent.
func seconds(form url.Values, name string, lo, hi int) (time.Duration, error) {
	n, err := wire.Int(form, name)
	if err != nil || n == nil {
		return 0, err
	}
	if *n < lo || *n > hi {
		return 0, wire.InvalidParameter(wire.CodeInvalidParameter, name, form.Get(name))
	}
	return time.Duration(*n) * time.Second, nil
}

// statusEvents validates StatusCallbackEvent values; Twilio accepts them as
// repeated parameters or space-separated.
func statusEvents(raw []string, allowed map[string]bool) ([]string, error) {
	var out []string
	for _, v := range raw {
		for ev := range strings.FieldsSeq(v) { // no slice of the fields
			if !allowed[ev] {
				return nil, wire.InvalidParameter(wire.CodeInvalidParameter, "StatusCallbackEvent", ev)
			}
			out = append(out, ev)
		}
	}
	return out, nil
}

// timeFilters reads name, name< and name> (e.g. DateCreated<) as filters.
func timeFilters(form url.Values, name string) ([]sim.TimeFilter, error) {
	var out []sim.TimeFilter
	for _, op := range []byte{'=', '<', '>'} {
		key := name
		if op != '=' {
			key += string(op)
		}
		v := form.Get(key)
		if v == "" {
			continue
		}
		t, dateOnly, err := wire.ParseFilterDate(key, v)
		if err != nil {
			return nil, err
		}
		out = append(out, sim.TimeFilter{Op: op, T: t, DateOnly: dateOnly})
	}
	return out, nil
}

// checkEndpoints validates the To and From of a call Twilio places:
// 21201/21213 when missing, 21211/21212 when not an address it can dial.
func checkEndpoints(to, from string) error {
	switch {
	case to == "":
		return wire.MissingTo()
	case !validAddress(to):
		return wire.InvalidParameter(21211, "To", to)
	case from == "":
		return wire.MissingFrom()
	case !validAddress(from):
		return wire.InvalidParameter(21212, "From", from)
	}
	return nil
}

// validAddress accepts what Twilio dials: E.164 numbers (a leading + and
// 2 to 15 digits), client:name and sip: URIs.
func validAddress(a string) bool {
	switch {
	case strings.HasPrefix(a, "client:"):
		return len(a) > len("client:")
	case strings.HasPrefix(a, "sip:"):
		return len(a) > len("sip:")
	case strings.HasPrefix(a, "+"):
		digits := a[1:]
		if len(digits) < 2 || len(digits) > 15 {
			return false
		}
		for _, r := range digits {
			if r < '0' || r > '9' {
				return false
			}
		}
		return true
	}
	return false
}
