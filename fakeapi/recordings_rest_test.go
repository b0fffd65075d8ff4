package fakeapi_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/holdlab/holdlab/fakeapi/wire"
	openapi "github.com/twilio/twilio-go/rest/api/v2010"
)

// Recordings through the unmodified twilio-go client, over both
// transports: start a recording on a live call, pause it through
// Twilio.CURRENT with PauseBehavior=skip, resume and stop it, read it back
// from the call, the account and the control API, with its status
// callbacks.
func TestCallRecordingAPI(t *testing.T) {
	eachTransport(t, func(t *testing.T, e *env) {
		e.supportLine(`<Response><Dial>` + agent + `</Dial></Response>`)
		parent, _ := e.bridged()
		rec, err := e.api.CreateCallRecording(parent, &openapi.CreateCallRecordingParams{
			RecordingChannels:            ptr("dual"),
			RecordingStatusCallback:      ptr(e.app.url("/rec")),
			RecordingStatusCallbackEvent: &[]string{"in-progress completed"},
		})
		if err != nil {
			t.Fatal(err)
		}
		sid := *rec.Sid
		if !wire.ValidSID("RE", sid) || *rec.Status != "in-progress" || rec.Channels != 2 || *rec.Source != "StartCallRecordingAPI" ||
			*rec.Track != "both" || *rec.CallSid != parent || rec.ConferenceSid != nil || rec.Duration != nil || rec.StartTime == nil {
			t.Errorf("created %s", show(rec))
		}

		e.fake.Advance(10 * time.Second)
		rec, err = e.api.UpdateCallRecording(parent, "Twilio.CURRENT", &openapi.UpdateCallRecordingParams{Status: ptr("paused"), PauseBehavior: ptr("skip")})
		if err != nil || *rec.Sid != sid || *rec.Status != "paused" {
			t.Fatalf("pause: %s %v", show(rec), err)
		}
		e.fake.Advance(20 * time.Second)
		if rec, err = e.api.FetchCallRecording(parent, sid, nil); err != nil || *rec.Status != "paused" {
			t.Errorf("fetch while paused: %s %v", show(rec), err)
		}
		if _, err := e.api.UpdateCallRecording(parent, "Twilio.CURRENT", &openapi.UpdateCallRecordingParams{Status: ptr("in-progress")}); err != nil {
			t.Fatal(err)
		}
		e.fake.Advance(5 * time.Second)
		rec, err = e.api.UpdateCallRecording(parent, sid, &openapi.UpdateCallRecordingParams{Status: ptr("stopped")})
		if err != nil || *rec.Status != "stopped" {
			t.Fatalf("stop: %s %v", show(rec), err)
		}
		e.fake.Advance(time.Second)

		// 10s recorded, 20s skipped, 5s recorded.
		rec, err = e.api.FetchCallRecording(parent, sid, nil)
		if err != nil || *rec.Status != "completed" || rec.Duration == nil || *rec.Duration != "15" || *rec.PriceUnit != "USD" {
			t.Errorf("fetch once completed: %s %v", show(rec), err)
		}
		list, err := e.api.ListCallRecording(parent, nil)
		if err != nil || len(list) != 1 || *list[0].Sid != sid {
			t.Errorf("list of the call: %d %v", len(list), err)
		}

		cbs := e.app.requests("/rec")
		if len(cbs) != 2 {
			t.Fatalf("%d recording status callbacks, want in-progress and completed", len(cbs))
		}
		for i, want := range []map[string]string{
			{"RecordingStatus": "in-progress", "RecordingChannels": "2", "RecordingSource": "StartCallRecordingAPI", "RecordingTrack": "both", "ErrorCode": "0"},
			{"RecordingStatus": "completed", "RecordingDuration": "15", "CallSid": parent, "RecordingSid": sid, "AccountSid": e.fake.AccountSid()},
		} {
			for k, v := range want {
				if got := cbs[i].Params.Get(k); got != v {
					t.Errorf("callback %d: %s=%q, want %q", i, k, got, v)
				}
			}
		}
		if u := cbs[1].Params.Get("RecordingUrl"); !strings.HasSuffix(u, "/Recordings/"+sid) {
			t.Errorf("RecordingUrl %q", u)
		}
		if _, err := time.Parse(time.RFC1123Z, cbs[0].Params.Get("RecordingStartTime")); err != nil {
			t.Errorf("RecordingStartTime: %v", err)
		}

		// The account's view.
		all, err := e.api.ListRecording(&openapi.ListRecordingParams{CallSid: ptr(parent)})
		if err != nil || len(all) != 1 || all[0].MediaUrl == nil || all[0].SubresourceUris == nil || *all[0].Channels != 2 {
			t.Errorf("account list by CallSid: %d %v", len(all), err)
		}
		start := e.fake.Now().Add(-time.Hour)
		for _, tc := range []struct {
			p    openapi.ListRecordingParams
			want int
		}{
			{openapi.ListRecordingParams{DateCreatedAfter: &start}, 1},
			{openapi.ListRecordingParams{DateCreatedBefore: &start}, 0},
			{openapi.ListRecordingParams{ConferenceSid: ptr("CF" + strings.Repeat("0", 32))}, 0},
		} {
			if got, err := e.api.ListRecording(&tc.p); err != nil || len(got) != tc.want {
				t.Errorf("ListRecording(%+v) = %d %v, want %d", tc.p, len(got), err, tc.want)
			}
		}
		if got, err := e.api.FetchRecording(sid, nil); err != nil || *got.Duration != "15" {
			t.Errorf("account fetch: %v", err)
		}

		// What it holds: the bridge, the skipped pause, the bridge again.
		contents := controlGET(t, e, "/holdlab/recordings/"+sid+"/contents")
		if contents["duration"] != "15s" || len(contents["intervals"].([]any)) != 3 {
			t.Errorf("contents %v", contents)
		}

		if err := e.api.DeleteCallRecording(parent, sid, nil); err != nil {
			t.Fatal(err)
		}
		_, err = e.api.FetchRecording(sid, nil)
		wantRestError(t, "fetch after delete", err, 404, 20404)
	})
}

