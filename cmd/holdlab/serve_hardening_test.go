package main

import (
	"bufio"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/holdlab/holdlab/fakeapi"
)

// client is a test's HTTP client of a running serve.
type client struct {
	t          *testing.T
	base       string
	sid, token string
}

func newClient(t *testing.T, addr string) *client {
	return &client{t: t, base: "http://" + addr, sid: fakeapi.DefaultAccountSid, token: fakeapi.DefaultAuthToken}
}

// do sends a request and decodes a JSON answer into out (if not nil),
// failing the test unless the status is want.
func (c *client) do(method, path, body string, want int, out any) {
	c.t.Helper()
	req, err := http.NewRequest(method, c.base+path, strings.NewReader(body))
	if err != nil {
		c.t.Fatal(err)
	}
	req.SetBasicAuth(c.sid, c.token)
	if strings.HasPrefix(path, "/2010") {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		c.t.Fatalf("%s %s: reading the answer: %v", method, path, err)
	}
	if resp.StatusCode != want {
		c.t.Fatalf("%s %s: HTTP %d, want %d: %.300s", method, path, resp.StatusCode, want, raw)
	}
	if out != nil {
		if err := json.Unmarshal(raw, out); err != nil {
			c.t.Fatalf("%s %s: %v: %.300s", method, path, err, raw)
		}
	}
}

func (c *client) calls() string { return "/2010-04-01/Accounts/" + c.sid + "/Calls.json" }

// signalWriter is a syncBuffer that signals each time what it holds gains
// a line containing want.
type signalWriter struct {
	syncBuffer
	want string
	c    chan struct{}
}

func (w *signalWriter) Write(p []byte) (int, error) {
	n, err := w.syncBuffer.Write(p)
	if strings.Contains(string(p), w.want) {
		select {
		case w.c <- struct{}{}:
		default:
		}
	}
	return n, err
}

// startServeTo is startServe with the output going to out, stopped by the
// returned function (also when the test ends).
func startServeTo(t *testing.T, cfg serveConfig, out io.Writer) (addr string, stop func() error) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan string, 1)
	done := make(chan error, 1)
	go func() { done <- serve(ctx, cfg, out, func(a string) { ready <- a }) }()
	select {
	case addr = <-ready:
	case err := <-done:
		cancel()
		t.Fatalf("serve: %v", err)
	case <-time.After(10 * time.Second):
		t.Fatal("serve did not start within 10s")
	}
	var once sync.Once
	var err error
	stop = func() error {
		once.Do(func() {
			cancel()
			select {
			case err = <-done:
			case <-time.After(10 * time.Second):
				err = errors.New("serve did not stop within 10s")
			}
		})
		return err
	}
	t.Cleanup(func() {
		if err := stop(); err != nil {
			t.Errorf("serve: %v", err)
		}
	})
	return addr, stop
}

// rawConn opens a connection to addr whose reads give up after 10 s.
func rawConn(t *testing.T, addr string) net.Conn {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	if err := conn.SetReadDeadline(time.Now().Add(10 * time.Second)); err != nil {
		t.Fatal(err)
	}
	return conn
}

// closedByServer reads conn to its end and reports how long the server
// took to close it; it fails the test if the server kept it open for the
// 10 s rawConn allows.
func closedByServer(t *testing.T, conn net.Conn, since time.Time) time.Duration {
	t.Helper()
	_, err := io.Copy(io.Discard, conn)
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		t.Fatalf("the server still held the connection after %v", time.Since(since))
	}
	return time.Since(since)
}

var basicAuth = "Basic " + base64.StdEncoding.EncodeToString([]byte(fakeapi.DefaultAccountSid+":"+fakeapi.DefaultAuthToken))

