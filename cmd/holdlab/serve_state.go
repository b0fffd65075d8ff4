package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/holdlab/holdlab/fakeapi"
	"github.com/holdlab/holdlab/fakeapi/sim"
)

// `holdlab serve --state FILE`: the fake's persistent records (a
// sim.Snapshot, as JSON) are read from FILE at start, and written to it
// every stateInterval and when serve stops. Each write goes to a temporary
// file in the same directory, then renames it over FILE, so that FILE is
// always a whole snapshot, the old one or the new.

// stateFile is a state read at start.
type stateFile struct {
	snap *sim.Snapshot
}

// loadState reads the state at path: nil (and no error) when path is ""
// or no file is there yet. A file that is there but cannot be read as a
// snapshot is an error: serve refuses to start rather than overwrite it.
func loadState(path string) (*stateFile, error) {
	if path == "" {
		return nil, nil
	}
	raw, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("state: %w", err)
	}
	var head struct {
		Version int `json:"version"`
	}
	if err := json.Unmarshal(raw, &head); err != nil {
		return nil, fmt.Errorf("state %s is not a holdlab state file: %w", path, err)
	}
	if head.Version != sim.SnapshotVersion {
		return nil, fmt.Errorf("state %s has format version %d; this holdlab reads version %d", path, head.Version, sim.SnapshotVersion)
	}
	var s sim.Snapshot
	if err := json.Unmarshal(raw, &s); err != nil {
		return nil, fmt.Errorf("state %s: %w", path, err)
	}
	return &stateFile{snap: &s}, nil
}

// resumeAt is the virtual time a fake restoring st starts at: where the
// saved clock stopped, or with the real clock the wall clock's now if that
// is later (the restored records never lie in the future).
func (st *stateFile) resumeAt(mode fakeapi.ClockMode) time.Time {
	at := st.snap.Now
	if now := time.Now(); mode != fakeapi.ClockManual && now.After(at) {
		at = now
	}
	return at
}

// summary says what was restored, for the start-up banner.
func (st *stateFile) summary() string {
	if st == nil {
		return "no file yet: nothing restored"
	}
	s := st.snap
	return fmt.Sprintf("restored calls: %d, numbers: %d, conferences: %d, queues: %d; clock at %s",
		len(s.Calls), len(s.Numbers), len(s.Conferences), len(s.Queues), s.Now.UTC().Format(time.RFC3339))
}

// saveState writes s to path atomically: a temporary file in the same
// directory, synced, then renamed over path.
func saveState(path string, s *sim.Snapshot) error {
	raw, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return fmt.Errorf("state: %w", err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return fmt.Errorf("state: %w", err)
	}
	defer os.Remove(tmp.Name()) // after a successful rename, there is nothing to remove
	if _, err := tmp.Write(append(raw, '\n')); err != nil {
		tmp.Close()
		return fmt.Errorf("state: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("state: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("state: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("state: %w", err)
	}
	return nil
}

// keepState writes the state of the current fake every cfg.stateInterval
// until ctx ends (serve writes it a last time itself). A failed write is logged; the next may
// work.
func keepState(ctx context.Context, current func() *fakeapi.Fake, cfg serveConfig, log *slog.Logger) {
	if cfg.state == "" {
		return
	}
	every := cfg.stateInterval
	if every <= 0 {
		every = defaultStateInterval
	}
	tick := time.NewTicker(every)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
			if err := saveState(cfg.state, current().Snapshot()); err != nil {
				log.Error("could not write the state", "file", cfg.state, "err", err)
				continue
			}
			log.Debug("state written", "file", cfg.state)
		}
	}
}
