package fakeapi

import (
	"net/http"

	"github.com/holdlab/holdlab/fakeapi/sim"
	"github.com/holdlab/holdlab/fakeapi/wire"
)

// Voice SDK devices and the messages sent to calls, in Go and on the
// control API (routes.go): the engine's side is sim/clients.go and
// sim/messages.go.

// --- the Go face ---

// RegisterClient registers a Voice SDK device for identity, scripted as a
// phone: s.Answer is sim.AnswerCall (after s.After), sim.AnswerReject
// (rings s.After, then rejects: the leg ends busy), sim.AnswerNoAnswer or
// sim.AnswerFail. A <Dial><Client> to an identity with no device ends
// no-answer at once.
func (f *Fake) RegisterClient(identity string, s sim.PhoneScript) error {
	return f.Do(func(e *sim.Engine) error { return e.RegisterClient(identity, s) })
}

// UnregisterClient removes identity's Voice SDK device.
func (f *Fake) UnregisterClient(identity string) error {
	return f.Do(func(e *sim.Engine) error { return e.UnregisterClient(identity) })
}

// PlaceClientCall makes identity's Voice SDK device call the TwiML App
// applicationSid (device.connect({params})): Twilio requests the App's
// VoiceUrl with From and Caller client:identity, To the "To" parameter
// (else empty), ApplicationSid, and each parameter as a form field. It
// returns the new call's SID once the engine has run what that makes due.
func (f *Fake) PlaceClientCall(identity, applicationSid string, params map[string]string) (string, error) {
	var sid string
	err := f.Do(func(e *sim.Engine) error {
		c, err := e.PlaceClientCall(identity, applicationSid, params)
		if err == nil {
			sid = c.Sid
		}
		return err
	})
	return sid, err
}

// UserDefinedMessages returns the user-defined messages the app sent to a
// call (POST /Calls/{Sid}/UserDefinedMessages.json), oldest first.
func (f *Fake) UserDefinedMessages(callSid string) ([]sim.UserDefinedMessage, error) {
	var out []sim.UserDefinedMessage
	var err error
	f.View(func(e *sim.Engine) {
		var ms []*sim.UserDefinedMessage
		if ms, err = e.UserDefinedMessages(callSid); err == nil {
			for _, m := range ms {
				out = append(out, *m)
			}
		}
	})
	return out, err
}

// --- the HTTP face ---

// clientJSON is a registered device on the wire: its identity and its
// script, as phoneJSON writes one ("reject" for a device that rejects).
type clientJSON struct {
	Identity string `json:"identity"`
	phoneJSON
}

// ctlRegisterClient is PUT /holdlab/clients/{identity}.
func (f *Fake) ctlRegisterClient(w http.ResponseWriter, r *http.Request) error {
	var req phoneJSON
	if err := readJSON(r, &req); err != nil {
		return err
	}
	if err := f.RegisterClient(r.PathValue("identity"), req.script()); err != nil {
		return err
	}
	return f.ctlGetClient(w, r)
}

// ctlGetClient is GET /holdlab/clients/{identity}: 404 without a device.
func (f *Fake) ctlGetClient(w http.ResponseWriter, r *http.Request) error {
	identity := r.PathValue("identity")
	var s sim.PhoneScript
	var ok bool
	f.View(func(e *sim.Engine) {
		if ok = e.ClientRegistered(identity); ok {
			s = e.Phone("client:" + identity)
		}
	})
	if !ok {
		return wire.NotFound(r.URL.Path)
	}
	out := clientJSON{Identity: identity, phoneJSON: phoneJSON{Name: s.Name, Answer: string(s.Answer), After: duration(s.After), HangUpAfter: duration(s.HangUpAfter)}}
	if s.Answer == sim.AnswerBusy {
		out.Answer = string(sim.AnswerReject)
	}
	for _, p := range s.Presses {
		out.Presses = append(out.Presses, pressJSON{After: duration(p.After), Digits: p.Digits})
	}
	wire.JSON(w, http.StatusOK, out)
	return nil
}

// ctlUnregisterClient is DELETE /holdlab/clients/{identity}.
func (f *Fake) ctlUnregisterClient(w http.ResponseWriter, r *http.Request) error {
	if err := f.UnregisterClient(r.PathValue("identity")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// ctlPlaceClientCall is POST /holdlab/clients/{identity}/calls
// {"application_sid":"AP…","params":{"To":"+1555…"}}.
func (f *Fake) ctlPlaceClientCall(w http.ResponseWriter, r *http.Request) error {
	var req struct {
		ApplicationSid string            `json:"application_sid"`
		Params         map[string]string `json:"params"`
	}
	if err := readJSON(r, &req); err != nil {
		return err
	}
	if req.ApplicationSid == "" {
		return wire.BadRequest("application_sid is required: the TwiML App the device calls")
	}
	sid, err := f.PlaceClientCall(r.PathValue("identity"), req.ApplicationSid, req.Params)
	if err != nil {
		return err
	}
	wire.JSON(w, http.StatusCreated, map[string]string{"call_sid": sid})
	return nil
}

// messageJSON is a user-defined message on the control API.
type messageJSON struct {
	Sid            string `json:"sid"`
	Content        string `json:"content"`
	IdempotencyKey string `json:"idempotency_key,omitempty"`
	Recipient      string `json:"recipient"`
	DateCreated    string `json:"date_created"`
}

// subscriptionJSON is a subscription on the control API.
type subscriptionJSON struct {
	Sid         string `json:"sid"`
	Callback    string `json:"callback"`
	Method      string `json:"method"`
	DateCreated string `json:"date_created"`
}

// ctlMessages is GET /holdlab/calls/{sid}/messages: the messages the app
// sent to the call and its subscriptions.
func (f *Fake) ctlMessages(w http.ResponseWriter, r *http.Request) error {
	sid := r.PathValue("sid")
	out := struct {
		CallSid       string             `json:"call_sid"`
		Messages      []messageJSON      `json:"messages"`
		Subscriptions []subscriptionJSON `json:"subscriptions"`
	}{CallSid: sid, Messages: []messageJSON{}, Subscriptions: []subscriptionJSON{}}
	var err error
	f.View(func(e *sim.Engine) {
		var ms []*sim.UserDefinedMessage
		if ms, err = e.UserDefinedMessages(sid); err != nil {
			return
		}
		for _, m := range ms {
			out.Messages = append(out.Messages, messageJSON{Sid: m.Sid, Content: m.Content, IdempotencyKey: m.IdempotencyKey,
				Recipient: m.Recipient, DateCreated: wire.FormatDate(m.DateCreated)})
		}
		var subs []*sim.UserDefinedMessageSubscription
		if subs, err = e.UserDefinedMessageSubscriptions(sid); err != nil {
			return
		}
		for _, s := range subs {
			out.Subscriptions = append(out.Subscriptions, subscriptionJSON{Sid: s.Sid, Callback: s.Callback, Method: s.Method, DateCreated: wire.FormatDate(s.DateCreated)})
		}
	})
	if err != nil {
		return err
	}
	wire.JSON(w, http.StatusOK, out)
	return nil
}
