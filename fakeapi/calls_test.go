package fakeapi_test

import (
	"errors"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/holdlab/holdlab/fakeapi"
	"github.com/holdlab/holdlab/fakeapi/sim"
	"github.com/holdlab/holdlab/fakeapi/wire"
	"github.com/twilio/twilio-go/client"
	openapi "github.com/twilio/twilio-go/rest/api/v2010"
)

const music = `<Response><Play loop="0">https://cdn.test/music.mp3</Play></Response>`

// The pitfalls of redirecting <Dial> legs, through the unmodified twilio-go
// client, over both transports.
func TestRedirectDialLegs(t *testing.T) {
	tests := []struct {
		name          string
		voiceDoc      string
		redirectChild bool
		wantParent    string
		wantChild     string
	}{
		{"parent redirect hangs up the child", `<Response><Dial>` + agent + `</Dial></Response>`, false, "in-progress", "completed"},
		{"child redirect hangs up a parent with no action and no next verb", `<Response><Dial>` + agent + `</Dial></Response>`, true, "completed", "in-progress"},
		{"child redirect: a Dial action keeps the parent alive", `<Response><Dial action="/held">` + agent + `</Dial></Response>`, true, "in-progress", "in-progress"},
		{"child redirect: a following Redirect keeps the parent alive", `<Response><Dial>` + agent + `</Dial><Redirect>/held</Redirect></Response>`, true, "in-progress", "in-progress"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			eachTransport(t, func(t *testing.T, e *env) {
				e.supportLine(tt.voiceDoc)
				e.app.twiml("/hold", music)
				e.app.twiml("/held", music)
				parent, child := e.bridged()
				e.wantHears(parent, "party "+wire.Short(child))
				moved := parent
				if tt.redirectChild {
					moved = child
				}
				e.redirect(moved, "/hold")
				e.fake.Advance(time.Minute)
				e.wantStatus(parent, tt.wantParent)
				e.wantStatus(child, tt.wantChild)
				e.wantHears(moved, `play "https://cdn.test/music.mp3"`)
			})
		})
	}
}

func TestHangUpFromEachSide(t *testing.T) {
	for _, side := range []string{"customer", "agent"} {
		t.Run(side, func(t *testing.T) {
			eachTransport(t, func(t *testing.T, e *env) {
				e.supportLine(`<Response><Dial action="/after">` + agent + `</Dial></Response>`)
				e.app.twiml("/after", `<Response><Say>Thanks for calling</Say></Response>`)
				parent, child := e.bridged()
				e.fake.Advance(time.Minute)
				hung := parent
				if side == "agent" {
					hung = child
				}
				// Hang up through REST, as an app's "end call" button does.
				if _, err := e.api.UpdateCall(hung, &openapi.UpdateCallParams{Status: ptr("completed")}); err != nil {
					t.Fatal(err)
				}
				e.fake.Advance(10 * time.Second)
				e.wantStatus(parent, "completed")
				e.wantStatus(child, "completed")
				after := e.app.requests("/after")
				if side == "agent" {
					if len(after) != 1 || after[0].Params.Get("DialCallStatus") != "completed" || after[0].Params.Get("DialCallDuration") != "63" {
						t.Errorf("dial action %+v, want one with DialCallStatus=completed DialCallDuration=63", after)
					}
				}
				c, err := e.api.FetchCall(child, nil)
				if err != nil {
					t.Fatal(err)
				}
				if c.Duration == nil || *c.Duration != "63" {
					t.Errorf("agent leg duration %v, want \"63\"", c.Duration)
				}
			})
		})
	}
}

