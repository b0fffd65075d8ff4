package sim

import (
	"github.com/holdlab/holdlab/fakeapi/wire"
	"testing"
	"time"
)

const (
	support  = "+15550001000"
	agent    = "+15550002000"
	customer = "+15550003000"
	voiceURL = "https://app.test/voice"
	holdURL  = "https://app.test/hold"
	music    = "https://app.test/music.mp3"
)

// bridgedInbound sets up the canonical call: the customer calls the support
// number, whose TwiML is voiceDoc (a <Dial> to the agent), and runs until
// they are bridged.
func bridgedInbound(t *testing.T, voiceDoc string) (w *world, parent, child *Call) {
	t.Helper()
	w = newWorld(t)
	w.number(support, voiceURL)
	w.phone(customer, PhoneScript{Name: "customer"})
	w.phone(agent, PhoneScript{Name: "agent"})
	w.app.twiml(voiceURL, voiceDoc)
	w.app.twiml(holdURL, `<Response><Play loop="0">`+music+`</Play></Response>`)
	parent = w.place(customer, support)
	w.run(5 * time.Second)
	child = w.child(parent)
	w.wantHears(parent, "party "+wire.Short(child.Sid))
	w.wantHears(child, "party "+wire.Short(parent.Sid))
	return w, parent, child
}

func TestDialBridgesParentAndChild(t *testing.T) {
	w, parent, child := bridgedInbound(t, `<Response><Dial>`+agent+`</Dial></Response>`)
	w.wantStatus(parent, StatusInProgress)
	w.wantStatus(child, StatusInProgress)
	if child.Direction != DirectionOutboundDial || child.ParentCallSid != parent.Sid {
		t.Errorf("child direction %s parent %s, want outbound-dial child of %s", child.Direction, child.ParentCallSid, parent.Sid)
	}
	if parent.Direction != DirectionInbound {
		t.Errorf("parent direction %s, want inbound", parent.Direction)
	}
	// While the agent's phone rang, the customer heard ringback.
	h, err := w.e.HeardAt(parent.Sid, w.e.Start().Add(time.Second))
	if err != nil {
		t.Fatal(err)
	}
	if h.Kind != HearRingback {
		t.Errorf("at +1s the customer heard %s, want ringback", h)
	}
}

