package sim

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"testing"
	"text/tabwriter"
	"time"

	"github.com/cockroachdb/datadriven"
	"github.com/holdlab/holdlab/fakeapi/wire"
)

// appBase makes the app URLs of scripts short: "/voice" stands for
// https://app.test/voice.
const appBase = "https://app.test"

// script is the state of one script of testdata/script: the shared test
// world (harness_test.go), the app's canned answers that are not TwiML
// documents, and how far the trace has been shown.
type script struct {
	t *testing.T
	w *world
	// canned answers a URL with an HTTP error, a connection failure or a
	// non-TwiML body instead of the world's TwiML routes.
	canned map[string]Result
	// traced is the Seq of the last trace entry the trace command showed.
	traced uint64
	// used marks the arguments of the running command it has read; any
	// other is a mistake in the script (a typo, an argument the command
	// does not take).
	used []bool
}

func newScript(t *testing.T) *script {
	return &script{t: t, w: newWorld(t), canned: map[string]Result{}}
}

// perform answers a webhook: a canned answer, else the world's app.
func (s *script) perform(eff *Effect) Result {
	if r, ok := s.canned[eff.URL]; ok && eff.Kind == EffectTwiML {
		s.w.app.requests = append(s.w.app.requests, eff)
		return r
	}
	return s.w.app.perform(eff)
}

// run advances virtual time by d, performing webhooks as they come.
func (s *script) run(d time.Duration) { s.w.e.RunUntil(s.w.e.Now().Add(d), s.perform) }

// scriptCmd runs one command and returns its output.
type scriptCmd func(s *script, td *datadriven.TestData) string

// scriptCmds are the commands of the script language; README.md in
// testdata/script describes each.
var scriptCmds map[string]scriptCmd

func init() {
	scriptCmds = map[string]scriptCmd{
		// Setting up.
		"number": (*script).cmdNumber,
		"phone":  (*script).cmdPhone,
		"app":    (*script).cmdApp,
		"media":  (*script).cmdMedia,
		// Acting.
		"call":           (*script).cmdCall,
		"place":          (*script).cmdPlace,
		"advance":        (*script).cmdAdvance,
		"redirect":       (*script).cmdRedirect,
		"update":         (*script).cmdUpdate,
		"press":          (*script).cmdPress,
		"hangup":         (*script).cmdHangup,
		"participant":    (*script).cmdParticipant,
		"hold":           (*script).cmdHold,
		"unhold":         (*script).cmdUnhold,
		"mute":           (*script).cmdMute,
		"unmute":         (*script).cmdMute,
		"kick":           (*script).cmdKick,
		"end-conference": (*script).cmdEndConference,
		"create-queue":   (*script).cmdCreateQueue,
		"dequeue":        (*script).cmdDequeue,
		// Recordings (script_cmds_recording_test.go).
		"record":           (*script).cmdRecord,
		"pause-recording":  (*script).cmdUpdateRecording,
		"resume-recording": (*script).cmdUpdateRecording,
		"stop-recording":   (*script).cmdUpdateRecording,
		// Looking.
		"hears":      (*script).cmdHears,
		"intervals":  (*script).cmdIntervals,
		"calls":      (*script).cmdCalls,
		"trace":      (*script).cmdTrace,
		"conference": (*script).cmdConference,
		"queue":      (*script).cmdQueue,
		"requests":   (*script).cmdRequests,
		"recordings": (*script).cmdRecordings,
		"recording":  (*script).cmdRecording,
	}
	// TwiML Apps, Voice SDK devices, user-defined messages.
	maps.Copy(scriptCmds, sdkScriptCmds)
}

// exec runs the command of td.
func (s *script) exec(t *testing.T, td *datadriven.TestData) string {
	cmd, ok := scriptCmds[td.Cmd]
	if !ok {
		td.Fatalf(t, "unknown command %q (see testdata/script/README.md)", td.Cmd)
	}
	s.used = make([]bool, len(td.CmdArgs))
	out := cmd(s, td)
	for i, a := range td.CmdArgs {
		if !s.used[i] {
			td.Fatalf(t, "%s does not take the argument %q (see testdata/script/README.md)", td.Cmd, a.String())
		}
	}
	return out
}

// --- arguments ---

// pos returns the i-th positional argument: one written without "=".
func (s *script) pos(td *datadriven.TestData, i int, what string) string {
	n := 0
	for j, a := range td.CmdArgs {
		if len(a.Vals) > 0 {
			continue
		}
		if n == i {
			s.used[j] = true
			return a.Key
		}
		n++
	}
	td.Fatalf(s.t, "missing %s", what)
	return ""
}

// arg returns the argument key, marking it read.
func (s *script) arg(td *datadriven.TestData, key string) (datadriven.CmdArg, bool) {
	for i, a := range td.CmdArgs {
		if a.Key == key {
			s.used[i] = true
			return a, true
		}
	}
	return datadriven.CmdArg{}, false
}

// given reports whether the argument key is given, marking it read.
func (s *script) given(td *datadriven.TestData, key string) bool {
	_, ok := s.arg(td, key)
	return ok
}

// opt returns the value of key=value, or def.
func (s *script) opt(td *datadriven.TestData, key, def string) string {
	a, ok := s.arg(td, key)
	if !ok || len(a.Vals) == 0 {
		return def
	}
	if len(a.Vals) != 1 {
		td.Fatalf(s.t, "%s takes one value, not %d", key, len(a.Vals))
	}
	return a.Vals[0]
}

// list returns the values of key=(a, b, ...).
func (s *script) list(td *datadriven.TestData, key string) []string {
	a, _ := s.arg(td, key)
	return a.Vals
}

// req returns the value of key=value, which must be given.
func (s *script) req(td *datadriven.TestData, key string) string {
	v := s.opt(td, key, "")
	if v == "" {
		td.Fatalf(s.t, "missing %s=", key)
	}
	return v
}

// has reports whether the flag key (or key=true) is given.
func (s *script) has(td *datadriven.TestData, key string) bool {
	a, ok := s.arg(td, key)
	if !ok {
		return false
	}
	if len(a.Vals) == 0 {
		return true
	}
	b, err := strconv.ParseBool(a.Vals[0])
	if err != nil {
		td.Fatalf(s.t, "%s=%s: %v", key, a.Vals[0], err)
	}
	return b
}

// optBool returns a pointer to key's boolean value, or nil if not given.
func (s *script) optBool(td *datadriven.TestData, key string) *bool {
	if _, ok := s.arg(td, key); !ok {
		return nil
	}
	return ptr(s.has(td, key))
}

// dur returns the duration of key=value, or def.
func (s *script) dur(td *datadriven.TestData, key string, def time.Duration) time.Duration {
	v := s.opt(td, key, "")
	if v == "" {
		return def
	}
	d, err := time.ParseDuration(v)
	if err != nil {
		td.Fatalf(s.t, "%s=%s: %v", key, v, err)
	}
	return d
}

// appURL expands the app's short URLs: "/voice" is https://app.test/voice.
func appURL(u string) string {
	if strings.HasPrefix(u, "/") {
		return appBase + u
	}
	return u
}

// call resolves a call by short SID (CA..0002, as traces write it) or full
// SID.
func (s *script) call(td *datadriven.TestData, ref string) *Call {
	for _, c := range s.w.e.Calls(CallFilter{}) {
		if c.Sid == ref || wire.Short(c.Sid) == ref {
			return c
		}
	}
	td.Fatalf(s.t, "no call %s", ref)
	return nil
}

// conference resolves a conference by friendly name (the newest with it)
// or short SID.
func (s *script) conference(td *datadriven.TestData, ref string) *Conference {
	for _, cf := range s.w.e.Conferences(ConferenceFilter{}) {
		if cf.FriendlyName == ref || cf.Sid == ref || wire.Short(cf.Sid) == ref {
			return cf
		}
	}
	td.Fatalf(s.t, "no conference %s", ref)
	return nil
}

// queue resolves a queue by friendly name or short SID.
func (s *script) queue(td *datadriven.TestData, ref string) *Queue {
	for _, q := range s.w.e.Queues() {
		if q.FriendlyName == ref || q.Sid == ref || wire.Short(q.Sid) == ref {
			return q
		}
	}
	td.Fatalf(s.t, "no queue %s", ref)
	return nil
}

// participantRef turns a participant reference (label or call) into what
// the engine takes: a label, or a full call SID.
func (s *script) participantRef(td *datadriven.TestData, ref string) string {
	if strings.HasPrefix(ref, "CA") {
		return s.call(td, ref).Sid
	}
	return ref
}

// done renders the outcome of a command that changes the world: the
// engine's error, or out. What follows at once has run (the world is
// settled), so that the next trace shows it.
func (s *script) done(out string, err error) string {
	if err != nil {
		return "error: " + err.Error()
	}
	s.run(0)
	return out
}

// name renders a call as traces do: "CA..0002 (agent)".
func name(c *Call) string {
	if c.Label() != "" {
		return wire.Short(c.Sid) + " (" + c.Label() + ")"
	}
	return wire.Short(c.Sid)
}

// --- setting up ---

func (s *script) cmdNumber(td *datadriven.TestData) string {
	p := NumberParams{PhoneNumber: s.pos(td, 0, "phone number"), VoiceMethod: s.opt(td, "method", "")}
	p.VoiceURL = ptr(appURL(s.req(td, "url")))
	if f := s.opt(td, "fallback", ""); f != "" {
		p.VoiceFallbackURL = ptr(appURL(f))
	}
	if cb := s.opt(td, "status-callback", ""); cb != "" {
		p.StatusCallback = ptr(appURL(cb))
	}
	_, err := s.w.e.CreateNumber(p)
	return s.done("", err)
}

func (s *script) cmdPhone(td *datadriven.TestData) string {
	return s.done("", s.w.e.SetPhone(s.pos(td, 0, "address"), s.phoneScript(td)))
}

// phoneScript reads how a phone or an SDK device behaves: name, answer,
// after, hangup-after and press=<duration>:<digits>.
func (s *script) phoneScript(td *datadriven.TestData) PhoneScript {
	ps := PhoneScript{
		Name:        s.opt(td, "name", ""),
		Answer:      Answer(s.opt(td, "answer", "")),
		After:       s.dur(td, "after", 0),
		HangUpAfter: s.dur(td, "hangup-after", 0),
	}
	for _, p := range s.list(td, "press") {
		at, digits, ok := strings.Cut(p, ":")
		d, err := time.ParseDuration(at)
		if !ok || err != nil {
			td.Fatalf(s.t, "press=%s: want <duration>:<digits>", p)
		}
		ps.Presses = append(ps.Presses, Press{After: d, Digits: digits})
	}
	return ps
}

func (s *script) cmdApp(td *datadriven.TestData) string {
	u := appURL(s.pos(td, 0, "URL"))
	delete(s.canned, u)
	switch {
	case s.given(td, "status"):
		code, err := strconv.Atoi(s.req(td, "status"))
		if err != nil {
			td.Fatalf(s.t, "status: %v", err)
		}
		s.canned[u] = Result{StatusCode: code, ErrCode: 11200, Err: "HTTP " + strconv.Itoa(code)}
	case s.has(td, "unreachable"):
		s.canned[u] = Result{ErrCode: 11205, Err: "connection refused"}
	case s.given(td, "content-type"):
		s.canned[u] = Result{StatusCode: 200, ContentType: s.req(td, "content-type"), Body: []byte(td.Input)}
	default:
		s.w.app.twiml(u, s.expandApps(td, td.Input))
	}
	return ""
}

func (s *script) cmdMedia(td *datadriven.TestData) string {
	d, err := time.ParseDuration(s.pos(td, 1, "duration"))
	if err != nil {
		td.Fatalf(s.t, "%v", err)
	}
	s.w.e.SetMediaDuration(appURL(s.pos(td, 0, "URL")), d)
	return ""
}

// --- acting ---

