package fakeapi_test

import (
	"testing"

	"github.com/holdlab/holdlab/fakeapi"
)

// wantConsistent fails t, when it ends, if the fake's engine broke an
// invariant during the test or ends in a broken state.
func wantConsistent(t testing.TB, f *fakeapi.Fake) {
	t.Helper()
	t.Cleanup(func() {
		if err := f.CheckInvariants(); err != nil {
			t.Errorf("engine invariants broken:\n%v", err)
		}
	})
}
