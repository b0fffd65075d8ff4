package fakeapi_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/holdlab/holdlab/fakeapi/sim"
	"github.com/holdlab/holdlab/fakeapi/wire"
	openapi "github.com/twilio/twilio-go/rest/api/v2010"
)

// The Applications resource through twilio-go, its JSON field for field as
// twilio-go's ApiV2010Application: create with every voice setting, fetch,
// list with the FriendlyName filter, update, delete.
func TestApplicationsResource(t *testing.T) {
	eachBYOTransport(t, func(t *testing.T, e *byoEnv) {
		a, err := e.api.CreateApplication(&openapi.CreateApplicationParams{
			FriendlyName:         ptr("Support"),
			VoiceUrl:             ptr(e.app.url("/client-voice")),
			VoiceMethod:          ptr("GET"),
			VoiceFallbackUrl:     ptr(e.app.url("/fallback")),
			VoiceFallbackMethod:  ptr("GET"),
			StatusCallback:       ptr(e.app.url("/status")),
			StatusCallbackMethod: ptr("GET"),
		})
		if err != nil {
			t.Fatal(err)
		}
		if !wire.ValidSID("AP", *a.Sid) || *a.VoiceUrl != e.app.url("/client-voice") || *a.VoiceMethod != "GET" ||
			*a.VoiceFallbackMethod != "GET" || *a.StatusCallbackMethod != "GET" || *a.ApiVersion != "2010-04-01" ||
			*a.AccountSid != e.fake.AccountSid() || *a.Uri != "/2010-04-01/Accounts/"+e.fake.AccountSid()+"/Applications/"+*a.Sid+".json" {
			t.Errorf("created %s", mustJSON(t, a))
		}
		if _, err := e.api.CreateApplication(&openapi.CreateApplicationParams{FriendlyName: ptr("Sales")}); err != nil {
			t.Fatal(err)
		}

		status, raw := e.rest("GET", "/Applications/"+*a.Sid+".json", "")
		if status != http.StatusOK {
			t.Fatalf("fetch: HTTP %d %s", status, raw)
		}
		wantShapeOf(t, raw, &openapi.ApiV2010Application{})

		apps, err := e.api.ListApplication(&openapi.ListApplicationParams{FriendlyName: ptr("Support")})
		if err != nil || len(apps) != 1 || *apps[0].Sid != *a.Sid {
			t.Errorf("list FriendlyName=Support: %v %s", err, mustJSON(t, apps))
		}
		if all, err := e.api.ListApplication(nil); err != nil || len(all) != 2 {
			t.Errorf("list: %v, %d apps, want 2", err, len(all))
		}

		u, err := e.api.UpdateApplication(*a.Sid, &openapi.UpdateApplicationParams{VoiceUrl: ptr(e.app.url("/v2")), VoiceMethod: ptr("POST")})
		if err != nil || *u.VoiceUrl != e.app.url("/v2") || *u.VoiceMethod != "POST" || *u.FriendlyName != "Support" {
			t.Errorf("update: %v %s", err, mustJSON(t, u))
		}

		status, raw = e.rest("POST", "/Applications.json", "VoiceUrl=voice")
		wantError(t, status, raw, 400, 21205)
		status, raw = e.rest("POST", "/Applications.json", "VoiceMethod=PUT")
		wantError(t, status, raw, 400, 21200)

		if err := e.api.DeleteApplication(*a.Sid, nil); err != nil {
			t.Fatal(err)
		}
		if _, err := e.api.FetchApplication(*a.Sid, nil); err == nil || restError(t, err).Code != 20404 {
			t.Errorf("fetch a deleted App: %v, want 404 / 20404", err)
		}
	})
}

// newApp creates a TwiML App whose VoiceUrl is the app's path.
func (e *byoEnv) newApp(name, path string) string {
	e.t.Helper()
	a, err := e.api.CreateApplication(&openapi.CreateApplicationParams{FriendlyName: ptr(name), VoiceUrl: ptr(e.app.url(path))})
	if err != nil {
		e.t.Fatal(err)
	}
	return *a.Sid
}

