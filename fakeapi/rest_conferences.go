package fakeapi

import (
	"net/http"
	"net/url"
	"strings"
	"unicode/utf8"

	"github.com/holdlab/holdlab/fakeapi/sim"
	"github.com/holdlab/holdlab/fakeapi/wire"
)

// conferenceEvents are the ConferenceStatusCallbackEvent values
// (https://www.twilio.com/docs/voice/api/conference-participant-resource).
var conferenceEvents = map[string]bool{
	"start": true, "end": true, "join": true, "leave": true, "mute": true,
	"hold": true, "modify": true, "speaker": true, "announcement": true,
}

func (f *Fake) listConferences(w http.ResponseWriter, r restRequest, form url.Values) error {
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
	return pageJSON(f, w, r, form, req, wire.KeyConferences, func(e *sim.Engine, off, size int) ([]*sim.Conference, bool, error) {
		confs, more := e.ConferencesPage(filter, off, size)
		return confs, more, nil
	}, f.conferenceJSON)
}

func (f *Fake) fetchConference(w http.ResponseWriter, r restRequest, _ url.Values) error {
	sid := resourceSid(r)
	return viewJSON(f, w, func(e *sim.Engine) (*sim.Conference, error) {
		return e.Conference(sid)
	}, f.conferenceJSON)
}

