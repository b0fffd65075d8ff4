package fakeapi

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"net/http"
	"slices"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/holdlab/holdlab/fakeapi/wire"
	openapi "github.com/twilio/twilio-go/rest/api/v2010"
)

// API keys (https://www.twilio.com/docs/iam/api-keys): HTTP Basic with a
// key's SID as the user and its secret as the password authenticates every
// request, as the account SID and auth token do; the account SID stays in
// the path. Keys are Standard keys: they may not manage keys (the Keys
// resource needs the account's own credentials). Webhooks are still signed
// with the auth token.

// APIKey is an API key of the fake account.
type APIKey struct {
	// Sid is SK followed by 32 hex digits: the HTTP Basic user.
	Sid string
	// Secret is the HTTP Basic password.
	Secret string
	// FriendlyName is a label, up to 64 characters.
	FriendlyName string
}

// NewAPIKey returns a key with a random SID and secret, for Options.APIKeys:
// a key that stays the same across several fakes, such as the fresh fake
// of each scenario behind one address.
func NewAPIKey(friendlyName string) (APIKey, error) {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return APIKey{}, fmt.Errorf("fakeapi: API key SID: %w", err)
	}
	secret, err := newSecret()
	if err != nil {
		return APIKey{}, err
	}
	return APIKey{Sid: "SK" + hex.EncodeToString(b), Secret: secret, FriendlyName: friendlyName}, nil
}

// maxKeyName is Twilio's limit on a key's FriendlyName, in characters.
const maxKeyName = 64

// apiKey is a key and its dates.
type apiKey struct {
	APIKey
	created, updated time.Time
	// header is the Authorization header a client sends with the key:
	// see basicAuthHeader.
	header string
}

// basicAuthHeader is the Authorization header of HTTP Basic with user and
// pass, as net/http's SetBasicAuth (twilio-go's) writes it. A request
// carrying exactly this header is authenticated by one comparison, without
// decoding it.
func basicAuthHeader(user, pass string) string {
	return "Basic " + base64.StdEncoding.EncodeToString([]byte(user+":"+pass))
}

// keyStore holds the account's API keys under its own lock, apart from the
// engine's: every request made with a key reads it.
type keyStore struct {
	mu    sync.RWMutex
	seed  uint64             // of ids
	ids   *wire.SIDGenerator // made with the first key created
	order []*apiKey          // creation order

	// account is the account's Authorization header (basicAuthHeader of
	// its SID and auth token), made by New.
	account string
}

// keySeedSalt keeps the SIDs of keys apart from the engine's sequence, so
// that creating a key changes no call's SID.
const keySeedSalt = 0x6b657973 // "keys"

// init sets the store up with the keys of Options.
func (s *keyStore) init(seed uint64, keys []APIKey, now time.Time) error {
	s.seed = seed ^ keySeedSalt
	for _, k := range keys {
		switch {
		case !wire.ValidSID("SK", k.Sid):
			return fmt.Errorf("fakeapi: API key SID %q is not SK followed by 32 hex digits", k.Sid)
		case k.Secret == "":
			return fmt.Errorf("fakeapi: API key %s has no secret", k.Sid)
		case utf8.RuneCountInString(k.FriendlyName) > maxKeyName:
			return fmt.Errorf("fakeapi: API key %s: FriendlyName is longer than %d characters", k.Sid, maxKeyName)
		case s.find(k.Sid) != nil:
			return fmt.Errorf("fakeapi: API key %s is given twice", k.Sid)
		}
		s.order = append(s.order, &apiKey{APIKey: k, created: now, updated: now, header: basicAuthHeader(k.Sid, k.Secret)})
	}
	return nil
}

// find returns the key with the given SID; s.mu must be held (or the store
// not shared yet).
func (s *keyStore) find(sid string) *apiKey {
	for _, k := range s.order {
		if k.Sid == sid {
			return k
		}
	}
	return nil
}

