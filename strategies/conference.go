package strategies

import (
	"context"
	"fmt"
	"net/url"

	openapi "github.com/twilio/twilio-go/rest/api/v2010"
	"github.com/twilio/twilio-go/twiml"
)

// Conference is the recommended strategy: both parties sit in a conference
// room from the start, and hold is a property of a participant. Holding
// updates the participant (Hold=true, HoldUrl=music); unholding sets
// Hold=false. No call leg is ever redirected, so nobody is dropped.
//
// Both participants join with endConferenceOnExit=true: when either hangs
// up, the room ends and the other is hung up too, also during hold.
type Conference struct {
	*base
	// paused are the recordings paused for a hold, by first leg, with
	// Config.PauseRecordingOnHold (guarded by base.mu).
	paused map[string]heldRecordings
}

var _ Strategy = (*Conference)(nil)

// NewConference returns the conference strategy.
func NewConference(cfg Config) (*Conference, error) {
	b, err := newBase(cfg)
	if err != nil {
		return nil, err
	}
	s := &Conference{base: b, paused: map[string]heldRecordings{}}
	b.handle("/voice", s.inbound)
	b.handle("/outbound", s.outbound)
	b.handle("/music", func(url.Values) []twiml.Element { return b.musicTwiML() })
	b.handle("/left", func(url.Values) []twiml.Element { return []twiml.Element{&twiml.VoiceHangup{}} })
	return s, nil
}

// Name implements Strategy.
func (s *Conference) Name() string { return "conference" }

// VoiceURL implements Strategy.
func (s *Conference) VoiceURL() string { return s.url("/voice") }

// room names the conference of a call after its first leg.
func room(first string) string { return "holdlab-" + first }

// inbound answers the customer's call: it adds the agent to a new room (a
// REST request from inside the webhook, which Twilio allows), then puts the
// customer in the same room.
func (s *Conference) inbound(form url.Values) []twiml.Element {
	first := form.Get("CallSid")
	sess := s.newSession(first, true)
	s.addParticipant(sess, Agent, s.cfg.Agent)
	return s.join(first, Customer)
}

// outbound runs when the agent answers the call CallCustomer placed: it adds
// the customer to the room, then puts the agent in it.
func (s *Conference) outbound(form url.Values) []twiml.Element {
	first := form.Get("CallSid")
	sess, err := s.session(first)
	if err != nil {
		sess = s.newSession(first, false)
	}
	s.addParticipant(sess, Customer, form.Get("customer"))
	return s.join(first, Agent)
}

// join is the TwiML that puts the current call in the room.
func (s *Conference) join(first string, who Party) []twiml.Element {
	return []twiml.Element{&twiml.VoiceDial{
		Action: s.url("/left"),
		InnerElements: []twiml.Element{&twiml.VoiceConference{
			Name:                   room(first),
			StartConferenceOnEnter: "true",
			EndConferenceOnExit:    "true",
			ParticipantLabel:       string(who),
			// Only the first participant's callback settings count
			// (https://www.twilio.com/docs/voice/twiml/conference), so every
			// participant asks for the same events.
			StatusCallbackEvent: "start end join leave hold",
			Beep:                "false",
		}},
	}}
}

// addParticipant dials a party into the room through the Participants API.
func (s *Conference) addParticipant(sess *session, who Party, to string) {
	p, err := s.cfg.Client.CreateParticipant(room(sess.first), &openapi.CreateParticipantParams{
		From:                   ptr(s.cfg.SupportNumber),
		To:                     ptr(to),
		Label:                  ptr(string(who)),
		StartConferenceOnEnter: ptr(true),
		EndConferenceOnExit:    ptr(true),
		Beep:                   ptr("false"),
	})
	if err != nil {
		s.log.Error("adding a participant failed", "who", who, "err", err)
		return
	}
	s.withSession(sess, func() { sess.legs[who] = *p.CallSid })
}

// CallCustomer implements Strategy.
func (s *Conference) CallCustomer(ctx context.Context, customer string) (string, error) {
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

// Hold implements Strategy: the participant is held with the hold music.
func (s *Conference) Hold(ctx context.Context, callSid string, who Party) error {
	return s.setHold(callSid, who, true)
}

// Unhold implements Strategy.
func (s *Conference) Unhold(ctx context.Context, callSid string) error {
	sess, err := s.session(callSid)
	if err != nil {
		return err
	}
	var held Party
	s.withSession(sess, func() { held = sess.held })
	if held == "" {
		return ErrNotHeld
	}
	return s.setHold(callSid, held, false)
}

func (s *Conference) setHold(callSid string, who Party, hold bool) error {
	sess, err := s.session(callSid)
	if err != nil {
		return err
	}
	var leg string
	s.withSession(sess, func() { leg = sess.legs[who] })
	conf, err := s.conferenceOf(sess)
	if err != nil {
		return err
	}
	params := &openapi.UpdateParticipantParams{Hold: ptr(hold)}
	if hold {
		params.HoldUrl = ptr(s.url("/music"))
		params.HoldMethod = ptr("GET")
		// The recording stops before the music starts.
		if err := s.pauseForHold(sess, leg); err != nil {
			return err
		}
	}
	if _, err := s.cfg.Client.UpdateParticipant(conf, leg, params); err != nil {
		if hold {
			// Not held after all: record again (best effort).
			_ = s.resumeAfterHold(sess)
		}
		return callEnded(err, "update participant")
	}
	if !hold {
		// ... and starts again once the music has stopped.
		if err := s.resumeAfterHold(sess); err != nil {
			return err
		}
	}
	s.withSession(sess, func() {
		sess.held = ""
		if hold {
			sess.held = who
		}
	})
	return nil
}

// pauseForHold pauses the recordings of the leg about to be held, with
// Config.PauseRecordingOnHold.
func (s *Conference) pauseForHold(sess *session, leg string) error {
	if !s.cfg.PauseRecordingOnHold {
		return nil
	}
	var before heldRecordings
	s.withSession(sess, func() { before = s.paused[sess.first] })
	paused, err := s.pauseRecordings(leg, before)
	s.withSession(sess, func() { s.paused[sess.first] = paused })
	return err
}

// resumeAfterHold resumes the recordings pauseForHold paused.
func (s *Conference) resumeAfterHold(sess *session) error {
	var paused heldRecordings
	s.withSession(sess, func() {
		paused = s.paused[sess.first]
		delete(s.paused, sess.first)
	})
	return s.resumeRecordings(paused)
}

// conferenceOf finds the live room of a call by its name.
func (s *Conference) conferenceOf(sess *session) (string, error) {
	confs, err := s.cfg.Client.ListConference(&openapi.ListConferenceParams{
		FriendlyName: ptr(room(sess.first)),
		Status:       ptr("in-progress"),
	})
	if err != nil {
		return "", fmt.Errorf("find the conference: %w", err)
	}
	if len(confs) == 0 {
		return "", fmt.Errorf("conference %s: %w", room(sess.first), ErrCallEnded)
	}
	return *confs[0].Sid, nil
}
