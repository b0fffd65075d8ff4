package fakeapi_test

import (
	"net/http"
	"testing"

	"github.com/holdlab/holdlab/fakeapi"
)

// BaseURLTransport sends twilio-go's https://api.twilio.com requests to
// another base URL, changing only the scheme, the host and, if the base has
// one, a path prefix; it refuses base URLs that are not absolute.
func TestBaseURLTransport(t *testing.T) {
	tests := []struct {
		base, want string // want "" for an error
	}{
		{"http://127.0.0.1:8088", "http://127.0.0.1:8088/2010-04-01/Accounts/AC1/Calls.json?PageSize=2"},
		{"http://127.0.0.1:8088/", "http://127.0.0.1:8088/2010-04-01/Accounts/AC1/Calls.json?PageSize=2"},
		{"https://fake.test/twilio/", "https://fake.test/twilio/2010-04-01/Accounts/AC1/Calls.json?PageSize=2"},
		{"127.0.0.1:8088", ""},
		{"/relative", ""},
		{"http://", ""},
	}
	for _, tt := range tests {
		t.Run(tt.base, func(t *testing.T) {
			var got *http.Request
			next := roundTripper(func(r *http.Request) (*http.Response, error) {
				got = r
				return &http.Response{StatusCode: 200, Body: http.NoBody, Request: r}, nil
			})
			rt, err := fakeapi.BaseURLTransport(tt.base, next)
			if tt.want == "" {
				if err == nil {
					t.Fatalf("no error for base %q", tt.base)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			req, _ := http.NewRequest("GET", "https://api.twilio.com/2010-04-01/Accounts/AC1/Calls.json?PageSize=2", nil)
			req.SetBasicAuth("AC1", "token")
			if _, err := rt.RoundTrip(req); err != nil {
				t.Fatal(err)
			}
			if got.URL.String() != tt.want || got.Host != got.URL.Host {
				t.Errorf("sent to %s (Host %s), want %s", got.URL, got.Host, tt.want)
			}
			if u, p, ok := got.BasicAuth(); !ok || u != "AC1" || p != "token" {
				t.Errorf("credentials %q %q %v, want them unchanged", u, p, ok)
			}
			if req.URL.Host != "api.twilio.com" {
				t.Errorf("the caller's request was modified: %s", req.URL)
			}
		})
	}
}

type roundTripper func(*http.Request) (*http.Response, error)

func (f roundTripper) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }
