package fakeapi_test

import (
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/holdlab/holdlab/fakeapi"
	"github.com/holdlab/holdlab/fakeapi/sim"
	openapi "github.com/twilio/twilio-go/rest/api/v2010"
)

// Fakes share nothing but what is safe to share (parsed documents): many
// run at once, each with its own clock, calls and webhooks, and reach the
// same results as alone. Run it with -race.
func TestFakesRunInParallel(t *testing.T) {
	for i := range 8 {
		t.Run(fmt.Sprintf("fake %d", i), func(t *testing.T) {
			t.Parallel()
			app := http.NewServeMux()
			app.HandleFunc("/voice", func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "text/xml")
				fmt.Fprint(w, `<Response><Dial><Conference participantLabel="customer">room</Conference></Dial></Response>`)
			})
			app.HandleFunc("/hold", func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "text/xml")
				fmt.Fprint(w, music)
			})
			f := newFake(t, fakeapi.Options{Apps: map[string]http.Handler{"app.test": app}, Seed: uint64(i), CheckInvariants: true})
			wantConsistent(t, f)
			api := f.RestClient()
			if _, err := api.CreateIncomingPhoneNumber(&openapi.CreateIncomingPhoneNumberParams{PhoneNumber: ptr(support), VoiceUrl: ptr("https://app.test/voice")}); err != nil {
				t.Fatal(err)
			}
			if err := f.SetPhone(agent, sim.PhoneScript{Name: "agent"}); err != nil {
				t.Fatal(err)
			}
			for round := range 20 {
				c, err := f.PlaceCall(customer, support)
				if err != nil {
					t.Fatal(err)
				}
				confs, err := api.ListConference(&openapi.ListConferenceParams{FriendlyName: ptr("room"), Status: ptr("init")})
				if err != nil || len(confs) != 1 {
					t.Fatalf("round %d: conferences %d, %v", round, len(confs), err)
				}
				cf := *confs[0].Sid
				p, err := api.CreateParticipant(cf, &openapi.CreateParticipantParams{From: ptr(support), To: ptr(agent), Label: ptr("agent")})
				if err != nil {
					t.Fatal(err)
				}
				f.Advance(5 * time.Second)
				if _, err := api.UpdateParticipant(cf, "customer", &openapi.UpdateParticipantParams{Hold: ptr(true), HoldUrl: ptr("https://app.test/hold")}); err != nil {
					t.Fatal(err)
				}
				f.Advance(time.Minute)
				if h, _ := f.Hears(c); h.String() != `hold-music "https://cdn.test/music.mp3"` {
					t.Fatalf("round %d: the customer hears %s, want the music", round, h)
				}
				if _, err := api.UpdateParticipant(cf, "customer", &openapi.UpdateParticipantParams{Hold: ptr(false)}); err != nil {
					t.Fatal(err)
				}
				f.Advance(time.Second)
				if h, _ := f.Hears(c); h.Kind != sim.HearParty || h.Parties[0] != *p.CallSid {
					t.Fatalf("round %d: the customer hears %s, want the agent", round, h)
				}
				if err := f.HangUp(c); err != nil {
					t.Fatal(err)
				}
				if err := f.HangUp(*p.CallSid); err != nil {
					t.Fatal(err)
				}
				f.Advance(time.Second)
			}
		})
	}
}
