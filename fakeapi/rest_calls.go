package fakeapi

import (
	"net/http"
	"net/url"
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

func (f *Fake) createCall(w http.ResponseWriter, r restRequest, form url.Values) error {
	p := sim.CallParams{
		To:    strings.TrimSpace(form.Get("To")),
		From:  strings.TrimSpace(form.Get("From")),
		URL:   form.Get("Url"),
		Twiml: form.Get("Twiml"),
	}
	if err := checkEndpoints(p.To, p.From); err != nil {
		return err
	}
	if sid := form.Get("ApplicationSid"); sid != "" {
		// The App's URLs replace Url, Twiml and their settings (sim's
		// callApplication).
		p.ApplicationSid, p.URL, p.Twiml = sid, "", ""
	}
	if p.URL == "" && p.Twiml == "" && p.ApplicationSid == "" {
		return wire.MissingURL()
	}
	if p.URL != "" {
		// Twiml is ignored when Url is also given (https://www.twilio.com/docs/voice/api/call-resource).
		p.Twiml = ""
		if !validURL(p.URL) {
			return wire.InvalidURL("Url", p.URL)
		}
	}
	if err := checkTwiml(p.Twiml); err != nil {
		return err
	}
	var err error
	if p.Method, err = wire.Method(form, "Method", "POST"); err != nil {
		return err
	}
	if p.FallbackURL, err = urlParam(form, "FallbackUrl"); err != nil {
		return err
	}
	if p.FallbackMethod, err = wire.Method(form, "FallbackMethod", "POST"); err != nil {
		return err
	}
	if p.StatusCallback, err = urlParam(form, "StatusCallback"); err != nil {
		return err
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
	if rec, err := wire.Bool(form, "Record"); err != nil {
		return err
	} else if rec != nil && *rec {
		// Record=true records the call once answered (rest_recordings.go).
		p.Record = true
		if p.Recording, err = recordingOptions(form); err != nil {
			return err
		}
	}
	return doJSON(f, w, http.StatusCreated, func(e *sim.Engine) (*sim.Call, error) {
		return e.CreateCall(p)
	}, f.callJSON)
}

func (f *Fake) listCalls(w http.ResponseWriter, r restRequest, form url.Values) error {
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
	// StartTime, StartTime<, StartTime>, EndTime, EndTime<, EndTime>
	// (https://www.twilio.com/docs/voice/api/call-resource#read-multiple-call-resources).
	if filter.Started, err = timeFilters(form, "StartTime"); err != nil {
		return err
	}
	if filter.Ended, err = timeFilters(form, "EndTime"); err != nil {
		return err
	}
	return pageJSON(f, w, r, form, req, wire.KeyCalls, func(e *sim.Engine, off, size int) ([]*sim.Call, bool, error) {
		calls, more := e.CallsPage(filter, off, size)
		return calls, more, nil
	}, f.callJSON)
}

func (f *Fake) fetchCall(w http.ResponseWriter, r restRequest, _ url.Values) error {
	sid := resourceSid(r)
	return viewJSON(f, w, func(e *sim.Engine) (*sim.Call, error) {
		if c, ok := e.Call(sid); ok {
			return c, nil
		}
		return nil, wire.NotFound(r.URL.Path)
	}, f.callJSON)
}

func (f *Fake) updateCall(w http.ResponseWriter, r restRequest, form url.Values) error {
	sid := resourceSid(r)
	p := sim.UpdateParams{
		URL:    form.Get("Url"),
		Twiml:  form.Get("Twiml"),
		Status: sim.Status(form.Get("Status")),
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
	if err := checkTwiml(p.Twiml); err != nil {
		return err
	}
	var err error
	if p.FallbackURL, err = urlParam(form, "FallbackUrl"); err != nil {
		return err
	}
	if p.StatusCallback, err = urlParam(form, "StatusCallback"); err != nil {
		return err
	}
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
	return doJSON(f, w, http.StatusOK, func(e *sim.Engine) (*sim.Call, error) {
		return e.UpdateCall(sid, p)
	}, f.callJSON)
}

func (f *Fake) deleteCall(w http.ResponseWriter, r restRequest, _ url.Values) error {
	sid := resourceSid(r)
	return doNoContent(f, w, func(e *sim.Engine) error { return e.DeleteCall(sid) })
}

// callJSON renders a call as Twilio's Call resource: a record of plain
// values, copied while the engine is locked and rendered as JSON after.
func (f *Fake) callJSON(c *sim.Call) wire.CallRecord {
	out := wire.CallRecord{
		Sid:            c.Sid,
		AccountSid:     f.opts.AccountSid,
		To:             c.To,
		ToFormatted:    sim.FormatNumber(c.To),
		From:           c.From,
		FromFormatted:  sim.FormatNumber(c.From),
		Status:         string(c.Status),
		Direction:      string(c.Direction),
		ParentCallSid:  c.ParentCallSid,
		PhoneNumberSid: c.PhoneNumberSid,
		DateCreated:    c.DateCreated,
		DateUpdated:    c.DateUpdated,
		StartTime:      c.StartTime,
		EndTime:        c.EndTime,
	}
	if d, ok := c.Duration(); ok {
		out.DurationSeconds, out.HasDuration = int(d/time.Second), true
	}
	return out
}

func validStatus(s sim.Status) bool {
	switch s {
	case sim.StatusQueued, sim.StatusRinging, sim.StatusInProgress, sim.StatusCompleted,
		sim.StatusBusy, sim.StatusFailed, sim.StatusNoAnswer, sim.StatusCanceled:
		return true
	}
	return false
}

// checkTwiml refuses inline TwiML longer than Twilio's limit.
func checkTwiml(twiml string) error {
	if utf8.RuneCountInString(twiml) > maxInlineTwiML {
		return wire.InvalidParameter(wire.CodeInvalidParameter, "Twiml", "longer than 4000 characters")
	}
	return nil
}
