package webhook

import (
	"context"
	"io"
	"net/url"
	"testing"
)

// Prepare gives the method, URL, body and headers HTTPRequest gives, for
// every URL ParsePlainURL accepts; the URLs it refuses are left to
// HTTPRequest.
func TestPrepareMatchesHTTPRequest(t *testing.T) {
	params := url.Values{"CallSid": {"CA1"}, "Msg": {"a b&c=d/é+%~"}, "Empty": {""}, "None": {}, "Z": {"2", "1"}, "A-b_c.d": {"x"}}
	tests := []struct {
		url   string
		plain bool
	}{
		{"https://app.test/voice", true},
		{"http://app.test:8080/a/b-c_d.e~f/$&+,:;=@", true},
		{"https://app.test", true},
		{"https://app.test?x=1&y=%2F", true},
		{"https://app.test/voice?x=1", true},
		{"https://APP.test/Voice", true},
		{"https://app.test/voice?", false},
		{"https://app.test/voice#frag", false},
		{"https://app.test/v%20oice", false},
		{"https://app.test/é", false},
		{"https://app.test/a b", false},
		{"https://app.test/a!b", false},
		{"https://user:pw@app.test/voice", false},
		{"HTTPS://app.test/voice", false},
		{"https://app.test:/voice", false},
		{"https://app.test:x/voice", false},
		{"https:///voice", false},
		{"ftp://app.test/voice", false},
		{"/voice", false},
	}
	for _, tc := range tests {
		u, ok := ParsePlainURL(tc.url)
		if ok != tc.plain {
			t.Errorf("ParsePlainURL(%q) ok = %v, want %v", tc.url, ok, tc.plain)
		}
		if !ok {
			continue
		}
		for _, method := range []string{"GET", "POST", "", " get "} {
			for _, ps := range []url.Values{params, nil} {
				r := Request{URL: tc.url, Method: method, Params: ps}
				want, err := r.HTTPRequest(context.Background(), token)
				if err != nil {
					t.Fatal(err)
				}
				got, err := r.Prepare(u, token)
				if err != nil {
					t.Fatal(err)
				}
				var body []byte
				if want.Body != nil {
					body, _ = io.ReadAll(want.Body)
				}
				if got.Method != want.Method || got.URL != want.URL.String() || got.Query != want.URL.RawQuery || got.Body != string(body) ||
					got.Signature != want.Header.Get(HeaderSignature) || got.IdempotencyToken != want.Header.Get(HeaderIdempotencyToken) {
					t.Errorf("%s %s: Prepare = %+v\nHTTPRequest: %s %s %q %q %s %s", method, tc.url, got, want.Method, want.URL, want.URL.RawQuery, body,
						want.Header.Get(HeaderSignature), want.Header.Get(HeaderIdempotencyToken))
				}
			}
		}
	}
	if _, err := (Request{URL: "https://app.test/", Method: "PUT"}).Prepare(PlainURL{Raw: "https://app.test/"}, token); err == nil {
		t.Error("Prepare accepted PUT")
	}
}

// The form encoding is url.Values.Encode's, byte for byte.
func FuzzEncode(f *testing.F) {
	f.Add("CallSid", "CA1", "x", "a b&c=d/é+%~\x00\xff")
	f.Fuzz(func(t *testing.T, k1, v1, k2, v2 string) {
		params := url.Values{k1: {v1, v2}, k2: {v2}}
		s := getScratch()
		defer putScratch(s)
		s.encode(params, false)
		if got, want := string(s.enc), params.Encode(); got != want {
			t.Errorf("encode = %q, url.Values.Encode = %q", got, want)
		}
	})
}

// BenchmarkPrepare compares building a conference status callback's webhook
// (16 parameters) with HTTPRequest and with Prepare.
func BenchmarkPrepare(b *testing.B) {
	params := url.Values{}
	for _, k := range []string{"AccountSid", "ConferenceSid", "FriendlyName", "StatusCallbackEvent", "SequenceNumber", "Timestamp",
		"CallSid", "Muted", "Hold", "Coaching", "EndConferenceOnExit", "StartConferenceOnEnter", "ParticipantLabel", "CallSidToCoach", "From", "To"} {
		params.Set(k, "+1555 value of "+k)
	}
	r := Request{URL: "https://app.test/events", Method: "POST", Params: params}
	b.Run("HTTPRequest", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := r.HTTPRequest(context.Background(), token); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("Prepare", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			u, ok := ParsePlainURL(r.URL)
			if !ok {
				b.Fatal("not plain")
			}
			if _, err := r.Prepare(u, token); err != nil {
				b.Fatal(err)
			}
		}
	})
}
