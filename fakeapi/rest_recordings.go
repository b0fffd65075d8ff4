package fakeapi

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/holdlab/holdlab/fakeapi/sim"
	"github.com/holdlab/holdlab/fakeapi/wire"
)

// The Recording resource (https://www.twilio.com/docs/voice/api/recording):
// a call's recordings (start, list, fetch, pause / resume / stop, delete),
// a conference's (list, fetch, pause / resume, delete) and the account's
// (list, fetch, delete).

// recordingEvents are the RecordingStatusCallbackEvent values. "failed"
// (encryption) is accepted and never sent.
var recordingEvents = map[string]bool{"in-progress": true, "completed": true, "absent": true, "failed": true}

// recordingOptions reads the recording parameters of POST
// /Calls/{Sid}/Recordings and of POST /Calls with Record=true:
// RecordingChannels, RecordingTrack, Trim and the recording status
// callback's.
func recordingOptions(form url.Values) (sim.RecordingOptions, error) {
	var o sim.RecordingOptions
	switch v := form.Get("RecordingChannels"); v {
	case "", "mono":
	case "dual":
		o.Channels = 2
	default:
		return o, wire.InvalidParameter(wire.CodeInvalidParameter, "RecordingChannels", v)
	}
	switch v := form.Get("RecordingTrack"); v {
	case "", "inbound", "outbound", "both":
		o.Track = v
	default:
		return o, wire.InvalidParameter(wire.CodeInvalidParameter, "RecordingTrack", v)
	}
	switch v := form.Get("Trim"); v {
	case "", "trim-silence", "do-not-trim":
		o.Trim = v
	default:
		return o, wire.InvalidParameter(wire.CodeInvalidParameter, "Trim", v)
	}
	var err error
	if o.StatusCallback, err = urlParam(form, "RecordingStatusCallback"); err != nil {
		return o, err
	}
	if o.StatusCallbackMethod, err = wire.Method(form, "RecordingStatusCallbackMethod", "POST"); err != nil {
		return o, err
	}
	for _, v := range form["RecordingStatusCallbackEvent"] {
		for _, ev := range strings.Fields(v) {
			if !recordingEvents[ev] {
				return o, wire.InvalidParameter(wire.CodeInvalidParameter, "RecordingStatusCallbackEvent", ev)
			}
			o.StatusCallbackEvents = append(o.StatusCallbackEvents, ev)
		}
	}
	return o, nil
}

// callPath is the {CallSid} segment: a CA SID, else 404.
func callPath(r restRequest) (string, error) {
	sid := r.PathValue("CallSid")
	if !wire.ValidSID("CA", sid) {
		return "", wire.NotFound(r.URL.Path)
	}
	return sid, nil
}

// recordingUpdate reads Status and PauseBehavior.
func recordingUpdate(form url.Values) (sim.RecordingUpdate, error) {
	u := sim.RecordingUpdate{Status: sim.RecordingStatus(form.Get("Status")), PauseBehavior: form.Get("PauseBehavior")}
	switch u.Status {
	case sim.RecordingPaused, sim.RecordingInProgress, sim.RecordingStopped:
	default:
		return u, wire.InvalidParameter(wire.CodeInvalidParameter, "Status", form.Get("Status"))
	}
	switch u.PauseBehavior {
	case "", sim.PauseSilence, sim.PauseSkip:
	default:
		return u, wire.InvalidParameter(wire.CodeInvalidParameter, "PauseBehavior", u.PauseBehavior)
	}
	return u, nil
}

// --- a call's recordings ---

func (f *Fake) createCallRecording(w http.ResponseWriter, r restRequest, form url.Values) error {
	callSid, err := callPath(r)
	if err != nil {
		return err
	}
	o, err := recordingOptions(form)
	if err != nil {
		return err
	}
	return doJSON(f, w, http.StatusCreated, func(e *sim.Engine) (*sim.Recording, error) {
		return e.CreateCallRecording(callSid, o)
	}, f.callRecordingJSON)
}

func (f *Fake) listCallRecordings(w http.ResponseWriter, r restRequest, form url.Values) error {
	return listRecordingsOf(f, w, r, form, callRecordings, f.callRecordingJSON)
}

func (f *Fake) fetchCallRecording(w http.ResponseWriter, r restRequest, _ url.Values) error {
	return fetchRecordingOf(f, w, r, callRecordings, f.callRecordingJSON)
}

func (f *Fake) updateCallRecording(w http.ResponseWriter, r restRequest, form url.Values) error {
	return updateRecordingOf(f, w, r, form, callRecordings, f.callRecordingJSON)
}

func (f *Fake) deleteCallRecording(w http.ResponseWriter, r restRequest, _ url.Values) error {
	return deleteRecordingOf(f, w, r, callRecordings)
}

// --- a conference's recordings ---

func (f *Fake) listConferenceRecordings(w http.ResponseWriter, r restRequest, form url.Values) error {
	return listRecordingsOf(f, w, r, form, conferenceRecordings, f.conferenceRecordingJSON)
}

