package fakeapi_test

import (
	"encoding/json"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/holdlab/holdlab/fakeapi"
	"github.com/holdlab/holdlab/fakeapi/wire"
	openapi "github.com/twilio/twilio-go/rest/api/v2010"
)

var secretRE = regexp.MustCompile(`^[A-Za-z0-9]{32}$`)

// An app that authenticates with an API key, as Twilio recommends: the key
// is created through the Keys resource with the account's credentials, its
// secret shown once; twilio-go with the key SID and secret as credentials
// (the account SID in the path) is accepted on every REST route; a key
// may not manage keys; a deleted or unknown key is 401 / 20003; webhooks
// stay signed with the auth token.
func TestAPIKeys(t *testing.T) {
	eachBYOTransport(t, func(t *testing.T, e *byoEnv) {
		// Create: 201 with exactly the NewKey fields, the secret among them.
		status, raw := e.rest("POST", "/Keys.json", "FriendlyName=app+server")
		if status != http.StatusCreated {
			t.Fatalf("create key: HTTP %d %s", status, raw)
		}
		var nk openapi.ApiV2010NewKey
		wantShapeOf(t, raw, &nk)
		if !wire.ValidSID("SK", *nk.Sid) || !secretRE.MatchString(*nk.Secret) || *nk.FriendlyName != "app server" {
			t.Fatalf("new key %s", raw)
		}
		sid, secret := *nk.Sid, *nk.Secret

		// Fetch and list never show the secret.
		status, raw = e.rest("GET", "/Keys/"+sid+".json", "")
		if status != http.StatusOK {
			t.Fatalf("fetch key: HTTP %d %s", status, raw)
		}
		wantShapeOf(t, raw, &openapi.ApiV2010Key{})
		keys, err := e.api.ListKey(nil)
		if err != nil || len(keys) != 1 || *keys[0].Sid != sid {
			t.Fatalf("list keys: %v %+v", err, keys)
		}
		status, raw = e.rest("GET", "/Keys.json", "")
		if status != http.StatusOK || strings.Contains(string(raw), secret) || !strings.Contains(string(raw), `"keys":[`) {
			t.Errorf("list keys: HTTP %d %s", status, raw)
		}

		// The key works with twilio-go on the REST API, and webhooks are
		// still signed with the auth token (checked for every webhook).
		api := e.withKey(sid, secret)
		e.app.twiml("/voice", `<Response><Say>Hello</Say></Response>`)
		if _, err := api.CreateIncomingPhoneNumber(&openapi.CreateIncomingPhoneNumberParams{PhoneNumber: ptr(support), VoiceUrl: ptr(e.app.url("/voice"))}); err != nil {
			t.Fatalf("create number with the key: %v", err)
		}
		c, err := api.CreateCall(&openapi.CreateCallParams{To: ptr(support), From: ptr(customer), Url: ptr(e.app.url("/voice"))})
		if err != nil {
			t.Fatalf("create call with the key: %v", err)
		}
		e.fake.Advance(5 * time.Second)
		if got, err := api.FetchCall(*c.Sid, nil); err != nil || *got.Status == "queued" {
			t.Fatalf("fetch call with the key: %v", err)
		}
		if len(e.app.requests("/voice")) == 0 {
			t.Fatal("the call made with the key reached no webhook")
		}

		// A key may not manage keys.
		if _, err := api.CreateNewKey(nil); err == nil || restError(t, err).Code != 20003 || restError(t, err).Status != 401 {
			t.Errorf("create key with a key: %v, want 401 / 20003", err)
		}
		status, raw = e.rest("GET", "/Keys/"+sid+".json", "", sid, secret)
		wantError(t, status, raw, 401, 20003)

		// Update the friendly name.
		k, err := e.api.UpdateKey(sid, &openapi.UpdateKeyParams{FriendlyName: ptr("renamed")})
		if err != nil || *k.FriendlyName != "renamed" {
			t.Fatalf("update key: %v %+v", err, k)
		}

		// Wrong secret, unknown key, and the key once deleted: 401 / 20003.
		status, raw = e.rest("GET", "/Calls.json", "", sid, "ffffffffffffffffffffffffffffffff")
		wantError(t, status, raw, 401, 20003)
		status, raw = e.rest("GET", "/Calls.json", "", "SK0123456789abcdef0123456789abcdef", secret)
		wantError(t, status, raw, 401, 20003)
		if err := e.api.DeleteKey(sid, nil); err != nil {
			t.Fatalf("delete key: %v", err)
		}
		if _, err := api.ListCall(nil); err == nil || restError(t, err).Code != 20003 {
			t.Errorf("list calls with a deleted key: %v, want 401 / 20003", err)
		}
		status, raw = e.rest("GET", "/Keys/"+sid+".json", "")
		wantError(t, status, raw, 404, 20404)
	})
}

