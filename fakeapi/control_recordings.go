package fakeapi

import (
	"net/http"
	"time"

	"github.com/holdlab/holdlab/fakeapi/sim"
	"github.com/holdlab/holdlab/fakeapi/wire"
)

// What a recording holds, on the control API: Twilio keeps the audio,
// holdlab knows what was on each channel, stretch by stretch
// (fakeapi/sim/recording_contents.go).

// RecordingContents returns what a recording holds so far.
func (f *Fake) RecordingContents(sid string) (sim.RecordingContents, error) {
	var rc sim.RecordingContents
	var err error
	f.View(func(e *sim.Engine) { rc, err = e.RecordingContents(sid) })
	return rc, err
}

// recordedIntervalJSON is a RecordedInterval on the wire.
type recordedIntervalJSON struct {
	Start         string          `json:"start"`
	End           *string         `json:"end"` // null while it runs
	At            string          `json:"at"`
	Length        string          `json:"length"`
	Paused        bool            `json:"paused"`
	PauseBehavior string          `json:"pause_behavior,omitempty"`
	Trimmed       bool            `json:"trimmed"`
	Channels      [][]hearingJSON `json:"channels"`
}

// recordingContentsJSON answers GET /holdlab/recordings/{sid}/contents.
type recordingContentsJSON struct {
	Sid           string                 `json:"sid"`
	CallSid       string                 `json:"call_sid,omitempty"`
	ConferenceSid string                 `json:"conference_sid,omitempty"`
	Status        string                 `json:"status"`
	Channels      int                    `json:"channels"`
	Duration      string                 `json:"duration"`
	Intervals     []recordedIntervalJSON `json:"intervals"`
}

func toRecordingContentsJSON(rc sim.RecordingContents) recordingContentsJSON {
	r := rc.Recording
	out := recordingContentsJSON{Sid: r.Sid, CallSid: r.CallSid, ConferenceSid: r.ConferenceSid, Status: string(r.Status),
		Channels: r.Channels, Duration: rc.Duration.String(), Intervals: []recordedIntervalJSON{}}
	for _, iv := range rc.Intervals {
		j := recordedIntervalJSON{Start: iv.Start.UTC().Format(time.RFC3339Nano), End: rfc3339OrNil(iv.End),
			At: iv.At.String(), Length: iv.Length.String(), Paused: iv.Paused, PauseBehavior: iv.PauseBehavior,
			Trimmed: iv.Trimmed, Channels: [][]hearingJSON{}}
		for _, ch := range iv.Channels {
			sounds := make([]hearingJSON, len(ch))
			for i, h := range ch {
				sounds[i] = toHearingJSON(h)
			}
			j.Channels = append(j.Channels, sounds)
		}
		out.Intervals = append(out.Intervals, j)
	}
	return out
}

func (f *Fake) ctlRecordingContents(w http.ResponseWriter, r *http.Request) error {
	rc, err := f.RecordingContents(r.PathValue("sid"))
	if err != nil {
		return err
	}
	wire.JSON(w, http.StatusOK, toRecordingContentsJSON(rc))
	return nil
}
