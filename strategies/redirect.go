package strategies

import (
	"context"
	"fmt"
	"net/url"

	openapi "github.com/twilio/twilio-go/rest/api/v2010"
	"github.com/twilio/twilio-go/twiml"
)

// Redirect is the naive way, kept to reproduce the pitfall: to hold a
// party, redirect its leg to hold music; to unhold it, redirect it to a
// fresh <Dial> of the other party.
//
// It looks right and is wrong. The parties are the two legs of a <Dial>
// with no action. Redirecting the parent leg makes Twilio hang up the
// child; redirecting the child ends the parent's <Dial>, and a parent with
// no action and no next verb hangs up (https://www.twilio.com/docs/voice/twiml/dial).
// Either way one party is dropped. The suite declares the scenarios this
// strategy fails, and why.
type Redirect struct {
	*base
}

var _ Strategy = (*Redirect)(nil)

// NewRedirect returns the naive redirect strategy.
func NewRedirect(cfg Config) (*Redirect, error) {
	b, err := newBase(cfg)
	if err != nil {
		return nil, err
	}
	s := &Redirect{base: b}
	b.handle("/voice", func(form url.Values) []twiml.Element {
		s.newSession(form.Get("CallSid"), true)
		return s.dial(s.cfg.Agent)
	})
	b.handle("/outbound", func(form url.Values) []twiml.Element {
		if _, err := s.session(form.Get("CallSid")); err != nil {
			s.newSession(form.Get("CallSid"), false)
		}
		return s.dial(form.Get("customer"))
	})
	b.handle("/music", func(url.Values) []twiml.Element { return b.musicTwiML() })
	b.handle("/redial", func(form url.Values) []twiml.Element { return s.dial(form.Get("to")) })
	return s, nil
}

// Name implements Strategy.
func (s *Redirect) Name() string { return "redirect" }

// VoiceURL implements Strategy.
func (s *Redirect) VoiceURL() string { return s.url("/voice") }

func (s *Redirect) dial(to string) []twiml.Element {
	return []twiml.Element{&twiml.VoiceDial{Number: to, CallerId: s.cfg.SupportNumber}}
}

// CallCustomer implements Strategy.
func (s *Redirect) CallCustomer(ctx context.Context, customer string) (string, error) {
	c, err := s.cfg.Client.CreateCall(&openapi.CreateCallParams{
		To:   ptr(s.cfg.Agent),
		From: ptr(s.cfg.SupportNumber),
		Url:  ptr(s.url("/outbound?customer=" + url.QueryEscape(customer))),
	})
	if err != nil {
		return "", fmt.Errorf("call the agent: %w", err)
	}
	s.newSession(*c.Sid, false)
	return *c.Sid, nil
}

// Hold implements Strategy, naively: the held party's leg is redirected to
// the music.
func (s *Redirect) Hold(ctx context.Context, callSid string, who Party) error {
	sess, err := s.session(callSid)
	if err != nil {
		return err
	}
	leg, err := s.leg(sess, who)
	if err != nil {
		return err
	}
	if _, err := s.cfg.Client.UpdateCall(leg, &openapi.UpdateCallParams{Url: ptr(s.url("/music"))}); err != nil {
		return callEnded(err, "redirect to the music")
	}
	s.withSession(sess, func() { sess.held = who })
	return nil
}

// Unhold implements Strategy, naively: the held party dials the other again.
func (s *Redirect) Unhold(ctx context.Context, callSid string) error {
	sess, err := s.session(callSid)
	if err != nil {
		return err
	}
	held := sessHeld(s.base, sess)
	if held == "" {
		return ErrNotHeld
	}
	leg, err := s.leg(sess, held)
	if err != nil {
		return err
	}
	to := s.cfg.Agent
	if held == Agent {
		to = s.customerNumber(sess)
	}
	if _, err := s.cfg.Client.UpdateCall(leg, &openapi.UpdateCallParams{Url: ptr(s.url("/redial?to=" + url.QueryEscape(to)))}); err != nil {
		return callEnded(err, "redirect back to the other party")
	}
	s.withSession(sess, func() { sess.held = "" })
	return nil
}

// leg returns a party's leg SID, asking the REST API for the child leg.
func (s *Redirect) leg(sess *session, who Party) (string, error) {
	var leg string
	s.withSession(sess, func() { leg = sess.legs[who] })
	if leg != "" {
		return leg, nil
	}
	kids, err := s.cfg.Client.ListCall(&openapi.ListCallParams{ParentCallSid: ptr(sess.first)})
	if err != nil {
		return "", fmt.Errorf("find the second leg: %w", err)
	}
	if len(kids) == 0 {
		return "", fmt.Errorf("the call has no second leg: %w", ErrCallEnded)
	}
	s.withSession(sess, func() { sess.legs[who] = *kids[0].Sid })
	return *kids[0].Sid, nil
}

// customerNumber is the customer's number, read from the customer's leg.
func (s *Redirect) customerNumber(sess *session) string {
	leg, err := s.leg(sess, Customer)
	if err != nil {
		return ""
	}
	c, err := s.cfg.Client.FetchCall(leg, nil)
	if err != nil || c.To == nil {
		return ""
	}
	if sess.inbound {
		return *c.From
	}
	return *c.To
}
