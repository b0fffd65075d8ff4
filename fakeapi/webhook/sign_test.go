package webhook

import (
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base64"
	"fmt"
	"net/url"
	"sync"
	"testing"
)

// Vectors from twilio-python's request validator tests
// (https://www.twilio.com/docs/usage/security#validating-requests).
func TestSignatureVectors(t *testing.T) {
	params := url.Values{
		"CallSid": {"CA1234567890ABCDE"},
		"Caller":  {"+14158675309"},
		"Digits":  {"1234"},
		"From":    {"+14158675309"},
		"To":      {"+18005551212"},
	}
	tests := []struct {
		name   string
		token  string
		url    string
		params url.Values
		want   string
	}{
		{"python vector", "12345", "https://mycompany.com/myapp.php?foo=1&bar=2", params, "RSOYDt4T1cUTdK1PDd93/VVr8B8="},
		{"python vector with port", "12345", "https://mycompany.com:443/myapp.php?foo=1&bar=2", params, "kvajT1Ptam85bY51eRf/AJRuM3w="},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := Signature(tc.token, tc.url, tc.params); got != tc.want {
				t.Fatalf("Signature = %s, want %s", got, tc.want)
			}
		})
	}
}

func TestSignatureProperties(t *testing.T) {
	base := Signature("tok", "https://a.test/x", url.Values{"A": {"1"}, "B": {"2"}})
	tests := []struct {
		name   string
		url    string
		params url.Values
		same   bool
	}{
		{"insertion order irrelevant", "https://a.test/x", url.Values{"B": {"2"}, "A": {"1"}}, true},
		{"only first value of a repeated key", "https://a.test/x", url.Values{"A": {"1", "9"}, "B": {"2"}}, true},
		{"empty value list not signed", "https://a.test/x", url.Values{"A": {"1"}, "B": {"2"}, "C": {}}, true},
		{"different value", "https://a.test/x", url.Values{"A": {"1"}, "B": {"3"}}, false},
		{"different URL", "https://a.test/y", url.Values{"A": {"1"}, "B": {"2"}}, false},
		{"missing param", "https://a.test/x", url.Values{"A": {"1"}}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := Signature("tok", tc.url, tc.params) == base; got != tc.same {
				t.Fatalf("same = %v, want %v", got, tc.same)
			}
		})
	}
}

// Signing reuses keyed HMAC states per token: a reused state must sign
// exactly as a fresh one, for each of many tokens (more than the cache
// keeps), interleaved and from several goroutines.
func TestSignatureReusedStatesMatchFresh(t *testing.T) {
	fresh := func(token, u string) string {
		mac := hmac.New(sha1.New, []byte(token))
		mac.Write([]byte(u + "CallSidCA1"))
		return base64.StdEncoding.EncodeToString(mac.Sum(nil))
	}
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for round := range 3 {
				for i := range 2 * maxCachedTokens {
					token := fmt.Sprintf("token-%d", (i*7+g)%(2*maxCachedTokens))
					u := fmt.Sprintf("https://app.test/%d/%d", round, i)
					if got, want := Signature(token, u, url.Values{"CallSid": {"CA1"}}), fresh(token, u); got != want {
						t.Errorf("token %s: Signature = %s, fresh HMAC %s", token, got, want)
						return
					}
				}
			}
		}()
	}
	wg.Wait()
}
