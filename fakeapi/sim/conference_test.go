package sim

import (
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/holdlab/holdlab/fakeapi/wire"
)

const (
	confCB    = "https://app.test/conf"
	afterURL  = "https://app.test/after"
	audioHold = "https://app.test/hold.mp3"
	room      = "support-room"
)

// roomWorld is the shared test world plus audio answers: a URL in audio is
// answered with Content-Type audio/mpeg instead of TwiML.
type roomWorld struct {
	*world
	audio map[string]bool
}

func newRoomWorld(t *testing.T) *roomWorld {
	t.Helper()
	w := &roomWorld{world: newWorld(t), audio: map[string]bool{}}
	w.number(support, voiceURL)
	w.phone(customer, PhoneScript{Name: "customer"})
	w.phone(agent, PhoneScript{Name: "agent"})
	w.app.twiml(holdURL, `<Response><Play loop="0">`+music+`</Play></Response>`)
	w.app.twiml(afterURL, `<Response><Say>The conference is over</Say></Response>`)
	w.app.twiml(confCB, "")
	return w
}

func (w *roomWorld) perform(eff *Effect) Result {
	if w.audio[eff.URL] && eff.Kind == EffectTwiML {
		w.app.requests = append(w.app.requests, eff)
		return Result{StatusCode: 200, ContentType: "audio/mpeg", Body: []byte("ID3")}
	}
	return w.app.perform(eff)
}

func (w *roomWorld) run(d time.Duration) { w.e.RunUntil(w.e.Now().Add(d), w.perform) }
func (w *roomWorld) settle()             { w.run(0) }

// conference returns the only conference.
func (w *roomWorld) conference() *Conference {
	w.t.Helper()
	cs := w.e.Conferences(ConferenceFilter{})
	if len(cs) != 1 {
		w.t.Fatalf("%d conferences, want 1\n%s", len(cs), w.traceText())
	}
	return cs[0]
}

// events returns the StatusCallbackEvent of every conference callback.
func (w *roomWorld) events() []string {
	var out []string
	for _, r := range w.app.requestsTo(confCB) {
		out = append(out, r.Params.Get("StatusCallbackEvent"))
	}
	return out
}

func (w *roomWorld) lastEvent(name string) url.Values {
	w.t.Helper()
	reqs := w.app.requestsTo(confCB)
	for i := len(reqs) - 1; i >= 0; i-- {
		if reqs[i].Params.Get("StatusCallbackEvent") == name {
			return reqs[i].Params
		}
	}
	w.t.Fatalf("no %s callback; got %v\n%s", name, w.events(), w.traceText())
	return nil
}

func (w *roomWorld) wantConfStatus(cf *Conference, want ConferenceStatus) {
	w.t.Helper()
	if cf.Status != want {
		w.t.Errorf("conference status %s, want %s\n%s", cf.Status, want, w.traceText())
	}
}

func (w *roomWorld) addAgent(room string, p ParticipantParams) *Call {
	w.t.Helper()
	p.From, p.To = support, agent
	pt, err := w.e.CreateParticipant(room, p)
	if err != nil {
		w.t.Fatal(err)
	}
	c, _ := w.e.Call(pt.CallSid)
	return c
}

func (w *roomWorld) updateParticipant(cf *Conference, id string, u ParticipantUpdate) {
	w.t.Helper()
	if _, err := w.e.UpdateParticipant(cf.Sid, id, u); err != nil {
		w.t.Fatal(err)
	}
	w.settle()
}

func ptr[T any](v T) *T { return &v }

func confDoc(attrs, dialAttrs string) string {
	return `<Response><Dial` + dialAttrs + `><Conference` + attrs + `>` + room + `</Conference></Dial></Response>`
}

const subscribeAll = ` statusCallback="` + confCB + `" statusCallbackEvent="start end join leave mute hold modify"`

