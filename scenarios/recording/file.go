package recording

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// Header says which scenario run a recording is of.
type Header struct {
	// Format is the file format's version.
	Format   int    `json:"holdlab_recording"`
	Run      string `json:"run"` // strategy name, or "platform"
	Feature  string `json:"feature"`
	Scenario string `json:"scenario"`
	// Target is "fake" or "twilio"; Outcome the scenario's result there.
	// Neither is compared by Diff.
	Target  string `json:"target"`
	Outcome string `json:"outcome"`
}

// Recording is one scenario run's story.
type Recording struct {
	Header
	Events []Event
}

// Key identifies a scenario run across recordings: run / feature / scenario.
func (r Recording) Key() string { return r.Run + " / " + r.Feature + " / " + r.Scenario }

// FormatVersion is the version Write writes.
const FormatVersion = 1

// FileName is where a scenario run's recording goes inside a recording
// folder: <run>/<feature>--<scenario>.jsonl, with names made safe for
// file systems.
func FileName(run, feature, scenario string) string {
	feature = strings.TrimSuffix(filepath.Base(feature), ".feature")
	return filepath.Join(Slug(run), Slug(feature)+"--"+Slug(scenario)+".jsonl")
}

// Slug makes a name safe for a file name: lower-case letters, digits and
// dashes.
func Slug(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(s) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9', r == '_':
			b.WriteRune(r)
			dash = false
		case !dash && b.Len() > 0:
			b.WriteByte('-')
			dash = true
		}
	}
	out := strings.TrimSuffix(b.String(), "-")
	if len(out) > 80 {
		out = strings.TrimSuffix(out[:80], "-")
	}
	if out == "" {
		out = "unnamed"
	}
	return out
}

// Encode writes a recording as JSON Lines: the header, then one event per
// line, so that a recording diffs well in version control.
func (r Recording) Encode(w io.Writer) error {
	r.Format = FormatVersion
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(r.Header); err != nil {
		return fmt.Errorf("recording: %w", err)
	}
	for _, e := range r.Events {
		if err := enc.Encode(e); err != nil {
			return fmt.Errorf("recording: %w", err)
		}
	}
	return nil
}

// Decode reads a recording written by Encode.
func Decode(rd io.Reader) (Recording, error) {
	sc := bufio.NewScanner(rd)
	sc.Buffer(make([]byte, 0, 64<<10), 4<<20)
	var rec Recording
	line := 0
	for sc.Scan() {
		line++
		if strings.TrimSpace(sc.Text()) == "" {
			continue
		}
		if line == 1 {
			if err := json.Unmarshal(sc.Bytes(), &rec.Header); err != nil {
				return rec, fmt.Errorf("recording: header: %w", err)
			}
			if rec.Format != FormatVersion {
				return rec, fmt.Errorf("recording: format %d, want %d", rec.Format, FormatVersion)
			}
			continue
		}
		var e Event
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			return rec, fmt.Errorf("recording: line %d: %w", line, err)
		}
		rec.Events = append(rec.Events, e)
	}
	if err := sc.Err(); err != nil {
		return rec, fmt.Errorf("recording: %w", err)
	}
	if line == 0 {
		return rec, errors.New("recording: empty file")
	}
	return rec, nil
}

// WriteFile writes the recording to its file under dir. If that file was
// already written in this run (two scenarios with the same name), taken
// says so and a numbered name is used.
func (r Recording) WriteFile(dir string, taken map[string]bool) (string, error) {
	name := FileName(r.Run, r.Feature, r.Scenario)
	for i := 2; taken[name]; i++ {
		name = strings.TrimSuffix(FileName(r.Run, r.Feature, r.Scenario), ".jsonl") + fmt.Sprintf("-%d.jsonl", i)
	}
	if taken != nil {
		taken[name] = true
	}
	path := filepath.Join(dir, name)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return "", fmt.Errorf("recording: %w", err)
	}
	f, err := os.Create(path)
	if err != nil {
		return "", fmt.Errorf("recording: %w", err)
	}
	if err := r.Encode(f); err != nil {
		f.Close()
		return "", err
	}
	if err := f.Close(); err != nil {
		return "", fmt.Errorf("recording: %w", err)
	}
	return path, nil
}

// ReadDir reads every recording (*.jsonl) under dir, by Key. Recordings
// with the same key (two scenarios of the same name) get numbered keys, in
// file name order, as WriteFile numbers their files.
func ReadDir(dir string) (map[string]Recording, error) {
	out := map[string]Recording{}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() || !strings.HasSuffix(path, ".jsonl") {
			return nil
		}
		f, err := os.Open(path)
		if err != nil {
			return err
		}
		defer f.Close()
		rec, err := Decode(f)
		if err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		key := rec.Key()
		for i := 2; ; i++ {
			if _, dup := out[key]; !dup {
				break
			}
			key = fmt.Sprintf("%s (%d)", rec.Key(), i)
		}
		out[key] = rec
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("recording: read %s: %w", dir, err)
	}
	return out, nil
}

// Keys returns a map's keys, sorted.
func Keys(m map[string]Recording) []string { return slices.Sorted(maps.Keys(m)) }
