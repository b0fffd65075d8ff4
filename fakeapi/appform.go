package fakeapi

import (
	"net/http"
	"net/url"
	"slices"
	"sync"

	"github.com/holdlab/holdlab/fakeapi/webhook"
)

// An app's form, parsed in advance. Most apps call r.ParseForm (or
// FormValue) on every webhook, which decodes the body or query the fake
// has just encoded from the engine's parameters. On the direct path the
// fake sets r.PostForm and r.Form to what ParseForm would make of them,
// from the parameters themselves: ParseForm then has nothing left to do.
// r.Body still holds the whole body, for an app that reads it raw.
//
// It is done only for the apps seen to parse their form (formApps): for
// an app that never does, building the form would be pure cost. What
// differs from net/http, for such an app: after ParseForm the body is
// still there to read, and a handler that reads the body before parsing
// the form gets the whole form where net/http would give an empty one
// (an app that does so on every webhook is never seen to parse its form).

// formApps are the hosts of the in-process apps whose handler has parsed
// its form, as far as the direct path could see: r.Form or r.PostForm set
// when the handler returned. A handler that parses a copy of the request
// (r.WithContext) is not seen, and parses every form itself, as before.
type formApps struct{ hosts sync.Map } // host → struct{}

func (a *formApps) parses(host string) bool {
	_, ok := a.hosts.Load(host)
	return ok
}

// saw records that the app at host got r, with a body of bodyLen bytes,
// parsed or not. An app whose form came out empty from a body that was
// not is not counted: it read the body itself before parsing it, and gets
// an empty form, as it would from Twilio; a form parsed in advance would
// hide that.
func (a *formApps) saw(host string, r *http.Request, bodyLen int) {
	if r.Form == nil && r.PostForm == nil || bodyLen > 0 && len(r.PostForm) == 0 {
		return
	}
	a.hosts.Store(host, struct{}{})
}

// maxFormBody is net/http's limit on a form body it parses (ParseForm
// reports a larger one as an error).
const maxFormBody = 10 << 20

// appForm returns what r.ParseForm sets r.PostForm and r.Form to for the
// request of p, whose parameters are params and whose URL's own query is
// urlQuery: for POST, PostForm is the parameters and Form the parameters
// then the URL query's values; for GET, PostForm is empty and Form the
// URL's query, the parameters appended to it. The values are copies (one
// map each and one array for all their values), so that an app changing
// its form changes nothing of the engine's. ok is false when ParseForm
// would report an error (a malformed URL query, a body over its limit):
// the app's own ParseForm reports it then.
func appForm(p webhook.Prepared, urlQuery string, params url.Values) (postForm, form url.Values, ok bool) {
	var query url.Values
	if urlQuery != "" {
		var err error
		if query, err = url.ParseQuery(urlQuery); err != nil {
			return nil, nil, false
		}
	}
	// The engine's parameters have one value each, and rarely a key
	// without a value: len(params) is the number of keys and of values,
	// without counting them (if there are more, vals grows, or a key of
	// several values gets its own).
	keys := len(params)
	// Every value slice has its length as its capacity, so that appending
	// to it (url.Values.Add) copies it and never overwrites its neighbour.
	if p.Method == http.MethodGet {
		form = query
		if form == nil {
			form = make(url.Values, keys)
		}
		vals := make([]string, 0, keys)
		for k, vs := range params {
			if len(vs) == 0 {
				continue
			}
			if prev, dup := form[k]; dup {
				form[k] = append(prev, vs...) // the query's own slice
				continue
			}
			n := len(vals)
			vals = append(vals, vs...)
			form[k] = vals[n:len(vals):len(vals)]
		}
		return url.Values{}, form, true
	}
	if len(p.Body) > maxFormBody {
		return nil, nil, false
	}
	// One pass over the parameters fills both maps; PostForm's values and
	// Form's are apart (two halves of vals), as ParseForm's are.
	postForm = make(url.Values, keys)
	form = make(url.Values, keys+len(query))
	vals := make([]string, 2*keys)
	i := 0
	for k, vs := range params {
		switch {
		case len(vs) == 1: // at most keys of them
			vals[i], vals[keys+i] = vs[0], vs[0]
			postForm[k], form[k] = vals[i:i+1:i+1], vals[keys+i:keys+i+1:keys+i+1]
			i++
		case len(vs) > 0: // a value of its own for each form
			postForm[k], form[k] = slices.Clone(vs), slices.Clone(vs)
		}
	}
	for k, vs := range query {
		form[k] = append(form[k], vs...)
	}
	return postForm, form, true
}
