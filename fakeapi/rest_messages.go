package fakeapi

import (
	"encoding/json"
	"net/http"
	"net/url"

	"github.com/holdlab/holdlab/fakeapi/sim"
	"github.com/holdlab/holdlab/fakeapi/wire"
)

// A call's user-defined messages
// (https://www.twilio.com/docs/voice/api/userdefinedmessage-resource) and
// the subscriptions to its Voice SDK device's messages
// (https://www.twilio.com/docs/voice/api/userdefinedmessagesubscription-resource);
// the engine's side is sim/messages.go.

// missingParam is 400 for a required parameter that is absent. INFERRED:
// the generic code.
func missingParam(name string) error {
	return wire.BadRequest("Missing required parameter " + name + " in the post body")
}

func (f *Fake) createUserDefinedMessage(w http.ResponseWriter, r restRequest, form url.Values) error {
	callSid := r.PathValue("CallSid")
	content := form.Get("Content")
	if content == "" {
		return missingParam("Content")
	}
	if !json.Valid([]byte(content)) {
		// INFERRED: Content is documented as a JSON string.
		return wire.InvalidParameter(wire.CodeInvalidParameter, "Content", "not a JSON document")
	}
	key := form.Get("IdempotencyKey")
	return doJSON(f, w, http.StatusCreated, func(e *sim.Engine) (*sim.UserDefinedMessage, error) {
		return e.CreateUserDefinedMessage(callSid, content, key)
	}, f.userDefinedMessageJSON)
}

func (f *Fake) createUserDefinedMessageSubscription(w http.ResponseWriter, r restRequest, form url.Values) error {
	callSid := r.PathValue("CallSid")
	callback := form.Get("Callback")
	if callback == "" {
		return missingParam("Callback")
	}
	if !validURL(callback) {
		return wire.InvalidURL("Callback", callback)
	}
	method, err := wire.Method(form, "Method", "POST")
	if err != nil {
		return err
	}
	key := form.Get("IdempotencyKey")
	return doJSON(f, w, http.StatusCreated, func(e *sim.Engine) (*sim.UserDefinedMessageSubscription, error) {
		return e.CreateUserDefinedMessageSubscription(callSid, callback, method, key)
	}, f.subscriptionJSON)
}

func (f *Fake) deleteUserDefinedMessageSubscription(w http.ResponseWriter, r restRequest, _ url.Values) error {
	callSid, sid := r.PathValue("CallSid"), resourceSid(r)
	return doNoContent(f, w, func(e *sim.Engine) error { return e.DeleteUserDefinedMessageSubscription(callSid, sid) })
}

// userDefinedMessageJSON renders a message as Twilio's UserDefinedMessage
// resource.
func (f *Fake) userDefinedMessageJSON(m *sim.UserDefinedMessage) wire.UserDefinedMessage {
	return wire.UserDefinedMessage{
		AccountSid:  wire.Ptr(f.opts.AccountSid),
		CallSid:     wire.Ptr(m.CallSid),
		Sid:         wire.Ptr(m.Sid),
		DateCreated: wire.Ptr(wire.FormatDate(m.DateCreated)),
	}
}

// subscriptionJSON renders a subscription as Twilio's
// UserDefinedMessageSubscription resource.
func (f *Fake) subscriptionJSON(s *sim.UserDefinedMessageSubscription) wire.UserDefinedMessageSubscription {
	return wire.UserDefinedMessageSubscription{
		AccountSid:  wire.Ptr(f.opts.AccountSid),
		CallSid:     wire.Ptr(s.CallSid),
		Sid:         wire.Ptr(s.Sid),
		DateCreated: wire.Ptr(wire.FormatDate(s.DateCreated)),
		URI:         wire.Ptr("/2010-04-01/Accounts/" + f.opts.AccountSid + "/Calls/" + s.CallSid + "/UserDefinedMessageSubscriptions/" + s.Sid + ".json"),
	}
}
