package sim

import (
	"net/url"
	"testing"
	"time"

	"github.com/holdlab/holdlab/fakeapi/wire"
)

const (
	agentLine = "+15550001001" // the agents' number: its TwiML takes the next caller
	agentURL  = "https://app.test/agent-line"
	qwaitURL  = "https://app.test/qwait"
	leftURL   = "https://app.test/left"
	whisper   = "https://app.test/whisper"
)

// queueWorld: the support line enqueues callers in "hold"; the agent line
// dials that queue.
func queueWorld(t *testing.T, enqueueDoc, agentDoc string) *roomWorld {
	t.Helper()
	w := newRoomWorld(t)
	w.number(agentLine, agentURL)
	w.app.twiml(voiceURL, enqueueDoc)
	w.app.twiml(agentURL, agentDoc)
	w.app.twiml(leftURL, `<Response><Say loop="0">Thank you for waiting</Say></Response>`)
	w.app.twiml(afterURL, `<Response><Say>The caller is gone</Say><Pause length="60"/></Response>`)
	return w
}

func (w *roomWorld) param(reqs []*Effect, i int, name string) string {
	w.t.Helper()
	if len(reqs) <= i {
		w.t.Fatalf("only %d requests, want at least %d\n%s", len(reqs), i+1, w.traceText())
	}
	return reqs[i].Params.Get(name)
}

func wantParams(t *testing.T, what string, got url.Values, want map[string]string) {
	t.Helper()
	for k, v := range want {
		if v == "<absent>" {
			if got.Has(k) {
				t.Errorf("%s has %s=%q; Twilio does not send it", what, k, got.Get(k))
			}
			continue
		}
		if got.Get(k) != v {
			t.Errorf("%s %s = %q, want %q", what, k, got.Get(k), v)
		}
	}
}

func TestEnqueueWaitURLIsRequestedAgain(t *testing.T) {
	w := queueWorld(t, `<Response><Enqueue waitUrl="/qwait" action="/left">hold</Enqueue></Response>`, "")
	w.app.routes[qwaitURL] = func(v url.Values) string {
		return `<Response><Say>You are caller number ` + v.Get("QueuePosition") + `</Say><Pause length="9"/></Response>`
	}
	c := w.place(customer, support)
	w.run(5 * time.Second)
	w.wantHears(c, "silence (pause)")
	q := w.e.Queues()[0]
	if q.FriendlyName != "hold" || q.MaxSize != DefaultQueueMaxSize || !wire.ValidSID("QU", q.Sid) {
		t.Errorf("queue %+v", q)
	}
	w.run(16500 * time.Millisecond) // 21.5s: the document (10.533s) ran out twice
	w.wantHears(c, `wait-music "You are caller number 1"`)
	reqs := w.app.requestsTo(qwaitURL)
	if len(reqs) != 3 {
		t.Fatalf("waitUrl requested %d times, want 3 (it is requested again when it runs out)\n%s", len(reqs), w.traceText())
	}
	wantParams(t, "first waitUrl request", reqs[0].Params, map[string]string{
		"QueuePosition": "1", "QueueSid": q.Sid, "QueueTime": "0", "AvgQueueTime": "0", "CurrentQueueSize": "1", "MaxQueueSize": "1000", "CallSid": c.Sid,
	})
	wantParams(t, "third waitUrl request", reqs[2].Params, map[string]string{"QueueTime": "21", "AvgQueueTime": "21"})
	w.run(3500 * time.Millisecond)
	if info, err := w.e.Member(q.Sid, "Front"); err != nil || info.CallSid != c.Sid || info.Position != 1 || info.WaitTime != 25*time.Second {
		t.Errorf("Front = %+v, %v", info, err)
	}
}

func TestDefaultQueueWaitMusic(t *testing.T) {
	w := queueWorld(t, `<Response><Enqueue>hold</Enqueue></Response>`, "")
	c := w.place(customer, support)
	w.run(time.Hour)
	w.wantHears(c, `wait-music "`+DefaultMusicURL+`"`)
	w.wantStatus(c, StatusInProgress)
}

