package sim

import (
	"fmt"
	"math"
	"time"

	"github.com/holdlab/holdlab/fakeapi/wire"
)

// The engine's API for the Call resource: what fakeapi/rest_calls.go
// serves, and PlaceCall, a phone of the outside world calling in.

// CallParams describes a call created through the REST API (POST /Calls).
// The fakeapi package validates the request's wire format first.
type CallParams struct {
	To, From             string
	URL, Method          string // Method defaults to POST
	Twiml                string // inline TwiML, used when URL is empty
	FallbackURL          string
	FallbackMethod       string
	StatusCallback       string
	StatusCallbackMethod string
	StatusCallbackEvents []string      // default: completed only
	Timeout              time.Duration // ring time, default 60s
	TimeLimit            time.Duration // 0: no limit
	// Record starts a recording (source OutboundAPI) when the call is
	// answered, with Recording's settings (recording.go).
	Record    bool
	Recording RecordingOptions
	// ApplicationSid, when set, makes the call use that TwiML App's URLs
	// (api_applications.go).
	ApplicationSid string
}

// CreateCall creates an outbound-api call. It starts queued; it is
// dispatched at the current instant, once the caller lets the engine run.
func (e *Engine) CreateCall(p CallParams) (*Call, error) {
	if p.To == "" {
		return nil, errBadRequest(21201, "No 'To' number is specified")
	}
	if p.From == "" {
		return nil, errBadRequest(21213, "No 'From' number is specified")
	}
	if err := e.callApplication(&p); err != nil {
		return nil, err
	}
	if p.URL == "" && p.Twiml == "" {
		return nil, errBadRequest(21205, "Url parameter is required.")
	}
	c := e.newCall(DirectionOutboundAPI, p.From, p.To, nil)
	c.URL, c.Method = p.URL, orPOST(p.Method)
	c.inline = p.Twiml
	c.FallbackURL, c.FallbackMethod = p.FallbackURL, orPOST(p.FallbackMethod)
	c.StatusCallback, c.StatusCallbackMethod = p.StatusCallback, orPOST(p.StatusCallbackMethod)
	c.StatusCallbackEvents = eventSet(p.StatusCallbackEvents)
	c.timeout = p.Timeout
	if c.timeout <= 0 {
		c.timeout = 60 * time.Second
	}
	c.timeLimit = p.TimeLimit
	c.answerer = func() { e.runAppURL(c, "url") }
	if p.Record {
		e.recordOnAnswer(c, p.Recording)
	}
	e.traceText(c, KindREST, 0, "POST /Calls creates "+e.name(c)+": "+p.From+" -> "+p.To, facts{rest: restRef("POST", "Calls")})
	e.after(0, func() { e.dispatch(c) })
	e.flushHearing()
	return c, nil
}

// PlaceCall simulates a phone of the outside world (from) calling one of the
// account's numbers (to): a new inbound call that fetches the number's
// VoiceUrl, as on Twilio.
func (e *Engine) PlaceCall(from, to string) (*Call, error) {
	n, ok := e.numbers[to]
	if !ok {
		return nil, errBadRequest(21211, "The 'To' number %s is not one of the account's IncomingPhoneNumbers", to)
	}
	if from == "" {
		return nil, errBadRequest(21213, "No 'From' number is specified")
	}
	c := e.newCall(DirectionInbound, from, to, nil)
	e.attachPhone(c, from)
	e.traceText(c, KindPhone, 0, e.nameOr(c, from)+" calls "+to, facts{})
	e.startInbound(c, n)
	e.connectPhone(c)
	e.flushHearing()
	return c, nil
}

// Call returns the call with the given SID.
func (e *Engine) Call(sid string) (*Call, bool) {
	c, ok := e.calls[sid]
	return c, ok
}

func (e *Engine) call(sid string) (*Call, error) {
	c, ok := e.calls[sid]
	if !ok {
		return nil, errNotFound(fmt.Sprintf("/2010-04-01/Accounts/%s/Calls/%s.json", e.cfg.AccountSid, sid))
	}
	return c, nil
}

// CallFilter selects calls in Calls.
type CallFilter struct {
	To, From, ParentCallSid string
	Status                  Status
	// Started and Ended are the StartTime and EndTime filters (StartTime,
	// StartTime<, StartTime>, and the same for EndTime). A call that was
	// never answered has no start time, and one still live no end time:
	// such a call matches no filter on it (INFERRED: Twilio's list shows
	// their start_time or end_time empty).
	Started, Ended []TimeFilter
}

// Calls returns the calls matching f, newest first, as Twilio lists them
// (https://www.twilio.com/docs/voice/api/call-resource#read-multiple-call-resources).
func (e *Engine) Calls(f CallFilter) []*Call {
	out, _ := e.idx.page(f, 0, math.MaxInt)
	return out
}

// CallsPage returns one page of Calls(f): at most n calls from the off-th
// (0-based), and whether more match after them. It costs O(log N + n)
// for N calls in all, unfiltered or with one of To, From, ParentCallSid
// or Status; see callIndex.page for the other filters.
func (e *Engine) CallsPage(f CallFilter, off, n int) ([]*Call, bool) {
	return e.idx.page(f, off, n)
}

// matchTimes reports whether t passes every filter; the zero time (not
// set) passes none.
func matchTimes(fs []TimeFilter, t time.Time) bool {
	if len(fs) == 0 {
		return true
	}
	if t.IsZero() {
		return false
	}
	for _, f := range fs {
		if !f.Match(t) {
			return false
		}
	}
	return true
}

