package fakeapi

import (
	"net/http"
	"net/url"

	"github.com/holdlab/holdlab/fakeapi/sim"
	"github.com/holdlab/holdlab/fakeapi/wire"
)

// numberParams reads the IncomingPhoneNumber parameters holdlab models.
func numberParams(form url.Values) (sim.NumberParams, error) {
	p := sim.NumberParams{PhoneNumber: form.Get("PhoneNumber"), FriendlyName: form.Get("FriendlyName")}
	for name, dst := range map[string]**string{
		"VoiceUrl": &p.VoiceURL, "VoiceFallbackUrl": &p.VoiceFallbackURL, "StatusCallback": &p.StatusCallback,
	} {
		if vs, ok := form[name]; ok {
			v := vs[0]
			if v != "" && !validURL(v) {
				return p, wire.InvalidURL(name, v)
			}
			*dst = &v
		}
	}
	var err error
	if p.VoiceMethod, err = wire.Method(form, "VoiceMethod", ""); err != nil {
		return p, err
	}
	if p.VoiceFallbackMethod, err = wire.Method(form, "VoiceFallbackMethod", ""); err != nil {
		return p, err
	}
	if p.StatusCallbackMethod, err = wire.Method(form, "StatusCallbackMethod", ""); err != nil {
		return p, err
	}
	return p, nil
}

func (f *Fake) createNumber(w http.ResponseWriter, _ *http.Request, form url.Values) error {
	p, err := numberParams(form)
	if err != nil {
		return err
	}
	if p.PhoneNumber != "" && !validAddress(p.PhoneNumber) {
		return wire.InvalidParameter(21421, "PhoneNumber", p.PhoneNumber)
	}
	var body wire.IncomingPhoneNumber
	if err := f.Do(func(e *sim.Engine) error {
		n, err := e.CreateNumber(p)
		if err == nil {
			body = f.numberJSON(n)
		}
		return err
	}); err != nil {
		return err
	}
	wire.JSON(w, http.StatusCreated, body)
	return nil
}

func (f *Fake) listNumbers(w http.ResponseWriter, r *http.Request, form url.Values) error {
	req, err := wire.ParsePageRequest(form)
	if err != nil {
		return err
	}
	var items []wire.IncomingPhoneNumber
	f.View(func(e *sim.Engine) {
		for _, n := range e.Numbers(form.Get("PhoneNumber")) {
			items = append(items, f.numberJSON(n))
		}
	})
	wire.JSON(w, http.StatusOK, wire.NewPage(wire.KeyIncomingPhoneNumbers, items, req, r.URL.Path, form))
	return nil
}

func (f *Fake) fetchNumber(w http.ResponseWriter, r *http.Request, _ url.Values) error {
	return f.numberOp(w, r, http.StatusOK, func(e *sim.Engine, sid string) (*sim.PhoneNumber, error) {
		return e.Number(sid)
	})
}

func (f *Fake) updateNumber(w http.ResponseWriter, r *http.Request, form url.Values) error {
	p, err := numberParams(form)
	if err != nil {
		return err
	}
	if p.PhoneNumber != "" {
		return wire.BadRequest("PhoneNumber cannot be changed")
	}
	return f.numberOp(w, r, http.StatusOK, func(e *sim.Engine, sid string) (*sim.PhoneNumber, error) {
		return e.UpdateNumber(sid, p)
	})
}

func (f *Fake) deleteNumber(w http.ResponseWriter, r *http.Request, _ url.Values) error {
	sid := resourceSid(r)
	if err := f.Do(func(e *sim.Engine) error { return e.DeleteNumber(sid) }); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// numberOp runs op on the number in the path and renders the result.
func (f *Fake) numberOp(w http.ResponseWriter, r *http.Request, status int, op func(*sim.Engine, string) (*sim.PhoneNumber, error)) error {
	sid := resourceSid(r)
	var body wire.IncomingPhoneNumber
	if err := f.Do(func(e *sim.Engine) error {
		n, err := op(e, sid)
		if err == nil {
			body = f.numberJSON(n)
		}
		return err
	}); err != nil {
		return err
	}
	wire.JSON(w, status, body)
	return nil
}

// numberJSON renders an IncomingPhoneNumber resource.
func (f *Fake) numberJSON(n *sim.PhoneNumber) wire.IncomingPhoneNumber {
	return wire.IncomingPhoneNumber{
		AccountSid:           wire.Ptr(f.opts.AccountSid),
		AddressRequirements:  wire.Ptr("none"),
		APIVersion:           wire.Ptr(wire.APIVersion),
		Beta:                 wire.Ptr(false),
		Capabilities:         &wire.Capabilities{Voice: true, SMS: true, MMS: true},
		DateCreated:          wire.Ptr(wire.FormatDate(n.DateCreated)),
		DateUpdated:          wire.Ptr(wire.FormatDate(n.DateUpdated)),
		FriendlyName:         wire.Ptr(n.FriendlyName),
		PhoneNumber:          wire.Ptr(n.PhoneNumber),
		Origin:               wire.Ptr("twilio"),
		Sid:                  wire.Ptr(n.Sid),
		SmsFallbackMethod:    wire.Ptr("POST"),
		SmsMethod:            wire.Ptr("POST"),
		StatusCallback:       wire.Ptr(n.StatusCallback),
		StatusCallbackMethod: wire.Ptr(n.StatusCallbackMethod),
		URI:                  wire.Ptr("/2010-04-01/Accounts/" + f.opts.AccountSid + "/IncomingPhoneNumbers/" + n.Sid + ".json"),
		VoiceReceiveMode:     wire.Ptr("voice"),
		VoiceCallerIDLookup:  wire.Ptr(false),
		VoiceFallbackMethod:  wire.Ptr(n.VoiceFallbackMethod),
		VoiceFallbackURL:     wire.Ptr(n.VoiceFallbackURL),
		VoiceMethod:          wire.Ptr(n.VoiceMethod),
		VoiceURL:             wire.Ptr(n.VoiceURL),
		EmergencyStatus:      wire.Ptr("Inactive"),
		Status:               wire.Ptr("in-use"),
		Type:                 wire.Ptr("local"),
	}
}
