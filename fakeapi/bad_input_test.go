package fakeapi_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/holdlab/holdlab/fakeapi"
	"github.com/holdlab/holdlab/fakeapi/sim"
	"github.com/holdlab/holdlab/fakeapi/wire"
)

// badInput is one bad request and Twilio's answer to it. Paths may name
// {acct}, {call} (the customer, live, in a conference), {ended} (an ended
// call), {conf}, {queue} (a caller waits in it), {empty} (an empty queue)
// and {number} (the support number).
type badInput struct {
	name       string
	method     string
	path       string
	body       string // a form, or JSON for /holdlab/
	ct         string // Content-Type; default: form (JSON for /holdlab/)
	chunked    bool   // send the body without a Content-Length
	wantStatus int
	wantCode   int
}

// form encodes pairs of names and values.
func form(kv ...string) string {
	v := url.Values{}
	for i := 0; i+1 < len(kv); i += 2 {
		v.Add(kv[i], kv[i+1])
	}
	return v.Encode()
}

const (
	calls   = "/2010-04-01/Accounts/{acct}/Calls.json"
	numbers = "/2010-04-01/Accounts/{acct}/IncomingPhoneNumbers.json"
	confs   = "/2010-04-01/Accounts/{acct}/Conferences"
	queues  = "/2010-04-01/Accounts/{acct}/Queues"
	goodURL = "https://app.test/voice"
)

var (
	okCall    = []string{"To", agent, "From", support, "Url", goodURL}
	longTwiml = "<Response><Say>" + strings.Repeat("a", 4000) + "</Say></Response>"
	// 3990 characters, but more than 4000 bytes: within the limit.
	wideTwiml = "<Response><Say>" + strings.Repeat("é", 3960) + "</Say></Response>"
)

func with(base []string, kv ...string) string {
	m := map[string]string{}
	var keys []string
	for i := 0; i+1 < len(base); i += 2 {
		m[base[i]] = base[i+1]
		keys = append(keys, base[i])
	}
	for i := 0; i+1 < len(kv); i += 2 {
		if _, ok := m[kv[i]]; !ok {
			keys = append(keys, kv[i])
		}
		m[kv[i]] = kv[i+1]
	}
	var out []string
	for _, k := range keys {
		if m[k] != "<omit>" {
			out = append(out, k, m[k])
		}
	}
	return form(out...)
}

