package fakeapi_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/holdlab/holdlab/fakeapi"
	"github.com/holdlab/holdlab/fakeapi/sim"
	"github.com/holdlab/holdlab/fakeapi/wire"
)

// fuzzRoute is a REST route the form fuzzer aims at, with the path of a
// resource that exists in fuzzFake's world ({call}, {conf}, {queue},
// {number} are filled in).
type fuzzRoute struct {
	method, path string
}

var fuzzRoutes = []fuzzRoute{
	{"POST", "/Calls.json"},
	{"GET", "/Calls.json"},
	{"POST", "/Calls/{call}.json"},
	{"DELETE", "/Calls/{call}.json"},
	{"POST", "/IncomingPhoneNumbers.json"},
	{"GET", "/IncomingPhoneNumbers.json"},
	{"POST", "/IncomingPhoneNumbers/{number}.json"},
	{"GET", "/Conferences.json"},
	{"POST", "/Conferences/{conf}.json"},
	{"GET", "/Conferences/{conf}/Participants.json"},
	{"POST", "/Conferences/{conf}/Participants.json"},
	{"POST", "/Conferences/room/Participants.json"},
	{"POST", "/Conferences/{conf}/Participants/{call}.json"},
	{"POST", "/Conferences/{conf}/Participants/customer.json"},
	{"DELETE", "/Conferences/{conf}/Participants/{call}.json"},
	{"POST", "/Queues.json"},
	{"GET", "/Queues.json"},
	{"POST", "/Queues/{queue}.json"},
	{"POST", "/Queues/{queue}/Members/Front.json"},
	{"GET", "/Queues/{queue}/Members.json"},
}

// fuzzFake is a fake with something to act on: the customer in a
// conference, a caller waiting in a queue, and the support number.
type fuzzFake struct {
	f                         *fakeapi.Fake
	call, conf, queue, number string
}

