package sim

import (
	"fmt"
	"strings"
)

// The typed fields of a trace entry: what its Text says for people, for
// programs (the timeline and the recording of a scenario run). Each field
// is set only on the entries it concerns.

// RoomKind says whether a room is a conference or a queue.
type RoomKind string

// Kinds of rooms.
const (
	RoomConference RoomKind = "conference"
	RoomQueue      RoomKind = "queue"
)

// RoomRef names the conference or queue an entry is about.
type RoomRef struct {
	Kind RoomKind
	Name string // the friendly name: a <Conference> room, an <Enqueue> queue name
	Sid  string // CF… or QU…
	// Status is a conference's status after the entry (init, in-progress,
	// completed); "" for a queue.
	Status ConferenceStatus
}

// WebhookRef is a request the engine made to the app, and its answer.
type WebhookRef struct {
	// Purpose says what the request is for: "voice url", "redirect by
	// REST", "dial action", "status callback", "enqueue wait url", …
	Purpose string
	Method  string
	URL     string
	// StatusCode is the answer's HTTP status; 0 when there was no answer
	// (the request failed, or timed out).
	StatusCode  int
	ContentType string
}

// RESTRef is the REST request an entry is the effect of.
type RESTRef struct {
	Method string
	// Path is under the account, with full SIDs and without .json:
	// /Calls/CA…, /Conferences/CF…/Participants/CA….
	Path string
}

// Cause says, for programs, why a call's status changed, why a leg left a
// conference or queue, or why a <Dial> (or a conference) ended. The entry's
// Text says it for people.
type Cause string

// Causes. A conference that ends has Twilio's ReasonConferenceEnded as its
// cause (EndedLastLeft, …); a leg that leaves a queue by itself has its
// QueueResult.
const (
	CauseIncoming          Cause = "incoming"            // a call reached one of the account's numbers
	CauseRinging           Cause = "ringing"             // the called phone (or number) rings
	CausePhoneAnswered     Cause = "phone-answered"      // the called phone answered
	CauseTwiMLAnswered     Cause = "twiml-answered"      // Twilio answered an inbound call to run its TwiML
	CauseAnswerOnBridge    Cause = "answer-on-bridge"    // <Dial answerOnBridge> answered the caller at the bridge
	CauseLoopAnswered      Cause = "loop-answered"       // the account's own number answered the call to it
	CauseHangup            Cause = "hangup"              // a party hung up
	CauseHangupByREST      Cause = "hangup-by-rest"      // POST /Calls/{Sid} Status=completed
	CauseCanceledByREST    Cause = "canceled-by-rest"    // POST /Calls/{Sid} Status=canceled
	CauseRedirectedByREST  Cause = "redirected-by-rest"  // the leg was given new TwiML by REST
	CauseKickedByREST      Cause = "kicked-by-rest"      // DELETE …/Participants/{CallSid}
	CauseParentRedirected  Cause = "parent-redirected"   // a <Dial>'s parent was redirected by REST
	CauseChildRedirected   Cause = "child-redirected"    // a <Dial>'s child was redirected by REST
	CauseParentHungUp      Cause = "parent-hung-up"      // a <Dial>'s parent hung up
	CauseDialEnded         Cause = "dial-ended"          // the <Dial> that rang a child ended
	CauseOtherAnswered     Cause = "other-answered"      // another child of the same <Dial> answered first
	CauseTimeout           Cause = "timeout"             // nobody answered (or joined) in time
	CauseTimeLimit         Cause = "time-limit"          // a TimeLimit or <Dial timeLimit> was reached
	CauseHangupOnStar      Cause = "hangup-on-star"      // the caller pressed * (hangupOnStar)
	CauseBusy              Cause = "busy"                // the line is busy, or <Reject> refused the call
	CauseUnreachable       Cause = "unreachable"         // the number could not be reached
	CauseTwiMLHangup       Cause = "twiml-hangup"        // <Hangup> or <Reject> in TwiML
	CauseOutOfVerbs        Cause = "out-of-verbs"        // the TwiML ran out of verbs
	CauseNoTwiML           Cause = "no-twiml"            // a participant added by REST left its conference
	CauseApplicationError  Cause = "application-error"   // an application error ended the call
	CauseDialingLoop       Cause = "dialing-loop"        // holdlab refused a dialing loop
	CauseOtherSideEnded    Cause = "other-side-ended"    // the other side of a call to the account's own number ended
	CauseConferenceEnded   Cause = "conference-ended"    // the leg's conference ended
	CauseBridgeEnded       Cause = "bridge-ended"        // a <Dial> whose bridge ended normally
	CauseDequeued          Cause = "dequeued"            // a <Dial><Queue> or REST took the caller from its queue
	CauseQueueFull         Cause = "queue-full"          // the queue was full
	CauseLeave             Cause = "leave"               // <Leave> in a queue's waitUrl
	CauseError             Cause = "error"               // a queue's waitUrl failed
	CauseNoRoom            Cause = "no-such-queue"       // <Dial><Queue> of a queue that does not exist
	CauseBridgingInProcess Cause = "bridging-in-process" // the dialer left while the <Queue url> played
	CauseRestored          Cause = "restored"            // serve restored a record that was live when it stopped (snapshot.go)
)

