package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/holdlab/holdlab/fakeapi"
	openapi "github.com/twilio/twilio-go/rest/api/v2010"
)

// syncBuffer is an io.Writer safe for the server's log and the test.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// startServe runs `holdlab serve` on a free loopback port until the test ends.
func startServe(t *testing.T, cfg serveConfig) (addr string, out *syncBuffer) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	out = &syncBuffer{}
	ready := make(chan string, 1)
	done := make(chan error, 1)
	go func() { done <- serve(ctx, cfg, out, func(a string) { ready <- a }) }()
	select {
	case addr = <-ready:
	case err := <-done:
		t.Fatalf("serve: %v", err)
	case <-time.After(10 * time.Second):
		t.Fatal("serve did not start within 10s")
	}
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("serve: %v", err)
			}
		case <-time.After(10 * time.Second):
			t.Error("serve did not stop within 10s")
		}
	})
	return addr, out
}

func TestServeAnswersTwilioGo(t *testing.T) {
	addr, out := startServe(t, serveConfig{addr: "127.0.0.1:0", clock: "real"})
	if !strings.Contains(out.String(), "(loopback only)") || !strings.Contains(out.String(), fakeapi.DefaultAccountSid) {
		t.Errorf("start-up banner does not say loopback and the credentials:\n%s", out)
	}
	rc, err := fakeapi.NewRestClient("http://"+addr, fakeapi.DefaultAccountSid, fakeapi.DefaultAuthToken)
	if err != nil {
		t.Fatal(err)
	}
	to, from, twiml := "+15550002000", "+15550001000", `<Response><Pause length="60"/></Response>`
	c, err := rc.CreateCall(&openapi.CreateCallParams{To: &to, From: &from, Twiml: &twiml})
	if err != nil {
		t.Fatal(err)
	}
	if *c.Status != "queued" {
		t.Errorf("created call status %s, want queued", *c.Status)
	}
	// With the real clock, the call is dispatched as soon as it is created.
	got, err := rc.FetchCall(*c.Sid, nil)
	if err != nil {
		t.Fatal(err)
	}
	if *got.Status != "ringing" {
		t.Errorf("fetched call status %s, want ringing", *got.Status)
	}
}

// The control API drives a manual clock; a curl session in the README does
// the same.
func TestServeControlAPI(t *testing.T) {
	sid, token := "AC0123456789abcdef0123456789abcdef", "0123456789abcdef0123456789abcdef"
	addr, _ := startServe(t, serveConfig{addr: "127.0.0.1:0", clock: "manual", accountSid: sid, authToken: token})
	base := "http://" + addr
	do := func(method, path, body string, want int) map[string]any {
		t.Helper()
		req, err := http.NewRequest(method, base+path, strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		req.SetBasicAuth(sid, token)
		if strings.HasPrefix(path, "/2010") {
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var out map[string]any
		_ = json.NewDecoder(resp.Body).Decode(&out)
		if resp.StatusCode != want {
			t.Fatalf("%s %s: status %d, want %d: %v", method, path, resp.StatusCode, want, out)
		}
		return out
	}
	do("POST", "/2010-04-01/Accounts/"+sid+"/IncomingPhoneNumbers.json",
		"PhoneNumber=%2B15550001000&VoiceUrl=http%3A%2F%2F127.0.0.1%3A1%2Fvoice", http.StatusCreated)
	call := do("POST", "/holdlab/calls", `{"from":"+15550003000","to":"+15550001000"}`, http.StatusCreated)
	callSid, _ := call["call_sid"].(string)
	clock := do("POST", "/holdlab/clock/advance", `{"by":"10s"}`, http.StatusOK)
	if clock["elapsed"] != "10s" {
		t.Errorf("clock after advance: %v", clock)
	}
	// Nothing listens at 127.0.0.1:1: Twilio's application-error message
	// plays, then the call ends.
	hears := do("GET", "/holdlab/calls/"+callSid+"/hears", "", http.StatusOK)
	if h, _ := hears["hears"].(map[string]any); h["kind"] != "nothing" {
		t.Errorf("hears %v, want nothing (ended)", hears["hears"])
	}
	fetched := do("GET", "/2010-04-01/Accounts/"+sid+"/Calls/"+callSid+".json", "", http.StatusOK)
	if fetched["status"] != "completed" {
		t.Errorf("call status %v, want completed", fetched["status"])
	}
	tr := do("GET", "/holdlab/trace", "", http.StatusOK)
	if entries, _ := tr["entries"].([]any); len(entries) == 0 {
		t.Error("trace is empty")
	}
	do("POST", "/holdlab/calls/"+callSid+"/hangup", "", http.StatusBadRequest)
	do("POST", "/holdlab/clock/advance", `{"by":"soon"}`, http.StatusBadRequest)
}

// --api-key and --api-secret pre-create an API key: twilio-go with the key
// as its credentials is accepted; one without the other is refused.
func TestServeAPIKey(t *testing.T) {
	key, secret := "SK0123456789abcdef0123456789abcdef", "serveSecret42"
	addr, out := startServe(t, serveConfig{addr: "127.0.0.1:0", clock: "manual", apiKey: key, apiSecret: secret})
	if !strings.Contains(out.String(), "API key "+key) {
		t.Errorf("the banner does not name the API key:\n%s", out)
	}
	rc, err := fakeapi.NewRestClientWithAPIKey("http://"+addr, fakeapi.DefaultAccountSid, key, secret)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := rc.ListCall(nil); err != nil {
		t.Errorf("twilio-go with the API key: %v", err)
	}
	bad, err := fakeapi.NewRestClientWithAPIKey("http://"+addr, fakeapi.DefaultAccountSid, key, "wrong")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := bad.ListCall(nil); err == nil {
		t.Error("a wrong secret was accepted")
	}
	if err := serve(context.Background(), serveConfig{addr: "127.0.0.1:0", clock: "manual", apiKey: key}, io.Discard, nil); err == nil {
		t.Error("--api-key without --api-secret was accepted")
	}
}
