package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// repoPath matches a path into the repository as the docs write it in
// backquotes or link targets: it starts with one of the project's top-level
// folders.
var repoPath = regexp.MustCompile("(?:`|\\]\\()((?:fakeapi|scenarios|strategies|features|cmd|examples|docs|\\.ci)/[A-Za-z0-9_./<>-]*)")

// TestDocPathsExist checks that every file or folder the contributor's map
// and the README point at exists, so the map stays right as files move.
func TestDocPathsExist(t *testing.T) {
	for _, doc := range []string{"CONTRIBUTING.md", "README.md"} {
		body, err := os.ReadFile(filepath.Join("..", "..", doc))
		if err != nil {
			t.Fatal(err)
		}
		seen := 0
		for _, m := range repoPath.FindAllStringSubmatch(string(body), -1) {
			p := strings.TrimRight(m[1], ".")
			if strings.ContainsAny(p, "*<") { // a pattern such as api_<resource>.go
				continue
			}
			seen++
			if _, err := os.Stat(filepath.Join("..", "..", filepath.FromSlash(p))); err != nil {
				t.Errorf("%s names %s, which does not exist", doc, p)
			}
		}
		if seen == 0 {
			t.Errorf("%s names no repository path; the pattern no longer matches how the docs write them", doc)
		}
	}
}
