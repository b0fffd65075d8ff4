package sim

import (
	"net/url"

	"github.com/holdlab/holdlab/fakeapi/wire"
	"strings"
	"testing"
	"time"
)

// inbound sets up the support number with voiceDoc at voiceURL and places
// the customer's call.
func inbound(t *testing.T, voiceDoc string) (*world, *Call) {
	t.Helper()
	w := newWorld(t)
	w.number(support, voiceURL)
	w.phone(customer, PhoneScript{Name: "customer"})
	w.phone(agent, PhoneScript{Name: "agent"})
	w.app.twiml(voiceURL, voiceDoc)
	return w, w.place(customer, support)
}

func TestGather(t *testing.T) {
	tests := []struct {
		name       string
		gather     string
		presses    []Press
		wantAction string // Digits at the action, "-" for no action request
		wantHears  string // what the caller hears at the end
	}{
		{"numDigits reached", `<Gather numDigits="2" action="/menu"><Say>Press two keys</Say></Gather>`,
			[]Press{{After: time.Second, Digits: "42"}}, "42", "silence (pause)"},
		{"finishOnKey ends it and is not included", `<Gather action="/menu"><Say>Enter your account then hash</Say></Gather>`,
			[]Press{{After: 3 * time.Second, Digits: "123#"}}, "123", "silence (pause)"},
		{"timeout without keys falls through to the next verb", `<Gather action="/menu" timeout="3"><Say>Press a key</Say></Gather><Say>No input</Say><Pause length="60"/>`,
			nil, "-", "silence (pause)"},
		{"action defaults to the document", `<Gather numDigits="1"><Say>Press a key</Say></Gather>`,
			[]Press{{After: 2 * time.Second, Digits: "7"}}, "7@voice", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newWorld(t)
			w.number(support, voiceURL)
			w.phone(customer, PhoneScript{Name: "customer", Presses: tt.presses})
			gathered := 0
			w.app.routes[voiceURL] = func(v url.Values) string {
				if _, ok := v["Digits"]; ok {
					gathered++
					return `<Response><Pause length="60"/></Response>`
				}
				return `<Response>` + tt.gather + `</Response>`
			}
			w.app.twiml("https://app.test/menu", `<Response><Say>You chose</Say><Pause length="60"/></Response>`)
			c := w.place(customer, support)
			w.run(10 * time.Second)
			menu := w.app.requestsTo("https://app.test/menu")
			switch {
			case tt.wantAction == "-":
				if len(menu) != 0 || gathered != 0 {
					t.Errorf("action requested; want none")
				}
			case strings.HasSuffix(tt.wantAction, "@voice"):
				if gathered != 1 {
					t.Errorf("the document itself was requested with Digits %d times, want 1", gathered)
				}
			default:
				if len(menu) != 1 || menu[0].Params.Get("Digits") != tt.wantAction {
					t.Fatalf("action requests %d, want one with Digits=%s\n%s", len(menu), tt.wantAction, w.traceText())
				}
			}
			if tt.wantHears != "" {
				w.wantHears(c, tt.wantHears)
			}
		})
	}
}

func TestFetchFailures(t *testing.T) {
	tests := []struct {
		name       string
		answer     Result
		fallback   bool
		wantCode   string // ErrorCode at the fallback
		wantHears  string
		wantStatus Status
	}{
		{"404 without fallback plays the application error", Result{StatusCode: 404, ErrCode: 11200, Err: "HTTP 404"}, false, "", `application-error "` + ApplicationErrorMessage + `"`, StatusInProgress},
		{"404 with fallback", Result{StatusCode: 404, ErrCode: 11200, Err: "HTTP 404"}, true, "11200", `say "Sorry, try later"`, StatusInProgress},
		{"connection failure with fallback", Result{ErrCode: 11205, Err: "connection refused"}, true, "11205", `say "Sorry, try later"`, StatusInProgress},
		{"not well-formed with fallback", Result{StatusCode: 200, ContentType: "text/xml", Body: []byte(`<Response><Say>Tom & Jerry</Say></Response>`)}, true, "12100", `say "Sorry, try later"`, StatusInProgress},
		{"not well-formed without fallback", Result{StatusCode: 200, ContentType: "text/xml", Body: []byte(`<Response><Say>hi</Response>`)}, false, "", `application-error "` + ApplicationErrorMessage + `"`, StatusInProgress},
		{"json is not TwiML", Result{StatusCode: 200, ContentType: "application/json", Body: []byte(`{}`)}, true, "12300", `say "Sorry, try later"`, StatusInProgress},
		{"an audio answer is played", Result{StatusCode: 200, ContentType: "audio/mpeg", Body: []byte("ID3")}, false, "", `play "https://app.test/voice"`, StatusInProgress},
		{"plain text is read aloud", Result{StatusCode: 200, ContentType: "text/plain", Body: []byte("Hello there")}, false, "", `say "Hello there"`, StatusInProgress},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newWorld(t)
			fb := "https://app.test/fallback"
			p := NumberParams{PhoneNumber: support, VoiceURL: ptrTo(voiceURL)}
			if tt.fallback {
				p.VoiceFallbackURL = &fb
			}
			if _, err := w.e.CreateNumber(p); err != nil {
				t.Fatal(err)
			}
			w.app.twiml(fb, `<Response><Say>Sorry, try later</Say></Response>`)
			answer := tt.answer
			perform := func(eff *Effect) Result {
				if eff.URL == voiceURL {
					w.app.requests = append(w.app.requests, eff)
					return answer
				}
				return w.app.perform(eff)
			}
			c := w.place(customer, support)
			w.e.RunUntil(w.e.Now(), perform)
			w.wantStatus(c, tt.wantStatus)
			w.wantHears(c, tt.wantHears)
			fbs := w.app.requestsTo(fb)
			if tt.wantCode == "" {
				if len(fbs) != 0 {
					t.Errorf("fallback requested; want not")
				}
			} else if len(fbs) != 1 || fbs[0].Params.Get("ErrorCode") != tt.wantCode || fbs[0].Params.Get("ErrorUrl") != voiceURL {
				t.Errorf("fallback requests %v, want one with ErrorCode=%s ErrorUrl=%s", fbs, tt.wantCode, voiceURL)
			}
			w.e.RunUntil(w.e.Now().Add(time.Minute), perform)
			w.wantStatus(c, StatusCompleted)
		})
	}
}

