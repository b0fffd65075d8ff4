package sim

import (
	"fmt"
	"math"

	"github.com/holdlab/holdlab/fakeapi/wire"
)

// The engine's API for the Recording resource
// (https://www.twilio.com/docs/voice/api/recording): what
// fakeapi/rest_recordings.go serves, under /Calls/{CallSid}/Recordings,
// /Conferences/{ConferenceSid}/Recordings and /Recordings.

// CurrentRecording names, in place of a recording SID, the one active
// recording of a call or conference.
const CurrentRecording = "Twilio.CURRENT"

// CreateCallRecording starts recording a call in progress (source
// StartCallRecordingAPI). A call that is not in progress is Twilio's
// 21220, "Requested resource is not eligible for recording".
func (e *Engine) CreateCallRecording(callSid string, o RecordingOptions) (*Recording, error) {
	c, err := e.call(callSid)
	if err != nil {
		return nil, err
	}
	if c.Status != StatusInProgress {
		return nil, errBadRequest(21220, "Requested resource is not eligible for recording")
	}
	e.notef(c, KindREST, facts{rest: restRef("POST", "Calls", c.Sid, "Recordings")}, "POST /Calls/%s/Recordings records %s", wire.Short(c.Sid), e.name(c))
	r := e.startRecording(c, nil, SourceStartCallRecordingAPI, o.withDefaults("do-not-trim"))
	e.flushHearing()
	return r, nil
}

// Recording returns the recording with the given SID.
func (e *Engine) Recording(sid string) (*Recording, error) {
	if r, ok := e.recs.bySid[sid]; ok {
		return r, nil
	}
	return nil, errNotFound(fmt.Sprintf("/2010-04-01/Accounts/%s/Recordings/%s.json", e.cfg.AccountSid, sid))
}

// RecordingFilter selects recordings in Recordings.
type RecordingFilter struct {
	CallSid, ConferenceSid string
	Created                []TimeFilter
	callOnly               bool // not the recordings of a conference
}

// Recordings returns the recordings matching f, newest first.
func (e *Engine) Recordings(f RecordingFilter) []*Recording {
	out, _ := e.RecordingsPage(f, 0, math.MaxInt)
	return out
}

// CallRecordings returns the recordings of a call (not those of its
// conferences), newest first.
func (e *Engine) CallRecordings(callSid string, created []TimeFilter) ([]*Recording, error) {
	out, _, err := e.CallRecordingsPage(callSid, created, 0, math.MaxInt)
	return out, err
}

// CallRecordingsPage is one page of CallRecordings: at most n recordings
// from the off-th, and whether more follow.
func (e *Engine) CallRecordingsPage(callSid string, created []TimeFilter, off, n int) ([]*Recording, bool, error) {
	if _, err := e.call(callSid); err != nil {
		return nil, false, err
	}
	out, more := e.RecordingsPage(RecordingFilter{CallSid: callSid, Created: created, callOnly: true}, off, n)
	return out, more, nil
}

// ConferenceRecordings returns the recordings of a conference, newest
// first.
func (e *Engine) ConferenceRecordings(confSid string, created []TimeFilter) ([]*Recording, error) {
	out, _, err := e.ConferenceRecordingsPage(confSid, created, 0, math.MaxInt)
	return out, err
}

// ConferenceRecordingsPage is one page of ConferenceRecordings: at most n
// recordings from the off-th, and whether more follow.
func (e *Engine) ConferenceRecordingsPage(confSid string, created []TimeFilter, off, n int) ([]*Recording, bool, error) {
	if _, err := e.Conference(confSid); err != nil {
		return nil, false, err
	}
	out, more := e.RecordingsPage(RecordingFilter{ConferenceSid: confSid, Created: created}, off, n)
	return out, more, nil
}

// CallRecording returns a recording of a call, by SID or
// CurrentRecording.
func (e *Engine) CallRecording(callSid, sid string) (*Recording, error) {
	return e.findRecording(sid, "Call", fmt.Sprintf("/2010-04-01/Accounts/%s/Calls/%s/Recordings/%s.json", e.cfg.AccountSid, callSid, sid),
		func(r *Recording) bool { return r.conf == nil && r.CallSid == callSid })
}

// ConferenceRecording returns a recording of a conference, by SID or
// CurrentRecording.
func (e *Engine) ConferenceRecording(confSid, sid string) (*Recording, error) {
	return e.findRecording(sid, "Conference", fmt.Sprintf("/2010-04-01/Accounts/%s/Conferences/%s/Recordings/%s.json", e.cfg.AccountSid, confSid, sid),
		func(r *Recording) bool { return r.ConferenceSid == confSid })
}

