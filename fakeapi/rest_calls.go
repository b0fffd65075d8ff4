package fakeapi

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/holdlab/holdlab/fakeapi/sim"
	"github.com/holdlab/holdlab/fakeapi/wire"
)

// maxInlineTwiML is Twilio's limit on the Twiml parameter, in characters.
const maxInlineTwiML = 4000

// callEvents are the StatusCallbackEvent values of a call.
var callEvents = map[string]bool{"initiated": true, "ringing": true, "answered": true, "completed": true}

func (f *Fake) createCall(w http.ResponseWriter, r *http.Request, form url.Values) error {
	p := sim.CallParams{
		To:          strings.TrimSpace(form.Get("To")),
		From:        strings.TrimSpace(form.Get("From")),
		URL:         form.Get("Url"),
		Twiml:       form.Get("Twiml"),
		FallbackURL: form.Get("FallbackUrl"),
	}
	if err := checkEndpoints(p.To, p.From); err != nil {
		return err
	}
	if form.Get("ApplicationSid") != "" && p.URL == "" && p.Twiml == "" {
		// UNCONFIRMED code: applications are not modelled.
		return wire.InvalidParameter(21205, "ApplicationSid", form.Get("ApplicationSid"))
	}
	if p.URL == "" && p.Twiml == "" {
		return wire.MissingURL()
	}
	if p.URL != "" {
		// Twiml is ignored when Url is also given (https://www.twilio.com/docs/voice/api/call-resource).
		p.Twiml = ""
		if !validURL(p.URL) {
			return wire.InvalidURL("Url", p.URL)
		}
	}
	if utf8.RuneCountInString(p.Twiml) > maxInlineTwiML {
		return wire.InvalidParameter(wire.CodeInvalidParameter, "Twiml", "longer than 4000 characters")
	}
	var err error
	if p.Method, err = wire.Method(form, "Method", "POST"); err != nil {
		return err
	}
	if p.FallbackURL != "" && !validURL(p.FallbackURL) {
		return wire.InvalidURL("FallbackUrl", p.FallbackURL)
	}
	if p.FallbackMethod, err = wire.Method(form, "FallbackMethod", "POST"); err != nil {
		return err
	}
	if p.StatusCallback = form.Get("StatusCallback"); p.StatusCallback != "" && !validURL(p.StatusCallback) {
		return wire.InvalidURL("StatusCallback", p.StatusCallback)
	}
	if p.StatusCallbackMethod, err = wire.Method(form, "StatusCallbackMethod", "POST"); err != nil {
		return err
	}
	if p.StatusCallbackEvents, err = statusEvents(form["StatusCallbackEvent"], callEvents); err != nil {
		return err
	}
	if p.Timeout, err = seconds(form, "Timeout", 1, 600); err != nil {
		return err
	}
	if p.TimeLimit, err = seconds(form, "TimeLimit", 1, 24*3600); err != nil {
		return err
	}
	var body wire.Call
	err = f.Do(func(e *sim.Engine) error {
		c, err := e.CreateCall(p)
		if err != nil {
			return err
		}
		// Render before the engine runs: Twilio answers with the call queued.
		body = f.callJSON(c)
		return nil
	})
	if err != nil {
		return toWire(err)
	}
	wire.JSON(w, http.StatusCreated, body)
	return nil
}

func (f *Fake) listCalls(w http.ResponseWriter, r *http.Request, form url.Values) error {
	req, err := wire.ParsePageRequest(form)
	if err != nil {
		return err
	}
	filter := sim.CallFilter{
		To: form.Get("To"), From: form.Get("From"), ParentCallSid: form.Get("ParentCallSid"),
		Status: sim.Status(form.Get("Status")),
	}
	if filter.Status != "" && !validStatus(filter.Status) {
		return wire.InvalidParameter(wire.CodeInvalidParameter, "Status", form.Get("Status"))
	}
	var page wire.Page[wire.Call]
	f.View(func(e *sim.Engine) {
		page = wire.ConvertPage(wire.NewPage(wire.KeyCalls, e.Calls(filter), req, r.URL.Path, form), f.callJSON)
	})
	wire.JSON(w, http.StatusOK, page)
	return nil
}

func (f *Fake) fetchCall(w http.ResponseWriter, r *http.Request, _ url.Values) error {
	sid := resourceSid(r)
	var body wire.Call
	found := false
	f.View(func(e *sim.Engine) {
		if c, ok := e.Call(sid); ok {
			body, found = f.callJSON(c), true
		}
	})
	if !found {
		return wire.NotFound(r.URL.Path)
	}
	wire.JSON(w, http.StatusOK, body)
	return nil
}

