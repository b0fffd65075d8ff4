package strategies

import (
	"context"
	"fmt"
	"net/url"

	openapi "github.com/twilio/twilio-go/rest/api/v2010"
	"github.com/twilio/twilio-go/twiml"
)

// CallLeg holds calls whose parties are the two legs of a <Dial>, without a
// conference. Hold parks the held party in a queue (<Enqueue>, whose wait
// music is the hold music) and keeps the other party on the line; unhold
// bridges them again with <Dial><Queue>.
//
// Which leg to move is the whole point. At any moment one party is the
// "dialer": its call is blocked inside a <Dial> (at first the party whose
// call came first; after an unhold, the party that dialed the queue). The
// other party's leg hangs off that Dial. Twilio's rules
// (https://www.twilio.com/docs/voice/twiml/dial):
//
//   - Redirect the dialer's leg and Twilio hangs up the other leg. So the
//     dialer is never redirected while bridged.
//   - Redirect the other leg and the dialer's <Dial> ends cleanly: the
//     dialer goes to the Dial's action URL. With no action and no next verb
//     it would hang up, so every Dial here has an action.
//
// So Hold always redirects the non-dialer, and lets the dialer's action URL
// decide what the dialer does next:
//
//   - holding the non-dialer: redirect it into <Enqueue>; the dialer's
//     action answers with a keep-alive (the free party hears silence);
//   - holding the dialer: redirect the non-dialer to the keep-alive; the
//     dialer's action answers with <Enqueue>.
//
// Unhold redirects the free party (never bridged at that moment, so nobody
// drops) to <Dial><Queue>, which takes the held party out of the queue and
// bridges them. The free party is the dialer from then on.
//
// When a party hangs up during hold, the app hears of it (the Enqueue action
// with QueueResult=hangup, or a status callback) and ends the other leg.
type CallLeg struct {
	*base
}

var _ Strategy = (*CallLeg)(nil)

// NewCallLeg returns the call-leg strategy.
func NewCallLeg(cfg Config) (*CallLeg, error) {
	b, err := newBase(cfg)
	if err != nil {
		return nil, err
	}
	s := &CallLeg{base: b}
	b.handle("/voice", s.inbound)
	b.handle("/outbound", s.outbound)
	b.handle("/dial-ended", s.dialEnded)
	b.handle("/enqueue", func(form url.Values) []twiml.Element { return s.enqueue(form.Get("first"), Party(form.Get("party"))) })
	b.handle("/idle", func(url.Values) []twiml.Element { return s.idle() })
	b.handle("/bridge", func(form url.Values) []twiml.Element { return s.bridge(form.Get("first"), Party(form.Get("party"))) })
	b.handle("/left-queue", s.leftQueue)
	b.handle("/leg-ended", s.legEnded)
	b.handle("/music", func(url.Values) []twiml.Element { return b.musicTwiML() })
	return s, nil
}

// Name implements Strategy.
func (s *CallLeg) Name() string { return "callleg" }

// VoiceURL implements Strategy.
func (s *CallLeg) VoiceURL() string { return s.url("/voice") }

// callState is the call-leg strategy's view of a session.
type callState struct {
	dialer Party // whose leg is blocked in a <Dial>
	// next is what the dialer's action must answer: "enqueue", "idle", or
	// "" (the other party left: hang up).
	next string
}

func (s *CallLeg) state(sess *session) *callState {
	if sess.data == nil {
		sess.data = &callState{}
	}
	return sess.data.(*callState)
}

// inbound: the customer called; dial the agent. The customer is the dialer.
func (s *CallLeg) inbound(form url.Values) []twiml.Element {
	first := form.Get("CallSid")
	sess := s.newSession(first, true)
	s.withSession(sess, func() { s.state(sess).dialer = Customer })
	return s.dial(first, Customer, s.cfg.Agent)
}

// outbound: the agent answered; dial the customer. The agent is the dialer.
func (s *CallLeg) outbound(form url.Values) []twiml.Element {
	first := form.Get("CallSid")
	sess, err := s.session(first)
	if err != nil {
		sess = s.newSession(first, false)
	}
	s.withSession(sess, func() { s.state(sess).dialer = Agent })
	return s.dial(first, Agent, form.Get("customer"))
}

