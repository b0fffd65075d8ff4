//go:build unix

package appdriver

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestHelperApp is not a test: it is the app the process tests start (this
// test binary, run again with HOLDLAB_HELPER_APP set), serving /healthz
// on $PORT until SIGTERM.
func TestHelperApp(t *testing.T) {
	if os.Getenv("HOLDLAB_HELPER_APP") == "" {
		t.Skip("the app of the process tests, not a test")
	}
	stop := make(chan os.Signal, 1)
	if os.Getenv("HOLDLAB_HELPER_IGNORE_TERM") != "" {
		signal.Ignore(syscall.SIGTERM)
	} else {
		signal.Notify(stop, syscall.SIGTERM)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:"+os.Getenv("PORT"))
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/healthz", func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, os.Getenv("GREETING")) })
	go http.Serve(ln, mux)
	fmt.Println("helper app listening")
	<-stop
	os.Exit(0)
}

// freePort returns a port nothing listens on now.
func freePort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return fmt.Sprint(ln.Addr().(*net.TCPAddr).Port)
}

func helperSpec(t *testing.T, start, extra string) (*Spec, []string) {
	t.Helper()
	port := freePort(t)
	s, err := Parse([]byte(fmt.Sprintf("name: helper\nstart: %q\nbase_url: http://127.0.0.1:%s\nvoice_url: /voice\nready: /healthz\nhold: {path: /h}\nunhold: {path: /u}\n%s", start, port, extra)))
	if err != nil {
		t.Fatal(err)
	}
	s.Dir = t.TempDir()
	env := Environ(s, map[string]string{"PORT": port, "HOLDLAB_HELPER_APP": "1", "GREETING": "hi"})
	return s, env
}

// An app holdlab starts: it gets its environment, holdlab waits until it
// is ready, and stops it with SIGTERM.
func TestStartReadyStop(t *testing.T) {
	s, env := helperSpec(t, fmt.Sprintf("exec %q -test.run='^TestHelperApp$'", os.Args[0]), "")
	var log strings.Builder // sh's output and stderr are one writer: one goroutine writes
	p, err := Start(s, env, &log)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Stop(time.Second) })
	if err := WaitReady(t.Context(), s, p); err != nil {
		t.Fatal(err)
	}
	resp, err := http.Get(s.BaseURL + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if err := p.Stop(5 * time.Second); err != nil {
		t.Fatalf("Stop: %v", err)
	}
	if done, _ := p.Exited(); !done {
		t.Error("the app still runs after Stop")
	}
	if !strings.Contains(p.Output(), "helper app listening") || !strings.Contains(log.String(), "helper app listening") {
		t.Errorf("the app's output was not kept (%q) or not logged (%q)", p.Output(), log.String())
	}
}

// An app that cannot start, exits, or never answers is ErrNotReady, with
// why and its last output; one that ignores SIGTERM is killed, in bounded
// time.
func TestNotReady(t *testing.T) {
	for _, tc := range []struct {
		name, start, extra string
		want               []string
	}{
		{"exits", "echo boom >&2; exit 3", "", []string{"stopped before it was ready", "exit status 3", "boom"}},
		{"never ready", "exec sleep 60", "ready_timeout: 300ms", []string{"never answered GET", "within 300ms", "printed nothing"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, env := helperSpec(t, tc.start, tc.extra)
			p, err := Start(s, env, nil)
			if err != nil {
				t.Fatal(err)
			}
			defer p.Stop(time.Second)
			err = WaitReady(t.Context(), s, p)
			if !errors.Is(err, ErrNotReady) {
				t.Fatalf("got %v, want ErrNotReady", err)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("%q does not say %q", err, w)
				}
			}
		})
	}
	t.Run("ignores SIGTERM", func(t *testing.T) {
		s, env := helperSpec(t, fmt.Sprintf("exec %q -test.run='^TestHelperApp$'", os.Args[0]), "env: {HOLDLAB_HELPER_IGNORE_TERM: '1'}")
		p, err := Start(s, env, nil)
		if err != nil {
			t.Fatal(err)
		}
		if err := WaitReady(t.Context(), s, p); err != nil {
			t.Fatal(err)
		}
		start := time.Now()
		err = p.Stop(200 * time.Millisecond)
		if err == nil || !strings.Contains(err.Error(), "killed") {
			t.Errorf("Stop = %v, want it killed", err)
		}
		if d := time.Since(start); d > 5*time.Second {
			t.Errorf("Stop took %s", d)
		}
	})
}

// An app holdlab does not start must already answer at its base URL.
func TestReadyWithoutStart(t *testing.T) {
	s, _ := helperSpec(t, "unused", "ready_timeout: 200ms")
	s.Start = ""
	if err := WaitReady(t.Context(), s, nil); !errors.Is(err, ErrNotReady) || !strings.Contains(err.Error(), "connection refused") {
		t.Errorf("nothing listening: %v", err)
	}
}
