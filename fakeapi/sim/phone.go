package sim

import (
	"strings"
	"time"

	"github.com/holdlab/holdlab/fakeapi/wire"
)

// Answer is how a simulated phone responds when it is called.
type Answer string

// Ways a phone can respond.
const (
	AnswerCall     Answer = "answer"    // rings, then picks up (the default)
	AnswerBusy     Answer = "busy"      // busy signal
	AnswerNoAnswer Answer = "no-answer" // rings until the caller gives up
	AnswerFail     Answer = "fail"      // the number cannot be reached
)

// Press is a key press scripted on a phone.
type Press struct {
	// After is counted from the moment the phone is connected: for a phone
	// that is called, when it answers; for a phone that places a call, when
	// the call is placed.
	After  time.Duration
	Digits string
}

// PhoneScript scripts a phone of the outside world: a number, client:name
// or sip: address the account does not own.
type PhoneScript struct {
	// Name is a person's name for traces ("customer", "agent").
	Name string
	// Answer is what the phone does when called. Default AnswerCall.
	Answer Answer
	// After is how long it rings before it answers (AnswerCall) or gives a
	// busy signal (AnswerBusy). Default: the engine's AnswerDelay for
	// AnswerCall, 0 for AnswerBusy.
	After time.Duration
	// HangUpAfter, when positive, hangs the phone up that long after it is
	// connected (see Press.After). Zero: it stays on the line.
	HangUpAfter time.Duration
	// Presses are keys pressed on the phone.
	Presses []Press
}

// SetPhone scripts the phone at address (E.164 number, client:name or
// sip:uri). The script applies to calls made from then on.
func (e *Engine) SetPhone(address string, s PhoneScript) error {
	switch s.Answer {
	case "":
		s.Answer = AnswerCall
	case AnswerCall, AnswerBusy, AnswerNoAnswer, AnswerFail:
	default:
		return errBadRequest(21000, "unknown answer mode %q (want answer, busy, no-answer or fail)", s.Answer)
	}
	if s.After < 0 || s.HangUpAfter < 0 {
		return errBadRequest(21000, "phone script durations must not be negative")
	}
	for _, p := range s.Presses {
		if p.After < 0 || !validDigits(p.Digits) {
			return errBadRequest(21000, "invalid key press %q at %s", p.Digits, p.After)
		}
	}
	e.phones[address] = s
	return nil
}

// Phone returns the script of the phone at address (the default script when
// none was set).
func (e *Engine) Phone(address string) PhoneScript {
	s, ok := e.phones[address]
	if !ok {
		s = PhoneScript{Answer: AnswerCall}
	}
	if s.After == 0 && s.Answer == AnswerCall {
		s.After = e.cfg.AnswerDelay
	}
	return s
}

func validDigits(d string) bool {
	if d == "" {
		return false
	}
	for _, r := range d {
		if !strings.ContainsRune("0123456789*#ABCDwW", r) {
			return false
		}
	}
	return true
}

// phoneLeg is a simulated phone connected to one call leg.
type phoneLeg struct {
	address string
	script  PhoneScript
	events  []*event
}

func (p *phoneLeg) stop() {
	for _, ev := range p.events {
		ev.cancel()
	}
	p.events = nil
}

// attachPhone puts the simulated phone at address on the far end of c.
func (e *Engine) attachPhone(c *Call, address string) *phoneLeg {
	s := e.Phone(address)
	p := &phoneLeg{address: address, script: s}
	c.phone = p
	if c.label == "" {
		c.label = s.Name
	}
	return p
}

// connectPhone starts the phone's own script (hang-up and key presses) once
// it is connected to c.
func (e *Engine) connectPhone(c *Call) {
	p := c.phone
	if p == nil {
		return
	}
	if d := p.script.HangUpAfter; d > 0 {
		p.events = append(p.events, e.after(d, func() {
			e.tracef(c, KindPhone, "%s hangs up (scripted)", e.name(c))
			e.farEndHangup(c)
		}))
	}
	for _, press := range p.script.Presses {
		press := press
		p.events = append(p.events, e.after(press.After, func() {
			e.press(c, press.Digits)
		}))
	}
}

