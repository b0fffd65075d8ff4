package fakeapi

import (
	"net/http"
	"net/url"
	"unicode/utf8"

	"github.com/holdlab/holdlab/fakeapi/wire"
)

// The Key resource (https://www.twilio.com/docs/iam/api-keys/key-resource-v2010):
// the account's API keys (keys.go). Only the account's own credentials may
// use it: Standard keys, the only ones the REST API makes, have no access
// to keys (https://www.twilio.com/docs/iam/api-keys#types-of-keys).

// keysAllowed refuses a request made with an API key. INFERRED: Twilio
// answers it as a failed authentication, 401 / 20003.
func keysAllowed(w http.ResponseWriter, r restRequest) error {
	if byAPIKey(r.Request) {
		w.Header().Set("WWW-Authenticate", `Basic realm="Twilio API"`)
		return wire.Unauthorized()
	}
	return nil
}

// keyName reads FriendlyName (at most 64 characters); "" when absent.
func keyName(form url.Values) (string, error) {
	name := form.Get("FriendlyName")
	if utf8.RuneCountInString(name) > maxKeyName {
		return "", wire.InvalidParameter(wire.CodeInvalidParameter, "FriendlyName", "longer than 64 characters")
	}
	return name, nil
}

func (f *Fake) createKey(w http.ResponseWriter, r restRequest, form url.Values) error {
	if err := keysAllowed(w, r); err != nil {
		return err
	}
	name, err := keyName(form)
	if err != nil {
		return err
	}
	k, err := f.keys.create(name, f.Now())
	if err != nil {
		return err
	}
	wire.JSON(w, http.StatusCreated, wire.NewKey{
		Sid:          wire.Ptr(k.Sid),
		FriendlyName: wire.NullString(k.FriendlyName),
		DateCreated:  wire.Ptr(wire.FormatDate(k.created)),
		DateUpdated:  wire.Ptr(wire.FormatDate(k.updated)),
		Secret:       wire.Ptr(k.Secret),
	})
	return nil
}

func (f *Fake) listKeys(w http.ResponseWriter, r restRequest, form url.Values) error {
	if err := keysAllowed(w, r); err != nil {
		return err
	}
	req, err := wire.ParsePageRequest(form)
	if err != nil {
		return err
	}
	wire.JSON(w, http.StatusOK, wire.ConvertPage(wire.NewPage(wire.KeyKeys, f.keys.all(), req, r.URL.Path, form), keyJSON))
	return nil
}

func (f *Fake) fetchKey(w http.ResponseWriter, r restRequest, _ url.Values) error {
	if err := keysAllowed(w, r); err != nil {
		return err
	}
	k, ok := f.keys.get(resourceSid(r))
	if !ok {
		return wire.NotFound(r.URL.Path)
	}
	wire.JSON(w, http.StatusOK, keyJSON(k))
	return nil
}

func (f *Fake) updateKey(w http.ResponseWriter, r restRequest, form url.Values) error {
	if err := keysAllowed(w, r); err != nil {
		return err
	}
	sid := resourceSid(r)
	k, ok := f.keys.get(sid)
	if !ok {
		return wire.NotFound(r.URL.Path)
	}
	name := k.FriendlyName
	if form.Has("FriendlyName") {
		var err error
		if name, err = keyName(form); err != nil {
			return err
		}
	}
	if k, ok = f.keys.rename(sid, name, f.Now()); !ok {
		return wire.NotFound(r.URL.Path)
	}
	wire.JSON(w, http.StatusOK, keyJSON(k))
	return nil
}

func (f *Fake) deleteKey(w http.ResponseWriter, r restRequest, _ url.Values) error {
	if err := keysAllowed(w, r); err != nil {
		return err
	}
	if !f.keys.remove(resourceSid(r)) {
		return wire.NotFound(r.URL.Path)
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// keyJSON renders a key as Twilio's Key resource: never its secret.
func keyJSON(k apiKey) wire.Key {
	return wire.Key{
		Sid:          wire.Ptr(k.Sid),
		FriendlyName: wire.NullString(k.FriendlyName),
		DateCreated:  wire.Ptr(wire.FormatDate(k.created)),
		DateUpdated:  wire.Ptr(wire.FormatDate(k.updated)),
	}
}