// DeleteCall removes an ended call's record.
func (e *Engine) DeleteCall(sid string) error {
	c, err := e.call(sid)
	if err != nil {
		return err
	}
	if c.Live() {
		return errBadRequest(20009, "Cannot delete this resource before it is complete")
	}
	delete(e.calls, sid)
	e.idx.remove(c)
	e.notef(c, KindREST, facts{rest: restRef("DELETE", "Calls", c.Sid)}, "DELETE removes the record of %s", e.name(c))
	return nil
}

// UpdateParams is a REST update of a call (POST /Calls/{Sid}): a redirect to
// new TwiML (URL or Twiml), a hang-up (Status), or new callback settings.
type UpdateParams struct {
	URL, Method          string
	Twiml                string
	Status               Status // "", StatusCompleted or StatusCanceled
	FallbackURL          string
	FallbackMethod       string
	StatusCallback       string
	StatusCallbackMethod string
	TimeLimit            *time.Duration
}

// UpdateCall applies a REST update to a call, as Twilio does. Updating an
// ended call is Twilio's 21220.
func (e *Engine) UpdateCall(sid string, p UpdateParams) (*Call, error) {
	c, err := e.call(sid)
	if err != nil {
		return nil, err
	}
	if c.Status.Terminal() {
		return nil, errNotInProgress()
	}
	if p.FallbackURL != "" {
		c.FallbackURL, c.FallbackMethod = p.FallbackURL, orPOST(p.FallbackMethod)
	}
	if p.StatusCallback != "" {
		c.StatusCallback, c.StatusCallbackMethod = p.StatusCallback, orPOST(p.StatusCallbackMethod)
	}
	if p.TimeLimit != nil {
		c.timeLimit = *p.TimeLimit
	}
	c.DateUpdated = e.now
	switch {
	case p.Status == StatusCanceled:
		e.cancelCall(c)
	case p.Status == StatusCompleted:
		if c.Answered() {
			e.notef(c, KindREST, facts{rest: restRef("POST", "Calls", c.Sid)}, "POST /Calls/%s Status=completed hangs up %s", wire.Short(c.Sid), e.name(c))
			e.endCall(c, StatusCompleted, CauseHangupByREST, "hung up by REST (Status=completed)")
		} else {
			e.notef(c, KindREST, facts{rest: restRef("POST", "Calls", c.Sid)}, "POST /Calls/%s Status=completed ends %s before it was answered", wire.Short(c.Sid), e.name(c))
			e.endCall(c, StatusCanceled, CauseHangupByREST, "ended by REST (Status=completed) before it was answered")
		}
	case p.URL != "" || p.Twiml != "":
		e.redirect(c, p)
	}
	e.flushHearing()
	return c, nil
}

// cancelCall applies Status=canceled: it ends only calls that are queued or
// ringing. A <Dial> child that rings already counts as in progress for the
// REST API, so it is left alone (https://www.twilio.com/docs/voice/api/call-resource#update-a-call-resource).
func (e *Engine) cancelCall(c *Call) {
	switch {
	case c.Answered():
		e.notef(c, KindREST, facts{rest: restRef("POST", "Calls", c.Sid)}, "POST /Calls/%s Status=canceled has no effect: %s is in progress", wire.Short(c.Sid), e.name(c))
	case c.Direction == DirectionOutboundDial:
		e.notef(c, KindREST, facts{rest: restRef("POST", "Calls", c.Sid)}, "POST /Calls/%s Status=canceled has no effect: a ringing <Dial> child counts as in progress; use Status=completed", wire.Short(c.Sid))
	default:
		e.notef(c, KindREST, facts{rest: restRef("POST", "Calls", c.Sid)}, "POST /Calls/%s Status=canceled cancels %s", wire.Short(c.Sid), e.name(c))
		e.endCall(c, StatusCanceled, CauseCanceledByREST, "canceled by REST (Status=canceled)")
	}
}

// redirect gives c new TwiML, with the <Dial> consequences of §1.3.
func (e *Engine) redirect(c *Call, p UpdateParams) {
	what := "Url=" + p.URL
	if p.URL == "" {
		what = "Twiml"
	}
	if !c.Answered() {
		// Not answered yet: the new instructions run when it answers.
		e.notef(c, KindREST, facts{rest: restRef("POST", "Calls", c.Sid)}, "POST /Calls/%s %s: %s is not answered yet, so the new TwiML runs when it is", wire.Short(c.Sid), what, e.name(c))
		e.leaveRooms(c, leftRedirected, "") // a participant still ringing will not join
		c.URL, c.Method, c.inline = p.URL, orPOST(p.Method), p.Twiml
		if c.inDial != nil {
			e.childRedirected(c)
			c.answerer = func() { e.runAppURL(c, "url") }
		}
		return
	}
	e.notef(c, KindREST, facts{rest: restRef("POST", "Calls", c.Sid)}, "POST /Calls/%s %s redirects %s", wire.Short(c.Sid), what, e.name(c))
	// New TwiML takes the leg out of its conference or queue first
	// (pitfall 4; rooms.go).
	e.leaveRooms(c, leftRedirected, "")
	if c.dialing != nil {
		e.parentRedirected(c)
	}
	// The redirected leg fetches its new TwiML first; a <Dial> it was the
	// child of then ends, and its parent moves on.
	inDial := c.inDial != nil
	if p.URL != "" {
		e.fetchTwiML(c, p.URL, orPOST(p.Method), nil, modeMain, "redirect by REST", false)
	}
	if inDial {
		e.childRedirected(c)
	}
	if p.URL == "" {
		e.runInline(c, p.Twiml, modeMain)
	}
}
