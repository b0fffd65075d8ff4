package fakeapi

import "testing"

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
