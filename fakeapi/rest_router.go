package fakeapi

import (
	"net/http"
	"strings"
)

// The REST routes' own matcher. ServeMux matches a REST request in about a
// microsecond and three allocations (its wildcards' values); matchREST
// finds the same route and values with neither, for the requests clients
// send: GET, POST or DELETE of a clean path without escapes under
// /2010-04-01/Accounts/{AccountSid}/. Anything else, a miss included, goes
// to ServeMux, which answers it as before (TestMatchRESTAgreesWithServeMux).

// restRequest is a REST request and where its path's wildcards' values
// are: found by matchREST, or left to the request (ServeMux's).
type restRequest struct {
	*http.Request
	matched bool // by matchREST: the values are below
	// account is {AccountSid}, file is {file}, parent the other wildcard
	// ({CallSid}, {ConferenceSid} or {QueueSid}), named parentName.
	account, parent, file, parentName string
}

// PathValue returns the value of the wildcard name of the route's
// pattern, as http.Request's does.
func (r restRequest) PathValue(name string) string {
	if !r.matched {
		return r.Request.PathValue(name)
	}
	switch name {
	case "AccountSid":
		return r.account
	case "file":
		return r.file
	case r.parentName:
		return r.parent
	}
	return ""
}

// restRoute is a REST route as matchREST matches it.
type restRoute struct {
	pattern, method string
	// segs are the pattern's segments after the account's: a literal, or
	// "" for a wildcard, whose name is in names.
	segs, names []string
	parentName  string // the wildcard's other than {file}, if any
	h           restHandler
}

// restAccountPrefix starts every REST pattern; the account's SID follows.
const restAccountPrefix = "/2010-04-01/Accounts/"

// restRoutes are the REST routes by the first segment after the account's
// ("Calls", "Calls.json", ...), built with the shared ServeMux.
var restRoutes map[string][]restRoute

// addRESTRoute records a REST route for matchREST: its pattern (without
// the method) is "/2010-04-01/Accounts/{AccountSid}/…", each later segment
// a literal or a whole-segment wildcard.
func addRESTRoute(method, pattern string, h restHandler) {
	rest, ok := strings.CutPrefix(pattern, restAccountPrefix+"{AccountSid}/")
	if !ok {
		panic("fakeapi: REST pattern " + pattern + " is not under " + restAccountPrefix + "{AccountSid}/")
	}
	rt := restRoute{pattern: method + " " + pattern, method: method, h: h}
	for _, seg := range strings.Split(rest, "/") {
		name := ""
		if n, ok := strings.CutPrefix(seg, "{"); ok {
			name, seg = strings.TrimSuffix(n, "}"), ""
			if name != "file" {
				if rt.parentName != "" {
					panic("fakeapi: REST pattern " + pattern + " has more wildcards than matchREST knows")
				}
				rt.parentName = name
			}
		}
		rt.segs, rt.names = append(rt.segs, seg), append(rt.names, name)
	}
	if restRoutes == nil {
		restRoutes = map[string][]restRoute{}
	}
	restRoutes[rt.segs[0]] = append(restRoutes[rt.segs[0]], rt)
}

// matchREST finds r's REST route and its wildcards' values; ok is false
// when ServeMux is to route r. r's path must be clean (see routes).
func matchREST(r *http.Request) (h restHandler, rr restRequest, ok bool) {
	rt, rr, ok := findREST(r)
	if !ok {
		return nil, rr, false
	}
	return rt.h, rr, true
}

// findREST is matchREST, returning the route.
func findREST(r *http.Request) (_ *restRoute, rr restRequest, ok bool) {
	switch r.Method {
	case http.MethodGet, http.MethodPost, http.MethodDelete:
	default:
		return nil, rr, false // HEAD matches GET's routes: ServeMux's to say
	}
	if r.URL.RawPath != "" {
		return nil, rr, false // escapes in the path: ServeMux unescapes each segment
	}
	rest, ok := strings.CutPrefix(r.URL.Path, restAccountPrefix)
	if !ok {
		return nil, rr, false
	}
	account, rest, ok := strings.Cut(rest, "/")
	if !ok || account == "" {
		return nil, rr, false
	}
	first, _, _ := strings.Cut(rest, "/")
	routes := restRoutes[first]
	for i := range routes {
		rt := &routes[i]
		if rt.method != r.Method {
			continue
		}
		if parent, file, ok := rt.match(rest); ok {
			return rt, restRequest{Request: r, matched: true, account: account, parent: parent, file: file, parentName: rt.parentName}, true
		}
	}
	return nil, rr, false
}

// match matches path, the part after the account's segment, against the
// route's segments, returning its wildcards' values.
func (rt *restRoute) match(path string) (parent, file string, ok bool) {
	for i, lit := range rt.segs {
		seg, rest, more := strings.Cut(path, "/")
		if more != (i < len(rt.segs)-1) {
			return "", "", false // fewer or more segments
		}
		switch {
		case lit != "":
			if seg != lit {
				return "", "", false
			}
		case seg == "":
			return "", "", false // a wildcard matches a non-empty segment
		case rt.names[i] == "file":
			file = seg
		default:
			parent = seg
		}
		path = rest
	}
	return parent, file, true
}
