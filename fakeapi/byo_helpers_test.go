package fakeapi_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/holdlab/holdlab/fakeapi"
	openapi "github.com/twilio/twilio-go/rest/api/v2010"
)

// byoEnv is an env with what the tests of API keys, TwiML Apps and Voice
// SDK calls need besides: raw HTTP to the fake (to see the exact wire
// format) and twilio-go clients that use an API key, over the env's
// transport.
type byoEnv struct {
	*env
	hc   *http.Client // to the fake, over the transport
	base string       // the fake's base URL for hc
	// withKey returns twilio-go's client authenticated with an API key.
	withKey func(sid, secret string) *openapi.ApiService
}

// eachBYOTransport runs body once per transport (see eachTransport), and
// checks that every webhook was signed with the auth token.
func eachBYOTransport(t *testing.T, body func(t *testing.T, e *byoEnv)) {
	for _, tr := range transports {
		t.Run(tr.name, func(t *testing.T) {
			t.Parallel()
			e := &byoEnv{env: tr.setup(t)}
			f := e.fake
			if tr.name == "in-memory" {
				e.hc, e.base = f.HTTPClient(), "https://api.twilio.com"
				e.withKey = f.RestClientWithAPIKey
			} else {
				srv := httptest.NewServer(f.Handler())
				t.Cleanup(srv.Close)
				e.hc, e.base = srv.Client(), srv.URL
				e.withKey = func(sid, secret string) *openapi.ApiService {
					rc, err := fakeapi.NewRestClientWithAPIKey(srv.URL, f.AccountSid(), sid, secret)
					if err != nil {
						t.Fatal(err)
					}
					return rc
				}
			}
			body(t, e)
			for _, r := range e.app.requests("") {
				if !r.Valid {
					t.Errorf("webhook to %s has a signature twilio-go's RequestValidator rejects (signed with the auth token?)", r.Path)
				}
			}
		})
	}
}

// do sends a request to the fake with the account's credentials (user and
// password when given) and returns the status and the raw body.
func (e *byoEnv) do(method, path, contentType, body string, creds ...string) (int, []byte) {
	e.t.Helper()
	req, err := http.NewRequest(method, e.base+path, strings.NewReader(body))
	if err != nil {
		e.t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	user, pass := e.fake.AccountSid(), e.fake.AuthToken()
	if len(creds) == 2 {
		user, pass = creds[0], creds[1]
	}
	req.SetBasicAuth(user, pass)
	resp, err := e.hc.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		e.t.Fatal(err)
	}
	return resp.StatusCode, raw
}

// rest is a REST request with a form body.
func (e *byoEnv) rest(method, resource, form string, creds ...string) (int, []byte) {
	e.t.Helper()
	return e.do(method, "/2010-04-01/Accounts/"+e.fake.AccountSid()+resource, "application/x-www-form-urlencoded", form, creds...)
}

// control is a control API request with a JSON body.
func (e *byoEnv) control(method, path, body string) (int, []byte) {
	e.t.Helper()
	return e.do(method, fakeapi.ControlPrefix+path, "application/json", body)
}

// wantError checks a Twilio error answer.
func wantError(t *testing.T, status int, raw []byte, wantStatus, wantCode int) {
	t.Helper()
	var body struct {
		Code   int `json:"code"`
		Status int `json:"status"`
	}
	_ = json.Unmarshal(raw, &body)
	if status != wantStatus || body.Code != wantCode || body.Status != wantStatus {
		t.Errorf("HTTP %d %s, want %d / %d", status, raw, wantStatus, wantCode)
	}
}

// wantShapeOf checks that raw is a JSON object with exactly the JSON
// properties of twilio-go's model (a pointer to a zero value), and that
// twilio-go decodes it.
func wantShapeOf(t *testing.T, raw []byte, model any) {
	t.Helper()
	var got map[string]any
	if err := json.Unmarshal(raw, &got); err != nil {
		t.Fatalf("%v: %s", err, raw)
	}
	var want []string
	typ := reflect.TypeOf(model).Elem()
	for i := range typ.NumField() {
		name, _, _ := strings.Cut(typ.Field(i).Tag.Get("json"), ",")
		want = append(want, name)
	}
	keys := make([]string, 0, len(got))
	for k := range got {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	sort.Strings(want)
	if !slices.Equal(keys, want) {
		t.Errorf("JSON properties\n got:  %v\n want: %v (%s)", keys, want, typ.Name())
	}
	if err := json.Unmarshal(raw, model); err != nil {
		t.Errorf("twilio-go's %s cannot decode %s: %v", typ.Name(), raw, err)
	}
}
