package scenarios

import (
	"errors"
	"net/http"
	"time"

	"github.com/twilio/twilio-go/client"
	openapi "github.com/twilio/twilio-go/rest/api/v2010"

	"github.com/holdlab/holdlab/fakeapi"
)

// Credentials authenticate REST requests: the account SID with its auth
// token, or an API key and its secret used for that account.
type Credentials struct {
	AccountSid string
	AuthToken  string
	APIKey     string
	APISecret  string
}

// validate checks that one way of authenticating is complete.
func (c Credentials) validate() error {
	switch {
	case c.AccountSid == "":
		return errors.New("the account SID is required (TWILIO_ACCOUNT_SID)")
	case c.APIKey != "" && c.APISecret == "":
		return errors.New("an API key needs its secret (TWILIO_API_SECRET)")
	case c.APIKey == "" && c.AuthToken == "":
		return errors.New("an auth token (TWILIO_AUTH_TOKEN) or an API key and secret (TWILIO_API_KEY, TWILIO_API_SECRET) is required")
	}
	return nil
}

// basic returns the HTTP Basic user and password.
func (c Credentials) basic() (string, string) {
	if c.APIKey != "" {
		return c.APIKey, c.APISecret
	}
	return c.AccountSid, c.AuthToken
}

// newRestClient returns twilio-go's client of the REST API for creds,
// whose requests go through rt. With a base URL, only the scheme and host
// of twilio-go's requests change (it writes https://api.twilio.com):
// paths, bodies and credentials are exactly what it sends to Twilio.
func newRestClient(creds Credentials, baseURL string, rt http.RoundTripper) (*openapi.ApiService, error) {
	if rt == nil {
		rt = http.DefaultTransport
	}
	if baseURL != "" {
		var err error
		if rt, err = fakeapi.BaseURLTransport(baseURL, rt); err != nil {
			return nil, err
		}
	}
	user, pass := creds.basic()
	c := &client.Client{
		Credentials: client.NewCredentials(user, pass),
		HTTPClient: &http.Client{
			Transport: rt,
			Timeout:   30 * time.Second,
			// Like twilio-go's own client: never follow redirects.
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		},
	}
	c.SetAccountSid(creds.AccountSid)
	// What twilio.NewRestClientWithParams builds for its Api field, without
	// twilio-go's root package, which compiles every Twilio API.
	return openapi.NewApiServiceWithClient(c), nil
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }
