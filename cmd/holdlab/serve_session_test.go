package main

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/holdlab/holdlab/fakeapi"
)

// serveRequest sends a request to serve with the account's credentials
// (none if auth is false) and returns its status, headers and body.
func serveRequest(t *testing.T, method, url, body string, auth bool) (int, http.Header, string) {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if auth {
		req.SetBasicAuth(fakeapi.DefaultAccountSid, fakeapi.DefaultAuthToken)
	}
	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := noRedirect.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, string(raw)
}

// The inspector's page, script, style and timeline need the account's
// credentials, with a Basic challenge so that a browser prompts for them.
func TestServeInspectorPages(t *testing.T) {
	addr, out := startServe(t, serveConfig{addr: "127.0.0.1:0", clock: "manual"})
	base := "http://" + addr
	if !strings.Contains(out.String(), "live inspector at "+base+"/holdlab/ui/") {
		t.Errorf("the banner does not say where the inspector is:\n%s", out)
	}
	for _, tc := range []struct {
		path, contentType, has string
	}{
		{"/holdlab/ui/", "text/html", `<h1>holdlab inspector</h1>`},
		{"/holdlab/ui/app.js", "text/javascript", `new EventSource(here(EVENTS))`},
		{"/holdlab/ui/style.css", "text/css", `--hold: #fb8c00`},
		{"/holdlab/ui/timeline.svg", "image/svg+xml", `<svg xmlns="http://www.w3.org/2000/svg"`},
	} {
		t.Run(tc.path, func(t *testing.T) {
			code, h, _ := serveRequest(t, "GET", base+tc.path, "", false)
			if code != http.StatusUnauthorized || !strings.HasPrefix(h.Get("WWW-Authenticate"), "Basic ") {
				t.Errorf("without credentials: %d, WWW-Authenticate %q; want 401 and a Basic challenge", code, h.Get("WWW-Authenticate"))
			}
			code, h, body := serveRequest(t, "GET", base+tc.path, "", true)
			if code != http.StatusOK || !strings.HasPrefix(h.Get("Content-Type"), tc.contentType) || !strings.Contains(body, tc.has) {
				t.Errorf("%d %s, want 200 %s with %q:\n%.300s", code, h.Get("Content-Type"), tc.contentType, tc.has, body)
			}
		})
	}
	if code, h, _ := serveRequest(t, "GET", base+"/holdlab/ui", "", true); code != http.StatusMovedPermanently || h.Get("Location") != "/holdlab/ui/" {
		t.Errorf("/holdlab/ui: %d to %q, want 301 to /holdlab/ui/", code, h.Get("Location"))
	}
	if code, _, _ := serveRequest(t, "POST", base+"/holdlab/ui/", "", true); code != http.StatusMethodNotAllowed {
		t.Errorf("POST /holdlab/ui/: %d, want 405", code)
	}
}

// POST /holdlab/reset swaps in a new, empty fake behind the same address
// and credentials: the old session's event streams end with an end event,
// and a new stream starts from the new session's first entry.
func TestServeReset(t *testing.T) {
	addr, _ := startServe(t, serveConfig{addr: "127.0.0.1:0", clock: "manual", seed: 3, seedSet: true})
	base := "http://" + addr
	acct := "/2010-04-01/Accounts/" + fakeapi.DefaultAccountSid
	if code, _, body := serveRequest(t, "POST", base+acct+"/Calls.json", "To=%2B15550002000&From=%2B15550001000&Twiml=%3CResponse%2F%3E", true); code != http.StatusCreated {
		t.Fatalf("create call: %d %s", code, body)
	}
	before := picture(t, base)
	if len(before.Calls) != 1 {
		t.Fatalf("before the reset: %d calls, want 1", len(before.Calls))
	}

	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", base+"/holdlab/events", nil)
	req.SetBasicAuth(fakeapi.DefaultAccountSid, fakeapi.DefaultAuthToken)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	events := make(chan string, 256)
	go func() {
		defer close(events)
		sc := bufio.NewScanner(resp.Body)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		for sc.Scan() {
			if name, ok := strings.CutPrefix(sc.Text(), "event: "); ok {
				events <- name
			}
		}
	}()
	waitFor := func(name string) {
		t.Helper()
		for {
			select {
			case got, ok := <-events:
				if !ok {
					t.Fatalf("the stream ended before a %s event", name)
				}
				if got == name {
					return
				}
			case <-ctx.Done():
				t.Fatalf("no %s event", name)
			}
		}
	}
	waitFor("state")

	if code, h, _ := serveRequest(t, "GET", base+"/holdlab/reset", "", true); code != http.StatusMethodNotAllowed || h.Get("Allow") != "POST" {
		t.Errorf("GET /holdlab/reset: %d, Allow %q; want 405, POST", code, h.Get("Allow"))
	}
	if code, _, _ := serveRequest(t, "POST", base+"/holdlab/reset", "", false); code != http.StatusUnauthorized {
		t.Errorf("POST /holdlab/reset without credentials: %d, want 401", code)
	}
	if code, _, body := serveRequest(t, "POST", base+"/holdlab/reset", "", true); code != http.StatusNoContent {
		t.Fatalf("POST /holdlab/reset: %d %s", code, body)
	}
	waitFor("end")

	after := picture(t, base)
	if after.Session == before.Session || len(after.Calls) != 0 || after.LastSeq != 0 {
		t.Errorf("after the reset: session %s (was %s), %d calls, last seq %d; want a new, empty session", after.Session, before.Session, len(after.Calls), after.LastSeq)
	}
	if code, _, body := serveRequest(t, "GET", base+acct+"/Calls.json", "", true); code != http.StatusOK || !strings.Contains(body, `"calls":[]`) {
		t.Errorf("calls after the reset: %d %s", code, body)
	}
}

func picture(t *testing.T, base string) fakeapi.PictureJSON {
	t.Helper()
	code, _, body := serveRequest(t, "GET", base+"/holdlab/state", "", true)
	var p fakeapi.PictureJSON
	if err := json.Unmarshal([]byte(body), &p); code != http.StatusOK || err != nil {
		t.Fatalf("GET /holdlab/state: %d %v: %s", code, err, body)
	}
	return p
}
