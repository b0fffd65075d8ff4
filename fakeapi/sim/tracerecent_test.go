package sim

import (
	"strings"
	"testing"
	"time"

	"github.com/holdlab/holdlab/fakeapi/wire"
)

// TestHoldChurnTraceReadsFresh holds and unholds the participants of a
// conference over and over, as a hold churn does, with what the trace
// names changing on the way (a leg gets a label, a hold gets another
// HoldUrl). The lines and hearings a call reuses (tracerecent.go) must
// read exactly as if rendered afresh: every hearing line names the call
// as it is named at that moment and says what the entry's hearing says,
// each call's hearing history lists the same hearings as its lines, and
// every line about the hold music names the HoldUrl of its hold.
func TestHoldChurnTraceReadsFresh(t *testing.T) {
	// The second HoldUrl and its music are as long as the first's: a line
	// reused for another of the same length would show.
	const music2 = "https://app.test/musix"
	app := scaleApp(map[string]string{
		scaleMusic: `<Response><Play loop="0">https://cdn.test/music.mp3</Play></Response>`,
		music2:     `<Response><Play loop="0">https://cdn.test/musix.mp3</Play></Response>`,
	})
	e := New(Config{AccountSid: testAccount, Seed: 1, CheckInvariants: true})
	const n = 2 // each leg goes through 4 hearings: the room, the other on hold, fetching, music
	for i := range n {
		start := i == 0
		if _, err := e.CreateParticipant("room", ParticipantParams{
			From: scaleSupport, To: customerNumber(i), Label: roomLabel(i),
			Beep: "false", StartConferenceOnEnter: &start,
			ConferenceStatusCallback:       scaleEvents,
			ConferenceStatusCallbackEvents: []string{"start", "end", "join", "leave", "hold"},
		}); err != nil {
			t.Fatal(err)
		}
		e.RunUntil(e.Now().Add(3*time.Second), app)
	}
	cf := e.liveConference("room")
	seq := e.LastSeq()
	held := map[string]bool{}
	hold, unhold := true, false
	// names[sid] is how the trace names each call from a given Seq on.
	type naming struct {
		from uint64
		name string
	}
	names := map[string][]naming{}
	nameOf := func(c *Call) string {
		n := wire.Short(c.Sid)
		if c.label != "" {
			n += " (" + c.label + ")"
		}
		return n
	}
	for c := range e.idx.inOrder() {
		names[c.Sid] = []naming{{0, nameOf(c)}}
	}
	for k := range 40 {
		label := roomLabel(k % n)
		if k == 17 { // a leg gets a label: later lines name it so
			c := cf.byLabel(roomLabel(1)).call
			c.label = "agent"
			names[c.Sid] = append(names[c.Sid], naming{e.LastSeq(), nameOf(c)})
		}
		u := ParticipantUpdate{Hold: &unhold}
		if !held[label] {
			music := scaleMusic
			if k >= 24 {
				music = music2
			}
			u = ParticipantUpdate{Hold: &hold, HoldURL: &music, HoldMethod: "GET"}
		}
		if _, err := e.UpdateParticipant(cf.Sid, label, u); err != nil {
			t.Fatal(err)
		}
		held[label] = !held[label]
		e.RunUntil(e.Now().Add(time.Millisecond), app)
	}
	wantNoViolations(t, e)

	nameAt := func(sid string, seq uint64) string {
		ns := names[sid]
		n := ns[0].name
		for _, x := range ns {
			if seq > x.from {
				n = x.name
			}
		}
		return n
	}
	heard := map[string][]Hearing{}
	holdURL := ""
	for _, en := range e.TraceSince(seq) {
		switch {
		case en.Kind == KindHears:
			if want := nameAt(en.Call, en.Seq) + " now hears " + en.Hearing.String(); en.Text != want {
				t.Errorf("entry %d reads %q, want %q", en.Seq, en.Text, want)
			}
			heard[en.Call] = append(heard[en.Call], *en.Hearing)
		case en.Kind == KindConf && en.REST == nil:
			want := nameAt(en.Call, en.Seq) + " is put on hold in conference room: hears its HoldUrl "
			if !strings.HasPrefix(en.Text, want) {
				t.Fatalf("entry %d reads %q, want it to begin %q", en.Seq, en.Text, want)
			}
			holdURL = en.Text[len(want):]
		case en.Kind == KindWebhook && en.Webhook.Purpose == "hold url":
			if en.Webhook.URL != holdURL || !strings.HasPrefix(en.Text, "hold url GET "+holdURL+" (") {
				t.Errorf("entry %d reads %q (URL %s), want the HoldUrl %s", en.Seq, en.Text, en.Webhook.URL, holdURL)
			}
		case en.Kind == KindVerb:
			want := "https://cdn.test/music.mp3 (loop forever)"
			if holdURL == music2 {
				want = "https://cdn.test/musix.mp3 (loop forever)"
			}
			if w := nameAt(en.Call, en.Seq) + " hold music: <Play> " + want; en.Text != w {
				t.Errorf("entry %d reads %q, want %q", en.Seq, en.Text, w)
			}
		}
	}
	for sid, hs := range heard {
		ivs, err := e.Intervals(sid)
		if err != nil {
			t.Fatal(err)
		}
		ivs = ivs[len(ivs)-len(hs):]
		for i, h := range hs {
			if !ivs[i].Hearing.Equal(h) {
				t.Errorf("%s: interval %d heard %s, its entry says %s", sid, i, ivs[i].Hearing, h)
			}
		}
		if len(hs) < 8 {
			t.Errorf("%s: %d hearing changes, want the churn to go through each several times", sid, len(hs))
		}
	}
	if len(heard) != n {
		t.Errorf("hearing changes for %d calls, want %d", len(heard), n)
	}

	// An ended call lets go of what it kept: its record outlives the
	// trace's lines about it.
	c := cf.byLabel(roomLabel(1)).call
	if err := e.KickParticipant(cf.Sid, roomLabel(1)); err != nil {
		t.Fatal(err)
	}
	e.RunUntil(e.Now().Add(time.Second), app)
	if c.Live() || c.recent != nil {
		t.Errorf("the kicked participant's call (%s) keeps its recent lines: %v", c.Status, c.recent != nil)
	}
}