// ringPhone starts ringing the simulated phone on outbound leg c and
// schedules what it does.
func (e *Engine) ringPhone(c *Call) {
	p := c.phone
	s := p.script
	switch s.Answer {
	case AnswerFail:
		e.endCall(c, StatusFailed, CauseUnreachable, "the number could not be reached")
		return
	case AnswerBusy:
		if s.After == 0 {
			e.endCall(c, StatusBusy, CauseBusy, busyCause(c))
			return
		}
	}
	e.setStatus(c, StatusRinging, CauseRinging, "the phone rings")
	switch s.Answer {
	case AnswerCall:
		if s.After < c.timeout {
			p.events = append(p.events, e.after(s.After, func() { e.phoneAnswers(c) }))
		}
	case AnswerBusy:
		if s.After < c.timeout {
			p.events = append(p.events, e.after(s.After, func() {
				e.endCall(c, StatusBusy, CauseBusy, busyCause(c))
			}))
		}
	}
	c.ringTimer = e.after(c.timeout, func() {
		if c.Status == StatusRinging || c.Status == StatusQueued {
			e.endCall(c, StatusNoAnswer, CauseTimeout, "nobody answered within "+c.timeout.String())
		}
	})
}

func (e *Engine) phoneAnswers(c *Call) {
	if c.Status.Terminal() || c.Answered() {
		return
	}
	e.traceText(c, KindPhone, 0, e.name(c)+" picks up", facts{})
	e.answer(c, CausePhoneAnswered, "the phone answered")
}

// HangUp makes the party on the far end of a call hang up now, as a person
// putting the phone down would.
func (e *Engine) HangUp(sid string) error {
	c, err := e.call(sid)
	if err != nil {
		return err
	}
	if c.Status.Terminal() {
		return errNotInProgress()
	}
	e.traceText(c, KindPhone, 0, e.name(c)+" hangs up", facts{})
	e.farEndHangup(c)
	e.flushHearing()
	return nil
}

// PressDigits makes the party on the far end of a call press keys now.
func (e *Engine) PressDigits(sid, digits string) error {
	c, err := e.call(sid)
	if err != nil {
		return err
	}
	if !validDigits(digits) {
		return errBadRequest(21000, "invalid digits %q", digits)
	}
	if c.Status.Terminal() {
		return errNotInProgress()
	}
	e.press(c, digits)
	e.flushHearing()
	return nil
}

// farEndHangup ends c because the party on its far end hung up.
func (e *Engine) farEndHangup(c *Call) {
	if c.Status.Terminal() {
		return
	}
	if !c.Answered() {
		if c.Direction == DirectionInbound {
			e.endCall(c, StatusCanceled, CauseHangup, "the caller hung up before the call was answered")
		} else {
			e.endCall(c, StatusCanceled, CauseHangup, "the call was hung up before it was answered")
		}
		return
	}
	e.endCall(c, StatusCompleted, CauseHangup, "the far end hung up")
}

// AnswerNow makes the simulated phone on the far end of a ringing outbound
// call pick up now, whatever its script says (a busy or no-answer phone
// too), as a person trying things by hand would.
func (e *Engine) AnswerNow(sid string) error {
	c, err := e.call(sid)
	if err != nil {
		return err
	}
	if c.Direction == DirectionInbound || c.phone == nil || c.Status != StatusRinging {
		return errBadRequest(wire.CodeInvalidParameter, "%s is %s: only an outbound call ringing at a simulated phone can be answered", wire.Short(c.Sid), c.Status)
	}
	c.phone.stop() // its scripted answer, busy signal
	e.phoneAnswers(c)
	e.flushHearing()
	return nil
}
