package fakeapi_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/holdlab/holdlab/fakeapi"
	"github.com/holdlab/holdlab/fakeapi/sim"
	openapi "github.com/twilio/twilio-go/rest/api/v2010"
)

// POST /holdlab/calls/{sid}/answer: the simulated phone of a ringing
// outbound call picks up now, whatever its script says; a call that is not
// ringing at a phone cannot be answered.
func TestControlAnswer(t *testing.T) {
	for _, tc := range []struct {
		name   string
		answer sim.Answer
	}{{"a phone that would never answer", sim.AnswerNoAnswer}, {"a phone that would be busy after a while", sim.AnswerBusy}} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFake(t, fakeapi.Options{})
			if err := f.SetPhone("+15550002000", sim.PhoneScript{Name: "learner", Answer: tc.answer, After: 10 * time.Second}); err != nil {
				t.Fatal(err)
			}
			to, from, twiml := "+15550002000", "+15550001000", `<Response><Say>Welcome</Say><Pause length="30"/></Response>`
			c, err := f.RestClient().CreateCall(&openapi.CreateCallParams{To: &to, From: &from, Twiml: &twiml})
			if err != nil {
				t.Fatal(err)
			}
			f.Advance(time.Second)
			post := func(path string) (int, map[string]any) {
				rec := httptest.NewRecorder()
				req := httptest.NewRequest("POST", path, nil)
				req.SetBasicAuth(f.AccountSid(), f.AuthToken())
				f.Handler().ServeHTTP(rec, req)
				var body map[string]any
				_ = json.Unmarshal(rec.Body.Bytes(), &body)
				return rec.Code, body
			}
			if code, body := post("/holdlab/calls/" + *c.Sid + "/answer"); code != http.StatusNoContent {
				t.Fatalf("answer a ringing call: %d %v", code, body)
			}
			if h, _ := f.Hears(*c.Sid); h.Kind != sim.HearMedia || h.Source != "say" {
				t.Errorf("after answering, the party hears %s, want the Say", h)
			}
			if code, body := post("/holdlab/calls/" + *c.Sid + "/answer"); code != http.StatusBadRequest || body["code"] != float64(20001) {
				t.Errorf("answer an answered call: %d %v, want 400 / 20001", code, body)
			}
			if code, _ := post("/holdlab/calls/CA00000000000000000000000000000000/answer"); code != http.StatusNotFound {
				t.Errorf("answer an unknown call: %d, want 404", code)
			}
			f.Advance(20 * time.Second)
			if got, _ := f.RestClient().FetchCall(*c.Sid, nil); *got.Status != "in-progress" {
				t.Errorf("20 s later the call is %s: the script's busy signal or timeout still ran", *got.Status)
			}
		})
	}
}
