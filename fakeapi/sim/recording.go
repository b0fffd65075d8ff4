package sim

import (
	"fmt"
	"net/url"
	"slices"
	"time"

	"github.com/holdlab/holdlab/fakeapi/twiml"
	"github.com/holdlab/holdlab/fakeapi/wire"
)

// Recordings of calls and conferences
// (https://www.twilio.com/docs/voice/api/recording): started by REST on a
// live call (POST /Calls/{Sid}/Recordings), by Record=true on POST /Calls,
// by <Dial record> and by <Conference record>; paused, resumed and stopped
// by REST. A recording keeps no audio: it keeps what was on each of its
// channels, stretch by stretch (recording_contents.go), from what the
// parties heard and said.

// RecordingStatus is a Recording resource's status.
type RecordingStatus string

// Twilio's recording statuses.
const (
	RecordingInProgress RecordingStatus = "in-progress"
	RecordingPaused     RecordingStatus = "paused"
	RecordingStopped    RecordingStatus = "stopped"
	RecordingProcessing RecordingStatus = "processing"
	RecordingCompleted  RecordingStatus = "completed"
	RecordingAbsent     RecordingStatus = "absent"
)

// Active reports whether the recording still records (in progress or
// paused): the ones Twilio.CURRENT can name.
func (s RecordingStatus) Active() bool { return s == RecordingInProgress || s == RecordingPaused }

// RecordingSource says how a recording was started (Twilio's `source`).
type RecordingSource string

// The sources holdlab models.
const (
	SourceOutboundAPI           RecordingSource = "OutboundAPI"           // Record=true on POST /Calls
	SourceDialVerb              RecordingSource = "DialVerb"              // <Dial record>
	SourceConference            RecordingSource = "Conference"            // <Conference record>
	SourceStartCallRecordingAPI RecordingSource = "StartCallRecordingAPI" // POST /Calls/{Sid}/Recordings
)

// Pause behaviours (PauseBehavior): a paused stretch is silence in the
// recording, or is left out of it.
const (
	PauseSilence = "silence"
	PauseSkip    = "skip"
)

// RecordingOptions are the settings every way of starting a recording
// takes. Zero values mean Twilio's defaults for that way.
type RecordingOptions struct {
	// Channels is 1 (mono: everything on one channel) or 2 (dual: the
	// recorded call's party on channel 1, the other side on channel 2).
	Channels int
	// Track is "inbound" (what the recorded call's party says), "outbound"
	// (what Twilio sends to it) or "both".
	Track string
	// Trim is "trim-silence" or "do-not-trim".
	Trim string
	// StatusCallback receives the recording status callbacks of
	// StatusCallbackEvents (in-progress, completed, absent; default
	// completed).
	StatusCallback       string
	StatusCallbackMethod string
	StatusCallbackEvents []string
}

// Recording is one recording. Exported fields are read by the REST layer
// while the engine is not running; only the engine writes them.
type Recording struct {
	Sid string
	// CallSid is the recorded call: the parent leg for <Dial record>; for
	// a conference recording, the call whose <Conference record> started
	// it (INFERRED).
	CallSid       string
	ConferenceSid string
	Source        RecordingSource
	Status        RecordingStatus
	Channels      int
	Track         string
	Trim          string
	DateCreated   time.Time
	DateUpdated   time.Time
	StartTime     time.Time
	// PauseBehavior is that of the current pause, while paused.
	PauseBehavior string
	// Duration is the recording's length once completed.
	Duration time.Duration
	// ErrorCode says why a recording is absent (16101: too short).
	ErrorCode int

	call *Call       // the recorded call (nil for a conference recording)
	conf *Conference // the recorded conference
	dial *dialState  // the <Dial> whose bridge it records
	cb   confCallbacks
	ivs  []RecordedInterval // what it captured (recording_contents.go)
	seq  uint64             // creation sequence number (list_recordings.go)
}

// Call returns the recorded call (nil for a conference recording).
func (r *Recording) Call() *Call { return r.call }

// Conference returns the recorded conference (nil for a call recording).
func (r *Recording) Conference() *Conference { return r.conf }