// startTwoParty: the customer calls in to the room, the agent is added by
// REST; both are connected and hear each other.
func startTwoParty(t *testing.T, confAttrs, dialAttrs string, agentParams ParticipantParams) (w *roomWorld, cust, ag *Call, cf *Conference) {
	t.Helper()
	w = newRoomWorld(t)
	w.app.twiml(voiceURL, confDoc(confAttrs, dialAttrs))
	cust = w.place(customer, support)
	w.run(time.Second)
	cf = w.conference()
	w.wantConfStatus(cf, ConferenceInit)
	w.wantHears(cust, `wait-music "`+DefaultMusicURL+`"`)
	ag = w.addAgent(room, agentParams)
	w.run(5 * time.Second)
	w.wantConfStatus(cf, ConferenceInProgress)
	w.wantHears(cust, "party "+wire.Short(ag.Sid))
	w.wantHears(ag, "party "+wire.Short(cust.Sid))
	return w, cust, ag, cf
}

func TestConferenceHoldAndUnhold(t *testing.T) {
	w, cust, ag, cf := startTwoParty(t, subscribeAll, "", ParticipantParams{})
	pt, err := w.e.Participant(cf.Sid, ag.Sid)
	must(t, err)
	if pt.Status() != ParticipantConnected || pt.Hold {
		t.Fatalf("agent participant %s hold=%v, want connected, not held", pt.Status(), pt.Hold)
	}
	w.updateParticipant(cf, ag.Sid, ParticipantUpdate{Hold: ptr(true), HoldURL: ptr(holdURL)})
	w.run(10 * time.Second)
	w.wantHears(ag, `hold-music "`+music+`"`)
	w.wantHears(cust, "silence (everyone else in conference support-room is on hold)")
	if !pt.Hold {
		t.Errorf("participant hold = false after Hold=true")
	}
	// The HoldUrl is requested with GET, the current default.
	if reqs := w.app.requestsTo(holdURL); len(reqs) != 1 || reqs[0].Method != "GET" {
		t.Errorf("hold url requests %v, want one GET", reqs)
	}
	ev := w.lastEvent("participant-hold")
	for k, want := range map[string]string{"CallSid": ag.Sid, "Hold": "true", "ConferenceSid": cf.Sid, "FriendlyName": room, "Muted": "false", "AccountSid": testAccount} {
		if got := ev.Get(k); got != want {
			t.Errorf("participant-hold %s = %q, want %q", k, got, want)
		}
	}
	w.updateParticipant(cf, ag.Sid, ParticipantUpdate{Hold: ptr(false)})
	w.wantHears(ag, "party "+wire.Short(cust.Sid))
	w.wantHears(cust, "party "+wire.Short(ag.Sid))
	if w.lastEvent("participant-unhold").Get("Hold") != "false" {
		t.Errorf("participant-unhold Hold != false")
	}
	want := []string{"participant-join", "participant-join", "conference-start", "participant-hold", "participant-unhold"}
	if got := w.events(); strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("events %v, want %v", got, want)
	}
	seq := w.app.requestsTo(confCB)
	for i, r := range seq {
		if got := r.Params.Get("SequenceNumber"); got != itoa(i+1) {
			t.Errorf("event %d SequenceNumber %s", i, got)
		}
	}
}