// A key given in Options, and one made with CreateAPIKey, authenticate
// twilio-go from the start; Options with a malformed key are refused.
func TestAPIKeysOfOptions(t *testing.T) {
	given := fakeapi.APIKey{Sid: "SK0123456789abcdef0123456789abcdef", Secret: "s3cr3t", FriendlyName: "ci"}
	f := newFake(t, fakeapi.Options{APIKeys: []fakeapi.APIKey{given}})
	if _, err := f.RestClientWithAPIKey(given.Sid, given.Secret).ListCall(nil); err != nil {
		t.Fatalf("the key of Options: %v", err)
	}
	sid, secret, err := f.CreateAPIKey("holdlab run --app")
	if err != nil || !wire.ValidSID("SK", sid) || !secretRE.MatchString(secret) {
		t.Fatalf("CreateAPIKey: %q %q %v", sid, secret, err)
	}
	api := f.RestClientWithAPIKey(sid, secret)
	if _, err := api.ListCall(nil); err != nil {
		t.Fatalf("the key of CreateAPIKey: %v", err)
	}
	keys, err := f.RestClient().ListKey(nil)
	if err != nil || len(keys) != 2 || *keys[0].FriendlyName != "ci" || *keys[1].Sid != sid {
		t.Errorf("list keys: %v %s", err, mustJSON(t, keys))
	}
	if _, _, err := f.CreateAPIKey(strings.Repeat("x", 65)); err == nil {
		t.Error("CreateAPIKey accepted a FriendlyName of 65 characters")
	}

	for _, tt := range []struct {
		name string
		keys []fakeapi.APIKey
	}{
		{"malformed SID", []fakeapi.APIKey{{Sid: "SK123", Secret: "x"}}},
		{"an AC SID", []fakeapi.APIKey{{Sid: "AC0123456789abcdef0123456789abcdef", Secret: "x"}}},
		{"no secret", []fakeapi.APIKey{{Sid: given.Sid}}},
		{"twice the same key", []fakeapi.APIKey{given, given}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if f, err := fakeapi.New(fakeapi.Options{APIKeys: tt.keys}); err == nil {
				f.Close()
				t.Errorf("New accepted %+v", tt.keys)
			}
		})
	}
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// Fakes of different accounts made in turn, as tests make them, each
// accept their own account's credentials and refuse the others', whatever
// fake came before.
func TestAccountsInTurn(t *testing.T) {
	accounts := []struct{ sid, token string }{
		{fakeapi.DefaultAccountSid, fakeapi.DefaultAuthToken},
		{"AC" + strings.Repeat("1", 32), strings.Repeat("a", 32)},
		{"AC" + strings.Repeat("1", 32), strings.Repeat("b", 32)},
		{fakeapi.DefaultAccountSid, fakeapi.DefaultAuthToken},
	}
	for i, acct := range accounts {
		f, err := fakeapi.New(fakeapi.Options{AccountSid: acct.sid, AuthToken: acct.token})
		if err != nil {
			t.Fatal(err)
		}
		for j, other := range accounts {
			req, err := http.NewRequest("GET", "https://api.twilio.com/2010-04-01/Accounts/"+acct.sid+"/Calls.json", nil)
			if err != nil {
				t.Fatal(err)
			}
			req.SetBasicAuth(other.sid, other.token)
			resp, err := f.HTTPClient().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			want := http.StatusUnauthorized
			if other == acct {
				want = http.StatusOK
			}
			if resp.StatusCode != want {
				t.Errorf("fake %d, credentials of account %d: HTTP %d, want %d", i, j, resp.StatusCode, want)
			}
		}
		f.Close()
	}
}
