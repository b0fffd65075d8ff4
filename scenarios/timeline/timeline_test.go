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
	music    = "https://cdn.example.com/music.mp3"
)

var t0 = time.Date(2026, 1, 1, 9, 0, 0, 0, time.UTC)

func at(s int) time.Time { return t0.Add(time.Duration(s) * time.Second) }

// parentRedirect is the trace of the first <Dial> pitfall, written by hand
// so that the golden files depend on the renderer only: the customer calls,
// the agent answers, the app redirects the customer to hold music, and
// Twilio hangs up the agent.
func parentRedirect() Timeline {
	entries := []sim.Entry{
		{Seq: 1, At: at(0), Call: customer, Kind: sim.KindPhone, Text: "customer calls +15550001000"},
		{Seq: 2, At: at(0), Call: customer, Kind: sim.KindHears, Text: "CA..0001 (customer) now hears ringback"},
		{Seq: 3, At: at(0), Call: customer, Kind: sim.KindWebhook, Text: "voice url POST https://app.test/voice (CallStatus=ringing) -> HTTP 200 text/xml"},
		{Seq: 4, At: at(0), Call: agent, Kind: sim.KindDial, Text: "CA..0001 (customer) dials +15550002000 as child leg CA..0002"},
		{Seq: 5, At: at(0), Call: agent, Kind: sim.KindHears, Text: "CA..0002 (agent) now hears nothing (not answered)"},
		{Seq: 6, At: at(2), Call: agent, Kind: sim.KindStatus, Text: "CA..0002 (agent) ringing -> in-progress: the phone answered"},
		{Seq: 7, At: at(2), Call: agent, Kind: sim.KindHears, Text: "CA..0002 (agent) now hears party CA..0001"},
		{Seq: 8, At: at(2), Call: customer, Kind: sim.KindHears, Text: "CA..0001 (customer) now hears party CA..0002"},
		{Seq: 9, At: at(30), Call: customer, Kind: sim.KindREST, Text: "POST /Calls/CA..0001 Url=https://app.test/hold redirects CA..0001 (customer)"},
		{Seq: 10, At: at(30), Call: agent, Kind: sim.KindStatus, Text: "CA..0002 (agent) in-progress -> completed: its parent was redirected, so Twilio hangs up the child"},
		{Seq: 11, At: at(30), Call: agent, Kind: sim.KindHears, Text: "CA..0002 (agent) now hears nothing (ended)"},
		{Seq: 12, At: at(30), Call: customer, Kind: sim.KindWebhook, Text: "redirect by REST POST https://app.test/hold -> HTTP 200 text/xml"},
		{Seq: 13, At: at(30), Call: customer, Kind: sim.KindHears, Text: `CA..0001 (customer) now hears play "https://cdn.example.com/music.mp3"`},
		{Seq: 14, At: at(3600), Call: "", Kind: sim.KindConf, Text: "conference room (CF..0001) is created"},
		{Seq: 15, At: at(3630), Call: "", Kind: sim.KindConf, Text: "conference room ends: the last participant left"},
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
	isMusic := func(h sim.Hearing) bool { return h.Media == music }
	tl := FromSim("platform / Redirecting the parent leg hangs up the child", t0, at(3660), entries, legs, isMusic)
	tl.Subtitle = "dial_pitfalls.feature · on fake"
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
		{"the app's music is hold music", 0, 2, HearsHoldMusic, "hears play music.mp3", "redirect by REST"},
		{"the child is hung up", 1, 2, HearsNothing, "hears nothing (ended)", "its parent was redirected"},
		{"a conference lane", 2, 0, HearsRoom, "conference room", "is created"},
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
		t.Errorf("the conference lane ends at %s, want when the conference ends", got)
	}
	if got := tl.Lanes[0].Segments[2].To; got != tl.Duration {
		t.Errorf("the running interval ends at %s, want the end of the scenario", got)
	}
	kinds := map[MarkerKind]int{}
	for _, m := range tl.Markers {
		kinds[m.Kind]++
	}
	if kinds[MarkREST] != 1 || kinds[MarkWebhook] != 2 || kinds[MarkEvent] != 2 {
		t.Errorf("markers %v, want 1 REST, 2 webhooks, 2 events", kinds)
	}
}

// The golden files guard the renderings' structure; review a diff, then
// regenerate with go test ./scenarios/timeline -update.
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
			path := filepath.Join("testdata", r.file)
			if *update {
				if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run with -update to create it)", err)
			}
			if !bytes.Equal(b.Bytes(), want) {
				t.Errorf("%s differs from the golden file; review and rerun with -update:\n%s", r.file, firstDiff(string(want), b.String()))
			}
		})
	}
}

// The SVG is well-formed XML, and every segment and marker has a title:
// the cause shows on hover.
func TestSVGIsWellFormedWithTitles(t *testing.T) {
	for _, name := range []string{"parent_redirect.svg", "example.svg"} {
		t.Run(name, func(t *testing.T) {
			b, err := os.ReadFile(filepath.Join("testdata", name))
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
						if a.Name.Local == "class" && (strings.HasPrefix(a.Value, "seg ") || strings.HasPrefix(a.Value, "mark ")) {
							shapes++
						}
					}
					if se.Name.Local == "title" {
						titles++
					}
				}
			}
			if shapes == 0 || titles < shapes {
				t.Errorf("%d segments and markers, %d titles", shapes, titles)
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