func TestDefaultHoldMusicAndHoldRules(t *testing.T) {
	tests := []struct {
		name    string
		holdURL *string
		setup   func(w *roomWorld)
		want    string // what the held agent hears after 40s (media lasts 30s)
		code    int    // an error code expected in the trace
	}{
		{name: "no HoldUrl: Twilio's default hold music, forever", want: `hold-music "` + DefaultMusicURL + `"`},
		{
			name:    "a bare audio file plays once, then silence",
			holdURL: ptr(audioHold),
			setup:   func(w *roomWorld) { w.audio[audioHold] = true },
			want:    "silence (hold music ended)",
		},
		{
			name:    "TwiML that runs out goes silent",
			holdURL: ptr(holdURL),
			setup: func(w *roomWorld) {
				w.app.twiml(holdURL, `<Response><Say>Please hold</Say><Play>`+music+`</Play></Response>`)
			},
			want: "silence (hold music ended)",
		},
		{
			name:    "TwiML with Dial is 13238 and the music stops",
			holdURL: ptr(holdURL),
			setup: func(w *roomWorld) {
				w.app.twiml(holdURL, `<Response><Play>`+music+`</Play><Dial>+15550009999</Dial><Play loop="0">`+music+`</Play></Response>`)
			},
			want: "silence (hold music failed)",
			code: 13238,
		},
		{
			name:    "a Redirect loop keeps it playing",
			holdURL: ptr(holdURL),
			setup: func(w *roomWorld) {
				w.app.twiml(holdURL, `<Response><Play>`+music+`</Play><Redirect method="GET"/></Response>`)
			},
			want: `hold-music "` + music + `"`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w, cust, ag, cf := startTwoParty(t, "", "", ParticipantParams{})
			if tt.setup != nil {
				tt.setup(w)
			}
			w.updateParticipant(cf, ag.Sid, ParticipantUpdate{Hold: ptr(true), HoldURL: tt.holdURL})
			w.run(40 * time.Second)
			w.wantHears(ag, tt.want)
			w.wantHears(cust, "silence (everyone else in conference support-room is on hold)")
			if tt.code != 0 {
				found := false
				for _, en := range w.e.Trace() {
					found = found || en.Code == tt.code
				}
				if !found {
					t.Errorf("no %d in the trace\n%s", tt.code, w.traceText())
				}
			}
			w.wantStatus(ag, StatusInProgress)
			w.wantConfStatus(cf, ConferenceInProgress)
		})
	}
}

func TestWaitMusic(t *testing.T) {
	const waitURL = "https://app.test/wait"
	tests := []struct {
		name  string
		attrs string
		doc   string
		audio bool
		at5s  string
		at60s string
	}{
		{"default: Twilio's classical playlist forever", ``, "", false, `wait-music "` + DefaultMusicURL + `"`, `wait-music "` + DefaultMusicURL + `"`},
		{`waitUrl="" is silence`, ` waitUrl=""`, "", false, `silence (waitUrl="")`, `silence (waitUrl="")`},
		{"waitUrl TwiML runs out into silence", ` waitUrl="/wait"`, `<Response><Play>` + music + `</Play></Response>`, false, `wait-music "` + music + `"`, "silence (wait music ended)"},
		{"waitUrl audio plays once", ` waitUrl="/wait" waitMethod="GET"`, "", true, `wait-music "` + waitURL + `"`, "silence (wait music ended)"},
		{"waitUrl with Gather is 13238", ` waitUrl="/wait"`, `<Response><Say>Hello</Say><Gather/></Response>`, false, "silence (wait music failed)", "silence (wait music failed)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newRoomWorld(t)
			if tt.audio {
				w.audio[waitURL] = true
			} else if tt.doc != "" {
				w.app.twiml(waitURL, tt.doc)
			}
			w.app.twiml(voiceURL, confDoc(tt.attrs, ""))
			c := w.place(customer, support)
			w.run(5 * time.Second)
			w.wantHears(c, tt.at5s)
			w.run(55 * time.Second)
			w.wantHears(c, tt.at60s)
			w.wantConfStatus(w.conference(), ConferenceInit)
		})
	}
}

func TestStartConferenceOnEnterFalseWaits(t *testing.T) {
	w := newRoomWorld(t)
	w.app.twiml(voiceURL, confDoc(` startConferenceOnEnter="false"`+subscribeAll, ""))
	cust := w.place(customer, support)
	w.run(time.Second)
	cf := w.conference()
	// A second participant without startConferenceOnEnter does not start it.
	ag := w.addAgent(room, ParticipantParams{StartConferenceOnEnter: ptr(false)})
	w.run(5 * time.Second)
	w.wantConfStatus(cf, ConferenceInit)
	w.wantHears(cust, `wait-music "`+DefaultMusicURL+`"`)
	w.wantHears(ag, `wait-music "`+DefaultMusicURL+`"`)
	// A moderator starts it.
	w.phone("+15550004000", PhoneScript{Name: "supervisor"})
	pt, err := w.e.CreateParticipant(cf.Sid, ParticipantParams{From: support, To: "+15550004000"})
	must(t, err)
	w.run(5 * time.Second)
	w.wantConfStatus(cf, ConferenceInProgress)
	w.wantHears(cust, "party "+wire.Short(ag.Sid)+", "+wire.Short(pt.CallSid))
	if got := strings.Join(w.events(), " "); got != "participant-join participant-join participant-join conference-start" {
		t.Errorf("events %s", got)
	}
}