func (f *Fake) updateConference(w http.ResponseWriter, r restRequest, form url.Values) error {
	sid := resourceSid(r)
	p := sim.ConferenceUpdate{Status: sim.ConferenceStatus(form.Get("Status"))}
	if p.Status != "" && p.Status != sim.ConferenceCompleted {
		return wire.InvalidParameter(wire.CodeInvalidParameter, "Status", form.Get("Status"))
	}
	var err error
	if p.AnnounceURL, err = urlParam(form, "AnnounceUrl"); err != nil {
		return err
	}
	if p.AnnounceMethod, err = wire.Method(form, "AnnounceMethod", "POST"); err != nil {
		return err
	}
	return doJSON(f, w, http.StatusOK, func(e *sim.Engine) (*sim.Conference, error) {
		return e.UpdateConference(sid, p)
	}, f.conferenceJSON)
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
func conferencePath(r restRequest) (string, error) {
	sid := r.PathValue("ConferenceSid")
	if !wire.ValidSID("CF", sid) {
		return "", wire.NotFound(r.URL.Path)
	}
	return sid, nil
}

func (f *Fake) listParticipants(w http.ResponseWriter, r restRequest, form url.Values) error {
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
	return listJSON(f, w, r, form, req, wire.KeyParticipants, func(e *sim.Engine) ([]*sim.Participant, error) {
		return e.Participants(confSid, filter)
	}, f.participantJSON)
}

func (f *Fake) fetchParticipant(w http.ResponseWriter, r restRequest, _ url.Values) error {
	confSid, err := conferencePath(r)
	if err != nil {
		return err
	}
	id := resourceSid(r)
	return viewJSON(f, w, func(e *sim.Engine) (*sim.Participant, error) {
		return e.Participant(confSid, id)
	}, f.participantJSON)
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

func (f *Fake) createParticipant(w http.ResponseWriter, r restRequest, form url.Values) error {
	conference := r.PathValue("ConferenceSid")
	p := sim.ParticipantParams{
		From:           strings.TrimSpace(form.Get("From")),
		To:             strings.TrimSpace(form.Get("To")),
		Label:          form.Get("Label"),
		CallSidToCoach: form.Get("CallSidToCoach"),
		Region:         form.Get("Region"),
	}
	p.CallerID, p.CallerDisplayName = strings.TrimSpace(form.Get("CallerId")), form.Get("CallerDisplayName")
	if err := checkEndpoints(p.To, p.From); err != nil {
		return err
	}
	if err := checkCallerID(p); err != nil {
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
	if u, err := optionalURL(form, "WaitUrl"); err != nil {
		return err
	} else if u != nil {
		p.WaitURL, p.WaitURLSet = *u, true
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
	return doJSON(f, w, http.StatusCreated, func(e *sim.Engine) (*sim.Participant, error) {
		return e.CreateParticipant(conference, p)
	}, f.createdParticipantJSON)
}

func (f *Fake) updateParticipant(w http.ResponseWriter, r restRequest, form url.Values) error {
	confSid, err := conferencePath(r)
	if err != nil {
		return err
	}
	id := resourceSid(r)
	var u sim.ParticipantUpdate
	if form.Has("Muted") {
		// "Any other value is treated as false" (https://www.twilio.com/docs/voice/api/conference-participant-resource).
		u.Muted = wire.Ptr(strings.EqualFold(strings.TrimSpace(form.Get("Muted")), "true"))
	}
	if err := optionalBools(form, []optionalBool{{"Hold", &u.Hold}, {"BeepOnExit", &u.BeepOnExit}, {"EndConferenceOnExit", &u.EndConferenceOnExit}, {"Coaching", &u.Coaching}}); err != nil {
		return err
	}
	if u.HoldURL, err = optionalURL(form, "HoldUrl"); err != nil {
		return err
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
	if u.WaitURL, err = optionalURL(form, "WaitUrl"); err != nil {
		return err
	}
	if u.WaitMethod, err = wire.Method(form, "WaitMethod", ""); err != nil {
		return err
	}
	if form.Has("CallSidToCoach") {
		v := form.Get("CallSidToCoach")
		u.CallSidToCoach = &v
	}
	return doJSON(f, w, http.StatusOK, func(e *sim.Engine) (*sim.Participant, error) {
		return e.UpdateParticipant(confSid, id, u)
	}, f.participantJSON)
}

func (f *Fake) deleteParticipant(w http.ResponseWriter, r restRequest, _ url.Values) error {
	confSid, err := conferencePath(r)
	if err != nil {
		return err
	}
	id := resourceSid(r)
	return doNoContent(f, w, func(e *sim.Engine) error { return e.KickParticipant(confSid, id) })
}

// participantJSON renders a Participant resource as fetched, listed or
// updated: a record of plain values, copied while the engine is locked
// and rendered as JSON after.
func (f *Fake) participantJSON(p *sim.Participant) wire.ParticipantRecord {
	return wire.ParticipantRecord{
		AccountSid:             f.opts.AccountSid,
		CallSid:                p.CallSid,
		ConferenceSid:          p.ConferenceSid,
		Label:                  p.Label,
		CallSidToCoach:         p.CallSidToCoach,
		Status:                 string(p.Status()),
		DateCreated:            p.DateCreated,
		DateUpdated:            p.DateUpdated,
		Coaching:               p.Coaching,
		EndConferenceOnExit:    p.EndConferenceOnExit,
		Muted:                  p.Muted,
		Hold:                   p.Hold,
		StartConferenceOnEnter: p.StartConferenceOnEnter,
	}
}

// createdParticipantJSON renders a Participant resource as created: with
// queue_time, only in the create response (https://www.twilio.com/docs/voice/api/conference-participant-resource).
func (f *Fake) createdParticipantJSON(p *sim.Participant) wire.ParticipantRecord {
	out := f.participantJSON(p)
	out.Created = true
	return out
}

// checkCallerID validates a participant's CallerId and CallerDisplayName
// (https://www.twilio.com/docs/voice/api/conference-participant-resource):
// "If the to parameter is a phone number, callerId must also be a phone
// number"; the display name "must be between 2 and 255 characters".
// INFERRED codes: 21212 (invalid caller ID) and 20001.
func checkCallerID(p sim.ParticipantParams) error {
	if p.CallerID != "" {
		phoneTo := strings.HasPrefix(p.To, "+")
		if !validAddress(p.CallerID) || (phoneTo && !strings.HasPrefix(p.CallerID, "+")) {
			return wire.InvalidParameter(21212, "CallerId", p.CallerID)
		}
	}
	if p.CallerDisplayName != "" {
		if n := utf8.RuneCountInString(p.CallerDisplayName); n < 2 || n > 255 {
			return wire.InvalidParameter(wire.CodeInvalidParameter, "CallerDisplayName", p.CallerDisplayName)
		}
	}
	return nil
}
