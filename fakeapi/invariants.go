package fakeapi

import "errors"

// CheckInvariants returns every engine invariant that is broken now (see
// sim.Engine.CheckInvariants) and, with Options.CheckInvariants, every one
// found broken after a step so far; nil when the state was always
// consistent. A violation is a holdlab bug: please report it with the
// trace.
func (f *Fake) CheckInvariants() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	return errors.Join(f.eng.Violations(), f.eng.CheckInvariants())
}
