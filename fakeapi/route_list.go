package fakeapi

import (
	"net/http"
	"slices"
	"strings"

	"github.com/holdlab/holdlab/fakeapi/wire"
)

// routeMux (route_table.go) remembers its patterns, so that the fake can
// list what it serves (Routes) and tests can walk every route.

// Routes returns the ServeMux patterns the fake's Handler serves, in the
// order they were registered: "POST /2010-04-01/Accounts/{AccountSid}/Calls.json",
// …, the control API's, and "/" (anything else: 404 / 20404). Every one
// requires the account's credentials.
func (f *Fake) Routes() []string { return slices.Clone(f.routeList) }

// unrouted answers the requests no other pattern of m takes: 405 / 20004
// with an Allow header when the path is served for other methods (the
// catch-all "/" matches every method, so ServeMux never answers 405
// itself), else 404 / 20404.
func unrouted(m *routeMux) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var allow []string
		for _, method := range []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodDelete} {
			probe := r.Clone(r.Context())
			probe.Method = method
			if _, pattern := m.Handler(probe); pattern != "" && pattern != "/" {
				allow = append(allow, method)
			}
		}
		if len(allow) > 0 {
			w.Header().Set("Allow", strings.Join(allow, ", "))
			wire.WriteError(w, wire.MethodNotAllowed())
			return
		}
		wire.WriteError(w, wire.NotFound(r.URL.Path))
	})
}
