package scenarios

import (
	"fmt"
	"net/http"

	"github.com/holdlab/holdlab/fakeapi/sim"
	"github.com/twilio/twilio-go/client"
)

// pitfallSteps defines the steps of the pitfall catalogue
// (features/pitfalls.feature): a raw app that checks Twilio's signature,
// what a party heard a moment ago, how often the app was asked for a URL.
func (w *world) pitfallSteps(l *stepList) {
	l.section("The pitfall catalogue")
	l.add(`^the app checks Twilio's signature against the URL "([^"]*)"$`, `the app checks Twilio's signature against the URL "https://app.example.com"`, w.checkSignatureAgainst)
	l.add(`^the app checks Twilio's signature against the URL Twilio requested$`, "the app checks Twilio's signature against the URL Twilio requested", func() error { return w.checkSignatureAgainst("") })
	l.add(`^the (customer|agent) (?:hears|heard) the application error$`, "the customer heard the application error", func(role string) error {
		return w.heard(role, "the application error", func(h sim.Hearing) bool { return h.Source == "application-error" })
	})
	l.add(`^the (customer|agent) (?:hears|heard) "([^"]*)"$`, `the customer heard "Please hold"`, func(role, text string) error {
		return w.heard(role, fmt.Sprintf("say %q", text), func(h sim.Hearing) bool { return h.Source == "say" && h.Media == text })
	})
	l.add(`^the app received "([^"]*)" (once|more than once)$`, `the app received "/wait" more than once`, w.eventually(w.receivedTimes))
}

// signatureCheck is how the raw app checks X-Twilio-Signature, once a
// scenario asks it to: with the account's auth token, against the URL it
// believes it serves (base and the request's path and query), or, with
// base "", against the URL Twilio requested. A request that fails the
// check is answered 403, as twilio-go's RequestValidator middleware
// examples do.
type signatureCheck struct {
	on    bool
	token string
	base  string
}

// checkSignatureAgainst makes the raw app check signatures against base
// (the app's own address behind a proxy), or "" for the URL Twilio
// requested.
func (w *world) checkSignatureAgainst(base string) error {
	fb, ok := w.be.(*fakeBackend)
	if !ok {
		return fmt.Errorf("the raw app's auth token is known only on the fake: %w", ErrNeedsFake)
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	w.sig = signatureCheck{on: true, token: fb.f.AuthToken(), base: base}
	return nil
}

// signatureRefused reports whether the raw app refuses r: it checks
// signatures, and r's does not match the URL it checks against.
func (w *world) signatureRefused(r *http.Request) bool {
	w.mu.Lock()
	sig := w.sig
	w.mu.Unlock()
	if !sig.on {
		return false
	}
	base := sig.base
	if base == "" {
		base = w.be.rawBase()
	}
	var params map[string]string
	if r.Method == http.MethodPost {
		params = map[string]string{}
		for k := range r.PostForm {
			params[k] = r.PostForm.Get(k)
		}
	}
	v := client.NewRequestValidator(sig.token)
	return !v.Validate(base+r.URL.RequestURI(), params, r.Header.Get("X-Twilio-Signature"))
}

// heard checks what a role hears now or heard before: any interval of its
// leg for which ok holds.
func (w *world) heard(role, what string, ok func(sim.Hearing) bool) error {
	h, sid, err := w.hears(role)
	if err != nil {
		return err
	}
	if ok(h) {
		return nil
	}
	ivs, err := w.be.intervals(sid)
	if err != nil {
		return err
	}
	var seen []string
	for _, iv := range ivs {
		if ok(iv.Hearing) {
			return nil
		}
		seen = append(seen, iv.Hearing.String())
	}
	return fmt.Errorf("the %s (%s) never heard %s (heard: %v)", role, sid, what, seen)
}

// receivedTimes checks how many requests the raw app got at path.
func (w *world) receivedTimes(path, how string) error {
	n := len(w.requests(path))
	if (how == "once" && n == 1) || (how == "more than once" && n > 1) {
		return nil
	}
	return fmt.Errorf("the app received %s %d times, want %s", path, n, how)
}
