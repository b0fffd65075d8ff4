package fakeapi

import (
	"crypto/subtle"
	"errors"
	"net/http"
	"net/url"
	"path"
	"strings"
	"sync"

	"github.com/holdlab/holdlab/fakeapi/sim"
	"github.com/holdlab/holdlab/fakeapi/wire"
)

// How the fake serves its route table (routes.go): every request is
// authenticated, then the injected faults apply (faults.go), then the
// shared ServeMux finds its route.

// maxRequestBody bounds a request body, REST or control API; a larger one
// is refused, not buffered.
const maxRequestBody = 64 << 10

// route is one entry of the route table: a ServeMux pattern and how a fake
// serves it.
type route struct {
	pattern string
	serve   func(f *Fake, w http.ResponseWriter, r *http.Request)
	// A REST route's method, path and handler, for matchREST.
	method, path string
	rest         restHandler
}

// restHandler is a REST resource's handler (rest_*.go): form is the
// request's parsed query and body; a returned error is answered as
// Twilio's error body.
type restHandler func(f *Fake, w http.ResponseWriter, r restRequest, form url.Values) error

// controlHandler is a control API handler (control.go): it reads its JSON
// body itself; a returned error is answered as Twilio's error body.
type controlHandler func(f *Fake, w http.ResponseWriter, r *http.Request) error

// rest is a route of Twilio's REST API.
func rest(method, path string, h restHandler) route {
	return route{pattern: method + " " + path, method: method, path: path, rest: h,
		serve: func(f *Fake, w http.ResponseWriter, r *http.Request) { f.serveREST(w, restRequest{Request: r}, h) }}
}

// control is a route of holdlab's control API.
func control(method, path string, h controlHandler) route {
	return route{pattern: method + " " + path, serve: func(f *Fake, w http.ResponseWriter, r *http.Request) { f.serveControl(w, r, h) }}
}

// router matches requests against the route table with one http.ServeMux
// per process, built on first use and shared by every fake: ServeMux
// registration is slow (each pattern records its caller's source line with
// runtime.Caller and is checked against the others), about 130 µs for the
// fake's routes, more than the engine's work in a whole hold scenario.
// Pattern i is served by a stub that calls routes[i].serve with the
// requesting fake, which the fake's handler wraps around the ResponseWriter
// (fakeWriter).
var router struct {
	once   sync.Once
	routes []route
	mux    *http.ServeMux
}

// fakeWriter carries the fake a request is for to the shared ServeMux's
// stubs, which hand the route the ResponseWriter it wraps: cheaper than a
// context value, which costs a copy of the request.
type fakeWriter struct {
	http.ResponseWriter
	f *Fake
}

// sharedMux returns the process's ServeMux, building it the first time.
func sharedMux() *http.ServeMux {
	router.once.Do(func() {
		router.routes = routeTable()
		router.mux = http.NewServeMux()
		for i := range router.routes {
			if rt := router.routes[i]; rt.rest != nil {
				addRESTRoute(rt.method, rt.path, rt.rest)
			}
			router.mux.Handle(router.routes[i].pattern, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				fw := w.(*fakeWriter)
				router.routes[i].serve(fw.f, fw.ResponseWriter, r)
			}))
		}
	})
	return router.mux
}

// Routes returns the ServeMux patterns the fake's Handler serves, in the
// order of its route table: "POST /2010-04-01/Accounts/{AccountSid}/Calls.json",
// …, the control API's, and "/" (anything else: 404 / 20404). Every one
// requires the account's credentials or one of its API keys.
func (f *Fake) Routes() []string {
	sharedMux()
	out := make([]string, len(router.routes))
	for i, rt := range router.routes {
		out[i] = rt.pattern
	}
	return out
}

// routes builds the fake's HTTP face. Go's ServeMux cannot match
// "{Sid}.json", so resource paths match the whole last segment ({file}) and
// strip ".json" (see resourceSid).
func (f *Fake) routes() http.Handler { return (*fakeHandler)(f) }

// fakeHandler is a fake as its HTTP face. Every request needs the
// account's credentials, whatever its path or method, checked here once
// for every route; then injected faults apply (serveFaulty), then the
// request goes to its route (dispatch). The fake is the handler itself,
// so that a new fake allocates no chain of handlers.
type fakeHandler Fake

func (h *fakeHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f := (*Fake)(h)
	r, ok := f.authorize(r)
	if !ok {
		unauthorized(w)
		return
	}
	f.serveFaulty(w, r, (*dispatcher)(f))
}

// dispatcher is a fake as the handler that sends a request to its route.
type dispatcher Fake