func (f *Fake) fetchConferenceRecording(w http.ResponseWriter, r restRequest, _ url.Values) error {
	return fetchRecordingOf(f, w, r, conferenceRecordings, f.conferenceRecordingJSON)
}

func (f *Fake) updateConferenceRecording(w http.ResponseWriter, r restRequest, form url.Values) error {
	return updateRecordingOf(f, w, r, form, conferenceRecordings, f.conferenceRecordingJSON)
}

func (f *Fake) deleteConferenceRecording(w http.ResponseWriter, r restRequest, _ url.Values) error {
	return deleteRecordingOf(f, w, r, conferenceRecordings)
}

// recordingParent is a resource whose recordings the REST API serves under
// its own path: a call or a conference.
type recordingParent struct {
	// sid reads the parent's SID from the path (404 if malformed).
	sid    func(r restRequest) (string, error)
	list   func(e *sim.Engine, parent string, created []sim.TimeFilter, off, n int) ([]*sim.Recording, bool, error)
	get    func(e *sim.Engine, parent, sid string) (*sim.Recording, error)
	update func(e *sim.Engine, parent, sid string, u sim.RecordingUpdate) (*sim.Recording, error)
}

var (
	callRecordings = recordingParent{sid: callPath,
		list:   (*sim.Engine).CallRecordingsPage,
		get:    (*sim.Engine).CallRecording,
		update: (*sim.Engine).UpdateCallRecording}
	conferenceRecordings = recordingParent{sid: conferencePath,
		list:   (*sim.Engine).ConferenceRecordingsPage,
		get:    (*sim.Engine).ConferenceRecording,
		update: (*sim.Engine).UpdateConferenceRecording}
)

// listRecordingsOf lists a parent's recordings, filtered by DateCreated
// and paged.
func listRecordingsOf[J any](f *Fake, w http.ResponseWriter, r restRequest, form url.Values, p recordingParent, render func(*sim.Recording) J) error {
	parent, err := p.sid(r)
	if err != nil {
		return err
	}
	req, err := wire.ParsePageRequest(form)
	if err != nil {
		return err
	}
	created, err := timeFilters(form, "DateCreated")
	if err != nil {
		return err
	}
	return pageJSON(f, w, r, form, req, wire.KeyRecordings, func(e *sim.Engine, off, size int) ([]*sim.Recording, bool, error) {
		return p.list(e, parent, created, off, size)
	}, render)
}

// fetchRecordingOf answers one of a parent's recordings.
func fetchRecordingOf[J any](f *Fake, w http.ResponseWriter, r restRequest, p recordingParent, render func(*sim.Recording) J) error {
	parent, err := p.sid(r)
	if err != nil {
		return err
	}
	sid := resourceSid(r)
	return viewJSON(f, w, func(e *sim.Engine) (*sim.Recording, error) { return p.get(e, parent, sid) }, render)
}

// updateRecordingOf pauses, resumes or stops one of a parent's recordings.
func updateRecordingOf[J any](f *Fake, w http.ResponseWriter, r restRequest, form url.Values, p recordingParent, render func(*sim.Recording) J) error {
	parent, err := p.sid(r)
	if err != nil {
		return err
	}
	u, err := recordingUpdate(form)
	if err != nil {
		return err
	}
	sid := resourceSid(r)
	return doJSON(f, w, http.StatusOK, func(e *sim.Engine) (*sim.Recording, error) { return p.update(e, parent, sid, u) }, render)
}

// deleteRecordingOf deletes one of a parent's recordings.
func deleteRecordingOf(f *Fake, w http.ResponseWriter, r restRequest, p recordingParent) error {
	parent, err := p.sid(r)
	if err != nil {
		return err
	}
	sid := resourceSid(r)
	return doNoContent(f, w, func(e *sim.Engine) error {
		rec, err := p.get(e, parent, sid)
		if err != nil {
			return err
		}
		return e.DeleteRecording(rec)
	})
}

// --- the account's recordings ---

func (f *Fake) listRecordings(w http.ResponseWriter, r restRequest, form url.Values) error {
	req, err := wire.ParsePageRequest(form)
	if err != nil {
		return err
	}
	filter := sim.RecordingFilter{CallSid: form.Get("CallSid"), ConferenceSid: form.Get("ConferenceSid")}
	if filter.Created, err = timeFilters(form, "DateCreated"); err != nil {
		return err
	}
	return pageJSON(f, w, r, form, req, wire.KeyRecordings, func(e *sim.Engine, off, size int) ([]*sim.Recording, bool, error) {
		recs, more := e.RecordingsPage(filter, off, size)
		return recs, more, nil
	}, f.recordingJSON)
}

func (f *Fake) fetchRecording(w http.ResponseWriter, r restRequest, _ url.Values) error {
	sid := resourceSid(r)
	return viewJSON(f, w, func(e *sim.Engine) (*sim.Recording, error) {
		return e.Recording(sid)
	}, f.recordingJSON)
}