// TestNameFollowsLabel: a call's name in the trace is rendered once, and
// again when the call gets a label (a phone attached to it later).
func TestNameFollowsLabel(t *testing.T) {
	e := New(Config{AccountSid: testAccount, Seed: 1})
	c := &Call{Sid: "CA00000000000000000000000000000002"}
	tests := []struct {
		label, want string
	}{
		{"", "CA..0002"},
		{"", "CA..0002"},
		{"agent", "CA..0002 (agent)"},
		{"agent", "CA..0002 (agent)"},
		{"customer", "CA..0002 (customer)"},
	}
	for _, tt := range tests {
		c.label = tt.label
		if got := e.name(c); got != tt.want {
			t.Errorf("label %q: name %q, want %q", tt.label, got, tt.want)
		}
	}
}

// TestHoldAgainBeforeTheMusicCame: a participant taken off hold and held
// again before the first HoldUrl answered (its runner renewed for the
// second hold) ignores the late answer to the first, and hears the music
// the second brings.
func TestHoldAgainBeforeTheMusicCame(t *testing.T) {
	const music2 = "https://app.test/music-2"
	app := scaleApp(map[string]string{
		scaleMusic: `<Response><Play loop="0">https://cdn.test/first.mp3</Play></Response>`,
		music2:     `<Response><Play loop="0">https://cdn.test/second.mp3</Play></Response>`,
	})
	e := New(Config{AccountSid: testAccount, Seed: 1, CheckInvariants: true})
	for i := range 2 {
		start := i == 0
		if _, err := e.CreateParticipant("room", ParticipantParams{From: scaleSupport, To: customerNumber(i), Label: roomLabel(i), StartConferenceOnEnter: &start}); err != nil {
			t.Fatal(err)
		}
		e.RunUntil(e.Now().Add(3*time.Second), app)
	}
	cf := e.liveConference("room")
	hold, unhold, first, second := true, false, scaleMusic, music2
	update := func(u ParticipantUpdate) *Effect {
		t.Helper()
		if _, err := e.UpdateParticipant(cf.Sid, "p1", u); err != nil {
			t.Fatal(err)
		}
		eff := e.NextEffect()
		if u.Hold != nil && *u.Hold && (eff == nil || eff.Purpose != "hold url") {
			t.Fatalf("no hold url request after the hold: %+v", eff)
		}
		return eff
	}
	late := update(ParticipantUpdate{Hold: &hold, HoldURL: &first, HoldMethod: "GET"})
	update(ParticipantUpdate{Hold: &unhold})
	now := update(ParticipantUpdate{Hold: &hold, HoldURL: &second, HoldMethod: "GET"})
	seq := e.LastSeq()
	e.Deliver(late.ID, app(late))
	e.Deliver(now.ID, app(now))
	e.RunUntil(e.Now().Add(time.Second), app)
	wantNoViolations(t, e)

	p1 := cf.byLabel("p1").call
	if h, _ := e.Hears(p1.Sid); h.Kind != HearMedia || h.Media != "https://cdn.test/second.mp3" {
		t.Errorf("p1 hears %s, want the second hold's music", h)
	}
	var ignored int
	for _, en := range e.TraceSince(seq) {
		if en.Text == "the answer is ignored: the hold music has stopped" {
			ignored++
		}
		if en.Kind == KindHears && en.Call == p1.Sid && en.Hearing.Media == "https://cdn.test/first.mp3" {
			t.Errorf("p1 heard the first hold's music: %s", en.Text)
		}
	}
	if ignored != 1 {
		t.Errorf("the late answer was ignored %d times in the trace, want once", ignored)
	}
}
