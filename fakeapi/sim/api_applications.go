package sim

import (
	"fmt"
	"time"

	"github.com/holdlab/holdlab/fakeapi/wire"
)

// The engine's API for the Application resource (TwiML Apps): what
// fakeapi/rest_applications.go serves
// (https://www.twilio.com/docs/usage/api/applications). A Voice SDK call
// (clients.go) and a <Dial><Application> (dial_application.go) reach an
// App's VoiceUrl.

// Application is one of the account's TwiML Apps: the URLs its calls use.
type Application struct {
	Sid                  string
	FriendlyName         string
	APIVersion           string
	VoiceURL             string
	VoiceMethod          string
	VoiceFallbackURL     string
	VoiceFallbackMethod  string
	StatusCallback       string
	StatusCallbackMethod string
	VoiceCallerIDLookup  bool
	// The messaging settings are kept and shown, not used.
	SmsURL                string
	SmsMethod             string
	SmsFallbackURL        string
	SmsFallbackMethod     string
	SmsStatusCallback     string
	MessageStatusCallback string
	// PublicApplicationConnectEnabled lets other accounts <Dial> the App;
	// holdlab has one account, so it is kept and shown, not used.
	PublicApplicationConnectEnabled bool
	DateCreated                     time.Time
	DateUpdated                     time.Time
}

// ApplicationParams creates or updates an Application. Nil fields and
// empty methods are left as they are (on create: Twilio's defaults).
type ApplicationParams struct {
	FriendlyName                    *string
	APIVersion                      *string
	VoiceURL                        *string
	VoiceMethod                     string
	VoiceFallbackURL                *string
	VoiceFallbackMethod             string
	StatusCallback                  *string
	StatusCallbackMethod            string
	VoiceCallerIDLookup             *bool
	SmsURL                          *string
	SmsMethod                       string
	SmsFallbackURL                  *string
	SmsFallbackMethod               string
	SmsStatusCallback               *string
	MessageStatusCallback           *string
	PublicApplicationConnectEnabled *bool
}

// CreateApplication creates a TwiML App.
func (e *Engine) CreateApplication(p ApplicationParams) (*Application, error) {
	a := &Application{
		Sid:         e.ids.Next("AP"),
		APIVersion:  wire.APIVersion,
		VoiceMethod: "POST", VoiceFallbackMethod: "POST", StatusCallbackMethod: "POST",
		SmsMethod: "POST", SmsFallbackMethod: "POST",
		DateCreated: e.now, DateUpdated: e.now,
	}
	applyApplication(a, p)
	e.sdk.apps = append(e.sdk.apps, a)
	e.notef(nil, KindREST, facts{rest: restRef("POST", "Applications")}, "TwiML App %s%s created; VoiceUrl %s", wire.Short(a.Sid), quotedName(a.FriendlyName), a.VoiceURL)
	return a, nil
}

// quotedName renders a friendly name for the trace: ` "Support"`, or
// nothing.
func quotedName(name string) string {
	if name == "" {
		return ""
	}
	return fmt.Sprintf(" %q", name)
}

func applyApplication(a *Application, p ApplicationParams) {
	set := func(dst *string, v *string) {
		if v != nil {
			*dst = *v
		}
	}
	method := func(dst *string, v string) {
		if v != "" {
			*dst = v
		}
	}
	set(&a.FriendlyName, p.FriendlyName)
	set(&a.APIVersion, p.APIVersion)
	set(&a.VoiceURL, p.VoiceURL)
	method(&a.VoiceMethod, p.VoiceMethod)
	set(&a.VoiceFallbackURL, p.VoiceFallbackURL)
	method(&a.VoiceFallbackMethod, p.VoiceFallbackMethod)
	set(&a.StatusCallback, p.StatusCallback)
	method(&a.StatusCallbackMethod, p.StatusCallbackMethod)
	set(&a.SmsURL, p.SmsURL)
	method(&a.SmsMethod, p.SmsMethod)
	set(&a.SmsFallbackURL, p.SmsFallbackURL)
	method(&a.SmsFallbackMethod, p.SmsFallbackMethod)
	set(&a.SmsStatusCallback, p.SmsStatusCallback)
	set(&a.MessageStatusCallback, p.MessageStatusCallback)
	if p.VoiceCallerIDLookup != nil {
		a.VoiceCallerIDLookup = *p.VoiceCallerIDLookup
	}
	if p.PublicApplicationConnectEnabled != nil {
		a.PublicApplicationConnectEnabled = *p.PublicApplicationConnectEnabled
	}
}

// UpdateApplication changes an App's settings; calls already in progress
// keep the TwiML they run.
func (e *Engine) UpdateApplication(sid string, p ApplicationParams) (*Application, error) {
	a, err := e.Application(sid)
	if err != nil {
		return nil, err
	}
	applyApplication(a, p)
	a.DateUpdated = e.now
	e.notef(nil, KindREST, facts{rest: restRef("POST", "Applications", a.Sid)}, "TwiML App %s updated; VoiceUrl %s", wire.Short(a.Sid), a.VoiceURL)
	return a, nil
}

// DeleteApplication deletes an App. Calls it started go on; a Voice SDK
// call or a <Dial><Application> to it from then on fails.
func (e *Engine) DeleteApplication(sid string) error {
	a, err := e.Application(sid)
	if err != nil {
		return err
	}
	for i, o := range e.sdk.apps {
		if o == a {
			e.sdk.apps = append(e.sdk.apps[:i], e.sdk.apps[i+1:]...)
			break
		}
	}
	e.notef(nil, KindREST, facts{rest: restRef("DELETE", "Applications", a.Sid)}, "TwiML App %s deleted", wire.Short(a.Sid))
	return nil
}

// Application returns the App with the given SID (20404 if there is none).
func (e *Engine) Application(sid string) (*Application, error) {
	if a := e.app(sid); a != nil {
		return a, nil
	}
	return nil, errNotFound(fmt.Sprintf("/2010-04-01/Accounts/%s/Applications/%s.json", e.cfg.AccountSid, sid))
}

func (e *Engine) app(sid string) *Application {
	for _, a := range e.sdk.apps {
		if a.Sid == sid {
			return a
		}
	}
	return nil
}

// Applications returns the account's Apps in the order they were created,
// optionally only those whose FriendlyName is friendlyName.
func (e *Engine) Applications(friendlyName string) []*Application {
	var out []*Application
	for _, a := range e.sdk.apps {
		if friendlyName == "" || a.FriendlyName == friendlyName {
			out = append(out, a)
		}
	}
	return out
}

// callApplication makes a call created with an ApplicationSid use the
// App's VoiceUrl, fallback and status callback instead of the request's
// own (https://www.twilio.com/docs/voice/api/call-resource#create-a-call-resource).
func (e *Engine) callApplication(p *CallParams) error {
	if p.ApplicationSid == "" {
		return nil
	}
	a := e.app(p.ApplicationSid)
	if a == nil {
		// INFERRED: 21218 is Twilio's "Invalid ApplicationSid".
		return errBadRequest(21218, "Invalid ApplicationSid: %s is not one of the account's TwiML Apps", p.ApplicationSid)
	}
	p.URL, p.Method, p.Twiml = a.VoiceURL, a.VoiceMethod, ""
	p.FallbackURL, p.FallbackMethod = a.VoiceFallbackURL, a.VoiceFallbackMethod
	p.StatusCallback, p.StatusCallbackMethod = a.StatusCallback, a.StatusCallbackMethod
	return nil
}
