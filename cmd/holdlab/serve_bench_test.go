package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/holdlab/holdlab/fakeapi"
)

// Benchmarks of `holdlab serve` over loopback: REST throughput with 16
// keep-alive clients, and the time from starting the binary to its first
// answer. Loopback only, bounded by b.N; nothing here asserts on time.
//
//	go test ./cmd/holdlab -run '^$' -bench 'BenchmarkServe' -count 6

// loadClients is the number of concurrent keep-alive connections.
const loadClients = 16

const (
	benchSid   = fakeapi.DefaultAccountSid
	benchToken = fakeapi.DefaultAuthToken
)

// serveTarget is a running `holdlab serve`.
type serveTarget struct {
	addr string // host:port
	stop func()
}

// serveInProcess runs serve's handler on a real loopback listener in this
// process (the load generator shares the process and its 2 cores).
func serveInProcess(b *testing.B) serveTarget {
	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan string, 1)
	done := make(chan error, 1)
	go func() {
		done <- serve(ctx, serveConfig{addr: "127.0.0.1:0", clock: "real"}, io.Discard, func(a string) { ready <- a })
	}()
	select {
	case addr := <-ready:
		return serveTarget{addr: addr, stop: func() { cancel(); <-done }}
	case err := <-done:
		b.Fatalf("serve: %v", err)
	}
	return serveTarget{}
}

// buildHoldlab builds the holdlab binary once per benchmark.
func buildHoldlab(b *testing.B) string {
	b.Helper()
	bin := filepath.Join(b.TempDir(), "holdlab")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		b.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// serveProcess starts the built binary as a separate process, on a port the
// kernel picks, and reads the address from its banner.
func serveProcess(b *testing.B, bin string) serveTarget {
	cmd := exec.Command(bin, "serve", "--addr", "127.0.0.1:0")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		b.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	sc := bufio.NewScanner(stdout)
	addr := ""
	for addr == "" && sc.Scan() {
		if _, rest, ok := strings.Cut(sc.Text(), "listening on http://"); ok {
			addr, _, _ = strings.Cut(rest, " ")
		}
	}
	if addr == "" {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		b.Fatal("holdlab serve printed no address")
	}
	go func() { _, _ = io.Copy(io.Discard, stdout) }()
	return serveTarget{addr: addr, stop: func() {
		_ = cmd.Process.Signal(os.Interrupt)
		_ = cmd.Wait()
	}}
}

// loadConn is one keep-alive client: a raw connection that writes a
// prepared request and reads the response, like wrk, so that the load
// generator spends as little of the machine as it can.
type loadConn struct {
	conn net.Conn
	r    *bufio.Reader
}

func dialLoad(addr string) (*loadConn, error) {
	c, err := net.Dial("tcp", addr)
	if err != nil {
		return nil, err
	}
	return &loadConn{conn: c, r: bufio.NewReaderSize(c, 16<<10)}, nil
}

// do sends req (a complete HTTP/1.1 request) and returns the response's
// status, its body discarded.
func (lc *loadConn) do(req []byte) (int, error) {
	if _, err := lc.conn.Write(req); err != nil {
		return 0, err
	}
	resp, err := http.ReadResponse(lc.r, nil)
	if err != nil {
		return 0, err
	}
	_, err = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode, err
}

// rawRequest renders an authenticated HTTP/1.1 request.
func rawRequest(addr, method, path, form string) []byte {
	req, _ := http.NewRequest(method, "http://"+addr+path, strings.NewReader(form))
	req.SetBasicAuth(benchSid, benchToken)
	if form != "" {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	var sb strings.Builder
	_ = req.Write(&sb)
	return []byte(sb.String())
}

// load sends b.N copies of req over loadClients keep-alive connections and
// reports requests per second. Every answer must have status want.
func load(b *testing.B, addr string, req []byte, want int) {
	conns := make([]*loadConn, loadClients)
	for i := range conns {
		c, err := dialLoad(addr)
		if err != nil {
			b.Fatal(err)
		}
		defer c.conn.Close()
		conns[i] = c
	}
	var next atomic.Int64
	var failed atomic.Value
	var wg sync.WaitGroup
	b.ResetTimer()
	for _, c := range conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for next.Add(1) <= int64(b.N) {
				status, err := c.do(req)
				if err == nil && status != want {
					err = fmt.Errorf("status %d, want %d", status, want)
				}
				if err != nil {
					failed.CompareAndSwap(nil, err)
					return
				}
			}
		}()
	}
	wg.Wait()
	b.StopTimer()
	if err, _ := failed.Load().(error); err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "req/s")
}