func newFuzzFake(t *testing.T) *fuzzFake {
	t.Helper()
	app := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/xml")
		switch r.URL.Path {
		case "/voice":
			_, _ = w.Write([]byte(`<Response><Dial><Conference participantLabel="customer">room</Conference></Dial></Response>`))
		case "/queue":
			_, _ = w.Write([]byte(`<Response><Enqueue>support</Enqueue></Response>`))
		default:
			_, _ = w.Write([]byte(`<Response><Play loop="0">https://app.test/music.mp3</Play></Response>`))
		}
	})
	f := newFake(t, fakeapi.Options{Apps: map[string]http.Handler{"app.test": app}, Seed: 7, CheckInvariants: true})
	z := &fuzzFake{f: f}
	err := f.Do(func(e *sim.Engine) error {
		for num, path := range map[string]string{support: "/voice", "+15550001001": "/queue"} {
			u := "https://app.test" + path
			n, err := e.CreateNumber(sim.NumberParams{PhoneNumber: num, VoiceURL: &u})
			if err != nil {
				return err
			}
			if num == support {
				z.number = n.Sid
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if z.call, err = f.PlaceCall(customer, support); err != nil {
		t.Fatal(err)
	}
	if _, err = f.PlaceCall("+15550004000", "+15550001001"); err != nil {
		t.Fatal(err)
	}
	f.Advance(time.Second)
	f.View(func(e *sim.Engine) {
		if cs := e.Conferences(sim.ConferenceFilter{}); len(cs) > 0 {
			z.conf = cs[0].Sid
		}
		if qs := e.Queues(); len(qs) > 0 {
			z.queue = qs[0].Sid
		}
	})
	if z.conf == "" || z.queue == "" {
		t.Fatal("the fuzz world has no conference or no queue")
	}
	return z
}

// FuzzRESTForm sends fuzzed form bodies (and, for GET, query strings) to
// the REST routes, authenticated. Whatever the parameters, the fake must
// answer with Twilio's wire format, never a 5xx, and its engine must stay
// consistent, also once time moves on.
func FuzzRESTForm(f *testing.F) {
	seeds := []struct {
		route uint8
		form  string
	}{
		{0, "To=%2B15550002000&From=%2B15550001000&Url=https%3A%2F%2Fapp.test%2Fvoice"},
		{0, "To=%2B15550002000&From=%2B15550001000&Twiml=%3CResponse%3E%3CDial%3E%2B15550001000%3C%2FDial%3E%3C%2FResponse%3E&Timeout=5&StatusCallbackEvent=initiated+ringing"},
		{0, "To=+1555&From=x&Url=ftp://a&Method=PUT&Timeout=-1"},
		{1, "Status=in-progress&PageSize=1&Page=3&PageToken=PA2"},
		{2, "Url=https%3A%2F%2Fapp.test%2Fhold&Method=GET"},
		{2, "Twiml=%3CResponse%3E%3CHangup%2F%3E%3C%2FResponse%3E"},
		{2, "Status=completed"},
		{2, "Status=canceled&Url=https%3A%2F%2Fapp.test%2Fx&Twiml=%3CResponse%2F%3E"},
		{3, ""},
		{4, "PhoneNumber=%2B15550007000&VoiceUrl=https%3A%2F%2Fapp.test%2Fvoice"},
		{6, "VoiceUrl=&VoiceMethod=GET&StatusCallback=https%3A%2F%2Fapp.test%2Fs"},
		{8, "Status=completed&AnnounceUrl=https%3A%2F%2Fapp.test%2Fa"},
		{10, "From=%2B15550001000&To=%2B15550002000&Label=agent&EndConferenceOnExit=true&Beep=onEnter&WaitUrl="},
		{11, "From=%2B15550001000&To=client%3Aagent&MaxParticipants=2&Coaching=true&CallSidToCoach=CA00"},
		{12, "Hold=true&HoldUrl=https%3A%2F%2Fapp.test%2Fhold&HoldMethod=POST"},
		{13, "Hold=false&Muted=yes&AnnounceUrl=https%3A%2F%2Fapp.test%2Fa&Coaching=true"},
		{14, ""},
		{15, "FriendlyName=support&MaxSize=10"},
		{17, "MaxSize=5001&FriendlyName="},
		{18, "Url=https%3A%2F%2Fapp.test%2Fdequeued&Method=GET"},
		{19, "PageSize=0"},
	}
	for _, s := range seeds {
		f.Add(s.route, s.form)
	}
	f.Fuzz(func(t *testing.T, route uint8, form string) {
		z := newFuzzFake(t)
		rt := fuzzRoutes[int(route)%len(fuzzRoutes)]
		path := strings.NewReplacer("{call}", z.call, "{conf}", z.conf, "{queue}", z.queue, "{number}", z.number).Replace(rt.path)
		u := &url.URL{Path: "/2010-04-01/Accounts/" + z.f.AccountSid() + path}
		body := form
		if rt.method == http.MethodGet || rt.method == http.MethodDelete {
			u.RawQuery, body = form, ""
		}
		req := httptest.NewRequest(rt.method, "/", strings.NewReader(body))
		req.URL, req.RequestURI = u, u.RequestURI()
		req.SetBasicAuth(z.f.AccountSid(), z.f.AuthToken())
		req.Header.Set("Content-Type", wire.FormContentType)
		rec := httptest.NewRecorder()
		z.f.Handler().ServeHTTP(rec, req)
		checkTwilioAnswer(t, rt.method+" "+rt.path, rec)
		z.f.Advance(10 * time.Minute)
		if err := z.f.CheckInvariants(); err != nil {
			t.Fatalf("%s %s with %q: invariants broken:\n%v", rt.method, rt.path, form, err)
		}
	})
}

// checkTwilioAnswer fails t unless rec is a 2xx answer (JSON, or an empty
// 204) or a Twilio error body whose status matches, below 500.
func checkTwilioAnswer(t *testing.T, what string, rec *httptest.ResponseRecorder) {
	t.Helper()
	if rec.Code >= 500 {
		t.Fatalf("%s: HTTP %d: %s", what, rec.Code, rec.Body)
	}
	if rec.Code == http.StatusNoContent {
		return
	}
	if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Fatalf("%s: HTTP %d with Content-Type %q", what, rec.Code, ct)
	}
	if rec.Code < 300 {
		if !json.Valid(rec.Body.Bytes()) {
			t.Fatalf("%s: HTTP %d with a body that is not JSON: %s", what, rec.Code, rec.Body)
		}
		return
	}
	var e struct {
		Code     int    `json:"code"`
		Message  string `json:"message"`
		MoreInfo string `json:"more_info"`
		Status   int    `json:"status"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &e); err != nil || e.Code == 0 || e.Status != rec.Code || e.Message == "" || !strings.HasSuffix(e.MoreInfo, "/"+strconv.Itoa(e.Code)) {
		t.Fatalf("%s: HTTP %d with a body that is not a Twilio error (%v): %s", what, rec.Code, err, rec.Body)
	}
}
