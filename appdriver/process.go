package appdriver

import (
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"os"
	"os/exec"
	"slices"
	"strings"
	"sync"
	"time"
)

// ErrNotReady marks an app that could not be started, or never became
// ready in time: nothing can run against it.
var ErrNotReady = errors.New("the app is not ready")

// Process is an app holdlab started (Spec.Start).
type Process struct {
	cmd  *exec.Cmd
	tail *tailWriter
	done chan struct{}
	err  error // how it exited; set before done closes
}

// Environ is the app's environment: holdlab's own, then vars (holdlab's
// variables), then the spec's env, whose values may use both ("${VAR}").
func Environ(spec *Spec, vars map[string]string) []string {
	env := map[string]string{}
	for _, kv := range os.Environ() {
		if k, v, ok := strings.Cut(kv, "="); ok {
			env[k] = v
		}
	}
	maps.Copy(env, vars)
	lookup := func(k string) string { return env[k] }
	extra := map[string]string{}
	for k, v := range spec.Env {
		extra[k] = os.Expand(v, lookup)
	}
	maps.Copy(env, extra)
	out := make([]string, 0, len(env))
	for _, k := range slices.Sorted(maps.Keys(env)) {
		out = append(out, k+"="+env[k])
	}
	return out
}

// Start runs the app's start command (sh -c) in its folder with env, in
// a process group of its own so that Stop reaches its children. Its
// output goes to log (may be nil), and its last lines are kept for error
// messages.
func Start(spec *Spec, env []string, log io.Writer) (*Process, error) {
	if spec.Start == "" {
		return nil, errors.New("appdriver: the app has no start command")
	}
	tail := &tailWriter{max: 40}
	var out io.Writer = tail
	if log != nil {
		out = io.MultiWriter(tail, log)
	}
	cmd := exec.Command("sh", "-c", spec.Start)
	cmd.Dir, cmd.Env, cmd.Stdout, cmd.Stderr = spec.Dir, env, out, out
	setProcessGroup(cmd)
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start the app (%s, in %s): %w: %w", spec.Start, spec.Dir, err, ErrNotReady)
	}
	p := &Process{cmd: cmd, tail: tail, done: make(chan struct{})}
	go func() {
		p.err = cmd.Wait()
		close(p.done)
	}()
	return p, nil
}

// Exited reports whether the app has exited, and how.
func (p *Process) Exited() (bool, error) {
	select {
	case <-p.done:
		return true, p.err
	default:
		return false, nil
	}
}

// Output returns the app's last lines of output.
func (p *Process) Output() string { return p.tail.String() }

// Stop ends the app: SIGTERM to its process group, then, after timeout,
// SIGKILL. It returns once the app has exited (bounded by timeout and a
// moment more after the kill).
func (p *Process) Stop(timeout time.Duration) error {
	if done, _ := p.Exited(); done {
		return nil
	}
	_ = signalGroup(p.cmd, false)
	t := time.NewTimer(timeout)
	defer t.Stop()
	select {
	case <-p.done:
		return nil
	case <-t.C:
	}
	_ = signalGroup(p.cmd, true)
	t.Reset(5 * time.Second)
	select {
	case <-p.done:
		return fmt.Errorf("the app did not exit within %s of SIGTERM: killed", timeout)
	case <-t.C:
		return fmt.Errorf("the app did not exit within %s of SIGTERM, nor after SIGKILL", timeout)
	}
}

// WaitReady waits until the app answers: Spec.Ready with a 2xx status, or
// any HTTP answer at its base URL when Ready is not set. It polls every
// 100ms for at most Spec.ReadyTimeout; a started app (p, may be nil) that
// exits meanwhile ends the wait. Errors wrap ErrNotReady and say why, with
// the app's last output.
func WaitReady(ctx context.Context, spec *Spec, p *Process) error {
	timeout := spec.ReadyTimeout.Or(30 * time.Second)
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	hc := &http.Client{
		Timeout:       2 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	target := spec.BaseURL + spec.Ready
	if spec.Ready == "" {
		target = spec.BaseURL + "/"
	}
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	last := "no answer yet"
	for {
		if p != nil {
			if done, err := p.Exited(); done {
				how := "exited"
				if err != nil {
					how = err.Error()
				}
				return fmt.Errorf("the app (%s) stopped before it was ready: %s%s: %w", spec.Start, how, p.outputNote(), ErrNotReady)
			}
		}
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, target, nil)
		if err != nil {
			return fmt.Errorf("ready: %w: %w", err, ErrNotReady)
		}
		resp, err := hc.Do(req)
		if err == nil {
			_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<16))
			resp.Body.Close()
			if spec.Ready == "" || (resp.StatusCode >= 200 && resp.StatusCode < 300) {
				return nil
			}
			last = fmt.Sprintf("GET %s answered %d", target, resp.StatusCode)
		} else if ctx.Err() == nil || last == "no answer yet" {
			last = err.Error() // not the deadline cutting the last try short
		}
		select {
		case <-ctx.Done():
			if err := context.Cause(ctx); errors.Is(err, context.Canceled) {
				return err
			}
			what := "answered at " + target
			if spec.Ready != "" {
				what = "answered GET " + target + " with a 2xx status"
			}
			note := ""
			if p != nil {
				note = p.outputNote()
			}
			return fmt.Errorf("the app never %s within %s (last: %s)%s: %w", what, timeout, last, note, ErrNotReady)
		case <-tick.C:
		}
	}
}

// outputNote is the app's last output, for an error message.
func (p *Process) outputNote() string {
	out := strings.TrimRight(p.Output(), "\n")
	if out == "" {
		return "; it printed nothing"
	}
	return "; its last output:\n" + out
}

// tailWriter keeps the last max lines written to it.
type tailWriter struct {
	mu      sync.Mutex
	max     int
	lines   []string
	partial string
}

func (t *tailWriter) Write(b []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	s := t.partial + string(b)
	parts := strings.Split(s, "\n")
	t.partial = parts[len(parts)-1]
	for _, line := range parts[:len(parts)-1] {
		t.lines = append(t.lines, line)
		if len(t.lines) > t.max {
			t.lines = t.lines[1:]
		}
	}
	return len(b), nil
}

func (t *tailWriter) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	out := strings.Join(t.lines, "\n")
	if t.partial != "" {
		if out != "" {
			out += "\n"
		}
		out += t.partial
	}
	if out != "" {
		out += "\n"
	}
	return out
}
