package sim

import "testing"

// wantNoViolations fails t if e recorded a broken invariant after any of
// its steps, or if one is broken now.
func wantNoViolations(t testing.TB, e *Engine) {
	t.Helper()
	if err := e.Violations(); err != nil {
		t.Errorf("engine invariants broken during the test:\n%v", err)
	}
	if err := e.CheckInvariants(); err != nil {
		t.Errorf("engine invariants broken at the end of the test:\n%v", err)
	}
}