// The pitfalls of redirecting <Dial> legs (https://www.twilio.com/docs/voice/twiml/dial), one row each.
func TestRedirectingDialLegs(t *testing.T) {
	keepAlive := `<Response><Play loop="0">` + music + `</Play></Response>`
	tests := []struct {
		name     string
		voiceDoc string
		// redirect the child (true) or the parent (false) to the hold music.
		redirectChild bool
		wantParent    Status
		wantChild     Status
		wantAction    bool
	}{
		{
			name:          "parent redirect hangs up the child",
			voiceDoc:      `<Response><Dial>` + agent + `</Dial></Response>`,
			redirectChild: false,
			wantParent:    StatusInProgress,
			wantChild:     StatusCompleted,
		},
		{
			name:          "parent redirect skips the Dial action",
			voiceDoc:      `<Response><Dial action="/after">` + agent + `</Dial></Response>`,
			redirectChild: false,
			wantParent:    StatusInProgress,
			wantChild:     StatusCompleted,
		},
		{
			name:          "child redirect hangs up a parent with no action and no next verb",
			voiceDoc:      `<Response><Dial>` + agent + `</Dial></Response>`,
			redirectChild: true,
			wantParent:    StatusCompleted,
			wantChild:     StatusInProgress,
		},
		{
			name:          "child redirect sends the parent to its action, which keeps it alive",
			voiceDoc:      `<Response><Dial action="/after">` + agent + `</Dial></Response>`,
			redirectChild: true,
			wantParent:    StatusInProgress,
			wantChild:     StatusInProgress,
			wantAction:    true,
		},
		{
			name:          "child redirect lets the parent fall through to a following Redirect",
			voiceDoc:      `<Response><Dial>` + agent + `</Dial><Redirect>/after</Redirect></Response>`,
			redirectChild: true,
			wantParent:    StatusInProgress,
			wantChild:     StatusInProgress,
		},
		{
			name:          "child redirect with an action that answers an empty Response ends the parent",
			voiceDoc:      `<Response><Dial action="/empty">` + agent + `</Dial></Response>`,
			redirectChild: true,
			wantParent:    StatusCompleted,
			wantChild:     StatusInProgress,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w, parent, child := bridgedInbound(t, tt.voiceDoc)
			w.app.twiml("https://app.test/after", keepAlive)
			w.app.twiml("https://app.test/empty", `<Response/>`)
			moved, other := parent, child
			if tt.redirectChild {
				moved, other = child, parent
			}
			w.update(moved, UpdateParams{URL: holdURL})
			w.run(10 * time.Second)
			w.wantStatus(parent, tt.wantParent)
			w.wantStatus(child, tt.wantChild)
			w.wantHears(moved, `play "`+music+`"`)
			if other.Live() {
				w.wantHears(other, `play "`+music+`"`)
			} else {
				w.wantHears(other, "nothing (ended)")
			}
			actions := w.app.requestsTo("https://app.test/after")
			if tt.wantAction {
				if len(actions) != 1 {
					t.Fatalf("action requested %d times, want 1", len(actions))
				}
				p := actions[0].Params
				for k, want := range map[string]string{"DialCallStatus": "completed", "DialBridged": "true", "DialCallSid": child.Sid, "CallSid": parent.Sid} {
					if got := p.Get(k); got != want {
						t.Errorf("action %s = %q, want %q", k, got, want)
					}
				}
				if p.Has("DialCallDuration") {
					t.Errorf("action has DialCallDuration after a child redirect; Twilio omits it")
				}
			}
			if !tt.redirectChild && len(w.app.requestsTo("https://app.test/after")) != 0 {
				t.Errorf("the parent's Dial action was requested after a parent redirect")
			}
		})
	}
}

func TestHangUpEitherSide(t *testing.T) {
	tests := []struct {
		name       string
		voiceDoc   string
		hangChild  bool
		wantParent Status
		wantDial   string // DialCallStatus at the action, "" for no action
	}{
		{"agent hangs up: parent's Dial ends and it runs the next verb", `<Response><Dial>` + agent + `</Dial><Say>Goodbye</Say></Response>`, true, StatusInProgress, ""},
		{"agent hangs up: action gets completed with a duration", `<Response><Dial action="/after">` + agent + `</Dial></Response>`, true, StatusInProgress, "completed"},
		{"customer hangs up: the agent is hung up too", `<Response><Dial>` + agent + `</Dial><Say>Goodbye</Say></Response>`, false, StatusCompleted, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w, parent, child := bridgedInbound(t, tt.voiceDoc)
			w.app.twiml("https://app.test/after", `<Response><Say>Thanks for calling</Say></Response>`)
			w.run(30 * time.Second)
			hung := parent
			if tt.hangChild {
				hung = child
			}
			if err := w.e.HangUp(hung.Sid); err != nil {
				t.Fatal(err)
			}
			w.settle()
			w.wantStatus(hung, StatusCompleted)
			w.wantStatus(parent, tt.wantParent)
			w.wantStatus(child, StatusCompleted)
			// The agent answered at +2s and the call was cut at +35s.
			if d, ok := child.Duration(); !ok || d != 33*time.Second {
				t.Errorf("agent leg duration %v (%v), want 33s", d, ok)
			}
			if tt.wantDial != "" {
				acts := w.app.requestsTo("https://app.test/after")
				if len(acts) != 1 {
					t.Fatalf("action requested %d times", len(acts))
				}
				if got := acts[0].Params.Get("DialCallStatus"); got != tt.wantDial {
					t.Errorf("DialCallStatus = %q, want %q", got, tt.wantDial)
				}
				if got := acts[0].Params.Get("DialCallDuration"); got != "33" {
					t.Errorf("DialCallDuration = %q, want 33", got)
				}
			}
		})
	}
}

