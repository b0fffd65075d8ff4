package main

import (
	"context"
	"encoding/base64"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	"github.com/holdlab/holdlab/fakeapi"
	openapi "github.com/twilio/twilio-go/rest/api/v2010"
)

// The live inspector in a real browser (headless Chromium, through the
// DevTools protocol). Without Chromium the test is skipped, unless
// HOLDLAB_BROWSER=1 (CI: .ci/run installs Chromium and sets it), which
// makes a missing browser a failure. HOLDLAB_ARTIFACTS=DIR keeps the
// screenshot taken during the hold there (inspector.png); the README's
// docs/inspector.png is that screenshot.

// browserPath finds Chromium, or skips (fails with HOLDLAB_BROWSER=1).
func browserPath(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("HOLDLAB_BROWSER") == "1" {
		t.Fatal("HOLDLAB_BROWSER=1 but no chromium on PATH (Debian: apt-get install chromium)")
	}
	t.Skip("no chromium on PATH: the browser test is skipped (HOLDLAB_BROWSER=1 makes this a failure)")
	return ""
}

// inspectorApp is the app behind the support number: the caller goes into
// the support conference.
func inspectorApp(t *testing.T) string {
	app := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/xml")
		fmt.Fprint(w, `<Response><Dial><Conference participantLabel="customer" endConferenceOnExit="true">support</Conference></Dial></Response>`)
	}))
	t.Cleanup(app.Close)
	return app.URL
}

