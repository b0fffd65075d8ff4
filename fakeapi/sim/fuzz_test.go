package sim

import (
	"strings"
	"testing"
	"time"
)

// fuzzMaxSteps bounds the engine steps of one fuzzed call: well above what
// any document takes in fuzzVirtualTime, so that exceeding it means the
// engine spins.
const fuzzMaxSteps = 50_000

// fuzzVirtualTime is how long each fuzzed call runs, in virtual time.
const fuzzVirtualTime = 10 * time.Minute

// FuzzCall drives whole calls with fuzzed TwiML: the voice URL's document,
// and a follow-up document served at every other URL of the app (Dial and
// Gather actions, redirects, hold and wait music, whispers, the agents'
// line). Between slices of virtual time, the bits of script pick what the
// outside world does: hang up a leg, redirect one, hold or unhold a
// participant, dequeue a caller, press keys, end a conference. Whatever the
// documents say, the engine must not panic or spin, its invariants must
// hold after every step, and once every party hangs up no call is left
// live.
func FuzzCall(f *testing.F) {
	for _, s := range []struct {
		voice, follow string
		script        uint32
	}{
		{`<Response><Dial action="/after">` + agent + `</Dial></Response>`, `<Response><Play loop="0">` + music + `</Play></Response>`, 0x1},
		{`<Response><Dial><Number url="/whisper">` + agent + `</Number><Number>+15550004000</Number></Dial><Say>Bye</Say></Response>`, `<Response><Say>Whisper</Say></Response>`, 0x22},
		{`<Response><Dial><Conference waitUrl="/wait" statusCallback="/cb" statusCallbackEvent="start end join leave hold">room</Conference></Dial></Response>`, `<Response><Play>` + music + `</Play><Redirect/></Response>`, 0x4c},
		{`<Response><Enqueue waitUrl="/wait" action="/after">support</Enqueue><Say>Left</Say></Response>`, `<Response><Gather numDigits="1" action="/menu"><Say>Press 1</Say></Gather><Leave/></Response>`, 0x93},
		{`<Response><Dial>` + agentLine + `</Dial></Response>`, `<Response><Dial timeout="5"><Queue url="/q">support</Queue></Dial></Response>`, 0x1f0},
		{`<Response><Gather action="/menu" timeout="2"><Play digits="12"/></Gather><Redirect method="GET">/next</Redirect></Response>`, `<Response><Pause length="0"/><Redirect/></Response>`, 0xabc},
		{`<Response><Dial>` + support + `</Dial></Response>`, `<Response><Hangup/></Response>`, 0},
		{`<Response><Say loop="0">x</Say></Response>`, `<Response><Reject/></Response>`, 0xffffffff},
		{`<Response><Redirect>/follow</Redirect></Response>`, `not xml`, 7},
		{`<Response><Dial hangupOnStar="true" timeLimit="30" answerOnBridge="true"><Client>agent</Client><Sip>sip:a@b.test</Sip></Dial></Response>`, `<Response/>`, 0x5555},
	} {
		f.Add(s.voice, s.follow, s.script)
	}
	f.Fuzz(func(t *testing.T, voice, follow string, script uint32) {
		fuzzCall(t, voice, follow, script)
	})
}

// fuzzWorld is one fuzzed run: an engine that checks its invariants, and
// an app that answers from two documents.
type fuzzWorld struct {
	t      *testing.T
	e      *Engine
	voice  string
	follow string
	steps  int
}

func (w *fuzzWorld) perform(eff *Effect) Result {
	if eff.Kind == EffectCallback {
		return Result{StatusCode: 204}
	}
	switch {
	case strings.HasSuffix(eff.URL, ".mp3"):
		return Result{StatusCode: 200, ContentType: "audio/mpeg", Body: []byte("ID3")}
	case strings.HasPrefix(eff.URL, "https://down.test/"):
		return Result{ErrCode: 11205, Err: "connection refused"}
	case eff.URL == voiceURL:
		return Result{StatusCode: 200, ContentType: "text/xml", Body: []byte(w.voice)}
	}
	return Result{StatusCode: 200, ContentType: "text/xml", Body: []byte(w.follow)}
}

// run moves virtual time by d, failing the test if the engine takes more
// than fuzzMaxSteps steps in the whole run.
func (w *fuzzWorld) run(d time.Duration) {
	until := w.e.Now().Add(d)
	for {
		if w.steps++; w.steps > fuzzMaxSteps {
			w.t.Fatalf("the engine spins: more than %d steps by %s", fuzzMaxSteps, w.e.Now().Sub(w.e.Start()))
		}
		if eff := w.e.NextEffect(); eff != nil {
			w.e.Deliver(eff.ID, w.perform(eff))
			continue
		}
		if !w.e.Step(until) {
			break
		}
	}
	w.e.SetNow(until)
}

