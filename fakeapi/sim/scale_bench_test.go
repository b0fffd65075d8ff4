package sim

import (
	"fmt"
	"runtime"
	"testing"
	"time"
)

// Scale benchmarks: many live legs in one engine, driven without HTTP (the
// app answers effects directly, as the engine's own tests do). They report
// memory per live leg (HeapAlloc after a GC, minus the empty engine's,
// divided by the legs) and hold/unhold operations per second.

const (
	scaleSupport = "+15550001000"
	scaleAgent   = "+15550002000"
	scaleVoice   = "https://app.test/voice"
	scaleMusic   = "https://app.test/music"
	scaleEvents  = "https://app.test/conference-events"
)

// scaleApp answers the benchmarks' webhooks from a fixed table, and every
// callback with 204.
func scaleApp(docs map[string]string) func(*Effect) Result {
	return func(eff *Effect) Result {
		if eff.Kind == EffectCallback {
			return Result{StatusCode: 204}
		}
		doc, ok := docs[eff.URL]
		if !ok {
			return Result{StatusCode: 404, ErrCode: 11200, Err: "HTTP 404"}
		}
		return Result{StatusCode: 200, ContentType: "text/xml", Body: []byte(doc)}
	}
}

func scaleEngine() *Engine {
	return New(Config{AccountSid: testAccount, Seed: 1})
}

// customerNumber is the i-th customer's number.
func customerNumber(i int) string { return fmt.Sprintf("+1555%07d", 3000000+i) }

// bridgedPairs has n customers call the support number, whose TwiML dials
// the agent: 2n live legs, each pair bridged.
func bridgedPairs(b *testing.B, n int) (*Engine, func(*Effect) Result) {
	e := scaleEngine()
	app := scaleApp(map[string]string{scaleVoice: `<Response><Dial>` + scaleAgent + `</Dial></Response>`})
	voice := scaleVoice
	if _, err := e.CreateNumber(NumberParams{PhoneNumber: scaleSupport, VoiceURL: &voice}); err != nil {
		b.Fatal(err)
	}
	if err := e.SetPhone(scaleAgent, PhoneScript{Name: "agent"}); err != nil {
		b.Fatal(err)
	}
	for i := range n {
		if _, err := e.PlaceCall(customerNumber(i), scaleSupport); err != nil {
			b.Fatal(err)
		}
	}
	e.RunUntil(e.Now().Add(5*time.Second), app)
	return e, app
}

// conferences fills n conferences with `size` participants each, added by
// the Participants API, with the status callbacks the conference strategy
// asks for: n*size live legs.
func conferences(b *testing.B, n, size int) (*Engine, []*Conference, func(*Effect) Result) {
	e := scaleEngine()
	app := scaleApp(map[string]string{scaleMusic: `<Response><Play loop="0">https://cdn.test/music.mp3</Play></Response>`})
	f := false
	confs := make([]*Conference, 0, n)
	for i := range n {
		room := fmt.Sprintf("room-%d", i)
		for j := range size {
			p, err := e.CreateParticipant(room, ParticipantParams{
				From: scaleSupport, To: customerNumber(i*size + j), Label: fmt.Sprintf("p%d", j),
				Beep: "false", StartConferenceOnEnter: &f,
				ConferenceStatusCallback:       scaleEvents,
				ConferenceStatusCallbackEvents: []string{"start", "end", "join", "leave", "hold"},
			})
			if err != nil {
				b.Fatal(err)
			}
			if j == 0 {
				confs = append(confs, p.Conference())
			}
		}
		// One participant starts the conference.
		if _, err := e.UpdateParticipant(confs[i].Sid, "p0", ParticipantUpdate{}); err != nil {
			b.Fatal(err)
		}
	}
	e.RunUntil(e.Now().Add(5*time.Second), app)
	return e, confs, app
}

// heapAlloc is the live heap after a full collection.
func heapAlloc() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

func liveLegs(e *Engine) int {
	n := 0
	for c := range e.idx.inOrder() {
		if c.Live() && c.Answered() {
			n++
		}
	}
	return n
}

