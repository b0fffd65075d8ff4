package scenarios

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// --features: files, folders, file:LINE and the embedded features, in one
// FS whose names are the paths people typed.
func TestFeatureSources(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	write := func(name, text string) {
		if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(name, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	const feature = "Feature: f\n  Scenario: s\n    Given the customer calls the support line\n"
	write("mine/a.feature", feature)
	write("mine/deeper/b.feature", feature)
	write("mine/node_modules/x/c.feature", feature)
	write("one.feature", feature)
	write("notes.txt", "")
	write("features/hold.feature", feature) // not the embedded one
	outside := t.TempDir()
	write(filepath.Join(outside, "o.feature"), feature)

	fsys, paths, err := FeatureSources([]string{"mine", "mine/a.feature:2", "one.feature:2", "builtin", filepath.Join(outside, "o.feature")})
	if err != nil {
		t.Fatal(err)
	}
	outName := strings.TrimPrefix(filepath.ToSlash(filepath.Join(outside, "o.feature")), "/")
	want := []string{"features", "mine", "mine/a.feature:2", outName, "one.feature:2"}
	slices.Sort(want)
	if !slices.Equal(paths, want) {
		t.Errorf("paths %q, want %q", paths, want)
	}
	files, err := featureFiles(fsys)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"mine/a.feature", "mine/deeper/b.feature", "one.feature", "features/hold.feature", outName} {
		if !slices.Contains(files, name) {
			t.Errorf("the FS lacks %s (has %q)", name, files)
		}
	}
	if slices.Contains(files, "mine/node_modules/x/c.feature") {
		t.Error("node_modules was searched")
	}
	if _, err := fs.ReadFile(fsys, "mine/a.feature"); err != nil {
		t.Error(err)
	}
	plan, err := Plan(t.Context(), Config{FS: fsys, Paths: paths, Only: []string{"conference"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(plan) == 0 {
		t.Error("nothing planned")
	}

	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"missing.feature"}, "no such file"},
		{[]string{"notes.txt"}, "not a .feature file"},
		{[]string{"mine:3"}, "needs a file"},
		{[]string{outside + "/nothing"}, "no such file"},
		{[]string{"features", "builtin"}, "both bring a different features/hold.feature"},
	} {
		_, _, err := FeatureSources(tc.args)
		if !errors.Is(err, ErrInput) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: %v, want an input error saying %q", tc.args, err, tc.want)
		}
	}
	empty := filepath.Join(dir, "empty")
	if err := os.Mkdir(empty, 0o755); err != nil {
		t.Fatal(err)
	}
	if _, _, err := FeatureSources([]string{"empty"}); !errors.Is(err, ErrInput) || !strings.Contains(err.Error(), "no .feature file") {
		t.Errorf("an empty folder: %v", err)
	}
}
