package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"io/fs"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/holdlab/holdlab/fakeapi"
	"github.com/holdlab/holdlab/features"
	"github.com/holdlab/holdlab/scenarios/recording"
	openapi "github.com/twilio/twilio-go/rest/api/v2010"
)

// The seam between the fake and real Twilio is only configuration: the
// real-target code path (holdlab run --target twilio) runs against
// `holdlab serve` started as a separate process, through --api-base, with
// the webhooks reaching this test's listener over real loopback HTTP.
// Nothing but the base URL, the credentials and the public URL differ from
// a run against api.twilio.com.
//
// The serve process stands for Twilio: the account owns the three numbers
// (bought here through the REST API, as a user would have bought them), so
// calls between them are looped legs, as on Twilio, and holdlab answers the
// agent's and customer's numbers itself. (They could instead be left to
// serve's simulated phones, scripted with PUT /holdlab/phones/{number}: a
// number the account does not own is treated as "a phone that answers".)
func TestTwilioTargetAgainstServeProcess(t *testing.T) {
	if testing.Short() {
		t.Skip("builds holdlab and runs real-time scenarios against a separate serve process")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()

	bin := filepath.Join(t.TempDir(), "holdlab")
	if out, err := exec.CommandContext(ctx, "go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	const (
		sid      = "AC5ea000000000000000000000000000fe"
		token    = "5ea0000000000000000000000000beef"
		support  = "+15551110001"
		agent    = "+15551110002"
		customer = "+15551110003"
	)
	base := startServeProcess(ctx, t, bin, "--addr", "127.0.0.1:0", "--clock", "real", "--account-sid", sid, "--auth-token", token)

	// The account's numbers, with the settings the user's app gave them.
	rc, err := fakeapi.NewRestClient(base, sid, token)
	if err != nil {
		t.Fatal(err)
	}
	original := map[string]string{}
	for _, n := range []string{support, agent, customer} {
		url := "https://app.example.com/voice/" + strings.TrimPrefix(n, "+")
		if _, err := rc.CreateIncomingPhoneNumber(&openapi.CreateIncomingPhoneNumberParams{PhoneNumber: ptrTo(n), VoiceUrl: &url}); err != nil {
			t.Fatal(err)
		}
		original[n] = url
	}

	listen := freeLoopbackAddr(t)
	records, timelines := t.TempDir(), t.TempDir()
	var out syncBuffer
	root := newRootCmd()
	root.SetOut(&out)
	root.SetErr(&out)
	root.SetArgs([]string{"run", "--target", "twilio",
		"--api-base", base, "--account-sid", sid, "--auth-token", token,
		"--public-url", "http://" + listen, "--listen", listen,
		"--support-number", support, "--agent-number", agent, "--customer-number", customer,
		"--yes", "--record", records, "--timeline", timelines,
		// A strategy scenario, and a platform scenario with raw TwiML.
		"--strategy", "conference",
		"--feature", scenarioPath(t, "hold.feature", "Hold: the customer hears music and the agent is free"),
		"--feature", scenarioPath(t, "dial_pitfalls.feature", "Redirecting the parent leg hangs up the child"),
	})
	runErr := root.ExecuteContext(ctx)
	t.Logf("holdlab run --target twilio:\n%s", out.String())
	if runErr != nil {
		t.Fatalf("run: %v", runErr)
	}
	got := out.String()
	for _, want := range []string{
		"estimate", // the plan came first
		"n/o",      // hearing is not observable there, and not passed
		"not observable: the customer hears hold music",
		"numbers restored",
		"2 not observable",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("output lacks %q", want)
		}
	}

	// The numbers are as they were.
	for n, url := range original {
		nums, err := rc.ListIncomingPhoneNumber(&openapi.ListIncomingPhoneNumberParams{PhoneNumber: ptrTo(n)})
		if err != nil || len(nums) != 1 {
			t.Fatalf("number %s: %v", n, err)
		}
		if got := *nums[0].VoiceUrl; got != url {
			t.Errorf("number %s VoiceUrl %q after the run, want it restored to %q", n, got, url)
		}
	}
	// No call is left live.
	for _, st := range []string{"queued", "ringing", "in-progress"} {
		calls, err := rc.ListCall(&openapi.ListCallParams{Status: ptrTo(st)})
		if err != nil {
			t.Fatal(err)
		}
		if len(calls) > 0 {
			t.Errorf("%d calls still %s after the run", len(calls), st)
		}
	}

	// The story was recorded: the strategy's webhooks and REST requests,
	// with SIDs and numbers normalised.
	recs, err := recording.ReadDir(records)
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 2 {
		t.Fatalf("%d recordings, want 2: %v", len(recs), recording.Keys(recs))
	}
	for _, k := range recording.Keys(recs) {
		r := recs[k]
		if r.Target != "twilio" || len(r.Events) == 0 {
			t.Errorf("%s: target %q, %d events", k, r.Target, len(r.Events))
		}
		for _, e := range r.Events {
			if s := e.String(); regexp.MustCompile(`CA[0-9a-f]{32}|\+1555`).MatchString(s) {
				t.Errorf("%s: event not normalised: %s", k, s)
			}
		}
	}
	htmls, _ := filepath.Glob(filepath.Join(timelines, "*", "*.html"))
	if len(htmls) != 2 {
		t.Errorf("%d timelines, want 2", len(htmls))
	}
}

