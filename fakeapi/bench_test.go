package fakeapi_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/holdlab/holdlab/fakeapi"
	"github.com/holdlab/holdlab/fakeapi/sim"
	openapi "github.com/twilio/twilio-go/rest/api/v2010"
)

// holdFlow is the hold pattern of the call-leg strategy, end to end through
// twilio-go and in-memory webhooks: the customer calls, the agent answers,
// the agent's leg is moved away (the customer falls to hold music through
// the Dial action), `hold` of virtual time passes, and both hang up.
func holdFlow(b *testing.B, hold time.Duration) {
	app := newTestApp(fakeapi.DefaultAuthToken)
	app.base = "https://app.test"
	app.twiml("/voice", `<Response><Dial action="/held">`+agent+`</Dial></Response>`)
	app.twiml("/held", music)
	app.twiml("/agent-free", `<Response><Pause length="36000"/></Response>`)
	f, err := fakeapi.New(fakeapi.Options{Apps: map[string]http.Handler{"app.test": app}})
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	api := f.RestClient()
	num, voice := support, app.url("/voice")
	if _, err := api.CreateIncomingPhoneNumber(&openapi.CreateIncomingPhoneNumberParams{PhoneNumber: &num, VoiceUrl: &voice}); err != nil {
		b.Fatal(err)
	}
	parent, err := f.PlaceCall(customer, support)
	if err != nil {
		b.Fatal(err)
	}
	f.Advance(5 * time.Second)
	kids, err := api.ListCall(&openapi.ListCallParams{ParentCallSid: &parent})
	if err != nil || len(kids) != 1 {
		b.Fatalf("children %d, %v", len(kids), err)
	}
	free := app.url("/agent-free")
	if _, err := api.UpdateCall(*kids[0].Sid, &openapi.UpdateCallParams{Url: &free}); err != nil {
		b.Fatal(err)
	}
	f.Advance(hold)
	if h, _ := f.Hears(parent); h.Kind != sim.HearMedia {
		b.Fatalf("customer hears %s after %v of hold", h, hold)
	}
	for _, sid := range []string{parent, *kids[0].Sid} {
		if err := f.HangUp(sid); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkHold(b *testing.B) {
	for _, hold := range []time.Duration{time.Minute, time.Hour, 8 * time.Hour} {
		b.Run(hold.String(), func(b *testing.B) {
			for b.Loop() {
				holdFlow(b, hold)
			}
		})
	}
}