func (f *Fake) deleteRecording(w http.ResponseWriter, r restRequest, _ url.Values) error {
	sid := resourceSid(r)
	return doNoContent(f, w, func(e *sim.Engine) error {
		rec, err := e.Recording(sid)
		if err != nil {
			return err
		}
		return e.DeleteRecording(rec)
	})
}

// --- rendering ---

// recordingFields are what the three renderings of a recording share.
type recordingFields struct {
	account, sid, status, source *string
	callSid, confSid             *string
	created, updated, start      *string
	duration, priceUnit          *string
	errorCode                    *int
	channels                     int
	accountURI                   string
}

func (f *Fake) recordingFields(rec *sim.Recording) recordingFields {
	out := recordingFields{
		account:    wire.Ptr(f.opts.AccountSid),
		sid:        wire.Ptr(rec.Sid),
		status:     wire.Ptr(string(rec.Status)),
		source:     wire.Ptr(string(rec.Source)),
		callSid:    wire.NullString(rec.CallSid),
		confSid:    wire.NullString(rec.ConferenceSid),
		created:    wire.Ptr(wire.FormatDate(rec.DateCreated)),
		updated:    wire.Ptr(wire.FormatDate(rec.DateUpdated)),
		start:      wire.NullDate(rec.StartTime),
		channels:   rec.Channels,
		accountURI: "/2010-04-01/Accounts/" + f.opts.AccountSid + "/Recordings/" + rec.Sid,
	}
	if rec.Status == sim.RecordingCompleted || rec.Status == sim.RecordingAbsent {
		// Twilio's documented examples show a null duration and price_unit
		// while a recording is in progress or paused (UNCONFIRMED on the
		// live API).
		out.duration = wire.Ptr(strconv.Itoa(int(rec.Duration / time.Second)))
		out.priceUnit = wire.Ptr("USD")
	}
	if rec.ErrorCode != 0 {
		out.errorCode = wire.Ptr(rec.ErrorCode)
	}
	return out
}

// recordingJSON renders a recording as /Recordings shows it.
func (f *Fake) recordingJSON(rec *sim.Recording) wire.Recording {
	rf := f.recordingFields(rec)
	return wire.Recording{
		AccountSid: rf.account, APIVersion: wire.Ptr(wire.APIVersion), CallSid: rf.callSid, ConferenceSid: rf.confSid,
		DateCreated: rf.created, DateUpdated: rf.updated, StartTime: rf.start, Duration: rf.duration, Sid: rf.sid,
		PriceUnit: rf.priceUnit, Status: rf.status, Channels: wire.Ptr(rf.channels), Source: rf.source,
		ErrorCode: rf.errorCode, URI: wire.Ptr(rf.accountURI + ".json"),
		SubresourceURIs: map[string]string{
			"add_on_results": rf.accountURI + "/AddOnResults.json",
			"transcriptions": rf.accountURI + "/Transcriptions.json",
		},
		MediaURL: wire.Ptr("https://api.twilio.com" + rf.accountURI),
	}
}

// callRecordingJSON renders a recording as /Calls/{Sid}/Recordings shows it.
func (f *Fake) callRecordingJSON(rec *sim.Recording) wire.CallRecording {
	rf := f.recordingFields(rec)
	return wire.CallRecording{
		AccountSid: rf.account, APIVersion: wire.Ptr(wire.APIVersion), CallSid: rf.callSid, ConferenceSid: rf.confSid,
		DateCreated: rf.created, DateUpdated: rf.updated, StartTime: rf.start, Duration: rf.duration, Sid: rf.sid,
		URI:       wire.Ptr("/2010-04-01/Accounts/" + f.opts.AccountSid + "/Calls/" + rec.CallSid + "/Recordings/" + rec.Sid + ".json"),
		PriceUnit: rf.priceUnit, Status: rf.status, Channels: rf.channels, Source: rf.source, ErrorCode: rf.errorCode,
		Track: wire.Ptr(rec.Track),
	}
}

// conferenceRecordingJSON renders a recording as
// /Conferences/{Sid}/Recordings shows it.
func (f *Fake) conferenceRecordingJSON(rec *sim.Recording) wire.ConferenceRecording {
	rf := f.recordingFields(rec)
	return wire.ConferenceRecording{
		AccountSid: rf.account, APIVersion: wire.Ptr(wire.APIVersion), CallSid: rf.callSid, ConferenceSid: rf.confSid,
		DateCreated: rf.created, DateUpdated: rf.updated, StartTime: rf.start, Duration: rf.duration, Sid: rf.sid,
		PriceUnit: rf.priceUnit, Status: rf.status, Channels: rf.channels, Source: rf.source, ErrorCode: rf.errorCode,
		URI: wire.Ptr("/2010-04-01/Accounts/" + f.opts.AccountSid + "/Conferences/" + rec.ConferenceSid + "/Recordings/" + rec.Sid + ".json"),
	}
}
