package webhook

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/twilio/twilio-go/client"
)

const token = "secret-auth-token"

// received is what the application side saw.
type received struct {
	method, url, contentType, userAgent, accept, signature, idem string
	body                                                         []byte
	form                                                         url.Values
}

// appServer records requests and answers 200 with empty TwiML.
func appServer(t *testing.T) (*httptest.Server, func() received) {
	t.Helper()
	var mu sync.Mutex
	var last received
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		form, _ := url.ParseQuery(string(body))
		mu.Lock()
		last = received{
			method: r.Method,
			// How an application rebuilds the URL Twilio requested.
			url:         "http://" + r.Host + r.URL.RequestURI(),
			contentType: r.Header.Get("Content-Type"),
			userAgent:   r.Header.Get("User-Agent"),
			accept:      r.Header.Get("Accept"),
			signature:   r.Header.Get(HeaderSignature),
			idem:        r.Header.Get(HeaderIdempotencyToken),
			body:        body,
			form:        form,
		}
		mu.Unlock()
		w.Header().Set("Content-Type", "text/xml")
		io.WriteString(w, "<Response/>")
	}))
	t.Cleanup(srv.Close)
	return srv, func() received { mu.Lock(); defer mu.Unlock(); return last }
}

func TestTwilioGoValidatesSignedRequests(t *testing.T) {
	srv, last := appServer(t)
	std := url.Values{"CallSid": {"CA0001"}, "CallStatus": {"in-progress"}, "From": {"+14158675309"}, "To": {"+18005551212"}}
	repeated := url.Values{"CallSid": {"CA0001"}, "StatusCallbackEvent": {"ringing", "answered", "completed"}, "Z": {"b", "a"}}
	odd := url.Values{"Msg": {"a b&c=d/é+%"}, "Empty": {""}, "Caller": {"client:alice"}}
	tests := []struct {
		name   string
		method string
		path   string
		params url.Values
	}{
		{"POST plain", "POST", "/voice", std},
		{"POST query string", "POST", "/voice?foo=1&bar=2", std},
		{"POST repeated keys", "POST", "/status?x=1&x=2", repeated},
		{"POST odd characters", "POST", "/v%20oice/é?q=a%2Fb", odd},
		{"POST no params", "post", "/voice", nil},
		{"GET plain", "GET", "/voice", std},
		{"GET query string", "GET", "/voice?foo=1&bar=2", std},
		{"GET repeated keys", "GET", "/status?x=1&x=2", repeated},
		{"GET odd characters", "get", "/v%20oice?q=a%2Fb", odd},
		{"default method", "", "/voice", std},
	}
	validator := client.NewRequestValidator(token)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			req, err := Request{URL: srv.URL + tc.path, Method: tc.method, Params: tc.params}.HTTPRequest(context.Background(), token)
			if err != nil {
				t.Fatal(err)
			}
			resp := Do(context.Background(), srv.Client(), req, 0)
			if !resp.OK() {
				t.Fatalf("request failed: %+v", resp)
			}
			got := last()
			wantMethod := strings.ToUpper(tc.method)
			if wantMethod == "" {
				wantMethod = "POST"
			}
			if got.method != wantMethod {
				t.Fatalf("method %s, want %s", got.method, wantMethod)
			}
			if got.url != req.URL.String() {
				t.Errorf("app saw URL %s, request URL %s", got.url, req.URL)
			}
			if got.userAgent != "TwilioProxy/1.1" || got.accept != "*/*" || got.idem == "" {
				t.Errorf("headers: UA %q Accept %q idem %q", got.userAgent, got.accept, got.idem)
			}
			// The URL seen by the app is the one the fake signed; the
			// validator also tries it with the port removed.
			if wantMethod == "POST" {
				if got.contentType != FormContentType {
					t.Errorf("Content-Type %q", got.contentType)
				}
				if !validator.ValidateBody(got.url, got.body, got.signature) {
					t.Errorf("twilio-go ValidateBody rejects %s body %s sig %s", got.url, got.body, got.signature)
				}
				first := map[string]string{}
				for k, vs := range got.form {
					first[k] = vs[0]
				}
				if !validator.Validate(got.url, first, got.signature) {
					t.Errorf("twilio-go Validate rejects POST %s", got.url)
				}
				for k, vs := range tc.params {
					if strings.Join(got.form[k], ",") != strings.Join(vs, ",") {
						t.Errorf("param %s = %v, want %v", k, got.form[k], vs)
					}
				}
			} else {
				if got.contentType != "" || len(got.body) != 0 {
					t.Errorf("GET with Content-Type %q body %q", got.contentType, got.body)
				}
				if !validator.Validate(got.url, map[string]string{}, got.signature) {
					t.Errorf("twilio-go Validate rejects GET %s", got.url)
				}
				u, _ := url.Parse(got.url)
				q := u.Query()
				for k, vs := range tc.params {
					if !strings.HasSuffix(strings.Join(q[k], ","), strings.Join(vs, ",")) {
						t.Errorf("query %s = %v, want %v", k, q[k], vs)
					}
				}
				if orig, _ := url.Parse(srv.URL + tc.path); orig.RawQuery != "" && !strings.HasPrefix(u.RawQuery, orig.RawQuery+"&") {
					t.Errorf("own query not kept first: %s", u.RawQuery)
				}
			}
			if validator.Validate(got.url, map[string]string{"Forged": "1"}, got.signature) {
				t.Error("validator accepts a forged parameter")
			}
		})
	}
}