func TestDialOutcomes(t *testing.T) {
	tests := []struct {
		name       string
		script     PhoneScript
		dialAttrs  string
		wantDial   string
		wantChild  Status
		wantAtSecs int // when the action is requested
	}{
		{"busy", PhoneScript{Answer: AnswerBusy}, ``, "busy", StatusBusy, 0},
		{"busy after ringing", PhoneScript{Answer: AnswerBusy, After: 4 * time.Second}, ``, "busy", StatusBusy, 4},
		{"no answer within the Dial timeout", PhoneScript{Answer: AnswerNoAnswer}, ` timeout="12"`, "no-answer", StatusNoAnswer, 12},
		{"answers too late", PhoneScript{After: 20 * time.Second}, ` timeout="10"`, "no-answer", StatusNoAnswer, 10},
		{"unreachable number fails", PhoneScript{Answer: AnswerFail}, ``, "failed", StatusFailed, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newWorld(t)
			w.number(support, voiceURL)
			w.phone(agent, tt.script)
			w.app.twiml(voiceURL, `<Response><Dial action="/after"`+tt.dialAttrs+`>`+agent+`</Dial></Response>`)
			w.app.twiml("https://app.test/after", `<Response><Say>Sorry, nobody is free</Say></Response>`)
			parent := w.place(customer, support)
			w.run(time.Minute)
			child := w.child(parent)
			w.wantStatus(child, tt.wantChild)
			acts := w.app.requestsTo("https://app.test/after")
			if len(acts) != 1 {
				t.Fatalf("action requested %d times, want 1\n%s", len(acts), w.traceText())
			}
			if got := acts[0].Params.Get("DialCallStatus"); got != tt.wantDial {
				t.Errorf("DialCallStatus = %q, want %q", got, tt.wantDial)
			}
			if got := acts[0].Params.Get("DialBridged"); got != "false" {
				t.Errorf("DialBridged = %q, want false", got)
			}
			if child.EndTime.Sub(w.e.Start()) != time.Duration(tt.wantAtSecs)*time.Second {
				t.Errorf("child ended at %v, want +%ds", child.EndTime.Sub(w.e.Start()), tt.wantAtSecs)
			}
			// The caller then hears the action's TwiML, and the call ends.
			w.wantStatus(parent, StatusCompleted)
		})
	}
}

func TestUpdatingEndedCallIs21220(t *testing.T) {
	w, parent, child := bridgedInbound(t, `<Response><Dial>`+agent+`</Dial></Response>`)
	if err := w.e.HangUp(child.Sid); err != nil {
		t.Fatal(err)
	}
	w.settle()
	for _, c := range []*Call{parent, child} {
		_, err := w.e.UpdateCall(c.Sid, UpdateParams{URL: holdURL})
		var se *Error
		if !asError(err, &se) || se.Code != 21220 || se.Status != 400 {
			t.Errorf("redirect of ended %s: err %v, want 400/21220", wire.Short(c.Sid), err)
		}
	}
	if _, err := w.e.UpdateCall("CA00000000000000000000000000000000", UpdateParams{URL: holdURL}); err == nil {
		t.Errorf("unknown call: no error")
	} else if se := err.(*Error); se.Code != 20404 || se.Status != 404 {
		t.Errorf("unknown call: %v, want 404/20404", err)
	}
}

func asError(err error, target **Error) bool {
	se, ok := err.(*Error)
	if ok {
		*target = se
	}
	return ok
}

