package strategies

import (
	"slices"

	openapi "github.com/twilio/twilio-go/rest/api/v2010"
)

// Pausing recordings on hold (Config.PauseRecordingOnHold). A recording of
// a call records what its party hears: put on hold, the customer hears
// hold music, and the recording keeps running through it
// (https://www.twilio.com/docs/voice/api/recording#update-a-recording-resource).
// So Hold first pauses the recordings of the held party's call, with
// PauseBehavior=skip (the hold is left out of the recording, rather than
// kept as silence), and Unhold resumes exactly those, by SID, on the same
// call: not Twilio.CURRENT, which fails when a call has two recordings,
// nor another leg's SID, which has none.

// heldRecordings are the recordings a strategy paused for a hold, by the
// call they record.
type heldRecordings struct {
	leg  string
	sids []string
}

// pauseRecordings pauses the recordings of leg that are in progress, and
// adds them to what it paused before (holding twice pauses nothing new).
func (b *base) pauseRecordings(leg string, paused heldRecordings) (heldRecordings, error) {
	if paused.leg != leg {
		paused = heldRecordings{leg: leg}
	}
	recs, err := b.cfg.Client.ListCallRecording(leg, nil)
	if err != nil {
		return paused, callEnded(err, "list the call's recordings")
	}
	for _, r := range recs {
		if r.Status == nil || *r.Status != "in-progress" || r.Sid == nil {
			continue
		}
		if _, err := b.cfg.Client.UpdateCallRecording(leg, *r.Sid, &openapi.UpdateCallRecordingParams{
			Status: ptr("paused"), PauseBehavior: ptr("skip"),
		}); err != nil {
			return paused, callEnded(err, "pause recording "+*r.Sid)
		}
		b.log.Info("recording paused for the hold", "call", leg, "recording", *r.Sid)
		if !slices.Contains(paused.sids, *r.Sid) {
			paused.sids = append(paused.sids, *r.Sid)
		}
	}
	return paused, nil
}

// resumeRecordings resumes the recordings pauseRecordings paused.
func (b *base) resumeRecordings(paused heldRecordings) error {
	for _, sid := range paused.sids {
		if _, err := b.cfg.Client.UpdateCallRecording(paused.leg, sid, &openapi.UpdateCallRecordingParams{Status: ptr("in-progress")}); err != nil {
			return callEnded(err, "resume recording "+sid)
		}
		b.log.Info("recording resumed after the hold", "call", paused.leg, "recording", sid)
	}
	return nil
}
