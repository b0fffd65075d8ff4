package fakeapi_test

import (
	"fmt"
	"net/http"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/holdlab/holdlab/fakeapi"
	openapi "github.com/twilio/twilio-go/rest/api/v2010"
)

// BenchmarkRESTHoldChurn holds and unholds conference participants among
// 10,000 live legs (2,000 conferences of 5) through the Fake, with the
// unmodified twilio-go client over the in-memory transport: each operation
// is one UpdateParticipant request (Hold=true with a HoldUrl, or
// Hold=false), the HoldUrl fetched from the app and the hold status
// callback delivered, as with the conference strategy. It reports
// operations per second (target: 50,000) and the heap per live leg after
// the set-up (target: under 10 KiB).
func BenchmarkRESTHoldChurn(b *testing.B) {
	const rooms, size = 2000, 5
	app := http.NewServeMux()
	app.HandleFunc("GET /music", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/xml")
		fmt.Fprint(w, `<Response><Play loop="0">https://cdn.test/music.mp3</Play></Response>`)
	})
	app.HandleFunc("POST /events", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusNoContent) })
	before := heapAlloc()
	f, err := fakeapi.New(fakeapi.Options{Apps: map[string]http.Handler{"app.test": app}})
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	api := f.RestClient()
	type target struct{ conf, label string }
	targets := make([]target, 0, rooms*size)
	for i := range rooms {
		room := fmt.Sprintf("room-%d", i)
		for j := range size {
			p, err := api.CreateParticipant(room, &openapi.CreateParticipantParams{
				From:                          ptr(support),
				To:                            ptr(fmt.Sprintf("+1555%07d", 3000000+i*size+j)),
				Label:                         ptr(fmt.Sprintf("p%d", j)),
				Beep:                          ptr("false"),
				ConferenceStatusCallback:      ptr("https://app.test/events"),
				ConferenceStatusCallbackEvent: &[]string{"start", "end", "join", "leave", "hold"},
			})
			if err != nil {
				b.Fatal(err)
			}
			targets = append(targets, target{*p.ConferenceSid, *p.Label})
		}
	}
	f.Advance(5 * time.Second)
	calls, err := api.ListCall(&openapi.ListCallParams{Status: ptr("in-progress")})
	if err != nil {
		b.Fatal(err)
	}
	live := len(calls)
	if live != rooms*size {
		b.Fatalf("%d live legs, want %d", live, rooms*size)
	}
	calls = nil
	perLeg := float64(heapAlloc()-before) / float64(live)

	held := make([]bool, len(targets))
	music := "https://app.test/music"
	toggle := func(k int) error {
		params := &openapi.UpdateParticipantParams{Hold: ptr(!held[k])}
		if !held[k] {
			params.HoldUrl, params.HoldMethod = &music, ptr("GET")
		}
		if _, err := api.UpdateParticipant(targets[k].conf, targets[k].label, params); err != nil {
			return err
		}
		held[k] = !held[k]
		return nil
	}
	// One client, one request at a time.
	b.Run("clients=1", func(b *testing.B) {
		i := 0
		for b.Loop() {
			if err := toggle(i % len(targets)); err != nil {
				b.Fatal(err)
			}
			i++
		}
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "ops/s")
		b.ReportMetric(perLeg, "B/leg")
	})
	// Clients on every core: the fake's mutex serializes the engine, while
	// the clients' and the HTTP layer's work runs in parallel. Each client
	// owns every clients-th participant.
	const clients = 4
	b.Run(fmt.Sprintf("clients=%d", clients), func(b *testing.B) {
		var done atomic.Int64
		var wg sync.WaitGroup
		for g := range clients {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for k := g; done.Add(1) <= int64(b.N); k += clients {
					if k >= len(targets) {
						k = g
					}
					if err := toggle(k); err != nil {
						b.Error(err)
						return
					}
				}
			}()
		}
		wg.Wait()
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "ops/s")
		b.ReportMetric(perLeg, "B/leg")
	})
}

// heapAlloc is the live heap after a full collection.
func heapAlloc() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}
