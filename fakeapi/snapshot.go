package fakeapi

import (
	"fmt"

	"github.com/holdlab/holdlab/fakeapi/sim"
)

// Snapshot returns the fake's persistent records (see sim.Snapshot): what
// `holdlab serve --state` writes.
func (f *Fake) Snapshot() *sim.Snapshot {
	var s *sim.Snapshot
	f.View(func(e *sim.Engine) { s = e.Snapshot() })
	return s
}

// Restore loads a snapshot into a fake that has no records yet, and whose
// clock is not before the snapshot's (start it with Options.Start at or
// after s.Now). Live calls and conferences come back ended, with a trace
// entry naming source (see sim.Engine.RestoreSnapshot).
func (f *Fake) Restore(s *sim.Snapshot, source string) error {
	if err := f.Do(func(e *sim.Engine) error { return e.RestoreSnapshot(s, source) }); err != nil {
		return fmt.Errorf("fakeapi: %w", err)
	}
	return nil
}
