package sim

import (
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/holdlab/holdlab/fakeapi/wire"
)

// User-defined messages between an app and the Voice SDK device on a call
// (https://www.twilio.com/docs/voice/api/userdefinedmessage-resource,
// https://www.twilio.com/docs/voice/api/userdefinedmessagesubscription-resource):
// the engine records what the app sends and the subscriptions it makes.
// Messages a device sends (to a subscription's Callback) are not modelled.

// UserDefinedMessage is a message the app sent to a call's Voice SDK
// device.
type UserDefinedMessage struct {
	Sid            string // KX…
	CallSid        string
	Content        string // a JSON document, as sent
	IdempotencyKey string
	// Recipient is the call's Voice SDK device ("client:alice"), or "" when
	// the call has none.
	Recipient   string
	DateCreated time.Time
}

// UserDefinedMessageSubscription is where the messages of a call's Voice
// SDK device would go.
type UserDefinedMessageSubscription struct {
	Sid            string // ZY…
	CallSid        string
	Callback       string
	Method         string
	IdempotencyKey string
	DateCreated    time.Time
}

// errNotActive is the answer to a message for a call that is not in
// progress. INFERRED: Twilio documents that messages are only sent during
// an active call, not its error; holdlab answers as for redirecting a call
// that is not in progress.
func errNotActive() *Error {
	return &Error{Status: http.StatusBadRequest, Code: 21220, Message: "Call is not in-progress. Cannot send a User Defined Message."}
}

// sdkDevice is the Voice SDK device on c's far end: the caller of a call
// it placed, or the callee of a call to client:identity; "" when there is
// none.
func sdkDevice(c *Call) string {
	switch {
	case c.Direction == DirectionInbound && strings.HasPrefix(c.From, "client:"):
		return c.From
	case c.Direction != DirectionInbound && strings.HasPrefix(c.To, "client:"):
		return c.To
	}
	return ""
}

// CreateUserDefinedMessage sends content (a JSON document) to the Voice
// SDK device on a call in progress. A message with the IdempotencyKey of
// one already sent on the call is that message, not sent again
// (INFERRED).
func (e *Engine) CreateUserDefinedMessage(callSid, content, idempotencyKey string) (*UserDefinedMessage, error) {
	c, err := e.call(callSid)
	if err != nil {
		return nil, err
	}
	if c.Status != StatusInProgress {
		return nil, errNotActive()
	}
	if idempotencyKey != "" {
		for _, m := range e.sdk.messages[c.Sid] {
			if m.IdempotencyKey == idempotencyKey {
				e.notef(c, KindREST, facts{rest: restRef("POST", "Calls", c.Sid, "UserDefinedMessages")}, "POST /Calls/%s/UserDefinedMessages with IdempotencyKey %q again: %s is not sent twice", wire.Short(c.Sid), idempotencyKey, wire.Short(m.Sid))
				return m, nil
			}
		}
	}
	m := &UserDefinedMessage{Sid: e.ids.Next("KX"), CallSid: c.Sid, Content: content, IdempotencyKey: idempotencyKey, Recipient: sdkDevice(c), DateCreated: e.now}
	if e.sdk.messages == nil {
		e.sdk.messages = map[string][]*UserDefinedMessage{}
	}
	e.sdk.messages[c.Sid] = append(e.sdk.messages[c.Sid], m)
	to := ", but no Voice SDK device is on this call to receive it"
	if m.Recipient != "" {
		to = " to " + m.Recipient + "'s Voice SDK device"
	}
	e.notef(c, KindREST, facts{rest: restRef("POST", "Calls", c.Sid, "UserDefinedMessages")}, "POST /Calls/%s/UserDefinedMessages sends %s %s%s", wire.Short(c.Sid), wire.Short(m.Sid), content, to)
	return m, nil
}

// UserDefinedMessages returns the messages sent to a call, oldest first.
func (e *Engine) UserDefinedMessages(callSid string) ([]*UserDefinedMessage, error) {
	c, err := e.call(callSid)
	if err != nil {
		return nil, err
	}
	return e.sdk.messages[c.Sid], nil
}

// CreateUserDefinedMessageSubscription subscribes callback to the messages
// the Voice SDK device on a live call sends. The same IdempotencyKey on
// the same call gives the same subscription (INFERRED).
func (e *Engine) CreateUserDefinedMessageSubscription(callSid, callback, method, idempotencyKey string) (*UserDefinedMessageSubscription, error) {
	c, err := e.call(callSid)
	if err != nil {
		return nil, err
	}
	if !c.Live() {
		return nil, errNotActive()
	}
	if idempotencyKey != "" {
		for _, s := range e.sdk.subs[c.Sid] {
			if s.IdempotencyKey == idempotencyKey {
				return s, nil
			}
		}
	}
	s := &UserDefinedMessageSubscription{Sid: e.ids.Next("ZY"), CallSid: c.Sid, Callback: callback, Method: orPOST(method), IdempotencyKey: idempotencyKey, DateCreated: e.now}
	if e.sdk.subs == nil {
		e.sdk.subs = map[string][]*UserDefinedMessageSubscription{}
	}
	e.sdk.subs[c.Sid] = append(e.sdk.subs[c.Sid], s)
	e.tracef(c, KindREST, "POST /Calls/%s/UserDefinedMessageSubscriptions: %s sends the messages of %s's Voice SDK device to %s %s (holdlab's devices send none)",
		wire.Short(c.Sid), wire.Short(s.Sid), e.name(c), s.Method, callback)
	return s, nil
}

// DeleteUserDefinedMessageSubscription ends a subscription.
func (e *Engine) DeleteUserDefinedMessageSubscription(callSid, sid string) error {
	c, err := e.call(callSid)
	if err != nil {
		return err
	}
	subs := e.sdk.subs[c.Sid]
	for i, s := range subs {
		if s.Sid == sid {
			e.sdk.subs[c.Sid] = append(subs[:i], subs[i+1:]...)
			e.tracef(c, KindREST, "DELETE ends the subscription %s to %s's messages", wire.Short(sid), e.name(c))
			return nil
		}
	}
	return errNotFound(fmt.Sprintf("/2010-04-01/Accounts/%s/Calls/%s/UserDefinedMessageSubscriptions/%s.json", e.cfg.AccountSid, c.Sid, sid))
}

// UserDefinedMessageSubscriptions returns a call's subscriptions, oldest
// first.
func (e *Engine) UserDefinedMessageSubscriptions(callSid string) ([]*UserDefinedMessageSubscription, error) {
	c, err := e.call(callSid)
	if err != nil {
		return nil, err
	}
	return e.sdk.subs[c.Sid], nil
}
