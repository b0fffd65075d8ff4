package scenarios

import (
	"fmt"
	"maps"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/holdlab/holdlab/fakeapi/sim"
	"github.com/holdlab/holdlab/fakeapi/wire"
	"github.com/holdlab/holdlab/scenarios/recording"
	"github.com/holdlab/holdlab/timeline"
	openapi "github.com/twilio/twilio-go/rest/api/v2010"
)

// storyFiles writes the recordings and timelines of a Run, numbering the
// files of scenarios that share a name.
type storyFiles struct {
	mu    sync.Mutex
	taken map[string]bool
	pages map[pageKey]string // a scenario run's timeline page, relative to the timeline folder
}

// pageKey names a scenario run for the index of timeline pages.
type pageKey struct {
	run, feature, scenario string
	line                   int
}

func keyOf(r Result) pageKey { return pageKey{r.Run, r.Feature, r.Scenario, r.Line} }

// write records the end of a scenario and writes its story where cfg says.
func (f *storyFiles) write(cfg Config, w *world, r Result) error {
	if cfg.RecordDir == "" && cfg.TimelineDir == "" {
		return nil
	}
	rec := w.recorder()
	if rec == nil {
		return nil
	}
	calls := w.endStatuses(rec)
	f.mu.Lock()
	defer f.mu.Unlock()
	if cfg.RecordDir != "" {
		n := recording.Normalizer{Names: w.placeholders()}
		story := recording.Recording{
			Header: recording.Header{Run: r.Run, Feature: r.Feature, Scenario: r.Scenario, Target: w.target, Outcome: string(r.Status)},
			Events: n.Normalize(rec.Start(), rec.Events()),
		}
		if _, err := story.WriteFile(cfg.RecordDir, f.taken); err != nil {
			return fmt.Errorf("write the recording: %w", err)
		}
	}
	if cfg.TimelineDir != "" {
		tl := w.timeline(r, rec, calls)
		base := strings.TrimSuffix(recording.FileName(r.Run, r.Feature, r.Scenario), ".jsonl")
		for i := 2; f.taken["timeline:"+base]; i++ {
			base = strings.TrimSuffix(recording.FileName(r.Run, r.Feature, r.Scenario), ".jsonl") + fmt.Sprintf("-%d", i)
		}
		f.taken["timeline:"+base] = true
		if err := writeTimeline(filepath.Join(cfg.TimelineDir, base), tl); err != nil {
			return err
		}
		if f.pages == nil {
			f.pages = map[pageKey]string{}
		}
		f.pages[keyOf(r)] = filepath.ToSlash(base) + ".html"
	}
	return nil
}

