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

// plainHTTPURL accepts only URLs url.Parse accepts as absolute http(s)
// URLs with a host, and the usual ones among them.
func TestPlainHTTPURL(t *testing.T) {
	for _, tt := range []struct {
		url   string
		plain bool
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
		{"HTTPS://app.test/x", false}, // url.Parse's to judge
		{"https://user@app.test/x", false},
		{"https://[::1]:80/x", false},
		{"https://app.test/a%20b", false},
		{"https://app.test/a#frag", false},
		{"https://app.test/a b", false},
		{"https://app.test:8a/x", false},
		{"https://a:1:2/x", false},
		{"https://app.test/é", false},
	} {
		if got := plainHTTPURL(tt.url); got != tt.plain {
			t.Errorf("plainHTTPURL(%q) = %v, want %v", tt.url, got, tt.plain)
		}
	}
}

func FuzzPlainHTTPURL(f *testing.F) {
	for _, s := range []string{"https://app.test/music", "http://h:1/p?q", "https://a:1:2/", "http://h/%zz"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if !plainHTTPURL(s) {
			return
		}
		u, err := url.Parse(s)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			t.Fatalf("plainHTTPURL(%q) = true, but url.Parse gives %+v, %v", s, u, err)
		}
	})
}