func TestEndConferenceOnExit(t *testing.T) {
	tests := []struct {
		name       string
		end        func(w *roomWorld, cf *Conference, ag *Call)
		wantReason string
		wantLeft   string // the customer's ReasonParticipantLeft
	}{
		{"moderator hangs up", func(w *roomWorld, cf *Conference, ag *Call) { must(w.t, w.e.HangUp(ag.Sid)) }, EndedModeratorLeft, "moderator_ended_conference"},
		{"moderator is kicked", func(w *roomWorld, cf *Conference, ag *Call) { must(w.t, w.e.KickParticipant(cf.Sid, ag.Sid)) }, EndedModeratorKicked, "moderator_ended_conference"},
		{"moderator's call is redirected", func(w *roomWorld, cf *Conference, ag *Call) {
			_, err := w.e.UpdateCall(ag.Sid, UpdateParams{URL: holdURL})
			must(w.t, err)
		}, EndedModeratorLeft, "moderator_ended_conference"},
		{"REST Status=completed", func(w *roomWorld, cf *Conference, ag *Call) {
			_, err := w.e.UpdateConference(cf.Sid, ConferenceUpdate{Status: ConferenceCompleted})
			must(w.t, err)
		}, EndedViaAPI, "conference_ended_via_api"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w, cust, ag, cf := startTwoParty(t, subscribeAll, ` action="/after"`, ParticipantParams{EndConferenceOnExit: true})
			tt.end(w, cf, ag)
			w.run(time.Second)
			w.wantConfStatus(cf, ConferenceCompleted)
			if cf.ReasonEnded != tt.wantReason {
				t.Errorf("reason %q, want %q", cf.ReasonEnded, tt.wantReason)
			}
			if tt.wantReason != EndedViaAPI && cf.CallSidEnding != ag.Sid {
				t.Errorf("CallSidEndingConference %q, want the agent", cf.CallSidEnding)
			}
			end := w.lastEvent("conference-end")
			if end.Get("ReasonConferenceEnded") != tt.wantReason {
				t.Errorf("conference-end ReasonConferenceEnded=%q", end.Get("ReasonConferenceEnded"))
			}
			// The customer's <Dial> completed: it went to its action with
			// DialCallStatus=answered, as for every conference Dial
			// (https://www.twilio.com/docs/voice/twiml/dial), and no
			// DialCallSid (a conference has none).
			acts := w.app.requestsTo(afterURL)
			if len(acts) != 1 {
				t.Fatalf("customer's action requested %d times\n%s", len(acts), w.traceText())
			}
			p := acts[0].Params
			if p.Get("DialCallStatus") != "answered" || p.Has("DialCallSid") || p.Has("DialCallDuration") || p.Get("CallSid") != cust.Sid {
				t.Errorf("dial action params %v", p)
			}
			w.wantHears(cust, `say "The conference is over"`)
			if ps, _ := w.e.Participants(cf.Sid, ParticipantFilter{}); len(ps) != 0 {
				t.Errorf("%d participants listed after the end", len(ps))
			}
			var leftReason string
			for _, r := range w.app.requestsTo(confCB) {
				if r.Params.Get("StatusCallbackEvent") == "participant-leave" && r.Params.Get("CallSid") == cust.Sid {
					leftReason = r.Params.Get("ReasonParticipantLeft")
				}
			}
			if leftReason != tt.wantLeft {
				t.Errorf("customer's ReasonParticipantLeft %q, want %q", leftReason, tt.wantLeft)
			}
		})
	}
}