// control sends one control API request and decodes its JSON answer.
func control(b *testing.B, addr, method, path string, body string, out any) {
	req, err := http.NewRequest(method, "http://"+addr+path, strings.NewReader(body))
	if err != nil {
		b.Fatal(err)
	}
	req.SetBasicAuth(benchSid, benchToken)
	if strings.HasPrefix(path, "/2010") {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		b.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		msg, _ := io.ReadAll(resp.Body)
		b.Fatalf("%s %s: %d %s", method, path, resp.StatusCode, msg)
	}
	if out != nil {
		if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
			b.Fatal(err)
		}
	}
}

const (
	callsPath = "/2010-04-01/Accounts/" + benchSid + "/Calls.json"
	benchTo   = "+15550002000"
	benchFrom = "+15550001000"
)

// createForm creates a call whose TwiML runs: the called phone answers
// after 1 ms (scripted through the control API), hears a short <Say> and
// the call ends.
var createForm = url.Values{
	"To":    {benchTo},
	"From":  {benchFrom},
	"Twiml": {`<Response><Say>Hello from holdlab</Say></Response>`},
}.Encode()

// benchServeREST measures fetching one call, and creating calls that run
// TwiML, against target. holdlab's phones are scripted to answer at once,
// so that every created call runs its TwiML.
func benchServeREST(b *testing.B, start func(b *testing.B) serveTarget, holdlab bool) {
	b.Run("fetch-call", func(b *testing.B) {
		t := start(b)
		defer t.stop()
		var c struct {
			Sid string `json:"sid"`
		}
		control(b, t.addr, "POST", callsPath, createForm, &c)
		load(b, t.addr, rawRequest(t.addr, "GET", "/2010-04-01/Accounts/"+benchSid+"/Calls/"+c.Sid+".json", ""), http.StatusOK)
	})
	b.Run("create-call", func(b *testing.B) {
		t := start(b)
		defer t.stop()
		if holdlab {
			control(b, t.addr, "PUT", "/holdlab/phones/"+url.PathEscape(benchTo), `{"name":"callee","after":"1ms"}`, nil)
		}
		load(b, t.addr, rawRequest(t.addr, "POST", callsPath, createForm), http.StatusCreated)
	})
}

// BenchmarkServeREST: serve's handler on a real loopback listener in this
// process. Targets: at least 20,000 fetches and 5,000 creates per second.
func BenchmarkServeREST(b *testing.B) {
	benchServeREST(b, serveInProcess, true)
}

// BenchmarkServeRESTProcess: the built binary as a separate process, the
// honest measurement (the load generator and the server share the machine,
// not a Go runtime).
func BenchmarkServeRESTProcess(b *testing.B) {
	bin := buildHoldlab(b)
	benchServeREST(b, func(b *testing.B) serveTarget { return serveProcess(b, bin) }, true)
}

// BenchmarkServeRESTExternal runs the same load against another server of
// Twilio's API already listening at $HOLDLAB_BENCH_ADDR (host:port), e.g.
// Prism mocking twilio-oai's twilio_api_v2010.json (see BENCHMARKS.md).
// Skipped when the variable is unset.
func BenchmarkServeRESTExternal(b *testing.B) {
	addr := os.Getenv("HOLDLAB_BENCH_ADDR")
	if addr == "" {
		b.Skip("HOLDLAB_BENCH_ADDR is not set")
	}
	benchServeREST(b, func(*testing.B) serveTarget { return serveTarget{addr: addr, stop: func() {}} }, false)
}

