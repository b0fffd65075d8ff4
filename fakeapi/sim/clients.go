package sim

import (
	"net/url"
	"slices"
	"strings"

	"github.com/holdlab/holdlab/fakeapi/twiml"
	"github.com/holdlab/holdlab/fakeapi/wire"
)

// Voice SDK devices (https://www.twilio.com/docs/voice/sdks): an identity
// registers a device, which rings when a <Dial><Client> (or a REST call to
// client:identity) calls it and answers, rejects or lets it ring as its
// script says; a device places calls to a TwiML App, whose VoiceUrl Twilio
// requests with the SDK's parameters.

// AnswerReject is a Voice SDK device that rejects the call after ringing
// (call.reject()): Twilio ends the leg busy (INFERRED from practitioners:
// https://github.com/twilio/voice-quickstart-ios/issues/238).
const AnswerReject Answer = "reject"

// sdkState is what the engine knows of TwiML Apps, Voice SDK devices and
// the user-defined messages of calls (api_applications.go, clients.go,
// dial_application.go, messages.go).
type sdkState struct {
	apps []*Application // the account's TwiML Apps, in creation order
	// clients are the identities that registered a device with
	// RegisterClient.
	clients map[string]bool
	// dialed are what a <Dial> child leg carries to its far end, by the
	// child's SID, until it is dispatched: the TwiML App it reaches, the
	// custom parameters of its <Client> or <Application>.
	dialed map[string]*sdkDial
	// messages and subs are the user-defined messages sent to calls and
	// the subscriptions to theirs, by call SID (messages.go).
	messages map[string][]*UserDefinedMessage
	subs     map[string][]*UserDefinedMessageSubscription
}

// sdkDial is what a <Dial><Client> or <Dial><Application> child leg
// carries.
type sdkDial struct {
	isApp  bool   // an <Application>, not a <Client>
	app    string // <Application>: the App's SID
	to     string // <Application>: the To of the App's leg
	params []twiml.Parameter
}

// ValidIdentity reports whether s can be a Voice SDK identity: 1 to 256
// characters, none of them a space, a control character or a delimiter
// (https://www.twilio.com/docs/voice/twiml/client).
func ValidIdentity(s string) bool {
	if s == "" || len(s) > 256 {
		return false
	}
	for _, r := range s {
		if r <= ' ' || r == 0x7f || strings.ContainsRune(`<>"#%{}|\^[]`+"`", r) {
			return false
		}
	}
	return true
}

// RegisterClient registers a Voice SDK device for identity, scripted as a
// phone: how it answers calls (AnswerCall after After, AnswerReject after
// After, AnswerNoAnswer, AnswerFail), when it hangs up and the keys it
// presses. Name defaults to the identity. A phone scripted with SetPhone
// at client:identity counts as a registered device too.
func (e *Engine) RegisterClient(identity string, s PhoneScript) error {
	if !ValidIdentity(identity) {
		return errBadRequest(21000, "invalid Voice SDK identity %q: 1 to 256 characters, no spaces or delimiters", identity)
	}
	reject := s.Answer == AnswerReject
	if reject {
		s.Answer = AnswerBusy
		if s.After == 0 {
			s.After = e.cfg.AnswerDelay
		}
	}
	if s.Name == "" {
		s.Name = identity
	}
	if err := e.SetPhone("client:"+identity, s); err != nil {
		return err
	}
	if e.sdk.clients == nil {
		e.sdk.clients = map[string]bool{}
	}
	e.sdk.clients[identity] = true
	e.tracef(nil, KindPhone, "client:%s registers a Voice SDK device", identity)
	return nil
}

// UnregisterClient removes identity's device: calls to client:identity no
// longer ring anything.
func (e *Engine) UnregisterClient(identity string) error {
	if !e.ClientRegistered(identity) {
		return errNotFound("/holdlab/clients/" + identity)
	}
	delete(e.sdk.clients, identity)
	delete(e.phones, "client:"+identity)
	e.tracef(nil, KindPhone, "client:%s's Voice SDK device unregisters", identity)
	return nil
}

// ClientRegistered reports whether a Voice SDK device is registered for
// identity (RegisterClient, or SetPhone at client:identity).
func (e *Engine) ClientRegistered(identity string) bool {
	_, scripted := e.phones["client:"+identity]
	return e.sdk.clients[identity] || scripted
}

// reservedParams are the request parameters Twilio sets itself; a custom
// parameter may not take their names (To excepted: a Voice SDK call's To
// is the SDK's To parameter).
var reservedParams = []string{"AccountSid", "ApiVersion", "ApplicationSid", "CallSid", "CallStatus",
	"Called", "Caller", "Direction", "From", "ParentCallSid"}

