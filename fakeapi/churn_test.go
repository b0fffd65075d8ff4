package fakeapi_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/holdlab/holdlab/fakeapi"
)

// TestChurnMemory creates calls, hangs them up and deletes them, at full
// speed through the fake's REST handler, as `holdlab serve` runs it (real
// clock, the default --trace-limit), and reports the live heap after a
// warm-up and at the end. It runs only when HOLDLAB_CHURN gives its length:
//
//	HOLDLAB_CHURN=5m go test ./fakeapi -run TestChurnMemory -v -timeout 0
//
// It fails if the live heap at the end is more than half as large again as
// after the warm-up (plus 8 MiB of slack): memory that grows with the calls
// that came and went.
func TestChurnMemory(t *testing.T) {
	length, err := time.ParseDuration(os.Getenv("HOLDLAB_CHURN"))
	if err != nil || length <= 0 {
		t.Skip("set HOLDLAB_CHURN to a duration (e.g. 5m) to run the churn")
	}
	f := newFake(t, fakeapi.Options{Clock: fakeapi.ClockReal, TraceLimit: churnTraceLimit})
	h := f.Handler()
	acct := "/2010-04-01/Accounts/" + f.AccountSid()
	do := func(method, path string, form url.Values, want int) []byte {
		req := httptest.NewRequest(method, path, strings.NewReader(form.Encode()))
		req.SetBasicAuth(f.AccountSid(), f.AuthToken())
		if form != nil {
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		if w.Code != want {
			t.Fatalf("%s %s: HTTP %d, want %d: %s", method, path, w.Code, want, w.Body)
		}
		return w.Body.Bytes()
	}
	create := url.Values{"To": {"+15550002000"}, "From": {"+15550001000"}, "Twiml": {`<Response><Pause length="60"/></Response>`}}
	hangUp := url.Values{"Status": {"completed"}}
	churn := func() {
		var c struct{ Sid string }
		if err := json.Unmarshal(do("POST", acct+"/Calls.json", create, http.StatusCreated), &c); err != nil {
			t.Fatal(err)
		}
		do("POST", acct+"/Calls/"+c.Sid+".json", hangUp, http.StatusOK)
		do("DELETE", acct+"/Calls/"+c.Sid+".json", nil, http.StatusNoContent)
	}
	liveHeap := func() float64 {
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		return float64(ms.HeapAlloc) / (1 << 20)
	}

	start := time.Now()
	calls := 0
	for ; calls < churnWarmUp; calls++ {
		churn()
	}
	warm := liveHeap()
	t.Logf("after a warm-up of %d calls (%v): live heap %.1f MiB, trace %d entries", calls, time.Since(start).Round(time.Second), warm, len(f.Trace()))
	next := time.Now().Add(time.Minute)
	for time.Since(start) < length {
		for range 1000 {
			churn()
		}
		calls += 1000
		if time.Now().After(next) {
			t.Logf("%v: %d calls, live heap %.1f MiB", time.Since(start).Round(time.Second), calls, liveHeap())
			next = next.Add(time.Minute)
		}
	}
	end := liveHeap()
	elapsed := time.Since(start)
	t.Logf("after %v: %d calls (%.0f/s), live heap %.1f MiB (%.1f after the warm-up), trace %d entries",
		elapsed.Round(time.Second), calls, float64(calls)/elapsed.Seconds(), end, warm, len(f.Trace()))
	if end > warm*1.5+8 {
		t.Errorf("the live heap grew from %.1f to %.1f MiB over %d calls that were deleted", warm, end, calls-churnWarmUp)
	}
	fmt.Fprintf(os.Stderr, "churn: %d calls in %v, live heap %.1f MiB after warm-up, %.1f MiB at the end\n", calls, elapsed.Round(time.Second), warm, end)
}

// The churn's settings: serve's default trace limit, and a warm-up long
// enough to fill it several times over (about 7 entries per call).
const (
	churnTraceLimit = 100_000
	churnWarmUp     = 50_000
)
