package timeline

import (
	"bytes"
	"encoding/xml"
	"flag"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/holdlab/holdlab/fakeapi/sim"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

const (
	customer = "CA00000000000000000000000000000001"
	agent    = "CA00000000000000000000000000000002"
	room     = "CF00000000000000000000000000000001"
	queue    = "QU00000000000000000000000000000001"
	music    = "https://cdn.example.com/music.mp3"
)

var t0 = time.Date(2026, 1, 1, 9, 0, 0, 0, time.UTC)

func at(s int) time.Time { return t0.Add(time.Duration(s) * time.Second) }

func hearing(h sim.Hearing) *sim.Hearing { return &h }

// parentRedirect is the trace of the first <Dial> pitfall, written by hand
// so that the golden files depend on the renderer only: the customer calls,
// the agent answers, the app redirects the customer to hold music, and
// Twilio hangs up the agent.
func parentRedirect() Timeline {
	conf := func(st sim.ConferenceStatus) *sim.RoomRef {
		return &sim.RoomRef{Kind: sim.RoomConference, Name: "room", Sid: room, Status: st}
	}
	entries := []sim.Entry{
		{Seq: 1, At: at(0), Call: customer, Kind: sim.KindPhone, Text: "customer calls +15550001000"},
		{Seq: 2, At: at(0), Call: customer, Kind: sim.KindHears, Text: "CA..0001 (customer) now hears ringback", Hearing: hearing(sim.Hearing{Kind: sim.HearRingback})},
		{Seq: 3, At: at(0), Call: customer, Kind: sim.KindWebhook, Text: "voice url POST https://app.test/voice (CallStatus=ringing) -> HTTP 200 text/xml",
			Webhook: &sim.WebhookRef{Purpose: "voice url", Method: "POST", URL: "https://app.test/voice", StatusCode: 200, ContentType: "text/xml"}},
		{Seq: 4, At: at(0), Call: agent, Kind: sim.KindDial, Other: customer, Text: "CA..0001 (customer) dials +15550002000 as child leg CA..0002"},
		{Seq: 5, At: at(0), Call: agent, Kind: sim.KindHears, Text: "CA..0002 (agent) now hears nothing (not answered)"},
		{Seq: 6, At: at(2), Call: agent, Kind: sim.KindStatus, Cause: sim.CausePhoneAnswered, Text: "CA..0002 (agent) ringing -> in-progress: the phone answered"},
		{Seq: 7, At: at(2), Call: agent, Kind: sim.KindHears, Text: "CA..0002 (agent) now hears party CA..0001"},
		{Seq: 8, At: at(2), Call: customer, Kind: sim.KindHears, Text: "CA..0001 (customer) now hears party CA..0002"},
		{Seq: 9, At: at(30), Call: customer, Kind: sim.KindREST, REST: &sim.RESTRef{Method: "POST", Path: "/Calls/" + customer},
			Text: "POST /Calls/CA..0001 Url=https://app.test/hold redirects CA..0001 (customer)"},
		{Seq: 10, At: at(30), Call: agent, Kind: sim.KindStatus, Cause: sim.CauseParentRedirected,
			Text: "CA..0002 (agent) in-progress -> completed: its parent CA..0001 was redirected by REST while bridged"},
		{Seq: 11, At: at(30), Call: agent, Kind: sim.KindHears, Text: "CA..0002 (agent) now hears nothing (ended)"},
		{Seq: 12, At: at(30), Call: customer, Kind: sim.KindWebhook, Text: "redirect by REST POST https://app.test/hold (CallStatus=in-progress) -> HTTP 200 text/xml",
			Webhook: &sim.WebhookRef{Purpose: "redirect by REST", Method: "POST", URL: "https://app.test/hold", StatusCode: 200, ContentType: "text/xml"}},
		{Seq: 13, At: at(30), Call: customer, Kind: sim.KindHears, Text: `CA..0001 (customer) now hears play "https://cdn.example.com/music.mp3"`},
		{Seq: 14, At: at(3600), Kind: sim.KindConf, Room: conf(sim.ConferenceInit), Text: "conference room (CF..0001) is created"},
		{Seq: 15, At: at(3630), Kind: sim.KindConf, Room: conf(sim.ConferenceCompleted), Cause: sim.EndedLastLeft, Text: "conference room ends: last-participant-left"},
	}
	legs := []Leg{
		{Sid: customer, Label: "customer", Intervals: []sim.Interval{
			{Start: at(0), End: at(2), Hearing: sim.Hearing{Kind: sim.HearRingback}},
			{Start: at(2), End: at(30), Hearing: sim.Hearing{Kind: sim.HearParty, Parties: []string{agent}}},
			{Start: at(30), Hearing: sim.Hearing{Kind: sim.HearMedia, Source: "play", Media: music}},
		}},
		{Sid: agent, Label: "agent", Intervals: []sim.Interval{
			{Start: at(0), End: at(2), Hearing: sim.Hearing{Kind: sim.HearNothing, Detail: "not answered"}},
			{Start: at(2), End: at(30), Hearing: sim.Hearing{Kind: sim.HearParty, Parties: []string{customer}}},
			{Start: at(30), Hearing: sim.Hearing{Kind: sim.HearNothing, Detail: "ended"}},
		}},
	}
	tl := FromSim(Sim{
		Title: "platform / Redirecting the parent leg hangs up the child", Start: t0, End: at(3660),
		Entries: entries, Legs: legs, IsHoldMusic: func(h sim.Hearing) bool { return h.Media == music },
	})
	tl.Subtitle = "dial_pitfalls.feature · on fake"
	tl.Steps = []Step{
		{Keyword: "Given ", Text: "the customer is talking to the agent", Line: 10, Status: "passed", Began: true, At: 0, Seq: 1},
		{Keyword: "When ", Text: "the app redirects the customer to hold music", Line: 11, Status: "passed", Began: true, At: 30 * time.Second, Seq: 17},
		{Keyword: "Then ", Text: "the agent is still on the line", Line: 12, Status: "expected failure", Error: "the agent's call is completed; want it to be in progress", Began: true, At: 3660 * time.Second, Seq: 31},
		{Keyword: "And ", Text: "the customer hears hold music", Line: 13, Status: "skipped"},
	}
	tl.Outcome = Outcome{Status: "expected failure", Reason: "expected failure: redirecting the parent leg of a <Dial> makes Twilio hang up the child: the agent's call is completed; want it to be in progress"}
	return tl
}

func TestFromSim(t *testing.T) {
	tl := parentRedirect()
	if len(tl.Lanes) != 3 {
		t.Fatalf("%d lanes, want customer, agent and the conference", len(tl.Lanes))
	}
	tests := []struct {
		name  string
		lane  int
		seg   int
		hears Hears
		label string
		cause string
	}{
		{"ringback first", 0, 0, HearsRingback, "hears ringback", "customer calls"},
		{"bridged", 0, 1, HearsParty, "hears agent CA..0002", ""},
		{"the app's music is hold music", 0, 2, HearsHoldMusic, "hears hold music music.mp3", "redirect by REST"},
		{"the child is hung up", 1, 2, HearsNothing, "hears nothing (ended)", "[parent-redirected]"},
		{"a conference lane", 2, 0, HearsRoom, "conference room (CF..0001)", "is created"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := tl.Lanes[tc.lane].Segments[tc.seg]
			if s.Hears != tc.hears || s.Label != tc.label || !strings.Contains(s.Cause, tc.cause) {
				t.Errorf("segment = %s %q because %q; want %s %q because …%s…", s.Hears, s.Label, s.Cause, tc.hears, tc.label, tc.cause)
			}
		})
	}
	if got := tl.Lanes[2].Segments[0].To; got != 3630*time.Second {
		t.Errorf("the conference lane ends at %s, want when the conference completes", got)
	}
	if got := tl.Lanes[0].Segments[2].To; got != tl.Duration {
		t.Errorf("the running interval ends at %s, want the end of the scenario", got)
	}
	kinds := map[MarkerKind]int{}
	for _, m := range tl.Markers {
		kinds[m.Kind]++
		if (m.Kind == MarkREST || m.Kind == MarkWebhook) && (m.Lane != "" || m.About != customer) {
			t.Errorf("%s marker %q on lane %q about %q; want the app's row, about the customer", m.Kind, m.Label, m.Lane, m.About)
		}
	}
	if kinds[MarkREST] != 1 || kinds[MarkWebhook] != 2 || kinds[MarkEvent] != 2 {
		t.Errorf("markers %v, want 1 REST, 2 webhooks, 2 events", kinds)
	}
}

