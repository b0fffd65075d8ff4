package bench

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/holdlab/holdlab/fakeapi"
	"github.com/holdlab/holdlab/fakeapi/sim"
	openapi "github.com/twilio/twilio-go/rest/api/v2010"
)

// simApp is the app for holdlab's engine: the perform function RunUntil
// hands every webhook to, answering in-process.
type simApp struct {
	events   []event
	webhooks counter
}

func (a *simApp) perform(eff *sim.Effect) sim.Result {
	a.webhooks.add()
	path := strings.TrimPrefix(eff.URL, appBase)
	if ev, ok := callbackEvent(path, eff.Params); ok {
		a.events = append(a.events, ev)
		return sim.Result{StatusCode: http.StatusNoContent}
	}
	if doc, ok := documents[path]; ok {
		return sim.Result{StatusCode: http.StatusOK, ContentType: "text/xml", Body: []byte(doc)}
	}
	return sim.Result{StatusCode: http.StatusNotFound, ErrCode: 11200, Err: "HTTP 404"}
}

// kinds lists the kinds of the callbacks received, in order.
func kinds(evs []event) string {
	k := make([]string, len(evs))
	for i, ev := range evs {
		k[i] = ev.kind
	}
	return strings.Join(k, " ")
}

const benchAccount = "AC00000000000000000000000000000001"

// engineScenario runs the hold scenario on holdlab's engine directly
// (fakeapi/sim), virtual time only, the app answering in-process. It
// returns the number of webhooks made.
func engineScenario(b testing.TB) int64 {
	app := &simApp{}
	e := sim.New(sim.Config{AccountSid: benchAccount, Seed: 1})
	run := func(d time.Duration) { e.RunUntil(e.Now().Add(d), app.perform) }
	voice := voiceURL
	if _, err := e.CreateNumber(sim.NumberParams{PhoneNumber: supportNumber, VoiceURL: &voice}); err != nil {
		b.Fatal(err)
	}

	// 1. The customer calls in and waits in the conference.
	cust, err := e.PlaceCall(customerNumber, supportNumber)
	if err != nil {
		b.Fatal(err)
	}
	run(0)
	want(b, "callbacks after the customer called", kinds(app.events), "join")
	want(b, "the first to join", app.events[0].callSid, cust.Sid)
	conf := app.events[0].confSid

	// 2. The app calls the agent, who answers (after 2 s) and joins.
	ag, err := e.CreateCall(sim.CallParams{
		To: agentNumber, From: supportNumber, URL: agentURL,
		StatusCallback: callEventURL, StatusCallbackEvents: []string{"ringing"},
	})
	if err != nil {
		b.Fatal(err)
	}
	run(5 * time.Second)
	want(b, "callbacks after the agent was called", kinds(app.events), "join ringing join")
	want(b, "the second to join", app.events[2].callSid, ag.Sid)
	if h, _ := e.Hears(cust.Sid); h.Kind != sim.HearParty {
		b.Fatalf("bridged: the customer hears %s", h)
	}

	// 3. Hold, ten virtual minutes, unhold.
	hold, unhold, music := true, false, holdURL
	if _, err := e.UpdateParticipant(conf, cust.Sid, sim.ParticipantUpdate{Hold: &hold, HoldURL: &music, HoldMethod: "GET"}); err != nil {
		b.Fatal(err)
	}
	run(holdFor)
	if h, _ := e.Hears(cust.Sid); h.Kind != sim.HearMedia {
		b.Fatalf("on hold: the customer hears %s", h)
	}
	if _, err := e.UpdateParticipant(conf, cust.Sid, sim.ParticipantUpdate{Hold: &unhold}); err != nil {
		b.Fatal(err)
	}
	run(0)
	if h, _ := e.Hears(cust.Sid); h.Kind != sim.HearParty {
		b.Fatalf("unheld: the customer hears %s", h)
	}

	// 4. Both hang up; each leaves the conference.
	for _, sid := range []string{cust.Sid, ag.Sid} {
		if err := e.HangUp(sid); err != nil {
			b.Fatal(err)
		}
		run(0)
	}
	want(b, "callbacks at the end", kinds(app.events), "join ringing join leave leave")
	return app.webhooks.n.Load()
}

