package main

import (
	"io"
	"net/http"
	"time"
)

// serveTimeouts bound what a client of `holdlab serve` can hold on to.
type serveTimeouts struct {
	// header bounds reading a request's headers; read, its headers and
	// body (a client that sends its body slowly, or not at all, is cut
	// off).
	header, read time.Duration
	// write bounds each write of an answer: a client that stops reading
	// is cut off. The time a handler takes before it writes is not
	// counted: advancing the clock by hours, or a REST request whose
	// webhooks are slow, may take longer, and streams (GET /holdlab/trace)
	// write for as long as they have entries.
	write time.Duration
	// idle bounds how long a keep-alive connection waits for its next
	// request.
	idle time.Duration
}

// defaultTimeouts are serve's timeouts.
var defaultTimeouts = serveTimeouts{header: 10 * time.Second, read: 30 * time.Second, write: 30 * time.Second, idle: 2 * time.Minute}

// newServer returns serve's HTTP server of h, with timeouts t (zero fields:
// defaultTimeouts).
func newServer(h http.Handler, t serveTimeouts) *http.Server {
	d := defaultTimeouts
	for _, f := range []struct{ v, def *time.Duration }{{&t.header, &d.header}, {&t.read, &d.read}, {&t.write, &d.write}, {&t.idle, &d.idle}} {
		if *f.v <= 0 {
			*f.v = *f.def
		}
	}
	return &http.Server{
		Handler:           deadlines(h, t.write),
		ReadHeaderTimeout: t.header,
		ReadTimeout:       t.read,
		// Also set per write by deadlines; this one covers what the
		// server writes itself (an answer to a malformed request).
		WriteTimeout: t.write,
		IdleTimeout:  t.idle,
	}
}

// deadlines makes the write deadline of each request count per write, and
// lifts the read deadline once the request is read:
//
//   - net/http sets one write deadline when it has read the headers, which
//     would cut a long handler's answer short (a clock advance of hours,
//     a stream). Instead each write gets write to complete, and so does
//     the final flush after the handler returns.
//   - Once the body is read, ReadTimeout's deadline serves nothing, but
//     when it passes, net/http's background read (which watches for the
//     client going away) fails and cancels the request's context: a long
//     handler would stop as if its client had gone. The deadline is
//     lifted when the body ends (at once when there is none); the server
//     sets new ones for the connection's next request.
func deadlines(h http.Handler, write time.Duration) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rc := http.NewResponseController(w)
		_ = rc.SetWriteDeadline(time.Time{})
		lift := func() { _ = rc.SetReadDeadline(time.Time{}) }
		if r.Body == nil || r.Body == http.NoBody {
			lift()
		} else {
			r.Body = &liftAtEOF{ReadCloser: r.Body, lift: lift}
		}
		h.ServeHTTP(&deadlineWriter{ResponseWriter: w, rc: rc, d: write}, r)
		_ = rc.SetWriteDeadline(time.Now().Add(write))
	})
}

// deadlineWriter gives each write of an answer its own deadline.
type deadlineWriter struct {
	http.ResponseWriter
	rc *http.ResponseController
	d  time.Duration
}

func (w *deadlineWriter) extend() { _ = w.rc.SetWriteDeadline(time.Now().Add(w.d)) }

func (w *deadlineWriter) WriteHeader(status int) {
	w.extend()
	w.ResponseWriter.WriteHeader(status)
}

func (w *deadlineWriter) Write(b []byte) (int, error) {
	w.extend()
	return w.ResponseWriter.Write(b)
}

// Flush sends what is buffered, within the deadline.
func (w *deadlineWriter) Flush() {
	w.extend()
	_ = w.rc.Flush()
}

// Unwrap lets http.ResponseController reach the server's writer.
func (w *deadlineWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// liftAtEOF calls lift once its body has been read to the end.
type liftAtEOF struct {
	io.ReadCloser
	lift func()
	done bool
}

func (b *liftAtEOF) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if err == io.EOF && !b.done {
		b.done = true
		b.lift()
	}
	return n, err
}
