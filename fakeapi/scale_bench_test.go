package fakeapi_test

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/holdlab/holdlab/fakeapi"
	"github.com/twilio/twilio-go/client"
	openapi "github.com/twilio/twilio-go/rest/api/v2010"
)

// BenchmarkRESTHoldChurn holds and unholds conference participants through
// the Fake, with the unmodified twilio-go client over the in-memory
// transport: each operation is one UpdateParticipant request (Hold=true
// with a HoldUrl, or Hold=false), the HoldUrl fetched from the app and the
// hold status callback delivered, as with the conference strategy. It
// reports operations per second, the CPU time per operation and the heap
// per live leg after the set-up (target: under 10 KiB).
//
// legs=10000 has 10,000 live legs (2,000 conferences of 5); pairs=1000 has
// 1,000 conferences of 2, and runs each operation both through the fake
// (via=fake) and through twilio-go alone against a transport that answers
// the fake's own response bytes at once (via=alone): the ratio of the two
// is the share of twilio-go's own rate the fake keeps
// (benchstat -col /via). On a busy machine, whose load changes from one
// sub-benchmark to the next, pairs=1000/interleaved gives steadier ratios:
// it alternates short bursts of the two (see interleaved).
func BenchmarkRESTHoldChurn(b *testing.B) {
	b.Run("legs=10000", func(b *testing.B) {
		h := newHoldChurn(b, 2000, 5)
		defer h.close()
		h.run(b, h.api, h.held)
	})
	b.Run("pairs=1000", func(b *testing.B) {
		h := newHoldChurn(b, 1000, 2)
		defer h.close()
		alone := h.alone(b)
		b.Run("via=fake", func(b *testing.B) { h.run(b, h.api, h.held) })
		b.Run("via=alone", func(b *testing.B) { h.run(b, alone, h.aloneHeld) })
		b.Run("interleaved", func(b *testing.B) { h.interleaved(b, alone) })
	})
}

// holdChurn is a fake with rooms conferences of size participants each,
// every one answered, and the hold state of each.
type holdChurn struct {
	f       *fakeapi.Fake
	api     *openapi.ApiService
	targets []holdTarget
	held    []bool // for the fake
	// aloneHeld is the hold state twilio-go alone believes in.
	aloneHeld []bool
	// cursor is where each of up to 4 clients of interleaved is.
	cursor [4]int
	perLeg float64
}

type holdTarget struct{ conf, label string }

func newHoldChurn(b *testing.B, rooms, size int) *holdChurn {
	b.Helper()
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
	h := &holdChurn{f: f, api: f.RestClient()}
	h.targets = make([]holdTarget, 0, rooms*size)
	for i := range rooms {
		room := fmt.Sprintf("room-%d", i)
		for j := range size {
			p, err := h.api.CreateParticipant(room, &openapi.CreateParticipantParams{
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
			h.targets = append(h.targets, holdTarget{*p.ConferenceSid, *p.Label})
		}
	}
	f.Advance(5 * time.Second)
	calls, err := h.api.ListCall(&openapi.ListCallParams{Status: ptr("in-progress")})
	if err != nil {
		b.Fatal(err)
	}
	if len(calls) != rooms*size {
		b.Fatalf("%d live legs, want %d", len(calls), rooms*size)
	}
	h.perLeg = float64(heapAlloc()-before) / float64(len(calls))
	h.held = make([]bool, len(h.targets))
	h.aloneHeld = make([]bool, len(h.targets))
	return h
}

func (h *holdChurn) close() { h.f.Close() }

// toggle holds participant k if it is not held, else unholds it.
func (h *holdChurn) toggle(api *openapi.ApiService, held []bool, k int) error {
	params := &openapi.UpdateParticipantParams{Hold: ptr(!held[k])}
	if !held[k] {
		params.HoldUrl, params.HoldMethod = ptr("https://app.test/music"), ptr("GET")
	}
	if _, err := api.UpdateParticipant(h.targets[k].conf, h.targets[k].label, params); err != nil {
		return err
	}
	held[k] = !held[k]
	return nil
}

// run toggles participants with api: one client, one request at a time,
// then 4 clients at once (more than the cores, so that the clients' and
// the HTTP layer's work can run in parallel with the engine's), each
// owning every 4th participant.
func (h *holdChurn) run(b *testing.B, api *openapi.ApiService, held []bool) {
	b.Run("clients=1", func(b *testing.B) {
		i := 0
		cpu0 := cpuTime()
		for b.Loop() {
			if err := h.toggle(api, held, i%len(h.targets)); err != nil {
				b.Fatal(err)
			}
			i++
		}
		reportRates(b, cpu0, h.perLeg)
	})
	const clients = 4
	b.Run(fmt.Sprintf("clients=%d", clients), func(b *testing.B) {
		b.ReportAllocs()
		var done atomic.Int64
		var wg sync.WaitGroup
		cpu0 := cpuTime()
		for g := range clients {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for k := g; done.Add(1) <= int64(b.N); k += clients {
					if k >= len(h.targets) {
						k = g
					}
					if err := h.toggle(api, held, k); err != nil {
						b.Error(err)
						return
					}
				}
			}()
		}
		wg.Wait()
		reportRates(b, cpu0, h.perLeg)
	})
}

// reportRates reports operations per second, the CPU time per operation
// (every thread, the collector's included, since cpu0), which the rest of
// a busy machine disturbs less than the wall clock, and the heap per leg.
func reportRates(b *testing.B, cpu0 time.Duration, perLeg float64) {
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "ops/s")
	b.ReportMetric(float64(cpuTime()-cpu0)/float64(b.N), "cpu-ns/op")
	b.ReportMetric(perLeg, "B/leg")
}

