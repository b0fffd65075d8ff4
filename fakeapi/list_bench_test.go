package fakeapi_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/holdlab/holdlab/fakeapi"
	"github.com/holdlab/holdlab/fakeapi/sim"
)

// List benchmarks: one page of a list, served by the fake's handler, with
// 1,000 and with 20,000 resources of history. A page should cost about the
// same either way (BENCHMARKS.md, "Lists do not grow with history").
//
//	go test ./fakeapi -run '^$' -bench 'BenchmarkList' -benchmem -count 6

// listSizes are the history sizes each list benchmark compares.
var listSizes = []int{1000, 20000}

const (
	listSupport = "+15550001000"
	listAgent   = "+15550002000"
	listLive    = "+15550009000" // answers and stays on the line
)

// listCustomer is the i-th customer's number; 10 customers share the
// history, so a To filter selects 5% of it (a full page at 1,000 too).
func listCustomer(i int) string { return fmt.Sprintf("+1555%07d", 3000000+i%10) }

// listHistory is a fake holding n calls of history and what the
// benchmarks ask about.
type listHistory struct {
	f       *fakeapi.Fake
	parent  string    // a parent call in the middle of the history
	call    string    // a call with recordings
	conf    string    // a conference with 250 live participants
	mid     time.Time // the virtual instant half-way through the history
	late    time.Time // 90% of the way through
	midPage map[string]string
}

var (
	listMu        sync.Mutex
	listHistories = map[string]*listHistory{}
)

// callHistory returns a fake with n calls: n/2 parents created by REST,
// each <Dial>ing the agent (its child), all completed but the last four,
// still in progress. Built once per n and reused.
func callHistory(b *testing.B, n int) *listHistory {
	return cachedHistory(b, fmt.Sprintf("calls/%d", n), func(f *fakeapi.Fake, h *listHistory) error {
		return f.Do(func(e *sim.Engine) error {
			if err := e.SetPhone(listAgent, sim.PhoneScript{Name: "agent", After: time.Second, HangUpAfter: 10 * time.Second}); err != nil {
				return err
			}
			if err := e.SetPhone(listLive, sim.PhoneScript{Name: "live", After: time.Second}); err != nil {
				return err
			}
			dial := `<Response><Dial>` + listAgent + `</Dial></Response>`
			for i := range n/2 - 2 {
				c, err := e.CreateCall(sim.CallParams{To: listCustomer(i), From: listSupport, Twiml: dial})
				if err != nil {
					return err
				}
				if i == n/4 {
					h.parent = c.Sid
				}
				if i == n/4 {
					h.mid = e.Now()
				}
				if i == n/2*9/10 {
					h.late = e.Now()
				}
				e.RunUntil(e.Now().Add(30*time.Second), answer204)
			}
			for range 2 {
				if _, err := e.CreateCall(sim.CallParams{To: listLive, From: listSupport, Twiml: `<Response><Dial>` + listLive + `</Dial></Response>`}); err != nil {
					return err
				}
			}
			return nil
		})
	})
}

// cachedHistory builds a history once per key.
func cachedHistory(b *testing.B, key string, build func(*fakeapi.Fake, *listHistory) error) *listHistory {
	b.Helper()
	listMu.Lock()
	defer listMu.Unlock()
	if h, ok := listHistories[key]; ok {
		return h
	}
	f, err := fakeapi.New(fakeapi.Options{})
	if err != nil {
		b.Fatal(err)
	}
	h := &listHistory{f: f, midPage: map[string]string{}}
	if err := build(f, h); err != nil {
		b.Fatal(err)
	}
	f.Advance(time.Minute)
	listHistories[key] = h
	return h
}

// get answers path?query through the fake's handler and returns the body.
func (h *listHistory) get(b *testing.B, uri string) []byte {
	req := httptest.NewRequest(http.MethodGet, uri, nil)
	req.SetBasicAuth(h.f.AccountSid(), h.f.AuthToken())
	rec := httptest.NewRecorder()
	h.f.Handler().ServeHTTP(rec, req)
	if rec.Code != http.StatusOK {
		b.Fatalf("GET %s: %d %s", uri, rec.Code, rec.Body)
	}
	return rec.Body.Bytes()
}