// What the Recordings API refuses, and Twilio's codes (INFERRED where
// Twilio documents none; see the README's Fidelity section).
func TestCallRecordingErrors(t *testing.T) {
	eachTransport(t, func(t *testing.T, e *env) {
		e.supportLine(`<Response><Dial>` + agent + `</Dial></Response>`)
		parent, child := e.bridged()
		unknown := "CA" + strings.Repeat("0", 32)
		_, err := e.api.UpdateCallRecording(parent, "Twilio.CURRENT", &openapi.UpdateCallRecordingParams{Status: ptr("paused")})
		wantRestError(t, "Twilio.CURRENT without a recording", err, 404, 20404)
		_, err = e.api.CreateCallRecording(unknown, nil)
		wantRestError(t, "unknown call", err, 404, 20404)
		_, err = e.api.CreateCallRecording(parent, &openapi.CreateCallRecordingParams{RecordingChannels: ptr("stereo")})
		wantRestError(t, "RecordingChannels=stereo", err, 400, 20001)
		_, err = e.api.CreateCallRecording(parent, &openapi.CreateCallRecordingParams{RecordingStatusCallbackEvent: &[]string{"paused"}})
		wantRestError(t, "RecordingStatusCallbackEvent=paused", err, 400, 20001)

		a, err := e.api.CreateCallRecording(parent, nil)
		if err != nil {
			t.Fatal(err)
		}
		if a.Channels != 1 || *a.Track != "both" {
			t.Errorf("defaults: %s", show(a))
		}
		for _, tc := range []struct {
			what   string
			params openapi.UpdateCallRecordingParams
			code   int
		}{
			{"Status=completed", openapi.UpdateCallRecordingParams{Status: ptr("completed")}, 20001},
			{"PauseBehavior=mute", openapi.UpdateCallRecordingParams{Status: ptr("paused"), PauseBehavior: ptr("mute")}, 20001},
		} {
			_, err = e.api.UpdateCallRecording(parent, *a.Sid, &tc.params)
			wantRestError(t, tc.what, err, 400, tc.code)
		}
		err = e.api.DeleteCallRecording(parent, *a.Sid, nil)
		wantRestError(t, "delete while recording", err, 400, 20009)
		_, err = e.api.FetchCallRecording(child, *a.Sid, nil)
		wantRestError(t, "the parent's recording through the child", err, 404, 20404)

		if _, err := e.api.CreateCallRecording(parent, nil); err != nil {
			t.Fatal(err)
		}
		_, err = e.api.UpdateCallRecording(parent, "Twilio.CURRENT", &openapi.UpdateCallRecordingParams{Status: ptr("paused")})
		wantRestError(t, "Twilio.CURRENT with two recordings", err, 400, 20001)

		if _, err := e.api.UpdateCall(parent, &openapi.UpdateCallParams{Status: ptr("completed")}); err != nil {
			t.Fatal(err)
		}
		e.fake.Advance(time.Second)
		_, err = e.api.CreateCallRecording(parent, nil)
		wantRestError(t, "a call that ended", err, 400, 21220)
		_, err = e.api.UpdateCallRecording(parent, *a.Sid, &openapi.UpdateCallRecordingParams{Status: ptr("in-progress")})
		wantRestError(t, "a recording that ended", err, 400, 21220)
	})
}

