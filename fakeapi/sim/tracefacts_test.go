package sim

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/cockroachdb/datadriven"
	"github.com/holdlab/holdlab/fakeapi/wire"
)

// scriptTraces runs every script of testdata/script (without checking
// their outputs, which TestScript does) and returns each one's trace.
func scriptTraces(t *testing.T) map[string][]Entry {
	t.Helper()
	if *update {
		t.Skip("the scripts are being rewritten")
	}
	files, err := filepath.Glob(filepath.Join("testdata", "script", "*.txt"))
	must(t, err)
	out := map[string][]Entry{}
	for _, path := range files {
		name := strings.TrimSuffix(filepath.Base(path), ".txt")
		t.Run(name, func(t *testing.T) {
			s := newScript(t)
			datadriven.RunTest(t, path, func(t *testing.T, td *datadriven.TestData) string {
				s.exec(t, td)
				return td.Expected
			})
			out[name] = s.w.e.Trace()
		})
	}
	return out
}

// Every entry of the kinds a program reads carries the typed fields that
// say what its text says: a program never has to parse the text.
func TestTraceFactsAreComplete(t *testing.T) {
	for name, entries := range scriptTraces(t) {
		names := map[string]string{} // room SID -> its name where it first appears
		for i, en := range entries {
			line := name + ": " + en.Text
			switch en.Kind {
			case KindHears:
				if en.Hearing == nil || !strings.HasSuffix(en.Text, " now hears "+en.Hearing.String()) {
					t.Errorf("%s: Hearing = %v", line, en.Hearing)
				}
			case KindStatus:
				if en.Cause == "" {
					t.Errorf("%s: no Cause", line)
				}
			case KindConf, KindQueue:
				r := en.Room
				switch {
				case r == nil:
					t.Errorf("%s: no Room", line)
				case en.Kind == KindConf && (r.Kind != RoomConference || !strings.HasPrefix(r.Sid, "CF") || r.Status == ""):
					t.Errorf("%s: Room = %+v", line, *r)
				case en.Kind == KindQueue && (r.Kind != RoomQueue || !strings.HasPrefix(r.Sid, "QU")):
					t.Errorf("%s: Room = %+v", line, *r)
				case names[r.Sid] == "" && !strings.Contains(en.Text, " "+r.Name+" "):
					t.Errorf("%s: Room.Name %q is not the name in the text", line, r.Name)
				case names[r.Sid] != "" && names[r.Sid] != r.Name:
					t.Errorf("%s: Room.Name %q, but %s is %q", line, r.Name, r.Sid, names[r.Sid])
				default:
					names[r.Sid] = r.Name
				}
			case KindREST:
				if en.REST == nil || en.REST.Method == "" || !strings.HasPrefix(en.REST.Path, "/") {
					t.Errorf("%s: REST = %v", line, en.REST)
				}
			case KindWebhook:
				w := en.Webhook
				switch {
				case w == nil && i > 0 && entries[i-1].Kind == KindWebhook && strings.HasPrefix(en.Text, "the answer is ignored"):
					// A note on the request just before.
				case w == nil:
					t.Errorf("%s: no Webhook", line)
				case !strings.HasPrefix(en.Text, w.Purpose+" "+w.Method+" "+w.URL+" "):
					t.Errorf("%s: Webhook = %+v", line, *w)
				}
			case KindRecording:
				// A conference's recording names its conference; a call's
				// recording names no room.
				r, ofConf := en.Room, strings.HasPrefix(en.Text, "recording ") && strings.Contains(en.Text, " of conference ")
				switch {
				case ofConf && (r == nil || r.Kind != RoomConference || !strings.Contains(en.Text, " of conference "+r.Name+" ")):
					t.Errorf("%s: Room = %v", line, r)
				case !ofConf && r != nil:
					t.Errorf("%s: Room = %+v on a call's recording", line, *r)
				}
			case KindDial:
				if strings.Contains(en.Text, " ends") && en.Cause == "" {
					t.Errorf("%s: a <Dial> that ends has no Cause", line)
				}
			}
		}
	}
}

// The typed fields of the entries that tell the pitfalls' stories.
func TestTraceFacts(t *testing.T) {
	traces := scriptTraces(t)
	tests := []struct {
		script string
		text   string // the entry, by a part of its text
		want   func(Entry) bool
		what   string
	}{
		{"parent_redirect_drops_child", "CA..0002 (agent) in-progress -> completed",
			func(e Entry) bool { return e.Cause == CauseParentRedirected }, "the child ends because its parent was redirected"},
		{"parent_redirect_drops_child", "'s <Dial> ends because",
			func(e Entry) bool { return e.Cause == CauseRedirectedByREST && wire.Short(e.Other) == "CA..0002" }, "the parent's <Dial> ends by the redirect, with the child as the other leg"},
		{"parent_redirect_drops_child", "POST /Calls/CA..0001",
			func(e Entry) bool {
				return e.REST != nil && e.REST.Method == "POST" && strings.HasPrefix(e.REST.Path, "/Calls/CA") && wire.Short(strings.TrimPrefix(e.REST.Path, "/Calls/")) == "CA..0001"
			}, "the REST request"},
		{"parent_redirect_drops_child", "redirect by REST POST",
			func(e Entry) bool {
				w := e.Webhook
				return w != nil && w.Purpose == "redirect by REST" && w.Method == "POST" && w.URL == "https://app.test/hold" && w.StatusCode == 200 && w.ContentType == "text/xml"
			}, "the webhook"},
		{"parent_redirect_drops_child", "(customer) now hears play",
			func(e Entry) bool {
				return e.Hearing != nil && e.Hearing.Kind == HearMedia && e.Hearing.Media == "https://app.test/music.mp3"
			}, "what the customer hears"},
		{"dial_no_answer_timeout", "<Dial> ends",
			func(e Entry) bool { return e.Cause == CauseTimeout }, "the <Dial> ends because nobody answered"},
		{"queue_hold", "are bridged (the caller came from queue hold)",
			func(e Entry) bool {
				return e.Room != nil && e.Room.Kind == RoomQueue && e.Room.Name == "hold" && e.Other != ""
			}, "the queue bridge names its queue, not `hold)`"},
		{"queue_hold", "(customer) now hears",
			func(e Entry) bool { return e.Room == nil || e.Room.Name == "hold" }, "a hearing in a room names the room"},
		{"conference_end_on_exit", "ends: participant-with-end-conference-on-exit-left",
			func(e Entry) bool {
				return e.Room != nil && e.Room.Status == ConferenceCompleted && e.Cause == EndedModeratorLeft
			}, "the conference ends, with Twilio's reason as its cause"},
	}
	for _, tc := range tests {
		t.Run(tc.script+"/"+tc.what, func(t *testing.T) {
			found := false
			for _, en := range traces[tc.script] {
				if !strings.Contains(en.Text, tc.text) {
					continue
				}
				found = true
				if !tc.want(en) {
					t.Errorf("%q: Cause %q, Other %q, Room %v, REST %v, Webhook %v, Hearing %v", en.Text, en.Cause, en.Other, en.Room, en.REST, en.Webhook, en.Hearing)
				}
			}
			if !found {
				t.Fatalf("no entry contains %q", tc.text)
			}
		})
	}
}