// middle returns the URI of the page half-way through the list at uri,
// reached by following next_page_uri as twilio-go does.
func (h *listHistory) middle(b *testing.B, key, uri string) string {
	if m, ok := h.midPage[uri]; ok {
		return m
	}
	var pages []string
	for next := uri; next != ""; {
		pages = append(pages, next)
		var env map[string]json.RawMessage
		if err := json.Unmarshal(h.get(b, next), &env); err != nil {
			b.Fatal(err)
		}
		var nu *string
		if err := json.Unmarshal(env["next_page_uri"], &nu); err != nil {
			b.Fatal(err)
		}
		next = ""
		if nu != nil {
			next = *nu
		}
	}
	if len(pages) < 3 {
		b.Fatalf("%s: %d pages, want at least 3", uri, len(pages))
	}
	m := pages[len(pages)/2]
	h.midPage[uri] = m
	return m
}

func (h *listHistory) path(rest string) string {
	return "/2010-04-01/Accounts/" + h.f.AccountSid() + "/" + rest
}

// benchPage measures one GET of uri.
func benchPage(b *testing.B, h *listHistory, uri string) {
	h.get(b, uri) // warm
	runtime.GC()  // not the garbage of building the history
	b.ReportAllocs()
	for b.Loop() {
		h.get(b, uri)
	}
}

type listCase struct {
	name  string
	query func(h *listHistory) string // the first page's query
	mid   bool                        // also the middle page
}

func runListCases(b *testing.B, history func(*testing.B, int) *listHistory, list, key string, cases []listCase) {
	for _, tc := range cases {
		for _, page := range []string{"first", "middle"} {
			if page == "middle" && !tc.mid {
				continue
			}
			for _, n := range listSizes {
				b.Run(fmt.Sprintf("%s/%s/n=%d", tc.name, page, n), func(b *testing.B) {
					h := history(b, n)
					uri := h.path(list)
					if q := tc.query(h); q != "" {
						uri += "?" + q
					}
					if page == "middle" {
						uri = h.middle(b, key, uri)
					}
					benchPage(b, h, uri)
				})
			}
		}
	}
}

// answer204 answers every webhook of a history with 204.
func answer204(*sim.Effect) sim.Result { return sim.Result{StatusCode: 204} }

func rfc(t time.Time) string { return url.QueryEscape(t.UTC().Format(time.RFC3339)) }

// BenchmarkListCalls: GET /Calls.json, unfiltered and with each filter.
func BenchmarkListCalls(b *testing.B) {
	runListCases(b, callHistory, "Calls.json", "calls", []listCase{
		{"all", func(*listHistory) string { return "" }, true},
		{"Status=completed", func(*listHistory) string { return "Status=completed" }, true},
		{"Status=in-progress", func(*listHistory) string { return "Status=in-progress" }, false},
		{"To", func(*listHistory) string { return "To=" + url.QueryEscape(listCustomer(7)) }, false},
		{"From", func(*listHistory) string { return "From=" + url.QueryEscape(listSupport) }, true},
		{"ParentCallSid", func(h *listHistory) string { return "ParentCallSid=" + h.parent }, false},
		{"StartTime>late", func(h *listHistory) string { return "StartTime%3E=" + rfc(h.late) }, false},
		{"StartTime<mid", func(h *listHistory) string { return "StartTime%3C=" + rfc(h.mid) }, true},
		{"StartTime>mid", func(h *listHistory) string { return "StartTime%3E=" + rfc(h.mid) }, true},
	})
}

// BenchmarkListCallsEveryPage: every page of GET /Calls.json, 1,000 calls
// a page, following next_page_uri; ns/call is the cost per call listed.
func BenchmarkListCallsEveryPage(b *testing.B) {
	for _, n := range listSizes {
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			h := callHistory(b, n)
			first := h.path("Calls.json?PageSize=1000")
			runtime.GC()
			b.ReportAllocs()
			calls := 0
			for b.Loop() {
				for next := first; next != ""; {
					var env struct {
						Calls []struct {
							Sid string `json:"sid"`
						} `json:"calls"`
						Next *string `json:"next_page_uri"`
					}
					if err := json.Unmarshal(h.get(b, next), &env); err != nil {
						b.Fatal(err)
					}
					calls += len(env.Calls)
					next = ""
					if env.Next != nil {
						next = *env.Next
					}
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(calls), "ns/call")
		})
	}
}

