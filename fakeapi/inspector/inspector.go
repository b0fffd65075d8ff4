package inspector

import (
	"bytes"
	"embed"
	"fmt"
	"io/fs"
	"net/http"
	"strings"
	"time"

	"github.com/holdlab/holdlab/fakeapi"
	"github.com/holdlab/holdlab/fakeapi/sim"
	"github.com/holdlab/holdlab/timeline"
)

// Prefix is the path the inspector is served under.
const Prefix = fakeapi.ControlPrefix + "ui/"

//go:embed ui
var assets embed.FS

// Handler serves the inspector under Prefix for the fake that current
// returns (a server that resets its fake swaps it there). It does not
// authenticate: wrap it with the fake's Protect.
func Handler(current func() *fakeapi.Fake) http.Handler {
	sub, err := fs.Sub(assets, "ui")
	if err != nil {
		panic(err) // the embedded tree is part of the binary
	}
	static := http.StripPrefix(Prefix, http.FileServerFS(sub))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		w.Header().Set("Cache-Control", "no-store")
		w.Header().Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'")
		switch {
		case r.URL.Path == strings.TrimSuffix(Prefix, "/"):
			http.Redirect(w, r, Prefix, http.StatusMovedPermanently)
		case r.URL.Path == Prefix+"timeline.svg":
			serveTimeline(w, current())
		default:
			static.ServeHTTP(w, r)
		}
	})
}

// serveTimeline draws the session so far: one lane per leg (oldest
// first) and per room, coloured by what is heard, as `holdlab run
// --timeline` draws a scenario.
func serveTimeline(w http.ResponseWriter, f *fakeapi.Fake) {
	var buf bytes.Buffer
	if err := timeline.SVG(&buf, Timeline(f)); err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "image/svg+xml")
	_, _ = w.Write(buf.Bytes())
}

// maxLegs bounds the legs the live timeline draws: the newest, so that a
// long session's picture stays readable and cheap to draw.
const maxLegs = 24

// Timeline builds the timeline of the fake's session so far from its
// trace and its legs' hearing intervals: every leg, or in a long session
// the newest maxLegs legs and what happened since the oldest of them
// began.
func Timeline(f *fakeapi.Fake) timeline.Timeline {
	in := timeline.Sim{Title: "holdlab serve: this session"}
	var began time.Time
	f.View(func(e *sim.Engine) {
		began, in.Start, in.End = e.Start(), e.Start(), e.Now()
		calls := e.Calls(sim.CallFilter{}) // newest first
		if len(calls) > maxLegs {
			calls = calls[:maxLegs]
			in.Start = calls[len(calls)-1].DateCreated
			in.Title = fmt.Sprintf("holdlab serve: the newest %d call legs", maxLegs)
		}
		for i := len(calls) - 1; i >= 0; i-- {
			c := calls[i]
			ivs, _ := e.Intervals(c.Sid)
			in.Legs = append(in.Legs, timeline.Leg{Sid: c.Sid, Label: c.Label(), Intervals: ivs})
		}
		for _, en := range e.Trace() {
			if !en.At.Before(in.Start) {
				in.Entries = append(in.Entries, en)
			}
		}
	})
	t := timeline.FromSim(in)
	t.Subtitle = "at " + sim.Offset(in.End.Sub(began)) + " (" + in.End.UTC().Format(time.RFC3339) + ")"
	return t
}