// findRecording finds one of the recordings of owns: by SID, or the only
// active one for CurrentRecording. INFERRED: with none, 404 / 20404; with
// several, Twilio documents an error ("more than one recording") without
// its code: 400 / 20001.
func (e *Engine) findRecording(sid, of, path string, owns func(*Recording) bool) (*Recording, error) {
	if sid != CurrentRecording {
		if r, ok := e.recs.bySid[sid]; ok && owns(r) {
			return r, nil
		}
		return nil, errNotFound(path)
	}
	var active []*Recording
	for _, r := range e.recs.live {
		if owns(r) && r.Status.Active() {
			active = append(active, r)
		}
	}
	switch len(active) {
	case 0:
		return nil, errNotFound(path)
	case 1:
		return active[0], nil
	}
	return nil, errBadRequest(20001, "The request failed because there is more than one recording for the given %s", of)
}

// RecordingUpdate is POST …/Recordings/{Sid}: Status paused, in-progress
// or stopped; PauseBehavior (skip or silence, default silence) with
// paused.
type RecordingUpdate struct {
	Status        RecordingStatus
	PauseBehavior string
}

// UpdateCallRecording pauses, resumes or stops a recording of a call
// (sid may be CurrentRecording).
func (e *Engine) UpdateCallRecording(callSid, sid string, u RecordingUpdate) (*Recording, error) {
	r, err := e.CallRecording(callSid, sid)
	if err != nil {
		return nil, err
	}
	return e.updateRecording(r, u, "POST /Calls/"+wire.Short(callSid)+"/Recordings/"+shortOr(sid), restRef("POST", "Calls", callSid, "Recordings", sid))
}

// UpdateConferenceRecording pauses or resumes a recording of a
// conference; Twilio does not stop a conference recording
// (https://www.twilio.com/docs/voice/api/recording#update-a-recording-resource;
// INFERRED: 400 / 20001).
func (e *Engine) UpdateConferenceRecording(confSid, sid string, u RecordingUpdate) (*Recording, error) {
	r, err := e.ConferenceRecording(confSid, sid)
	if err != nil {
		return nil, err
	}
	if u.Status == RecordingStopped {
		return nil, errBadRequest(20001, "The stopped status is not supported for conference recordings")
	}
	return e.updateRecording(r, u, "POST /Conferences/"+wire.Short(confSid)+"/Recordings/"+shortOr(sid), restRef("POST", "Conferences", confSid, "Recordings", sid))
}

func shortOr(sid string) string {
	if sid == CurrentRecording {
		return sid
	}
	return wire.Short(sid)
}

// updateRecording applies an update. A recording that is no longer active
// cannot change (INFERRED: 400 / 21220, Twilio's code for a call that is
// not in progress, which a recording that ended has left).
func (e *Engine) updateRecording(r *Recording, u RecordingUpdate, req string, rest *RESTRef) (*Recording, error) {
	switch u.Status {
	case RecordingPaused, RecordingInProgress, RecordingStopped:
	default:
		return nil, errBadRequest(20001, "Status must be paused, in-progress or stopped, not %q", u.Status)
	}
	if !r.Status.Active() {
		return nil, errBadRequest(21220, "Recording %s is %s: only an in-progress or paused recording can be updated", r.Sid, r.Status)
	}
	e.traceText(r.call, KindREST, 0, req+" Status="+string(u.Status)+" ("+wire.Short(r.Sid)+")", facts{rest: rest})
	switch u.Status {
	case RecordingPaused:
		behavior := u.PauseBehavior
		if behavior == "" {
			behavior = PauseSilence
		}
		e.pauseRecording(r, behavior)
	case RecordingInProgress:
		e.resumeRecording(r)
	case RecordingStopped:
		e.endRecording(r, "stopped by REST (Status=stopped)", true)
	}
	e.flushHearing()
	return r, nil
}

// DeleteRecording removes a recording that is over (INFERRED: one still
// recording or being processed is 400 / 20009, as for a call).
func (e *Engine) DeleteRecording(r *Recording) error {
	if r.Status != RecordingCompleted && r.Status != RecordingAbsent {
		return errBadRequest(20009, "Cannot delete this resource before it is complete")
	}
	e.recs.remove(r)
	e.traceText(r.call, KindREST, 0, "DELETE removes "+e.recName(r), facts{rest: restRef("DELETE", "Recordings", r.Sid)})
	return nil
}