func (d *dispatcher) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f := (*Fake)(d)
	if !isClean(r.URL.Path) && r.URL.Path != cleanPath(r.URL.Path) {
		// ServeMux would redirect to the clean path with an HTML
		// body; Twilio knows no such resource.
		wire.WriteError(w, wire.NotFound(r.URL.Path))
		return
	}
	mux := sharedMux()
	if h, rr, ok := matchREST(r); ok {
		f.serveREST(w, rr, h)
		return
	}
	mux.ServeHTTP(&fakeWriter{w, f}, r)
}

// serveREST serves a REST route: the account in the path, the form, and
// rendering of errors. (Authentication wraps every route, in routes.)
func (f *Fake) serveREST(w http.ResponseWriter, r restRequest, h restHandler) {
	if r.PathValue("AccountSid") != f.opts.AccountSid {
		// UNCONFIRMED: Twilio's answer for another account's SID in the
		// path; holdlab answers as for any unknown resource.
		wire.WriteError(w, wire.NotFound(r.URL.Path))
		return
	}
	form, err := wire.ParseForm(r.Request, maxRequestBody)
	if err != nil {
		wire.WriteError(w, err)
		return
	}
	if err := h(f, w, r, form); err != nil {
		wire.WriteError(w, toWire(err))
	}
}

// serveControl serves a control API route: the body's size limit and
// rendering of errors. (Authentication wraps every route, in routes.)
func (f *Fake) serveControl(w http.ResponseWriter, r *http.Request, h controlHandler) {
	if r.ContentLength > maxRequestBody {
		// Refused before a byte is read; without a length, reading stops
		// at the limit.
		wire.WriteError(w, wire.RequestTooLarge(maxRequestBody))
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxRequestBody)
	if err := h(f, w, r); err != nil {
		wire.WriteError(w, toWire(err))
	}
}

// toWire turns an engine error into Twilio's wire error.
func toWire(err error) error {
	var se *sim.Error
	if errors.As(err, &se) {
		return &wire.Error{Status: se.Status, Code: se.Code, Message: se.Message}
	}
	return err
}

// authenticated requires the account's credentials or one of its API keys
// (HTTP Basic; keys.go), answering 401 / 20003 otherwise.
func (f *Fake) authenticated(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r, ok := f.authorize(r)
		if !ok {
			unauthorized(w)
			return
		}
		h.ServeHTTP(w, r)
	})
}

// unauthorized answers 401 / 20003 with Twilio's Basic challenge.
func unauthorized(w http.ResponseWriter) {
	w.Header().Set("WWW-Authenticate", `Basic realm="Twilio API"`)
	wire.WriteError(w, wire.Unauthorized())
}

func equal(a, b string) bool { return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1 }

// unrouted answers the requests no other route takes: 405 / 20004 with an
// Allow header when the path is served for other methods (the catch-all
// "/" matches every method, so ServeMux never answers 405 itself), else
// 404 / 20404.
func unrouted(_ *Fake, w http.ResponseWriter, r *http.Request) {
	var allow []string
	for _, method := range []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodDelete} {
		probe := r.Clone(r.Context())
		probe.Method = method
		if _, pattern := router.mux.Handler(probe); pattern != "" && pattern != "/" {
			allow = append(allow, method)
		}
	}
	if len(allow) > 0 {
		w.Header().Set("Allow", strings.Join(allow, ", "))
		wire.WriteError(w, wire.MethodNotAllowed())
		return
	}
	wire.WriteError(w, wire.NotFound(r.URL.Path))
}

// isClean reports, faster than cleanPath, that p is clean (p ==
// cleanPath(p)) for the paths clients send: rooted, with no empty, "." or
// ".." segment. false means "maybe not": ask cleanPath.
func isClean(p string) bool {
	if p == "" || p[0] != '/' {
		return false
	}
	start := 1 // of the segment ending at i
	for i := 1; i <= len(p); i++ {
		if i < len(p) && p[i] != '/' {
			continue
		}
		switch p[start:i] {
		case ".", "..":
			return false
		case "":
			if i < len(p) { // "//"; a final "/" is kept
				return false
			}
		}
		start = i + 1
	}
	return true
}

// cleanPath is the path ServeMux would redirect p to: rooted, without "."
// or ".." segments or doubled slashes, keeping a final slash.
func cleanPath(p string) string {
	if p == "" {
		return "/"
	}
	if p[0] != '/' {
		p = "/" + p
	}
	np := path.Clean(p)
	if p[len(p)-1] == '/' && np != "/" {
		np += "/"
	}
	return np
}
