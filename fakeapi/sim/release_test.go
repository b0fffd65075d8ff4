package sim

import (
	"slices"
	"testing"
	"time"
)

// A driver that releases each effect once its answer is delivered, as the
// fake does, gets the same webhooks, parameters included, and the same
// trace as one that keeps every effect: the parameters of later webhooks,
// built in released storage, carry nothing of the earlier ones.
func TestReleasedEffectsSendTheSameWebhooks(t *testing.T) {
	churn := func(t *testing.T, release bool) (reqs []string, trace string) {
		w, _, ag, cf := startTwoParty(t, subscribeAll, "", ParticipantParams{})
		for i := range 6 {
			u := ParticipantUpdate{Hold: ptr(i%2 == 0)}
			if i%2 == 0 {
				u.HoldURL = ptr(holdURL)
			}
			if _, err := w.e.UpdateParticipant(cf.Sid, ag.Sid, u); err != nil {
				t.Fatal(err)
			}
			until := w.e.Now().Add(time.Second)
			for {
				if eff := w.e.NextEffect(); eff != nil {
					reqs = append(reqs, eff.Method+" "+eff.URL+" "+eff.Params.Encode())
					w.e.Deliver(eff.ID, w.app.perform(eff))
					if release {
						purpose := eff.Purpose
						w.e.Release(eff)
						w.e.Release(eff) // a second time does nothing
						if eff.Params != nil {
							t.Fatalf("%s: Params still set after Release", purpose)
						}
					}
					continue
				}
				if !w.e.Step(until) {
					break
				}
			}
			w.e.SetNow(until)
		}
		if release && (len(w.e.spareParams) == 0 || len(w.e.spareEffects) == 0) {
			t.Error("no effect or parameters released for reuse")
		}
		for i, eff := range w.e.spareEffects {
			if slices.Contains(w.e.spareEffects[i+1:], eff) {
				t.Error("an effect released twice is kept twice for reuse")
			}
		}
		return reqs, w.traceText()
	}
	keptReqs, keptTrace := churn(t, false)
	relReqs, relTrace := churn(t, true)
	if len(keptReqs) < 9 {
		t.Fatalf("%d webhooks, want a hold churn's (at least 9)", len(keptReqs))
	}
	if !slices.Equal(keptReqs, relReqs) {
		t.Errorf("webhooks differ when released:\n%q\nkept:\n%q", relReqs, keptReqs)
	}
	if relTrace != keptTrace {
		t.Errorf("trace differs when released:\n%s\nkept:\n%s", relTrace, keptTrace)
	}
}

// Releasing an effect whose answer is not delivered yet does nothing: the
// engine still reads its parameters.
func TestReleaseBeforeDeliverKeepsParams(t *testing.T) {
	w, _, ag, cf := startTwoParty(t, subscribeAll, "", ParticipantParams{})
	if _, err := w.e.UpdateParticipant(cf.Sid, ag.Sid, ParticipantUpdate{Hold: ptr(true)}); err != nil {
		t.Fatal(err)
	}
	eff := w.e.NextEffect()
	if eff == nil {
		t.Fatal("no webhook for the hold")
	}
	want := eff.Params.Encode()
	w.e.Release(eff)
	if got := eff.Params.Encode(); got != want || len(w.e.spareParams) != 0 {
		t.Fatalf("after an early Release: Params %q, %d spare, want %q kept and none spare", got, len(w.e.spareParams), want)
	}
	w.e.Deliver(eff.ID, w.app.perform(eff))
	w.settle()
}
