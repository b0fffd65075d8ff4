package fakeapi

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/holdlab/holdlab/fakeapi/sim"
	"github.com/holdlab/holdlab/fakeapi/wire"
)

// conferenceEvents are the ConferenceStatusCallbackEvent values
// (https://www.twilio.com/docs/voice/api/conference-participant-resource).
var conferenceEvents = map[string]bool{
	"start": true, "end": true, "join": true, "leave": true, "mute": true,
	"hold": true, "modify": true, "speaker": true, "announcement": true,
}

// conferenceRoutes mounts the Conferences and Participants resources.
// Conferences have no create or delete: they exist while calls are in them.
func (f *Fake) conferenceRoutes(mux *routeMux) {
	const acct = "/2010-04-01/Accounts/{AccountSid}"
	handle := func(pattern string, h func(w http.ResponseWriter, r *http.Request, form url.Values) error) {
		mux.Handle(pattern, f.rest(h))
	}
	handle("GET "+acct+"/Conferences.json", f.listConferences)
	handle("GET "+acct+"/Conferences/{file}", f.fetchConference)
	handle("POST "+acct+"/Conferences/{file}", f.updateConference)
	handle("GET "+acct+"/Conferences/{ConferenceSid}/Participants.json", f.listParticipants)
	handle("POST "+acct+"/Conferences/{ConferenceSid}/Participants.json", f.createParticipant)
	handle("GET "+acct+"/Conferences/{ConferenceSid}/Participants/{file}", f.fetchParticipant)
	handle("POST "+acct+"/Conferences/{ConferenceSid}/Participants/{file}", f.updateParticipant)
	handle("DELETE "+acct+"/Conferences/{ConferenceSid}/Participants/{file}", f.deleteParticipant)
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

func (f *Fake) listConferences(w http.ResponseWriter, r *http.Request, form url.Values) error {
	req, err := wire.ParsePageRequest(form)
	if err != nil {
		return err
	}
	filter := sim.ConferenceFilter{FriendlyName: form.Get("FriendlyName"), Status: sim.ConferenceStatus(form.Get("Status"))}
	switch filter.Status {
	case "", sim.ConferenceInit, sim.ConferenceInProgress, sim.ConferenceCompleted:
	default:
		return wire.InvalidParameter(wire.CodeInvalidParameter, "Status", form.Get("Status"))
	}
	if filter.Created, err = timeFilters(form, "DateCreated"); err != nil {
		return err
	}
	if filter.Updated, err = timeFilters(form, "DateUpdated"); err != nil {
		return err
	}
	var page wire.Page[wire.Conference]
	f.View(func(e *sim.Engine) {
		page = wire.ConvertPage(wire.NewPage(wire.KeyConferences, e.Conferences(filter), req, r.URL.Path, form), f.conferenceJSON)
	})
	wire.JSON(w, http.StatusOK, page)
	return nil
}

func (f *Fake) fetchConference(w http.ResponseWriter, r *http.Request, _ url.Values) error {
	sid := resourceSid(r)
	var body wire.Conference
	var err error
	f.View(func(e *sim.Engine) {
		var cf *sim.Conference
		if cf, err = e.Conference(sid); err == nil {
			body = f.conferenceJSON(cf)
		}
	})
	if err != nil {
		return err
	}
	wire.JSON(w, http.StatusOK, body)
	return nil
}

func (f *Fake) updateConference(w http.ResponseWriter, r *http.Request, form url.Values) error {
	sid := resourceSid(r)
	p := sim.ConferenceUpdate{Status: sim.ConferenceStatus(form.Get("Status")), AnnounceURL: form.Get("AnnounceUrl")}
	if p.Status != "" && p.Status != sim.ConferenceCompleted {
		return wire.InvalidParameter(wire.CodeInvalidParameter, "Status", form.Get("Status"))
	}
	if p.AnnounceURL != "" && !validURL(p.AnnounceURL) {
		return wire.InvalidURL("AnnounceUrl", p.AnnounceURL)
	}
	var err error
	if p.AnnounceMethod, err = wire.Method(form, "AnnounceMethod", "POST"); err != nil {
		return err
	}
	var body wire.Conference
	if err := f.Do(func(e *sim.Engine) error {
		cf, err := e.UpdateConference(sid, p)
		if err == nil {
			body = f.conferenceJSON(cf)
		}
		return err
	}); err != nil {
		return err
	}
	wire.JSON(w, http.StatusOK, body)
	return nil
}

// conferenceJSON renders a Conference resource.
func (f *Fake) conferenceJSON(cf *sim.Conference) wire.Conference {
	base := "/2010-04-01/Accounts/" + f.opts.AccountSid + "/Conferences/" + cf.Sid
	return wire.Conference{
		AccountSid:   wire.Ptr(f.opts.AccountSid),
		DateCreated:  wire.Ptr(wire.FormatDate(cf.DateCreated)),
		DateUpdated:  wire.Ptr(wire.FormatDate(cf.DateUpdated)),
		APIVersion:   wire.Ptr(wire.APIVersion),
		FriendlyName: wire.Ptr(cf.FriendlyName),
		Region:       wire.Ptr(cf.Region),
		Sid:          wire.Ptr(cf.Sid),
		Status:       wire.Ptr(string(cf.Status)),
		URI:          wire.Ptr(base + ".json"),
		SubresourceURIs: map[string]string{
			"participants": base + "/Participants.json",
			"recordings":   base + "/Recordings.json",
		},
		ReasonConferenceEnded:   wire.NullString(cf.ReasonEnded),
		CallSidEndingConference: wire.NullString(cf.CallSidEnding),
	}
}

// --- participants ---

// conferencePath is the {ConferenceSid} segment. Every participant
// operation but create needs a CF SID there (https://www.twilio.com/docs/voice/api/conference-participant-resource).
func conferencePath(r *http.Request) (string, error) {
	sid := r.PathValue("ConferenceSid")
	if !wire.ValidSID("CF", sid) {
		return "", wire.NotFound(r.URL.Path)
	}
	return sid, nil
}

// participantID is the {CallSid} segment: a call SID or a label.
func participantID(r *http.Request) string { return strings.TrimSuffix(r.PathValue("file"), ".json") }

func (f *Fake) listParticipants(w http.ResponseWriter, r *http.Request, form url.Values) error {
	confSid, err := conferencePath(r)
	if err != nil {
		return err
	}
	req, err := wire.ParsePageRequest(form)
	if err != nil {
		return err
	}
	var filter sim.ParticipantFilter
	if err := optionalBools(form, []optionalBool{{"Muted", &filter.Muted}, {"Hold", &filter.Hold}, {"Coaching", &filter.Coaching}}); err != nil {
		return err
	}
	var items []wire.Participant
	f.View(func(e *sim.Engine) {
		var ps []*sim.Participant
		if ps, err = e.Participants(confSid, filter); err == nil {
			for _, p := range ps {
				items = append(items, f.participantJSON(p, false))
			}
		}
	})
	if err != nil {
		return err
	}
	wire.JSON(w, http.StatusOK, wire.NewPage(wire.KeyParticipants, items, req, r.URL.Path, form))
	return nil
}

func (f *Fake) fetchParticipant(w http.ResponseWriter, r *http.Request, _ url.Values) error {
	confSid, err := conferencePath(r)
	if err != nil {
		return err
	}
	id := participantID(r)
	var body wire.Participant
	f.View(func(e *sim.Engine) {
		var p *sim.Participant
		if p, err = e.Participant(confSid, id); err == nil {
			body = f.participantJSON(p, false)
		}
	})
	if err != nil {
		return err
	}
	wire.JSON(w, http.StatusOK, body)
	return nil
}

// beepValue reads Beep: true, false, onEnter or onExit (any letter case).
func beepValue(form url.Values) (string, error) {
	v := strings.TrimSpace(form.Get("Beep"))
	switch strings.ToLower(v) {
	case "":
		return "", nil
	case "true", "false":
		return strings.ToLower(v), nil
	case "onenter":
		return "onEnter", nil
	case "onexit":
		return "onExit", nil
	}
	return "", wire.InvalidParameter(wire.CodeInvalidParameter, "Beep", v)
}

// urlParam reads an optional absolute-URL parameter.
func urlParam(form url.Values, name string) (string, error) {
	v := form.Get(name)
	if v != "" && !validURL(v) {
		return "", wire.InvalidURL(name, v)
	}
	return v, nil
}

func (f *Fake) createParticipant(w http.ResponseWriter, r *http.Request, form url.Values) error {
	conference := r.PathValue("ConferenceSid")
	p := sim.ParticipantParams{
		From:           strings.TrimSpace(form.Get("From")),
		To:             strings.TrimSpace(form.Get("To")),
		Label:          form.Get("Label"),
		CallSidToCoach: form.Get("CallSidToCoach"),
		Region:         form.Get("Region"),
	}
	if err := checkEndpoints(p.To, p.From); err != nil {
		return err
	}
	var err error
	for _, o := range []struct {
		name string
		dst  *bool
	}{{"Muted", &p.Muted}, {"EndConferenceOnExit", &p.EndConferenceOnExit}, {"EarlyMedia", &p.EarlyMedia}, {"Coaching", &p.Coaching}} {
		b, err := wire.Bool(form, o.name)
		if err != nil {
			return err
		}
		if b != nil {
			*o.dst = *b
		}
	}
	if p.StartConferenceOnEnter, err = wire.Bool(form, "StartConferenceOnEnter"); err != nil {
		return err
	}
	if p.Beep, err = beepValue(form); err != nil {
		return err
	}
	if vs, ok := form["WaitUrl"]; ok {
		p.WaitURL, p.WaitURLSet = vs[0], true
		if p.WaitURL != "" && !validURL(p.WaitURL) {
			return wire.InvalidURL("WaitUrl", p.WaitURL)
		}
	}
	if p.WaitMethod, err = wire.Method(form, "WaitMethod", "POST"); err != nil {
		return err
	}
	if n, err := wire.Int(form, "MaxParticipants"); err != nil {
		return err
	} else if n != nil {
		if *n < 2 || *n > 250 {
			return wire.InvalidParameter(wire.CodeInvalidParameter, "MaxParticipants", form.Get("MaxParticipants"))
		}
		p.MaxParticipants = *n
	}
	if p.Timeout, err = seconds(form, "Timeout", 5, 600); err != nil {
		return err
	}
	if p.TimeLimit, err = seconds(form, "TimeLimit", 1, 24*3600); err != nil {
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
	if p.ConferenceStatusCallback, err = urlParam(form, "ConferenceStatusCallback"); err != nil {
		return err
	}
	if p.ConferenceStatusCallbackMethod, err = wire.Method(form, "ConferenceStatusCallbackMethod", "POST"); err != nil {
		return err
	}
	if p.ConferenceStatusCallbackEvents, err = statusEvents(form["ConferenceStatusCallbackEvent"], conferenceEvents); err != nil {
		return err
	}
	var body wire.Participant
	if err := f.Do(func(e *sim.Engine) error {
		pt, err := e.CreateParticipant(conference, p)
		if err == nil {
			// Render before the engine runs: Twilio answers with it queued.
			body = f.participantJSON(pt, true)
		}
		return err
	}); err != nil {
		return err
	}
	wire.JSON(w, http.StatusCreated, body)
	return nil
}

func (f *Fake) updateParticipant(w http.ResponseWriter, r *http.Request, form url.Values) error {
	confSid, err := conferencePath(r)
	if err != nil {
		return err
	}
	id := participantID(r)
	var u sim.ParticipantUpdate
	if form.Has("Muted") {
		// "Any other value is treated as false" (https://www.twilio.com/docs/voice/api/conference-participant-resource).
		u.Muted = wire.Ptr(strings.EqualFold(strings.TrimSpace(form.Get("Muted")), "true"))
	}
	if err := optionalBools(form, []optionalBool{{"Hold", &u.Hold}, {"BeepOnExit", &u.BeepOnExit}, {"EndConferenceOnExit", &u.EndConferenceOnExit}, {"Coaching", &u.Coaching}}); err != nil {
		return err
	}
	if form.Has("HoldUrl") {
		v := form.Get("HoldUrl")
		if v != "" && !validURL(v) {
			return wire.InvalidURL("HoldUrl", v)
		}
		u.HoldURL = &v
	}
	if u.HoldMethod, err = wire.Method(form, "HoldMethod", ""); err != nil {
		return err
	}
	if u.AnnounceURL, err = urlParam(form, "AnnounceUrl"); err != nil {
		return err
	}
	if u.AnnounceMethod, err = wire.Method(form, "AnnounceMethod", "POST"); err != nil {
		return err
	}
	if form.Has("WaitUrl") {
		v := form.Get("WaitUrl")
		if v != "" && !validURL(v) {
			return wire.InvalidURL("WaitUrl", v)
		}
		u.WaitURL = &v
	}
	if u.WaitMethod, err = wire.Method(form, "WaitMethod", ""); err != nil {
		return err
	}
	if form.Has("CallSidToCoach") {
		v := form.Get("CallSidToCoach")
		u.CallSidToCoach = &v
	}
	var body wire.Participant
	if err := f.Do(func(e *sim.Engine) error {
		pt, err := e.UpdateParticipant(confSid, id, u)
		if err == nil {
			body = f.participantJSON(pt, false)
		}
		return err
	}); err != nil {
		return err
	}
	wire.JSON(w, http.StatusOK, body)
	return nil
}

func (f *Fake) deleteParticipant(w http.ResponseWriter, r *http.Request, _ url.Values) error {
	confSid, err := conferencePath(r)
	if err != nil {
		return err
	}
	id := participantID(r)
	if err := f.Do(func(e *sim.Engine) error { return e.KickParticipant(confSid, id) }); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// participantJSON renders a Participant resource; queue_time is only in
// the create response (https://www.twilio.com/docs/voice/api/conference-participant-resource).
func (f *Fake) participantJSON(p *sim.Participant, created bool) wire.Participant {
	out := wire.Participant{
		AccountSid:             wire.Ptr(f.opts.AccountSid),
		CallSid:                wire.Ptr(p.CallSid),
		Label:                  wire.NullString(p.Label),
		CallSidToCoach:         wire.NullString(p.CallSidToCoach),
		Coaching:               wire.Ptr(p.Coaching),
		ConferenceSid:          wire.Ptr(p.ConferenceSid),
		DateCreated:            wire.Ptr(wire.FormatDate(p.DateCreated)),
		DateUpdated:            wire.Ptr(wire.FormatDate(p.DateUpdated)),
		EndConferenceOnExit:    wire.Ptr(p.EndConferenceOnExit),
		Muted:                  wire.Ptr(p.Muted),
		Hold:                   wire.Ptr(p.Hold),
		StartConferenceOnEnter: wire.Ptr(p.StartConferenceOnEnter),
		Status:                 wire.Ptr(string(p.Status())),
		URI:                    wire.Ptr("/2010-04-01/Accounts/" + f.opts.AccountSid + "/Conferences/" + p.ConferenceSid + "/Participants/" + p.CallSid + ".json"),
	}
	if created {
		out.QueueTime = wire.Ptr("0")
	}
	return out
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
