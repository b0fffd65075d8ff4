package sim

import (
	"fmt"
	"runtime"
	"testing"
	"time"
)

// Conference benchmarks: the cost of one operation inside one conference,
// at 10 and at 250 participants (Twilio's default maxParticipants). The
// room is a large call as people run one: a moderator and a second
// speaker, the others muted listeners. Holding, joining or removing a
// listener changes what that listener hears and nothing else, so each
// should cost the same whatever the size of the room. Muting or unmuting
// changes what every other participant hears (each gets a new hearing
// interval and trace entry), so it grows with the room by nature; the
// benchmark shows by how much.

// roomSizes are the room sizes every conference benchmark compares.
var roomSizes = []int{10, 250}

// roomSpeakers is how many participants of a benchmark room speak (p0,
// the moderator that starts the conference, and p1); the others listen,
// muted.
const roomSpeakers = 2

// roomLabel is the label of a benchmark room's i-th participant.
func roomLabel(i int) string { return fmt.Sprintf("p%d", i) }

// roomParticipant adds the i-th participant to the room, as the conference
// strategy does (Participants API, status callbacks with hold).
func roomParticipant(b *testing.B, e *Engine, room string, i int) {
	b.Helper()
	start := i == 0
	if _, err := e.CreateParticipant(room, ParticipantParams{
		From: scaleSupport, To: customerNumber(i), Label: roomLabel(i),
		Beep: "false", StartConferenceOnEnter: &start, Muted: i >= roomSpeakers,
		ConferenceStatusCallback:       scaleEvents,
		ConferenceStatusCallbackEvents: []string{"start", "end", "join", "leave", "hold", "mute"},
	}); err != nil {
		b.Fatal(err)
	}
}

// conferenceRoom fills one conference with n participants, joined one
// after the other, and returns it started.
func conferenceRoom(b *testing.B, n int) (*Engine, *Conference, func(*Effect) Result) {
	b.Helper()
	e := scaleEngine()
	app := scaleApp(map[string]string{scaleMusic: `<Response><Play loop="0">https://cdn.test/music.mp3</Play></Response>`})
	joinRoom(b, e, app, "room", n)
	cf := e.liveConference("room")
	if cf == nil || cf.Status != ConferenceInProgress {
		b.Fatal("the conference did not start")
	}
	return e, cf, app
}

// joinRoom adds n participants to the room, each answering and joining
// before the next is added.
func joinRoom(b *testing.B, e *Engine, app func(*Effect) Result, room string, n int) {
	b.Helper()
	for i := range n {
		roomParticipant(b, e, room, i)
		e.RunUntil(e.Now().Add(3*time.Second), app)
	}
	if ps, err := e.Participants(e.liveConference(room).Sid, ParticipantFilter{}); err != nil || len(ps) != n {
		b.Fatalf("%d participants (%v), want %d", len(ps), err, n)
	}
}

// listener is the k-th listener's label, round robin.
func listener(k, n int) string { return roomLabel(roomSpeakers + k%(n-roomSpeakers)) }

// BenchmarkConferenceHold holds a listener, with the HoldUrl fetched and
// the participant-hold callback sent as for the conference strategy, then
// takes it off hold: one op is the pair. Virtual time moves 1 ms after
// each request.
func BenchmarkConferenceHold(b *testing.B) {
	hold, unhold, music := true, false, scaleMusic
	for _, n := range roomSizes {
		b.Run(fmt.Sprintf("participants=%d", n), func(b *testing.B) {
			e, cf, app := conferenceRoom(b, n)
			k := 0
			for b.Loop() {
				label := listener(k, n)
				if _, err := e.UpdateParticipant(cf.Sid, label, ParticipantUpdate{Hold: &hold, HoldURL: &music, HoldMethod: "GET"}); err != nil {
					b.Fatal(err)
				}
				e.RunUntil(e.Now().Add(time.Millisecond), app)
				if _, err := e.UpdateParticipant(cf.Sid, label, ParticipantUpdate{Hold: &unhold}); err != nil {
					b.Fatal(err)
				}
				e.RunUntil(e.Now().Add(time.Millisecond), app)
				k++
			}
		})
	}
}

// BenchmarkConferenceMute unmutes a listener, then mutes it again: one op
// is the pair. Each changes what every other participant hears.
func BenchmarkConferenceMute(b *testing.B) {
	mute, unmute := true, false
	for _, n := range roomSizes {
		b.Run(fmt.Sprintf("participants=%d", n), func(b *testing.B) {
			e, cf, app := conferenceRoom(b, n)
			k := 0
			for b.Loop() {
				label := listener(k, n)
				if _, err := e.UpdateParticipant(cf.Sid, label, ParticipantUpdate{Muted: &unmute}); err != nil {
					b.Fatal(err)
				}
				e.RunUntil(e.Now().Add(time.Millisecond), app)
				if _, err := e.UpdateParticipant(cf.Sid, label, ParticipantUpdate{Muted: &mute}); err != nil {
					b.Fatal(err)
				}
				e.RunUntil(e.Now().Add(time.Millisecond), app)
				k++
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(2*(n-1)), "ns/hearing")
		})
	}
}

// BenchmarkConferenceJoin fills a room from its two speakers to n
// participants, each listener added by the Participants API, answering and
// joining before the next is added; ns/join is the cost of one, averaged
// as the room grows. The speakers' joins (the conference's creation and
// start) are not timed.
func BenchmarkConferenceJoin(b *testing.B) {
	for _, n := range roomSizes {
		b.Run(fmt.Sprintf("participants=%d", n), func(b *testing.B) {
			for b.Loop() {
				b.StopTimer()
				e, _, app := conferenceRoom(b, roomSpeakers)
				runtime.GC() // the garbage of the previous room is not the joins'
				b.StartTimer()
				for i := roomSpeakers; i < n; i++ {
					roomParticipant(b, e, "room", i)
					e.RunUntil(e.Now().Add(3*time.Second), app)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n-roomSpeakers), "ns/join")
		})
	}
}

// BenchmarkConferenceLeave empties a room of n participants one listener
// at a time, each kicked by the Participants API (its call ends); ns/leave
// is the cost of one, averaged as the room shrinks. Filling the room (and
// collecting its garbage) is not timed.
func BenchmarkConferenceLeave(b *testing.B) {
	for _, n := range roomSizes {
		b.Run(fmt.Sprintf("participants=%d", n), func(b *testing.B) {
			for b.Loop() {
				b.StopTimer()
				e, cf, app := conferenceRoom(b, n)
				runtime.GC() // the garbage of filling the room is not the leaves'
				b.StartTimer()
				for i := n - 1; i >= roomSpeakers; i-- {
					if err := e.KickParticipant(cf.Sid, roomLabel(i)); err != nil {
						b.Fatal(err)
					}
					e.RunUntil(e.Now().Add(time.Millisecond), app)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n-roomSpeakers), "ns/leave")
		})
	}
}
