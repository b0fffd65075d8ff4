package scenarios

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/holdlab/holdlab/fakeapi/sim"
	openapi "github.com/twilio/twilio-go/rest/api/v2010"
)

// recordingSteps adds the steps of recordings: the app records the customer's call (as a
// contact centre does), pauses and resumes a recording by REST, and the
// scenario checks the recording: its status and length through the REST
// API (observable on Twilio too), what it holds through the fake
// (recordingInspector; not observable on Twilio, which keeps audio, not
// what it was).
func (w *world) recordingSteps(l *stepList) {
	l.section("Recordings")
	l.add(`^the call is being recorded$`, "the call is being recorded", w.recordCall)
	l.add(`^the app pauses the recording of the (customer|agent)'s call(?: with PauseBehavior "(skip|silence)")?$`,
		`the app pauses the recording of the customer's call with PauseBehavior "skip"`, w.pauseRecording)
	l.add(`^the app resumes the recording of the (customer|agent)'s call$`, "the app resumes the recording of the customer's call", w.resumeRecording)
	l.add(`^the recording is paused while the customer is on hold$`, "the recording is paused while the customer is on hold", w.eventually(w.recordingPausedOnHold))
	l.add(`^the recording is (in progress|paused|completed)$`, "the recording is in progress", w.eventually(w.recordingStatus))
	l.add(`^the recording is (\d+) seconds long$`, "the recording is 32 seconds long", w.eventually(w.recordingLength))
	l.add(`^the recording contains (no )?hold music$`, "the recording contains no hold music", w.recordingHoldMusic)
	// Taking a conference participant off hold, which the recording
	// scenarios need before they resume a recording.
	l.add(`^the app takes the (customer|agent) off hold in conference "([^"]*)"$`, `the app takes the customer off hold in conference "room"`, w.unholdParticipant)
}

func (w *world) unholdParticipant(role, room string) error {
	conf, err := w.conference(room)
	if err != nil {
		return err
	}
	sid, err := w.leg(role)
	if err != nil {
		return err
	}
	if _, err := w.api.UpdateParticipant(conf, sid, &openapi.UpdateParticipantParams{Hold: ptr(false)}); err != nil {
		return fmt.Errorf("take the %s off hold: %w", role, err)
	}
	return w.be.settle(w.ctx, time.Second)
}

// recordingInspector is a backend that knows what a recording holds: the
// fake.
type recordingInspector interface {
	recordingContents(sid string) (sim.RecordingContents, error)
}

func (b *fakeBackend) recordingContents(sid string) (sim.RecordingContents, error) {
	return b.f.RecordingContents(sid)
}

// recordCall starts a dual-channel recording of the customer's call, as an
// app does when the customer is connected.
func (w *world) recordCall() error {
	sid, err := w.leg("customer")
	if err != nil {
		return err
	}
	rec, err := w.api.CreateCallRecording(sid, &openapi.CreateCallRecordingParams{
		RecordingChannels:            ptr("dual"),
		RecordingStatusCallback:      ptr(w.rawURL("/recording-events")),
		RecordingStatusCallbackEvent: &[]string{"in-progress", "completed", "absent"},
	})
	if err != nil {
		return fmt.Errorf("record the customer's call: %w", err)
	}
	w.mu.Lock()
	w.recSid = *rec.Sid
	w.mu.Unlock()
	return w.be.settle(w.ctx, time.Second)
}

// updateRecording changes the recording of a role's call through
// Twilio.CURRENT, as an app that does not keep recording SIDs does; the
// REST error, if any, is the step's last error.
func (w *world) updateRecording(role string, p *openapi.UpdateCallRecordingParams) error {
	sid, err := w.leg(role)
	if err != nil {
		return err
	}
	_, w.lastErr = w.api.UpdateCallRecording(sid, "Twilio.CURRENT", p)
	return w.be.settle(w.ctx, time.Second)
}