// writeIndex writes index.html into the timeline folder: every scenario
// run of the report, with its result and why, linking to its page.
func (f *storyFiles) writeIndex(cfg Config, rep Report) error {
	if cfg.TimelineDir == "" {
		return nil
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	var runs []timeline.IndexRun
	for _, r := range rep.sorted() {
		runs = append(runs, timeline.IndexRun{
			Run: r.Run, Feature: rep.path(r), Scenario: r.Scenario, Line: r.Line,
			Status: string(r.Status), Reason: rep.Reason(r), Href: f.pages[keyOf(r)],
		})
	}
	if err := os.MkdirAll(cfg.TimelineDir, 0o755); err != nil {
		return fmt.Errorf("write the timeline index: %w", err)
	}
	file, err := os.Create(filepath.Join(cfg.TimelineDir, "index.html"))
	if err != nil {
		return fmt.Errorf("write the timeline index: %w", err)
	}
	if err := timeline.Index(file, "holdlab timelines", runs); err != nil {
		file.Close()
		return err
	}
	if err := file.Close(); err != nil {
		return fmt.Errorf("write the timeline index: %w", err)
	}
	return nil
}

// writeTimeline writes base.html, base.svg and base.mmd.
func writeTimeline(base string, tl timeline.Timeline) error {
	if err := os.MkdirAll(filepath.Dir(base), 0o755); err != nil {
		return fmt.Errorf("write the timeline: %w", err)
	}
	for ext, render := range map[string]func(*os.File) error{
		".html": func(f *os.File) error { return timeline.HTML(f, tl) },
		".svg":  func(f *os.File) error { return timeline.SVG(f, tl) },
		".mmd":  func(f *os.File) error { return timeline.Mermaid(f, tl) },
	} {
		f, err := os.Create(base + ext)
		if err != nil {
			return fmt.Errorf("write the timeline: %w", err)
		}
		if err := render(f); err != nil {
			f.Close()
			return err
		}
		if err := f.Close(); err != nil {
			return fmt.Errorf("write the timeline: %w", err)
		}
	}
	return nil
}

// endStatuses records the status of every call the story mentions or the
// steps looked at (not the phones' own sides on Twilio), and returns them.
func (w *world) endStatuses(rec *recording.Recorder) []openapi.ApiV2010Call {
	w.mu.Lock()
	sids := append([]string(nil), w.legsSeen...)
	w.mu.Unlock()
	seen := map[string]bool{}
	var order []string
	for _, sid := range append(rec.CallSids(), sids...) {
		if !seen[sid] {
			seen[sid] = true
			order = append(order, sid)
		}
	}
	rec.Step("(end of the scenario)")
	var out []openapi.ApiV2010Call
	for _, sid := range order {
		c, err := w.api.FetchCall(sid, nil)
		if err != nil || w.be.handset(*c) {
			continue
		}
		out = append(out, *c)
		rec.End(sid, deref(c.Status), deref(c.Duration))
	}
	return out
}

// placeholders are the names recordings use for the target's values.
func (w *world) placeholders() map[string]string {
	names := w.cast.names()
	names[w.be.appBase()] = "{app}"
	names[w.be.rawBase()] = "{raw}"
	names[w.be.musicURL()] = "{music}"
	if w.app != nil {
		names[w.app.Spec().BaseURL] = "{app}"
	}
	return names
}

// role names a call's party for people: "customer", "agent", …
func (w *world) role(c openapi.ApiV2010Call) string {
	from, to := deref(c.From), deref(c.To)
	for role, n := range map[string]string{"customer": w.cast.Customer, "agent": w.cast.Agent, "supervisor": w.cast.Supervisor} {
		if n != "" && (to == n || (from == n && deref(c.Direction) == "inbound")) {
			return role
		}
	}
	return ""
}

// timeline draws the scenario: from the fake's trace and intervals, or, on
// a target that cannot tell what a party hears, from the story alone; with
// its steps, when each began, and its result.
func (w *world) timeline(r Result, rec *recording.Recorder, calls []openapi.ApiV2010Call) timeline.Timeline {
	title := r.Run + " / " + r.Scenario
	sub := fmt.Sprintf("%s · %s · on %s", r.Feature, r.Run, w.target)
	var tl timeline.Timeline
	start, entries, err := w.be.trace()
	if err == nil {
		var legs []timeline.Leg
		all, _ := w.be.calls(w.ctx)
		// Oldest first: the calls are listed newest first.
		for i := len(all) - 1; i >= 0; i-- {
			c := all[i]
			ivs, _ := w.be.intervals(*c.Sid)
			legs = append(legs, timeline.Leg{Sid: *c.Sid, Label: w.role(c), Intervals: ivs})
		}
		music := w.be.musicURL()
		tl = timeline.FromSim(timeline.Sim{
			Title: title, Start: start, End: w.be.now(), Entries: entries, Legs: legs,
			IsHoldMusic: func(h sim.Hearing) bool { return h.Media == music },
			// The app's REST requests as it made them: the trace tells
			// their effects, and not those that failed.
			Requests: requests(rec),
		})
		tl.Subtitle = sub
	} else {
		start = rec.Start()
		tl = w.storyTimeline(title, sub, rec, calls)
	}
	tl.Steps = steps(r, rec, start)
	tl.Outcome = timeline.Outcome{Status: string(r.Status), Reason: Report{}.Reason(r)}
	return tl
}

// steps are the scenario's steps, each with the instant it began, if it
// did: the recorder saw the steps that ran begin, in order.
func steps(r Result, rec *recording.Recorder, start time.Time) []timeline.Step {
	marks := rec.Steps()
	out := make([]timeline.Step, len(r.Steps))
	for i, s := range r.Steps {
		out[i] = timeline.Step{Keyword: s.Keyword, Text: s.Text, Line: s.Line, Status: string(s.Status), Error: s.Error}
		if len(marks) > 0 && marks[0].Text == s.Text {
			out[i].Began, out[i].At, out[i].Seq = true, marks[0].At.Sub(start), 2*marks[0].Mark+1
			marks = marks[1:]
		}
	}
	return out
}

// requests are the recorded REST requests, for a timeline.
func requests(rec *recording.Recorder) []timeline.Request {
	out := []timeline.Request{}
	for _, e := range rec.Events() {
		if e.Kind == recording.KindREST {
			out = append(out, timeline.Request{At: e.At, Mark: e.Mark, Method: e.Method, Path: restPath(e.URL), Form: encodeParams(e.Params), Status: e.Status})
		}
	}
	return out
}

// storyTimeline draws what a target without a trace shows: the legs, with
// what their parties hear not observable, and the webhooks and REST
// requests of the story as markers on the app's row.
func (w *world) storyTimeline(title, sub string, rec *recording.Recorder, calls []openapi.ApiV2010Call) timeline.Timeline {
	start, end := rec.Start(), w.be.now()
	tl := timeline.Timeline{Title: title, Subtitle: sub + " · what the parties hear is not observable here", Duration: end.Sub(start)}
	events := rec.Events()
	first := map[string]time.Duration{}
	lastSeen := map[string]time.Duration{}
	for _, e := range events {
		at := e.At.Sub(start)
		for _, sid := range callSidsIn(e) {
			if _, ok := first[sid]; !ok {
				first[sid] = at
			}
			lastSeen[sid] = at
		}
	}
	for _, c := range calls {
		sid := *c.Sid
		from, ok := first[sid]
		if !ok {
			continue
		}
		to := tl.Duration
		if !live(c) {
			to = max(lastSeen[sid], from)
		}
		label := strings.TrimSpace(w.role(c) + " " + shortSid(sid))
		tl.Lanes = append(tl.Lanes, timeline.Lane{ID: sid, Label: label, Kind: timeline.LaneLeg, Segments: []timeline.Segment{
			{From: from, To: to, Hears: timeline.HearsUnknown, Label: "status " + deref(c.Status) + " at the end"},
		}})
	}
	for i, e := range events {
		m := timeline.Marker{At: e.At.Sub(start), Seq: uint64(i + 1)}
		switch e.Kind {
		case recording.KindWebhook:
			m.Kind, m.About = timeline.MarkWebhook, e.Params.Get("CallSid")
			m.Label = timeline.MarkerLabel(e.Method + " " + e.URL)
			m.Detail = e.Method + " " + e.URL + " (CallStatus=" + e.Params.Get("CallStatus") + ")"
		case recording.KindREST:
			what := e.Method + " " + restPath(e.URL)
			m.Kind, m.Label = timeline.MarkREST, timeline.MarkerLabel(what)
			m.Detail = fmt.Sprintf("%s %s -> HTTP %d", what, encodeParams(e.Params), e.Status)
			if sids := callSidsIn(e); len(sids) > 0 {
				m.About = sids[0]
			}
		default:
			continue
		}
		tl.Markers = append(tl.Markers, m)
	}
	return tl
}

// encodeParams renders a form for people, keys sorted.
func encodeParams(v url.Values) string {
	var parts []string
	for _, k := range slices.Sorted(maps.Keys(v)) {
		parts = append(parts, k+"="+strings.Join(v[k], ","))
	}
	return strings.Join(parts, " ")
}

// callSidsIn lists the call SIDs an event mentions.
func callSidsIn(e recording.Raw) []string {
	var b strings.Builder
	b.WriteString(e.URL)
	for _, vs := range e.Params {
		for _, v := range vs {
			b.WriteString(" " + v)
		}
	}
	b.Write(e.Body)
	return wire.SIDsIn(b.String(), "CA")
}

// restPath shortens a REST URL to its path under the account.
func restPath(u string) string {
	if i := strings.Index(u, "/Accounts/"); i >= 0 {
		rest := u[i+len("/Accounts/"):]
		if j := strings.Index(rest, "/"); j >= 0 {
			return rest[j:]
		}
	}
	return u
}

func shortSid(sid string) string {
	if len(sid) > 8 {
		return sid[:2] + ".." + sid[len(sid)-4:]
	}
	return sid
}
