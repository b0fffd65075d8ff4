package fakeapi_test

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/holdlab/holdlab/fakeapi"
	"github.com/holdlab/holdlab/fakeapi/sim"
	"github.com/holdlab/holdlab/fakeapi/wire"
)

var (
	loadDuration = flag.Duration("load.duration", 3*time.Second, "how long TestLoad drives the fake")
	loadClients  = flag.Int("load.clients", 64, "concurrent clients of TestLoad")
)

// loadStats collects what the load test's clients saw.
type loadStats struct {
	mu        sync.Mutex
	latencies []time.Duration
	byStatus  map[int]int
	byCode    map[int]int
	errors    []string
	served    atomic.Int64
}

func (s *loadStats) record(d time.Duration, status, code int, err error) {
	s.served.Add(1)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.latencies = append(s.latencies, d)
	if err != nil {
		if len(s.errors) < 10 {
			s.errors = append(s.errors, err.Error())
		}
		s.byStatus[0]++
		return
	}
	s.byStatus[status]++
	if code != 0 {
		s.byCode[code]++
	}
}

func percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := int(float64(len(sorted)-1) * p)
	return sorted[i]
}

// loadClient is one of the load test's concurrent users of the REST API.
type loadClient struct {
	hc      *http.Client
	base    string
	sid     string
	token   string
	holdURL string // the app's hold music, over loopback
	stats   *loadStats
}

// do sends one REST request and decodes its JSON answer into out (if the
// request succeeded).
func (c *loadClient) do(ctx context.Context, method, path string, form url.Values, out any) (int, error) {
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base+"/2010-04-01/Accounts/"+c.sid+path, body)
	if err != nil {
		return 0, err
	}
	req.SetBasicAuth(c.sid, c.token)
	if form != nil {
		req.Header.Set("Content-Type", wire.FormContentType)
	}
	start := time.Now()
	resp, err := c.hc.Do(req)
	if err != nil {
		if ctx.Err() == nil {
			c.stats.record(time.Since(start), 0, 0, err)
		}
		return 0, err
	}
	raw, rerr := io.ReadAll(resp.Body)
	resp.Body.Close()
	elapsed := time.Since(start)
	if rerr != nil {
		c.stats.record(elapsed, 0, 0, rerr)
		return 0, rerr
	}
	code := 0
	if resp.StatusCode >= 300 {
		var e struct {
			Code int `json:"code"`
		}
		_ = json.Unmarshal(raw, &e)
		code = e.Code
	} else if out != nil {
		_ = json.Unmarshal(raw, out)
	}
	c.stats.record(elapsed, resp.StatusCode, code, nil)
	return resp.StatusCode, nil
}

// iteration is one customer's story: a call created, redirected into a
// conference, an agent added, held, unheld, both hung up.
func (c *loadClient) iteration(ctx context.Context, id, n int) {
	room := fmt.Sprintf("room-%d", id)
	customer := fmt.Sprintf("+1555%03d%04d", 100+id%900, n%10000)
	agentPhone := fmt.Sprintf("+1556%03d%04d", 100+id%900, n%10000)
	var call struct {
		Sid string `json:"sid"`
	}
	st, err := c.do(ctx, "POST", "/Calls.json", url.Values{"To": {customer}, "From": {support},
		"Twiml": {`<Response><Pause length="1"/><Say>Hello</Say></Response>`}}, &call)
	if err != nil || st != http.StatusCreated {
		return
	}
	join := `<Response><Dial><Conference startConferenceOnEnter="true">` + room + `</Conference></Dial></Response>`
	c.do(ctx, "POST", "/Calls/"+call.Sid+".json", url.Values{"Twiml": {join}}, nil)
	var part struct {
		CallSid       string `json:"call_sid"`
		ConferenceSid string `json:"conference_sid"`
	}
	st, err = c.do(ctx, "POST", "/Conferences/"+room+"/Participants.json", url.Values{"From": {support}, "To": {agentPhone}, "Label": {"agent"}}, &part)
	if err == nil && st == http.StatusCreated {
		p := "/Conferences/" + part.ConferenceSid + "/Participants/" + part.CallSid + ".json"
		c.do(ctx, "POST", p, url.Values{"Hold": {"true"}, "HoldUrl": {c.holdURL}, "HoldMethod": {"GET"}}, nil)
		c.do(ctx, "GET", "/Calls/"+call.Sid+".json", nil, nil)
		c.do(ctx, "POST", p, url.Values{"Hold": {"false"}}, nil)
		c.do(ctx, "POST", "/Calls/"+part.CallSid+".json", url.Values{"Status": {"completed"}}, nil)
	}
	c.do(ctx, "POST", "/Calls/"+call.Sid+".json", url.Values{"Status": {"completed"}}, nil)
}

