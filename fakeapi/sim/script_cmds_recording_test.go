package sim

import (
	"fmt"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/cockroachdb/datadriven"
	"github.com/holdlab/holdlab/fakeapi/wire"
)

// The script commands of recordings (recording.go, api_recordings.go);
// scriptCmds (script_cmds_test.go) lists them with the others.

// recordingOptions reads the recording settings a command takes, each
// key after prefix: channels=dual, track=, trim=, callback=/rec
// events=(in-progress, …).
func (s *script) recordingOptions(td *datadriven.TestData, prefix string) RecordingOptions {
	o := RecordingOptions{
		Track:                s.opt(td, prefix+"track", ""),
		Trim:                 s.opt(td, prefix+"trim", ""),
		StatusCallback:       appURL(s.opt(td, prefix+"callback", "")),
		StatusCallbackEvents: s.list(td, prefix+"events"),
	}
	if s.opt(td, prefix+"channels", "mono") == "dual" {
		o.Channels = 2
	}
	return o
}

// recording resolves a recording by short or full SID.
func (s *script) recording(td *datadriven.TestData, ref string) *Recording {
	for _, r := range s.w.e.Recordings(RecordingFilter{}) {
		if r.Sid == ref || wire.Short(r.Sid) == ref {
			return r
		}
	}
	td.Fatalf(s.t, "no recording %s", ref)
	return nil
}

// cmdRecord: record CALL [channels=dual] [track=] [trim=] [callback=/rec events=(...)].
func (s *script) cmdRecord(td *datadriven.TestData) string {
	c := s.call(td, s.pos(td, 0, "call"))
	r, err := s.w.e.CreateCallRecording(c.Sid, s.recordingOptions(td, ""))
	if err != nil {
		return s.done("", err)
	}
	return s.done(wire.Short(r.Sid), nil)
}

// cmdUpdateRecording: pause-recording, resume-recording, stop-recording
// CALL|conference=ROOM [sid=RE..0001 (default Twilio.CURRENT)]
// [behavior=skip|silence].
func (s *script) cmdUpdateRecording(td *datadriven.TestData) string {
	u := RecordingUpdate{Status: RecordingPaused, PauseBehavior: s.opt(td, "behavior", "")}
	switch td.Cmd {
	case "resume-recording":
		u.Status = RecordingInProgress
	case "stop-recording":
		u.Status = RecordingStopped
	}
	sid := CurrentRecording
	if ref := s.opt(td, "sid", ""); ref != "" {
		sid = s.recording(td, ref).Sid
	}
	var err error
	if room := s.opt(td, "conference", ""); room != "" {
		_, err = s.w.e.UpdateConferenceRecording(s.conference(td, room).Sid, sid, u)
	} else {
		_, err = s.w.e.UpdateCallRecording(s.call(td, s.pos(td, 0, "call")).Sid, sid, u)
	}
	return s.done("", err)
}

// cmdRecordings: a table of every recording, oldest first.
func (s *script) cmdRecordings(td *datadriven.TestData) string {
	recs := s.w.e.Recordings(RecordingFilter{})
	if len(recs) == 0 {
		return "(none)"
	}
	slices.Reverse(recs)
	var b strings.Builder
	tw := tabwriter.NewWriter(&b, 0, 8, 2, ' ', 0)
	fmt.Fprintln(tw, "RECORDING\tSOURCE\tCALL\tCONFERENCE\tSTATUS\tCHANNELS\tTRACK\tTRIM\tSTART\tDURATION\tERROR")
	start := s.w.e.Start()
	for _, r := range recs {
		call, conf, d, code := "-", "-", "-", "-"
		if r.CallSid != "" {
			call = wire.Short(r.CallSid)
		}
		if r.ConferenceSid != "" {
			conf = wire.Short(r.ConferenceSid)
		}
		if r.Status == RecordingCompleted || r.Status == RecordingAbsent {
			d = r.Duration.String()
		}
		if r.ErrorCode != 0 {
			code = fmt.Sprint(r.ErrorCode)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%d\t%s\t%s\t%s\t%s\t%s\n", wire.Short(r.Sid), r.Source, call, conf, r.Status,
			r.Channels, r.Track, r.Trim, Offset(r.StartTime.Sub(start)), d, code)
	}
	must(s.t, tw.Flush())
	return b.String()
}

// cmdRecording: what one recording holds, a stretch a line.
func (s *script) cmdRecording(td *datadriven.TestData) string {
	r := s.recording(td, s.pos(td, 0, "recording"))
	rc, err := s.w.e.RecordingContents(r.Sid)
	if err != nil {
		return "error: " + err.Error()
	}
	return FormatRecordingContents(rc, s.w.e.Start())
}
