package sim

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"
)

// roomDriver drives one conference through random changes, with the
// Participants and Conference APIs only: participants added (speaking or
// muted, some held before they join), held and taken off hold, muted and
// unmuted, made coaches and back, kicked or hung up, announcements to one
// of them and to the room, the conference ended (and the next one begun).
type roomDriver struct {
	e    *Engine
	app  func(*Effect) Result
	r    *rand.Rand
	room string
	next int
}

const roomAnnounce = "https://app.test/announce"

func newRoomDriver(seed uint64, checks bool) *roomDriver {
	return &roomDriver{
		e: New(Config{AccountSid: testAccount, Seed: 1, CheckInvariants: checks}),
		app: scaleApp(map[string]string{
			scaleMusic:   `<Response><Play loop="0">https://cdn.test/music.mp3</Play></Response>`,
			roomAnnounce: `<Response><Say>Welcome to the room.</Say></Response>`,
		}),
		r:    rand.New(rand.NewPCG(seed, 0)),
		room: "room",
	}
}

func (d *roomDriver) step() {
	e, r := d.e, d.r
	cf := e.liveConference(d.room)
	var ps []*Participant
	if cf != nil {
		ps, _ = e.Participants(cf.Sid, ParticipantFilter{})
	}
	var p, o *Participant
	if len(ps) > 0 {
		p, o = ps[r.IntN(len(ps))], ps[r.IntN(len(ps))]
	}
	switch op := r.IntN(25); {
	case op < 6 || len(ps) < 2:
		start := r.IntN(3) == 0
		label := fmt.Sprintf("p%d", d.next)
		_, _ = e.CreateParticipant(d.room, ParticipantParams{
			From: scaleSupport, To: customerNumber(d.next), Label: label,
			Beep: "false", StartConferenceOnEnter: &start, Muted: r.IntN(3) == 0,
			ConferenceStatusCallback: scaleEvents, ConferenceStatusCallbackEvents: []string{"join", "leave", "hold", "mute"},
		})
		d.next++
		if r.IntN(5) == 0 {
			_, _ = e.UpdateParticipant(d.room, label, ParticipantUpdate{Hold: ptr(true)})
		}
	case op < 10:
		u := ParticipantUpdate{Hold: ptr(!p.Hold)}
		if !p.Hold && r.IntN(3) > 0 {
			u.HoldURL = ptr(scaleMusic)
		}
		_, _ = e.UpdateParticipant(cf.Sid, p.CallSid, u)
	case op < 14:
		_, _ = e.UpdateParticipant(cf.Sid, p.CallSid, ParticipantUpdate{Muted: ptr(!p.Muted)})
	case op < 16:
		u := ParticipantUpdate{Coaching: ptr(!p.Coaching)}
		if !p.Coaching {
			u.CallSidToCoach = ptr(o.CallSid)
		}
		_, _ = e.UpdateParticipant(cf.Sid, p.CallSid, u)
	case op < 18:
		_ = e.KickParticipant(cf.Sid, p.CallSid)
	case op < 20:
		_ = e.HangUp(p.CallSid)
	case op < 22:
		_, _ = e.UpdateParticipant(cf.Sid, p.CallSid, ParticipantUpdate{AnnounceURL: roomAnnounce})
	case op < 24:
		_, _ = e.UpdateConference(cf.Sid, ConferenceUpdate{AnnounceURL: roomAnnounce})
	default:
		_, _ = e.UpdateConference(cf.Sid, ConferenceUpdate{Status: ConferenceCompleted})
	}
	e.RunUntil(e.Now().Add(time.Duration(r.IntN(3000))*time.Millisecond), d.app)
}

// walkedRoomHearing is what a connected participant hears from its room,
// worked out by walking the room: every other connected participant that
// is not on hold and not muted, in join order, a coach only for the
// participant it coaches. ok is false when the participant hears something
// else than the room (hold music, an announcement, wait music).
func walkedRoomHearing(pt *Participant) (h Hearing, ok bool) {
	cf := pt.conf
	if pt.announce.live() || pt.Hold || cf.announce.live() || cf.Status != ConferenceInProgress {
		return Hearing{}, false
	}
	var joined []*Participant
	for o := range cf.all() {
		if o.joined {
			joined = append(joined, o)
		}
	}
	slices.SortFunc(joined, func(a, b *Participant) int { return a.joinOrder - b.joinOrder })
	var sids []string
	others, held := 0, 0
	for _, o := range joined {
		if o == pt {
			continue
		}
		others++
		if o.Hold {
			held++
			continue
		}
		if o.Muted || (o.Coaching && o.CallSidToCoach != pt.CallSid) {
			continue
		}
		sids = append(sids, o.CallSid)
	}
	switch {
	case len(sids) > 0:
		return party(sids...), true
	case others == 0:
		return silence("alone in conference " + cf.FriendlyName), true
	case held == others:
		return silence("everyone else in conference " + cf.FriendlyName + " is on hold"), true
	}
	return silence("nobody in conference " + cf.FriendlyName + " can be heard"), true
}

// TestRoomHearing checks, after every change a conference goes through,
// that each connected participant hears the room it is in: the others
// that are not on hold, not muted and not coaching someone else, or the
// silence that says why nobody.
func TestRoomHearing(t *testing.T) {
	for _, seed := range []uint64{1, 2, 3, 4, 5, 6, 7, 8} {
		t.Run(fmt.Sprintf("seed=%d", seed), func(t *testing.T) {
			d := newRoomDriver(seed, true)
			checked := 0
			for step := range 400 {
				d.step()
				cf := d.e.liveConference(d.room)
				if cf == nil {
					continue
				}
				for pt := range cf.all() {
					if !pt.joined {
						continue
					}
					want, ok := walkedRoomHearing(pt)
					if !ok {
						continue
					}
					checked++
					if got, _ := d.e.Hears(pt.CallSid); !got.Equal(want) {
						t.Fatalf("step %d: %s hears %s, want %s", step, pt.Label, got, want)
					}
				}
			}
			if checked < 500 {
				t.Errorf("only %d hearings checked: the driver does not fill the room", checked)
			}
			wantNoViolations(t, d.e)
		})
	}
}