// alone returns twilio-go's client against a transport that answers every
// UpdateParticipant at once with the bytes the fake answered (a hold and
// an unhold captured once): twilio-go's own cost, the rate the fake is
// measured against.
func (h *holdChurn) alone(b *testing.B) *openapi.ApiService {
	b.Helper()
	capture := &captureTransport{next: h.f.HTTPClient().Transport}
	api := fakeRestClient(h.f, &http.Client{Transport: capture})
	// Participant 0 is toggled twice: a hold, then an unhold, leaving it
	// as it was.
	for range 2 {
		if err := h.toggle(api, h.held, 0); err != nil {
			b.Fatal(err)
		}
	}
	return fakeRestClient(h.f, &http.Client{Transport: &replayTransport{hold: capture.got[0], unhold: capture.got[1]}})
}

func fakeRestClient(f *fakeapi.Fake, hc *http.Client) *openapi.ApiService {
	c := &client.Client{Credentials: client.NewCredentials(f.AccountSid(), f.AuthToken()), HTTPClient: hc}
	c.SetAccountSid(f.AccountSid())
	return openapi.NewApiServiceWithClient(c)
}

// capturedResponse is a response's status, headers and body.
type capturedResponse struct {
	status int
	header http.Header
	body   []byte
}

// captureTransport records the responses next gives.
type captureTransport struct {
	next http.RoundTripper
	got  []capturedResponse
}

func (t *captureTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := t.next.RoundTrip(r)
	if err != nil {
		return nil, err
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return nil, err
	}
	t.got = append(t.got, capturedResponse{resp.StatusCode, resp.Header.Clone(), body})
	resp.Body = io.NopCloser(bytes.NewReader(body))
	return resp, nil
}

// replayTransport answers a hold (a request with a HoldUrl: the longer
// body) and an unhold with their captured responses, at once.
type replayTransport struct{ hold, unhold capturedResponse }

func (t *replayTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	c := t.unhold
	if r.ContentLength > int64(len("Hold=false")) {
		c = t.hold
	}
	if r.Body != nil {
		r.Body.Close()
	}
	return &http.Response{
		Status:        fmt.Sprintf("%d %s", c.status, http.StatusText(c.status)),
		StatusCode:    c.status,
		Proto:         "HTTP/1.1",
		ProtoMajor:    1,
		ProtoMinor:    1,
		Header:        c.header.Clone(),
		Body:          io.NopCloser(bytes.NewReader(c.body)),
		ContentLength: int64(len(c.body)),
		Request:       r,
	}, nil
}

// interleaved alternates short bursts of operations, so that a load on the
// machine that comes and goes weighs on both sides of each ratio alike:
// through the fake and through twilio-go alone with 1 client and with 4
// (reporting each side's operations per second and fake/alone), and
// with 1 client and with 4, through the fake and through twilio-go alone
// (4-vs-1: how much faster 4 clients are; alone's tells what the machine
// allows). ns/op is per round of bursts.
func (h *holdChurn) interleaved(b *testing.B, alone *openapi.ApiService) {
	type side struct {
		api     *openapi.ApiService
		held    []bool
		clients int
	}
	pairs := []struct {
		name         string
		a, b         side
		unit         string
		aName, bName string
	}{
		{"fake-vs-alone/clients=1", side{h.api, h.held, 1}, side{alone, h.aloneHeld, 1}, "fake/alone", "fake", "alone"},
		{"fake-vs-alone/clients=4", side{h.api, h.held, 4}, side{alone, h.aloneHeld, 4}, "fake/alone", "fake", "alone"},
		{"fake/4-vs-1", side{h.api, h.held, 4}, side{h.api, h.held, 1}, "4/1", "clients=4", "clients=1"},
		{"alone/4-vs-1", side{alone, h.aloneHeld, 4}, side{alone, h.aloneHeld, 1}, "4/1", "clients=4", "clients=1"},
	}
	const burst = 40 // operations per burst
	for _, p := range pairs {
		b.Run(p.name, func(b *testing.B) {
			var ta, tb time.Duration
			for b.Loop() {
				ta += h.burst(b, p.a.api, p.a.held, p.a.clients, burst)
				tb += h.burst(b, p.b.api, p.b.held, p.b.clients, burst)
			}
			ra := float64(b.N*burst) / ta.Seconds()
			rb := float64(b.N*burst) / tb.Seconds()
			b.ReportMetric(ra, p.aName+"-ops/s")
			b.ReportMetric(rb, p.bName+"-ops/s")
			b.ReportMetric(ra/rb, p.unit)
		})
	}
}

// burst runs ops operations with api from clients goroutines (the calling
// one when 1), client g toggling participants g, g+clients, … from where
// it stopped last time, and returns how long they took.
func (h *holdChurn) burst(b *testing.B, api *openapi.ApiService, held []bool, clients, ops int) time.Duration {
	run := func(g int) {
		for range ops / clients {
			k := h.cursor[g]
			if k%clients != g || k >= len(h.targets) {
				k = g
			}
			if err := h.toggle(api, held, k); err != nil {
				b.Error(err)
				return
			}
			h.cursor[g] = k + clients
		}
	}
	start := time.Now()
	if clients == 1 {
		run(0)
		return time.Since(start)
	}
	var wg sync.WaitGroup
	for g := range clients {
		wg.Go(func() { run(g) })
	}
	wg.Wait()
	return time.Since(start)
}

// heapAlloc is the live heap after a full collection.
func heapAlloc() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}
