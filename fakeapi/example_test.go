package fakeapi_test

import (
	"fmt"
	"net/http"
	"time"

	"github.com/holdlab/holdlab/fakeapi"
	"github.com/holdlab/holdlab/fakeapi/sim"
	openapi "github.com/twilio/twilio-go/rest/api/v2010"
)

// The README's example: the naive hold (redirecting the parent leg of a
// <Dial>) hangs up the agent.
func Example() {
	app := http.NewServeMux()
	app.HandleFunc("/voice", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/xml")
		fmt.Fprint(w, `<Response><Dial>+15550002000</Dial></Response>`)
	})
	app.HandleFunc("/hold", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/xml")
		fmt.Fprint(w, `<Response><Play loop="0">https://cdn.test/music.mp3</Play></Response>`)
	})

	f, err := fakeapi.New(fakeapi.Options{Apps: map[string]http.Handler{"app.test": app}})
	if err != nil {
		panic(err)
	}
	defer f.Close()
	api := f.RestClient()

	number, voice := "+15550001000", "https://app.test/voice"
	if _, err := api.CreateIncomingPhoneNumber(&openapi.CreateIncomingPhoneNumberParams{PhoneNumber: &number, VoiceUrl: &voice}); err != nil {
		panic(err)
	}
	if err := f.SetPhone("+15550002000", sim.PhoneScript{Name: "agent"}); err != nil {
		panic(err)
	}
	customer, err := f.PlaceCall("+15550003000", number)
	if err != nil {
		panic(err)
	}
	f.Advance(5 * time.Second)

	hold := "https://app.test/hold"
	if _, err := api.UpdateCall(customer, &openapi.UpdateCallParams{Url: &hold}); err != nil {
		panic(err)
	}
	f.Advance(time.Minute)

	agentLegs, err := api.ListCall(&openapi.ListCallParams{ParentCallSid: &customer})
	if err != nil {
		panic(err)
	}
	heard, _ := f.Hears(customer)
	fmt.Println("agent leg:", *agentLegs[0].Status)
	fmt.Println("customer hears:", heard)
	// Output:
	// agent leg: completed
	// customer hears: play "https://cdn.test/music.mp3"
}
