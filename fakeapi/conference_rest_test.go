package fakeapi_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/holdlab/holdlab/fakeapi/sim"
	"github.com/holdlab/holdlab/fakeapi/wire"
	openapi "github.com/twilio/twilio-go/rest/api/v2010"
)

const roomDoc = `<Response><Dial action="/after"><Conference participantLabel="customer" statusCallback="https://app.test/conf" statusCallbackEvent="start end join leave hold">support-room</Conference></Dial></Response>`

// twoInARoom: the customer calls the support number into support-room and
// the agent joins, added through the Participants API or by calling the
// agents' line, whose TwiML puts it in the same room.
func twoInARoom(t testing.TB, viaREST bool) (e *roomEnv, confSid, cust, ag string) {
	t.Helper()
	e = newRoomEnv(t, roomDoc)
	e.app.twiml("/after", `<Response><Say loop="0">The call is over</Say></Response>`)
	e.app.twiml("/agent-line", `<Response><Dial><Conference participantLabel="agent" endConferenceOnExit="true">support-room</Conference></Dial></Response>`)
	cust = e.place(roomCustomer, roomSupport)
	advance(e, time.Second)
	confs, err := e.api.ListConference(&openapi.ListConferenceParams{FriendlyName: ptrTo("support-room"), Status: ptrTo("init")})
	if err != nil {
		t.Fatal(err)
	}
	if len(confs) != 1 {
		t.Fatalf("%d conferences in init\n%s", len(confs), e.trace())
	}
	confSid = *confs[0].Sid
	e.wantHears(cust, `wait-music "`+sim.DefaultMusicURL+`"`)
	if viaREST {
		p, err := e.api.CreateParticipant("support-room", &openapi.CreateParticipantParams{
			From: ptrTo(roomSupport), To: ptrTo(roomAgent), Label: ptrTo("agent"), EndConferenceOnExit: ptrTo(true),
			// Ignored: the conference keeps its first participant's callbacks.
			ConferenceStatusCallback: ptrTo(roomApp + "/other"), ConferenceStatusCallbackEvent: &[]string{"hold", "mute"},
		})
		if err != nil {
			t.Fatal(err)
		}
		if *p.Status != "queued" || *p.ConferenceSid != confSid || *p.Label != "agent" || p.QueueTime == nil {
			t.Errorf("created participant %+v", p)
		}
		ag = *p.CallSid
	} else {
		ag = e.place(roomAgent, roomAgentIn)
	}
	advance(e, 5*time.Second)
	e.wantHears(cust, "party "+wire.Short(ag))
	e.wantHears(ag, "party "+wire.Short(cust))
	return e, confSid, cust, ag
}

