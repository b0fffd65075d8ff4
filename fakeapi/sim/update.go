package sim

import (
	"github.com/holdlab/holdlab/fakeapi/wire"
	"time"
)

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
			e.tracef(c, KindREST, "POST /Calls/%s Status=completed hangs up %s", wire.Short(c.Sid), e.name(c))
			e.endCall(c, StatusCompleted, "hung up by REST (Status=completed)")
		} else {
			e.tracef(c, KindREST, "POST /Calls/%s Status=completed ends %s before it was answered", wire.Short(c.Sid), e.name(c))
			e.endCall(c, StatusCanceled, "ended by REST (Status=completed) before it was answered")
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
		e.tracef(c, KindREST, "POST /Calls/%s Status=canceled has no effect: %s is in progress", wire.Short(c.Sid), e.name(c))
	case c.Direction == DirectionOutboundDial:
		e.tracef(c, KindREST, "POST /Calls/%s Status=canceled has no effect: a ringing <Dial> child counts as in progress; use Status=completed", wire.Short(c.Sid))
	default:
		e.tracef(c, KindREST, "POST /Calls/%s Status=canceled cancels %s", wire.Short(c.Sid), e.name(c))
		e.endCall(c, StatusCanceled, "canceled by REST (Status=canceled)")
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
		e.tracef(c, KindREST, "POST /Calls/%s %s: %s is not answered yet, so the new TwiML runs when it is", wire.Short(c.Sid), what, e.name(c))
		e.leaveRooms(c, leftRedirected, "") // a participant still ringing will not join
		c.URL, c.Method, c.inline = p.URL, orPOST(p.Method), p.Twiml
		if c.inDial != nil {
			e.childRedirected(c)
			c.answerer = func() { e.runAppURL(c, "url") }
		}
		return
	}
	e.tracef(c, KindREST, "POST /Calls/%s %s redirects %s", wire.Short(c.Sid), what, e.name(c))
	// New TwiML takes the leg out of its conference or queue first
	// (pitfall 4; conference.go, queue.go).
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
