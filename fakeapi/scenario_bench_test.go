package fakeapi_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/holdlab/holdlab/fakeapi"
	"github.com/holdlab/holdlab/fakeapi/sim"
	"github.com/holdlab/holdlab/strategies"
	openapi "github.com/twilio/twilio-go/rest/api/v2010"
)

// benchStrategies are the strategies a hold scenario is measured with: the
// two that hold correctly.
var benchStrategies = []struct {
	name string
	new  func(strategies.Config) (strategies.Strategy, error)
}{
	{"conference", func(c strategies.Config) (strategies.Strategy, error) { return strategies.NewConference(c) }},
	{"callleg", func(c strategies.Config) (strategies.Strategy, error) { return strategies.NewCallLeg(c) }},
}

// holdScenario is one full hold/unhold scenario end to end, in-process: a
// fresh fake with the strategy's app mounted in memory, the support number
// claimed through twilio-go, the customer calls in, the agent answers and is
// bridged, the agent puts the customer on hold, `hold` of virtual time
// passes, the agent takes the customer off hold, and the customer hangs up.
// Every webhook goes through the in-memory transport, every REST request
// through the unmodified twilio-go client. It checks what the customer
// hears at each step, so a benchmark cannot pass on a broken flow.
func holdScenario(b *testing.B, newStrategy func(strategies.Config) (strategies.Strategy, error), hold time.Duration) {
	ctx := context.Background()
	mux := http.NewServeMux()
	f, err := fakeapi.New(fakeapi.Options{Apps: map[string]http.Handler{"app.test": mux}})
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	rc := f.RestClient()
	s, err := newStrategy(strategies.Config{
		BaseURL:       "https://app.test",
		Client:        rc,
		SupportNumber: support,
		Agent:         agent,
		HoldMusicURL:  "https://cdn.test/music.mp3",
	})
	if err != nil {
		b.Fatal(err)
	}
	mux.Handle("/", s.Handler())
	num, voice := support, s.VoiceURL()
	if _, err := rc.CreateIncomingPhoneNumber(&openapi.CreateIncomingPhoneNumberParams{PhoneNumber: &num, VoiceUrl: &voice}); err != nil {
		b.Fatal(err)
	}
	for name, phone := range map[string]string{"agent": agent, "customer": customer} {
		if err := f.SetPhone(phone, sim.PhoneScript{Name: name}); err != nil {
			b.Fatal(err)
		}
	}

	call, err := f.PlaceCall(customer, support)
	if err != nil {
		b.Fatal(err)
	}
	f.Advance(5 * time.Second) // the agent's phone answers after 2s
	wantHears(b, f, call, sim.HearParty, "bridged")
	if err := s.Hold(ctx, call, strategies.Customer); err != nil {
		b.Fatal(err)
	}
	f.Advance(hold)
	wantHears(b, f, call, sim.HearMedia, "on hold")
	if err := s.Unhold(ctx, call); err != nil {
		b.Fatal(err)
	}
	f.Advance(time.Second)
	wantHears(b, f, call, sim.HearParty, "unheld")
	if err := f.HangUp(call); err != nil {
		b.Fatal(err)
	}
	f.Advance(time.Second)
	wantHears(b, f, call, sim.HearNothing, "hung up")
}

func wantHears(b *testing.B, f *fakeapi.Fake, sid string, want sim.HearingKind, when string) {
	b.Helper()
	h, err := f.Hears(sid)
	if err != nil || h.Kind != want {
		b.Fatalf("%s: the customer hears %s (%v), want %s", when, h, err, want)
	}
}

// BenchmarkScenario measures one full hold/unhold scenario (ten virtual
// minutes on hold) with each strategy that holds correctly. Target: under
// 1 ms.
func BenchmarkScenario(b *testing.B) {
	for _, st := range benchStrategies {
		b.Run(st.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				holdScenario(b, st.new, 10*time.Minute)
			}
		})
	}
}
