package fakeapi

import (
	"context"
	"net/http"
	"strings"
	"sync"
)

// routeMux collects a fake's routes: Handle records each pattern and its
// handler, in order. The patterns are matched by an http.ServeMux shared by
// every fake with the same patterns (in practice, all of them): ServeMux
// registration is slow (each pattern records its caller's source line with
// runtime.Caller and is checked against the others), about 130 µs for the
// fake's routes, more than the engine's work in a whole hold scenario. The
// shared ServeMux maps pattern i to a stub that calls the requesting fake's
// i-th handler, which ServeHTTP puts in the request's context.
type routeMux struct {
	patterns []string
	handlers []http.Handler
	shared   *http.ServeMux // matches patterns; set by the first request or Handler call
	once     sync.Once
}

func newRouteMux() *routeMux { return &routeMux{} }

// Handle registers h for pattern, as http.ServeMux.Handle does. All routes
// must be registered before the first request.
func (m *routeMux) Handle(pattern string, h http.Handler) {
	m.patterns = append(m.patterns, pattern)
	m.handlers = append(m.handlers, h)
}

// routeHandlersKey is the context key of the requesting fake's handlers.
type routeHandlersKey struct{}

// ServeHTTP dispatches r to the handler registered for the pattern it
// matches, as http.ServeMux does (path values included).
func (m *routeMux) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	r = r.WithContext(context.WithValue(r.Context(), routeHandlersKey{}, m.handlers))
	m.mux().ServeHTTP(w, r)
}

// Handler returns the handler and pattern r would be served by, as
// http.ServeMux.Handler does (the handler is the shared stub).
func (m *routeMux) Handler(r *http.Request) (http.Handler, string) {
	return m.mux().Handler(r)
}

func (m *routeMux) mux() *http.ServeMux {
	m.once.Do(func() { m.shared = sharedMux(m.patterns) })
	return m.shared
}

// sharedMuxes holds one ServeMux per list of patterns.
var sharedMuxes = struct {
	sync.Mutex
	byPatterns map[string]*http.ServeMux
}{byPatterns: map[string]*http.ServeMux{}}

// sharedMux returns the ServeMux that matches patterns, building it the
// first time: pattern i is served by the requesting fake's handler i.
func sharedMux(patterns []string) *http.ServeMux {
	key := strings.Join(patterns, "\n")
	sharedMuxes.Lock()
	defer sharedMuxes.Unlock()
	if mux, ok := sharedMuxes.byPatterns[key]; ok {
		return mux
	}
	mux := http.NewServeMux()
	for i, p := range patterns {
		mux.Handle(p, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			r.Context().Value(routeHandlersKey{}).([]http.Handler)[i].ServeHTTP(w, r)
		}))
	}
	sharedMuxes.byPatterns[key] = mux
	return mux
}