// scenarioPath is "file:line" of a scenario in the embedded features, the
// form godog takes to run one scenario.
func scenarioPath(t *testing.T, file, name string) string {
	t.Helper()
	b, err := fs.ReadFile(features.FS, file)
	if err != nil {
		t.Fatal(err)
	}
	for i, line := range strings.Split(string(b), "\n") {
		if strings.TrimSpace(line) == "Scenario: "+name {
			return fmt.Sprintf("%s:%d", file, i+1)
		}
	}
	t.Fatalf("no scenario %q in %s", name, file)
	return ""
}

// startServeProcess starts `holdlab serve` and returns its base URL, read
// from its banner. The process is stopped when the test ends.
func startServeProcess(ctx context.Context, t *testing.T, bin string, args ...string) string {
	t.Helper()
	cmd := exec.CommandContext(ctx, bin, append([]string{"serve"}, args...)...)
	cmd.Stderr = os.Stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	banner := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		re := regexp.MustCompile(`listening on (http://\S+)`)
		for sc.Scan() {
			if m := re.FindStringSubmatch(sc.Text()); m != nil {
				banner <- m[1]
				break
			}
		}
		// Keep draining the log so that the process never blocks on it.
		_, _ = io.Copy(io.Discard, stdout)
		exited <- cmd.Wait()
	}()
	t.Cleanup(func() {
		_ = cmd.Process.Signal(os.Interrupt)
		select {
		case <-exited:
		case <-time.After(10 * time.Second):
			_ = cmd.Process.Kill()
			t.Error("holdlab serve did not stop within 10s of an interrupt")
		}
	})
	select {
	case b := <-banner:
		return b
	case err := <-exited:
		t.Fatalf("holdlab serve exited before listening: %v", err)
	case <-time.After(30 * time.Second):
		t.Fatal("holdlab serve printed no banner within 30s")
	}
	return ""
}

// freeLoopbackAddr returns a loopback address whose port was free a moment
// ago.
func freeLoopbackAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

func ptrTo[T any](v T) *T { return &v }

// The Node example of the README runs against holdlab serve with Twilio's
// official Node SDK. CI runs it too (.ci/run, after npm ci); here it runs
// when node and the installed package are there.
func TestNodeSDKExample(t *testing.T) {
	if testing.Short() {
		t.Skip("runs node")
	}
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("node is not installed")
	}
	dir := filepath.Join("testdata", "node")
	if _, err := os.Stat(filepath.Join(dir, "node_modules", "twilio")); err != nil {
		t.Skip("run npm ci in cmd/holdlab/testdata/node first")
	}
	addr, _ := startServe(t, serveConfig{addr: "127.0.0.1:0", clock: "real"})
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, "example.js")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "HOLDLAB_URL=http://"+addr, "TWILIO_ACCOUNT_SID=", "TWILIO_AUTH_TOKEN=")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("node example.js: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), " passed, 0 failed") {
		t.Errorf("output:\n%s", out)
	}
}