func TestDialCallStatusOutcomes(t *testing.T) {
	tests := []struct {
		script sim.PhoneScript
		want   string
	}{
		{sim.PhoneScript{Answer: sim.AnswerBusy}, "busy"},
		{sim.PhoneScript{Answer: sim.AnswerNoAnswer}, "no-answer"},
		{sim.PhoneScript{Answer: sim.AnswerFail}, "failed"},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			eachTransport(t, func(t *testing.T, e *env) {
				e.supportLine(`<Response><Dial action="/after" timeout="15">` + agent + `</Dial></Response>`)
				e.app.twiml("/after", `<Response><Say>Nobody is free</Say></Response>`)
				if err := e.fake.SetPhone(agent, tt.script); err != nil {
					t.Fatal(err)
				}
				parent, err := e.fake.PlaceCall(customer, support)
				if err != nil {
					t.Fatal(err)
				}
				e.fake.Advance(time.Minute)
				after := e.app.requests("/after")
				if len(after) != 1 {
					t.Fatalf("dial action requested %d times\n%s", len(after), e.trace())
				}
				if got := after[0].Params.Get("DialCallStatus"); got != tt.want {
					t.Errorf("DialCallStatus %q, want %q", got, tt.want)
				}
				e.wantStatus(e.childOf(parent), tt.want)
			})
		})
	}
}

// restError unwraps twilio-go's error for a failed request.
func restError(t *testing.T, err error) *client.TwilioRestError {
	t.Helper()
	var re *client.TwilioRestError
	if !errors.As(err, &re) {
		t.Fatalf("error %v (%T), want *client.TwilioRestError", err, err)
	}
	return re
}

func TestRESTErrors(t *testing.T) {
	eachTransport(t, func(t *testing.T, e *env) {
		e.supportLine(`<Response><Dial>` + agent + `</Dial></Response>`)
		parent, child := e.bridged()
		if _, err := e.api.UpdateCall(parent, &openapi.UpdateCallParams{Status: ptr("completed")}); err != nil {
			t.Fatal(err)
		}
		t.Run("21220 redirecting a completed call", func(t *testing.T) {
			_, err := e.api.UpdateCall(child, &openapi.UpdateCallParams{Url: ptr(e.app.url("/hold"))})
			if re := restError(t, err); re.Code != 21220 || re.Status != 400 || re.Message != "Call is not in-progress. Cannot redirect." {
				t.Errorf("got %+v, want 400/21220", re)
			}
		})
		t.Run("20404 unknown call", func(t *testing.T) {
			_, err := e.api.FetchCall("CA0123456789abcdef0123456789abcdef", nil)
			if re := restError(t, err); re.Code != 20404 || re.Status != 404 || !strings.Contains(re.Message, "CA0123456789abcdef0123456789abcdef") || re.MoreInfo != "https://www.twilio.com/docs/errors/20404" {
				t.Errorf("got %+v, want 404/20404 naming the resource", re)
			}
		})
		t.Run("21201 no To", func(t *testing.T) {
			_, err := e.api.CreateCall(&openapi.CreateCallParams{From: ptr(support), Url: ptr(e.app.url("/voice"))})
			if re := restError(t, err); re.Code != 21201 || re.Status != 400 {
				t.Errorf("got %+v, want 400/21201", re)
			}
		})
		t.Run("21205 bad Url", func(t *testing.T) {
			_, err := e.api.CreateCall(&openapi.CreateCallParams{To: ptr(agent), From: ptr(support), Url: ptr("not a url")})
			if re := restError(t, err); re.Code != 21205 || re.Status != 400 {
				t.Errorf("got %+v, want 400/21205", re)
			}
		})
	})
}

func TestWrongCredentialsAre20003(t *testing.T) {
	f := newFake(t, fakeapi.Options{})
	for _, tc := range []struct{ name, sid, token string }{
		{"wrong token", f.AccountSid(), "ffffffffffffffffffffffffffffffff"},
		{"wrong account", "ACffffffffffffffffffffffffffffffff", f.AuthToken()},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := &client.Client{Credentials: client.NewCredentials(tc.sid, tc.token), HTTPClient: f.HTTPClient()}
			c.SetAccountSid(tc.sid)
			api := openapi.NewApiServiceWithClient(c)
			_, err := api.ListCall(nil)
			if re := restError(t, err); re.Code != 20003 || re.Status != 401 {
				t.Errorf("got %+v, want 401/20003", re)
			}
		})
	}
	t.Run("no credentials on the control API", func(t *testing.T) {
		resp, err := f.HTTPClient().Get("http://fake/holdlab/clock")
		if err != nil {
			t.Fatal(err)
		}
		if resp.StatusCode != http.StatusUnauthorized {
			t.Errorf("status %d, want 401", resp.StatusCode)
		}
	})
}