func TestLastParticipantLeaving(t *testing.T) {
	w, cust, ag, cf := startTwoParty(t, subscribeAll, "", ParticipantParams{})
	must(t, w.e.HangUp(cust.Sid))
	w.settle()
	w.wantConfStatus(cf, ConferenceInProgress)
	w.wantHears(ag, "silence (alone in conference support-room)")
	must(t, w.e.HangUp(ag.Sid))
	w.settle()
	w.wantConfStatus(cf, ConferenceCompleted)
	if cf.ReasonEnded != EndedLastLeft || cf.CallSidEnding != ag.Sid {
		t.Errorf("ended %q by %q", cf.ReasonEnded, cf.CallSidEnding)
	}
	leave := w.lastEvent("participant-leave")
	if leave.Get("ReasonParticipantLeft") != "participant_hung_up" || leave.Get("ParticipantCallStatus") != "completed" {
		t.Errorf("leave params %v", leave)
	}
}

func TestRedirectingAParticipantRemovesIt(t *testing.T) {
	w, cust, ag, cf := startTwoParty(t, subscribeAll, ` action="/after"`, ParticipantParams{})
	w.update(cust, UpdateParams{URL: holdURL})
	w.run(time.Second)
	w.wantHears(cust, `play "`+music+`"`)
	if _, err := w.e.Participant(cf.Sid, cust.Sid); err == nil {
		t.Errorf("the redirected customer is still a participant")
	} else if se := err.(*Error); se.Code != 20404 {
		t.Errorf("fetch of the redirected participant: %v, want 20404", err)
	}
	leave := w.lastEvent("participant-leave")
	if leave.Get("CallSid") != cust.Sid || leave.Get("ReasonParticipantLeft") != "participant_updated_via_api" {
		t.Errorf("participant-leave %v", leave)
	}
	if len(w.app.requestsTo(afterURL)) != 0 {
		t.Errorf("the Dial action was requested for a redirected participant")
	}
	w.wantHears(ag, "silence (alone in conference support-room)")
	w.wantConfStatus(cf, ConferenceInProgress)
}

func TestKickingParticipants(t *testing.T) {
	w, cust, ag, cf := startTwoParty(t, subscribeAll, ` action="/after"`, ParticipantParams{})
	// Kicking the TwiML participant: its Dial completes, it goes to its action.
	must(t, w.e.KickParticipant(cf.Sid, cust.Sid))
	w.run(time.Second)
	if acts := w.app.requestsTo(afterURL); len(acts) != 1 || acts[0].Params.Get("DialCallStatus") != "answered" {
		t.Errorf("action after kick: %d requests", len(acts))
	}
	w.wantStatus(cust, StatusInProgress)
	// Kicking the REST participant, the last one: it has no TwiML, so it is
	// hung up, and the conference ends.
	must(t, w.e.KickParticipant(cf.Sid, ag.Sid))
	w.settle()
	w.wantStatus(ag, StatusCompleted)
	w.wantConfStatus(cf, ConferenceCompleted)
	if cf.ReasonEnded != EndedLastKicked {
		t.Errorf("reason %q, want %q", cf.ReasonEnded, EndedLastKicked)
	}
	if err := w.e.KickParticipant(cf.Sid, ag.Sid); err == nil {
		t.Errorf("kicking a gone participant: no error")
	}
}

func TestParticipantLabels(t *testing.T) {
	w, cust, ag, cf := startTwoParty(t, ` participantLabel="customer"`, "", ParticipantParams{Label: "agent"})
	pt, err := w.e.Participant(cf.Sid, "agent")
	must(t, err)
	if pt.CallSid != ag.Sid {
		t.Errorf("label agent is %s", pt.CallSid)
	}
	w.updateParticipant(cf, "agent", ParticipantUpdate{Hold: ptr(true)})
	w.wantHears(ag, `hold-music "`+DefaultMusicURL+`"`)
	// A second call with the customer's label is not added (16025): it goes
	// on with the next verb.
	w.phone("+15550005000", PhoneScript{Name: "intruder"})
	w.app.twiml(voiceURL, `<Response><Dial action="/after"><Conference participantLabel="customer">`+room+`</Conference></Dial><Say>Sorry</Say></Response>`)
	c := w.place("+15550005000", support)
	w.settle()
	w.wantHears(c, `say "Sorry"`)
	if len(w.app.requestsTo(afterURL)) != 0 {
		t.Errorf("16025 went to the Dial action; Twilio moves on to the next verb")
	}
	found := false
	for _, en := range w.e.Trace() {
		found = found || en.Code == 16025
	}
	if !found {
		t.Errorf("no 16025 in the trace")
	}
	if ps, _ := w.e.Participants(cf.Sid, ParticipantFilter{}); len(ps) != 2 {
		t.Errorf("%d participants, want 2", len(ps))
	}
	// Duplicate label through REST.
	if _, err := w.e.CreateParticipant(cf.Sid, ParticipantParams{From: support, To: agent, Label: "agent"}); err == nil || err.(*Error).Code != 16025 {
		t.Errorf("duplicate REST label: %v, want 16025", err)
	}
	// Filters.
	held, _ := w.e.Participants(cf.Sid, ParticipantFilter{Hold: ptr(true)})
	if len(held) != 1 || held[0].CallSid != ag.Sid {
		t.Errorf("Hold=true lists %d", len(held))
	}
	_ = cust
}