// recordings is the engine's store of recordings.
type recordings struct {
	all   seqSet[*Recording] // newest first (list_recordings.go)
	seq   uint64             // the last creation sequence number given
	bySid map[string]*Recording
	// byCall and byConfSid are the recordings by CallSid and ConferenceSid.
	byCall, byConfSid map[string]*seqSet[*Recording]
	live              []*Recording // the active ones, whose contents grow
	// onAnswer are the recordings of Record=true calls, started when the
	// call is answered.
	onAnswer map[*Call]RecordingOptions
	// byDial are <Dial record> recordings, by their Dial.
	byDial map[*dialState]*Recording
	// byConf are the <Conference record> settings of conferences, fixed
	// by the participant that created the room (INFERRED, as its status
	// callbacks are).
	byConf map[*Conference]confRecord
}

// confRecord is what a <Conference record="record-from-start"> asked for.
type confRecord struct {
	by   *Call
	opts RecordingOptions
}

func (s *recordings) init() {
	if s.bySid == nil {
		s.bySid = map[string]*Recording{}
		s.byCall = map[string]*seqSet[*Recording]{}
		s.byConfSid = map[string]*seqSet[*Recording]{}
		s.onAnswer = map[*Call]RecordingOptions{}
		s.byDial = map[*dialState]*Recording{}
		s.byConf = map[*Conference]confRecord{}
	}
}

// withDefaults fills what o leaves out with the defaults of a way of
// recording: its trim (trim-silence for Record=true, <Dial> and
// <Conference>; do-not-trim for the Recordings API).
func (o RecordingOptions) withDefaults(trim string) RecordingOptions {
	if o.Channels != 2 {
		o.Channels = 1
	}
	if o.Track == "" {
		o.Track = "both"
	}
	if o.Trim == "" {
		o.Trim = trim
	}
	o.StatusCallbackMethod = orPOST(o.StatusCallbackMethod)
	return o
}

// startRecording starts a recording of c, or of cf when c is nil.
func (e *Engine) startRecording(c *Call, cf *Conference, src RecordingSource, o RecordingOptions) *Recording {
	e.recs.init()
	r := &Recording{
		Sid:         e.ids.Next("RE"),
		Source:      src,
		Status:      RecordingInProgress,
		Channels:    o.Channels,
		Track:       o.Track,
		Trim:        o.Trim,
		DateCreated: e.now,
		DateUpdated: e.now,
		StartTime:   e.now,
		call:        c,
		conf:        cf,
		cb:          confCallbacks{url: o.StatusCallback, method: o.StatusCallbackMethod, events: map[string]bool{}},
	}
	for _, ev := range o.StatusCallbackEvents {
		r.cb.events[ev] = true
	}
	if len(r.cb.events) == 0 {
		r.cb.events["completed"] = true
	}
	if c != nil {
		r.CallSid = c.Sid
	}
	if cf != nil {
		r.ConferenceSid = cf.Sid
	}
	e.recs.add(r)
	e.recs.live = append(e.recs.live, r)
	mode := "mono"
	if r.Channels == 2 {
		mode = "dual"
	}
	e.traceRec(r, "starts (%s, %s, track %s, %s)", src, mode, r.Track, r.Trim)
	e.capture(r)
	e.recordingCallback(r, "in-progress")
	return r
}

// recName renders a recording for the trace: "recording RE..0001 of
// CA..0001 (customer)", "recording RE..0001 of conference support".
func (e *Engine) recName(r *Recording) string {
	if r.conf != nil {
		return "recording " + wire.Short(r.Sid) + " of conference " + confName(r.conf)
	}
	return "recording " + wire.Short(r.Sid) + " of " + e.name(r.call)
}

func (e *Engine) traceRec(r *Recording, format string, args ...any) {
	e.traceText(r.call, KindRecording, 0, e.recName(r)+" "+fmt.Sprintf(format, args...), recFacts(r))
}

// recFacts are the typed fields of a recording's entries: the conference
// it records, if it records one.
func recFacts(r *Recording) facts {
	if r.conf != nil {
		return facts{room: confRef(r.conf)}
	}
	return facts{}
}

// pauseRecording pauses an active recording; a paused one stays as it is
// (INFERRED: Twilio documents no error for it).
func (e *Engine) pauseRecording(r *Recording, behavior string) {
	if r.Status != RecordingInProgress {
		e.traceRec(r, "is already paused; nothing changes")
		return
	}
	r.Status, r.PauseBehavior, r.DateUpdated = RecordingPaused, behavior, e.now
	what := "the paused stretch will be silence in it"
	if behavior == PauseSkip {
		what = "the paused stretch will be left out of it"
	}
	e.traceRec(r, "is paused (PauseBehavior=%s): %s", behavior, what)
	e.capture(r)
}

