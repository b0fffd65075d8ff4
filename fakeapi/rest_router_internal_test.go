package fakeapi

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

// reference is a ServeMux with the fake's patterns whose handlers record
// the pattern and wildcard values ServeMux gives a request.
func reference(t testing.TB) (*http.ServeMux, func(r *http.Request) (pattern string, values map[string]string)) {
	t.Helper()
	sharedMux()
	mux := http.NewServeMux()
	var gotPattern string
	var gotValues map[string]string
	for _, rt := range router.routes {
		mux.HandleFunc(rt.pattern, func(_ http.ResponseWriter, r *http.Request) {
			gotPattern = rt.pattern
			gotValues = map[string]string{}
			for _, name := range []string{"AccountSid", "file", "CallSid", "ConferenceSid", "QueueSid"} {
				if v := r.PathValue(name); v != "" {
					gotValues[name] = v
				}
			}
		})
	}
	return mux, func(r *http.Request) (string, map[string]string) {
		gotPattern, gotValues = "", nil
		mux.ServeHTTP(httptest.NewRecorder(), r)
		return gotPattern, gotValues
	}
}

// checkMatch checks that when matchREST routes r, ServeMux routes it to
// the same pattern with the same wildcard values; it reports whether
// matchREST routed it.
func checkMatch(t testing.TB, serve func(*http.Request) (string, map[string]string), r *http.Request) bool {
	t.Helper()
	if !isClean(r.URL.Path) {
		return false // the fake answers 404 before routing
	}
	rt, rr, ok := findREST(r)
	if !ok {
		return false
	}
	pattern, values := serve(r)
	if pattern != rt.pattern {
		t.Fatalf("%s %s: matchREST finds %q, ServeMux %q", r.Method, r.URL, rt.pattern, pattern)
	}
	for name, want := range values {
		if got := rr.PathValue(name); got != want {
			t.Fatalf("%s %s: {%s} is %q, ServeMux says %q", r.Method, r.URL, name, got, want)
		}
	}
	for _, name := range []string{"AccountSid", "file", rr.parentName} {
		if got := rr.PathValue(name); got != values[name] {
			t.Fatalf("%s %s: {%s} is %q, ServeMux says %q", r.Method, r.URL, name, got, values[name])
		}
	}
	return true
}

// matchREST routes every REST route's requests, to the route and values
// ServeMux would, and leaves to ServeMux what it cannot be sure of.
func TestMatchRESTAgreesWithServeMux(t *testing.T) {
	_, serve := reference(t)
	values := []string{"CA0123456789abcdef0123456789abcdef.json", "CF0123456789abcdef0123456789abcdef", "x", "a b", "é.json", "%2F", "..", ".json"}
	matched := 0
	for _, rt := range router.routes {
		if rt.rest == nil {
			continue
		}
		for _, v := range values {
			path := strings.NewReplacer("{AccountSid}", "AC0123456789abcdef0123456789abcdef", "{file}", v,
				"{CallSid}", v, "{ConferenceSid}", v, "{QueueSid}", "QU1").Replace(rt.path)
			for _, method := range []string{"GET", "POST", "DELETE", "HEAD", "PUT"} {
				for _, p := range []string{path, path + "/", strings.TrimSuffix(path, ".json")} {
					r := httptest.NewRequest(method, "https://api.twilio.com"+(&url.URL{Path: p}).EscapedPath(), nil)
					if checkMatch(t, serve, r) {
						matched++
					}
				}
			}
		}
	}
	if matched < 100 {
		t.Errorf("matchREST routed %d requests; want it to route the usual ones", matched)
	}
	// The usual ones.
	for _, target := range []string{
		"/2010-04-01/Accounts/AC1/Calls.json",
		"/2010-04-01/Accounts/AC1/Calls/CA1.json",
		"/2010-04-01/Accounts/AC1/Conferences/CF1/Participants/CA1.json",
		"/2010-04-01/Accounts/AC1/Conferences/CF1/Participants.json",
		"/2010-04-01/Accounts/AC1/Queues/QU1/Members/Front.json",
	} {
		if r := httptest.NewRequest("POST", target, nil); !checkMatch(t, serve, r) {
			t.Errorf("POST %s: matchREST left it to ServeMux", target)
		}
	}
}

func FuzzMatchREST(f *testing.F) {
	for _, s := range []string{
		"/2010-04-01/Accounts/AC1/Calls/CA1.json", "/2010-04-01/Accounts/AC1/Conferences/CF1/Participants/p1",
		"/2010-04-01/Accounts//Calls.json", "/2010-04-01/Accounts/AC1/Calls/a%2Fb", "/2010-04-01/Accounts/AC1/Queues/QU1/Members/",
	} {
		f.Add(uint8(1), s)
	}
	_, serve := reference(f)
	methods := []string{"GET", "POST", "DELETE", "HEAD", "PUT"}
	f.Fuzz(func(t *testing.T, m uint8, target string) {
		u, err := url.ParseRequestURI(target)
		if err != nil || u.Host != "" {
			return
		}
		r := &http.Request{Method: methods[int(m)%len(methods)], URL: u, Header: http.Header{}, RequestURI: target}
		checkMatch(t, serve, r)
	})
}