// dial is the dialer's <Dial>, with an action so that the dialer survives
// the other leg being redirected, and a status callback on the other leg so
// that the app hears when it hangs up.
func (s *CallLeg) dial(first string, dialer Party, to string) []twiml.Element {
	q := "?first=" + url.QueryEscape(first)
	return []twiml.Element{&twiml.VoiceDial{
		Action:   s.url("/dial-ended" + q + "&party=" + string(dialer)),
		CallerId: s.cfg.SupportNumber,
		InnerElements: []twiml.Element{&twiml.VoiceNumber{
			PhoneNumber:          to,
			StatusCallback:       s.url("/leg-ended" + q + "&party=" + string(dialer.Other())),
			StatusCallbackEvent:  "completed",
			StatusCallbackMethod: "POST",
		}},
	}}
}

// CallCustomer implements Strategy.
func (s *CallLeg) CallCustomer(ctx context.Context, customer string) (string, error) {
	c, err := s.cfg.Client.CreateCall(&openapi.CreateCallParams{
		To:   ptr(s.cfg.Agent),
		From: ptr(s.cfg.SupportNumber),
		Url:  ptr(s.url("/outbound?customer=" + url.QueryEscape(customer))),
		// The agent's leg is the first leg: its end reaches the app here.
		StatusCallback:      ptr(s.url("/leg-ended?party=agent")),
		StatusCallbackEvent: &[]string{"completed"},
	})
	if err != nil {
		return "", fmt.Errorf("call the agent: %w", err)
	}
	s.newSession(*c.Sid, false)
	return *c.Sid, nil
}

// Hold implements Strategy. It never redirects the dialer (see the type's
// doc comment).
func (s *CallLeg) Hold(ctx context.Context, callSid string, who Party) error {
	sess, err := s.session(callSid)
	if err != nil {
		return err
	}
	if err := s.learnLegs(sess); err != nil {
		return err
	}
	var st callState
	var legs map[Party]string
	s.withSession(sess, func() {
		st = *s.state(sess)
		legs = map[Party]string{Customer: sess.legs[Customer], Agent: sess.legs[Agent]}
	})
	if sessHeld(s.base, sess) != "" {
		return nil // already on hold: nothing to do
	}
	other := st.dialer.Other()
	var target, next string
	if who == other {
		// The held party is the non-dialer: park it in the queue; the
		// dialer's action keeps the dialer on the line.
		target, next = s.url("/enqueue?first="+url.QueryEscape(sess.first)+"&party="+string(who)), "idle"
	} else {
		// The held party is the dialer: it must not be redirected (its
		// other leg would drop). Move the other party to the keep-alive;
		// the dialer's action will enqueue the dialer.
		target, next = s.url("/idle"), "enqueue"
	}
	s.withSession(sess, func() {
		s.state(sess).next = next
		sess.held = who
	})
	_, err = s.cfg.Client.UpdateCall(legs[other], &openapi.UpdateCallParams{Url: ptr(target)})
	if err != nil {
		s.withSession(sess, func() { s.state(sess).next, sess.held = "", "" })
		return callEnded(err, "redirect the "+string(other)+"'s leg")
	}
	return nil
}

// Unhold implements Strategy: the free party dials the queue the held party
// waits in.
func (s *CallLeg) Unhold(ctx context.Context, callSid string) error {
	sess, err := s.session(callSid)
	if err != nil {
		return err
	}
	held := sessHeld(s.base, sess)
	if held == "" {
		return ErrNotHeld
	}
	free := held.Other()
	var leg string
	s.withSession(sess, func() { leg = sess.legs[free] })
	target := s.url("/bridge?first=" + url.QueryEscape(sess.first) + "&party=" + string(free))
	if _, err := s.cfg.Client.UpdateCall(leg, &openapi.UpdateCallParams{Url: ptr(target)}); err != nil {
		return callEnded(err, "redirect the "+string(free)+"'s leg to the queue")
	}
	s.withSession(sess, func() {
		sess.held = ""
		st := s.state(sess)
		st.dialer, st.next = free, ""
	})
	return nil
}