// resumeRecording resumes a paused recording. INFERRED: no status
// callback (Twilio's events are in-progress, at the start, completed and
// absent).
func (e *Engine) resumeRecording(r *Recording) {
	if r.Status != RecordingPaused {
		e.traceRec(r, "is already recording; nothing changes")
		return
	}
	r.Status, r.PauseBehavior, r.DateUpdated = RecordingInProgress, "", e.now
	e.traceRec(r, "resumes")
	e.capture(r)
}

// endRecording ends an active recording: stopped by REST, or because what
// it records ended. Twilio then processes it; holdlab's processing takes
// no virtual time (INFERRED), so it is completed (or absent) once the
// engine runs on.
func (e *Engine) endRecording(r *Recording, why string, stopped bool) {
	if !r.Status.Active() {
		return
	}
	e.capture(r)
	if n := len(r.ivs); n > 0 {
		r.ivs[n-1].End = e.now
	}
	e.recs.live = slices.DeleteFunc(e.recs.live, func(o *Recording) bool { return o == r })
	r.Status, r.PauseBehavior, r.DateUpdated = RecordingProcessing, "", e.now
	if stopped {
		r.Status = RecordingStopped
	}
	e.traceRec(r, "ends: %s", why)
	e.after(0, func() { e.completeRecording(r) })
}

// completeRecording finishes a recording's processing: completed with its
// duration, or absent when nothing was recorded (16101, "too short";
// INFERRED: under a second).
func (e *Engine) completeRecording(r *Recording) {
	contents := e.contentsOf(r)
	r.Duration = contents.Duration.Truncate(time.Second)
	r.DateUpdated = e.now
	if r.Duration == 0 {
		r.Status, r.ErrorCode = RecordingAbsent, 16101
		e.traceText(r.call, KindRecording, 16101, e.recName(r)+" is absent: nothing was recorded", recFacts(r))
		e.recordingCallback(r, "absent")
		return
	}
	r.Status = RecordingCompleted
	e.traceRec(r, "is completed: %s long", r.Duration)
	e.recordingCallback(r, "completed")
}

// recordingCallback sends a recording status callback for event, if the
// recording subscribed to it, with the parameters of
// https://www.twilio.com/docs/voice/api/recording#recordingstatuscallback.
func (e *Engine) recordingCallback(r *Recording, event string) {
	if r.cb.url == "" || !r.cb.events[event] {
		return
	}
	v := url.Values{
		"AccountSid":         {e.cfg.AccountSid},
		"RecordingSid":       {r.Sid},
		"RecordingUrl":       {"https://api.twilio.com/2010-04-01/Accounts/" + e.cfg.AccountSid + "/Recordings/" + r.Sid},
		"RecordingStatus":    {event},
		"RecordingChannels":  {itoa(r.Channels)},
		"RecordingStartTime": {r.StartTime.Format(time.RFC1123Z)},
		"RecordingSource":    {string(r.Source)},
		"RecordingTrack":     {r.Track},
		// INFERRED: ErrorCode is 0 unless the recording is absent.
		"ErrorCode": {itoa(r.ErrorCode)},
	}
	if r.CallSid != "" {
		v.Set("CallSid", r.CallSid)
	}
	if r.ConferenceSid != "" {
		v.Set("ConferenceSid", r.ConferenceSid)
	}
	if event != "in-progress" {
		v.Set("RecordingDuration", itoa(int(r.Duration/time.Second)))
	}
	e.emit(EffectCallback, r.call, r.cb.url, r.cb.method, v, "recording status callback ("+event+")", nil)
}

// --- how recordings start and end with the calls, Dials and conferences
// they record ---

// recordOnAnswer makes a call created with Record=true start recording
// when it is answered (source OutboundAPI).
func (e *Engine) recordOnAnswer(c *Call, o RecordingOptions) {
	e.recs.init()
	e.recs.onAnswer[c] = o.withDefaults("trim-silence")
}

// answeredRecording starts the Record=true recording of a call just
// answered.
func (e *Engine) answeredRecording(c *Call) {
	o, ok := e.recs.onAnswer[c]
	if !ok {
		return
	}
	delete(e.recs.onAnswer, c)
	e.startRecording(c, nil, SourceOutboundAPI, o)
}

// callRecordingsEnd ends the recordings of a call that ended.
func (e *Engine) callRecordingsEnd(c *Call) {
	if e.recs.all.Len() == 0 && len(e.recs.onAnswer) == 0 {
		return
	}
	delete(e.recs.onAnswer, c)
	for _, r := range slices.Clone(e.recs.live) {
		if r.call == c && r.conf == nil {
			e.endRecording(r, "the call ended", false)
		}
	}
}