// leaveCauses are the causes of leaving a room, by how.
var leaveCauses = [...]Cause{
	leftHungUp:     CauseHangup,
	leftRedirected: CauseRedirectedByREST,
	leftKicked:     CauseKickedByREST,
	leftStar:       CauseHangupOnStar,
	leftTimeLimit:  CauseTimeLimit,
	leftConfEnded:  CauseConferenceEnded,
}

// facts are the typed fields an emitter gives an entry.
type facts struct {
	other   *Call // the counterpart leg
	room    *RoomRef
	hearing *Hearing
	cause   Cause
	webhook *WebhookRef
	rest    *RESTRef
}

// fill copies the facts into an entry.
func (f *facts) fill(t *traceLog, en *traceEntry) {
	if f.other != nil {
		en.other = f.other.Sid
	}
	en.room, en.hearing, en.webhook, en.rest = f.room, f.hearing, f.webhook, f.rest
	en.cause = t.nameIndex(string(f.cause))
}

// notef adds an entry with typed fields beside its text.
func (e *Engine) notef(c *Call, kind EntryKind, f facts, format string, args ...any) {
	e.traceText(c, kind, 0, fmt.Sprintf(format, args...), f)
}

// confRef names a conference for an entry, with its status now. Entries
// share it until the conference changes status: a RoomRef is never
// modified.
func confRef(cf *Conference) *RoomRef {
	if r := cf.ref; r == nil || r.Status != cf.Status {
		cf.ref = &RoomRef{Kind: RoomConference, Name: cf.FriendlyName, Sid: cf.Sid, Status: cf.Status}
	}
	return cf.ref
}

// queueRef names a queue for an entry. Entries share it until the queue is
// renamed: a RoomRef is never modified.
func queueRef(q *Queue) *RoomRef {
	if r := q.ref; r == nil || r.Name != q.FriendlyName {
		q.ref = &RoomRef{Kind: RoomQueue, Name: q.FriendlyName, Sid: q.Sid}
	}
	return q.ref
}

// restRef names a REST request on the participant,
// /Conferences/{confSid}/Participants/{who}, for its entries. Entries
// share it while the same request comes again (a hold, then an unhold):
// a RESTRef is never modified.
func (pt *Participant) restRef(method, confSid, who string) *RESTRef {
	if r := pt.rest; r != nil && r.Method == method && isConcat(r.Path, "/Conferences/", confSid, "/Participants/", who) {
		return r
	}
	pt.rest = &RESTRef{Method: method, Path: "/Conferences/" + confSid + "/Participants/" + who}
	return pt.rest
}

// isConcat reports whether s is the concatenation of parts, without
// building it.
func isConcat(s string, parts ...string) bool {
	for _, p := range parts {
		if !strings.HasPrefix(s, p) {
			return false
		}
		s = s[len(p):]
	}
	return s == ""
}

// restRef names the REST request an entry is the effect of; parts are
// joined by "/" under the account.
func restRef(method string, parts ...string) *RESTRef {
	n := 0
	for _, s := range parts {
		n += 1 + len(s)
	}
	var b strings.Builder
	b.Grow(n)
	for _, s := range parts {
		b.WriteByte('/')
		b.WriteString(s)
	}
	return &RESTRef{Method: method, Path: b.String()}
}
