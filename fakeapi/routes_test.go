package fakeapi_test

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/holdlab/holdlab/fakeapi"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// The routes the fake serves, REST and control API, are a contract with
// every client: the list in testdata/routes.golden changes only on purpose
// (go test -run TestRoutes -update).
func TestRoutes(t *testing.T) {
	f := newFake(t, fakeapi.Options{})
	got := strings.Join(f.Routes(), "\n") + "\n"
	golden := filepath.Join("testdata", "routes.golden")
	if *update {
		if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if got != string(want) {
		t.Errorf("Routes() changed:\n got:\n%s\nwant:\n%s", got, want)
	}
	// Another fake serves the same routes, from the same table.
	g := newFake(t, fakeapi.Options{})
	if again := strings.Join(g.Routes(), "\n") + "\n"; again != got {
		t.Errorf("a second fake serves other routes:\n%s", again)
	}
}