// PlaceClientCall is the Voice SDK device of identity placing a call
// (device.connect) to the TwiML App appSid with custom parameters: a new
// inbound call from client:identity, whose App VoiceUrl request carries
// From and Caller client:identity, To the To parameter (else empty),
// ApplicationSid, and each parameter as a form field
// (https://www.twilio.com/docs/voice/sdks/javascript/twiliodevice#deviceconnectconnectoptions).
// No registration is needed to place a call.
func (e *Engine) PlaceClientCall(identity, appSid string, params map[string]string) (*Call, error) {
	if !ValidIdentity(identity) {
		return nil, errBadRequest(21000, "invalid Voice SDK identity %q: 1 to 256 characters, no spaces or delimiters", identity)
	}
	app := e.app(appSid)
	if app == nil {
		// INFERRED: 21218 is Twilio's "Invalid ApplicationSid".
		return nil, errBadRequest(21218, "Invalid ApplicationSid: %s is not one of the account's TwiML Apps", appSid)
	}
	keys := make([]string, 0, len(params))
	for k := range params {
		if k == "" || slices.Contains(reservedParams, k) {
			return nil, errBadRequest(21000, "custom parameter %q: Twilio sets it itself", k)
		}
		keys = append(keys, k)
	}
	slices.Sort(keys)
	from := "client:" + identity
	c := e.newCall(DirectionInbound, from, params["To"], nil)
	if c.label == "" {
		c.label = identity
	}
	e.attachPhone(c, from)
	extra := url.Values{"ApplicationSid": {app.Sid}}
	var shown []string
	for _, k := range keys {
		extra.Set(k, params[k])
		shown = append(shown, k+"="+params[k])
	}
	with := ""
	if len(shown) > 0 {
		with = " with " + strings.Join(shown, " ")
	}
	e.tracef(c, KindPhone, "%s's Voice SDK device calls TwiML App %s%s", from, wire.Short(app.Sid), with)
	e.startApp(c, app, extra, "the Voice SDK device reached TwiML App "+wire.Short(app.Sid))
	e.connectPhone(c)
	e.flushHearing()
	return c, nil
}

// startApp sets up c, an inbound leg, to run the TwiML of app, and
// requests its VoiceUrl with extra parameters added to Twilio's own.
func (e *Engine) startApp(c *Call, app *Application, extra url.Values, cause string) {
	c.URL, c.Method = app.VoiceURL, orPOST(app.VoiceMethod)
	c.FallbackURL, c.FallbackMethod = app.VoiceFallbackURL, orPOST(app.VoiceFallbackMethod)
	c.StatusCallback, c.StatusCallbackMethod = app.StatusCallback, orPOST(app.StatusCallbackMethod)
	// INFERRED: as for a number's, an App's StatusCallback hears only the
	// completed event.
	c.StatusCallbackEvents = eventSet(nil)
	e.setStatus(c, StatusRinging, CauseIncoming, cause)
	e.after(0, func() {
		if c.Status.Terminal() {
			return
		}
		if c.URL == "" {
			e.runAppURL(c, "voice url") // no VoiceUrl: Twilio's 21205 and the application error
			return
		}
		e.fetchTwiML(c, c.URL, c.Method, extra, modeMain, "voice url (TwiML App "+wire.Short(app.Sid)+")", false)
	})
}

// sdkDialed records what a <Dial> child leg carries to the client or App
// it calls, for dispatchSDK.
func (e *Engine) sdkDialed(ch *Call, d *sdkDial) {
	if !d.isApp && len(d.params) == 0 {
		return
	}
	if e.sdk.dialed == nil {
		e.sdk.dialed = map[string]*sdkDial{}
	}
	e.sdk.dialed[ch.Sid] = d
}

// clientDialed records the custom parameters of a <Dial><Client> child.
func (e *Engine) clientDialed(ch *Call, params []twiml.Parameter) {
	e.sdkDialed(ch, &sdkDial{params: params})
}

// dispatchSDK places an outbound leg to a Voice SDK device or a TwiML App,
// and reports whether it did: an App's leg (dial_application.go); an
// identity without a registered device ends no-answer at once (INFERRED:
// Twilio's call log shows the child no-answer with no ringing time,
// https://github.com/twilio/voice-quickstart-server-node/issues/19); a
// registered one rings like a phone (false: dispatch goes on).
func (e *Engine) dispatchSDK(c *Call) bool {
	d := e.sdk.dialed[c.Sid]
	delete(e.sdk.dialed, c.Sid)
	if d != nil && d.isApp {
		e.dialApp(c, d)
		return true
	}
	identity, ok := strings.CutPrefix(c.To, "client:")
	if !ok {
		return false
	}
	if !e.ClientRegistered(identity) {
		e.tracef(c, KindPhone, "no Voice SDK device is registered for %s, so nothing rings", c.To)
		e.endCall(c, StatusNoAnswer, CauseUnreachable, "no Voice SDK device is registered for "+c.To)
		return true
	}
	if d != nil && len(d.params) > 0 {
		e.tracef(c, KindPhone, "%s's Voice SDK device gets the custom parameters %s", c.To, paramList(d.params))
	}
	return false
}

// busyCause says why a phone's call ends busy: a Voice SDK device rejects
// it, a phone's line is busy.
func busyCause(c *Call) string {
	if strings.HasPrefix(c.To, "client:") {
		return "the Voice SDK device rejected the call"
	}
	return "the line is busy"
}

// paramList renders custom parameters for the trace: "a=1 b=2".
func paramList(ps []twiml.Parameter) string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.Name + "=" + p.Value
	}
	return strings.Join(out, " ")
}