func TestLeavingTheQueue(t *testing.T) {
	tests := []struct {
		name       string
		waitDoc    string
		presses    []Press
		wantResult string
		wantCall   Status
		wantHears  string
	}{
		{"Leave", `<Response><Say>Nobody is free</Say><Leave/></Response>`, nil, "leave", StatusInProgress, `say "Thank you for waiting"`},
		{"Gather then Leave", `<Response><Gather numDigits="1" action="/qwait-key"><Say>Press 1 to leave a message</Say></Gather></Response>`,
			[]Press{{After: 2 * time.Second, Digits: "1"}}, "leave", StatusInProgress, `say "Thank you for waiting"`},
		{"Hangup", `<Response><Say>Goodbye</Say><Hangup/></Response>`, nil, "hangup", StatusCompleted, "nothing (ended)"},
		{"a verb not allowed", `<Response><Dial>+15550009999</Dial></Response>`, nil, "error", StatusInProgress, `say "Thank you for waiting"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := queueWorld(t, `<Response><Enqueue waitUrl="/qwait" action="/left">hold</Enqueue></Response>`, "")
			w.phone(customer, PhoneScript{Name: "customer", Presses: tt.presses})
			w.app.twiml(qwaitURL, tt.waitDoc)
			w.app.twiml("https://app.test/qwait-key", `<Response><Leave/></Response>`)
			c := w.place(customer, support)
			w.run(4 * time.Second)
			w.wantStatus(c, tt.wantCall)
			w.wantHears(c, tt.wantHears)
			acts := w.app.requestsTo(leftURL)
			if len(acts) != 1 {
				t.Fatalf("action requested %d times\n%s", len(acts), w.traceText())
			}
			q := w.e.Queues()[0]
			wantParams(t, "enqueue action", acts[0].Params, map[string]string{"QueueResult": tt.wantResult, "QueueSid": q.Sid})
			if q.CurrentSize() != 0 {
				t.Errorf("queue size %d after leaving", q.CurrentSize())
			}
		})
	}
}

func TestQueueFull(t *testing.T) {
	w := queueWorld(t, `<Response><Enqueue action="/left">small</Enqueue></Response>`, "")
	q, err := w.e.CreateQueue("small", 1)
	must(t, err)
	first := w.place(customer, support)
	w.settle()
	second := w.place("+15550006000", support)
	w.settle()
	acts := w.app.requestsTo(leftURL)
	if len(acts) != 1 || acts[0].Params.Get("CallSid") != second.Sid {
		t.Fatalf("actions %d\n%s", len(acts), w.traceText())
	}
	wantParams(t, "queue-full action", acts[0].Params, map[string]string{"QueueResult": "queue-full", "QueueSid": "<absent>", "QueueTime": "<absent>"})
	if ms, _ := w.e.Members(q.Sid); len(ms) != 1 || ms[0].CallSid != first.Sid {
		t.Errorf("members %+v", ms)
	}
}

func TestDialQueueBridgesTheFrontCaller(t *testing.T) {
	tests := []struct {
		name          string
		hangUpCaller  bool // else the agent hangs up
		wantQueue     string
		wantCustomer  Status
		wantAgent     Status
		wantAgentDial bool // the agent's Dial action is executed (not just requested)
	}{
		{"the agent hangs up: the caller goes on with its Enqueue action", false, "bridged", StatusInProgress, StatusCompleted, false},
		{"the caller hangs up: the agent goes on with its Dial action", true, "bridged", StatusCompleted, StatusInProgress, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := queueWorld(t,
				`<Response><Enqueue action="/left">hold</Enqueue></Response>`,
				`<Response><Dial action="/after"><Queue url="/whisper">hold</Queue></Dial></Response>`)
			w.app.twiml(whisper, `<Response><Say>An agent will speak to you now</Say></Response>`)
			second := w.place("+15550006000", support) // an earlier caller, taken first
			w.run(10 * time.Second)
			cust := w.place(customer, support)
			w.run(10 * time.Second)
			ag := w.place(agent, agentLine)
			w.settle()
			// The front caller hears the url while the agent hears ringback.
			w.wantHears(second, `say "An agent will speak to you now"`)
			w.wantHears(ag, "ringback")
			w.wantHears(cust, `wait-music "`+DefaultMusicURL+`"`)
			wh := w.app.requestsTo(whisper)
			if len(wh) != 1 {
				t.Fatalf("queue url requested %d times", len(wh))
			}
			q := w.e.Queues()[0]
			wantParams(t, "queue url", wh[0].Params, map[string]string{"CallSid": second.Sid, "DequeingCallSid": ag.Sid, "QueueSid": q.Sid, "QueueTime": "20"})
			w.run(5 * time.Second)
			w.wantHears(second, "party "+wire.Short(ag.Sid))
			w.wantHears(ag, "party "+wire.Short(second.Sid))
			if ms, _ := w.e.Members(q.Sid); len(ms) != 1 || ms[0].CallSid != cust.Sid || ms[0].Position != 1 {
				t.Errorf("members %+v, want the customer at position 1", ms)
			}
			w.run(30 * time.Second)
			if tt.hangUpCaller {
				must(t, w.e.HangUp(second.Sid))
			} else {
				must(t, w.e.HangUp(ag.Sid))
			}
			w.settle()
			enq := w.app.requestsTo(leftURL)
			if len(enq) != 1 {
				t.Fatalf("enqueue action requested %d times\n%s", len(enq), w.traceText())
			}
			wantParams(t, "enqueue action", enq[0].Params, map[string]string{"QueueResult": tt.wantQueue, "QueueSid": q.Sid, "QueueTime": "20", "CallSid": second.Sid})
			dial := w.app.requestsTo(afterURL)
			if len(dial) != 1 {
				t.Fatalf("dial action requested %d times", len(dial))
			}
			wantParams(t, "dial action", dial[0].Params, map[string]string{"DialCallStatus": "completed", "DialCallSid": second.Sid, "DialBridged": "true", "DialCallDuration": "33"})
			if tt.wantAgentDial {
				w.wantHears(ag, `say "The caller is gone"`)
			} else {
				w.wantHears(second, `say "Thank you for waiting"`)
			}
		})
	}
}

func TestDialQueueWaitsForACaller(t *testing.T) {
	agentDoc := `<Response><Dial action="/after" timeout="20"><Queue>hold</Queue></Dial></Response>`
	t.Run("a caller arrives", func(t *testing.T) {
		w := queueWorld(t, `<Response><Enqueue>hold</Enqueue></Response>`, agentDoc)
		_, err := w.e.CreateQueue("hold", 0)
		must(t, err)
		ag := w.place(agent, agentLine)
		w.run(5 * time.Second)
		w.wantHears(ag, "ringback")
		cust := w.place(customer, support)
		w.settle()
		w.wantHears(ag, "party "+wire.Short(cust.Sid))
		w.wantHears(cust, "party "+wire.Short(ag.Sid))
	})
	t.Run("nobody comes", func(t *testing.T) {
		w := queueWorld(t, `<Response><Enqueue>hold</Enqueue></Response>`, agentDoc)
		_, err := w.e.CreateQueue("hold", 0)
		must(t, err)
		w.place(agent, agentLine)
		w.run(30 * time.Second)
		acts := w.app.requestsTo(afterURL)
		if len(acts) != 1 || acts[0].Params.Get("DialCallStatus") != "no-answer" {
			t.Fatalf("dial action %d\n%s", len(acts), w.traceText())
		}
	})
	t.Run("no such queue", func(t *testing.T) {
		w := queueWorld(t, `<Response><Enqueue>hold</Enqueue></Response>`, agentDoc)
		w.place(agent, agentLine)
		w.settle()
		acts := w.app.requestsTo(afterURL)
		if len(acts) != 1 || acts[0].Params.Get("DialCallStatus") != "failed" {
			t.Fatalf("dial action %d\n%s", len(acts), w.traceText())
		}
	})
}

// (b): a call on hold in a queue, then taken back by the agent.
func TestHoldByQueueAndResume(t *testing.T) {
	w := newRoomWorld(t)
	w.app.twiml("https://app.test/agent", `<Response><Dial callerId="`+support+`" action="/after">`+customer+`</Dial></Response>`)
	w.app.twiml("https://app.test/enqueue", `<Response><Enqueue waitUrl="/qwait" action="/left">hold-CA</Enqueue></Response>`)
	w.app.twiml(qwaitURL, `<Response><Play>`+music+`</Play></Response>`)
	w.app.twiml(afterURL, `<Response><Say>Your caller is on hold</Say><Pause length="600"/></Response>`)
	w.app.twiml("https://app.test/resume", `<Response><Dial action="/after"><Queue>hold-CA</Queue></Dial></Response>`)
	w.app.twiml(leftURL, `<Response><Say>Goodbye</Say></Response>`)
	ag, err := w.e.CreateCall(CallParams{To: agent, From: support, URL: "https://app.test/agent"})
	must(t, err)
	w.run(10 * time.Second)
	cust := w.child(ag)
	w.wantHears(ag, "party "+wire.Short(cust.Sid))
	// Hold: the customer (the child) goes into the queue; the agent's Dial
	// ends and its action keeps it alive.
	w.update(cust, UpdateParams{URL: "https://app.test/enqueue"})
	w.run(5 * time.Second)
	w.wantHears(cust, `wait-music "`+music+`"`)
	w.wantHears(ag, "silence (pause)")
	// Resume: the agent dials the queue and gets the customer back.
	w.update(ag, UpdateParams{URL: "https://app.test/resume"})
	w.wantHears(ag, "party "+wire.Short(cust.Sid))
	w.wantHears(cust, "party "+wire.Short(ag.Sid))
	q := w.e.Queues()[0]
	if q.CurrentSize() != 0 {
		t.Errorf("queue size %d", q.CurrentSize())
	}
	w.run(20 * time.Second)
	must(t, w.e.HangUp(ag.Sid))
	w.settle()
	acts := w.app.requestsTo(leftURL)
	if len(acts) != 1 {
		t.Fatalf("enqueue action %d\n%s", len(acts), w.traceText())
	}
	wantParams(t, "enqueue action", acts[0].Params, map[string]string{"QueueResult": "bridged", "QueueSid": q.Sid, "QueueTime": "5"})
	w.wantHears(cust, `say "Goodbye"`)
}

func TestRedirectingQueueLegs(t *testing.T) {
	tests := []struct {
		name         string
		redirectCall bool // redirect the dequeued caller (true) or the dialer
		wantQueue    string
		wantDial     bool // the dialer's action is requested
	}{
		{"redirecting the dequeued caller ends the dialer's Dial", true, "redirected-from-bridged", true},
		{"redirecting the dialer leaves the caller after its Enqueue", false, "bridged", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := queueWorld(t, `<Response><Enqueue action="/left">hold</Enqueue></Response>`, `<Response><Dial action="/after"><Queue>hold</Queue></Dial></Response>`)
			cust := w.place(customer, support)
			w.run(time.Second)
			ag := w.place(agent, agentLine)
			w.run(10 * time.Second)
			w.wantHears(ag, "party "+wire.Short(cust.Sid))
			moved, other := ag, cust
			if tt.redirectCall {
				moved, other = cust, ag
			}
			w.update(moved, UpdateParams{URL: holdURL})
			w.run(time.Second)
			w.wantHears(moved, `play "`+music+`"`)
			w.wantStatus(other, StatusInProgress)
			enq := w.app.requestsTo(leftURL)
			if len(enq) != 1 || enq[0].Params.Get("QueueResult") != tt.wantQueue {
				t.Fatalf("enqueue action %v\n%s", enq, w.traceText())
			}
			dial := w.app.requestsTo(afterURL)
			if tt.wantDial != (len(dial) == 1) {
				t.Fatalf("dial action requested %d times, want %v", len(dial), tt.wantDial)
			}
			if tt.wantDial {
				wantParams(t, "dial action", dial[0].Params, map[string]string{"DialCallStatus": "completed", "DialCallSid": cust.Sid, "DialCallDuration": "<absent>"})
				w.wantHears(ag, `say "The caller is gone"`)
			} else {
				w.wantHears(cust, `say "Thank you for waiting"`)
			}
		})
	}
}

func TestQueueREST(t *testing.T) {
	w := queueWorld(t, `<Response><Enqueue action="/left">hold</Enqueue></Response>`, "")
	q, err := w.e.CreateQueue("hold", 0)
	must(t, err)
	if _, err := w.e.Member(q.Sid, "Front"); err == nil || err.(*Error).Code != 20404 {
		t.Errorf("Front of an empty queue: %v, want 20404", err)
	}
	if _, err := w.e.CreateQueue("hold", 0); err == nil {
		t.Errorf("a second queue named hold was created")
	}
	if _, err := w.e.CreateQueue("big", 5001); err == nil {
		t.Errorf("MaxSize 5001 accepted")
	}
	cust := w.place(customer, support)
	w.run(10 * time.Second)
	other := w.place("+15550006000", support)
	w.run(10 * time.Second)
	if got := q.AverageWaitTime(w.e.Now()); got != 15*time.Second {
		t.Errorf("average wait %v, want 15s", got)
	}
	ms, err := w.e.Members(q.Sid)
	must(t, err)
	if len(ms) != 2 || ms[0].CallSid != cust.Sid || ms[1].Position != 2 || ms[1].WaitTime != 10*time.Second {
		t.Errorf("members %+v", ms)
	}
	if err := w.e.DeleteQueue(q.Sid); err == nil {
		t.Errorf("deleted a queue with calls in it")
	}
	info, err := w.e.DequeueMember(q.Sid, "Front", holdURL, "")
	must(t, err)
	w.settle()
	if info.CallSid != cust.Sid || info.Position != 1 {
		t.Errorf("dequeued %+v", info)
	}
	w.wantHears(cust, `play "`+music+`"`)
	acts := w.app.requestsTo(leftURL)
	if len(acts) != 1 || acts[0].Params.Get("QueueResult") != "redirected" {
		t.Fatalf("enqueue action %v", acts)
	}
	if front, _ := w.e.Member(q.Sid, "Front"); front.CallSid != other.Sid || front.Position != 1 {
		t.Errorf("new front %+v", front)
	}
	// Redirecting a waiting call by REST takes it out of the queue too.
	w.update(other, UpdateParams{URL: holdURL})
	if q.CurrentSize() != 0 {
		t.Errorf("size %d after redirect", q.CurrentSize())
	}
	if acts := w.app.requestsTo(leftURL); len(acts) != 2 || acts[1].Params.Get("QueueResult") != "redirected" {
		t.Errorf("enqueue action after a redirect: %v", acts)
	}
	name, size := "renamed", 10
	if _, err := w.e.UpdateQueue(q.Sid, QueueUpdate{FriendlyName: &name, MaxSize: &size}); err != nil || q.FriendlyName != name || q.MaxSize != 10 {
		t.Errorf("update: %v %+v", err, q)
	}
	must(t, w.e.DeleteQueue(q.Sid))
	if _, err := w.e.Queue(q.Sid); err == nil {
		t.Errorf("deleted queue still found")
	}
}