func (s *script) cmdCall(td *datadriven.TestData) string {
	p := CallParams{
		To: s.req(td, "to"), From: s.req(td, "from"),
		URL: appURL(s.opt(td, "url", "")), Method: s.opt(td, "method", ""),
		Twiml:                td.Input,
		FallbackURL:          appURL(s.opt(td, "fallback", "")),
		StatusCallback:       appURL(s.opt(td, "status-callback", "")),
		StatusCallbackEvents: s.list(td, "events"),
		Timeout:              s.dur(td, "timeout", 0),
		TimeLimit:            s.dur(td, "time-limit", 0),
		Record:               s.has(td, "record"),
	}
	if p.Record {
		p.Recording = s.recordingOptions(td, "recording-")
	}
	c, err := s.w.e.CreateCall(p)
	if err != nil {
		return s.done("", err)
	}
	return s.done(wire.Short(c.Sid), nil)
}

func (s *script) cmdPlace(td *datadriven.TestData) string {
	c, err := s.w.e.PlaceCall(s.req(td, "from"), s.req(td, "to"))
	if err != nil {
		return s.done("", err)
	}
	return s.done(wire.Short(c.Sid), nil)
}

func (s *script) cmdAdvance(td *datadriven.TestData) string {
	d, err := time.ParseDuration(s.pos(td, 0, "duration"))
	if err != nil || d < 0 {
		td.Fatalf(s.t, "advance %s: want a duration such as 30s", s.pos(td, 0, "duration"))
	}
	s.run(d)
	return "now " + Offset(s.w.e.Now().Sub(s.w.e.Start()))
}

func (s *script) cmdRedirect(td *datadriven.TestData) string {
	c := s.call(td, s.pos(td, 0, "call"))
	p := UpdateParams{URL: appURL(s.opt(td, "url", "")), Method: s.opt(td, "method", ""), Twiml: td.Input}
	if p.URL == "" && p.Twiml == "" {
		td.Fatalf(s.t, "redirect needs url= or a TwiML document")
	}
	_, err := s.w.e.UpdateCall(c.Sid, p)
	return s.done("", err)
}

func (s *script) cmdUpdate(td *datadriven.TestData) string {
	c := s.call(td, s.pos(td, 0, "call"))
	p := UpdateParams{Status: Status(s.opt(td, "status", "")), FallbackURL: appURL(s.opt(td, "fallback", ""))}
	if s.given(td, "time-limit") {
		p.TimeLimit = ptr(s.dur(td, "time-limit", 0))
	}
	_, err := s.w.e.UpdateCall(c.Sid, p)
	return s.done("", err)
}

func (s *script) cmdPress(td *datadriven.TestData) string {
	c := s.call(td, s.pos(td, 0, "call"))
	return s.done("", s.w.e.PressDigits(c.Sid, s.pos(td, 1, "digits")))
}

func (s *script) cmdHangup(td *datadriven.TestData) string {
	c := s.call(td, s.pos(td, 0, "call"))
	return s.done("", s.w.e.HangUp(c.Sid))
}

func (s *script) cmdParticipant(td *datadriven.TestData) string {
	p := ParticipantParams{
		From: s.req(td, "from"), To: s.req(td, "to"),
		CallerID:                       s.opt(td, "caller-id", ""),
		CallerDisplayName:              s.opt(td, "caller-name", ""),
		Label:                          s.opt(td, "label", ""),
		Muted:                          s.has(td, "muted"),
		Beep:                           s.opt(td, "beep", ""),
		StartConferenceOnEnter:         s.optBool(td, "start-on-enter"),
		EndConferenceOnExit:            s.has(td, "end-on-exit"),
		Timeout:                        s.dur(td, "timeout", 0),
		ConferenceStatusCallback:       appURL(s.opt(td, "conference-callback", "")),
		ConferenceStatusCallbackEvents: s.list(td, "conference-events"),
	}
	if s.given(td, "wait-url") {
		p.WaitURL, p.WaitURLSet = appURL(s.opt(td, "wait-url", "")), true
	}
	pt, err := s.w.e.CreateParticipant(s.pos(td, 0, "conference"), p)
	if err != nil {
		return s.done("", err)
	}
	return s.done(wire.Short(pt.CallSid), nil)
}