// confHistory returns a fake with n conferences, all completed but two,
// each joined by one participant added by REST who hung up after 10s; one
// of the live ones has 250 participants.
func confHistory(b *testing.B, n int) *listHistory {
	return cachedHistory(b, fmt.Sprintf("confs/%d", n), func(f *fakeapi.Fake, h *listHistory) error {
		return f.Do(func(e *sim.Engine) error {
			if err := e.SetPhone(listAgent, sim.PhoneScript{Name: "agent", After: time.Second, HangUpAfter: 10 * time.Second}); err != nil {
				return err
			}
			for i := range n - 2 {
				if _, err := e.CreateParticipant(fmt.Sprintf("room-%d", i), sim.ParticipantParams{From: listSupport, To: listAgent}); err != nil {
					return err
				}
				e.RunUntil(e.Now().Add(30*time.Second), answer204)
			}
			if _, err := e.CreateParticipant("small", sim.ParticipantParams{From: listSupport, To: listLive}); err != nil {
				return err
			}
			for i := range 250 {
				p, err := e.CreateParticipant("big", sim.ParticipantParams{From: listSupport, To: fmt.Sprintf("+1555%07d", 4000000+i)})
				if err != nil {
					return err
				}
				h.conf = p.ConferenceSid
			}
			return nil
		})
	})
}

// BenchmarkListConferences: GET /Conferences.json, and the Participants of
// a conference of 250.
func BenchmarkListConferences(b *testing.B) {
	runListCases(b, confHistory, "Conferences.json", "conferences", []listCase{
		{"all", func(*listHistory) string { return "" }, true},
		{"Status=in-progress", func(*listHistory) string { return "Status=in-progress" }, false},
		{"Status=completed", func(*listHistory) string { return "Status=completed" }, true},
		{"FriendlyName", func(*listHistory) string { return "FriendlyName=room-7" }, false},
	})
	for _, page := range []string{"first", "middle"} {
		for _, n := range listSizes {
			b.Run(fmt.Sprintf("Participants/%s/n=%d", page, n), func(b *testing.B) {
				h := confHistory(b, n)
				uri := h.path("Conferences/" + h.conf + "/Participants.json")
				if page == "middle" {
					uri = h.middle(b, "participants", uri+"?PageSize=50")
				}
				benchPage(b, h, uri)
			})
		}
	}
}

// recHistory returns a fake with n recordings: n calls recorded from
// answer, 10s long each.
func recHistory(b *testing.B, n int) *listHistory {
	return cachedHistory(b, fmt.Sprintf("recs/%d", n), func(f *fakeapi.Fake, h *listHistory) error {
		return f.Do(func(e *sim.Engine) error {
			if err := e.SetPhone(listAgent, sim.PhoneScript{Name: "agent", After: time.Second, HangUpAfter: 10 * time.Second}); err != nil {
				return err
			}
			for i := range n {
				c, err := e.CreateCall(sim.CallParams{To: listAgent, From: listSupport, Twiml: `<Response><Pause length="60"/></Response>`, Record: true})
				if err != nil {
					return err
				}
				if i == n/2 {
					h.call = c.Sid
				}
				e.RunUntil(e.Now().Add(30*time.Second), answer204)
			}
			return nil
		})
	})
}

// BenchmarkListRecordings: GET /Recordings.json and a call's recordings.
func BenchmarkListRecordings(b *testing.B) {
	runListCases(b, recHistory, "Recordings.json", "recordings", []listCase{
		{"all", func(*listHistory) string { return "" }, true},
		{"CallSid", func(h *listHistory) string { return "CallSid=" + h.call }, false},
	})
	for _, n := range listSizes {
		b.Run(fmt.Sprintf("Call/first/n=%d", n), func(b *testing.B) {
			h := recHistory(b, n)
			benchPage(b, h, h.path("Calls/"+h.call+"/Recordings.json"))
		})
	}
}
