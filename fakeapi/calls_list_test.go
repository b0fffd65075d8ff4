package fakeapi_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"testing"
	"time"

	"github.com/holdlab/holdlab/fakeapi/sim"
	"github.com/holdlab/holdlab/fakeapi/wire"
	openapi "github.com/twilio/twilio-go/rest/api/v2010"
)

// The Calls list's StartTime and EndTime filters, each also with < and >
// (https://www.twilio.com/docs/voice/api/call-resource#read-multiple-call-resources):
// "Specify a date as YYYY-MM-DD in UTC ... to read only calls that started
// on this date. You can also specify an inequality, such as
// StartTime<=YYYY-MM-DD, to read calls that started on or before midnight
// of this date". twilio-go sends them as RFC 3339 date-times; an app
// writing its own request sends dates.
func TestListCallsByStartAndEndTime(t *testing.T) {
	const other = "+15550005000"
	eachTransport(t, func(t *testing.T, e *env) {
		// a: Monday 2025-01-06, answered and ended that day. b: answered
		// on Tuesday, hung up by REST on Wednesday. c: Wednesday, busy:
		// never answered, so no start time.
		e.supportLine("")
		e.app.handle("/voice", func(p url.Values) string {
			if p.Get("From") == other {
				return music
			}
			return `<Response><Say>Hello</Say></Response>`
		})
		for addr, script := range map[string]sim.PhoneScript{other: {Name: "other"}, agent: {Name: "agent", Answer: sim.AnswerBusy}} {
			if err := e.fake.SetPhone(addr, script); err != nil {
				t.Fatal(err)
			}
		}
		a, err := e.fake.PlaceCall(customer, support)
		if err != nil {
			t.Fatal(err)
		}
		e.fake.Advance(24 * time.Hour)
		b, err := e.fake.PlaceCall(other, support)
		if err != nil {
			t.Fatal(err)
		}
		e.fake.Advance(24 * time.Hour)
		if _, err := e.api.UpdateCall(b, &openapi.UpdateCallParams{Status: ptr("completed")}); err != nil {
			t.Fatal(err)
		}
		created, err := e.api.CreateCall(&openapi.CreateCallParams{To: ptr(agent), From: ptr(support), Url: ptr(e.app.url("/voice"))})
		if err != nil {
			t.Fatal(err)
		}
		c := *created.Sid
		e.fake.Advance(time.Minute)
		e.wantStatus(a, "completed")
		e.wantStatus(b, "completed")
		e.wantStatus(c, "busy")

		day := func(d int, hour int) time.Time { return time.Date(2025, 1, 6+d, hour, 0, 0, 0, time.UTC) }
		name := map[string]string{a: "a", b: "b", c: "c"}
		names := func(calls []openapi.ApiV2010Call) []string {
			var out []string
			for _, cl := range calls {
				out = append(out, name[*cl.Sid])
			}
			return out
		}
		for _, tc := range []struct {
			name string
			p    openapi.ListCallParams
			want []string
		}{
			{"no filter", openapi.ListCallParams{}, []string{"c", "b", "a"}},
			{"StartTime on Monday (at midnight)", openapi.ListCallParams{StartTime: ptr(day(0, 0))}, []string{"a"}},
			{"StartTime on Monday (any time of day)", openapi.ListCallParams{StartTime: ptr(day(0, 15))}, []string{"a"}},
			{"StartTime< Tuesday midnight", openapi.ListCallParams{StartTimeBefore: ptr(day(1, 0))}, []string{"a"}},
			{"StartTime> Tuesday midnight", openapi.ListCallParams{StartTimeAfter: ptr(day(1, 0))}, []string{"b"}},
			{"StartTime> is inclusive", openapi.ListCallParams{StartTimeAfter: ptr(sim.DefaultStart)}, []string{"b", "a"}},
			{"EndTime on Wednesday", openapi.ListCallParams{EndTime: ptr(day(2, 0))}, []string{"c", "b"}},
			{"EndTime< Tuesday", openapi.ListCallParams{EndTimeBefore: ptr(day(1, 0))}, []string{"a"}},
			{"StartTime and EndTime>", openapi.ListCallParams{StartTime: ptr(day(1, 0)), EndTimeAfter: ptr(day(2, 0))}, []string{"b"}},
			{"with Status", openapi.ListCallParams{EndTime: ptr(day(2, 0)), Status: ptr("busy")}, []string{"c"}},
		} {
			got, err := e.api.ListCall(&tc.p)
			if err != nil {
				t.Fatalf("%s: %v", tc.name, err)
			}
			if g := names(got); !slices.Equal(g, tc.want) {
				t.Errorf("%s: calls %v, want %v", tc.name, g, tc.want)
			}
		}

		// Dates, as Twilio documents them: the inequalities include the day.
		for _, tc := range []struct {
			query      url.Values
			wantStatus int
			want       []string
		}{
			{url.Values{"StartTime": {"2025-01-07"}}, 200, []string{"b"}},
			{url.Values{"StartTime<": {"2025-01-07"}}, 200, []string{"b", "a"}},
			{url.Values{"StartTime>": {"2025-01-07"}}, 200, []string{"b"}},
			{url.Values{"EndTime": {"2025-01-08"}}, 200, []string{"c", "b"}},
			{url.Values{"EndTime<": {"2025-01-06"}}, 200, []string{"a"}},
			{url.Values{"EndTime>": {"2025-01-09"}}, 200, nil},
			{url.Values{"StartTime": {"yesterday"}}, 400, nil},
		} {
			status, got := e.listCallsRaw(tc.query)
			if status != tc.wantStatus || !slices.Equal(names(got), tc.want) {
				t.Errorf("GET Calls.json?%s: %d %v, want %d %v", tc.query.Encode(), status, names(got), tc.wantStatus, tc.want)
			}
		}
	})
}

// listCallsRaw lists calls with a hand-written query, as an app without
// twilio-go would.
func (e *env) listCallsRaw(q url.Values) (int, []openapi.ApiV2010Call) {
	e.t.Helper()
	req, err := http.NewRequest(http.MethodGet, e.apiBase+"/2010-04-01/Accounts/"+e.fake.AccountSid()+"/Calls.json?"+q.Encode(), nil)
	if err != nil {
		e.t.Fatal(err)
	}
	req.SetBasicAuth(e.fake.AccountSid(), e.fake.AuthToken())
	resp, err := e.raw.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	var page struct {
		Calls []openapi.ApiV2010Call `json:"calls"`
		Code  int                    `json:"code"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&page); err != nil {
		e.t.Fatal(err)
	}
	if resp.StatusCode == 400 && page.Code != wire.CodeInvalidParameter {
		e.t.Errorf("GET Calls.json?%s: code %d, want %d", q.Encode(), page.Code, wire.CodeInvalidParameter)
	}
	return resp.StatusCode, page.Calls
}
