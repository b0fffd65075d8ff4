package fakeapi_test

import (
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/holdlab/holdlab/fakeapi"
	"github.com/holdlab/holdlab/fakeapi/sim"
	openapi "github.com/twilio/twilio-go/rest/api/v2010"
)

// With the manual clock, a client's request does not wait for another
// client's webhooks: while one request's HoldUrl fetch hangs in the app,
// another client's hold is applied and its own HoldUrl fetched at once.
// The engine still takes the answers in the order it asked: the hanging
// fetch's first, then the other's, and both participants hear their music.
func TestManualClockConcurrentClients(t *testing.T) {
	entered, release := make(chan struct{}), make(chan struct{})
	var mu sync.Mutex
	var requested []string
	app := http.NewServeMux()
	serve := func(path, doc string, wait bool) {
		app.HandleFunc(path, func(w http.ResponseWriter, r *http.Request) {
			mu.Lock()
			requested = append(requested, r.Method+" "+r.URL.Path)
			mu.Unlock()
			if wait {
				close(entered)
				<-release
			}
			w.Header().Set("Content-Type", "text/xml")
			fmt.Fprint(w, doc)
		})
	}
	serve("GET /slow", `<Response><Play loop="0">https://cdn.test/slow.mp3</Play></Response>`, true)
	serve("GET /music", `<Response><Play loop="0">https://cdn.test/music.mp3</Play></Response>`, false)
	f := newFake(t, fakeapi.Options{Apps: map[string]http.Handler{"app.test": app}, CheckInvariants: true})
	wantConsistent(t, f)
	api := f.RestClient()
	type leg struct{ conf, callSid string }
	var legs []leg
	for i := range 2 {
		p, err := api.CreateParticipant(fmt.Sprintf("room-%d", i), &openapi.CreateParticipantParams{
			From: ptr(support), To: ptr(fmt.Sprintf("+1555000300%d", i)), Beep: ptr("false"),
		})
		if err != nil {
			t.Fatal(err)
		}
		legs = append(legs, leg{*p.ConferenceSid, *p.CallSid})
	}
	f.Advance(5 * time.Second)
	hold := func(l leg, path string) error {
		_, err := api.UpdateParticipant(l.conf, l.callSid, &openapi.UpdateParticipantParams{
			Hold: ptr(true), HoldUrl: ptr("https://app.test" + path), HoldMethod: ptr("GET"),
		})
		return err
	}

	first := make(chan error, 1)
	go func() { first <- hold(legs[0], "/slow") }()
	wait(t, entered, "the first hold's fetch")
	if err := hold(legs[1], "/music"); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	got := strings.Join(requested, ", ")
	mu.Unlock()
	if got != "GET /slow, GET /music" {
		t.Errorf("while the first fetch hangs, the app got %s; want the second client's fetch too", got)
	}
	close(release)
	if err := <-first; err != nil {
		t.Fatal(err)
	}

	var order []string
	for _, en := range f.Trace() {
		for _, path := range []string{"/slow", "/music"} {
			if en.Kind == sim.KindWebhook && strings.Contains(en.Text, "https://app.test"+path+" ") {
				order = append(order, path)
			}
		}
	}
	if strings.Join(order, " ") != "/slow /music" {
		t.Errorf("the engine took the answers in the order %v, want /slow then /music\n%s", order, traceOf(f))
	}
	for i, want := range []string{"slow", "music"} {
		if h, _ := f.Hears(legs[i].callSid); h.String() != `hold-music "https://cdn.test/`+want+`.mp3"` {
			t.Errorf("leg %d hears %s, want %s", i, h, want)
		}
	}
}

// wait receives from ch, failing the test after 10 seconds.
func wait(t *testing.T, ch <-chan struct{}, what string) {
	t.Helper()
	select {
	case <-ch:
	case <-time.After(10 * time.Second):
		t.Fatalf("timed out waiting for %s", what)
	}
}
