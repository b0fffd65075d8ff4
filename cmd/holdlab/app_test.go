package main

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/holdlab/holdlab/fakeapi"
	"github.com/holdlab/holdlab/strategies"
)

// TestHelperGoApp is not a test: it is an app in another process that
// `holdlab run --app` starts in the tests below (this test binary, run
// again with HOLDLAB_HELPER_GO_APP set). It serves the conference strategy
// over HTTP, pointed at $HOLDLAB_API_BASE as any app's SDK would be, with
// /hold, /unhold and /call for holdlab's actions. Its REST requests
// authenticate with the API key holdlab gives it, as Twilio recommends.
func TestHelperGoApp(t *testing.T) {
	if os.Getenv("HOLDLAB_HELPER_GO_APP") == "" {
		t.Skip("the app of the --app tests, not a test")
	}
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGTERM)
	api, err := fakeapi.NewRestClientWithAPIKey(os.Getenv("HOLDLAB_API_BASE"), os.Getenv("TWILIO_ACCOUNT_SID"), os.Getenv("TWILIO_API_KEY"), os.Getenv("TWILIO_API_SECRET"))
	if err != nil {
		t.Fatal(err)
	}
	s, err := strategies.NewConference(strategies.Config{
		BaseURL: os.Getenv("HOLDLAB_APP_URL"), Client: api, SupportNumber: os.Getenv("HOLDLAB_SUPPORT_NUMBER"),
		Agent: os.Getenv("HOLDLAB_AGENT_NUMBER"), HoldMusicURL: "https://cdn.example.com/music.mp3",
		PauseRecordingOnHold: true,
	})
	if err != nil {
		t.Fatal(err)
	}
	answer := func(w http.ResponseWriter, err error) {
		switch {
		case err == nil:
			w.WriteHeader(http.StatusNoContent)
		case errors.Is(err, strategies.ErrNotHeld):
			http.Error(w, err.Error(), http.StatusConflict)
		case errors.Is(err, strategies.ErrCallEnded):
			http.Error(w, err.Error(), http.StatusGone)
		default:
			http.Error(w, err.Error(), http.StatusInternalServerError)
		}
	}
	mux := http.NewServeMux()
	mux.Handle("/", s.Handler())
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) { fmt.Fprint(w, "ok") })
	mux.HandleFunc("POST /hold", func(w http.ResponseWriter, r *http.Request) {
		answer(w, s.Hold(r.Context(), r.FormValue("CallSid"), strategies.Party(r.FormValue("Who"))))
	})
	mux.HandleFunc("POST /unhold", func(w http.ResponseWriter, r *http.Request) {
		answer(w, s.Unhold(r.Context(), r.FormValue("CallSid")))
	})
	mux.HandleFunc("POST /call", func(w http.ResponseWriter, r *http.Request) {
		sid, err := s.CallCustomer(r.Context(), r.FormValue("To"))
		if err != nil {
			answer(w, err)
			return
		}
		fmt.Fprintf(w, `{"callSid": %q}`, sid)
	})
	ln, err := net.Listen("tcp", "127.0.0.1:"+os.Getenv("PORT"))
	if err != nil {
		t.Fatal(err)
	}
	go http.Serve(ln, mux)
	fmt.Println("go app listening")
	<-stop
	os.Exit(0)
}