func ptrTo[T any](v T) *T { return &v }

func TestWarningsAndLoops(t *testing.T) {
	t.Run("unknown verb is a 12200 warning and skipped", func(t *testing.T) {
		w, c := inbound(t, `<Response><Sya>typo</Sya><Say>Hello</Say></Response>`)
		w.settle()
		w.wantHears(c, `say "Hello"`)
		if !hasCode(w.e.Trace(), 12200) {
			t.Errorf("no 12200 in the trace:\n%s", w.traceText())
		}
	})
	t.Run("a Redirect loop that takes no time is cut", func(t *testing.T) {
		w, c := inbound(t, `<Response><Redirect/></Response>`)
		w.run(time.Minute)
		w.wantStatus(c, StatusCompleted)
		if n := len(w.app.requestsTo(voiceURL)); n != maxInstantFetches {
			t.Errorf("fetched %d times, want %d", n, maxInstantFetches)
		}
	})
	t.Run("a Redirect loop that takes time runs for as long as it is let", func(t *testing.T) {
		w, c := inbound(t, `<Response><Play>https://app.test/music.mp3</Play><Redirect/></Response>`)
		w.run(time.Hour)
		w.wantStatus(c, StatusInProgress)
		if n := len(w.app.requestsTo(voiceURL)); n != 121 {
			t.Errorf("fetched %d times in an hour of 30s plays, want 121", n)
		}
	})
	t.Run("relative Redirect resolves against the document", func(t *testing.T) {
		w, c := inbound(t, `<Response><Redirect method="GET">next?step=2</Redirect></Response>`)
		w.app.twiml("https://app.test/next?step=2", `<Response><Say>Step two</Say></Response>`)
		w.settle()
		w.wantHears(c, `say "Step two"`)
		if r := w.app.requestsTo("https://app.test/next?step=2"); len(r) != 1 || r[0].Method != "GET" {
			t.Errorf("redirect requests %v, want one GET", r)
		}
	})
}

func hasCode(entries []Entry, code int) bool {
	for _, e := range entries {
		if e.Code == code {
			return true
		}
	}
	return false
}