func TestCancelVersusCompleteOnRingingChild(t *testing.T) {
	tests := []struct {
		status     Status
		wantChild  Status
		wantDial   string
		wantParent Status
	}{
		// A ringing <Dial> child counts as in progress: canceled does nothing.
		{StatusCanceled, StatusInProgress, "", StatusInProgress},
		// completed ends it; it never answered, so it ends canceled.
		{StatusCompleted, StatusCanceled, "canceled", StatusInProgress},
	}
	for _, tt := range tests {
		t.Run(string(tt.status), func(t *testing.T) {
			w := newWorld(t)
			w.number(support, voiceURL)
			w.phone(agent, PhoneScript{After: 10 * time.Second})
			w.app.twiml(voiceURL, `<Response><Dial action="/after">`+agent+`</Dial></Response>`)
			w.app.twiml("https://app.test/after", `<Response><Play loop="0">`+music+`</Play></Response>`)
			parent := w.place(customer, support)
			w.run(3 * time.Second)
			child := w.child(parent)
			w.wantStatus(child, StatusRinging)
			w.update(child, UpdateParams{Status: tt.status})
			w.run(15 * time.Second)
			w.wantStatus(child, tt.wantChild)
			w.wantStatus(parent, tt.wantParent)
			acts := w.app.requestsTo("https://app.test/after")
			if tt.wantDial == "" {
				if len(acts) != 0 {
					t.Errorf("action requested, want none")
				}
				return
			}
			if len(acts) != 1 || acts[0].Params.Get("DialCallStatus") != tt.wantDial {
				t.Errorf("action requests %d, want one with DialCallStatus=%s", len(acts), tt.wantDial)
			}
		})
	}
}

func TestTwiMLRunningOutHangsUp(t *testing.T) {
	w := newWorld(t)
	w.number(support, voiceURL)
	w.app.twiml(voiceURL, `<Response><Say>Hello</Say></Response>`)
	c := w.place(customer, support)
	w.settle()
	w.wantStatus(c, StatusInProgress)
	w.wantHears(c, `say "Hello"`)
	w.run(time.Minute)
	w.wantStatus(c, StatusCompleted)
	if d, _ := c.Duration(); d != time.Second {
		t.Errorf("duration %v, want 1s (the Say)", d)
	}
}

func TestAnHourOfHold(t *testing.T) {
	w, parent, child := bridgedInbound(t, `<Response><Dial action="/after">`+agent+`</Dial></Response>`)
	w.app.twiml("https://app.test/after", `<Response><Play loop="0">`+music+`</Play></Response>`)
	w.update(child, UpdateParams{URL: holdURL})
	w.run(time.Hour)
	w.wantStatus(parent, StatusInProgress)
	w.wantStatus(child, StatusInProgress)
	w.wantHears(parent, `play "`+music+`"`)
	if got := w.e.Now().Sub(w.e.Start()); got != time.Hour+5*time.Second {
		t.Errorf("clock at +%v, want +1h0m5s", got)
	}
}

// A <Dial sequential="true"> stops ringing its next numbers when the
// caller goes (hangs up or is redirected), and moves on when the ringing
// child is taken out of it by a REST redirect
// (https://www.twilio.com/docs/voice/twiml/dial).
func TestSequentialDialInterrupted(t *testing.T) {
	const agent2 = "+15550004000"
	tests := []struct {
		name      string
		act       func(t *testing.T, w *world, parent, ringing *Call)
		wantCalls int // legs created in all: the parent and its children
	}{
		{"the caller hangs up", func(t *testing.T, w *world, parent, _ *Call) { must(t, w.e.HangUp(parent.Sid)) }, 2},
		{"the caller is redirected", func(_ *testing.T, w *world, parent, _ *Call) { w.update(parent, UpdateParams{URL: holdURL}) }, 2},
		{"the ringing child is redirected", func(_ *testing.T, w *world, _, ringing *Call) { w.update(ringing, UpdateParams{URL: holdURL}) }, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newWorld(t)
			w.number(support, voiceURL)
			w.phone(customer, PhoneScript{Name: "customer"})
			w.phone(agent, PhoneScript{Name: "agent", After: time.Minute})
			w.phone(agent2, PhoneScript{Name: "agent2", After: time.Minute})
			w.app.twiml(voiceURL, `<Response><Dial sequential="true" timeout="20"><Number>`+agent+`</Number><Number>`+agent2+`</Number></Dial></Response>`)
			w.app.twiml(holdURL, `<Response><Play loop="0">`+music+`</Play></Response>`)
			parent := w.place(customer, support)
			w.run(5 * time.Second)
			ringing := w.child(parent)
			tt.act(t, w, parent, ringing)
			w.run(2 * time.Minute)
			if n := len(w.e.Calls(CallFilter{})); n != tt.wantCalls {
				t.Errorf("%d call legs, want %d\n%s", n, tt.wantCalls, w.traceText())
			}
		})
	}
}