// A queue is named by the trace's room, never by a word cut out of a
// sentence: "(the caller came from queue hold-CA..0001)" once gave a
// second, phantom lane `queue hold-CA..0001)`.
func TestOneLanePerRoom(t *testing.T) {
	name := "hold-" + customer
	q := &sim.RoomRef{Kind: sim.RoomQueue, Name: name, Sid: queue}
	entries := []sim.Entry{
		{Seq: 1, At: at(10), Call: customer, Kind: sim.KindQueue, Room: q, Text: "queue hold-CA..0001 (QU..0001) is created on demand (MaxSize 100)"},
		{Seq: 2, At: at(10), Call: customer, Kind: sim.KindQueue, Room: q, Text: "CA..0001 (customer) waits in queue hold-CA..0001 at position 1"},
		{Seq: 3, At: at(70), Call: customer, Kind: sim.KindQueue, Room: q, Other: agent, Text: "CA..0002 (agent) takes CA..0001 (customer) from the front of queue hold-CA..0001 (it waited 1m0s)"},
		{Seq: 4, At: at(70), Call: agent, Kind: sim.KindQueue, Room: q, Other: customer, Text: "CA..0002 (agent) and CA..0001 (customer) are bridged (the caller came from queue hold-CA..0001)"},
	}
	tl := FromSim(Sim{Start: t0, End: at(80), Entries: entries, Legs: []Leg{{Sid: customer, Label: "customer"}, {Sid: agent, Label: "agent"}}})
	var rooms []string
	for _, l := range tl.Lanes {
		if l.Kind != LaneLeg {
			rooms = append(rooms, l.Label)
		}
	}
	if len(rooms) != 1 || rooms[0] != "queue hold-CA..0001" {
		t.Errorf("room lanes %q, want one: queue hold-CA..0001", rooms)
	}
	for _, m := range tl.Markers {
		if m.Lane != queue {
			t.Errorf("event %q on lane %q, want the queue's", m.Detail, m.Lane)
		}
	}
}

