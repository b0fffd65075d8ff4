package fakeapi

import (
	"net/http"
	"net/url"
	"unicode/utf8"

	"github.com/holdlab/holdlab/fakeapi/sim"
	"github.com/holdlab/holdlab/fakeapi/wire"
)

// The Application resource, TwiML Apps
// (https://www.twilio.com/docs/usage/api/applications); the engine's side is
// sim/api_applications.go.

// applicationParams reads the Application parameters.
func applicationParams(form url.Values) (sim.ApplicationParams, error) {
	var p sim.ApplicationParams
	if form.Has("FriendlyName") {
		name := form.Get("FriendlyName")
		if utf8.RuneCountInString(name) > 64 {
			return p, wire.InvalidParameter(wire.CodeInvalidParameter, "FriendlyName", "longer than 64 characters")
		}
		p.FriendlyName = &name
	}
	if form.Has("ApiVersion") {
		v := form.Get("ApiVersion")
		if v != "2010-04-01" && v != "2008-08-01" {
			return p, wire.InvalidParameter(wire.CodeInvalidParameter, "ApiVersion", v)
		}
		p.APIVersion = &v
	}
	urls := []struct {
		name string
		dst  **string
	}{
		{"VoiceUrl", &p.VoiceURL}, {"VoiceFallbackUrl", &p.VoiceFallbackURL}, {"StatusCallback", &p.StatusCallback},
		{"SmsUrl", &p.SmsURL}, {"SmsFallbackUrl", &p.SmsFallbackURL}, {"SmsStatusCallback", &p.SmsStatusCallback},
		{"MessageStatusCallback", &p.MessageStatusCallback},
	}
	for _, u := range urls {
		v, err := optionalURL(form, u.name)
		if err != nil {
			return p, err
		}
		*u.dst = v
	}
	methods := []struct {
		name string
		dst  *string
	}{
		{"VoiceMethod", &p.VoiceMethod}, {"VoiceFallbackMethod", &p.VoiceFallbackMethod},
		{"StatusCallbackMethod", &p.StatusCallbackMethod}, {"SmsMethod", &p.SmsMethod},
		{"SmsFallbackMethod", &p.SmsFallbackMethod},
	}
	for _, m := range methods {
		v, err := wire.Method(form, m.name, "")
		if err != nil {
			return p, err
		}
		*m.dst = v
	}
	err := optionalBools(form, []optionalBool{
		{"VoiceCallerIdLookup", &p.VoiceCallerIDLookup},
		{"PublicApplicationConnectEnabled", &p.PublicApplicationConnectEnabled},
	})
	return p, err
}

func (f *Fake) createApplication(w http.ResponseWriter, _ restRequest, form url.Values) error {
	p, err := applicationParams(form)
	if err != nil {
		return err
	}
	return doJSON(f, w, http.StatusCreated, func(e *sim.Engine) (*sim.Application, error) {
		return e.CreateApplication(p)
	}, f.applicationJSON)
}

func (f *Fake) listApplications(w http.ResponseWriter, r restRequest, form url.Values) error {
	req, err := wire.ParsePageRequest(form)
	if err != nil {
		return err
	}
	return listJSON(f, w, r, form, req, wire.KeyApplications, func(e *sim.Engine) ([]*sim.Application, error) {
		return e.Applications(form.Get("FriendlyName")), nil
	}, f.applicationJSON)
}

func (f *Fake) fetchApplication(w http.ResponseWriter, r restRequest, _ url.Values) error {
	sid := resourceSid(r)
	return viewJSON(f, w, func(e *sim.Engine) (*sim.Application, error) {
		return e.Application(sid)
	}, f.applicationJSON)
}

func (f *Fake) updateApplication(w http.ResponseWriter, r restRequest, form url.Values) error {
	p, err := applicationParams(form)
	if err != nil {
		return err
	}
	sid := resourceSid(r)
	return doJSON(f, w, http.StatusOK, func(e *sim.Engine) (*sim.Application, error) {
		return e.UpdateApplication(sid, p)
	}, f.applicationJSON)
}

func (f *Fake) deleteApplication(w http.ResponseWriter, r restRequest, _ url.Values) error {
	sid := resourceSid(r)
	return doNoContent(f, w, func(e *sim.Engine) error { return e.DeleteApplication(sid) })
}

// applicationJSON renders an App as Twilio's Application resource.
func (f *Fake) applicationJSON(a *sim.Application) wire.Application {
	return wire.Application{
		AccountSid:                      wire.Ptr(f.opts.AccountSid),
		APIVersion:                      wire.Ptr(a.APIVersion),
		DateCreated:                     wire.Ptr(wire.FormatDate(a.DateCreated)),
		DateUpdated:                     wire.Ptr(wire.FormatDate(a.DateUpdated)),
		FriendlyName:                    wire.NullString(a.FriendlyName),
		MessageStatusCallback:           wire.Ptr(a.MessageStatusCallback),
		Sid:                             wire.Ptr(a.Sid),
		SmsFallbackMethod:               wire.Ptr(a.SmsFallbackMethod),
		SmsFallbackURL:                  wire.Ptr(a.SmsFallbackURL),
		SmsMethod:                       wire.Ptr(a.SmsMethod),
		SmsStatusCallback:               wire.Ptr(a.SmsStatusCallback),
		SmsURL:                          wire.Ptr(a.SmsURL),
		StatusCallback:                  wire.Ptr(a.StatusCallback),
		StatusCallbackMethod:            wire.Ptr(a.StatusCallbackMethod),
		URI:                             wire.Ptr("/2010-04-01/Accounts/" + f.opts.AccountSid + "/Applications/" + a.Sid + ".json"),
		VoiceCallerIDLookup:             wire.Ptr(a.VoiceCallerIDLookup),
		VoiceFallbackMethod:             wire.Ptr(a.VoiceFallbackMethod),
		VoiceFallbackURL:                wire.Ptr(a.VoiceFallbackURL),
		VoiceMethod:                     wire.Ptr(a.VoiceMethod),
		VoiceURL:                        wire.Ptr(a.VoiceURL),
		PublicApplicationConnectEnabled: wire.Ptr(a.PublicApplicationConnectEnabled),
	}
}