var (
	rfc2822 = regexp.MustCompile(`^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} \+0000$`)
	callSid = regexp.MustCompile(`^CA[0-9a-f]{32}$`)
)

// An outbound-api call, created and watched as an app would: create
// returns it queued; it rings, is answered, and the status callbacks it
// subscribed to arrive with increasing SequenceNumber.
func TestOutboundCallLifecycle(t *testing.T) {
	eachTransport(t, func(t *testing.T, e *env) {
		e.supportLine(`<Response/>`)
		e.app.twiml("/agent", `<Response><Say>You have a call</Say><Pause length="20"/></Response>`)
		c, err := e.api.CreateCall(&openapi.CreateCallParams{
			To: ptr(agent), From: ptr(support), Url: ptr(e.app.url("/agent")),
			StatusCallback:      ptr(e.app.url("/status")),
			StatusCallbackEvent: &[]string{"initiated", "ringing", "answered", "completed"},
		})
		if err != nil {
			t.Fatal(err)
		}
		if *c.Status != "queued" || *c.Direction != "outbound-api" || !callSid.MatchString(*c.Sid) || !rfc2822.MatchString(*c.DateCreated) {
			t.Errorf("created call: status %s direction %s sid %s date %s", *c.Status, *c.Direction, *c.Sid, *c.DateCreated)
		}
		if c.StartTime != nil || c.Duration != nil || c.ParentCallSid != nil {
			t.Errorf("a queued call has start_time %v duration %v parent %v; want null", c.StartTime, c.Duration, c.ParentCallSid)
		}
		e.fake.Advance(time.Minute)
		got, err := e.api.FetchCall(*c.Sid, nil)
		if err != nil {
			t.Fatal(err)
		}
		if *got.Status != "completed" || *got.Duration != "21" || !rfc2822.MatchString(*got.EndTime) || *got.ToFormatted != "(555) 000-2000" {
			t.Errorf("fetched call: status %s duration %v end %v to_formatted %v", *got.Status, *got.Duration, *got.EndTime, *got.ToFormatted)
		}
		var events, seqs []string
		for _, r := range e.app.requests("/status") {
			events = append(events, r.Params.Get("CallStatus"))
			seqs = append(seqs, r.Params.Get("SequenceNumber"))
		}
		if strings.Join(events, ",") != "initiated,ringing,in-progress,completed" || strings.Join(seqs, ",") != "0,1,2,3" {
			t.Errorf("status callbacks %v seq %v, want initiated,ringing,in-progress,completed with 0..3", events, seqs)
		}
	})
}

// Twilio's paging: twilio-go follows next_page_uri until it is null.
func TestListCallsPaging(t *testing.T) {
	eachTransport(t, func(t *testing.T, e *env) {
		e.supportLine(`<Response><Pause length="600"/></Response>`)
		var placed []string
		for range 7 {
			sid, err := e.fake.PlaceCall(customer, support)
			if err != nil {
				t.Fatal(err)
			}
			placed = append(placed, sid)
		}
		calls, err := e.api.ListCall(&openapi.ListCallParams{PageSize: ptr(3), Status: ptr("in-progress")})
		if err != nil {
			t.Fatal(err)
		}
		if len(calls) != 7 {
			t.Fatalf("listed %d calls, want 7", len(calls))
		}
		for i, c := range calls {
			// Newest first.
			if want := placed[len(placed)-1-i]; *c.Sid != want {
				t.Errorf("calls[%d] = %s, want %s", i, *c.Sid, want)
			}
		}
		none, err := e.api.ListCall(&openapi.ListCallParams{Status: ptr("busy")})
		if err != nil || len(none) != 0 {
			t.Errorf("busy calls: %d, %v; want none", len(none), err)
		}
	})
}