func TestDialOptions(t *testing.T) {
	t.Run("answerOnBridge keeps the caller ringing until the bridge", func(t *testing.T) {
		w, c := inbound(t, `<Response><Dial answerOnBridge="true">`+agent+`</Dial></Response>`)
		w.run(time.Second)
		w.wantStatus(c, StatusRinging)
		w.wantHears(c, "ringback")
		w.run(2 * time.Second)
		w.wantStatus(c, StatusInProgress)
		if got := c.StartTime.Sub(w.e.Start()); got != 2*time.Second {
			t.Errorf("answered at +%v, want +2s (the bridge)", got)
		}
	})
	t.Run("whisper runs on the agent while the caller hears ringback", func(t *testing.T) {
		w, c := inbound(t, `<Response><Dial><Number url="/whisper">`+agent+`</Number></Dial></Response>`)
		w.app.twiml("https://app.test/whisper", `<Response><Say>Customer calling about billing</Say></Response>`)
		w.run(2500 * time.Millisecond)
		kid := w.child(c)
		w.wantHears(kid, `say "Customer calling about billing"`)
		w.wantHears(c, "ringback")
		w.run(5 * time.Second)
		w.wantHears(c, "party "+wire.Short(kid.Sid))
	})
	t.Run("hangupOnStar", func(t *testing.T) {
		w := newWorld(t)
		w.number(support, voiceURL)
		w.phone(customer, PhoneScript{Presses: []Press{{After: 10 * time.Second, Digits: "*"}}})
		w.app.twiml(voiceURL, `<Response><Dial hangupOnStar="true">`+agent+`</Dial><Say>Back to the menu</Say></Response>`)
		c := w.place(customer, support)
		w.run(11 * time.Second)
		w.wantStatus(w.child(c), StatusCompleted)
		w.wantHears(c, `say "Back to the menu"`)
	})
	t.Run("timeLimit hangs up the agent", func(t *testing.T) {
		w, c := inbound(t, `<Response><Dial timeLimit="60" action="/after">`+agent+`</Dial></Response>`)
		w.app.twiml("https://app.test/after", `<Response><Say>Time is up</Say></Response>`)
		w.run(90 * time.Second)
		kid := w.child(c)
		w.wantStatus(kid, StatusCompleted)
		if d, _ := kid.Duration(); d != time.Minute {
			t.Errorf("agent leg lasted %v, want 1m", d)
		}
	})
	t.Run("the first of two numbers to answer wins", func(t *testing.T) {
		w, c := inbound(t, `<Response><Dial><Number>`+agent+`</Number><Number>+15550004000</Number></Dial></Response>`)
		w.phone("+15550004000", PhoneScript{Name: "second agent", After: time.Second})
		w.run(5 * time.Second)
		kids := w.e.Calls(CallFilter{ParentCallSid: c.Sid})
		if len(kids) != 2 {
			t.Fatalf("%d children", len(kids))
		}
		// Newest first: kids[0] is +15550004000.
		w.wantStatus(kids[0], StatusInProgress)
		w.wantStatus(kids[1], StatusCanceled)
		w.wantHears(c, "party "+wire.Short(kids[0].Sid))
	})
	t.Run("dialing one of the account's numbers makes a linked inbound leg", func(t *testing.T) {
		w, c := inbound(t, `<Response><Dial>+15550009000</Dial></Response>`)
		if _, err := w.e.CreateNumber(NumberParams{PhoneNumber: "+15550009000", VoiceURL: ptrTo("https://app.test/ivr")}); err != nil {
			t.Fatal(err)
		}
		w.app.twiml("https://app.test/ivr", `<Response><Say>Welcome to the other line</Say><Pause length="30"/></Response>`)
		w.run(5 * time.Second)
		kid := w.child(c)
		w.wantStatus(kid, StatusInProgress)
		ins := w.e.Calls(CallFilter{To: "+15550009000"})
		if len(ins) != 2 || ins[0].Direction != DirectionInbound {
			t.Fatalf("calls to the second number: %d, want the child and a new inbound leg", len(ins))
		}
		must(t, w.e.HangUp(c.Sid))
		w.settle()
		w.wantStatus(ins[0], StatusCompleted)
	})
}

// While a <Gather> waits for keys, the party hears "waiting for keys"
// silence, in a call's own TwiML and in an <Enqueue> waitUrl alike: with no
// prompt, once the prompts are over, and once a key stopped a prompt.
func TestGatherWaitingForKeysHearing(t *testing.T) {
	const waiting = "silence (waiting for keys)"
	tests := []struct {
		name     string
		gather   string
		presses  []Press
		at       time.Duration // after the call is placed
		wantHear string
	}{
		{"no prompt", `<Gather numDigits="2" timeout="30"/>`, nil, 5 * time.Second, waiting},
		{"prompt playing", `<Gather numDigits="2" timeout="30"><Pause length="20"/></Gather>`, nil, 10 * time.Second, "silence (pause)"},
		{"prompts over", `<Gather numDigits="2" timeout="30"><Pause length="2"/></Gather>`, nil, 10 * time.Second, waiting},
		{"a key stopped the prompt", `<Gather numDigits="2" timeout="30"><Play>https://cdn.test/menu.mp3</Play></Gather>`,
			[]Press{{After: 2 * time.Second, Digits: "4"}}, 10 * time.Second, waiting},
	}
	for _, tt := range tests {
		t.Run("call/"+tt.name, func(t *testing.T) {
			w := newWorld(t)
			w.number(support, voiceURL)
			w.phone(customer, PhoneScript{Name: "customer", Presses: tt.presses})
			w.app.twiml(voiceURL, `<Response>`+tt.gather+`</Response>`)
			c := w.place(customer, support)
			w.run(tt.at)
			w.wantHears(c, tt.wantHear)
		})
		t.Run("waitUrl/"+tt.name, func(t *testing.T) {
			w := queueWorld(t, `<Response><Enqueue waitUrl="/qwait">hold</Enqueue></Response>`, "")
			w.phone(customer, PhoneScript{Name: "customer", Presses: tt.presses})
			w.app.twiml(qwaitURL, `<Response>`+tt.gather+`</Response>`)
			c := w.place(customer, support)
			w.run(tt.at)
			w.wantHears(c, tt.wantHear)
		})
	}
}