// serve lets go of connections that send their body slowly or sit idle,
// and does not cut long answers: a clock advance that takes longer than
// every timeout, and the trace it made, streamed.
func TestServeTimeouts(t *testing.T) {
	const limit = 200 * time.Millisecond
	// An app whose calls pause a second and redirect to themselves: a
	// busy engine for as long as virtual time moves.
	app := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/xml")
		_, _ = io.WriteString(w, `<Response><Pause length="1"/><Redirect/></Response>`)
	}))
	t.Cleanup(app.Close)
	cfg := serveConfig{addr: "127.0.0.1:0", clock: "manual", timeouts: serveTimeouts{header: limit, read: limit, write: limit, idle: limit}}
	addr, _ := startServe(t, cfg)

	t.Run("slow body", func(t *testing.T) {
		conn := rawConn(t, addr)
		t0 := time.Now()
		_, err := io.WriteString(conn, "POST /holdlab/clock/advance HTTP/1.1\r\nHost: holdlab\r\nAuthorization: "+basicAuth+
			"\r\nContent-Length: 100\r\n\r\n{\"by\":")
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("a body that never ends: connection closed after %v", closedByServer(t, conn, t0))
	})
	t.Run("idle keep-alive", func(t *testing.T) {
		conn := rawConn(t, addr)
		if _, err := io.WriteString(conn, "GET /holdlab/clock HTTP/1.1\r\nHost: holdlab\r\nAuthorization: "+basicAuth+"\r\n\r\n"); err != nil {
			t.Fatal(err)
		}
		br := bufio.NewReader(conn)
		resp, err := http.ReadResponse(br, nil)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Fatalf("GET /holdlab/clock: HTTP %d", resp.StatusCode)
		}
		t0 := time.Now()
		if _, err := io.Copy(io.Discard, br); err != nil {
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				t.Fatalf("the server still held the idle connection after %v", time.Since(t0))
			}
		}
		t.Logf("an idle keep-alive connection closed after %v", time.Since(t0))
	})
	t.Run("long answers", func(t *testing.T) {
		c := newClient(t, addr)
		c.do("POST", "/2010-04-01/Accounts/"+c.sid+"/IncomingPhoneNumbers.json",
			"PhoneNumber=%2B15550001000&VoiceUrl="+app.URL+"/voice", http.StatusCreated, nil)
		for _, from := range []string{"+15550003000", "+15550003001"} {
			c.do("POST", "/holdlab/calls", `{"from":"`+from+`","to":"+15550001000"}`, http.StatusCreated, nil)
		}
		t0 := time.Now()
		var clock struct{ Elapsed string }
		c.do("POST", "/holdlab/clock/advance", `{"by":"30m"}`, http.StatusOK, &clock)
		took := time.Since(t0)
		if clock.Elapsed != "30m0s" {
			t.Errorf("elapsed %q after advancing 30m", clock.Elapsed)
		}
		var tr struct {
			Entries []struct{ Seq uint64 } `json:"entries"`
		}
		t0 = time.Now()
		c.do("GET", "/holdlab/trace", "", http.StatusOK, &tr)
		t.Logf("advancing 30m of two busy calls took %v; streaming its trace of %d entries took %v (timeouts %v)", took, len(tr.Entries), time.Since(t0), limit)
		if took < limit {
			t.Logf("the advance was quicker than the timeouts: this run does not show that they spare it")
		}
		if len(tr.Entries) < 5000 || tr.Entries[len(tr.Entries)-1].Seq != uint64(len(tr.Entries)) {
			t.Errorf("the trace has %d entries, ending at %d", len(tr.Entries), tr.Entries[len(tr.Entries)-1].Seq)
		}
	})
}

// SIDs are random by default, so a restarted serve does not issue the SIDs
// it issued before; --seed makes them the same again.
func TestServeSIDsAreNotReused(t *testing.T) {
	firstSid := func(cfg serveConfig) (string, string) {
		out := &syncBuffer{}
		addr, stop := startServeTo(t, cfg, out)
		c := newClient(t, addr)
		var call struct{ Sid string }
		c.do("POST", c.calls(), "To=%2B15550002000&From=%2B15550001000&Twiml=%3CResponse%2F%3E", http.StatusCreated, &call)
		if err := stop(); err != nil {
			t.Fatal(err)
		}
		return call.Sid, out.String()
	}
	base := serveConfig{addr: "127.0.0.1:0", clock: "manual"}
	a, outA := firstSid(base)
	b, _ := firstSid(base)
	if a == b {
		t.Errorf("two runs of serve issued the same first SID %s", a)
	}
	if !strings.Contains(outA, "(random; --seed N makes SIDs reproducible)") {
		t.Errorf("the banner does not say SIDs are random:\n%s", outA)
	}
	seeded := base
	seeded.seed, seeded.seedSet = 7, true
	if c, d := func() (string, string) { c, _ := firstSid(seeded); d, _ := firstSid(seeded); return c, d }(); c != d {
		t.Errorf("with --seed 7, first SIDs %s and %s", c, d)
	}
}

// A token of the user's is never printed; the default one is.
func TestServePrintsOnlyItsOwnToken(t *testing.T) {
	const mine = "0123456789abcdef0123456789abcdef"
	_, out := startServe(t, serveConfig{addr: "127.0.0.1:0", clock: "manual", authToken: mine})
	if strings.Contains(out.String(), mine) || !strings.Contains(out.String(), "auth token given") {
		t.Errorf("the banner shows the token it was given, or does not say one was:\n%s", out)
	}
	_, out = startServe(t, serveConfig{addr: "127.0.0.1:0", clock: "manual"})
	if !strings.Contains(out.String(), "auth token "+fakeapi.DefaultAuthToken+" (holdlab's default)") {
		t.Errorf("the banner does not show the default token:\n%s", out)
	}
}