// What a segment's colour says and what its words say agree: the app's
// music is hold music, also where a queue plays it as its wait music.
func TestColourAndLabelAgree(t *testing.T) {
	q := &sim.RoomRef{Kind: sim.RoomQueue, Name: "hold-" + customer, Sid: queue}
	tests := []struct {
		name  string
		h     sim.Hearing
		room  *sim.RoomRef
		hears Hears
		label string
	}{
		{"the app's music as a queue's wait music", sim.Hearing{Kind: sim.HearMedia, Source: "wait-music", Media: music}, q, HearsHoldMusic,
			"hears hold music music.mp3 (as the wait music of queue hold-CA..0001)"},
		{"Twilio's wait music", sim.Hearing{Kind: sim.HearMedia, Source: "wait-music", Media: sim.DefaultMusicURL}, q, HearsWaitMusic,
			"hears wait music holdmusic?Bucket=com.twilio.music.classical (of queue hold-CA..0001)"},
		{"a participant's hold music", sim.Hearing{Kind: sim.HearMedia, Source: "hold-music", Media: sim.DefaultMusicURL}, nil, HearsHoldMusic,
			"hears hold music holdmusic?Bucket=com.twilio.music.classical"},
		{"the app's music played by <Play>", sim.Hearing{Kind: sim.HearMedia, Source: "play", Media: music}, nil, HearsHoldMusic, "hears hold music music.mp3"},
		{"other audio", sim.Hearing{Kind: sim.HearMedia, Source: "say", Media: "Please hold"}, nil, HearsMedia, "hears say Please hold"},
	}
	b := builder{in: Sim{IsHoldMusic: func(h sim.Hearing) bool { return h.Media == music }}, names: map[string]string{}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			hears, label := b.hearing(tc.h, tc.room)
			if hears != tc.hears || label != tc.label {
				t.Errorf("got %s %q, want %s %q", hears, label, tc.hears, tc.label)
			}
			for _, p := range palette {
				if p.hears == hears && !strings.Contains(label, p.name) && (hears == HearsHoldMusic || hears == HearsWaitMusic) {
					t.Errorf("coloured %q, but the label says %q", p.name, label)
				}
			}
		})
	}
}