// TestInspectorInBrowser drives a hold and unhold through the REST API,
// as an app would, and watches the page follow without a reload: the
// calls, the conference, the hold and what each party hears (talking,
// then hold music, then talking), logging how soon after each request,
// and the live timeline. Then it acts from the page: a hang-up by
// keyboard, and a call running TwiML typed into the page to a phone
// answered from the page.
func TestInspectorInBrowser(t *testing.T) {
	chromium := browserPath(t)
	addr, _ := startServe(t, serveConfig{addr: "127.0.0.1:0", clock: "manual", seed: 7, seedSet: true})
	base := "http://" + addr
	rc, err := fakeapi.NewRestClient(base, fakeapi.DefaultAccountSid, fakeapi.DefaultAuthToken)
	if err != nil {
		t.Fatal(err)
	}
	ctl := func(method, path, body string) {
		t.Helper()
		req, err := http.NewRequest(method, base+path, strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		req.SetBasicAuth(fakeapi.DefaultAccountSid, fakeapi.DefaultAuthToken)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode >= 300 {
			t.Fatalf("%s %s: %s", method, path, resp.Status)
		}
	}
	support, customer, agent := "+15550100000", "+15550001000", "+15550002000"
	voice := inspectorApp(t) + "/voice"
	if _, err := rc.CreateIncomingPhoneNumber(&openapi.CreateIncomingPhoneNumberParams{PhoneNumber: &support, VoiceUrl: &voice}); err != nil {
		t.Fatal(err)
	}
	ctl("PUT", "/holdlab/phones/%2B15550001000", `{"name":"customer"}`)
	ctl("PUT", "/holdlab/phones/%2B15550002000", `{"name":"agent","after":"2s"}`)

	// The browser, with the account's credentials on every request (the
	// page's and its event stream's), as a browser sends them once a
	// person has typed them at the prompt.
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(chromium),
		chromedp.NoSandbox, chromedp.WindowSize(1280, 1100), chromedp.Flag("headless", true))
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancelAlloc)
	bctx, cancelBrowser := chromedp.NewContext(allocCtx)
	t.Cleanup(cancelBrowser)
	auth := "Basic " + base64.StdEncoding.EncodeToString([]byte(fakeapi.DefaultAccountSid+":"+fakeapi.DefaultAuthToken))
	// The first call starts the browser: no deadline on it (it would stop
	// the browser); the others are bounded.
	if _, err := chromedp.Call(bctx, network.SetExtraHTTPHeaders, network.SetExtraHTTPHeadersParams{Headers: network.Headers{"Authorization": auth}}); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	ctx, cancel := context.WithTimeout(bctx, 90*time.Second)
	t.Cleanup(cancel)
	run := func(what string, steps ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(ctx, steps...); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	eval := func(expr string) chromedp.Action[chromedp.Void] {
		return chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			_, err := chromedp.Evaluate[bool](expr)(ctx, tg)
			return err
		})
	}
	run("open the inspector",
		chromedp.Navigate(base+"/holdlab/ui/"),
		chromedp.WaitVisible(chromedp.CSS(`#calls`)),
		waitJS(`document.getElementById("connection").textContent === "live"`),
		// Set once: a reload would lose it.
		eval(`window.holdlabMark = "no reload"; true`),
	)

	// hearsOf is what the page says a party hears, by phone name.
	hearsOf := func(name string) string {
		return fmt.Sprintf(`[...document.querySelectorAll("#calls-body tr[data-sid]")].filter(r => r.querySelector("th").textContent.includes(%q)).map(r => r.querySelector(".hears-text").textContent).join("|")`, name)
	}
	// seen records, in the page, when cond first holds (Date.now(), ms).
	watch := func(name, cond string) chromedp.Action[chromedp.Void] {
		return eval(fmt.Sprintf(`(() => { const c = () => (%s); window[%q] = 0;
			const obs = new MutationObserver(() => { if (!window[%q] && c()) { window[%q] = Date.now(); obs.disconnect(); } });
			obs.observe(document.body, {subtree: true, childList: true, characterData: true}); return true; })()`, cond, name, name, name))
	}
	// within waits for the page to see cond, and logs how long after sent
	// it did (BenchmarkEventsLatency in fakeapi measures the stream's part).
	within := func(name string, sent time.Time, what string) {
		t.Helper()
		run(what, waitJS(fmt.Sprintf(`window[%q] > 0`, name)))
		at, err := chromedp.Run(ctx, chromedp.Evaluate[float64](fmt.Sprintf(`window[%q]`, name)))
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		took := time.UnixMilli(int64(at)).Sub(sent)
		t.Logf("%s: on the page %v after the request answered", what, took)
	}

	// The customer calls in and waits in the room; the agent is added
	// through the Participants API and answers after 2 s.
	ctl("POST", "/holdlab/calls", fmt.Sprintf(`{"from":%q,"to":%q}`, customer, support))
	run("the customer waits", waitJS(hearsOf("customer")+`.includes("wait music")`))
	label := "agent"
	if _, err := rc.CreateParticipant("support", &openapi.CreateParticipantParams{From: &support, To: &agent, Label: &label}); err != nil {
		t.Fatal(err)
	}
	ctl("POST", "/holdlab/clock/advance", `{"by":"3s"}`)
	run("both talk",
		waitJS(hearsOf("customer")+`.startsWith("talking with agent")`),
		waitJS(hearsOf("agent")+`.startsWith("talking with customer")`),
		waitJS(`document.querySelector("#conferences li[data-call]") !== null`))
	confs, err := rc.ListConference(&openapi.ListConferenceParams{FriendlyName: ptr("support"), Status: ptr("in-progress")})
	if err != nil || len(confs) != 1 {
		t.Fatalf("conferences: %d, %v", len(confs), err)
	}
	cf := *confs[0].Sid
	calls, err := rc.ListCall(&openapi.ListCallParams{From: &customer})
	if err != nil || len(calls) != 1 {
		t.Fatalf("the customer's calls: %d, %v", len(calls), err)
	}
	cust := *calls[0].Sid

	// The app holds the customer: hold music, and the room says so.
	run("watch the hold", watch("held", hearsOf("customer")+`.startsWith("hold music")`))
	if _, err := rc.UpdateParticipant(cf, cust, &openapi.UpdateParticipantParams{Hold: ptr(true)}); err != nil {
		t.Fatal(err)
	}
	within("held", time.Now(), "the customer hears hold music")
	run("the hold shows",
		waitJS(`[...document.querySelectorAll("#conferences .badge.hold")].length === 1`),
		waitJS(`document.querySelector(".badge.hold").parentElement.dataset.call === `+fmt.Sprintf("%q", cust)),
		waitJS(hearsOf("agent")+`.startsWith("silence")`),
	)
	// Time passes on hold: the live timeline grows a hold-music segment
	// (the timeline's colour for it) on the customer's lane.
	ctl("POST", "/holdlab/clock/advance", `{"by":"20s"}`)
	run("the timeline shows the hold",
		waitJS(fmt.Sprintf(`document.querySelector('#timeline g.lane[data-id=%q] rect.seg.hears-hold-music[fill="#fb8c00"]') !== null`, cust)),
		waitJS(`document.querySelector("#timeline svg").textContent.includes("customer")`),
		waitJS(`document.getElementById("clock").textContent === "23s"`),
		waitJS(`document.getElementById("trace").textContent.includes("hold-music")`),
	)
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatalf("screenshot: %v", err)
	}
	if len(png) < 20000 {
		t.Errorf("the screenshot is only %d bytes: a blank page?", len(png))
	}
	keep := t.TempDir()
	if dir := os.Getenv("HOLDLAB_ARTIFACTS"); dir != "" {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		keep = dir
	}
	if err := os.WriteFile(filepath.Join(keep, "inspector.png"), png, 0o644); err != nil {
		t.Fatal(err)
	}

	// And unholds: talking again.
	run("watch the unhold", watch("unheld", hearsOf("customer")+`.startsWith("talking with agent")`))
	if _, err := rc.UpdateParticipant(cf, cust, &openapi.UpdateParticipantParams{Hold: ptr(false)}); err != nil {
		t.Fatal(err)
	}
	within("unheld", time.Now(), "the customer talks again")
	run("the hold is gone", waitJS(`document.querySelectorAll("#conferences .badge.hold").length === 0`))

	// From the page: the customer hangs up, by keyboard.
	run("hang up from the page",
		chromedp.Focus(chromedp.CSS(fmt.Sprintf(`#call-%s button.hangup`, cust))),
		chromedp.KeyEvent("\r"),
		waitJS(fmt.Sprintf(`document.getElementById("call-%s").className === "ended"`, cust)),
		waitJS(`document.getElementById("result").textContent.includes("204")`))

	// A learner's TwiML, from the page: a phone that never answers by
	// itself, a call to it that runs the TwiML, the clock advanced from
	// the page, and the phone answered from the page.
	run("TwiML from the page",
		chromedp.SetValue(chromedp.CSS("#phone-address"), "+15550004000"),
		chromedp.SetValue(chromedp.CSS("#phone-name"), "learner"),
		chromedp.SetValue(chromedp.CSS("#phone-answer"), "no-answer"),
		chromedp.Click(chromedp.CSS("#phone-form button")),
		waitJS(`document.getElementById("result").textContent.startsWith("PUT /holdlab/phones/%2B15550004000: 200")`),
		chromedp.SetValue(chromedp.CSS("#twiml-to"), "+15550004000"),
		chromedp.Click(chromedp.CSS("#twiml-form button")),
		waitJS(`document.getElementById("result").textContent.includes(": 201 CA")`),
		chromedp.SetValue(chromedp.CSS("#clock-by"), "1s"),
		chromedp.Click(chromedp.CSS("#clock-form button")),
		waitJS(hearsOf("learner")+`.startsWith("nothing yet")`),
		waitJS(`document.querySelector("#calls-body button.answer:not([hidden])") !== null`),
		chromedp.Click(chromedp.CSS("#calls-body button.answer:not([hidden])")),
		waitJS(hearsOf("learner")+`.startsWith("a voice saying “Hello from holdlab”")`))

	mark, err := chromedp.Run(ctx, chromedp.Evaluate[string](`window.holdlabMark`))
	if err != nil {
		t.Fatal(err)
	}
	if mark != "no reload" {
		t.Errorf("the page was reloaded (mark %q): it must update in place", mark)
	}
}

// waitJS waits until the expression is true in the page (bounded by the
// context's deadline).
func waitJS(expr string) chromedp.Action[chromedp.Void] {
	poll := chromedp.Poll[bool](expr, chromedp.WithPollingInterval(10*time.Millisecond), chromedp.WithPollingTimeout(10*time.Second))
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		if _, err := poll(ctx, t); err != nil {
			return fmt.Errorf("waiting for %s: %w", expr, err)
		}
		return nil
	})
}

func ptr[T any](v T) *T { return &v }