func (s *script) cmdHold(td *datadriven.TestData) string {
	cf := s.conference(td, s.pos(td, 0, "conference"))
	u := ParticipantUpdate{Hold: ptr(true), HoldMethod: s.opt(td, "method", "")}
	if s.given(td, "url") {
		u.HoldURL = ptr(appURL(s.opt(td, "url", "")))
	}
	_, err := s.w.e.UpdateParticipant(cf.Sid, s.participantRef(td, s.pos(td, 1, "participant")), u)
	return s.done("", err)
}

func (s *script) cmdUnhold(td *datadriven.TestData) string {
	cf := s.conference(td, s.pos(td, 0, "conference"))
	_, err := s.w.e.UpdateParticipant(cf.Sid, s.participantRef(td, s.pos(td, 1, "participant")), ParticipantUpdate{Hold: ptr(false)})
	return s.done("", err)
}

func (s *script) cmdMute(td *datadriven.TestData) string {
	cf := s.conference(td, s.pos(td, 0, "conference"))
	u := ParticipantUpdate{Muted: ptr(td.Cmd == "mute")}
	_, err := s.w.e.UpdateParticipant(cf.Sid, s.participantRef(td, s.pos(td, 1, "participant")), u)
	return s.done("", err)
}

func (s *script) cmdKick(td *datadriven.TestData) string {
	cf := s.conference(td, s.pos(td, 0, "conference"))
	return s.done("", s.w.e.KickParticipant(cf.Sid, s.participantRef(td, s.pos(td, 1, "participant"))))
}

func (s *script) cmdEndConference(td *datadriven.TestData) string {
	cf := s.conference(td, s.pos(td, 0, "conference"))
	_, err := s.w.e.UpdateConference(cf.Sid, ConferenceUpdate{Status: ConferenceCompleted})
	return s.done("", err)
}

func (s *script) cmdCreateQueue(td *datadriven.TestData) string {
	max, err := strconv.Atoi(s.opt(td, "max", "0"))
	if err != nil {
		td.Fatalf(s.t, "max: %v", err)
	}
	q, err := s.w.e.CreateQueue(s.pos(td, 0, "queue name"), max)
	if err != nil {
		return s.done("", err)
	}
	return s.done(wire.Short(q.Sid), nil)
}

func (s *script) cmdDequeue(td *datadriven.TestData) string {
	q := s.queue(td, s.pos(td, 0, "queue"))
	who := s.pos(td, 1, "member (a call or Front)")
	if who != "Front" {
		who = s.call(td, who).Sid
	}
	m, err := s.w.e.DequeueMember(q.Sid, who, appURL(s.req(td, "url")), s.opt(td, "method", ""))
	if err != nil {
		return s.done("", err)
	}
	return s.done(fmt.Sprintf("dequeued %s from position %d after %s", wire.Short(m.CallSid), m.Position, m.WaitTime), nil)
}

// --- looking ---

func (s *script) cmdHears(td *datadriven.TestData) string {
	h, err := s.w.e.Hears(s.call(td, s.pos(td, 0, "call")).Sid)
	if err != nil {
		return "error: " + err.Error()
	}
	return h.String()
}

func (s *script) cmdIntervals(td *datadriven.TestData) string {
	ivs, err := s.w.e.Intervals(s.call(td, s.pos(td, 0, "call")).Sid)
	if err != nil {
		return "error: " + err.Error()
	}
	var b strings.Builder
	start := s.w.e.Start()
	for _, iv := range ivs {
		end := "..."
		if !iv.End.IsZero() {
			end = Offset(iv.End.Sub(start))
		}
		fmt.Fprintf(&b, "%s  %-12s  %s\n", Offset(iv.Start.Sub(start)), end, iv.Hearing)
	}
	return b.String()
}

