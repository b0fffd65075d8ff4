package fakeapi

import (
	"crypto/subtle"
	"errors"
	"net/http"
	"net/url"
	"strings"

	"github.com/holdlab/holdlab/fakeapi/sim"
	"github.com/holdlab/holdlab/fakeapi/wire"
)

// maxRequestBody bounds a REST request body; a larger one is refused, not
// buffered.
const maxRequestBody = 64 << 10

// ControlPrefix is the path prefix of holdlab's own control API, apart from
// Twilio's REST surface.
const ControlPrefix = "/holdlab/"

// routes builds the fake's HTTP face. Go's ServeMux cannot match
// "{Sid}.json", so resource paths match the whole last segment ({file}) and
// strip ".json" (see resourceSid).
func (f *Fake) routes() http.Handler {
	mux := newRouteMux()
	const acct = "/2010-04-01/Accounts/{AccountSid}"
	handle := func(pattern string, h func(w http.ResponseWriter, r *http.Request, form url.Values) error) {
		mux.Handle(pattern, f.rest(h))
	}
	handle("POST "+acct+"/Calls.json", f.createCall)
	handle("GET "+acct+"/Calls.json", f.listCalls)
	handle("GET "+acct+"/Calls/{file}", f.fetchCall)
	handle("POST "+acct+"/Calls/{file}", f.updateCall)
	handle("DELETE "+acct+"/Calls/{file}", f.deleteCall)

	handle("POST "+acct+"/IncomingPhoneNumbers.json", f.createNumber)
	handle("GET "+acct+"/IncomingPhoneNumbers.json", f.listNumbers)
	handle("GET "+acct+"/IncomingPhoneNumbers/{file}", f.fetchNumber)
	handle("POST "+acct+"/IncomingPhoneNumbers/{file}", f.updateNumber)
	handle("DELETE "+acct+"/IncomingPhoneNumbers/{file}", f.deleteNumber)

	f.conferenceRoutes(mux)
	f.queueRoutes(mux)

	f.controlRoutes(mux)

	// Anything else is Twilio's 20404, or 405 / 20004 for a known path
	// with the wrong method (route_list.go).
	mux.Handle("/", unrouted(mux))
	f.routeList = mux.patterns
	// Every request needs the account's credentials, whatever its path or
	// method, checked here once for every route; then injected faults
	// apply (faults.go).
	return f.authenticated(f.faulty(methodNotAllowedAsTwilio(mux)))
}

// rest wraps a REST handler: the account in the path, the form, and
// rendering of errors. (Authentication wraps every route, in routes.)
func (f *Fake) rest(h func(w http.ResponseWriter, r *http.Request, form url.Values) error) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.PathValue("AccountSid") != f.opts.AccountSid {
			// UNCONFIRMED: Twilio's answer for another account's SID in the
			// path; holdlab answers as for any unknown resource.
			wire.WriteError(w, wire.NotFound(r.URL.Path))
			return
		}
		form, err := wire.ParseForm(r, maxRequestBody)
		if err != nil {
			wire.WriteError(w, err)
			return
		}
		if err := h(w, r, form); err != nil {
			wire.WriteError(w, toWire(err))
		}
	})
}

// authenticated requires the account's credentials (HTTP Basic), answering
// 401 / 20003 otherwise.
func (f *Fake) authenticated(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		user, pass, ok := r.BasicAuth()
		if !ok || !equal(user, f.opts.AccountSid) || !equal(pass, f.opts.AuthToken) {
			w.Header().Set("WWW-Authenticate", `Basic realm="Twilio API"`)
			wire.WriteError(w, wire.Unauthorized())
			return
		}
		h.ServeHTTP(w, r)
	})
}

func equal(a, b string) bool { return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1 }

// resourceSid returns the SID in the last path segment, "CA….json" -> "CA…".
func resourceSid(r *http.Request) string {
	return strings.TrimSuffix(r.PathValue("file"), ".json")
}

// toWire turns an engine error into Twilio's wire error.
func toWire(err error) error {
	var se *sim.Error
	if errors.As(err, &se) {
		return &wire.Error{Status: se.Status, Code: se.Code, Message: se.Message}
	}
	return err
}

// methodNotAllowedAsTwilio rewrites ServeMux's plain-text 405 into Twilio's
// JSON error body.
func methodNotAllowedAsTwilio(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.ServeHTTP(&twilio405{ResponseWriter: w}, r)
	})
}

type twilio405 struct {
	http.ResponseWriter
	swallow bool
}

func (w *twilio405) WriteHeader(status int) {
	if status == http.StatusMethodNotAllowed && !w.swallow {
		w.swallow = true
		wire.WriteError(w.ResponseWriter, wire.MethodNotAllowed())
		return
	}
	w.ResponseWriter.WriteHeader(status)
}

func (w *twilio405) Write(b []byte) (int, error) {
	if w.swallow {
		return len(b), nil
	}
	return w.ResponseWriter.Write(b)
}