// badInputs is the table of the README's Reliability section: every bad
// request tried, and the answer the fake gives.
var badInputs = []badInput{
	// Calls: create.
	{"create call without To", "POST", calls, with(okCall, "To", "<omit>"), "", false, 400, 21201},
	{"create call with an invalid To", "POST", calls, with(okCall, "To", "12345"), "", false, 400, 21211},
	{"create call with a + sent unencoded (a space)", "POST", calls, "To= 15550002000&From=%2B15550001000&Url=https%3A%2F%2Fapp.test%2Fvoice", "", false, 400, 21211},
	{"create call without From", "POST", calls, with(okCall, "From", "<omit>"), "", false, 400, 21213},
	{"create call with an invalid From", "POST", calls, with(okCall, "From", "support"), "", false, 400, 21212},
	{"create call without Url or Twiml", "POST", calls, with(okCall, "Url", "<omit>"), "", false, 400, 21205},
	{"create call with a relative Url", "POST", calls, with(okCall, "Url", "/voice"), "", false, 400, 21205},
	{"create call with an ftp Url", "POST", calls, with(okCall, "Url", "ftp://app.test/voice"), "", false, 400, 21205},
	{"create call with Method=PUT", "POST", calls, with(okCall, "Method", "PUT"), "", false, 400, 21200},
	{"create call with an invalid FallbackUrl", "POST", calls, with(okCall, "FallbackUrl", "nope"), "", false, 400, 21205},
	{"create call with an invalid StatusCallback", "POST", calls, with(okCall, "StatusCallback", "nope"), "", false, 400, 21205},
	{"create call with an unknown StatusCallbackEvent", "POST", calls, with(okCall, "StatusCallbackEvent", "hungup"), "", false, 400, 20001},
	{"create call with Timeout=abc", "POST", calls, with(okCall, "Timeout", "abc"), "", false, 400, 20001},
	{"create call with Timeout=601", "POST", calls, with(okCall, "Timeout", "601"), "", false, 400, 20001},
	{"create call with TimeLimit=-1", "POST", calls, with(okCall, "TimeLimit", "-1"), "", false, 400, 20001},
	{"create call with Twiml over 4000 characters", "POST", calls, with(okCall, "Url", "<omit>", "Twiml", longTwiml), "", false, 400, 20001},
	{"create call with Twiml of 3990 characters (over 4000 bytes)", "POST", calls, with(okCall, "Url", "<omit>", "Twiml", wideTwiml), "", false, 201, 0},
	// Calls: fetch, list, update, delete.
	{"list calls with Status=talking", "GET", calls + "?Status=talking", "", "", false, 400, 20001},
	{"list calls with PageSize=0", "GET", calls + "?PageSize=0", "", "", false, 400, 20001},
	{"list calls with a PageToken not issued", "GET", calls + "?PageToken=xyz", "", "", false, 400, 20001},
	{"list calls with a malformed query", "GET", calls + "?To=%zz", "", "", false, 400, 20001},
	{"fetch an unknown call", "GET", "/2010-04-01/Accounts/{acct}/Calls/CA0123456789abcdef0123456789abcdef.json", "", "", false, 404, 20404},
	{"fetch a call by a malformed SID", "GET", "/2010-04-01/Accounts/{acct}/Calls/not-a-sid.json", "", "", false, 404, 20404},
	{"update call with Status=busy", "POST", "/2010-04-01/Accounts/{acct}/Calls/{call}.json", form("Status", "busy"), "", false, 400, 20001},
	{"update call with both Url and Twiml", "POST", "/2010-04-01/Accounts/{acct}/Calls/{call}.json", form("Url", goodURL, "Twiml", "<Response/>"), "", false, 400, 20001},
	{"update call with an invalid Url", "POST", "/2010-04-01/Accounts/{acct}/Calls/{call}.json", form("Url", "hold"), "", false, 400, 21205},
	{"update call with Method=DELETE", "POST", "/2010-04-01/Accounts/{acct}/Calls/{call}.json", form("Url", goodURL, "Method", "DELETE"), "", false, 400, 21200},
	{"update call with Twiml over 4000 characters", "POST", "/2010-04-01/Accounts/{acct}/Calls/{call}.json", form("Twiml", longTwiml), "", false, 400, 20001},
	{"redirect an ended call", "POST", "/2010-04-01/Accounts/{acct}/Calls/{ended}.json", form("Url", goodURL), "", false, 400, 21220},
	{"hang up an ended call", "POST", "/2010-04-01/Accounts/{acct}/Calls/{ended}.json", form("Status", "completed"), "", false, 400, 21220},
	{"update an unknown call", "POST", "/2010-04-01/Accounts/{acct}/Calls/CA0123456789abcdef0123456789abcdef.json", form("Status", "completed"), "", false, 404, 20404},
	{"delete a live call", "DELETE", "/2010-04-01/Accounts/{acct}/Calls/{call}.json", "", "", false, 400, 20009},
	// IncomingPhoneNumbers.
	{"create number without PhoneNumber", "POST", numbers, form("VoiceUrl", goodURL), "", false, 400, 21452},
	{"create number with an invalid PhoneNumber", "POST", numbers, form("PhoneNumber", "555-1000"), "", false, 400, 21421},
	{"create a number the account owns", "POST", numbers, form("PhoneNumber", support), "", false, 400, 21422},
	{"create number with an invalid VoiceUrl", "POST", numbers, form("PhoneNumber", "+15550007000", "VoiceUrl", "voice"), "", false, 400, 21205},
	{"create number with VoiceMethod=PUT", "POST", numbers, form("PhoneNumber", "+15550007000", "VoiceMethod", "PUT"), "", false, 400, 21200},
	{"change a number's PhoneNumber", "POST", "/2010-04-01/Accounts/{acct}/IncomingPhoneNumbers/{number}.json", form("PhoneNumber", "+15550007000"), "", false, 400, 20001},
	{"fetch an unknown number", "GET", "/2010-04-01/Accounts/{acct}/IncomingPhoneNumbers/PN0123456789abcdef0123456789abcdef.json", "", "", false, 404, 20404},
	// Conferences and participants.
	{"list conferences with Status=open", "GET", confs + ".json?Status=open", "", "", false, 400, 20001},
	{"list conferences with DateCreated=yesterday", "GET", confs + ".json?DateCreated=yesterday", "", "", false, 400, 20001},
	{"update conference with Status=in-progress", "POST", confs + "/{conf}.json", form("Status", "in-progress"), "", false, 400, 20001},
	{"update conference with an invalid AnnounceUrl", "POST", confs + "/{conf}.json", form("AnnounceUrl", "x"), "", false, 400, 21205},
	{"fetch an unknown conference", "GET", confs + "/CF0123456789abcdef0123456789abcdef.json", "", "", false, 404, 20404},
	{"add participant without To", "POST", confs + "/{conf}/Participants.json", form("From", support), "", false, 400, 21201},
	{"add participant with an invalid To", "POST", confs + "/{conf}/Participants.json", form("From", support, "To", "agent"), "", false, 400, 21211},
	{"add participant without From", "POST", confs + "/{conf}/Participants.json", form("To", agent), "", false, 400, 21213},
	{"add participant with Muted=maybe", "POST", confs + "/{conf}/Participants.json", form("From", support, "To", agent, "Muted", "maybe"), "", false, 400, 20001},
	{"add participant with Beep=sometimes", "POST", confs + "/{conf}/Participants.json", form("From", support, "To", agent, "Beep", "sometimes"), "", false, 400, 20001},
	{"add participant with MaxParticipants=1", "POST", confs + "/{conf}/Participants.json", form("From", support, "To", agent, "MaxParticipants", "1"), "", false, 400, 20001},
	{"add participant with an invalid WaitUrl", "POST", confs + "/{conf}/Participants.json", form("From", support, "To", agent, "WaitUrl", "music"), "", false, 400, 21205},
	{"add participant with a label of 129 characters", "POST", confs + "/{conf}/Participants.json", form("From", support, "To", agent, "Label", strings.Repeat("x", 129)), "", false, 400, 20001},
	{"add participant with a label already taken", "POST", confs + "/{conf}/Participants.json", form("From", support, "To", agent, "Label", "customer"), "", false, 400, 16025},
	{"add participant Coaching without CallSidToCoach", "POST", confs + "/{conf}/Participants.json", form("From", support, "To", agent, "Coaching", "true"), "", false, 400, 20001},
	{"add participant to a conference that does not exist", "POST", confs + "/CF0123456789abcdef0123456789abcdef/Participants.json", form("From", support, "To", agent), "", false, 404, 20404},
	{"hold with Hold=maybe", "POST", confs + "/{conf}/Participants/{call}.json", form("Hold", "maybe"), "", false, 400, 20001},
	{"hold with an invalid HoldUrl", "POST", confs + "/{conf}/Participants/{call}.json", form("Hold", "true", "HoldUrl", "music.mp3"), "", false, 400, 21205},
	{"hold with HoldMethod=PUT", "POST", confs + "/{conf}/Participants/{call}.json", form("Hold", "true", "HoldMethod", "PUT"), "", false, 400, 21200},
	{"hold an unknown participant", "POST", confs + "/{conf}/Participants/CA0123456789abcdef0123456789abcdef.json", form("Hold", "true"), "", false, 404, 20404},
	{"hold a participant of a conference named by friendly name", "POST", confs + "/room/Participants/{call}.json", form("Hold", "true"), "", false, 404, 20404},
	// Queues and members.
	{"create queue without FriendlyName", "POST", queues + ".json", form("MaxSize", "10"), "", false, 400, 20001},
	{"create queue with a name of 65 characters", "POST", queues + ".json", form("FriendlyName", strings.Repeat("q", 65)), "", false, 400, 20001},
	{"create queue with a name already taken", "POST", queues + ".json", form("FriendlyName", "support"), "", false, 400, 20001},
	{"create queue with MaxSize=5001", "POST", queues + ".json", form("FriendlyName", "big", "MaxSize", "5001"), "", false, 400, 20001},
	{"create queue with MaxSize=ten", "POST", queues + ".json", form("FriendlyName", "big", "MaxSize", "ten"), "", false, 400, 20001},
	{"delete a queue with a caller in it", "DELETE", queues + "/{queue}.json", "", "", false, 400, 20001},
	{"fetch an unknown queue", "GET", queues + "/QU0123456789abcdef0123456789abcdef.json", "", "", false, 404, 20404},
	{"dequeue without Url", "POST", queues + "/{queue}/Members/Front.json", "", "", false, 400, 21205},
	{"dequeue with an invalid Url", "POST", queues + "/{queue}/Members/Front.json", form("Url", "next"), "", false, 400, 21205},
	{"dequeue with Method=PUT", "POST", queues + "/{queue}/Members/Front.json", form("Url", goodURL, "Method", "PUT"), "", false, 400, 21200},
	{"dequeue the front of an empty queue", "POST", queues + "/{empty}/Members/Front.json", form("Url", goodURL), "", false, 404, 20404},
	// Any route.
	{"malformed form body", "POST", calls, "To=%zz", "", false, 400, 20001},
	{"JSON body on the REST API", "POST", calls, `{"To":"+15550002000"}`, "application/json", false, 400, 20001},
	{"body over 64 KiB", "POST", calls, with(okCall, "Twiml", strings.Repeat("x", 70<<10)), "", false, 413, 20001},
	{"body over 64 KiB without a Content-Length", "POST", calls, with(okCall, "Twiml", strings.Repeat("x", 70<<10)), "", true, 413, 20001},
	{"unknown resource", "GET", "/2010-04-01/Accounts/{acct}/Transcriptions.json", "", "", false, 404, 20404},
	{"unknown path", "GET", "/v1/Calls", "", "", false, 404, 20404},
	{"wrong HTTP method", "PUT", calls, with(okCall), "", false, 405, 20004},
	{"wrong HTTP method on a call", "PATCH", "/2010-04-01/Accounts/{acct}/Calls/{call}.json", form("Status", "completed"), "", false, 405, 20004},
	{"another account's SID in the path", "GET", "/2010-04-01/Accounts/AC0123456789abcdef0123456789abcdef/Calls.json", "", "", false, 404, 20404},
	// The control API.
	{"control API: invalid JSON", "POST", "/holdlab/calls", `{"from":`, "", false, 400, 20001},
	{"control API: unknown field", "POST", "/holdlab/clock/advance", `{"by":"1s","until":"2s"}`, "", false, 400, 20001},
	{"control API: body over 64 KiB", "PUT", "/holdlab/phones/%2B15550002000", `{"name":"` + strings.Repeat("x", 70<<10) + `"}`, "", false, 413, 20001},
	{"control API: body over 64 KiB without a Content-Length", "PUT", "/holdlab/phones/%2B15550002000", `{"name":"` + strings.Repeat("x", 70<<10) + `"}`, "", true, 413, 20001},
	{"control API: a phone calls a number the account does not own", "POST", "/holdlab/calls", `{"from":"+15550003000","to":"+15550009000"}`, "", false, 400, 21211},
	{"control API: hang up an unknown call", "POST", "/holdlab/calls/CA0123456789abcdef0123456789abcdef/hangup", "", "", false, 404, 20404},
	{"control API: press invalid keys", "POST", "/holdlab/calls/{call}/digits", `{"digits":"9x"}`, "", false, 400, 21000},
	{"control API: unknown answer mode", "PUT", "/holdlab/phones/%2B15550002000", `{"answer":"maybe"}`, "", false, 400, 21000},
	{"control API: negative advance", "POST", "/holdlab/clock/advance", `{"by":"-1s"}`, "", false, 400, 20001},
	{"control API: a duration that is not one", "POST", "/holdlab/clock/advance", `{"by":"soon"}`, "", false, 400, 20001},
}

