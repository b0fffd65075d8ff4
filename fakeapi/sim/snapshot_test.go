package sim

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/holdlab/holdlab/fakeapi/wire"
)

// A snapshot through JSON restores the records: ended calls as they were,
// live ones ended with a trace entry, conferences completed, queues empty,
// numbers and phones as they were; the SIDs go on without reuse, and the
// restored engine works.
func TestSnapshotRestore(t *testing.T) {
	w := newWorld(t)
	w.number(support, voiceURL)
	w.phone(agent, PhoneScript{Name: "agent", After: 3 * time.Second, Presses: []Press{{After: time.Second, Digits: "1#"}}})
	w.app.twiml(voiceURL, `<Response><Dial>`+agent+`</Dial></Response>`)
	if _, err := w.e.CreateQueue("support", 20); err != nil {
		t.Fatal(err)
	}
	ended := w.place("+15550003001", support)
	w.run(5 * time.Second)
	w.update(ended, UpdateParams{Status: StatusCompleted})
	bridged := w.place(customer, support) // in progress, bridged with the agent
	w.run(5 * time.Second)
	w.app.twiml(voiceURL, `<Response><Dial><Conference>room</Conference></Dial></Response>`)
	inRoom := w.place("+15550003002", support)
	w.settle()
	w.phone("+15550009000", PhoneScript{Answer: AnswerNoAnswer})
	ringing, err := w.e.CreateCall(CallParams{To: "+15550009000", From: support, URL: voiceURL})
	if err != nil {
		t.Fatal(err)
	}
	w.run(time.Second)
	w.wantStatus(bridged, StatusInProgress)
	w.wantStatus(ringing, StatusRinging)
	w.wantStatus(inRoom, StatusInProgress)

	raw, err := json.Marshal(w.e.Snapshot())
	if err != nil {
		t.Fatal(err)
	}
	var snap Snapshot
	if err := json.Unmarshal(raw, &snap); err != nil {
		t.Fatal(err)
	}
	r := New(Config{AccountSid: testAccount, Seed: 1, Start: snap.Now, CheckInvariants: true})
	if err := r.RestoreSnapshot(&snap, "state.json"); err != nil {
		t.Fatal(err)
	}
	wantNoViolations(t, r)

	want := map[string]Status{}
	for _, c := range w.e.Calls(CallFilter{}) {
		switch {
		case !c.Live():
			want[c.Sid] = c.Status
		case c.Answered():
			want[c.Sid] = StatusCompleted
		default:
			want[c.Sid] = StatusCanceled
		}
	}
	got := r.Calls(CallFilter{})
	if len(got) != len(want) {
		t.Fatalf("%d calls restored, want %d", len(got), len(want))
	}
	for i, c := range got {
		old := w.e.Calls(CallFilter{})[i]
		if c.Sid != old.Sid || c.Status != want[c.Sid] || c.ParentCallSid != old.ParentCallSid || c.From != old.From || !c.StartTime.Equal(old.StartTime) {
			t.Errorf("call %d: %s %s, want %s %s", i, c.Sid, c.Status, old.Sid, want[old.Sid])
		}
		if old.Live() && !c.EndTime.Equal(snap.Now) {
			t.Errorf("%s was live: ends at %v, want %v", c.Sid, c.EndTime, snap.Now)
		}
	}
	trace := strings.Join(texts(r.Trace()), "\n")
	for _, s := range []string{
		wire.Short(bridged.Sid) + " restored from state.json: was in-progress when serve stopped, so it is completed",
		"restored from state.json: was ringing when serve stopped, so it is canceled",
		"conference room (CF..0001) restored from state.json: was init when serve stopped, so it is completed",
	} {
		if !strings.Contains(trace, s) {
			t.Errorf("the trace does not say %q:\n%s", s, trace)
		}
	}
	if cfs := r.Conferences(ConferenceFilter{}); len(cfs) != 1 || cfs[0].Status != ConferenceCompleted {
		t.Errorf("conferences: %+v", cfs)
	}
	if p := r.Phone(agent); p.Name != "agent" || p.After != 3*time.Second || len(p.Presses) != 1 || p.Presses[0].Digits != "1#" {
		t.Errorf("the agent's phone: %+v", p)
	}
	// The restored engine works, and issues SIDs the first never did.
	app := newTestApp(t)
	app.twiml(voiceURL, `<Response><Enqueue>support</Enqueue></Response>`)
	c, err := r.PlaceCall("+15550003003", support)
	if err != nil {
		t.Fatal(err)
	}
	r.RunUntil(r.Now().Add(time.Second), app.perform)
	if _, dup := want[c.Sid]; dup || !strings.HasSuffix(c.Sid, fmt.Sprintf("%04d", len(want)+1)) {
		t.Errorf("new call %s: a SID issued before, or not the next ordinal", c.Sid)
	}
	if qs := r.Queues(); len(qs) != 1 || qs[0].CurrentSize() != 1 || qs[0].MaxSize != 20 {
		t.Errorf("queues after a call enqueued: %+v", qs)
	}
	wantNoViolations(t, r)
}

func texts(entries []Entry) []string {
	var out []string
	for _, en := range entries {
		out = append(out, en.Text)
	}
	return out
}

// A snapshot is refused by an engine it does not fit.
func TestSnapshotRefused(t *testing.T) {
	w := newWorld(t)
	w.number(support, voiceURL)
	w.run(time.Minute)
	good := w.e.Snapshot()
	tests := []struct {
		name   string
		change func(s *Snapshot)
		cfg    Config
		want   string
	}{
		{"another version", func(s *Snapshot) { s.Version = 99 }, Config{}, "format version 99"},
		{"another account", func(s *Snapshot) { s.AccountSid = "AC00000000000000000000000000000002" }, Config{}, "of account"},
		{"a clock behind", func(*Snapshot) {}, Config{Start: DefaultStart}, "after the engine's clock"},
		{"a SID twice", func(s *Snapshot) {
			s.Calls = append(s.Calls, CallRecord{Sid: s.Numbers[0].Sid, Status: StatusQueued, Direction: DirectionInbound})
		}, Config{}, "appears twice"},
		{"an unknown status", func(s *Snapshot) {
			s.Calls = append(s.Calls, CallRecord{Sid: "CA1", Status: "talking", Direction: DirectionInbound})
		}, Config{}, "unknown status"},
		{"a bad phone", func(s *Snapshot) { s.Phones = map[string]PhoneJSON{agent: {Answer: "maybe"}} }, Config{}, "unknown answer mode"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			raw, _ := json.Marshal(good)
			var s Snapshot
			if err := json.Unmarshal(raw, &s); err != nil {
				t.Fatal(err)
			}
			tt.change(&s)
			cfg := tt.cfg
			cfg.AccountSid = testAccount
			if cfg.Start.IsZero() {
				cfg.Start = s.Now
			}
			err := New(cfg).RestoreSnapshot(&s, "state.json")
			if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), "state.json") {
				t.Errorf("error %v, want one saying %q", err, tt.want)
			}
		})
	}
	full := New(Config{AccountSid: testAccount, Start: good.Now})
	if _, err := full.CreateQueue("q", 0); err != nil {
		t.Fatal(err)
	}
	if err := full.RestoreSnapshot(good, "state.json"); err == nil || !strings.Contains(err.Error(), "already has records") {
		t.Errorf("restore into an engine with records: %v", err)
	}
}
