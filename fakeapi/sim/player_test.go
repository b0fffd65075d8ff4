package sim

import (
	"testing"
	"time"
)

// TestPlayerHosts plays one table of Say, Play, Pause and Redirect
// documents on every host of the player (player.go): a leg's own TwiML, an
// <Enqueue> waitUrl and a conference waitUrl (documents a mediaRunner plays
// on the leg). The party must hear the same thing at the same instants on
// each, but for the source a runner names its sounds with ("wait-music"),
// so a change to how one host plays these verbs fails here.
func TestPlayerHosts(t *testing.T) {
	const (
		docURL  = "https://app.test/doc"
		nextURL = "https://app.test/next"
		toneURL = "https://app.test/tone.mp3" // "/tone.mp3", resolved against the document
		music   = "https://app.test/music.mp3"
		ms      = time.Millisecond
	)
	type heard struct {
		at   time.Duration
		want Hearing // on a leg's own TwiML; a runner names media with its own source
	}
	pause := silence("pause")
	// Each document ends in a long pause: what follows the end of a
	// document differs by host on purpose (hang up, silence, the waitUrl
	// again), and is tested elsewhere.
	const rest = `<Pause length="600"/>`
	cases := []struct {
		name  string
		doc   string // inside <Response>
		next  string // the document at /next, inside <Response>
		hears []heard
	}{
		{"say lasts a second at least", `<Say>Hello there</Say>` + rest, "",
			[]heard{{0, media("say", "Hello there")}, {999 * ms, media("say", "Hello there")}, {time.Second, pause}}},
		{"say loops", `<Say loop="2">Welcome to holdlab support</Say>` + rest, "",
			[]heard{{0, media("say", "Welcome to holdlab support")}, {3400 * ms, media("say", "Welcome to holdlab support")}, {3500 * ms, pause}}},
		{"play resolves its URL and loops", `<Play loop="3">/tone.mp3</Play>` + rest, "",
			[]heard{{0, media("play", toneURL)}, {5999 * ms, media("play", toneURL)}, {6 * time.Second, pause}}},
		{"play loop 0 plays forever", `<Play loop="0">` + music + `</Play>` + rest, "",
			[]heard{{0, media("play", music)}, {time.Hour, media("play", music)}}},
		{"a huge loop plays forever", `<Play loop="400000000">` + music + `</Play>` + rest, "",
			[]heard{{0, media("play", music)}, {3 * time.Hour, media("play", music)}}},
		{"a huge say loop plays forever", `<Say loop="2147483647">Please hold</Say>` + rest, "",
			[]heard{{0, media("say", "Please hold")}, {3 * time.Hour, media("say", "Please hold")}}},
		{"play digits", `<Play digits="123"/>` + rest, "",
			[]heard{{0, media("play", "DTMF 123")}, {1499 * ms, media("play", "DTMF 123")}, {1500 * ms, pause}}},
		{"pause then say", `<Pause length="3"/><Say>Hi</Say>` + rest, "",
			[]heard{{0, pause}, {2999 * ms, pause}, {3 * time.Second, media("say", "Hi")}, {4 * time.Second, pause}}},
		{"redirect to a relative URL", `<Say>One</Say><Redirect>/next</Redirect><Say>never</Say>`, `<Say>Two</Say>` + rest,
			[]heard{{0, media("say", "One")}, {time.Second, media("say", "Two")}, {2 * time.Second, pause}}},
	}
	hosts := []struct {
		name   string
		source string // Hearing.Source of a runner's media; "": the verb's
		// start serves doc (a whole document) and returns the leg whose
		// party hears it.
		start func(w *world, doc string) *Call
	}{
		{"own TwiML", "", func(w *world, doc string) *Call {
			w.app.twiml(voiceURL, doc)
			return w.place(customer, support)
		}},
		{"Enqueue waitUrl", "wait-music", func(w *world, doc string) *Call {
			w.app.twiml(voiceURL, `<Response><Enqueue waitUrl="/doc">line</Enqueue></Response>`)
			w.app.twiml(docURL, doc)
			return w.place(customer, support)
		}},
		{"conference waitUrl", "wait-music", func(w *world, doc string) *Call {
			w.app.twiml(voiceURL, `<Response><Dial><Conference waitUrl="/doc">room</Conference></Dial></Response>`)
			w.app.twiml(docURL, doc)
			return w.place(customer, support)
		}},
	}
	for _, tc := range cases {
		for _, h := range hosts {
			t.Run(tc.name+"/"+h.name, func(t *testing.T) {
				w := newWorld(t)
				w.number(support, voiceURL)
				w.phone(customer, PhoneScript{Name: "customer"})
				w.e.SetMediaDuration(toneURL, 2*time.Second)
				if tc.next != "" {
					w.app.twiml(nextURL, `<Response>`+tc.next+`</Response>`)
				}
				c := h.start(w, `<Response>`+tc.doc+`</Response>`)
				last := tc.hears[len(tc.hears)-1].at
				w.run(last + time.Second)
				for _, hd := range tc.hears {
					want := hd.want
					if want.Kind == HearMedia && h.source != "" {
						want.Source = h.source
					}
					got, err := w.e.HeardAt(c.Sid, w.e.Start().Add(hd.at))
					must(t, err)
					if !got.Equal(want) {
						t.Errorf("at %s the customer hears %s, want %s\ntrace:\n%s", hd.at, got, want, w.traceText())
					}
				}
				if tc.next != "" && len(w.app.requestsTo(nextURL)) != 1 {
					t.Errorf("%s requested %d times, want once", nextURL, len(w.app.requestsTo(nextURL)))
				}
			})
		}
	}
}
