package fakeapi

import (
	"net/url"
	"testing"
)

// isClean never calls a path clean that cleanPath would change, and calls
// clean the paths clients send.
func TestIsCleanAgreesWithCleanPath(t *testing.T) {
	for _, p := range []string{
		"", "/", "//", "/a", "/a/", "/a//b", "/a/./b", "/a/../b", "/a/.", "/a/..", "/.", "/..", "/./", "a/b",
		"/.a/b..", "/a/.../b", "/2010-04-01/Accounts/AC0123456789abcdef0123456789abcdef/Calls/CA0123456789abcdef0123456789abcdef.json",
		"/holdlab/calls/CA1/hangup", "/a/b/", "/a/b//",
	} {
		clean := p == cleanPath(p)
		if got := isClean(p); got && !clean {
			t.Errorf("isClean(%q) = true, but cleanPath gives %q", p, cleanPath(p))
		} else if !got && clean && p != "" {
			t.Errorf("isClean(%q) = false for a clean path", p)
		}
	}
}

func FuzzIsClean(f *testing.F) {
	for _, p := range []string{"/", "/a/./b", "//x", "/a/b/"} {
		f.Add(p)
	}
	f.Fuzz(func(t *testing.T, p string) {
		if isClean(p) && p != cleanPath(p) {
			t.Fatalf("isClean(%q) = true, but cleanPath gives %q", p, cleanPath(p))
		}
	})
}

// validURL accepts exactly the URLs url.Parse accepts as absolute http(s)
// URLs with a host, whether it takes them as plain (webhook.ParsePlainURL)
// or asks url.Parse.
func TestValidURL(t *testing.T) {
	for _, tt := range []struct {
		url   string
		valid bool
	}{
		{"https://app.test/music", true},
		{"http://127.0.0.1:8080/voice?a=1&b=two", true},
		{"https://app.test", true},
		{"https://app.test?x=1", true},
		{"https://a-b.example.com:443/p/a_t~h;x=1,(y)@z", true},
		{"https://app.test:/x", true},
		{"https://", false},
		{"http:///x", false},
		{"ftp://app.test/x", false},
		{"HTTPS://app.test/x", true},
		{"https://user@app.test/x", true},
		{"https://[::1]:80/x", true},
		{"https://app.test/a%20b", true},
		{"https://app.test/a#frag", true},
		{"https://app.test/a b", true},
		{"https://app.test:8a/x", false},
		{"https://a:1:2/x", false},
		{"https://app.test/é", true},
	} {
		if got := validURL(tt.url); got != tt.valid || got != parsesAsHTTPURL(tt.url) {
			t.Errorf("validURL(%q) = %v, want %v (url.Parse: %v)", tt.url, got, tt.valid, parsesAsHTTPURL(tt.url))
		}
	}
}

// parsesAsHTTPURL is validURL's judgement by url.Parse alone.
func parsesAsHTTPURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}

func FuzzValidURL(f *testing.F) {
	for _, s := range []string{"https://app.test/music", "http://h:1/p?q", "https://a:1:2/", "http://h/%zz"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := validURL(s), parsesAsHTTPURL(s); got != want {
			t.Fatalf("validURL(%q) = %v, url.Parse says %v", s, got, want)
		}
	})
}
