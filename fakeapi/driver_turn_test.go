package fakeapi_test

import (
	"fmt"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/holdlab/holdlab/fakeapi"
	openapi "github.com/twilio/twilio-go/rest/api/v2010"
)

// With the manual clock, callers holding and unholding participants at
// once, while the app's handler of every conference callback calls the
// REST API back, all finish: a handler's request never waits for the
// webhook it is answering, and every hold and unhold gets its callback.
func TestConcurrentCallersWithAppCallingBack(t *testing.T) {
	const clients, toggles = 4, 20
	var f *fakeapi.Fake
	var callbacks, backErrs atomic.Int64
	app := http.NewServeMux()
	app.HandleFunc("GET /music", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/xml")
		fmt.Fprint(w, `<Response><Play loop="0">https://cdn.test/music.mp3</Play></Response>`)
	})
	app.HandleFunc("POST /events", func(w http.ResponseWriter, r *http.Request) {
		if r.FormValue("StatusCallbackEvent") == "participant-hold" || r.FormValue("StatusCallbackEvent") == "participant-unhold" {
			callbacks.Add(1)
			// An update, which runs the engine (a fetch would only look).
			if _, err := f.RestClient().UpdateParticipant(r.FormValue("ConferenceSid"), "p1", &openapi.UpdateParticipantParams{Muted: ptr(false)}); err != nil {
				backErrs.Add(1)
			}
		}
		w.WriteHeader(http.StatusNoContent)
	})
	f, err := fakeapi.New(fakeapi.Options{Apps: map[string]http.Handler{"app.test": app}})
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	api := f.RestClient()
	type target struct{ conf, label string }
	var targets []target
	for i := range clients { // a room per caller
		for j := range 2 {
			p, err := api.CreateParticipant(fmt.Sprintf("room-%d", i), &openapi.CreateParticipantParams{
				From:                          ptr(support),
				To:                            ptr(fmt.Sprintf("+1555%07d", 3000000+2*i+j)),
				Label:                         ptr(fmt.Sprintf("p%d", j)),
				ConferenceStatusCallback:      ptr("https://app.test/events"),
				ConferenceStatusCallbackEvent: &[]string{"hold"},
			})
			if err != nil {
				t.Fatal(err)
			}
			if j == 0 {
				targets = append(targets, target{*p.ConferenceSid, *p.Label})
			}
		}
	}
	f.Advance(5 * time.Second)

	finished := make(chan struct{})
	var wg sync.WaitGroup
	for g := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			api := f.RestClient()
			for n := range toggles {
				tg := targets[g]
				params := &openapi.UpdateParticipantParams{Hold: ptr(n%2 == 0)}
				if n%2 == 0 {
					params.HoldUrl, params.HoldMethod = ptr("https://app.test/music"), ptr("GET")
				}
				if _, err := api.UpdateParticipant(tg.conf, tg.label, params); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	go func() { wg.Wait(); close(finished) }()
	select {
	case <-finished:
	case <-time.After(30 * time.Second):
		t.Fatal("concurrent callers did not finish: the fake is stuck")
	}
	f.Advance(0) // whatever a caller left to another's driving is done
	if got, want := callbacks.Load(), int64(clients*toggles); got != want || backErrs.Load() != 0 {
		t.Errorf("%d hold callbacks, %d of their REST calls back failed; want %d, none failed", got, backErrs.Load(), want)
	}
}
