package sim

import (
	"flag"
	"os"
	"path/filepath"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite the golden traces in testdata/")

// Canonical call flows, traced. The golden files are meant to be read by a
// person learning how call legs behave; review changes to them as a diff.
func TestGoldenTraces(t *testing.T) {
	tests := []struct {
		name string
		flow func(t *testing.T, w *world)
	}{
		{"inbound_dial_bridge_hangup", func(t *testing.T, w *world) {
			w.app.twiml(voiceURL, `<Response><Say>Connecting you to an agent</Say><Dial>`+agent+`</Dial><Say>The agent left. Goodbye.</Say></Response>`)
			c := w.place(customer, support)
			w.run(time.Minute)
			kid := w.child(c)
			must(t, w.e.HangUp(kid.Sid))
			w.run(time.Minute)
		}},
		{"parent_redirect_drops_child", func(t *testing.T, w *world) {
			w.app.twiml(voiceURL, `<Response><Dial action="/after">`+agent+`</Dial></Response>`)
			c := w.place(customer, support)
			w.run(30 * time.Second)
			w.update(c, UpdateParams{URL: holdURL})
			w.run(30 * time.Second)
		}},
		{"child_redirect_hangs_up_parent_without_action", func(t *testing.T, w *world) {
			w.app.twiml(voiceURL, `<Response><Dial>`+agent+`</Dial></Response>`)
			c := w.place(customer, support)
			w.run(30 * time.Second)
			w.update(w.child(c), UpdateParams{URL: holdURL})
			w.run(30 * time.Second)
		}},
		{"child_redirect_with_action_keeps_parent", func(t *testing.T, w *world) {
			w.app.twiml(voiceURL, `<Response><Dial action="/after">`+agent+`</Dial></Response>`)
			c := w.place(customer, support)
			w.run(30 * time.Second)
			w.update(w.child(c), UpdateParams{URL: holdURL})
			w.run(30 * time.Second)
		}},
		{"outbound_api_agent_calls_customer", func(t *testing.T, w *world) {
			w.app.twiml("https://app.test/agent", `<Response><Dial callerId="`+support+`" timeout="20">`+customer+`</Dial></Response>`)
			w.app.twiml("https://app.test/status", "")
			c, err := w.e.CreateCall(CallParams{To: agent, From: support, URL: "https://app.test/agent", StatusCallback: "https://app.test/status", StatusCallbackEvents: []string{"initiated", "ringing", "answered", "completed"}})
			must(t, err)
			w.run(time.Minute)
			must(t, w.e.HangUp(c.Sid))
			w.settle()
		}},
		{"conference_hold", func(t *testing.T, w *world) {
			// The customer calls into a room, the agent is added by REST,
			// then the agent puts the customer on hold and takes it back.
			w.app.twiml(voiceURL, `<Response><Dial action="/after"><Conference participantLabel="customer" statusCallback="https://app.test/conf" statusCallbackEvent="start end join leave hold">support-room</Conference></Dial></Response>`)
			w.app.twiml("https://app.test/conf", "")
			c := w.place(customer, support)
			w.run(5 * time.Second)
			pt, err := w.e.CreateParticipant("support-room", ParticipantParams{From: support, To: agent, Label: "agent", EndConferenceOnExit: true})
			must(t, err)
			w.run(30 * time.Second)
			_, err = w.e.UpdateParticipant(pt.ConferenceSid, "customer", ParticipantUpdate{Hold: ptr(true), HoldURL: ptr(holdURL)})
			must(t, err)
			w.run(60 * time.Second)
			_, err = w.e.UpdateParticipant(pt.ConferenceSid, "customer", ParticipantUpdate{Hold: ptr(false)})
			must(t, err)
			w.run(30 * time.Second)
			must(t, w.e.HangUp(pt.CallSid))
			w.run(5 * time.Second)
			must(t, w.e.HangUp(c.Sid))
			w.settle()
		}},
		{"queue_hold", func(t *testing.T, w *world) {
			// The agent calls the customer; hold puts the customer (the
			// child leg) in a queue, resume dials that queue.
			w.app.twiml("https://app.test/agent", `<Response><Dial callerId="`+support+`" action="/after">`+customer+`</Dial></Response>`)
			w.app.twiml("https://app.test/enqueue", `<Response><Enqueue waitUrl="/wait" action="/dequeued">hold</Enqueue></Response>`)
			w.app.twiml("https://app.test/wait", `<Response><Say>Please hold, your agent will be right back</Say><Play>`+music+`</Play></Response>`)
			w.app.twiml("https://app.test/resume", `<Response><Dial><Queue>hold</Queue></Dial></Response>`)
			w.app.twiml("https://app.test/dequeued", `<Response><Say>Thank you for calling</Say></Response>`)
			ag, err := w.e.CreateCall(CallParams{To: agent, From: support, URL: "https://app.test/agent"})
			must(t, err)
			w.run(20 * time.Second)
			w.update(w.child(ag), UpdateParams{URL: "https://app.test/enqueue"})
			w.run(40 * time.Second)
			w.update(ag, UpdateParams{URL: "https://app.test/resume"})
			w.run(30 * time.Second)
			must(t, w.e.HangUp(ag.Sid))
			w.run(10 * time.Second)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newWorld(t)
			w.number(support, voiceURL)
			w.phone(customer, PhoneScript{Name: "customer"})
			w.phone(agent, PhoneScript{Name: "agent"})
			w.app.twiml(holdURL, `<Response><Play loop="0">`+music+`</Play></Response>`)
			w.app.twiml("https://app.test/after", `<Response><Say>Please hold</Say><Play loop="0">`+music+`</Play></Response>`)
			tt.flow(t, w)
			got := w.traceText()
			path := filepath.Join("testdata", tt.name+".trace")
			if *update {
				must(t, os.MkdirAll("testdata", 0o755))
				must(t, os.WriteFile(path, []byte(got), 0o644))
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test ./fakeapi/sim -run TestGoldenTraces -update)", err)
			}
			if got != string(want) {
				t.Errorf("trace differs from %s (rerun with -update and review the diff):\n--- got\n%s--- want\n%s", path, got, want)
			}
		})
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
