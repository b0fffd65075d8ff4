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
	var err error
	if p.VoiceURL, err = optionalURL(form, "VoiceUrl"); err != nil {
		return p, err
	}
	if p.VoiceFallbackURL, err = optionalURL(form, "VoiceFallbackUrl"); err != nil {
		return p, err
	}
	if p.StatusCallback, err = optionalURL(form, "StatusCallback"); err != nil {
		return p, err
	}
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

func (f *Fake) createNumber(w http.ResponseWriter, _ restRequest, form url.Values) error {
	p, err := numberParams(form)
	if err != nil {
		return err
	}
	if p.PhoneNumber != "" && !validAddress(p.PhoneNumber) {
		return wire.InvalidParameter(21421, "PhoneNumber", p.PhoneNumber)
	}
	return doJSON(f, w, http.StatusCreated, func(e *sim.Engine) (*sim.PhoneNumber, error) {
		return e.CreateNumber(p)
	}, f.numberJSON)
}

func (f *Fake) listNumbers(w http.ResponseWriter, r restRequest, form url.Values) error {
	req, err := wire.ParsePageRequest(form)
	if err != nil {
		return err
	}
	return listJSON(f, w, r, form, req, wire.KeyIncomingPhoneNumbers, func(e *sim.Engine) ([]*sim.PhoneNumber, error) {
		return e.Numbers(form.Get("PhoneNumber")), nil
	}, f.numberJSON)
}

func (f *Fake) fetchNumber(w http.ResponseWriter, r restRequest, _ url.Values) error {
	sid := resourceSid(r)
	return doJSON(f, w, http.StatusOK, func(e *sim.Engine) (*sim.PhoneNumber, error) {
		return e.Number(sid)
	}, f.numberJSON)
}

func (f *Fake) updateNumber(w http.ResponseWriter, r restRequest, form url.Values) error {
	p, err := numberParams(form)
	if err != nil {
		return err
	}
	if p.PhoneNumber != "" {
		return wire.BadRequest("PhoneNumber cannot be changed")
	}
	sid := resourceSid(r)
	return doJSON(f, w, http.StatusOK, func(e *sim.Engine) (*sim.PhoneNumber, error) {
		return e.UpdateNumber(sid, p)
	}, f.numberJSON)
}

func (f *Fake) deleteNumber(w http.ResponseWriter, r restRequest, _ url.Values) error {
	sid := resourceSid(r)
	return doNoContent(f, w, func(e *sim.Engine) error { return e.DeleteNumber(sid) })
}

// numberJSON renders an IncomingPhoneNumber resource: a record of plain
// values, copied while the engine is locked and rendered as JSON after.
func (f *Fake) numberJSON(n *sim.PhoneNumber) wire.NumberRecord {
	return wire.NumberRecord{
		AccountSid:           f.opts.AccountSid,
		Sid:                  n.Sid,
		PhoneNumber:          n.PhoneNumber,
		FriendlyName:         n.FriendlyName,
		StatusCallback:       n.StatusCallback,
		StatusCallbackMethod: n.StatusCallbackMethod,
		VoiceURL:             n.VoiceURL,
		VoiceMethod:          n.VoiceMethod,
		VoiceFallbackURL:     n.VoiceFallbackURL,
		VoiceFallbackMethod:  n.VoiceFallbackMethod,
		DateCreated:          n.DateCreated,
		DateUpdated:          n.DateUpdated,
	}
}
