// Package inspector is holdlab's live inspector: a web page, served by
// `holdlab serve` at /holdlab/ui/, that shows every call leg, conference
// and queue of the fake, what each party hears, the trace and the
// session's timeline as they change, and acts on the fake through its
// control API and REST API.
//
// The page is self-contained: its HTML, CSS and JavaScript are embedded in
// the binary (ui/), with no library and no build step. It follows the fake
// through the event stream, GET /holdlab/events (fakeapi's
// control_events.go): the trace's entries and the live picture as they
// change, with no polling. The timeline is the one `holdlab run
// --timeline` draws (package timeline), rendered by the server as SVG
// from the fake's trace and fetched again when the page is told of a
// change.
package inspector