func (w *world) pauseRecording(role, behavior string) error {
	p := &openapi.UpdateCallRecordingParams{Status: ptr("paused")}
	if behavior != "" {
		p.PauseBehavior = ptr(behavior)
	}
	return w.updateRecording(role, p)
}

func (w *world) resumeRecording(role string) error {
	return w.updateRecording(role, &openapi.UpdateCallRecordingParams{Status: ptr("in-progress")})
}

// theRecording fetches the scenario's recording: the one the app started,
// else the newest of the account (one a <Dial record> started).
func (w *world) theRecording() (*openapi.ApiV2010Recording, error) {
	w.mu.Lock()
	sid := w.recSid
	w.mu.Unlock()
	if sid != "" {
		return w.api.FetchRecording(sid, nil)
	}
	recs, err := w.api.ListRecording(&openapi.ListRecordingParams{Limit: ptr(1)})
	if err != nil {
		return nil, err
	}
	if len(recs) == 0 {
		return nil, errors.New("there is no recording")
	}
	return &recs[0], nil
}

func (w *world) recordingStatus(want string) error {
	rec, err := w.theRecording()
	if err != nil {
		return err
	}
	if got := deref(rec.Status); got != strings.ReplaceAll(want, " ", "-") {
		return fmt.Errorf("the recording %s is %s, want %s", deref(rec.Sid), got, want)
	}
	return nil
}

// recordingPausedOnHold checks, while the customer is on hold, that the
// recording is paused.
func (w *world) recordingPausedOnHold() error {
	if err := w.recordingStatus("paused"); err != nil {
		return fmt.Errorf("%w while the customer is on hold", err)
	}
	return w.wantHeldInTwilio(true)
}

// recordingLength checks a completed recording's duration, as Twilio gives
// it (whole seconds).
func (w *world) recordingLength(secs int) error {
	rec, err := w.theRecording()
	if err != nil {
		return err
	}
	if st := deref(rec.Status); st != "completed" {
		return fmt.Errorf("the recording %s is %s; its length is known once it is completed", deref(rec.Sid), st)
	}
	if got := deref(rec.Duration); got != strconv.Itoa(secs) {
		return fmt.Errorf("the recording %s is %s seconds long, want %d%s", deref(rec.Sid), got, secs, w.recordingSummary(deref(rec.Sid)))
	}
	return nil
}

// recordingHoldMusic checks whether the recording holds hold music, on any
// channel, in what it kept (not a skipped pause, not trimmed silence).
func (w *world) recordingHoldMusic(no string) error {
	rec, err := w.theRecording()
	if err != nil {
		return err
	}
	ins, ok := w.be.(recordingInspector)
	if !ok {
		return fmt.Errorf("what a recording holds: %w", ErrNotObservable)
	}
	rc, err := ins.recordingContents(*rec.Sid)
	if err != nil {
		return err
	}
	var music []string
	for _, iv := range rc.Intervals {
		if iv.Length == 0 {
			continue
		}
		for i, ch := range iv.Channels {
			for _, h := range ch {
				if isHoldMusic(h) {
					music = append(music, fmt.Sprintf("%s for %s at %s in it (channel %d)", h, iv.Length, iv.At, i+1))
				}
			}
		}
	}
	switch {
	case no != "" && len(music) > 0:
		return fmt.Errorf("the recording %s holds hold music: %s", *rec.Sid, strings.Join(music, "; "))
	case no == "" && len(music) == 0:
		return fmt.Errorf("the recording %s holds no hold music%s", *rec.Sid, w.recordingSummary(*rec.Sid))
	}
	return nil
}

// recordingSummary renders what a recording holds for a failure message
// ("" where the backend cannot tell).
func (w *world) recordingSummary(sid string) string {
	ins, ok := w.be.(recordingInspector)
	if !ok {
		return ""
	}
	rc, err := ins.recordingContents(sid)
	if err != nil {
		return ""
	}
	start, _, err := w.be.trace()
	if err != nil {
		return ""
	}
	return "; it holds:\n" + sim.FormatRecordingContents(rc, start)
}
