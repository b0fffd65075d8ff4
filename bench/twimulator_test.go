package bench

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/sprucehealth/twimulator/engine"
	"github.com/sprucehealth/twimulator/model"
	openapi "github.com/twilio/twilio-go/rest/api/v2010"
)

// twimApp is the app for twimulator: its httpstub.WebhookClient, answering
// in-process as sim's perform function does for holdlab's engine. twimulator
// runs each call on its own goroutines, so the callbacks arrive
// concurrently; they are handed to the scenario on a channel.
type twimApp struct {
	events   chan event
	webhooks counter
}

func newTwimApp() *twimApp { return &twimApp{events: make(chan event, 16)} }

var xmlHeader = http.Header{"Content-Type": []string{"text/xml"}}

func (a *twimApp) answer(target string, form url.Values) (int, []byte, http.Header, error) {
	a.webhooks.add()
	path := strings.TrimPrefix(target, appBase)
	if ev, ok := callbackEvent(path, form); ok {
		a.events <- ev
		return http.StatusNoContent, nil, http.Header{}, nil
	}
	if doc, ok := documents[path]; ok {
		return http.StatusOK, []byte(doc), xmlHeader, nil
	}
	return http.StatusNotFound, nil, http.Header{}, nil
}

func (a *twimApp) POST(_ context.Context, target string, form url.Values) (int, []byte, http.Header, error) {
	return a.answer(target, form)
}

func (a *twimApp) GET(_ context.Context, target string) (int, []byte, http.Header, error) {
	return a.answer(target, nil)
}

func (a *twimApp) HEAD(_ context.Context, target string) (int, http.Header, error) {
	status, _, h, err := a.answer(target, nil)
	return status, h, err
}

// next waits for the app's next callback, which must be of that kind.
func (a *twimApp) next(b testing.TB, deadline <-chan time.Time, kind string) event {
	b.Helper()
	select {
	case ev := <-a.events:
		if ev.kind != kind {
			b.Fatalf("twimulator: callback %q (%+v), want %q", ev.kind, ev, kind)
		}
		return ev
	case <-deadline:
		b.Fatalf("twimulator: no %q callback within %s", kind, waitLimit)
	}
	return event{}
}

// twimulatorScenario runs the hold scenario on twimulator's in-process
// engine, with its manual clock. It returns the number of webhooks made.
func twimulatorScenario(b testing.TB) int64 {
	deadline := time.NewTimer(waitLimit)
	defer deadline.Stop()
	app := newTwimApp()
	e := engine.NewEngine(engine.WithWebhookClient(app), engine.WithManualClock())
	defer e.Close()

	acct, err := e.CreateAccount(&openapi.CreateAccountParams{})
	if err != nil {
		b.Fatal(err)
	}
	account := *acct.Sid
	voice, post := voiceURL, "POST"
	appl, err := e.CreateApplication(&openapi.CreateApplicationParams{PathAccountSid: &account, VoiceUrl: &voice, VoiceMethod: &post})
	if err != nil {
		b.Fatal(err)
	}
	num := supportNumber
	if _, err := e.CreateIncomingPhoneNumber(&openapi.CreateIncomingPhoneNumberParams{
		PathAccountSid: &account, PhoneNumber: &num, VoiceApplicationSid: appl.Sid,
	}); err != nil {
		b.Fatal(err)
	}

	// 1. The customer calls in and waits in the conference.
	cust, err := e.CreateIncomingCall(model.SID(account), customerNumber, supportNumber)
	if err != nil {
		b.Fatal(err)
	}
	joined := app.next(b, deadline.C, "join")
	want(b, "the first to join", joined.callSid, *cust.Sid)
	conf := joined.confSid

	// 2. The app calls the agent, who answers and joins.
	to, from, agentDoc, events := agentNumber, supportNumber, agentURL, []string{"ringing"}
	cb := callEventURL
	ag, err := e.CreateCall(&openapi.CreateCallParams{
		PathAccountSid: &account, To: &to, From: &from, Url: &agentDoc,
		StatusCallback: &cb, StatusCallbackEvent: &events,
	})
	if err != nil {
		b.Fatal(err)
	}
	want(b, "the ringing call", app.next(b, deadline.C, "ringing").callSid, *ag.Sid)
	if err := e.AnswerCall(model.SID(account), model.SID(*ag.Sid)); err != nil {
		b.Fatal(err)
	}
	want(b, "the second to join", app.next(b, deadline.C, "join").callSid, *ag.Sid)

	// 3. Hold, ten virtual minutes, unhold.
	hold, unhold, music, get := true, false, holdURL, "GET"
	if _, err := e.UpdateParticipant(conf, *cust.Sid, &openapi.UpdateParticipantParams{
		PathAccountSid: &account, Hold: &hold, HoldUrl: &music, HoldMethod: &get,
	}); err != nil {
		b.Fatal(err)
	}
	e.Advance(holdFor)
	if _, err := e.UpdateParticipant(conf, *cust.Sid, &openapi.UpdateParticipantParams{
		PathAccountSid: &account, Hold: &unhold,
	}); err != nil {
		b.Fatal(err)
	}

	// 4. Both hang up; each leaves the conference.
	for _, sid := range []string{*cust.Sid, *ag.Sid} {
		if err := e.Hangup(model.SID(account), model.SID(sid)); err != nil {
			b.Fatal(err)
		}
		want(b, "the participant who left", app.next(b, deadline.C, "leave").callSid, sid)
	}
	return app.webhooks.n.Load()
}