func TestSignatureValidatesWithDefaultPorts(t *testing.T) {
	validator := client.NewRequestValidator(token)
	params := url.Values{"CallSid": {"CA1"}, "Digits": {"1234"}}
	tests := []struct{ signedURL, validatedURL string }{
		{"https://example.com/voice?x=1", "https://example.com/voice?x=1"},
		{"https://example.com/voice?x=1", "https://example.com:443/voice?x=1"},
		{"https://example.com:443/voice", "https://example.com/voice"},
		{"http://example.com:8080/voice", "http://example.com:8080/voice"},
		{"http://example.com/voice", "http://example.com:80/voice"},
	}
	for _, tc := range tests {
		req, err := Request{URL: tc.signedURL, Params: params}.HTTPRequest(context.Background(), token)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(req.Body)
		if !validator.ValidateBody(tc.validatedURL, body, req.Header.Get(HeaderSignature)) {
			t.Errorf("signed %s, validated at %s: rejected", tc.signedURL, tc.validatedURL)
		}
	}
}

func TestHTTPRequest(t *testing.T) {
	params := url.Values{"CallSid": {"CA1"}, "CallStatus": {"ringing"}}
	tests := []struct {
		name    string
		req     Request
		wantURL string
		wantErr bool
	}{
		{"GET merges query", Request{URL: "https://a.test/v?x=1", Method: "GET", Params: params},
			"https://a.test/v?x=1&CallSid=CA1&CallStatus=ringing", false},
		{"GET without own query", Request{URL: "https://a.test/v", Method: "GET", Params: params},
			"https://a.test/v?CallSid=CA1&CallStatus=ringing", false},
		{"GET drops fragment", Request{URL: "https://a.test/v#frag", Method: "GET"}, "https://a.test/v", false},
		{"POST keeps URL", Request{URL: "https://a.test:8443/v?x=1", Params: params}, "https://a.test:8443/v?x=1", false},
		{"PUT refused", Request{URL: "https://a.test/v", Method: "PUT"}, "", true},
		{"relative URL refused", Request{URL: "/v", Method: "POST"}, "", true},
		{"ftp refused", Request{URL: "ftp://a.test/v"}, "", true},
		{"bad URL refused", Request{URL: "http://a.test/%zz"}, "", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			req, err := tc.req.HTTPRequest(context.Background(), token)
			if tc.wantErr {
				if err == nil {
					t.Fatalf("no error, URL %s", req.URL)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if req.URL.String() != tc.wantURL {
				t.Fatalf("URL %s, want %s", req.URL, tc.wantURL)
			}
			var signed url.Values
			if req.Method == "POST" {
				signed = tc.req.Params
			}
			if got, want := req.Header.Get(HeaderSignature), Signature(token, tc.wantURL, signed); got != want {
				t.Errorf("signature %s, want %s", got, want)
			}
		})
	}
}

func TestHTTPRequestUserInfoNotSigned(t *testing.T) {
	params := url.Values{"CallSid": {"CA1"}}
	req, err := Request{URL: "https://user:pass@a.test/v", Params: params}.HTTPRequest(context.Background(), token)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := req.Header.Get(HeaderSignature), Signature(token, "https://a.test/v", params); got != want {
		t.Fatalf("signature %s, want %s (URL without credentials)", got, want)
	}
}

func TestIdempotencyToken(t *testing.T) {
	mk := func(r Request) string {
		req, err := r.HTTPRequest(context.Background(), token)
		if err != nil {
			t.Fatal(err)
		}
		return req.Header.Get(HeaderIdempotencyToken)
	}
	a := Request{URL: "https://a.test/status", Params: url.Values{"CallSid": {"CA1"}, "SequenceNumber": {"0"}}}
	b := Request{URL: "https://a.test/status", Params: url.Values{"CallSid": {"CA1"}, "SequenceNumber": {"1"}}}
	c := Request{URL: "https://a.test/status", Method: "GET", Params: a.Params}
	tests := []struct {
		name string
		x, y Request
		same bool
	}{
		{"retry of the same request", a, a, true},
		{"different params", a, b, false},
		{"different method", a, c, false},
	}
	for _, tc := range tests {
		if got := mk(tc.x) == mk(tc.y); got != tc.same {
			t.Errorf("%s: same = %v, want %v", tc.name, got, tc.same)
		}
	}
}