// BenchmarkLiveLegs builds 10,000 live legs, as 5,000 bridged pairs and as
// 2,000 conferences of 5, and reports the heap they take per leg (target:
// under 10 KiB) and the time to set up one leg.
func BenchmarkLiveLegs(b *testing.B) {
	const legs = 10000
	setups := []struct {
		name  string
		build func(b *testing.B) *Engine
	}{
		{"pairs=5000", func(b *testing.B) *Engine { e, _ := bridgedPairs(b, legs/2); return e }},
		{"conferences=2000x5", func(b *testing.B) *Engine { e, _, _ := conferences(b, legs/5, 5); return e }},
	}
	for _, s := range setups {
		b.Run(s.name, func(b *testing.B) {
			var perLeg float64
			for b.Loop() {
				b.StopTimer()
				before := heapAlloc()
				b.StartTimer()
				e := s.build(b)
				b.StopTimer()
				if n := liveLegs(e); n != legs {
					b.Fatalf("%d live legs, want %d", n, legs)
				}
				perLeg = float64(heapAlloc()-before) / legs
				runtime.KeepAlive(e)
				b.StartTimer()
			}
			b.ReportMetric(perLeg, "B/leg")
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/legs, "ns/leg")
		})
	}
}

// BenchmarkHoldChurn holds and unholds participants among 10,000 live legs
// (2,000 conferences of 5), engine level: each operation is
// UpdateParticipant(Hold=true, HoldUrl) or (Hold=false), with the HoldUrl
// fetched and the participant-hold/unhold status callback sent, as for the
// conference strategy. Virtual time moves 1 ms per operation. Target: at
// least 50,000 operations per second.
func BenchmarkHoldChurn(b *testing.B) {
	const rooms, size = 2000, 5
	e, confs, app := conferences(b, rooms, size)
	hold, unhold := true, false
	music := scaleMusic
	labels := make([]string, size)
	for j := range labels {
		labels[j] = fmt.Sprintf("p%d", j)
	}
	held := make([]bool, rooms*size)
	i := 0
	for b.Loop() {
		k := i % len(held)
		cf, label := confs[k/size], labels[k%size]
		u := ParticipantUpdate{Hold: &hold, HoldURL: &music, HoldMethod: "GET"}
		if held[k] {
			u = ParticipantUpdate{Hold: &unhold}
		}
		if _, err := e.UpdateParticipant(cf.Sid, label, u); err != nil {
			b.Fatal(err)
		}
		held[k] = !held[k]
		e.RunUntil(e.Now().Add(time.Millisecond), app)
		i++
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "ops/s")
	if n := liveLegs(e); n != rooms*size {
		b.Fatalf("%d live legs after the churn, want %d", n, rooms*size)
	}
}

// BenchmarkEngineVirtualTime runs, engine level, a customer bridged to the
// agent, held (the agent's leg is redirected; the customer's Dial action
// plays music forever), for one minute and for eight hours of virtual time,
// then both hang up. The two should cost the same: nothing ticks.
func BenchmarkEngineVirtualTime(b *testing.B) {
	const held, free = "https://app.test/held", "https://app.test/free"
	app := scaleApp(map[string]string{
		scaleVoice: `<Response><Dial action="/held">` + scaleAgent + `</Dial></Response>`,
		held:       `<Response><Play loop="0">https://cdn.test/music.mp3</Play></Response>`,
		free:       `<Response><Pause length="36000"/></Response>`,
	})
	for _, d := range []time.Duration{time.Minute, 8 * time.Hour} {
		b.Run("hold="+d.String(), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				e := scaleEngine()
				voice := scaleVoice
				if _, err := e.CreateNumber(NumberParams{PhoneNumber: scaleSupport, VoiceURL: &voice}); err != nil {
					b.Fatal(err)
				}
				c, err := e.PlaceCall(customerNumber(0), scaleSupport)
				if err != nil {
					b.Fatal(err)
				}
				e.RunUntil(e.Now().Add(5*time.Second), app)
				kids := e.Calls(CallFilter{ParentCallSid: c.Sid})
				if len(kids) != 1 {
					b.Fatalf("%d children", len(kids))
				}
				if _, err := e.UpdateCall(kids[0].Sid, UpdateParams{URL: free}); err != nil {
					b.Fatal(err)
				}
				e.RunUntil(e.Now().Add(d), app)
				if c.hearing.Kind != HearMedia {
					b.Fatalf("the customer hears %s", c.hearing)
				}
				for _, leg := range []*Call{c, kids[0]} {
					if err := e.HangUp(leg.Sid); err != nil {
						b.Fatal(err)
					}
				}
				e.RunUntil(e.Now(), app)
			}
		})
	}
}