// goAppYAML writes the description of TestHelperGoApp, on a free port.
func goAppYAML(t *testing.T, extra string) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	dir := t.TempDir()
	yaml := fmt.Sprintf(`name: goapp
start: exec %q -test.run='^TestHelperGoApp$'
env: {HOLDLAB_HELPER_GO_APP: "1"}
base_url: http://127.0.0.1:%d
voice_url: /voice
ready: /healthz
hold:   {path: /hold,   form: {CallSid: "{{.CallSid}}", Who: "{{.Party}}"}}
unhold: {path: /unhold, form: {CallSid: "{{.CallSid}}"}}
call_customer: {path: /call, form: {To: "{{.Customer}}"}}
%s`, os.Args[0], port, extra)
	p := filepath.Join(dir, "holdlab.yaml")
	if err := os.WriteFile(p, []byte(yaml), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// holdlab run --app: the shipped hold features run against an app in
// another process, which holdlab starts, tells where the fake is, and
// stops; the summary has a column named after it.
func TestRunApp(t *testing.T) {
	out, errOut, code := holdlab(t, "run", "--app", goAppYAML(t, ""))
	if code != exitOK {
		t.Fatalf("exit %d\n%s%s", code, out, errOut)
	}
	if !strings.HasPrefix(out, "scenario ") || !strings.Contains(strings.SplitN(out, "\n", 2)[0], "goapp") {
		t.Errorf("the summary has no goapp column:\n%s", out)
	}
	for _, want := range []string{"hold.feature", "directions.feature", "16 scenario runs: 16 passed, 0 failed"} {
		if !strings.Contains(out, want) {
			t.Errorf("summary lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "platform") {
		t.Errorf("the @platform features ran against the app:\n%s", out)
	}
	for _, want := range []string{"fake Twilio for goapp listening on http://127.0.0.1:", "started goapp", "goapp is ready at"} {
		if !strings.Contains(errOut, want) {
			t.Errorf("stderr lacks %q:\n%s", want, errOut)
		}
	}
}

// --features runs feature files from disk, with the steps that drive the
// app; FILE:LINE picks one scenario; builtin brings the embedded ones back.
func TestRunAppOwnFeatures(t *testing.T) {
	dir := t.TempDir()
	feature := filepath.Join(dir, "mine.feature")
	if err := os.WriteFile(feature, []byte(`Feature: my own
  Scenario: hold through my own request
    Given the customer has called the support line and is talking to the agent
    When I send POST "/hold" to the app with form:
      """
      CallSid={{.CallSid}}
      Who=customer
      """
    Then the app answers 204
    And within 5 seconds, the customer hears hold music
    And Twilio shows the customer on hold

  Scenario: unhold with nobody on hold
    Given the customer has called the support line and is talking to the agent
    When I send POST "/unhold" to the app with form:
      """
      CallSid={{.CallSid}}
      """
    Then the app answers 409
`), 0o644); err != nil {
		t.Fatal(err)
	}
	app := goAppYAML(t, "")
	out, errOut, code := holdlab(t, "run", "--app", app, "--features", feature)
	if code != exitOK || !strings.Contains(out, "2 scenario runs: 2 passed") || !strings.Contains(out, "mine.feature") {
		t.Errorf("exit %d\n%s%s", code, out, errOut)
	}
	out, errOut, code = holdlab(t, "run", "--app", app, "--features", feature+":13", "--features", "builtin")
	if code != exitOK || !strings.Contains(out, "17 scenario runs: 17 passed") || !strings.Contains(out, "unhold with nobody on hold") || strings.Contains(out, "hold through my own request") {
		t.Errorf("exit %d\n%s%s", code, out, errOut)
	}
}

// An app that cannot start or never becomes ready exits 3, saying why;
// mistakes in the command line or the YAML exit 2 before anything starts.
func TestRunAppMistakes(t *testing.T) {
	bad := filepath.Join(t.TempDir(), "bad.yaml")
	if err := os.WriteFile(bad, []byte("name: x\nbase_url: http://127.0.0.1:1\nvoice_url: /voice\nhold: {path: /hold}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	noStart := filepath.Join(t.TempDir(), "nostart.yaml")
	if err := os.WriteFile(noStart, []byte("name: x\nbase_url: http://127.0.0.1:1\nvoice_url: /voice\nready_timeout: 300ms\nhold: {path: /hold}\nunhold: {path: /unhold}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		args []string
		code int
		want []string
	}{
		{"missing YAML", []string{"run", "--app", "nowhere.yaml"}, exitUsage, []string{"--app", "nowhere.yaml"}},
		{"bad YAML", []string{"run", "--app", bad}, exitUsage, []string{"unhold: required"}},
		{"with twilio", []string{"run", "--app", goAppYAML(t, ""), "--target", "twilio"}, exitUsage, []string{"--target twilio with --app is not supported"}},
		{"not started, no address", []string{"run", "--app", noStart}, exitUsage, []string{"give --api-addr HOST:PORT"}},
		{"not started, not there", []string{"run", "--app", noStart, "--api-addr", "127.0.0.1:" + freePort(t)}, exitTarget,
			[]string{"never answered at http://127.0.0.1:1/", "HOLDLAB_API_BASE=http://127.0.0.1:"}},
		{"api-addr without app", []string{"run", "--api-addr", "127.0.0.1:9"}, exitUsage, []string{"go with --app"}},
		{"missing features", []string{"run", "--features", "nowhere.feature"}, exitUsage, []string{"--features nowhere.feature: no such file"}},
		{"feature and features", []string{"run", "--features", "builtin", "--feature", "hold.feature"}, exitUsage, []string{"--features my.feature:12"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, errOut, code := holdlab(t, tc.args...)
			if code != tc.code {
				t.Errorf("exit %d, want %d\n%s%s", code, tc.code, out, errOut)
			}
			for _, w := range tc.want {
				if !strings.Contains(errOut, w) {
					t.Errorf("stderr lacks %q:\n%s", w, errOut)
				}
			}
		})
	}
	t.Run("exits at once", func(t *testing.T) {
		p := goAppYAML(t, "")
		data, _ := os.ReadFile(p)
		yaml := strings.Replace(string(data), "start: exec", "start: echo no such thing >&2; exit 7; exec", 1)
		if err := os.WriteFile(p, []byte(yaml), 0o644); err != nil {
			t.Fatal(err)
		}
		out, errOut, code := holdlab(t, "run", "--app", p)
		if code != exitTarget {
			t.Errorf("exit %d, want %d\n%s%s", code, exitTarget, out, errOut)
		}
		for _, w := range []string{"stopped before it was ready", "exit status 7", "no such thing"} {
			if !strings.Contains(errOut, w) {
				t.Errorf("stderr lacks %q:\n%s", w, errOut)
			}
		}
	})
	t.Run("never ready", func(t *testing.T) {
		p := goAppYAML(t, "ready_timeout: 300ms\n")
		data, _ := os.ReadFile(p)
		yaml := strings.Replace(string(data), "start: exec", "start: exec sleep 60; exec", 1)
		if err := os.WriteFile(p, []byte(yaml), 0o644); err != nil {
			t.Fatal(err)
		}
		out, errOut, code := holdlab(t, "run", "--app", p)
		if code != exitTarget || !strings.Contains(errOut, "never answered GET") {
			t.Errorf("exit %d, want %d\n%s%s", code, exitTarget, out, errOut)
		}
	})
}

func freePort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return fmt.Sprint(ln.Addr().(*net.TCPAddr).Port)
}

// The shipped examples, in Node and Python, pass every hold scenario; the
// naive one fails and names the pitfall. They need node with the example's
// packages (npm ci) and Debian's python3-twilio and python3-flask: without
// them the test says what to install and is skipped (CI has them).
func TestRunAppExamples(t *testing.T) {
	examples := filepath.Join("..", "..", "examples")
	pythonOK := exec.Command("/usr/bin/python3", "-c", "import twilio, flask").Run() == nil
	for _, tc := range []struct {
		dir, needs string
		ok         bool
		code       int
		want       []string
	}{
		{"node-conference", "node and the example's packages (cd examples/node-conference && npm ci)", nodeReady(examples), exitOK,
			[]string{"node-conference", "16 scenario runs: 16 passed, 0 failed"}},
		{"python-conference", "Debian's Python packages (apt-get install python3-twilio python3-flask)", pythonOK, exitOK,
			[]string{"python-conference", "16 scenario runs: 16 passed, 0 failed"}},
		{"naive", "Debian's Python packages (apt-get install python3-twilio python3-flask)", pythonOK, exitUnexpected,
			[]string{"FAIL", "this scenario tests a pitfall: redirecting the parent leg of a <Dial> makes Twilio hang up the child"}},
	} {
		t.Run(tc.dir, func(t *testing.T) {
			if !tc.ok {
				t.Skipf("needs %s", tc.needs)
			}
			out, errOut, code := holdlab(t, "run", "--app", filepath.Join(examples, tc.dir, "holdlab.yaml"))
			if code != tc.code {
				t.Errorf("exit %d, want %d\n%s%s", code, tc.code, out, errOut)
			}
			if tc.dir == "node-conference" {
				for _, line := range readmeAppOutput(t) {
					if !strings.Contains(out, line) {
						t.Errorf("the README shows %q, which the run did not print:\n%s", line, out)
					}
				}
			}
			for _, w := range tc.want {
				if !strings.Contains(out, w) {
					t.Errorf("summary lacks %q:\n%s%s", w, out, errOut)
				}
			}
		})
	}
}

// nodeReady reports whether node runs and the Node example's packages are
// installed.
func nodeReady(examples string) bool {
	if _, err := exec.LookPath("node"); err != nil {
		return false
	}
	_, err := os.Stat(filepath.Join(examples, "node-conference", "node_modules", "twilio", "package.json"))
	return err == nil
}

// readmeSection returns the README's "Bring your own app" section.
func readmeSection(t *testing.T) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	_, sec, ok := strings.Cut(string(data), "\n## Bring your own app\n")
	if !ok {
		t.Fatal(`the README has no "Bring your own app" section`)
	}
	sec, _, _ = strings.Cut(sec, "\n## ")
	return sec
}

// readmeAppOutput is the summary the README shows for the Node example,
// less the rows it leaves out ("…").
func readmeAppOutput(t *testing.T) []string {
	t.Helper()
	_, block, ok := strings.Cut(readmeSection(t), "\nscenario ")
	if !ok {
		t.Fatal("the README shows no summary")
	}
	block, _, _ = strings.Cut("scenario "+block, "```")
	var lines []string
	for _, l := range strings.Split(strings.TrimSpace(block), "\n") {
		if l != "" && strings.TrimSpace(l) != "…" {
			lines = append(lines, l+"\n")
		}
	}
	if len(lines) < 5 {
		t.Fatalf("the README's summary has %d lines: %q", len(lines), lines)
	}
	return lines
}

// The README's YAML is the Node example's, word for word.
func TestReadmeAppYAML(t *testing.T) {
	_, block, ok := strings.Cut(readmeSection(t), "```yaml\n")
	if !ok {
		t.Fatal("the README shows no YAML")
	}
	block, _, _ = strings.Cut(block, "```")
	data, err := os.ReadFile(filepath.Join("..", "..", "examples", "node-conference", "holdlab.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	_, want, _ := strings.Cut(string(data), "\n") // less its first comment line
	if block != want {
		t.Errorf("the README's YAML is not examples/node-conference/holdlab.yaml's:\n%s\nwant:\n%s", block, want)
	}
}