// Record=true on POST /Calls, <Dial record> and <Conference record>, and a
// conference's recordings.
func TestRecordingsStartedByCallsAndTwiML(t *testing.T) {
	eachTransport(t, func(t *testing.T, e *env) {
		e.supportLine(`<Response><Dial><Conference record="record-from-start">support</Conference></Dial></Response>`)
		e.app.twiml("/outbound", `<Response><Dial record="record-from-answer-dual">`+customer+`</Dial></Response>`)

		// Record=true: the agent's call, from its answer to its end.
		call, err := e.api.CreateCall(&openapi.CreateCallParams{To: ptr(agent), From: ptr(support), Url: ptr(e.app.url("/outbound")),
			Record: ptr(true), RecordingChannels: ptr("dual"), RecordingStatusCallback: ptr(e.app.url("/rec"))})
		if err != nil {
			t.Fatal(err)
		}
		e.fake.Advance(20 * time.Second)
		recs, err := e.api.ListCallRecording(*call.Sid, nil)
		if err != nil || len(recs) != 2 {
			t.Fatalf("recordings of the agent's call: %d %v", len(recs), err)
		}
		sources := map[string]string{}
		for _, r := range recs {
			sources[*r.Source] = *r.Status
		}
		if sources["OutboundAPI"] != "in-progress" || sources["DialVerb"] != "in-progress" {
			t.Errorf("sources %v, want OutboundAPI and DialVerb in progress", sources)
		}
		if _, err := e.api.UpdateCall(*call.Sid, &openapi.UpdateCallParams{Status: ptr("completed")}); err != nil {
			t.Fatal(err)
		}
		e.fake.Advance(time.Second)
		if cbs := e.app.requests("/rec"); len(cbs) != 1 || cbs[0].Params.Get("RecordingSource") != "OutboundAPI" || cbs[0].Params.Get("RecordingDuration") != "18" {
			t.Errorf("Record=true callbacks %+v, want one completed, 18s (answered at 2s)", cbs)
		}

		// <Conference record>: the room, once it starts.
		cust, err := e.fake.PlaceCall(customer, support)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.api.CreateParticipant("support", &openapi.CreateParticipantParams{From: ptr(support), To: ptr(agent)}); err != nil {
			t.Fatal(err)
		}
		e.fake.Advance(10 * time.Second)
		confs, err := e.api.ListConference(&openapi.ListConferenceParams{Status: ptr("in-progress")})
		if err != nil || len(confs) != 1 {
			t.Fatalf("conferences %d %v", len(confs), err)
		}
		cf := *confs[0].Sid
		crecs, err := e.api.ListConferenceRecording(cf, nil)
		if err != nil || len(crecs) != 1 || *crecs[0].Source != "Conference" || crecs[0].Channels != 1 || *crecs[0].CallSid != cust {
			t.Fatalf("conference recordings %d %v", len(crecs), err)
		}
		rec, err := e.api.UpdateConferenceRecording(cf, "Twilio.CURRENT", &openapi.UpdateConferenceRecordingParams{Status: ptr("paused")})
		if err != nil || *rec.Status != "paused" {
			t.Errorf("pause the conference recording: %v", err)
		}
		_, err = e.api.UpdateConferenceRecording(cf, *rec.Sid, &openapi.UpdateConferenceRecordingParams{Status: ptr("stopped")})
		wantRestError(t, "stop a conference recording", err, 400, 20001)
		if got, err := e.api.FetchConferenceRecording(cf, *rec.Sid, nil); err != nil || *got.ConferenceSid != cf {
			t.Errorf("fetch the conference recording: %v", err)
		}
		if all, err := e.api.ListRecording(&openapi.ListRecordingParams{ConferenceSid: ptr(cf)}); err != nil || len(all) != 1 {
			t.Errorf("account list by ConferenceSid: %d %v", len(all), err)
		}
		if _, err := e.api.UpdateConference(cf, &openapi.UpdateConferenceParams{Status: ptr("completed")}); err != nil {
			t.Fatal(err)
		}
		e.fake.Advance(time.Second)
		got, err := e.api.FetchConferenceRecording(cf, *rec.Sid, nil)
		if err != nil || *got.Status != "completed" {
			t.Errorf("the conference recording once the conference ended: %v", err)
		}
		if err := e.api.DeleteConferenceRecording(cf, *rec.Sid, nil); err != nil {
			t.Errorf("delete: %v", err)
		}
	})
}

// controlGET fetches a control API path and decodes it generically.
func controlGET(t *testing.T, e *env, path string) map[string]any {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, path, nil)
	req.SetBasicAuth(e.fake.AccountSid(), e.fake.AuthToken())
	rr := httptest.NewRecorder()
	e.fake.Handler().ServeHTTP(rr, req)
	if rr.Code != http.StatusOK {
		t.Fatalf("GET %s: %d %s", path, rr.Code, rr.Body)
	}
	var out map[string]any
	if err := json.Unmarshal(rr.Body.Bytes(), &out); err != nil {
		t.Fatal(err)
	}
	return out
}

// show renders a twilio-go model for failure messages.
func show(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}