// An app's webhook handler may call the REST API synchronously: here the
// Dial action of the customer's leg redirects the agent's leg from inside
// the handler. Nothing deadlocks and nothing is lost.
func TestWebhookHandlerCallsRESTBack(t *testing.T) {
	eachTransport(t, func(t *testing.T, e *env) {
		e.supportLine(`<Response><Dial action="/after" timeLimit="30">` + agent + `</Dial></Response>`)
		e.app.twiml("/wrapup", `<Response><Say>Please rate the call</Say><Pause length="5"/></Response>`)
		e.app.twiml("/hold", music)
		var redirected string
		e.app.handle("/after", func(v url.Values) string {
			// The customer's Dial ended (timeLimit): take the customer to
			// hold music and call the agent back to a wrap-up prompt.
			agentLeg := v["DialCallSid"][0]
			_, err := e.api.UpdateCall(agentLeg, &openapi.UpdateCallParams{Url: ptr(e.app.url("/wrapup"))})
			if err != nil {
				redirected = err.Error()
			} else {
				redirected = "ok"
			}
			return music
		})
		parent, child := e.bridged()
		e.fake.Advance(time.Minute)
		if redirected == "" {
			t.Fatalf("the Dial action never ran\n%s", e.trace())
		}
		// The agent leg was hung up by timeLimit before the handler ran, so
		// the redirect from inside the handler races an ended call: 21220.
		if !strings.Contains(redirected, "21220") {
			t.Errorf("redirect from inside the handler: %s, want a 21220 error", redirected)
		}
		e.wantStatus(parent, "in-progress")
		e.wantStatus(child, "completed")
		e.wantHears(parent, `play "https://cdn.test/music.mp3"`)
	})
}

// A handler redirecting a live leg from inside another leg's webhook.
func TestWebhookHandlerRedirectsLiveLeg(t *testing.T) {
	eachTransport(t, func(t *testing.T, e *env) {
		e.supportLine(`<Response><Dial action="/wait">` + agent + `</Dial></Response>`)
		e.app.twiml("/hold", music)
		e.app.twiml("/wait", `<Response><Pause length="600"/></Response>`)
		parent, child := e.bridged()
		// The agent presses a hold button: the app redirects the agent's leg
		// to /park, whose handler itself moves the customer to hold music.
		e.app.handle("/park", func(url.Values) string {
			if _, err := e.api.UpdateCall(parent, &openapi.UpdateCallParams{Url: ptr(e.app.url("/hold"))}); err != nil {
				t.Errorf("redirect inside handler: %v", err)
			}
			return `<Response><Say>The customer is on hold</Say><Pause length="600"/></Response>`
		})
		e.redirect(child, "/park")
		e.fake.Advance(time.Minute)
		e.wantStatus(parent, "in-progress")
		e.wantStatus(child, "in-progress")
		e.wantHears(parent, `play "https://cdn.test/music.mp3"`)
		e.wantHears(child, "silence (pause)")
		if n := len(e.app.requests("/wait")); n != 1 {
			t.Errorf("/wait requested %d times, want 1 (its answer is ignored: the leg moved on)", n)
		}
	})
}

// An hour of hold is an hour of virtual time: the customer hears the music
// the whole time, and nothing ticks per second.
func TestAnHourOnHold(t *testing.T) {
	eachTransport(t, func(t *testing.T, e *env) {
		e.supportLine(`<Response><Dial action="/held">` + agent + `</Dial></Response>`)
		e.app.twiml("/held", music)
		e.app.twiml("/agent-free", `<Response><Pause length="3600"/></Response>`)
		parent, child := e.bridged()
		e.redirect(child, "/agent-free")
		start := time.Now()
		e.fake.Advance(time.Hour)
		wall := time.Since(start)
		e.wantStatus(parent, "in-progress")
		iv, err := e.fake.Intervals(parent)
		if err != nil {
			t.Fatal(err)
		}
		last := iv[len(iv)-1]
		if last.Hearing.Kind != sim.HearMedia || e.fake.Now().Sub(last.Start) < time.Hour {
			t.Errorf("last interval %+v: want music for the whole hour", last)
		}
		t.Logf("an hour of virtual hold took %v of wall time", wall)
	})
}
