package sim

import (
	"net/url"
	"slices"
)

// Leaving a conference: a participant leaves (hangs up, is kicked, is
// redirected, presses *, reaches its time limit), its <Dial> completes, and
// the conference ends when its rules say so.

// leaveConference takes pt out of its conference. why is
// ReasonParticipantLeft; st, when set, is the status the leaving call is
// about to end with.
func (e *Engine) leaveConference(pt *Participant, how leaveHow, st Status, why string) {
	if pt.left || pt.failed {
		return
	}
	cf, c := pt.conf, pt.call
	wasJoined := pt.joined
	was := pt.role()
	pt.limit.cancel()
	for _, r := range []*mediaRunner{pt.wait, pt.hold, pt.announce} {
		e.stopRunner(r)
	}
	if c.part == pt {
		c.part = nil
	}
	cf.remove(pt)
	pt.DateUpdated = e.now
	callStatus := c.Status
	if st != "" {
		callStatus = st
	}
	if wasJoined {
		pt.left = true
		e.traceText(c, KindConf, 0, e.name(c)+" leaves conference "+confName(cf)+" ("+leaveText(inConference, how)+")", facts{room: confRef(cf), cause: leaveCauses[how]})
		e.confEvent(cf, "participant-leave", pt, url.Values{"ReasonParticipantLeft": {why}, "ParticipantCallStatus": {string(callStatus)}})
	} else {
		pt.failed = true
		if how == leftRedirected {
			e.notef(c, KindConf, facts{room: confRef(cf), cause: CauseRedirectedByREST}, "%s will not join conference %s: it was given new TwiML before it answered", e.name(c), confName(cf))
		} else {
			// INFERRED: a participant that never connected is reported as
			// participant-leave with participant_add_failed.
			e.notef(c, KindConf, facts{room: confRef(cf), cause: leaveCauses[how]}, "%s never joined conference %s (%s)", e.name(c), confName(cf), callStatus)
			e.confEvent(cf, "participant-leave", pt, url.Values{"ReasonParticipantLeft": {"participant_add_failed"}, "ParticipantCallStatus": {string(callStatus)}})
		}
	}
	e.roomTouch(pt, cf.reindex(pt, was))
	if cf.Status != ConferenceCompleted && how != leftConfEnded {
		kicked := how == leftKicked
		switch {
		case wasJoined && pt.EndConferenceOnExit:
			reason := EndedModeratorLeft
			if kicked {
				reason = EndedModeratorKicked
			}
			e.endConference(cf, reason, pt)
		case cf.nParts == 0:
			reason := EndedLastLeft
			if kicked {
				reason = EndedLastKicked
			}
			var by *Participant
			if wasJoined {
				by = pt // a call that never connected did not end it
			}
			e.endConference(cf, reason, by)
		}
	}
	if wasJoined {
		e.afterConference(pt, how, callStatus)
	}
}

// afterConference moves a leg on after it left a room: its <Dial> completes
// (action URL or next verb); a participant added by REST has no TwiML and
// is hung up.
func (e *Engine) afterConference(pt *Participant, how leaveHow, st Status) {
	c := pt.call
	switch {
	case how == leftRedirected:
		return // the leg runs its new TwiML; the action is not requested (INFERRED, as for a Dial parent)
	case pt.viaAPI:
		if how != leftHungUp && c.Live() {
			e.endCall(c, StatusCompleted, CauseNoTwiML, "it left conference "+confName(pt.conf)+" and, added by the Participants API, has no TwiML to go on with")
		}
		return
	}
	// "When calling a conference, the DialCallStatus will be answered"
	// (https://www.twilio.com/docs/voice/twiml/dial, the DialCallStatus
	// values). A conference Dial's action gets no DialCallSid or
	// DialCallDuration, which belong to a dialed call.
	params := url.Values{"DialCallStatus": {"answered"}}
	e.traceText(c, KindDial, 0, e.name(c)+"'s <Dial><Conference> ends: DialCallStatus=answered", facts{room: confRef(pt.conf), cause: leaveCauses[how]})
	if how == leftHungUp {
		e.actionCallback(c, pt.prog, pt.dial.Action, pt.dial.Method, params, st, "dial action (the caller is gone; the answer is ignored)")
		return
	}
	e.resumeMain(c, pt.prog, pt.dial.Action, pt.dial.Method, params, "dial action")
}

// endConference ends cf: every participant leaves (their <Dial>s complete)
// and conference-end is sent.
func (e *Engine) endConference(cf *Conference, reason string, by *Participant) {
	if cf.Status == ConferenceCompleted {
		return
	}
	cf.Status = ConferenceCompleted
	delete(e.liveConfs, cf.FriendlyName)
	cf.ReasonEnded = reason
	cf.DateUpdated = e.now
	var byCall *Call
	if by != nil {
		cf.CallSidEnding = by.CallSid
		byCall = by.call
	}
	e.traceText(byCall, KindConf, 0, "conference "+confName(cf)+" ends: "+reason, facts{room: confRef(cf), cause: Cause(reason)})
	e.conferenceEnded(cf) // its recordings end (recording.go)
	e.stopRunner(cf.announce)
	why := "moderator_ended_conference"
	if reason == EndedViaAPI {
		why = "conference_ended_via_api"
	}
	for _, pt := range slices.Collect(cf.all()) {
		if pt.joined {
			e.leaveConference(pt, leftConfEnded, "", why)
			continue
		}
		if pt.call.Live() {
			e.endCall(pt.call, StatusCanceled, CauseConferenceEnded, "its conference "+confName(cf)+" ended before it joined")
		}
	}
	if cf.joinedAny {
		extra := url.Values{"ReasonConferenceEnded": {reason}, "Reason": {endText(reason, by)}}
		if by != nil {
			extra.Set("CallSidEndingConference", by.CallSid)
			if by.Label != "" {
				extra.Set("ParticipantLabelEndingConference", by.Label)
			}
		}
		e.confEvent(cf, "conference-end", nil, extra)
	}
}