// learnLegs finds the second leg through the REST API the first time it is
// needed: the child of the first leg's <Dial>.
func (s *CallLeg) learnLegs(sess *session) error {
	var known bool
	s.withSession(sess, func() { known = sess.legs[Customer] != "" && sess.legs[Agent] != "" })
	if known {
		return nil
	}
	kids, err := s.cfg.Client.ListCall(&openapi.ListCallParams{ParentCallSid: ptr(sess.first), Status: ptr("in-progress")})
	if err != nil {
		return fmt.Errorf("find the second leg: %w", err)
	}
	if len(kids) == 0 {
		return fmt.Errorf("the call has no second leg in progress: %w", ErrCallEnded)
	}
	s.withSession(sess, func() {
		if sess.inbound {
			sess.legs[Agent] = *kids[0].Sid
		} else {
			sess.legs[Customer] = *kids[0].Sid
		}
	})
	return nil
}

// dialEnded is the dialer's Dial action: the other leg left the Dial,
// because Hold redirected it or because it hung up.
func (s *CallLeg) dialEnded(form url.Values) []twiml.Element {
	sess, err := s.session(form.Get("first"))
	if err != nil {
		return []twiml.Element{&twiml.VoiceHangup{}}
	}
	var next string
	s.withSession(sess, func() {
		st := s.state(sess)
		next, st.next = st.next, ""
	})
	switch next {
	case "enqueue":
		return s.enqueue(sess.first, Party(form.Get("party")))
	case "idle":
		return s.idle()
	}
	// Nobody asked for this: the other party hung up. An empty answer
	// would end the call too, but say it plainly.
	return []twiml.Element{&twiml.VoiceHangup{}}
}

// enqueue parks a party in the session's queue with the hold music.
func (s *CallLeg) enqueue(first string, who Party) []twiml.Element {
	return []twiml.Element{&twiml.VoiceEnqueue{
		Name:          queueName(first),
		WaitUrl:       s.url("/music"),
		WaitUrlMethod: "GET",
		Action:        s.url("/left-queue?first=" + url.QueryEscape(first) + "&party=" + string(who)),
	}}
}

func queueName(first string) string { return "hold-" + first }

// idle keeps the free party on the line in silence: a <Dial action> has no
// harmless answer (an empty <Response/> hangs up), so it loops.
func (s *CallLeg) idle() []twiml.Element {
	return []twiml.Element{
		&twiml.VoicePause{Length: "3600"},
		&twiml.VoiceRedirect{Url: s.url("/idle"), Method: "POST"},
	}
}

// bridge takes the held party out of the queue and talks to it.
func (s *CallLeg) bridge(first string, dialer Party) []twiml.Element {
	return []twiml.Element{&twiml.VoiceDial{
		Action:        s.url("/dial-ended?first=" + url.QueryEscape(first) + "&party=" + string(dialer)),
		InnerElements: []twiml.Element{&twiml.VoiceQueue{Name: queueName(first)}},
	}}
}

// leftQueue is the Enqueue action: the held party left the queue. Bridged
// means it was taken off hold and that conversation has now ended; hangup
// means it hung up while held. Either way the other party is done too.
func (s *CallLeg) leftQueue(form url.Values) []twiml.Element {
	if form.Get("QueueResult") == "hangup" {
		s.endOther(form.Get("first"), Party(form.Get("party")))
	}
	return []twiml.Element{&twiml.VoiceHangup{}}
}

// legEnded is a status callback: a leg ended. If its party was held or
// free (not bridged), Twilio will not end the other leg by itself.
func (s *CallLeg) legEnded(form url.Values) []twiml.Element {
	first := form.Get("first")
	if first == "" {
		first = form.Get("CallSid") // the first leg's own callback
	}
	if sess, err := s.session(first); err == nil && sessHeld(s.base, sess) != "" {
		s.endOther(first, Party(form.Get("party")))
	}
	return nil
}

// endOther hangs up the party other than gone, if it is still there.
func (s *CallLeg) endOther(first string, gone Party) {
	sess, err := s.session(first)
	if err != nil {
		return
	}
	var leg string
	s.withSession(sess, func() { leg, sess.held, sess.ended = sess.legs[gone.Other()], "", true })
	if leg == "" {
		return
	}
	_, err = s.cfg.Client.UpdateCall(leg, &openapi.UpdateCallParams{Status: ptr("completed")})
	if err := callEnded(err, "end the other leg"); err != nil {
		s.log.Info("the other leg had already ended", "err", err)
	}
}

func sessHeld(b *base, sess *session) Party {
	var p Party
	b.withSession(sess, func() { p = sess.held })
	return p
}