func (s *script) cmdCalls(td *datadriven.TestData) string {
	calls := s.w.e.Calls(CallFilter{})
	slices.Reverse(calls) // oldest first, as the trace names them
	var b strings.Builder
	tw := tabwriter.NewWriter(&b, 0, 8, 2, ' ', 0)
	fmt.Fprintln(tw, "CALL\tLABEL\tDIRECTION\tPARENT\tFROM\tTO\tSTATUS\tDURATION")
	for _, c := range calls {
		label, parent, d := c.Label(), wire.Short(c.ParentCallSid), "-"
		if label == "" {
			label = "-"
		}
		if parent == "" {
			parent = "-"
		}
		if dd, ok := c.Duration(); ok {
			d = dd.String()
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", wire.Short(c.Sid), label, c.Direction, parent, c.From, c.To, c.Status, d)
	}
	must(s.t, tw.Flush())
	return b.String()
}

func (s *script) cmdTrace(td *datadriven.TestData) string {
	entries := s.w.e.TraceSince(s.traced)
	if len(entries) == 0 {
		return "(nothing new)"
	}
	s.traced = entries[len(entries)-1].Seq
	if kinds := s.list(td, "kinds"); len(kinds) > 0 {
		entries = slices.DeleteFunc(entries, func(en Entry) bool { return !slices.Contains(kinds, string(en.Kind)) })
		if len(entries) == 0 {
			return "(nothing new of these kinds)"
		}
	}
	var b strings.Builder
	must(s.t, WriteTrace(&b, s.w.e.Start(), entries))
	return b.String()
}

func (s *script) cmdConference(td *datadriven.TestData) string {
	cf := s.conference(td, s.pos(td, 0, "conference"))
	var b strings.Builder
	fmt.Fprintf(&b, "conference %s (%s): %s", cf.FriendlyName, wire.Short(cf.Sid), cf.Status)
	if cf.ReasonEnded != "" {
		fmt.Fprintf(&b, ", ReasonConferenceEnded=%s", cf.ReasonEnded)
	}
	if cf.CallSidEnding != "" {
		fmt.Fprintf(&b, ", CallSidEndingConference=%s", wire.Short(cf.CallSidEnding))
	}
	b.WriteByte('\n')
	pts, err := s.w.e.Participants(cf.Sid, ParticipantFilter{})
	if err != nil {
		return "error: " + err.Error()
	}
	for _, p := range pts {
		c, _ := s.w.e.Call(p.CallSid)
		fmt.Fprintf(&b, "%s: %s", name(c), p.Status())
		if p.Label != "" {
			fmt.Fprintf(&b, ", label %s", p.Label)
		}
		for _, f := range []struct {
			on   bool
			text string
		}{
			{p.Hold, "hold"}, {p.Muted, "muted"}, {p.Coaching, "coaching"},
			{!p.StartConferenceOnEnter, "startConferenceOnEnter=false"},
			{p.EndConferenceOnExit, "endConferenceOnExit"},
		} {
			if f.on {
				b.WriteString(", " + f.text)
			}
		}
		b.WriteByte('\n')
	}
	return b.String()
}

func (s *script) cmdQueue(td *datadriven.TestData) string {
	q := s.queue(td, s.pos(td, 0, "queue"))
	now := s.w.e.Now()
	var b strings.Builder
	fmt.Fprintf(&b, "queue %s (%s): %d of %d waiting, average wait %s\n", q.FriendlyName, wire.Short(q.Sid), q.CurrentSize(), q.MaxSize, q.AverageWaitTime(now))
	ms, err := s.w.e.Members(q.Sid)
	if err != nil {
		return "error: " + err.Error()
	}
	for _, m := range ms {
		c, _ := s.w.e.Call(m.CallSid)
		fmt.Fprintf(&b, "%d. %s waited %s\n", m.Position, name(c), m.WaitTime)
	}
	return b.String()
}

// cmdRequests lists the webhooks made to one URL, with their parameters.
func (s *script) cmdRequests(td *datadriven.TestData) string {
	u := appURL(s.pos(td, 0, "URL"))
	var b strings.Builder
	for i, r := range s.w.app.requestsTo(u) {
		fmt.Fprintf(&b, "%d. %s %s %s (%s)\n", i+1, wire.Short(r.CallSid), r.Method, r.Purpose, paramSummary(r.Params))
	}
	if b.Len() == 0 {
		return "(none)"
	}
	return b.String()
}