func fuzzCall(t *testing.T, voice, follow string, script uint32) {
	e := New(Config{AccountSid: testAccount, Seed: 1, CheckInvariants: true})
	w := &fuzzWorld{t: t, e: e, voice: voice, follow: follow}
	for num, u := range map[string]string{support: voiceURL, agentLine: agentURL} {
		u := u
		if _, err := e.CreateNumber(NumberParams{PhoneNumber: num, VoiceURL: &u, VoiceFallbackURL: ptr("https://app.test/fallback")}); err != nil {
			t.Fatal(err)
		}
	}
	for addr, s := range map[string]PhoneScript{
		customer:         {Name: "customer", Presses: []Press{{After: 3 * time.Second, Digits: "1*"}}},
		agent:            {Name: "agent", After: time.Second},
		"+15550004000":   {Name: "busy", Answer: AnswerBusy},
		"client:agent":   {Name: "client", Answer: AnswerNoAnswer},
		"sip:a@b.test":   {Name: "sip", Answer: AnswerFail},
		"+15550005000":   {Name: "late", After: 20 * time.Second, HangUpAfter: time.Minute},
		"+15550009999":   {Name: "other"},
		"client:support": {Name: "support desk"},
	} {
		if err := e.SetPhone(addr, s); err != nil {
			t.Fatal(err)
		}
	}
	e.SetMediaDuration(music, 20*time.Second)
	if _, err := e.PlaceCall(customer, support); err != nil {
		t.Fatal(err)
	}
	if script&1 != 0 && len(follow) <= 4000 {
		// An outbound-api call running the follow-up document inline.
		_, _ = e.CreateCall(CallParams{To: "+15550005000", From: support, Twiml: follow})
	}
	const slices = 8
	for i := 0; i < slices; i++ {
		w.run(fuzzVirtualTime / slices)
		w.act(script >> (4 * i) & 0xf)
	}
	// Everyone hangs up; a few rounds, since hanging up may start calls.
	for round := 0; round < 3; round++ {
		for _, c := range e.Calls(CallFilter{}) {
			if c.Live() {
				if err := e.HangUp(c.Sid); err != nil {
					t.Fatalf("hang up a live call: %v", err)
				}
			}
		}
		w.run(time.Minute)
	}
	for _, c := range e.Calls(CallFilter{}) {
		if c.Live() {
			t.Errorf("%s is still %s after everyone hung up", c.Sid, c.Status)
		}
	}
	if err := e.Violations(); err != nil {
		t.Fatalf("invariants broken during the call:\n%v", err)
	}
	if err := e.CheckInvariants(); err != nil {
		t.Fatalf("invariants broken at the end:\n%v", err)
	}
}

// act does one thing of the outside world, chosen by op, to the newest live
// call (or room). REST errors are expected and ignored: the fuzzer only
// checks that the engine stays consistent.
func (w *fuzzWorld) act(op uint32) {
	e := w.e
	var live []*Call
	for _, c := range e.Calls(CallFilter{}) {
		if c.Live() {
			live = append(live, c)
		}
	}
	var c *Call
	if len(live) > 0 {
		c = live[int(op)%len(live)]
	}
	switch op {
	case 1, 2:
		if c != nil {
			_ = e.HangUp(c.Sid)
		}
	case 3:
		if c != nil {
			_, _ = e.UpdateCall(c.Sid, UpdateParams{URL: "https://app.test/redirected"})
		}
	case 4:
		if c != nil {
			_, _ = e.UpdateCall(c.Sid, UpdateParams{Twiml: w.follow})
		}
	case 5:
		if c != nil {
			_, _ = e.UpdateCall(c.Sid, UpdateParams{Status: StatusCompleted})
		}
	case 6:
		if c != nil {
			_, _ = e.UpdateCall(c.Sid, UpdateParams{Status: StatusCanceled})
		}
	case 7, 8:
		for _, cf := range e.Conferences(ConferenceFilter{}) {
			for p := range cf.all() {
				_, _ = e.UpdateParticipant(cf.Sid, p.CallSid, ParticipantUpdate{Hold: ptr(op == 7), HoldURL: ptr("https://app.test/hold")})
			}
		}
	case 9:
		for _, cf := range e.Conferences(ConferenceFilter{}) {
			_, _ = e.CreateParticipant(cf.Sid, ParticipantParams{From: support, To: agent, Label: "agent"})
		}
	case 10:
		for _, cf := range e.Conferences(ConferenceFilter{}) {
			_, _ = e.UpdateConference(cf.Sid, ConferenceUpdate{Status: ConferenceCompleted})
		}
	case 11:
		for _, q := range e.Queues() {
			_, _ = e.DequeueMember(q.Sid, "Front", "https://app.test/dequeued", "POST")
		}
	case 12:
		if c != nil {
			_ = e.PressDigits(c.Sid, "1#*")
		}
	case 13:
		for _, cf := range e.Conferences(ConferenceFilter{}) {
			for p := range cf.all() {
				_ = e.KickParticipant(cf.Sid, p.CallSid)
				break
			}
		}
	case 14:
		if _, err := e.PlaceCall("+15550009999", agentLine); err != nil {
			w.t.Fatal(err)
		}
	case 15:
		if c != nil {
			_, _ = e.UpdateCall(c.Sid, UpdateParams{URL: "https://down.test/voice", FallbackURL: "https://app.test/fallback"})
		}
	}
}
