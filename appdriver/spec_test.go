package appdriver

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

const goodSpec = `
name: myapp
start: node server.js
base_url: http://127.0.0.1:3000/
voice_url: /voice
ready: /healthz
ready_timeout: 10s
env: {GREETING: "hello ${HOLDLAB_SUPPORT_NUMBER}"}
hold_music: https://cdn.example.com/music.mp3
hold:   {method: POST, path: /hold, form: {CallSid: "{{.CustomerCallSid}}", Who: "{{.Party}}"}}
unhold: {method: post, path: /unhold, json: {callSid: "{{.CustomerCallSid}}", n: 1}, statuses: {404: call-ended}}
call_customer: {path: /call, form: {To: "{{.Customer}}"}}
`

func TestParse(t *testing.T) {
	s, err := Parse([]byte(goodSpec))
	if err != nil {
		t.Fatal(err)
	}
	if s.BaseURL != "http://127.0.0.1:3000" {
		t.Errorf("base_url %q: want the trailing slash gone", s.BaseURL)
	}
	if s.Unhold.Method != "POST" || s.CallCustomer.Method != "POST" {
		t.Errorf("methods %q %q: want POST, upper case by default", s.Unhold.Method, s.CallCustomer.Method)
	}
	if time.Duration(s.ReadyTimeout) != 10*time.Second {
		t.Errorf("ready_timeout %v", time.Duration(s.ReadyTimeout))
	}
	if len(s.HoldMusic) != 1 || s.HoldMusic[0] != "https://cdn.example.com/music.mp3" {
		t.Errorf("hold_music %q: one string is a list of one", s.HoldMusic)
	}
	if got := s.Unhold.Outcome(404); got != OutcomeCallEnded {
		t.Errorf("unhold 404: %s, want the action's own mapping", got)
	}
	for status, want := range map[int]string{200: OutcomeOK, 204: OutcomeOK, 409: OutcomeNotHeld, 410: OutcomeCallEnded, 404: OutcomeUnknownCall, 501: OutcomeNotSupported, 500: OutcomeError, 302: OutcomeError} {
		if got := s.Hold.Outcome(status); got != want {
			t.Errorf("hold %d: %s, want %s", status, got, want)
		}
	}
}

// Mistakes in the YAML are errors at load time that say which field and
// what is expected.
func TestParseErrors(t *testing.T) {
	base := "name: a\nbase_url: http://127.0.0.1:3000\nvoice_url: /voice\nhold: {path: /hold}\nunhold: {path: /unhold}\n"
	for _, tc := range []struct {
		name, yaml, want string
	}{
		{"no name", strings.Replace(base, "name: a\n", "", 1), "name: required"},
		{"bad name", strings.Replace(base, "name: a", "name: my app", 1), `name: "my app"`},
		{"platform", strings.Replace(base, "name: a", "name: platform", 1), "taken"},
		{"no base_url", strings.Replace(base, "base_url: http://127.0.0.1:3000\n", "", 1), "base_url"},
		{"relative base_url", strings.Replace(base, "http://127.0.0.1:3000", "127.0.0.1:3000", 1), "base_url"},
		{"no voice_url", strings.Replace(base, "voice_url: /voice\n", "", 1), "voice_url: required"},
		{"voice_url without slash", strings.Replace(base, "/voice", "voice", 1), "voice_url"},
		{"no hold", strings.Replace(base, "hold: {path: /hold}\n", "", 1), "hold: required"},
		{"no unhold", strings.Replace(base, "unhold: {path: /unhold}\n", "", 1), "unhold: required"},
		{"unknown field", base + "holdmusic: x\n", "holdmusic"},
		{"bad method", strings.Replace(base, "{path: /hold}", "{method: FETCH, path: /hold}", 1), `hold: method "FETCH"`},
		{"path without slash", strings.Replace(base, "{path: /hold}", "{path: hold}", 1), `hold: path "hold"`},
		{"form and json", strings.Replace(base, "{path: /hold}", "{path: /hold, form: {a: b}, json: {a: b}}", 1), "one body"},
		{"json on GET", strings.Replace(base, "{path: /hold}", "{method: GET, path: /hold, json: {a: b}}", 1), "no body"},
		{"unknown field in template", strings.Replace(base, "{path: /hold}", `{path: /hold, form: {CallSid: "{{.CustomerSid}}"}}`, 1), "CustomerSid"},
		{"broken template", strings.Replace(base, "{path: /hold}", `{path: "/hold/{{.CallSid"}`, 1), "hold: path"},
		{"unknown outcome", strings.Replace(base, "{path: /unhold}", "{path: /unhold, statuses: {404: gone}}", 1), `"gone"`},
		{"not a status", strings.Replace(base, "{path: /unhold}", "{path: /unhold, statuses: {42: ok}}", 1), "42"},
		{"bad duration", base + "ready_timeout: soon\n", "duration"},
		{"bad ready", base + "ready: healthz\n", "ready"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse([]byte(tc.yaml))
			if err == nil {
				t.Fatalf("no error, want one mentioning %q", tc.want)
			}
			if !errors.Is(err, ErrSpec) {
				t.Errorf("%v: not an ErrSpec", err)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q does not mention %q", err, tc.want)
			}
		})
	}
}

// Load remembers the YAML's folder, where the app starts.
func TestLoad(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "holdlab.yaml")
	if err := os.WriteFile(p, []byte(goodSpec), 0o644); err != nil {
		t.Fatal(err)
	}
	s, err := Load(p)
	if err != nil {
		t.Fatal(err)
	}
	if s.Dir != dir {
		t.Errorf("Dir %q, want %q", s.Dir, dir)
	}
	if _, err := Load(filepath.Join(dir, "missing.yaml")); !errors.Is(err, ErrSpec) {
		t.Errorf("a missing file: %v, want an ErrSpec", err)
	}
}

// The app's environment: holdlab's variables, then env, which may use them.
func TestEnviron(t *testing.T) {
	s, err := Parse([]byte(goodSpec))
	if err != nil {
		t.Fatal(err)
	}
	env := Environ(s, map[string]string{"HOLDLAB_SUPPORT_NUMBER": "+15550001000"})
	want := map[string]bool{"HOLDLAB_SUPPORT_NUMBER=+15550001000": false, "GREETING=hello +15550001000": false}
	for _, kv := range env {
		if _, ok := want[kv]; ok {
			want[kv] = true
		}
	}
	for kv, ok := range want {
		if !ok {
			t.Errorf("the environment lacks %s", kv)
		}
	}
}

// Port 0 in base_url is a free port, for an app holdlab starts.
func TestPickPort(t *testing.T) {
	s, err := Parse([]byte(strings.Replace(goodSpec, "127.0.0.1:3000/", "127.0.0.1:0", 1)))
	if err != nil {
		t.Fatal(err)
	}
	if err := s.PickPort(); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(s.BaseURL, "http://127.0.0.1:") || strings.HasSuffix(s.BaseURL, ":0") {
		t.Errorf("base_url %q: want a free port", s.BaseURL)
	}
	s.BaseURL, s.Start = "http://127.0.0.1:0", ""
	if err := s.PickPort(); !errors.Is(err, ErrSpec) || !strings.Contains(err.Error(), "needs start:") {
		t.Errorf("port 0 without start: %v", err)
	}
}