// fetchedCall creates a call on a fresh in-process holdlab and returns its
// SID and the body holdlab answers a fetch of it with.
func fetchedCall(b *testing.B) (sid string, body []byte) {
	t := serveInProcess(b)
	defer t.stop()
	var c struct {
		Sid string `json:"sid"`
	}
	control(b, t.addr, "POST", callsPath, createForm, &c)
	var fetched json.RawMessage
	control(b, t.addr, "GET", "/2010-04-01/Accounts/"+benchSid+"/Calls/"+c.Sid+".json", "", &fetched)
	return c.Sid, fetched
}

// BenchmarkServeRESTBaseline is the machine's limit for this load: a
// net/http server on loopback whose handler only writes a fixed body, the
// one holdlab answers a fetch with, to the same 16 clients. holdlab's
// fetch-call figure is read against it.
func BenchmarkServeRESTBaseline(b *testing.B) {
	sid, body := fetchedCall(b)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	srv := &http.Server{Handler: fixedBody(body)}
	go func() { _ = srv.Serve(ln) }()
	defer srv.Close()
	addr := ln.Addr().String()
	load(b, addr, rawRequest(addr, "GET", "/2010-04-01/Accounts/"+benchSid+"/Calls/"+sid+".json", ""), http.StatusOK)
}

func fixedBody(body []byte) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		_, _ = w.Write(body)
	})
}

// BenchmarkServeRESTBaselineProcess is the same limit with the trivial
// server in a separate process (this test binary, run again as
// TestBaselineServer), to read BenchmarkServeRESTProcess against.
func BenchmarkServeRESTBaselineProcess(b *testing.B) {
	sid, body := fetchedCall(b)
	file := filepath.Join(b.TempDir(), "body.json")
	if err := os.WriteFile(file, body, 0o600); err != nil {
		b.Fatal(err)
	}
	cmd := exec.Command(os.Args[0], "-test.run", "^TestBaselineServer$")
	cmd.Env = append(os.Environ(), "HOLDLAB_BASELINE_BODY="+file)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		b.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	defer func() {
		_ = cmd.Process.Signal(os.Interrupt)
		_ = cmd.Wait()
	}()
	sc := bufio.NewScanner(stdout)
	addr := ""
	for addr == "" && sc.Scan() {
		addr, _ = strings.CutPrefix(sc.Text(), "baseline listening on ")
	}
	if addr == "" {
		b.Fatal("the baseline server printed no address")
	}
	go func() { _, _ = io.Copy(io.Discard, stdout) }()
	load(b, addr, rawRequest(addr, "GET", "/2010-04-01/Accounts/"+benchSid+"/Calls/"+sid+".json", ""), http.StatusOK)
}

// TestBaselineServer is BenchmarkServeRESTBaselineProcess's server: it
// runs only when HOLDLAB_BASELINE_BODY names the body to answer with, until
// interrupted.
func TestBaselineServer(t *testing.T) {
	file := os.Getenv("HOLDLAB_BASELINE_BODY")
	if file == "" {
		t.Skip("run by BenchmarkServeRESTBaselineProcess")
	}
	body, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: fixedBody(body)}
	fmt.Printf("baseline listening on %s\n", ln.Addr())
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	go func() { <-ctx.Done(); srv.Close() }()
	_ = srv.Serve(ln)
}

// serveBanner starts the line `holdlab serve` prints on stdout once it is
// listening, followed by the address it listens on (see serve in serve.go).
const serveBanner = "holdlab: fake Twilio listening on http://"

// startupTimeout bounds each start of BenchmarkServeStartup: the banner and
// the first answer must both come within it.
const startupTimeout = 5 * time.Second

// bannerWriter is `holdlab serve`'s stdout: it keeps everything written and
// sends, once, the address of the first complete serveBanner line on addr.
type bannerWriter struct {
	syncBuffer
	scanned int         // bytes of buf already looked at for whole lines
	addr    chan string // buffered, capacity 1
	sent    bool
}

func (w *bannerWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.buf.Write(p)
	for !w.sent {
		rest := w.buf.Bytes()[w.scanned:]
		i := bytes.IndexByte(rest, '\n')
		if i < 0 {
			break
		}
		w.scanned += i + 1
		if after, ok := bytes.CutPrefix(rest[:i], []byte(serveBanner)); ok {
			addr, _, _ := bytes.Cut(after, []byte(" "))
			w.addr <- string(addr)
			w.sent = true
		}
	}
	return len(p), nil
}