// (a): hold and unhold through Participant update.
func TestConferenceHoldThroughTheAPI(t *testing.T) {
	for _, tc := range []struct {
		name    string
		viaREST bool
	}{{"agent added by REST", true}, {"agent calls into the room", false}} {
		t.Run(tc.name, func(t *testing.T) {
			e, confSid, cust, ag := twoInARoom(t, tc.viaREST)
			conf, err := e.api.FetchConference(confSid, nil)
			if err != nil {
				t.Fatal(err)
			}
			if *conf.Status != "in-progress" {
				t.Errorf("conference status %s", *conf.Status)
			}
			ps, err := e.api.ListParticipant(confSid, nil)
			if err != nil || len(ps) != 2 {
				t.Fatalf("participants %d, %v", len(ps), err)
			}
			// The agent holds the customer, with a bare MP3 as hold music.
			p, err := e.api.UpdateParticipant(confSid, cust, &openapi.UpdateParticipantParams{Hold: ptrTo(true), HoldUrl: ptrTo(roomMusic)})
			if err != nil {
				t.Fatal(err)
			}
			if !*p.Hold {
				t.Errorf("update response hold=false")
			}
			advance(e, time.Second)
			e.wantHears(cust, `hold-music "`+roomMusic+`"`)
			e.wantHears(ag, "silence (everyone else in conference support-room is on hold)")
			got, err := e.api.FetchParticipant(confSid, "customer", nil)
			if err != nil {
				t.Fatal(err)
			}
			if !*got.Hold || *got.CallSid != cust || *got.Status != "connected" {
				t.Errorf("fetched participant hold=%v call=%s status=%s", *got.Hold, *got.CallSid, *got.Status)
			}
			held, err := e.api.ListParticipant(confSid, &openapi.ListParticipantParams{Hold: ptrTo(true)})
			if err != nil || len(held) != 1 {
				t.Errorf("Hold=true lists %d (%v)", len(held), err)
			}
			if hooks := e.app.hooks("/music.mp3"); len(hooks) != 1 || hooks[0].Method != http.MethodGet {
				t.Errorf("HoldUrl requests %+v, want one GET (HoldMethod's default)", hooks)
			}
			var hold *roomHook
			for _, h := range e.app.hooks("/conf") {
				if h.Params.Get("StatusCallbackEvent") == "participant-hold" {
					hold = &h
				}
			}
			if hold == nil || hold.Params.Get("CallSid") != cust || hold.Params.Get("Hold") != "true" || hold.Params.Get("ConferenceSid") != confSid {
				t.Errorf("participant-hold callback %+v", hold)
			}
			// The MP3 plays once (30s), then silence.
			advance(e, 40*time.Second)
			e.wantHears(cust, "silence (hold music ended)")
			if _, err := e.api.UpdateParticipant(confSid, cust, &openapi.UpdateParticipantParams{Hold: ptrTo(false)}); err != nil {
				t.Fatal(err)
			}
			e.wantHears(cust, "party "+wire.Short(ag))
			e.wantHears(ag, "party "+wire.Short(cust))
			var events []string
			for _, h := range e.app.hooks("/conf") {
				events = append(events, h.Params.Get("StatusCallbackEvent"))
			}
			if got, want := strings.Join(events, " "), "participant-join participant-join conference-start participant-hold participant-unhold"; got != want {
				t.Errorf("conference callbacks %q, want %q", got, want)
			}
			if n := len(e.app.hooks("/other")); n != 0 {
				t.Errorf("%d callbacks to the second participant's ConferenceStatusCallback", n)
			}
			// The agent has endConferenceOnExit: its hang-up ends the room
			// and the customer's Dial goes to its action.
			if err := e.f.HangUp(ag); err != nil {
				t.Fatal(err)
			}
			conf, _ = e.api.FetchConference(confSid, nil)
			if *conf.Status != "completed" || *conf.ReasonConferenceEnded != "participant-with-end-conference-on-exit-left" || *conf.CallSidEndingConference != ag {
				t.Errorf("ended conference %s %v %v", *conf.Status, conf.ReasonConferenceEnded, conf.CallSidEndingConference)
			}
			acts := e.app.hooks("/after")
			if len(acts) != 1 || acts[0].Params.Get("DialCallStatus") != "answered" || acts[0].Params.Has("DialCallSid") {
				t.Errorf("customer's dial action %+v", acts)
			}
			e.wantHears(cust, `say "The call is over"`)
			ps, _ = e.api.ListParticipant(confSid, nil)
			if len(ps) != 0 {
				t.Errorf("%d participants listed after the end", len(ps))
			}
			_, err = e.api.FetchParticipant(confSid, cust, nil)
			wantRestError(t, "fetch of a gone participant", err, 404, 20404)
		})
	}
}

func TestParticipantAPIOperations(t *testing.T) {
	e, confSid, cust, ag := twoInARoom(t, true)
	// Held with no HoldUrl: Twilio's default hold music, forever.
	if _, err := e.api.UpdateParticipant(confSid, "agent", &openapi.UpdateParticipantParams{Hold: ptrTo(true)}); err != nil {
		t.Fatal(err)
	}
	advance(e, time.Hour)
	e.wantHears(ag, `hold-music "`+sim.DefaultMusicURL+`"`)
	if _, err := e.api.UpdateParticipant(confSid, "agent", &openapi.UpdateParticipantParams{Hold: ptrTo(false), Muted: ptrTo(true)}); err != nil {
		t.Fatal(err)
	}
	muted, _ := e.api.ListParticipant(confSid, &openapi.ListParticipantParams{Muted: ptrTo(true)})
	if len(muted) != 1 || *muted[0].CallSid != ag {
		t.Errorf("Muted=true lists %d", len(muted))
	}
	e.wantHears(cust, "silence (nobody in conference support-room can be heard)")
	// HoldUrl TwiML with a <Dial>: 13238, and the music stops.
	e.app.twiml("/hold", `<Response><Play>`+roomMusic+`</Play><Dial>+15550009999</Dial></Response>`)
	if _, err := e.api.UpdateParticipant(confSid, cust, &openapi.UpdateParticipantParams{Hold: ptrTo(true), HoldUrl: ptrTo(roomApp + "/hold"), HoldMethod: ptrTo("POST")}); err != nil {
		t.Fatal(err)
	}
	advance(e, 40*time.Second)
	e.wantHears(cust, "silence (hold music failed)")
	found := false
	for _, en := range e.f.Trace() {
		found = found || en.Code == 13238
	}
	if !found {
		t.Errorf("no 13238 in the trace")
	}
	// Unknown participant and conference.
	_, err := e.api.FetchParticipant(confSid, "nobody", nil)
	wantRestError(t, "unknown label", err, 404, 20404)
	_, err = e.api.UpdateParticipant("CF00000000000000000000000000000000", cust, &openapi.UpdateParticipantParams{Hold: ptrTo(true)})
	wantRestError(t, "unknown conference", err, 404, 20404)
	_, err = e.api.CreateParticipant(confSid, &openapi.CreateParticipantParams{From: ptrTo(roomSupport), To: ptrTo(roomAgent), Label: ptrTo("agent")})
	wantRestError(t, "duplicate label", err, 400, 16025)
	// Redirecting the customer's call takes it out of the room.
	e.app.twiml("/elsewhere", `<Response><Say loop="0">Elsewhere</Say></Response>`)
	e.redirect(cust, "/elsewhere")
	ps, _ := e.api.ListParticipant(confSid, nil)
	if len(ps) != 1 || *ps[0].CallSid != ag {
		t.Errorf("after the redirect %d participants", len(ps))
	}
	e.wantHears(cust, `say "Elsewhere"`)
	// Kick the agent (the last one): 204; its call, which has no TwiML, ends.
	if err := e.api.DeleteParticipant(confSid, "agent", nil); err != nil {
		t.Fatal(err)
	}
	e.wantCallStatus(ag, "completed")
	conf, _ := e.api.FetchConference(confSid, nil)
	if *conf.Status != "completed" || *conf.ReasonConferenceEnded != "participant-with-end-conference-on-exit-kicked" {
		t.Errorf("conference %s %s", *conf.Status, *conf.ReasonConferenceEnded)
	}
	err = e.api.DeleteParticipant(confSid, "agent", nil)
	wantRestError(t, "kick a gone participant", err, 404, 20404)
}