// --state keeps the records across a restart: written while serve runs and
// when it stops, read at start; a call that was live comes back ended,
// with a trace entry saying why.
func TestServeState(t *testing.T) {
	dir := t.TempDir()
	state := filepath.Join(dir, "state.json")
	app := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/xml")
		_, _ = io.WriteString(w, `<Response><Pause length="600"/></Response>`)
	}))
	t.Cleanup(app.Close)
	cfg := serveConfig{addr: "127.0.0.1:0", clock: "manual", state: state, verbose: true, stateInterval: 20 * time.Millisecond}

	out := &signalWriter{want: "state written", c: make(chan struct{}, 1)}
	addr, stop := startServeTo(t, cfg, out)
	c := newClient(t, addr)
	var number struct{ Sid string }
	c.do("POST", "/2010-04-01/Accounts/"+c.sid+"/IncomingPhoneNumbers.json", "PhoneNumber=%2B15550001000&VoiceUrl="+app.URL+"/voice", http.StatusCreated, &number)
	var live, ended struct {
		CallSid string `json:"call_sid"`
	}
	c.do("POST", "/holdlab/calls", `{"from":"+15550003000","to":"+15550001000"}`, http.StatusCreated, &live)
	c.do("POST", "/holdlab/calls", `{"from":"+15550003001","to":"+15550001000"}`, http.StatusCreated, &ended)
	c.do("POST", "/holdlab/clock/advance", `{"by":"10s"}`, http.StatusOK, nil)
	c.do("POST", "/holdlab/calls/"+ended.CallSid+"/hangup", "", http.StatusNoContent, nil)
	// Written while serve runs.
	for range 2 { // the second write is sure to come after the requests above
		select {
		case <-out.c:
		case <-time.After(10 * time.Second):
			t.Fatalf("the state was not written within 10s:\n%s", out.String())
		}
	}
	if _, err := os.Stat(state); err != nil {
		t.Fatal(err)
	}
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "holdlab: state written to "+state) {
		t.Errorf("serve did not say it wrote the state when it stopped:\n%s", out.String())
	}
	if matches, _ := filepath.Glob(filepath.Join(dir, ".state.json.*")); len(matches) > 0 {
		t.Errorf("temporary files left: %v", matches)
	}
	raw, err := os.ReadFile(state)
	if err != nil {
		t.Fatal(err)
	}
	var head struct {
		Version int `json:"version"`
		Calls   []struct {
			Status string `json:"status"`
		} `json:"calls"`
	}
	if err := json.Unmarshal(raw, &head); err != nil || head.Version != 1 || len(head.Calls) != 2 {
		t.Fatalf("state file: %v, version %d, %d calls", err, head.Version, len(head.Calls))
	}

	// Restarted, with the real clock this time.
	cfg2 := cfg
	cfg2.clock, cfg2.verbose = "real", false
	out2 := &syncBuffer{}
	addr, stop = startServeTo(t, cfg2, out2)
	c = newClient(t, addr)
	if !strings.Contains(out2.String(), "restored calls: 2, numbers: 1, conferences: 0, queues: 0") {
		t.Errorf("the banner does not say what was restored:\n%s", out2.String())
	}
	var call struct {
		Status  string `json:"status"`
		EndTime string `json:"end_time"`
	}
	c.do("GET", "/2010-04-01/Accounts/"+c.sid+"/Calls/"+live.CallSid+".json", "", http.StatusOK, &call)
	if call.Status != "completed" || call.EndTime == "" {
		t.Errorf("the live call came back %s, ended %q; want completed", call.Status, call.EndTime)
	}
	c.do("GET", "/2010-04-01/Accounts/"+c.sid+"/Calls/"+ended.CallSid+".json", "", http.StatusOK, &call)
	if call.Status != "completed" {
		t.Errorf("the ended call came back %s", call.Status)
	}
	c.do("GET", "/2010-04-01/Accounts/"+c.sid+"/IncomingPhoneNumbers/"+number.Sid+".json", "", http.StatusOK, nil)
	var tr struct {
		Entries []struct{ Text string } `json:"entries"`
	}
	c.do("GET", "/holdlab/trace?call="+live.CallSid, "", http.StatusOK, &tr)
	if len(tr.Entries) != 1 || !strings.Contains(tr.Entries[0].Text, "restored from "+state+": was in-progress when serve stopped") {
		t.Errorf("the trace of the live call: %+v", tr.Entries)
	}
	var fresh struct {
		CallSid string `json:"call_sid"`
	}
	c.do("POST", "/holdlab/calls", `{"from":"+15550003002","to":"+15550001000"}`, http.StatusCreated, &fresh)
	if fresh.CallSid == live.CallSid || fresh.CallSid == ended.CallSid || !strings.HasSuffix(fresh.CallSid, "0003") {
		t.Errorf("a new call after the restart is %s (before: %s, %s)", fresh.CallSid, live.CallSid, ended.CallSid)
	}
	if err := stop(); err != nil {
		t.Fatal(err)
	}

	// A file that is not a state is left alone, and serve does not start.
	if err := os.WriteFile(state, []byte("not json"), 0o600); err != nil {
		t.Fatal(err)
	}
	err = serve(context.Background(), cfg, io.Discard, nil)
	if err == nil || !strings.Contains(err.Error(), "is not a holdlab state file") {
		t.Errorf("serve with a corrupt state: %v", err)
	}
	if raw, _ := os.ReadFile(state); string(raw) != "not json" {
		t.Errorf("the corrupt state was overwritten: %q", raw)
	}
}