// TestLoad drives `holdlab serve`'s equivalent (the fake's Handler on a
// real loopback listener, real clock, webhooks to an app over loopback)
// with concurrent clients that create, redirect, hold, unhold and hang up
// calls for -load.duration (3s by default). It reports requests served and
// p50 / p99 latency, and fails on any 5xx or transport error, any broken
// engine invariant (checked every few seconds and at the end), or
// goroutines left behind.
//
//	go test ./fakeapi -run TestLoad -load.duration=60s -v
func TestLoad(t *testing.T) {
	if testing.Short() {
		t.Skip("load test: skipped under -short")
	}
	goroutinesBefore := runtime.NumGoroutine()

	app := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/xml")
		_, _ = io.WriteString(w, `<Response><Play loop="0">https://cdn.test/music.mp3</Play></Response>`)
	}))
	f, err := fakeapi.New(fakeapi.Options{Clock: fakeapi.ClockReal, AnswerDelay: time.Millisecond, WebhookTimeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(f.Handler())
	tr := &http.Transport{MaxIdleConnsPerHost: *loadClients, MaxConnsPerHost: *loadClients}
	stats := &loadStats{byStatus: map[int]int{}, byCode: map[int]int{}}

	ctx, cancel := context.WithTimeout(context.Background(), *loadDuration)
	defer cancel()
	// A checker looks at the engine's invariants while the load runs. A
	// check holds the fake's lock while it walks every call and the whole
	// trace (over 100 ms after a minute of this load), so it runs every
	// few seconds, not after each step.
	var invariantErr error
	checked := make(chan struct{})
	go func() {
		defer close(checked)
		tick := time.NewTicker(min(5*time.Second, max(*loadDuration/3, 100*time.Millisecond)))
		defer tick.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
				if err := f.CheckInvariants(); err != nil && invariantErr == nil {
					invariantErr = err
				}
			}
		}
	}()
	var wg sync.WaitGroup
	start := time.Now()
	for id := range *loadClients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := &loadClient{hc: &http.Client{Transport: tr}, base: srv.URL, sid: f.AccountSid(), token: f.AuthToken(), holdURL: app.URL + "/hold", stats: stats}
			for n := 0; ctx.Err() == nil; n++ {
				c.iteration(ctx, id, n)
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	<-checked
	if err := f.CheckInvariants(); err != nil && invariantErr == nil {
		invariantErr = err
	}

	var calls, live int
	f.View(func(e *sim.Engine) {
		for _, c := range e.Calls(sim.CallFilter{}) {
			calls++
			if c.Live() {
				live++
			}
		}
	})
	srv.Close()
	app.Close()
	tr.CloseIdleConnections()
	f.Close()

	stats.mu.Lock()
	lat := slices.Clone(stats.latencies)
	stats.mu.Unlock()
	slices.Sort(lat)
	served := len(lat)
	t.Logf("load: %d clients for %v: %d requests (%.0f/s), p50 %v, p99 %v, max %v; %d calls (%d live at the end)",
		*loadClients, elapsed.Round(time.Millisecond), served, float64(served)/elapsed.Seconds(),
		percentile(lat, 0.50).Round(time.Microsecond), percentile(lat, 0.99).Round(time.Microsecond), percentile(lat, 1).Round(time.Microsecond), calls, live)
	t.Logf("load: answers by HTTP status %v; Twilio error codes %v", stats.byStatus, stats.byCode)

	fiveXX := 0
	for st, n := range stats.byStatus {
		if st >= 500 || st == 0 {
			fiveXX += n
		}
	}
	if fiveXX > 0 {
		t.Errorf("%d answers were 5xx or transport errors; first errors: %v", fiveXX, stats.errors)
	}
	if served == 0 {
		t.Error("no request was served")
	}
	if invariantErr != nil {
		t.Errorf("engine invariants broken under load:\n%v", invariantErr)
	}
	// Every goroutine the test started ends: the fake's clock, the
	// servers' connections, the clients' transports.
	deadline := time.NewTimer(10 * time.Second)
	defer deadline.Stop()
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for runtime.NumGoroutine() > goroutinesBefore {
		select {
		case <-tick.C:
			continue
		case <-deadline.C:
		}
		buf := make([]byte, 1<<20)
		buf = buf[:runtime.Stack(buf, true)]
		t.Fatalf("goroutines leaked: %d before, %d after\n%s", goroutinesBefore, runtime.NumGoroutine(), buf)
	}
	t.Logf("load: goroutines %d before, %d after", goroutinesBefore, runtime.NumGoroutine())
}