func TestConferenceUpdateAndList(t *testing.T) {
	e, confSid, cust, ag := twoInARoom(t, true)
	e.app.twiml("/announce", `<Response><Say>This call is recorded</Say></Response>`)
	if _, err := e.api.UpdateConference(confSid, &openapi.UpdateConferenceParams{AnnounceUrl: ptrTo(roomApp + "/announce")}); err != nil {
		t.Fatal(err)
	}
	e.wantHears(cust, `announcement "This call is recorded"`)
	e.wantHears(ag, `announcement "This call is recorded"`)
	advance(e, 5*time.Second)
	e.wantHears(cust, "party "+wire.Short(ag))
	today := e.f.Now().Format("2006-01-02")
	tomorrow := e.f.Now().Add(24 * time.Hour).Format("2006-01-02")
	for _, tc := range []struct {
		name string
		p    openapi.ListConferenceParams
		want int
	}{
		{"all", openapi.ListConferenceParams{}, 1},
		{"DateCreated today", openapi.ListConferenceParams{DateCreated: &today}, 1},
		{"DateCreated< today (on or before)", openapi.ListConferenceParams{DateCreatedBefore: &today}, 1},
		{"DateCreated> tomorrow", openapi.ListConferenceParams{DateCreatedAfter: &tomorrow}, 0},
		{"DateUpdated> today", openapi.ListConferenceParams{DateUpdatedAfter: &today}, 1},
		{"completed", openapi.ListConferenceParams{Status: ptrTo("completed")}, 0},
		{"other name", openapi.ListConferenceParams{FriendlyName: ptrTo("other")}, 0},
	} {
		got, err := e.api.ListConference(&tc.p)
		if err != nil || len(got) != tc.want {
			t.Errorf("%s: %d conferences (%v), want %d", tc.name, len(got), err, tc.want)
		}
	}
	conf, err := e.api.UpdateConference(confSid, &openapi.UpdateConferenceParams{Status: ptrTo("completed")})
	if err != nil {
		t.Fatal(err)
	}
	if *conf.Status != "completed" || *conf.ReasonConferenceEnded != "conference-ended-via-api" || conf.CallSidEndingConference != nil {
		t.Errorf("ended conference %+v", conf)
	}
	// The customer's <Dial> completed: its action; the REST participant has
	// no TwiML and is hung up.
	e.wantHears(cust, `say "The call is over"`)
	e.wantCallStatus(ag, "completed")
	_, err = e.api.UpdateConference(confSid, &openapi.UpdateConferenceParams{Status: ptrTo("in-progress")})
	wantRestError(t, "Status=in-progress", err, 400, 20001)
	// A new call into the same name makes a new conference.
	e.place("+15550006000", roomSupport)
	all, _ := e.api.ListConference(nil)
	if len(all) != 2 || *all[0].Status != "init" || *all[0].Sid == confSid {
		t.Errorf("conferences after a new call: %d", len(all))
	}
}