// paramNames returns the names of a webhook's parameters, sorted.
func paramNames(v url.Values) []string {
	out := make([]string, 0, len(v))
	for k := range v {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// A Voice SDK device calls a TwiML App through the control API: the App's
// VoiceUrl gets exactly Twilio's parameters for such a call and the SDK's
// custom parameters.
func TestVoiceSDKCall(t *testing.T) {
	eachBYOTransport(t, func(t *testing.T, e *byoEnv) {
		app := e.newApp("dialer", "/client-voice")
		e.app.twiml("/client-voice", `<Response><Say>Hello</Say></Response>`)

		status, raw := e.control("POST", "clients/alice/calls", `{"application_sid":"`+app+`","params":{"To":"+15550004000","ticket":"42"}}`)
		var placed struct {
			CallSid string `json:"call_sid"`
		}
		if err := json.Unmarshal(raw, &placed); status != http.StatusCreated || err != nil || !wire.ValidSID("CA", placed.CallSid) {
			t.Fatalf("place: HTTP %d %s", status, raw)
		}
		reqs := e.app.requests("/client-voice")
		if len(reqs) != 1 {
			t.Fatalf("%d requests to the App's VoiceUrl, want 1", len(reqs))
		}
		got := reqs[0].Params
		want := url.Values{
			"AccountSid": {e.fake.AccountSid()}, "ApiVersion": {"2010-04-01"}, "ApplicationSid": {app},
			"CallSid": {placed.CallSid}, "CallStatus": {"ringing"}, "Direction": {"inbound"},
			"From": {"client:alice"}, "Caller": {"client:alice"}, "To": {"+15550004000"}, "Called": {"+15550004000"},
			"ticket": {"42"},
		}
		if !slices.Equal(paramNames(got), paramNames(want)) {
			t.Errorf("parameters %v, want %v", paramNames(got), paramNames(want))
		}
		for k := range want {
			if got.Get(k) != want.Get(k) {
				t.Errorf("%s=%q, want %q", k, got.Get(k), want.Get(k))
			}
		}
		c, err := e.api.FetchCall(placed.CallSid, nil)
		if err != nil || *c.Direction != "inbound" || *c.From != "client:alice" || *c.To != "+15550004000" {
			t.Errorf("the call: %v %s", err, mustJSON(t, c))
		}

		// Without a To parameter, To is empty; so is Called.
		if _, err := e.fake.PlaceClientCall("bob", app, nil); err != nil {
			t.Fatal(err)
		}
		reqs = e.app.requests("/client-voice")
		if p := reqs[len(reqs)-1].Params; !p.Has("To") || p.Get("To") != "" || p.Get("From") != "client:bob" {
			t.Errorf("without To: %v", p)
		}

		// What the control API refuses.
		status, raw = e.control("POST", "clients/alice/calls", `{"application_sid":"AP00000000000000000000000000000000"}`)
		wantError(t, status, raw, 400, 21218)
		status, raw = e.control("POST", "clients/alice/calls", `{}`)
		wantError(t, status, raw, 400, 20001)
		status, raw = e.control("POST", "clients/alice/calls", `{"application_sid":"`+app+`","params":{"From":"+1555"}}`)
		wantError(t, status, raw, 400, 21000)
	})
}

// <Dial><Client> rings a device registered through the control API, which
// answers as scripted; an identity with no device ends no-answer at once.
// <Dial><Application> reaches an App's VoiceUrl with the original From,
// the App's SID as To, ApplicationSid and Param_<name> for each
// <Parameter>.
func TestDialClientAndApplication(t *testing.T) {
	eachBYOTransport(t, func(t *testing.T, e *byoEnv) {
		app := e.newApp("support", "/support-app")
		e.app.twiml("/support-app", `<Response><Pause length="60"/></Response>`)
		e.supportLine(`<Response><Dial action="/after-client" timeout="10"><Client>nobody</Client></Dial></Response>`)
		e.app.twiml("/after-client", `<Response><Dial action="/after-alice"><Client>alice</Client></Dial></Response>`)
		e.app.twiml("/after-alice", `<Response><Dial><Application><ApplicationSid>`+app+`</ApplicationSid>`+
			`<Parameter name="ticket" value="42"/></Application></Dial></Response>`)

		status, raw := e.control("PUT", "clients/alice", `{"after":"3s","hang_up_after":"10s"}`)
		if status != http.StatusOK || !strings.Contains(string(raw), `"identity":"alice"`) || !strings.Contains(string(raw), `"after":"3s"`) {
			t.Fatalf("register: HTTP %d %s", status, raw)
		}
		status, raw = e.control("GET", "clients/nobody", "")
		wantError(t, status, raw, 404, 20404)

		parent, err := e.fake.PlaceCall(customer, support)
		if err != nil {
			t.Fatal(err)
		}
		e.fake.Advance(time.Second)
		if got := e.app.requests("/after-client"); len(got) != 1 || got[0].Params.Get("DialCallStatus") != "no-answer" {
			t.Fatalf("the Dial to an identity with no device: %+v, want DialCallStatus=no-answer at once\n%s", got, e.trace())
		}
		e.fake.Advance(3 * time.Second)
		kids, err := e.api.ListCall(&openapi.ListCallParams{ParentCallSid: &parent, To: ptr("client:alice")})
		if err != nil || len(kids) != 1 || *kids[0].Status != "in-progress" {
			t.Fatalf("alice's leg: %v %s\n%s", err, mustJSON(t, kids), e.trace())
		}
		e.fake.Advance(10 * time.Second) // alice hangs up
		if got := e.app.requests("/after-alice"); len(got) != 1 || got[0].Params.Get("DialCallStatus") != "completed" {
			t.Fatalf("after alice: %+v", got)
		}
		reqs := e.app.requests("/support-app")
		if len(reqs) != 1 {
			t.Fatalf("%d requests to the App's VoiceUrl, want 1\n%s", len(reqs), e.trace())
		}
		p := reqs[0].Params
		if p.Get("From") != customer || p.Get("To") != app || p.Get("Direction") != "inbound" ||
			p.Get("ApplicationSid") != app || p.Get("Param_ticket") != "42" || p.Get("CallStatus") != "ringing" {
			t.Errorf("App request %v", p)
		}
		e.wantStatus(parent, "in-progress")

		if status, _ := e.control("DELETE", "clients/alice", ""); status != http.StatusNoContent {
			t.Errorf("unregister: HTTP %d", status)
		}
		status, raw = e.control("DELETE", "clients/alice", "")
		wantError(t, status, raw, 404, 20404)
	})
}

// User-defined messages to the Voice SDK device on a call, through
// twilio-go: Twilio's fields, idempotency, Twilio's errors for an unknown
// or ended call, and the control API's record; subscriptions are created
// and deleted.
func TestUserDefinedMessages(t *testing.T) {
	eachBYOTransport(t, func(t *testing.T, e *byoEnv) {
		app := e.newApp("dialer", "/client-voice")
		e.app.twiml("/client-voice", `<Response><Pause length="60"/></Response>`)
		call, err := e.fake.PlaceClientCall("alice", app, nil)
		if err != nil {
			t.Fatal(err)
		}
		m, err := e.api.CreateUserDefinedMessage(call, &openapi.CreateUserDefinedMessageParams{Content: ptr(`{"agent":"ready"}`), IdempotencyKey: ptr("k1")})
		if err != nil {
			t.Fatal(err)
		}
		if !wire.ValidSID("KX", *m.Sid) || *m.CallSid != call || *m.AccountSid != e.fake.AccountSid() || *m.DateCreated == "" {
			t.Errorf("message %s", mustJSON(t, m))
		}
		status, raw := e.rest("POST", "/Calls/"+call+"/UserDefinedMessages.json", "Content=%7B%7D&IdempotencyKey=k1")
		if status != http.StatusCreated || !strings.Contains(string(raw), *m.Sid) {
			t.Errorf("the same IdempotencyKey: HTTP %d %s, want the same message", status, raw)
		}
		wantShapeOf(t, raw, &openapi.ApiV2010UserDefinedMessage{})

		status, raw = e.control("GET", "calls/"+call+"/messages", "")
		var got struct {
			Messages []struct {
				Sid, Content, Recipient string
			} `json:"messages"`
		}
		if err := json.Unmarshal(raw, &got); status != http.StatusOK || err != nil || len(got.Messages) != 1 ||
			got.Messages[0].Content != `{"agent":"ready"}` || got.Messages[0].Recipient != "client:alice" {
			t.Errorf("control API messages: HTTP %d %s", status, raw)
		}
		if ms, err := e.fake.UserDefinedMessages(call); err != nil || len(ms) != 1 || ms[0].Sid != *m.Sid {
			t.Errorf("UserDefinedMessages: %v %+v", err, ms)
		}

		s, err := e.api.CreateUserDefinedMessageSubscription(call, &openapi.CreateUserDefinedMessageSubscriptionParams{Callback: ptr(e.app.url("/messages"))})
		if err != nil || !wire.ValidSID("ZY", *s.Sid) || *s.Uri != "/2010-04-01/Accounts/"+e.fake.AccountSid()+"/Calls/"+call+"/UserDefinedMessageSubscriptions/"+*s.Sid+".json" {
			t.Fatalf("subscription: %v %s", err, mustJSON(t, s))
		}
		if err := e.api.DeleteUserDefinedMessageSubscription(call, *s.Sid, nil); err != nil {
			t.Errorf("delete subscription: %v", err)
		}
		status, raw = e.rest("DELETE", "/Calls/"+call+"/UserDefinedMessageSubscriptions/"+*s.Sid+".json", "")
		wantError(t, status, raw, 404, 20404)
		status, raw = e.rest("POST", "/Calls/"+call+"/UserDefinedMessageSubscriptions.json", "Callback=messages")
		wantError(t, status, raw, 400, 21205)

		// Twilio's errors.
		status, raw = e.rest("POST", "/Calls/"+call+"/UserDefinedMessages.json", "")
		wantError(t, status, raw, 400, 20001)
		status, raw = e.rest("POST", "/Calls/"+call+"/UserDefinedMessages.json", "Content=not+json")
		wantError(t, status, raw, 400, 20001)
		status, raw = e.rest("POST", "/Calls/CA00000000000000000000000000000000/UserDefinedMessages.json", "Content=%7B%7D")
		wantError(t, status, raw, 404, 20404)
		if err := e.fake.HangUp(call); err != nil {
			t.Fatal(err)
		}
		if _, err := e.api.CreateUserDefinedMessage(call, &openapi.CreateUserDefinedMessageParams{Content: ptr(`{}`)}); err == nil || restError(t, err).Code != 21220 {
			t.Errorf("message to an ended call: %v, want 400 / 21220", err)
		}
	})
}

// A call created with an ApplicationSid runs the App's VoiceUrl; an
// ApplicationSid that is not one of the account's Apps is 21218.
func TestCreateCallWithApplicationSid(t *testing.T) {
	eachBYOTransport(t, func(t *testing.T, e *byoEnv) {
		app := e.newApp("outbound", "/outbound")
		e.app.twiml("/outbound", `<Response><Say>Hello from the App</Say></Response>`)
		if err := e.fake.SetPhone(customer, sim.PhoneScript{Name: "customer"}); err != nil {
			t.Fatal(err)
		}
		c, err := e.api.CreateCall(&openapi.CreateCallParams{To: ptr(customer), From: ptr(support), ApplicationSid: &app})
		if err != nil {
			t.Fatal(err)
		}
		e.fake.Advance(5 * time.Second)
		if got := e.app.requests("/outbound"); len(got) != 1 || got[0].Params.Get("CallSid") != *c.Sid {
			t.Errorf("requests to the App: %+v\n%s", got, e.trace())
		}
		_, err = e.api.CreateCall(&openapi.CreateCallParams{To: ptr(customer), From: ptr(support), ApplicationSid: ptr("AP00000000000000000000000000000000")})
		if err == nil || restError(t, err).Code != 21218 {
			t.Errorf("unknown ApplicationSid: %v, want 400 / 21218", err)
		}
	})
}