func (f *Fake) updateCall(w http.ResponseWriter, r *http.Request, form url.Values) error {
	sid := resourceSid(r)
	p := sim.UpdateParams{
		URL:            form.Get("Url"),
		Twiml:          form.Get("Twiml"),
		Status:         sim.Status(form.Get("Status")),
		FallbackURL:    form.Get("FallbackUrl"),
		StatusCallback: form.Get("StatusCallback"),
	}
	if p.Status != "" && p.Status != sim.StatusCompleted && p.Status != sim.StatusCanceled {
		return wire.InvalidParameter(wire.CodeInvalidParameter, "Status", form.Get("Status"))
	}
	if p.URL != "" && p.Twiml != "" {
		// On update Url and Twiml are mutually exclusive (https://www.twilio.com/docs/voice/api/call-resource).
		return wire.BadRequest("Url and Twiml cannot both be specified")
	}
	if p.URL != "" && !validURL(p.URL) {
		return wire.InvalidURL("Url", p.URL)
	}
	if utf8.RuneCountInString(p.Twiml) > maxInlineTwiML {
		return wire.InvalidParameter(wire.CodeInvalidParameter, "Twiml", "longer than 4000 characters")
	}
	if p.FallbackURL != "" && !validURL(p.FallbackURL) {
		return wire.InvalidURL("FallbackUrl", p.FallbackURL)
	}
	if p.StatusCallback != "" && !validURL(p.StatusCallback) {
		return wire.InvalidURL("StatusCallback", p.StatusCallback)
	}
	var err error
	if p.Method, err = wire.Method(form, "Method", "POST"); err != nil {
		return err
	}
	if p.FallbackMethod, err = wire.Method(form, "FallbackMethod", "POST"); err != nil {
		return err
	}
	if p.StatusCallbackMethod, err = wire.Method(form, "StatusCallbackMethod", "POST"); err != nil {
		return err
	}
	if tl, err := seconds(form, "TimeLimit", 1, 24*3600); err != nil {
		return err
	} else if tl > 0 {
		p.TimeLimit = &tl
	}
	var body wire.Call
	err = f.Do(func(e *sim.Engine) error {
		c, err := e.UpdateCall(sid, p)
		if err != nil {
			return err
		}
		body = f.callJSON(c)
		return nil
	})
	if err != nil {
		return err
	}
	wire.JSON(w, http.StatusOK, body)
	return nil
}

func (f *Fake) deleteCall(w http.ResponseWriter, r *http.Request, _ url.Values) error {
	sid := resourceSid(r)
	if err := f.Do(func(e *sim.Engine) error { return e.DeleteCall(sid) }); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// callJSON renders a call as Twilio's Call resource.
func (f *Fake) callJSON(c *sim.Call) wire.Call {
	base := "/2010-04-01/Accounts/" + f.opts.AccountSid + "/Calls/" + c.Sid
	sub := make(map[string]string, len(callSubresources)+2)
	for _, s := range callSubresources {
		sub[s.key] = base + s.file
	}
	sub["feedback"] = base + "/Feedback.json"
	sub["feedback_summaries"] = "/2010-04-01/Accounts/" + f.opts.AccountSid + "/Calls/FeedbackSummary.json"
	out := wire.Call{
		Sid:             wire.Ptr(c.Sid),
		DateCreated:     wire.Ptr(wire.FormatDate(c.DateCreated)),
		DateUpdated:     wire.Ptr(wire.FormatDate(c.DateUpdated)),
		ParentCallSid:   wire.NullString(c.ParentCallSid),
		AccountSid:      wire.Ptr(f.opts.AccountSid),
		To:              wire.Ptr(c.To),
		ToFormatted:     wire.Ptr(sim.FormatNumber(c.To)),
		From:            wire.Ptr(c.From),
		FromFormatted:   wire.Ptr(sim.FormatNumber(c.From)),
		PhoneNumberSid:  wire.NullString(c.PhoneNumberSid),
		Status:          wire.Ptr(string(c.Status)),
		StartTime:       wire.NullDate(c.StartTime),
		EndTime:         wire.NullDate(c.EndTime),
		PriceUnit:       wire.Ptr("USD"),
		Direction:       wire.Ptr(string(c.Direction)),
		APIVersion:      wire.Ptr(wire.APIVersion),
		QueueTime:       wire.Ptr("0"),
		URI:             wire.Ptr(base + ".json"),
		SubresourceURIs: sub,
	}
	if d, ok := c.Duration(); ok {
		out.Duration = wire.Ptr(strconv.Itoa(int(d / time.Second)))
	}
	return out
}

// callSubresources are a call's subresource_uris keys and the file names
// their URIs end with: "user_defined_messages", "/UserDefinedMessages.json".
var callSubresources = func() []struct{ key, file string } {
	var out []struct{ key, file string }
	for _, name := range []string{"Notifications", "Recordings", "Payments", "Events", "Siprec", "Streams", "UserDefinedMessageSubscriptions", "UserDefinedMessages"} {
		out = append(out, struct{ key, file string }{snake(name), "/" + name + ".json"})
	}
	return out
}()

// snake turns "UserDefinedMessages" into "user_defined_messages".
func snake(s string) string {
	var b strings.Builder
	for i, r := range s {
		if r >= 'A' && r <= 'Z' {
			if i > 0 {
				b.WriteByte('_')
			}
			r += 'a' - 'A'
		}
		b.WriteRune(r)
	}
	return b.String()
}

func validStatus(s sim.Status) bool {
	switch s {
	case sim.StatusQueued, sim.StatusRinging, sim.StatusInProgress, sim.StatusCompleted,
		sim.StatusBusy, sim.StatusFailed, sim.StatusNoAnswer, sim.StatusCanceled:
		return true
	}
	return false
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

// validURL accepts absolute http and https URLs.
func validURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}

// statusEvents validates StatusCallbackEvent values; Twilio accepts them as
// repeated parameters or space-separated.
func statusEvents(raw []string, allowed map[string]bool) ([]string, error) {
	var out []string
	for _, v := range raw {
		for _, ev := range strings.Fields(v) {
			if !allowed[ev] {
				return nil, wire.InvalidParameter(wire.CodeInvalidParameter, "StatusCallbackEvent", ev)
			}
			out = append(out, ev)
		}
	}
	return out, nil
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