// badInputWorld is the fuzz world plus an ended call and an empty queue.
type badInputWorld struct {
	*fuzzFake
	ended string
	empty string
}

func newBadInputWorld(t *testing.T) *badInputWorld {
	t.Helper()
	w := &badInputWorld{fuzzFake: newFuzzFake(t)}
	err := w.f.Do(func(e *sim.Engine) error {
		c, err := e.CreateCall(sim.CallParams{To: agent, From: support, Twiml: `<Response><Hangup/></Response>`})
		if err != nil {
			return err
		}
		w.ended = c.Sid
		q, err := e.CreateQueue("empty", 0)
		if err != nil {
			return err
		}
		w.empty = q.Sid
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	w.f.Advance(5 * time.Second)
	return w
}

// Every bad request gets Twilio's answer, over both transports, and leaves
// the engine consistent.
func TestBadInput(t *testing.T) {
	transports := []struct {
		name   string
		client func(t *testing.T, f *fakeapi.Fake) (*http.Client, string)
	}{
		{"in-memory", func(t *testing.T, f *fakeapi.Fake) (*http.Client, string) {
			return f.HTTPClient(), "https://api.twilio.com"
		}},
		{"loopback", func(t *testing.T, f *fakeapi.Fake) (*http.Client, string) {
			srv := httptest.NewServer(f.Handler())
			t.Cleanup(srv.Close)
			return srv.Client(), srv.URL
		}},
	}
	for _, tr := range transports {
		t.Run(tr.name, func(t *testing.T) {
			t.Parallel()
			for _, tt := range badInputs {
				t.Run(tt.name, func(t *testing.T) {
					w := newBadInputWorld(t)
					hc, base := tr.client(t, w.f)
					path := strings.NewReplacer("{acct}", w.f.AccountSid(), "{call}", w.call, "{ended}", w.ended,
						"{conf}", w.conf, "{queue}", w.queue, "{empty}", w.empty, "{number}", w.number).Replace(tt.path)
					var body io.Reader = strings.NewReader(tt.body)
					if tt.chunked {
						body = io.MultiReader(body) // hides the length
					}
					req, err := http.NewRequest(tt.method, base+path, body)
					if err != nil {
						t.Fatal(err)
					}
					req.SetBasicAuth(w.f.AccountSid(), w.f.AuthToken())
					ct := tt.ct
					if ct == "" && !strings.HasPrefix(tt.path, "/holdlab/") {
						ct = wire.FormContentType
					}
					if ct != "" && tt.body != "" {
						req.Header.Set("Content-Type", ct)
					}
					resp, err := hc.Do(req)
					if err != nil {
						t.Fatal(err)
					}
					defer resp.Body.Close()
					raw, _ := io.ReadAll(resp.Body)
					if resp.StatusCode != tt.wantStatus {
						t.Fatalf("HTTP %d, want %d: %s", resp.StatusCode, tt.wantStatus, raw)
					}
					if tt.wantCode != 0 {
						var e struct {
							Code   int    `json:"code"`
							Status int    `json:"status"`
							Msg    string `json:"message"`
						}
						if err := json.Unmarshal(raw, &e); err != nil || e.Code != tt.wantCode || e.Status != tt.wantStatus || e.Msg == "" {
							t.Errorf("body %s, want Twilio's error %d / %d", raw, tt.wantStatus, tt.wantCode)
						}
						if goish(e.Msg) {
							t.Errorf("message %q speaks Go, not Twilio", e.Msg)
						}
					}
					w.f.Advance(time.Minute)
					if err := w.f.CheckInvariants(); err != nil {
						t.Errorf("invariants broken:\n%v", err)
					}
				})
			}
		})
	}
}

// With several invalid boolean parameters, the error always names the same
// one, the first in the order the handler reads them: the answer does not
// depend on map iteration order.
func TestSeveralInvalidBooleansGiveOneAnswer(t *testing.T) {
	const confs = "/2010-04-01/Accounts/{acct}/Conferences/{conf}/Participants"
	tests := []struct {
		name, method, path, body, want string
	}{
		{"update", "POST", confs + "/{call}.json", form("Coaching", "x", "EndConferenceOnExit", "x", "BeepOnExit", "x", "Hold", "x"), "parameter Hold"},
		{"create", "POST", confs + ".json", form("From", support, "To", agent, "Coaching", "x", "EarlyMedia", "x", "EndConferenceOnExit", "x", "Muted", "x"), "parameter Muted"},
		{"list", "GET", confs + ".json?Coaching=x&Hold=x&Muted=x", "", "parameter Muted"},
	}
	w := newBadInputWorld(t)
	hc := w.f.HTTPClient()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := strings.NewReplacer("{acct}", w.f.AccountSid(), "{conf}", w.conf, "{call}", w.call).Replace(tt.path)
			for range 20 {
				req, err := http.NewRequest(tt.method, "https://api.twilio.com"+path, strings.NewReader(tt.body))
				if err != nil {
					t.Fatal(err)
				}
				req.SetBasicAuth(w.f.AccountSid(), w.f.AuthToken())
				req.Header.Set("Content-Type", wire.FormContentType)
				resp, err := hc.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				raw, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if resp.StatusCode != 400 || !strings.Contains(string(raw), tt.want) {
					t.Fatalf("HTTP %d %s, want 400 naming %s", resp.StatusCode, raw, tt.want)
				}
			}
		})
	}
}