func TestStatusCallbacksFixedByFirstParticipant(t *testing.T) {
	// The customer creates the room subscribing only to join and leave; the
	// agent's wish for hold events is ignored (pitfall 9).
	w, _, ag, cf := startTwoParty(t, ` statusCallback="`+confCB+`" statusCallbackEvent="join leave"`, "", ParticipantParams{
		ConferenceStatusCallback:       "https://app.test/other",
		ConferenceStatusCallbackEvents: []string{"hold", "start", "end"},
	})
	w.updateParticipant(cf, ag.Sid, ParticipantUpdate{Hold: ptr(true)})
	w.updateParticipant(cf, ag.Sid, ParticipantUpdate{Hold: ptr(false)})
	if got := strings.Join(w.events(), " "); got != "participant-join participant-join" {
		t.Errorf("events %q, want only the two joins", got)
	}
	if n := len(w.app.requestsTo("https://app.test/other")); n != 0 {
		t.Errorf("%d callbacks to the second participant's URL", n)
	}
}

func TestMuteAndCoachHearing(t *testing.T) {
	w, cust, ag, cf := startTwoParty(t, subscribeAll, "", ParticipantParams{})
	w.updateParticipant(cf, cust.Sid, ParticipantUpdate{Muted: ptr(true)})
	w.wantHears(ag, "silence (nobody in conference support-room can be heard)")
	w.wantHears(cust, "party "+wire.Short(ag.Sid))
	if w.lastEvent("participant-mute").Get("Muted") != "true" {
		t.Errorf("participant-mute Muted != true")
	}
	w.updateParticipant(cf, cust.Sid, ParticipantUpdate{Muted: ptr(false)})
	// A coach is heard only by the participant it coaches.
	w.phone("+15550004000", PhoneScript{Name: "supervisor"})
	pt, err := w.e.CreateParticipant(cf.Sid, ParticipantParams{From: support, To: "+15550004000", Coaching: true, CallSidToCoach: ag.Sid})
	must(t, err)
	w.run(5 * time.Second)
	w.wantHears(ag, "party "+wire.Short(cust.Sid)+", "+wire.Short(pt.CallSid))
	w.wantHears(cust, "party "+wire.Short(ag.Sid))
	sup, _ := w.e.Call(pt.CallSid)
	w.wantHears(sup, "party "+wire.Short(cust.Sid)+", "+wire.Short(ag.Sid))
}

func TestHangupOnStarLeavesTheRoom(t *testing.T) {
	w := newRoomWorld(t)
	w.phone(customer, PhoneScript{Name: "customer", Presses: []Press{{After: 20 * time.Second, Digits: "*"}}})
	w.app.twiml(voiceURL, `<Response><Dial hangupOnStar="true"><Conference>`+room+`</Conference></Dial><Say>You left the room</Say></Response>`)
	cust := w.place(customer, support)
	w.run(time.Second)
	ag := w.addAgent(room, ParticipantParams{})
	w.run(19500 * time.Millisecond)
	w.wantHears(cust, `say "You left the room"`)
	w.wantHears(ag, "silence (alone in conference support-room)")
}