// The app's REST requests are markers on the app's row, about the lane
// they changed, with the trace's entries they caused as their effects; a
// request that changed nothing (an error) is there all the same.
func TestRequests(t *testing.T) {
	entries := []sim.Entry{
		{Seq: 1, At: at(0), Call: customer, Kind: sim.KindHears, Text: "CA..0001 (customer) now hears ringback"},
		{Seq: 2, At: at(30), Call: customer, Kind: sim.KindREST, REST: &sim.RESTRef{Method: "POST", Path: "/Calls/" + customer}, Text: "POST /Calls/CA..0001 Url=https://app.test/hold redirects CA..0001 (customer)"},
		{Seq: 3, At: at(40), Kind: sim.KindREST, REST: &sim.RESTRef{Method: "POST", Path: "/IncomingPhoneNumbers"}, Text: "IncomingPhoneNumber +15550001000 (PN..0001) now belongs to the account"},
	}
	reqs := []Request{
		{At: at(30), Mark: 1, Method: "POST", Path: "/Calls/" + customer + ".json", Form: "Url=https://app.test/hold", Status: 200},
		{At: at(50), Mark: 3, Method: "POST", Path: "/Calls/" + agent + ".json", Form: "Url=https://app.test/hold", Status: 400},
	}
	tl := FromSim(Sim{Start: t0, End: at(60), Entries: entries, Legs: []Leg{{Sid: customer}, {Sid: agent}}, Requests: reqs})
	var rest, events []Marker
	for _, m := range tl.Markers {
		switch m.Kind {
		case MarkREST:
			rest = append(rest, m)
		case MarkEvent:
			events = append(events, m)
		}
	}
	if len(rest) != 2 {
		t.Fatalf("%d REST markers, want one per request: %+v", len(rest), rest)
	}
	if m := rest[0]; m.Lane != "" || m.About != customer || !strings.Contains(m.Detail, "-> HTTP 200\n=> POST /Calls/CA..0001 Url=https://app.test/hold redirects") || m.Label != "POST /Calls/CA..0001" {
		t.Errorf("the redirect: %+v", m)
	}
	if m := rest[1]; m.About != agent || !strings.HasSuffix(m.Detail, "-> HTTP 400") {
		t.Errorf("the failed request: %+v", m)
	}
	if len(events) != 1 || !strings.Contains(events[0].Detail, "IncomingPhoneNumber") {
		t.Errorf("a REST entry no request claims is an event: %+v", events)
	}
}

// The picture is as wide as its content: the last tick and its label are
// inside it, however long the run.
func TestWidthFollowsContent(t *testing.T) {
	for _, n := range []int{2, 10, 60} {
		tl := Timeline{Title: "t", Duration: time.Duration(n) * time.Minute, Lanes: []Lane{{ID: customer, Label: "customer", Kind: LaneLeg}}}
		for i := 0; i < n; i++ {
			tl.Markers = append(tl.Markers, Marker{At: time.Duration(i) * time.Minute, Kind: MarkWebhook, Detail: "x"})
		}
		l := newLayout(tl, svgOptions{})
		if end := l.sc.end() + labelGap/2; end > float64(l.width) {
			t.Errorf("%d ticks: the last tick's label ends at %.0f, beyond the width %d", n, end, l.width)
		}
		var b bytes.Buffer
		if err := SVG(&b, tl); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(b.String(), ">"+strings.TrimPrefix(sim.Offset(tl.Duration), "00:")+"</text>") {
			t.Errorf("%d ticks: the last tick has no label", n)
		}
	}
}

func TestWrap(t *testing.T) {
	tests := []struct {
		s    string
		n    int
		max  int
		want []string
	}{
		{"hears hold music music.mp3", 40, 2, []string{"hears hold music music.mp3"}},
		{"hears hold music music.mp3 (as the wait music of queue hold-CA..0001)", 30, 2, []string{"hears hold music music.mp3 (as", "the wait music of queue hold-…"}},
		{"abcdefghij", 4, 0, []string{"abcd", "efgh", "ij"}},
	}
	for _, tc := range tests {
		if got := wrap(tc.s, tc.n, tc.max); strings.Join(got, "|") != strings.Join(tc.want, "|") {
			t.Errorf("wrap(%q, %d, %d) = %q, want %q", tc.s, tc.n, tc.max, got, tc.want)
		}
	}
}

func TestText(t *testing.T) {
	tests := []struct{ got, want string }{
		{shortSids("queue hold-" + customer + ") and " + agent), "queue hold-CA..0001) and CA..0002"},
		{shortSids("xCA00000000000000000000000000000001"), "xCA00000000000000000000000000000001"},
		{MarkerLabel("redirect by REST POST https://app.test/hold?x=1 (CallStatus=in-progress)"), "redirect by REST POST /hold?x=1 (CallStatus=in-…"},
		{withoutHosts("GET https://cdn.test/a.mp3 and ftp://x/y"), "GET /a.mp3 and ftp://x/y"},
	}
	for _, tc := range tests {
		if tc.got != tc.want {
			t.Errorf("got %q, want %q", tc.got, tc.want)
		}
	}
}

// The golden files guard the renderings' structure; review a diff, then
// regenerate with go test ./timeline -update.
func TestGolden(t *testing.T) {
	tl := parentRedirect()
	renderers := []struct {
		file   string
		render func(io.Writer, Timeline) error
	}{
		{"parent_redirect.svg", SVG},
		{"parent_redirect.html", HTML},
		{"parent_redirect.mmd", Mermaid},
	}
	for _, r := range renderers {
		t.Run(r.file, func(t *testing.T) {
			var b bytes.Buffer
			if err := r.render(&b, tl); err != nil {
				t.Fatal(err)
			}
			golden(t, r.file, b.Bytes())
		})
	}
}

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file; review and rerun with -update:\n%s", name, firstDiff(string(want), string(got)))
	}
}