// dialRecord starts the recording a <Dial record> asks for, at the
// moment given: "ringing" when the Dial starts ringing, "answer" at the
// bridge (https://www.twilio.com/docs/voice/twiml/dial#record).
func (e *Engine) dialRecord(d *dialState, moment string) {
	mode, dual := dialRecordMode(d.verb.Record)
	if mode != moment {
		return
	}
	e.recs.init()
	if _, ok := e.recs.byDial[d]; ok {
		return
	}
	v := d.verb
	o := RecordingOptions{Track: v.RecordingTrack, Trim: v.Trim, StatusCallbackMethod: v.RecordingStatusCallbackMethod,
		StatusCallbackEvents: v.RecordingStatusCallbackEvent}
	if dual {
		o.Channels = 2
	}
	if v.RecordingStatusCallback != "" {
		o.StatusCallback, _ = e.resolveQuiet(d.prog, v.RecordingStatusCallback)
	}
	r := e.startRecording(d.parent, nil, SourceDialVerb, o.withDefaults("trim-silence"))
	r.dial = d
	e.recs.byDial[d] = r
}

// dialRecordMode reads <Dial record>: when it starts ("ringing",
// "answer" or "" for none) and whether it is dual-channel.
func dialRecordMode(record string) (moment string, dual bool) {
	switch record {
	case "record-from-answer":
		return "answer", false
	case "record-from-answer-dual":
		return "answer", true
	case "record-from-ringing":
		return "ringing", false
	case "record-from-ringing-dual":
		return "ringing", true
	}
	return "", false
}

// dialRecordEnd ends the recording of a <Dial> that ends.
func (e *Engine) dialRecordEnd(d *dialState) {
	if r, ok := e.recs.byDial[d]; ok {
		delete(e.recs.byDial, d)
		e.endRecording(r, "its <Dial> ended", false)
	}
}

// conferenceRecord keeps what a new conference's <Conference record>
// asks for.
func (e *Engine) conferenceRecord(cf *Conference, c *Call, p *program, n *twiml.Conference) {
	if n.Record != "record-from-start" {
		return
	}
	e.recs.init()
	o := RecordingOptions{Trim: n.Trim, StatusCallbackMethod: n.RecordingStatusCallbackMethod, StatusCallbackEvents: n.RecordingStatusCallbackEvent}
	if n.RecordingStatusCallback != "" {
		o.StatusCallback, _ = e.resolveQuiet(p, n.RecordingStatusCallback)
	}
	e.recs.byConf[cf] = confRecord{by: c, opts: o.withDefaults("trim-silence")}
}

// conferenceStarted starts the recording of a conference asked with
// record="record-from-start". INFERRED: it records from when the
// conference starts (its participants hear each other), not while the
// first one waits alone; a conference recording is mono.
func (e *Engine) conferenceStarted(cf *Conference) {
	cr, ok := e.recs.byConf[cf]
	if !ok {
		return
	}
	delete(e.recs.byConf, cf)
	cr.opts.Channels = 1
	r := e.startRecording(nil, cf, SourceConference, cr.opts)
	r.CallSid = cr.by.Sid
}

// conferenceEnded ends the recordings of a conference that ended.
func (e *Engine) conferenceEnded(cf *Conference) {
	if e.recs.all.Len() == 0 {
		return
	}
	delete(e.recs.byConf, cf)
	for _, r := range slices.Clone(e.recs.live) {
		if r.conf == cf {
			e.endRecording(r, "its conference ended", false)
		}
	}
}

// recordings checks the recordings' invariants (see CheckInvariants).
func (k *invChecker) recordings() {
	for _, r := range k.e.recs.live {
		switch {
		case !r.Status.Active():
			k.fail(r.Sid, "a %s recording is still recording", r.Status)
		case r.conf == nil && !r.call.Live():
			k.fail(r.Sid, "an active recording records %s, which has ended", wire.Short(r.CallSid))
		case r.conf != nil && r.conf.Status == ConferenceCompleted:
			k.fail(r.Sid, "an active recording records a conference that has ended")
		}
	}
	k.e.recs.all.ascend(func(r *Recording) bool {
		for i := 1; i < len(r.ivs); i++ {
			if !r.ivs[i-1].End.Equal(r.ivs[i].Start) {
				k.fail(r.Sid, "its stretches %d and %d do not follow each other", i-1, i)
			}
		}
		return true
	})
}
