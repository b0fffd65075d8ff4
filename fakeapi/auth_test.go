package fakeapi_test

import (
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/holdlab/holdlab/fakeapi"
)

// routeTarget turns a ServeMux pattern of the fake into a method and a
// concrete path.
func routeTarget(pattern, acct string) (method, path string) {
	method, path, ok := strings.Cut(pattern, " ")
	if !ok {
		method, path = http.MethodGet, pattern+"anything"
	}
	path = strings.NewReplacer(
		"{AccountSid}", acct,
		"{file}", "CA0123456789abcdef0123456789abcdef.json",
		"{ConferenceSid}", "CF0123456789abcdef0123456789abcdef",
		"{QueueSid}", "QU0123456789abcdef0123456789abcdef",
		"{sid}", "CA0123456789abcdef0123456789abcdef",
		"{address}", "%2B15550002000",
		"{id}", "FA1",
		"{CallSid}", "CA0123456789abcdef0123456789abcdef",
		"{identity}", "alice",
	).Replace(path)
	return method, path
}

// Every route the fake serves, REST and control API alike, requires the
// account's credentials: anything else is 401 / 20003 with a
// WWW-Authenticate challenge, before the method, the path or the body is
// looked at.
func TestEveryRouteRequiresCredentials(t *testing.T) {
	f := newFake(t, fakeapi.Options{})
	srv := httptest.NewServer(f.Handler())
	defer srv.Close()
	routes := f.Routes()
	if len(routes) < 30 {
		t.Fatalf("the fake lists %d routes; want them all", len(routes))
	}
	creds := []struct {
		name string
		set  func(r *http.Request)
	}{
		{"no credentials", func(*http.Request) {}},
		{"wrong token", func(r *http.Request) { r.SetBasicAuth(f.AccountSid(), "ffffffffffffffffffffffffffffffff") }},
		{"another account", func(r *http.Request) { r.SetBasicAuth("AC0123456789abcdef0123456789abcdef", f.AuthToken()) }},
		{"empty token", func(r *http.Request) { r.SetBasicAuth(f.AccountSid(), "") }},
		{"token as the user", func(r *http.Request) { r.SetBasicAuth(f.AuthToken(), f.AccountSid()) }},
		{"malformed header", func(r *http.Request) { r.Header.Set("Authorization", "Basic !!!") }},
		{"bearer token", func(r *http.Request) { r.Header.Set("Authorization", "Bearer "+f.AuthToken()) }},
	}
	clients := map[string]struct {
		hc   *http.Client
		base string
	}{
		"in-memory": {f.HTTPClient(), "https://api.twilio.com"},
		"loopback":  {srv.Client(), srv.URL},
	}
	for tname, tc := range clients {
		for _, pattern := range append(routes, "PATCH /2010-04-01/Accounts/{AccountSid}/Calls.json") {
			method, path := routeTarget(pattern, f.AccountSid())
			for _, cr := range creds {
				t.Run(tname+"/"+pattern+"/"+cr.name, func(t *testing.T) {
					req, err := http.NewRequest(method, tc.base+path, strings.NewReader("To=%2B15550002000"))
					if err != nil {
						t.Fatal(err)
					}
					req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
					cr.set(req)
					resp, err := tc.hc.Do(req)
					if err != nil {
						t.Fatal(err)
					}
					defer resp.Body.Close()
					raw, _ := io.ReadAll(resp.Body)
					var e struct {
						Code   int `json:"code"`
						Status int `json:"status"`
					}
					_ = json.Unmarshal(raw, &e)
					if resp.StatusCode != http.StatusUnauthorized || e.Code != 20003 || e.Status != 401 {
						t.Errorf("%s %s: HTTP %d %s, want 401 / 20003", method, path, resp.StatusCode, raw)
					}
					if !strings.HasPrefix(resp.Header.Get("WWW-Authenticate"), "Basic ") {
						t.Errorf("no Basic WWW-Authenticate challenge: %q", resp.Header.Get("WWW-Authenticate"))
					}
				})
			}
			t.Run(tname+"/"+pattern+"/right credentials", func(t *testing.T) {
				req, err := http.NewRequest(method, tc.base+path, nil)
				if err != nil {
					t.Fatal(err)
				}
				req.SetBasicAuth(f.AccountSid(), f.AuthToken())
				resp, err := tc.hc.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				resp.Body.Close()
				if resp.StatusCode == http.StatusUnauthorized || resp.StatusCode >= 500 {
					t.Errorf("%s %s with the right credentials: HTTP %d", method, path, resp.StatusCode)
				}
			})
		}
	}
}

// HTTP Basic credentials are accepted in every spelling of the header
// RFC 7617 allows, not only in the one twilio-go writes, and a deleted
// key's are refused from then on, whatever the spelling.
func TestAuthorizationHeaderSpellings(t *testing.T) {
	f := newFake(t, fakeapi.Options{})
	sid, secret, err := f.CreateAPIKey("spellings")
	if err != nil {
		t.Fatal(err)
	}
	b64 := func(user, pass string) string { return base64.StdEncoding.EncodeToString([]byte(user + ":" + pass)) }
	account, key := b64(f.AccountSid(), f.AuthToken()), b64(sid, secret)
	status := func(header string) int {
		t.Helper()
		req, err := http.NewRequest("GET", "https://api.twilio.com/2010-04-01/Accounts/"+f.AccountSid()+"/Calls.json", nil)
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Authorization", header)
		resp, err := f.HTTPClient().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	for _, tt := range []struct {
		name, header string
		want         int
	}{
		{"account, as twilio-go writes it", "Basic " + account, http.StatusOK},
		{"account, lower-case scheme", "basic " + account, http.StatusOK},
		{"account, upper-case scheme", "BASIC " + account, http.StatusOK},
		{"key, as twilio-go writes it", "Basic " + key, http.StatusOK},
		{"key, lower-case scheme", "basic " + key, http.StatusOK},
		{"account, a character short", "Basic " + account[:len(account)-1], http.StatusUnauthorized},
		{"key, a character short", "Basic " + key[:len(key)-1], http.StatusUnauthorized},
	} {
		if got := status(tt.header); got != tt.want {
			t.Errorf("%s: HTTP %d, want %d", tt.name, got, tt.want)
		}
	}
	if err := f.RestClient().DeleteKey(sid, nil); err != nil {
		t.Fatal(err)
	}
	for _, h := range []string{"Basic " + key, "basic " + key} {
		if got := status(h); got != http.StatusUnauthorized {
			t.Errorf("deleted key, %q: HTTP %d, want 401", h[:6], got)
		}
	}
}