func TestConferenceAnnouncementAndList(t *testing.T) {
	const ann = "https://app.test/announce"
	w, cust, ag, cf := startTwoParty(t, subscribeAll+` statusCallbackEvent="announcement start"`, "", ParticipantParams{})
	w.app.twiml(ann, `<Response><Say>The office closes in five minutes</Say></Response>`)
	_, err := w.e.UpdateConference(cf.Sid, ConferenceUpdate{AnnounceURL: ann})
	must(t, err)
	w.settle()
	w.wantHears(cust, `announcement "The office closes in five minutes"`)
	w.wantHears(ag, `announcement "The office closes in five minutes"`)
	w.run(10 * time.Second)
	w.wantHears(cust, "party "+wire.Short(ag.Sid))
	// Filters.
	day := TimeFilter{Op: '=', T: w.e.Start(), DateOnly: true}
	before := TimeFilter{Op: '<', T: w.e.Start().Add(-48 * time.Hour), DateOnly: true}
	for _, tc := range []struct {
		f    ConferenceFilter
		want int
	}{
		{ConferenceFilter{}, 1},
		{ConferenceFilter{FriendlyName: room}, 1},
		{ConferenceFilter{FriendlyName: "other"}, 0},
		{ConferenceFilter{Status: ConferenceInProgress}, 1},
		{ConferenceFilter{Status: ConferenceCompleted}, 0},
		{ConferenceFilter{Created: []TimeFilter{day}}, 1},
		{ConferenceFilter{Created: []TimeFilter{before}}, 0},
	} {
		if got := len(w.e.Conferences(tc.f)); got != tc.want {
			t.Errorf("Conferences(%+v) = %d, want %d", tc.f, got, tc.want)
		}
	}
}

func TestRingingParticipantRedirectedDoesNotJoin(t *testing.T) {
	w := newRoomWorld(t)
	w.phone(agent, PhoneScript{Name: "agent", After: 10 * time.Second})
	w.app.twiml(voiceURL, confDoc("", ""))
	cust := w.place(customer, support)
	ag := w.addAgent(room, ParticipantParams{})
	w.run(3 * time.Second)
	cf := w.conference()
	pt, err := w.e.Participant(cf.Sid, ag.Sid)
	must(t, err)
	if pt.Status() != ParticipantRinging {
		t.Errorf("ringing participant status %s", pt.Status())
	}
	w.update(ag, UpdateParams{URL: holdURL})
	w.run(10 * time.Second)
	w.wantHears(ag, `play "`+music+`"`)
	w.wantHears(cust, `wait-music "`+DefaultMusicURL+`"`)
	w.wantConfStatus(cf, ConferenceInit)
}

func TestParticipantThatNeverAnswers(t *testing.T) {
	w := newRoomWorld(t)
	w.phone(agent, PhoneScript{Name: "agent", Answer: AnswerBusy, After: 3 * time.Second})
	pt, err := w.e.CreateParticipant(room, ParticipantParams{From: support, To: agent,
		ConferenceStatusCallback: confCB, ConferenceStatusCallbackEvents: []string{"leave", "end"}})
	must(t, err)
	cf := pt.Conference()
	w.run(time.Second)
	if pt.Status() != ParticipantRinging {
		t.Errorf("status %s, want ringing", pt.Status())
	}
	w.run(5 * time.Second)
	if pt.Status() != ParticipantFailed {
		t.Errorf("status %s, want failed", pt.Status())
	}
	w.wantConfStatus(cf, ConferenceCompleted)
	if cf.CallSidEnding != "" {
		t.Errorf("CallSidEndingConference %q for a call that never joined", cf.CallSidEnding)
	}
	leave := w.lastEvent("participant-leave")
	if leave.Get("ReasonParticipantLeft") != "participant_add_failed" || leave.Get("ParticipantCallStatus") != "busy" {
		t.Errorf("leave %v", leave)
	}
	for _, ev := range w.events() {
		if ev == "conference-end" {
			t.Errorf("conference-end for a conference nobody joined")
		}
	}
}
