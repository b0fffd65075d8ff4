package fakeapi_test

import (
	"strings"
	"testing"
	"time"

	"github.com/holdlab/holdlab/fakeapi/sim"
	openapi "github.com/twilio/twilio-go/rest/api/v2010"
)

// CallerId and CallerDisplayName on the Participants API
// (https://www.twilio.com/docs/voice/api/conference-participant-resource),
// through the unmodified twilio-go client over both transports: the
// created call presents CallerId as its caller ID (its From, and the From
// of its webhooks); the display name goes with SIP calls; bad values are
// refused.
func TestParticipantCallerID(t *testing.T) {
	const (
		callerID = "+15550001001"
		desk     = "sip:desk@pbx.example.com"
	)
	eachTransport(t, func(t *testing.T, e *env) {
		e.supportLine(`<Response><Dial><Conference>room</Conference></Dial></Response>`)
		if err := e.fake.SetPhone(desk, sim.PhoneScript{Name: "desk"}); err != nil {
			t.Fatal(err)
		}
		if _, err := e.fake.PlaceCall(customer, support); err != nil {
			t.Fatal(err)
		}
		e.fake.Advance(time.Second)
		cb := e.app.url("/agent-status")
		p, err := e.api.CreateParticipant("room", &openapi.CreateParticipantParams{
			From: ptr(support), To: ptr(agent), CallerId: ptr(callerID),
			StatusCallback: &cb, StatusCallbackEvent: &[]string{"answered"},
		})
		if err != nil {
			t.Fatal(err)
		}
		e.fake.Advance(5 * time.Second)
		c, err := e.api.FetchCall(*p.CallSid, nil)
		if err != nil {
			t.Fatal(err)
		}
		if *c.From != callerID || *c.To != agent {
			t.Errorf("participant's call from %s to %s, want from the CallerId %s to %s", *c.From, *c.To, callerID, agent)
		}
		if hooks := e.app.requests("/agent-status"); len(hooks) != 1 || hooks[0].Params.Get("From") != callerID {
			t.Errorf("status callbacks %+v, want one with From=%s", hooks, callerID)
		}

		// Without CallerId, the call is from From.
		p, err = e.api.CreateParticipant("room", &openapi.CreateParticipantParams{
			From: ptr(support), To: ptr(desk), CallerDisplayName: ptr("Support Desk"),
		})
		if err != nil {
			t.Fatal(err)
		}
		if c, err = e.api.FetchCall(*p.CallSid, nil); err != nil || *c.From != support {
			t.Errorf("SIP participant's call %v, %v: want from %s", c.From, err, support)
		}
		if tr := e.trace(); !strings.Contains(tr, `display name "Support Desk"`) {
			t.Errorf("the trace does not show the display name:\n%s", tr)
		}

		for _, tc := range []struct {
			name string
			p    openapi.CreateParticipantParams
			code int
		}{
			{"a client CallerId for a phone number", openapi.CreateParticipantParams{From: ptr(support), To: ptr(agent), CallerId: ptr("client:bob")}, 21212},
			{"a CallerId that is no address", openapi.CreateParticipantParams{From: ptr(support), To: ptr(agent), CallerId: ptr("support")}, 21212},
			{"a one-character display name", openapi.CreateParticipantParams{From: ptr(support), To: ptr(desk), CallerDisplayName: ptr("S")}, 20001},
			{"a display name over 255 characters", openapi.CreateParticipantParams{From: ptr(support), To: ptr(desk), CallerDisplayName: ptr(strings.Repeat("s", 256))}, 20001},
		} {
			_, err := e.api.CreateParticipant("room", &tc.p)
			wantRestError(t, tc.name, err, 400, tc.code)
		}
	})
}