// The page says the result and why, and lists every step, those that did
// not run included.
func TestHTMLTellsStepsAndOutcome(t *testing.T) {
	var b bytes.Buffer
	if err := HTML(&b, parentRedirect()); err != nil {
		t.Fatal(err)
	}
	page := b.String()
	for _, want := range []string{
		"expected failure</span>: redirecting the parent leg of a &lt;Dial&gt; makes Twilio hang up the child: the agent&#39;s call is completed",
		"Given the customer is talking to the agent",
		"<code>not run</code> And the customer hears hold music",
		"step 3: Then the agent is still on the line",
	} {
		if !strings.Contains(page, want) {
			t.Errorf("the page does not say %q", want)
		}
	}
}

func TestIndex(t *testing.T) {
	runs := []IndexRun{
		{Run: "callleg", Feature: "features/hold.feature", Scenario: "An hour on hold", Line: 66, Status: "passed", Href: "callleg/hold--an-hour-on-hold.html"},
		{Run: "redirect", Feature: "features/hold.feature", Scenario: "An hour on hold", Line: 66, Status: "expected failure",
			Reason: "expected failure: redirecting the parent leg …: the agent's call is completed", Href: "redirect/hold--an-hour-on-hold.html"},
	}
	var b bytes.Buffer
	if err := Index(&b, "holdlab timelines", runs); err != nil {
		t.Fatal(err)
	}
	page := b.String()
	for _, want := range []string{
		"2 scenario runs:", ">1 passed<", ">1 expected failure<",
		`<a href="callleg/hold--an-hour-on-hold.html">An hour on hold</a>`,
		`<a href="redirect/hold--an-hour-on-hold.html">An hour on hold</a>`,
		"features/hold.feature:66",
		`<td class="why">redirecting the parent leg …: the agent&#39;s call is completed</td>`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("the index does not say %q:\n%s", want, page)
		}
	}
}

// The SVGs are well-formed XML, and every segment, marker and step has a
// title: the cause shows on hover.
func TestSVGIsWellFormedWithTitles(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "*.svg"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no SVG in testdata: %v", err)
	}
	for _, path := range files {
		t.Run(filepath.Base(path), func(t *testing.T) {
			b, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			dec := xml.NewDecoder(bytes.NewReader(b))
			shapes, titles := 0, 0
			for {
				tok, err := dec.Token()
				if err == io.EOF {
					break
				}
				if err != nil {
					t.Fatalf("not well-formed: %v", err)
				}
				if se, ok := tok.(xml.StartElement); ok {
					for _, a := range se.Attr {
						if a.Name.Local == "class" && (strings.HasPrefix(a.Value, "seg ") || strings.HasPrefix(a.Value, "mark ") || strings.HasPrefix(a.Value, "step ")) {
							shapes++
						}
					}
					if se.Name.Local == "title" {
						titles++
					}
				}
			}
			if shapes == 0 || titles < shapes {
				t.Errorf("%d segments, markers and steps, %d titles", shapes, titles)
			}
			if bytes.Contains(b, []byte("http-equiv")) || bytes.Contains(b, []byte("<script")) || bytes.Contains(b, []byte("href=")) {
				t.Error("the SVG must load nothing")
			}
		})
	}
}

func TestMermaidEscapes(t *testing.T) {
	tl := Timeline{Title: "a; b", Duration: time.Second, Lanes: []Lane{{ID: "x", Label: "leg <1>", Kind: LaneLeg,
		Segments: []Segment{{To: time.Second, Hears: HearsSilence, Label: "hears queued -> ringing #1"}}}}}
	var b bytes.Buffer
	if err := Mermaid(&b, tl); err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{"; b", "<1>", "->", "#1"} {
		if strings.Contains(b.String(), bad) {
			t.Errorf("Mermaid output contains %q:\n%s", bad, b.String())
		}
	}
}

// firstDiff shows the first line where two texts differ.
func firstDiff(want, got string) string {
	wl, gl := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < len(wl) || i < len(gl); i++ {
		var w, g string
		if i < len(wl) {
			w = wl[i]
		}
		if i < len(gl) {
			g = gl[i]
		}
		if w != g {
			return "line " + strconv.Itoa(i+1) + ":\n  want: " + w + "\n  got:  " + g
		}
	}
	return ""
}