// fakeApp is the app behind holdlab's Fake: an http.Handler served
// in-process (fakeapi.Options.Apps), reached through the Fake's webhook
// client as over the network, every request signed.
type fakeApp struct {
	events   []event
	webhooks counter
}

func (a *fakeApp) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	a.webhooks.add()
	if err := r.ParseForm(); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	if ev, ok := callbackEvent(r.URL.Path, r.PostForm); ok {
		a.events = append(a.events, ev)
		w.WriteHeader(http.StatusNoContent)
		return
	}
	doc, ok := documents[r.URL.Path]
	if !ok {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", "text/xml")
	_, _ = w.Write([]byte(doc))
}

// fakeScenario runs the hold scenario through holdlab's Fake: every REST
// request goes through the unmodified twilio-go client over the Fake's
// in-memory transport, every webhook to the app's http.Handler in memory.
// It includes building the Fake and the client, as BenchmarkHold in
// fakeapi does. It returns the number of webhooks made.
func fakeScenario(b testing.TB) int64 {
	app := &fakeApp{}
	f, err := fakeapi.New(fakeapi.Options{Apps: map[string]http.Handler{appHost: app}})
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	api := f.RestClient()
	num, voice := supportNumber, voiceURL
	if _, err := api.CreateIncomingPhoneNumber(&openapi.CreateIncomingPhoneNumberParams{PhoneNumber: &num, VoiceUrl: &voice}); err != nil {
		b.Fatal(err)
	}

	// 1. The customer calls in and waits in the conference.
	cust, err := f.PlaceCall(customerNumber, supportNumber)
	if err != nil {
		b.Fatal(err)
	}
	want(b, "callbacks after the customer called", kinds(app.events), "join")
	want(b, "the first to join", app.events[0].callSid, cust)
	conf := app.events[0].confSid

	// 2. The app calls the agent, who answers (after 2 s) and joins.
	to, from, agentDoc, cb, events := agentNumber, supportNumber, agentURL, callEventURL, []string{"ringing"}
	ag, err := api.CreateCall(&openapi.CreateCallParams{
		To: &to, From: &from, Url: &agentDoc, StatusCallback: &cb, StatusCallbackEvent: &events,
	})
	if err != nil {
		b.Fatal(err)
	}
	f.Advance(5 * time.Second)
	want(b, "callbacks after the agent was called", kinds(app.events), "join ringing join")
	want(b, "the second to join", app.events[2].callSid, *ag.Sid)
	if h, _ := f.Hears(cust); h.Kind != sim.HearParty {
		b.Fatalf("bridged: the customer hears %s", h)
	}

	// 3. Hold, ten virtual minutes, unhold.
	hold, unhold, music, get := true, false, holdURL, "GET"
	if _, err := api.UpdateParticipant(conf, cust, &openapi.UpdateParticipantParams{Hold: &hold, HoldUrl: &music, HoldMethod: &get}); err != nil {
		b.Fatal(err)
	}
	f.Advance(holdFor)
	if h, _ := f.Hears(cust); h.Kind != sim.HearMedia {
		b.Fatalf("on hold: the customer hears %s", h)
	}
	if _, err := api.UpdateParticipant(conf, cust, &openapi.UpdateParticipantParams{Hold: &unhold}); err != nil {
		b.Fatal(err)
	}
	if h, _ := f.Hears(cust); h.Kind != sim.HearParty {
		b.Fatalf("unheld: the customer hears %s", h)
	}

	// 4. Both hang up; each leaves the conference.
	for _, sid := range []string{cust, *ag.Sid} {
		if err := f.HangUp(sid); err != nil {
			b.Fatal(err)
		}
	}
	want(b, "callbacks at the end", kinds(app.events), "join ringing join leave leave")
	return app.webhooks.n.Load()
}