// BenchmarkServeStartup starts the built binary on a port the kernel picks,
// waits for the banner with the address on its stdout, and sends one
// authenticated GET, which must answer 200. The time measured is from
// starting the process to that answer; ns/op is its mean, and p50-ms,
// p90-ms and max-ms its distribution. Target: under 50 ms.
//
// godog, which the binary carries for `holdlab run`, runs `go env
// GOTOOLDIR` when its package initializes (internal/builder), whatever the
// command: the "without-go" case starts the binary with the Go tool's
// folder left out of PATH, as on a machine without Go.
func BenchmarkServeStartup(b *testing.B) {
	bin := buildHoldlab(b)
	goTool, err := exec.LookPath("go")
	if err != nil {
		b.Fatal(err)
	}
	var withoutGo []string
	for _, dir := range filepath.SplitList(os.Getenv("PATH")) {
		if dir != filepath.Dir(goTool) {
			withoutGo = append(withoutGo, dir)
		}
	}
	b.Run("with-go", func(b *testing.B) { benchStartup(b, bin, os.Environ()) })
	b.Run("without-go", func(b *testing.B) {
		benchStartup(b, bin, append(os.Environ(), "PATH="+strings.Join(withoutGo, string(filepath.ListSeparator))))
	})
}

func benchStartup(b *testing.B, bin string, env []string) {
	client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	var times []time.Duration
	for b.Loop() {
		times = append(times, startOnce(b, client, bin, env))
		b.StartTimer()
	}
	slices.Sort(times)
	ms := func(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
	b.ReportMetric(ms(times[len(times)/2]), "p50-ms")
	b.ReportMetric(ms(times[len(times)*9/10]), "p90-ms")
	b.ReportMetric(ms(times[len(times)-1]), "max-ms")
}

// startOnce starts `holdlab serve --addr 127.0.0.1:0`, reads its address
// from the banner and sends the first request, and returns the time from
// starting the process to the 200 answer. The timer runs only over that
// span: startOnce returns with it stopped, and the process killed and
// waited for, whatever happened.
func startOnce(b *testing.B, client *http.Client, bin string, env []string) time.Duration {
	b.StopTimer()
	ctx, cancel := context.WithTimeout(context.Background(), startupTimeout)
	defer cancel()
	stdout := &bannerWriter{addr: make(chan string, 1)}
	stderr := &syncBuffer{}
	cmd := exec.Command(bin, "serve", "--addr", "127.0.0.1:0")
	cmd.Env = env
	cmd.Stdout = stdout
	cmd.Stderr = stderr
	// Wait returns at most this long after the process ends even if a
	// child of it still holds stdout or stderr.
	cmd.WaitDelay = time.Second

	exited := make(chan struct{})
	var waitErr error
	stop := func() {
		_ = cmd.Process.Kill()
		<-exited
	}
	fail := func(format string, args ...any) {
		b.Helper()
		b.StopTimer()
		stop()
		b.Fatalf("holdlab serve: %s (exit: %v)\nstdout:\n%s\nstderr:\n%s",
			fmt.Sprintf(format, args...), waitErr, stdout, stderr)
	}

	b.StartTimer()
	t0 := time.Now()
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	go func() {
		waitErr = cmd.Wait()
		close(exited)
	}()
	defer stop()

	var addr string
	select {
	case addr = <-stdout.addr:
	case <-exited:
		fail("exited before printing %q", serveBanner)
	case <-ctx.Done():
		fail("no %q line on stdout within %v", serveBanner, startupTimeout)
	}
	req, err := http.NewRequestWithContext(ctx, "GET", "http://"+addr+callsPath, nil)
	if err != nil {
		fail("%v", err)
	}
	req.SetBasicAuth(benchSid, benchToken)
	resp, err := client.Do(req)
	if err != nil {
		fail("first request to %s (within %v of start): %v", addr, startupTimeout, err)
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		fail("first answer from %s: %v", addr, err)
	}
	if resp.StatusCode != http.StatusOK {
		fail("first answer from %s: status %d, want 200: %s", addr, resp.StatusCode, body)
	}
	d := time.Since(t0)
	b.StopTimer()
	return d
}
