package webhook

import (
	"context"
	"io"
	"net/url"
	"strconv"
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

// A scratch remembers the sorted keys of the webhooks it encoded; a
// webhook with as many parameters but other keys, or keys without values,
// is still encoded and signed exactly as url.Values.Encode and Signature do.
func TestEncodeKnownKeys(t *testing.T) {
	seq := []url.Values{
		{"A": {"1"}, "B": {"2"}, "C": {"3"}},
		{"A": {"1"}, "B": {"2"}, "D": {"4"}},      // as many keys, one other
		{"A": {"1"}, "B": {"2"}, "C": {"3", "4"}}, // the first keys again
		{"A": {"1"}, "B": {}, "C": {"3"}},         // a key without a value
		{"A": {"1"}, "C": {"3"}},
		{"Z": {"1"}, "Y": {"2"}, "X": {"3"}},
		{"A": {"x y"}, "B": {"2"}, "D": {"4"}},
		{},
		{"A": {"1"}, "B": {"2"}, "C": {"3"}},
	}
	for i := range 2 * maxKnownKeys { // more kinds than a scratch remembers
		seq = append(seq, url.Values{"K" + strconv.Itoa(i): {"v"}, "A": {"1"}, "C": {"3"}})
	}
	seq = append(seq, seq...)
	s := getScratch()
	defer putScratch(s)
	for i, params := range seq {
		for _, pairs := range []bool{false, true} {
			s.sig = append(s.sig[:0], "https://app.test/x"...)
			s.encode(params, pairs)
			if got, want := string(s.enc), params.Encode(); got != want {
				t.Errorf("%d: encode(%v) = %q, url.Values.Encode = %q", i, params, got, want)
			}
			if pairs {
				if got, want := s.sign(token), Signature(token, "https://app.test/x", params); got != want {
					t.Errorf("%d: signature of %v = %q, Signature = %q", i, params, got, want)
				}
			}
		}
	}
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
