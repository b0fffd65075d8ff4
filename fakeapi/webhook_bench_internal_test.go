package fakeapi

import (
	"context"
	"net/http"
	"net/url"
	"testing"

	"github.com/holdlab/holdlab/fakeapi/sim"
)

// BenchmarkPerformApp measures one webhook to an in-process app by the
// direct path: a conference callback's twenty parameters, to an app that
// ignores its form and to one that parses it, by POST and GET.
//
//	go test ./fakeapi -run '^$' -bench PerformApp -benchmem -count 6
func BenchmarkPerformApp(b *testing.B) {
	params := url.Values{}
	for _, kv := range [][2]string{
		{"AccountSid", "AC00000000000000000000000000000000"}, {"ConferenceSid", "CF00000000000000000000000000000001"},
		{"FriendlyName", "room-1"}, {"StatusCallbackEvent", "participant-hold"}, {"SequenceNumber", "7"},
		{"Timestamp", "Mon, 02 Jan 2006 15:04:05 +0000"}, {"CallSid", "CA00000000000000000000000000000002"},
		{"Muted", "false"}, {"Hold", "true"}, {"Coaching", "false"}, {"EndConferenceOnExit", "false"},
		{"StartConferenceOnEnter", "true"}, {"ParticipantLabel", "p1"}, {"ApiVersion", "2010-04-01"},
		{"CallStatus", "in-progress"}, {"Direction", "outbound-api"}, {"From", "+15550001111"}, {"To", "+15550002222"},
		{"Caller", "+15550001111"}, {"Called", "+15550002222"},
	} {
		params.Set(kv[0], kv[1])
	}
	ignore := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusNoContent) })
	parse := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := r.ParseForm(); err != nil || r.Form.Get("CallSid") == "" {
			http.Error(w, "no CallSid", http.StatusBadRequest)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	})
	for _, app := range []struct {
		name string
		h    http.Handler
	}{{"ignore", ignore}, {"parse", parse}} {
		for _, method := range []string{"POST", "GET"} {
			b.Run("app="+app.name+"/method="+method, func(b *testing.B) {
				f, err := New(Options{Apps: map[string]http.Handler{"app.test": app.h}})
				if err != nil {
					b.Fatal(err)
				}
				defer f.Close()
				eff := &sim.Effect{URL: "https://app.test/events", Method: method, Params: params}
				b.ReportAllocs()
				for b.Loop() {
					if res := f.perform(context.Background(), eff); res.StatusCode != http.StatusNoContent {
						b.Fatalf("status %d: %s", res.StatusCode, res.Err)
					}
				}
			})
		}
	}
}
