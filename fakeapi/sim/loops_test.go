package sim

import (
	"strings"
	"testing"
	"time"

	"github.com/holdlab/holdlab/fakeapi/wire"
)

// Loops that take no virtual time are cut instead of spinning forever.
func TestInstantLoopsAreCut(t *testing.T) {
	t.Run("a number whose VoiceUrl dials itself", func(t *testing.T) {
		w, c := inbound(t, `<Response><Dial>`+support+`</Dial></Response>`)
		w.run(time.Minute)
		calls := w.e.Calls(CallFilter{})
		// The customer's leg, then per hop a Dial child and a new inbound
		// leg, and the child that is failed.
		if want := 1 + 2*maxOwnNumberHops + 1; len(calls) != want {
			t.Fatalf("%d calls, want %d\n%s", len(calls), want, w.traceText())
		}
		failed := w.e.Calls(CallFilter{Status: StatusFailed})
		if len(failed) != 1 {
			t.Errorf("%d failed calls, want the one that would have looped once more", len(failed))
		}
		for _, o := range calls {
			if o.Live() {
				t.Errorf("%s is still %s: the loop should unwind", o.Sid, o.Status)
			}
		}
		w.wantStatus(c, StatusCompleted)
	})
	t.Run("a number whose VoiceUrl dials itself ten times over", func(t *testing.T) {
		ten := strings.Repeat("<Number>"+support+"</Number>", 10)
		w, c := inbound(t, `<Response><Dial>`+ten+`</Dial></Response>`)
		w.run(time.Minute)
		in := 0
		for _, o := range w.e.Calls(CallFilter{To: support}) {
			if o.Direction == DirectionInbound && o.loop != nil {
				in++
			}
		}
		if in != maxLiveOwnNumberCalls {
			t.Errorf("%d legs reached the number through the loop, want %d", in, maxLiveOwnNumberCalls)
		}
		w.wantStatus(c, StatusCompleted)
		if live := w.e.Calls(CallFilter{Status: StatusInProgress}); len(live) != 0 {
			t.Errorf("%d calls still in progress, want the loop unwound", len(live))
		}
	})
	t.Run("a Redirect to itself", func(t *testing.T) {
		w, c := inbound(t, `<Response><Redirect/></Response>`)
		w.run(time.Minute)
		w.wantStatus(c, StatusCompleted)
		if n := len(w.app.requestsTo(voiceURL)); n != maxInstantFetches {
			t.Errorf("fetched %d times, want %d", n, maxInstantFetches)
		}
		if !hasText(w.e.Trace(), "a <Redirect> loop") {
			t.Errorf("the trace does not say why:\n%s", w.traceText())
		}
	})
	t.Run("hold music that redirects to itself", func(t *testing.T) {
		w := newRoomWorld(t)
		w.app.twiml(voiceURL, `<Response><Dial><Conference>`+room+`</Conference></Dial></Response>`)
		w.app.twiml("https://app.test/spin", `<Response><Redirect/></Response>`)
		w.app.twiml(holdURL, `<Response><Redirect>/spin</Redirect></Response>`)
		c := w.place(customer, support)
		w.run(5 * time.Second)
		cf := w.conference()
		if _, err := w.e.UpdateParticipant(cf.Sid, c.Sid, ParticipantUpdate{Hold: ptr(true), HoldURL: ptr(holdURL)}); err != nil {
			t.Fatal(err)
		}
		w.run(time.Minute)
		w.wantStatus(c, StatusInProgress) // the caller stays, in silence
		w.wantHears(c, "silence (hold music failed)")
		if n := len(w.app.requestsTo("https://app.test/spin")); n != maxInstantFetches-1 {
			t.Errorf("spin fetched %d times, want %d", n, maxInstantFetches-1)
		}
	})
}

func hasText(entries []Entry, s string) bool {
	for _, e := range entries {
		if strings.Contains(e.Text, s) {
			return true
		}
	}
	return false
}

// A <Number url> document cannot <Dial> (Twilio's 13201): the verb is
// skipped, the whisper goes on and the bridge is made.
func TestWhisperCannotDial(t *testing.T) {
	w, c := inbound(t, `<Response><Dial><Number url="/whisper">`+agent+`</Number></Dial></Response>`)
	w.app.twiml("https://app.test/whisper", `<Response><Dial>+15550009999</Dial><Say>Customer on the line</Say></Response>`)
	w.run(10 * time.Second)
	if !hasCode(w.e.Trace(), 13201) {
		t.Errorf("no 13201 in the trace:\n%s", w.traceText())
	}
	if n := len(w.e.Calls(CallFilter{To: "+15550009999"})); n != 0 {
		t.Errorf("the whisper dialed %d calls, want none", n)
	}
	w.wantHears(c, "party "+wire.Short(w.child(c).Sid))
}
