package wire

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/twilio/twilio-go/client"
	openapi "github.com/twilio/twilio-go/rest/api/v2010"
)

const testAccount = "ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"

func TestParsePageRequest(t *testing.T) {
	tests := []struct {
		query   string
		want    PageRequest
		offset  int
		wantErr string
	}{
		{"", PageRequest{PageSize: 50}, 0, ""},
		{"PageSize=1", PageRequest{PageSize: 1}, 0, ""},
		{"PageSize=1000&Page=2", PageRequest{PageSize: 1000, Page: 2}, 2000, ""},
		{"PageSize=10&Page=3&PageToken=PA30", PageRequest{PageSize: 10, Page: 3, PageToken: "PA30"}, 30, ""},
		{"PageSize=10&PageToken=PA20", PageRequest{PageSize: 10, Page: 2, PageToken: "PA20"}, 20, ""},
		{"PageSize=0", PageRequest{}, 0, "PageSize"},
		{"PageSize=1001", PageRequest{}, 0, "PageSize"},
		{"PageSize=abc", PageRequest{}, 0, "PageSize"},
		{"Page=-1", PageRequest{}, 0, "Page"},
		{"Page=x", PageRequest{}, 0, "Page"},
		{"Page=99999999999999", PageRequest{}, 0, "Page"},
		{"PageToken=garbage", PageRequest{}, 0, "PageToken"},
		{"PageToken=PA-5", PageRequest{}, 0, "PageToken"},
		{"PageToken=PA007", PageRequest{}, 0, "PageToken"},
	}
	for _, tc := range tests {
		t.Run(tc.query, func(t *testing.T) {
			q, _ := url.ParseQuery(tc.query)
			got, err := ParsePageRequest(q)
			if tc.wantErr != "" {
				e, ok := err.(*Error)
				if !ok || e.Status != 400 || !strings.Contains(e.Message, tc.wantErr) {
					t.Fatalf("err = %v, want 400 mentioning %s", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got.Offset() != tc.offset {
				t.Errorf("offset = %d, want %d", got.Offset(), tc.offset)
			}
			if got != tc.want {
				t.Errorf("got %+v, want %+v", got, tc.want)
			}
		})
	}
}

func TestPageRequestOffset(t *testing.T) {
	tests := []struct {
		req  PageRequest
		want int
	}{
		{PageRequest{}, 0},
		{PageRequest{Page: 2}, 100},
		{PageRequest{PageSize: 10, Page: 2}, 20},
		{PageRequest{PageSize: 10, Page: 2, PageToken: "PA25"}, 25},
		{PageRequest{PageSize: 10, Page: 2, PageToken: "foreign"}, 20},
		{PageRequest{PageSize: 10, Page: -1}, 0},
	}
	for _, tc := range tests {
		if got := tc.req.Offset(); got != tc.want {
			t.Errorf("%+v.Offset() = %d, want %d", tc.req, got, tc.want)
		}
	}
}

func TestNewPageEnvelope(t *testing.T) {
	base := "/2010-04-01/Accounts/" + testAccount + "/Calls.json"
	items := func(n int) []int {
		out := make([]int, n)
		for i := range out {
			out[i] = i
		}
		return out
	}
	tests := []struct {
		name                 string
		n                    int
		query                string
		wantItems            []int
		start, end, page     int
		uri, first, next, pr string // "" = null for next/pr
	}{
		{
			name: "empty", n: 0, query: "",
			wantItems: []int{}, start: 0, end: 0, page: 0,
			uri: base + "?PageSize=50&Page=0", first: base + "?PageSize=50&Page=0",
		},
		{
			name: "single full page", n: 3, query: "PageSize=3",
			wantItems: []int{0, 1, 2}, start: 0, end: 2, page: 0,
			uri: base + "?PageSize=3&Page=0", first: base + "?PageSize=3&Page=0",
		},
		{
			name: "first of three", n: 7, query: "PageSize=3&To=%2B15551234567",
			wantItems: []int{0, 1, 2}, start: 0, end: 2, page: 0,
			uri:   base + "?To=%2B15551234567&PageSize=3&Page=0",
			first: base + "?To=%2B15551234567&PageSize=3&Page=0",
			next:  base + "?To=%2B15551234567&PageSize=3&Page=1&PageToken=PA3",
		},
		{
			name: "middle", n: 7, query: "PageSize=3&Page=1&PageToken=PA3",
			wantItems: []int{3, 4, 5}, start: 3, end: 5, page: 1,
			uri:   base + "?PageSize=3&Page=1&PageToken=PA3",
			first: base + "?PageSize=3&Page=0",
			next:  base + "?PageSize=3&Page=2&PageToken=PA6",
			pr:    base + "?PageSize=3&Page=0",
		},
		{
			name: "last partial", n: 7, query: "PageSize=3&Page=2&PageToken=PA6",
			wantItems: []int{6}, start: 6, end: 6, page: 2,
			uri:   base + "?PageSize=3&Page=2&PageToken=PA6",
			first: base + "?PageSize=3&Page=0",
			pr:    base + "?PageSize=3&Page=1&PageToken=PA3",
		},
		{
			name: "past the end", n: 2, query: "PageSize=3&Page=4",
			wantItems: []int{}, start: 12, end: 12, page: 4,
			uri:   base + "?PageSize=3&Page=4",
			first: base + "?PageSize=3&Page=0",
			pr:    base + "?PageSize=3&Page=3&PageToken=PA9",
		},
		{
			name: "filter with operator key", n: 1, query: "StartTime%3E=2024-01-01",
			wantItems: []int{0}, start: 0, end: 0, page: 0,
			uri:   base + "?StartTime%3E=2024-01-01&PageSize=50&Page=0",
			first: base + "?StartTime%3E=2024-01-01&PageSize=50&Page=0",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			q, err := url.ParseQuery(tc.query)
			if err != nil {
				t.Fatal(err)
			}
			req, err := ParsePageRequest(q)
			if err != nil {
				t.Fatal(err)
			}
			p := NewPage("calls", items(tc.n), req, base, q)
			if !reflect.DeepEqual(p.Items, tc.wantItems) {
				t.Errorf("items = %v, want %v", p.Items, tc.wantItems)
			}
			if p.Start != tc.start || p.End != tc.end || p.Page != tc.page {
				t.Errorf("start/end/page = %d/%d/%d, want %d/%d/%d", p.Start, p.End, p.Page, tc.start, tc.end, tc.page)
			}
			if p.URI != tc.uri || p.FirstPageURI != tc.first {
				t.Errorf("uri = %q first = %q\nwant uri = %q first = %q", p.URI, p.FirstPageURI, tc.uri, tc.first)
			}
			if got := deref(p.NextPageURI); got != tc.next {
				t.Errorf("next = %q, want %q", got, tc.next)
			}
			if got := deref(p.PreviousPageURI); got != tc.pr {
				t.Errorf("previous = %q, want %q", got, tc.pr)
			}
			m := toGeneric(t, p)
			if _, ok := m["calls"].([]any); !ok {
				t.Errorf("calls is not an array: %v", m["calls"])
			}
			if tc.next == "" && m["next_page_uri"] != nil || tc.pr == "" && m["previous_page_uri"] != nil {
				t.Errorf("null URIs not rendered as null: %v", m)
			}
		})
	}
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// TestEnvelopeMatchesTwilioGo compares the envelope's JSON names with
// twilio-go's List*Response for every list key, and decodes into them.
func TestEnvelopeMatchesTwilioGo(t *testing.T) {
	tests := []struct {
		key   string
		items any
		resp  any
		count func(any) int
	}{
		{KeyCalls, []Call{{Sid: Ptr("CA1")}}, &openapi.ListCallResponse{}, func(v any) int { return len(v.(*openapi.ListCallResponse).Calls) }},
		{KeyIncomingPhoneNumbers, []IncomingPhoneNumber{{Sid: Ptr("PN1")}}, &openapi.ListIncomingPhoneNumberResponse{}, func(v any) int { return len(v.(*openapi.ListIncomingPhoneNumberResponse).IncomingPhoneNumbers) }},
		{KeyConferences, []Conference{{Sid: Ptr("CF1")}}, &openapi.ListConferenceResponse{}, func(v any) int { return len(v.(*openapi.ListConferenceResponse).Conferences) }},
		{KeyParticipants, []Participant{{CallSid: Ptr("CA1")}}, &openapi.ListParticipantResponse{}, func(v any) int { return len(v.(*openapi.ListParticipantResponse).Participants) }},
		{KeyQueues, []Queue{{Sid: Ptr("QU1")}}, &openapi.ListQueueResponse{}, func(v any) int { return len(v.(*openapi.ListQueueResponse).Queues) }},
		{KeyQueueMembers, []Member{{CallSid: Ptr("CA1")}}, &openapi.ListMemberResponse{}, func(v any) int { return len(v.(*openapi.ListMemberResponse).QueueMembers) }},
	}
	for _, tc := range tests {
		t.Run(tc.key, func(t *testing.T) {
			req := PageRequest{PageSize: 50}
			var page any
			switch items := tc.items.(type) {
			case []Call:
				page = NewPage(tc.key, items, req, "/x.json", nil)
			case []IncomingPhoneNumber:
				page = NewPage(tc.key, items, req, "/x.json", nil)
			case []Conference:
				page = NewPage(tc.key, items, req, "/x.json", nil)
			case []Participant:
				page = NewPage(tc.key, items, req, "/x.json", nil)
			case []Queue:
				page = NewPage(tc.key, items, req, "/x.json", nil)
			case []Member:
				page = NewPage(tc.key, items, req, "/x.json", nil)
			}
			m := toGeneric(t, page)
			want := jsonFields(reflect.TypeOf(tc.resp))
			if !reflect.DeepEqual(keys(m), keys(want)) {
				t.Fatalf("envelope names %v, twilio-go %v", keys(m), keys(want))
			}
			for name, f := range want {
				if name == tc.key || m[name] == nil {
					continue
				}
				var got string
				switch m[name].(type) {
				case string:
					got = "string"
				case float64:
					got = "number"
				}
				if got != jsonKind(f.typ) {
					t.Errorf("%s: kind %s, twilio-go %s", name, got, jsonKind(f.typ))
				}
			}
			b, _ := json.Marshal(page)
			if err := json.Unmarshal(b, tc.resp); err != nil {
				t.Fatal(err)
			}
			if tc.count(tc.resp) != 1 {
				t.Fatalf("twilio-go decoded %d items from %s", tc.count(tc.resp), b)
			}
		})
	}
}

// rewriteTransport sends every request to target, as if it were
// api.twilio.com.
type rewriteTransport struct{ target *url.URL }

func (rt rewriteTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.URL.Scheme, r.URL.Host, r.Host = rt.target.Scheme, rt.target.Host, ""
	return http.DefaultTransport.RoundTrip(r)
}

// TestTwilioGoPagingLoopTerminates lists calls with the unmodified
// twilio-go client, which follows next_page_uri until it is null.
func TestTwilioGoPagingLoopTerminates(t *testing.T) {
	var calls []Call
	for i := range 10 {
		to := "+15550000001"
		if i%4 == 3 {
			to = "+15559999999" // filtered out
		}
		calls = append(calls, Call{Sid: Ptr(fmt.Sprintf("CA%032d", i)), To: Ptr(to)})
	}
	tests := []struct {
		name      string
		pageSize  int
		limit     int
		wantCount int
		wantReqs  int32
	}{
		{"partial last page", 3, 0, 8, 3},
		{"exact multiple", 4, 0, 8, 2},
		{"one per page", 1, 0, 8, 8},
		{"default size", 0, 0, 8, 1},
		{"limit", 2, 3, 3, 2},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var reqs atomic.Int32
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				reqs.Add(1)
				if r.URL.Path != "/2010-04-01/Accounts/"+testAccount+"/Calls.json" {
					WriteError(w, NotFound(r.URL.Path))
					return
				}
				q := r.URL.Query()
				preq, err := ParsePageRequest(q)
				if err != nil {
					WriteError(w, err)
					return
				}
				var matching []Call
				for _, c := range calls {
					if to := q.Get("To"); to == "" || *c.To == to {
						matching = append(matching, c)
					}
				}
				JSON(w, http.StatusOK, NewPage(KeyCalls, matching, preq, r.URL.Path, q))
			}))
			defer srv.Close()
			target, _ := url.Parse(srv.URL)
			c := &client.Client{
				Credentials: client.NewCredentials(testAccount, "token"),
				HTTPClient:  &http.Client{Transport: rewriteTransport{target}},
			}
			c.SetAccountSid(testAccount)
			api := openapi.NewApiServiceWithClient(c)
			params := (&openapi.ListCallParams{}).SetTo("+15550000001")
			if tc.pageSize > 0 {
				params.SetPageSize(tc.pageSize)
			}
			if tc.limit > 0 {
				params.SetLimit(tc.limit)
			}
			got, err := api.ListCall(params)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != tc.wantCount {
				t.Fatalf("got %d calls, want %d", len(got), tc.wantCount)
			}
			for i, c := range got {
				if *c.To != "+15550000001" {
					t.Errorf("call %d: filter lost across pages: %s", i, *c.To)
				}
				if i > 0 && *c.Sid <= *got[i-1].Sid {
					t.Errorf("calls out of order or repeated at %d", i)
				}
			}
			if n := reqs.Load(); n != tc.wantReqs {
				t.Errorf("%d requests, want %d", n, tc.wantReqs)
			}
		})
	}
}