// check reports whether user and pass are a key's SID and secret.
func (s *keyStore) check(user, pass string) bool {
	if len(user) != 34 || user[:2] != "SK" {
		return false
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	k := s.find(user)
	return k != nil && equal(pass, k.Secret)
}

// checkHeader returns the SID of the key whose Authorization header
// (apiKey.header) is h, if any. A deleted key's header is gone with it.
func (s *keyStore) checkHeader(h string) (string, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	for _, k := range s.order {
		if equal(h, k.header) {
			return k.Sid, true
		}
	}
	return "", false
}

// create makes a key with a fresh SID and secret.
func (s *keyStore) create(friendlyName string, now time.Time) (apiKey, error) {
	secret, err := newSecret()
	if err != nil {
		return apiKey{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ids == nil { // most fakes create no key
		s.ids = wire.NewSIDGenerator(s.seed)
	}
	k := &apiKey{APIKey: APIKey{Sid: s.ids.Next("SK"), Secret: secret, FriendlyName: friendlyName}, created: now, updated: now}
	k.header = basicAuthHeader(k.Sid, k.Secret)
	s.order = append(s.order, k)
	return *k, nil
}

// get returns a copy of the key with the given SID.
func (s *keyStore) get(sid string) (apiKey, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if k := s.find(sid); k != nil {
		return *k, true
	}
	return apiKey{}, false
}

// all returns copies of every key, in creation order.
func (s *keyStore) all() []apiKey {
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := make([]apiKey, len(s.order))
	for i, k := range s.order {
		out[i] = *k
	}
	return out
}

// rename sets a key's FriendlyName.
func (s *keyStore) rename(sid, friendlyName string, now time.Time) (apiKey, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	k := s.find(sid)
	if k == nil {
		return apiKey{}, false
	}
	k.FriendlyName, k.updated = friendlyName, now
	return *k, true
}

// remove deletes a key: requests made with it are refused from then on.
func (s *keyStore) remove(sid string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	i := slices.IndexFunc(s.order, func(k *apiKey) bool { return k.Sid == sid })
	if i < 0 {
		return false
	}
	s.order = slices.Delete(s.order, i, i+1)
	return true
}

// secretAlphabet is what secrets are made of: twilio-go accepts only
// alphanumeric credentials.
const secretAlphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"

// newSecret returns 32 random alphanumeric characters, as Twilio's secrets
// are.
func newSecret() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("fakeapi: API key secret: %w", err)
	}
	for i := range b {
		// 256 is not a multiple of 62: the first characters are slightly
		// more likely, which is no matter for a fake's secrets.
		b[i] = secretAlphabet[int(b[i])%len(secretAlphabet)]
	}
	return string(b), nil
}

// apiKeyUser is the context key of the API key a request was authenticated
// with.
type apiKeyUser struct{}

// authorize authenticates a request's HTTP Basic credentials: the
// account's SID and auth token, or an API key's SID and secret. It
// returns the request to serve (marked when a key authenticated it) and
// whether the credentials are good.
func (f *Fake) authorize(r *http.Request) (*http.Request, bool) {
	// Fast path: the header exactly as twilio-go (SetBasicAuth) writes it
	// for the account or a key. Anything else is decoded below.
	if h := r.Header.Get("Authorization"); equal(h, f.keys.account) {
		return r, true
	} else if sid, ok := f.keys.checkHeader(h); ok {
		return withAPIKey(r, sid), true
	}
	user, pass, ok := r.BasicAuth()
	switch {
	case !ok:
		return r, false
	case equal(user, f.opts.AccountSid) && equal(pass, f.opts.AuthToken):
		return r, true
	case f.keys.check(user, pass):
		return withAPIKey(r, user), true
	}
	return r, false
}

// withAPIKey marks r as authenticated with the key sid.
func withAPIKey(r *http.Request, sid string) *http.Request {
	return r.WithContext(context.WithValue(r.Context(), apiKeyUser{}, sid))
}

// byAPIKey reports whether r was authenticated with an API key.
func byAPIKey(r *http.Request) bool { return r.Context().Value(apiKeyUser{}) != nil }

// CreateAPIKey creates a Standard API key of the account, as POST
// /Keys.json does, and returns its SID and its secret: with them as HTTP
// Basic user and password (TWILIO_API_KEY and TWILIO_API_SECRET for most
// SDKs) an app's REST requests are accepted. friendlyName may be "" and
// has at most 64 characters.
func (f *Fake) CreateAPIKey(friendlyName string) (sid, secret string, err error) {
	if utf8.RuneCountInString(friendlyName) > maxKeyName {
		return "", "", fmt.Errorf("fakeapi: API key FriendlyName is longer than %d characters", maxKeyName)
	}
	k, err := f.keys.create(friendlyName, f.Now())
	if err != nil {
		return "", "", err
	}
	return k.Sid, k.Secret, nil
}

// RestClientWithAPIKey is RestClient authenticated with an API key instead
// of the auth token: twilio-go's client of the REST API, talking to the
// fake in memory.
func (f *Fake) RestClientWithAPIKey(keySid, keySecret string) *openapi.ApiService {
	return newRestClientAs(keySid, keySecret, f.opts.AccountSid, f.HTTPClient())
}

// NewRestClientWithAPIKey is NewRestClient authenticated with an API key
// (keySid, keySecret) of the account accountSid.
func NewRestClientWithAPIKey(baseURL, accountSid, keySid, keySecret string) (*openapi.ApiService, error) {
	hc, err := baseURLClient(baseURL)
	if err != nil {
		return nil, err
	}
	return newRestClientAs(keySid, keySecret, accountSid, hc), nil
}