func TestStartConferenceOnEnterFalseThroughTheAPI(t *testing.T) {
	e := newRoomEnv(t, `<Response><Dial><Conference startConferenceOnEnter="false" waitUrl="/wait">support-room</Conference></Dial></Response>`)
	e.app.twiml("/wait", `<Response><Say>Please wait for the host</Say><Redirect/></Response>`)
	cust := e.place(roomCustomer, roomSupport)
	advance(e, time.Second)
	confs, _ := e.api.ListConference(nil)
	p, err := e.api.CreateParticipant(*confs[0].Sid, &openapi.CreateParticipantParams{From: ptrTo(roomSupport), To: ptrTo(roomAgent), StartConferenceOnEnter: ptrTo(false), WaitUrl: ptrTo("")})
	if err != nil {
		t.Fatal(err)
	}
	advance(e, 10*time.Second)
	e.wantHears(cust, `wait-music "Please wait for the host"`)
	e.wantHears(*p.CallSid, `silence (waitUrl="")`)
	if n := len(e.app.hooks("/wait")); n < 2 {
		t.Errorf("waitUrl with <Redirect/> requested %d times, want it looping", n)
	}
	conf, _ := e.api.FetchConference(*confs[0].Sid, nil)
	if *conf.Status != "init" {
		t.Errorf("status %s, want init", *conf.Status)
	}
}

// Every field of the renderings is present with its JSON type, and null
// only where Twilio leaves it null.
func TestConferenceRenderings(t *testing.T) {
	e, confSid, cust, _ := twoInARoom(t, true)
	base := "/Conferences/" + confSid
	conf := e.getJSON(base + ".json")
	checkJSONTypes(t, "Conference", conf, map[string]string{
		"account_sid": "string", "date_created": "date", "date_updated": "date", "api_version": "string",
		"friendly_name": "string", "region": "string", "sid": "string", "status": "string", "uri": "string",
		"subresource_uris": "object", "reason_conference_ended": "null", "call_sid_ending_conference": "null",
	})
	part := e.getJSON(base + "/Participants/" + cust + ".json")
	checkJSONTypes(t, "Participant", part, map[string]string{
		"account_sid": "string", "call_sid": "string", "label": "string", "call_sid_to_coach": "null",
		"coaching": "bool", "conference_sid": "string", "date_created": "date", "date_updated": "date",
		"end_conference_on_exit": "bool", "muted": "bool", "hold": "bool", "start_conference_on_enter": "bool",
		"status": "string", "queue_time": "null", "uri": "string",
	})
	page := e.getJSON(base + "/Participants.json")
	if items, ok := page["participants"].([]any); !ok || len(items) != 2 {
		t.Errorf("participants page %v", page)
	}
	if page := e.getJSON("/Conferences.json"); len(page["conferences"].([]any)) != 1 {
		t.Errorf("conferences page %v", page)
	}
	if _, err := e.api.UpdateConference(confSid, &openapi.UpdateConferenceParams{Status: ptrTo("completed")}); err != nil {
		t.Fatal(err)
	}
	ended := e.getJSON(base + ".json")
	checkJSONTypes(t, "ended Conference", ended, map[string]string{"reason_conference_ended": "string", "call_sid_ending_conference": "null"})
	if ended["uri"] != "/2010-04-01/Accounts/"+e.f.AccountSid()+base+".json" {
		t.Errorf("uri %v", ended["uri"])
	}
	subs := ended["subresource_uris"].(map[string]any)
	if subs["participants"] != "/2010-04-01/Accounts/"+e.f.AccountSid()+base+"/Participants.json" {
		t.Errorf("subresource_uris %v", subs)
	}
}

// checkJSONTypes checks the JSON type of fields of obj; "date" is an RFC
// 2822 string. With a full table, obj must have exactly those fields.
func checkJSONTypes(t *testing.T, what string, obj map[string]any, want map[string]string) {
	t.Helper()
	full := len(want) > 3
	if full && len(obj) != len(want) {
		t.Errorf("%s has %d fields, want %d: %v", what, len(obj), len(want), obj)
	}
	for k, kind := range want {
		v, ok := obj[k]
		if !ok {
			t.Errorf("%s: no %s", what, k)
			continue
		}
		got := "?"
		switch v := v.(type) {
		case nil:
			got = "null"
		case string:
			got = "string"
			if kind == "date" {
				if _, err := wire.ParseDate(v); err == nil {
					got = "date"
				}
			}
		case bool:
			got = "bool"
		case float64:
			got = "number"
		case map[string]any:
			got = "object"
		}
		if got != kind {
			t.Errorf("%s.%s is %s (%v), want %s", what, k, got, v, kind)
		}
	}
}
