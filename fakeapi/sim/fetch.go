package sim

import (
	"mime"
	"net/url"
	"strings"

	"github.com/holdlab/holdlab/fakeapi/twiml"
)

// Getting a leg's TwiML: the request for a document, what its answer
// means (TwiML, audio, plain text, an error), the fallback URL and
// Twilio's application error, and URLs relative to the document.

// ApplicationErrorMessage is what Twilio says before hanging up when it
// cannot get usable TwiML and has no fallback.
const ApplicationErrorMessage = "We're sorry, an application error has occurred. Goodbye."

// maxInstantFetches bounds the TwiML documents one call may fetch without
// virtual time moving: a <Redirect> loop with nothing that takes time would
// otherwise spin forever. Twilio documents no such cap (UNCONFIRMED); the
// fake cuts the loop with an application error.
const maxInstantFetches = 100

// runAppURL starts c on its configured TwiML: its URL, or its inline TwiML.
func (e *Engine) runAppURL(c *Call, purpose string) {
	if c.Status.Terminal() {
		return
	}
	if c.URL == "" && c.inline != "" {
		e.runInline(c, c.inline, modeMain)
		return
	}
	if c.URL == "" {
		e.traceCode(c, KindError, 21205, "%s has no Url to fetch TwiML from", e.name(c))
		e.applicationError(c)
		return
	}
	e.fetchTwiML(c, c.URL, c.Method, nil, modeMain, purpose, false)
}

// runInline runs TwiML given inline through the REST API.
func (e *Engine) runInline(c *Call, doc string, mode programMode) {
	e.stopInterp(c)
	d, err := parseTwiML([]byte(doc))
	if err != nil {
		e.traceCode(c, KindError, 12100, "inline TwiML is not valid: %v", err)
		e.twimlFailed(c, 12100, "", mode, false)
		return
	}
	e.startDoc(c, d, "", mode)
}

// fetchTwiML asks the app for a document; c waits until it is delivered.
func (e *Engine) fetchTwiML(c *Call, rawURL, method string, extra url.Values, mode programMode, purpose string, isFallback bool) {
	e.stopInterp(c)
	if c.redirectLoop(e.now) {
		e.traceCode(c, KindError, 0, "%s fetched %d documents without time passing: a <Redirect> loop; holdlab ends it", e.name(c), maxInstantFetches)
		e.applicationError(c)
		return
	}
	params := e.callParams(c)
	for k, vs := range extra {
		params.v[k] = vs
	}
	c.wait = waitFetch
	var id uint64
	eff := e.emitSet(EffectTwiML, c, rawURL, method, params, purpose, func(r Result) {
		e.onTwiML(c, id, r, rawURL, mode, isFallback)
	})
	id = eff.ID
	c.fetching = id
}

// onTwiML receives a fetched document.
func (e *Engine) onTwiML(c *Call, id uint64, r Result, docURL string, mode programMode, isFallback bool) {
	if c.fetching != id || c.Status.Terminal() {
		e.tracef(c, KindWebhook, "the answer is ignored: %s has moved on", e.name(c))
		return
	}
	c.fetching = 0
	if r.ErrCode != 0 {
		e.traceCode(c, KindError, r.ErrCode, "fetching %s failed (%d): %s", docURL, r.ErrCode, r.Err)
		e.twimlFailed(c, r.ErrCode, docURL, mode, isFallback)
		return
	}
	d, code, err := decodeDoc(r, docURL, true)
	switch code {
	case 12300:
		e.traceCode(c, KindError, code, "%s answered with Content-Type %q, which is not TwiML", docURL, r.ContentType)
	case 12100:
		e.traceCode(c, KindError, code, "the document from %s is not valid TwiML: %v", docURL, err)
	}
	if code != 0 {
		e.twimlFailed(c, code, docURL, mode, isFallback)
		return
	}
	// An audio file plays once, plain text is read aloud; then, as for a
	// document that runs out, the call ends.
	e.startDoc(c, d, docURL, mode)
}

// decodeDoc reads the answer to a request for a document. Audio makes a
// document that plays it once; TwiML (text/xml, application/xml, text/html
// or text/plain) is parsed, and with sayPlain plain text that is not TwiML
// makes a document that reads it aloud. Anything else is one of Twilio's
// errors, code: 12100 for invalid TwiML (err says why), 12300 for another
// Content-Type.
func decodeDoc(res Result, docURL string, sayPlain bool) (d *twiml.Document, code int, err error) {
	ct := res.ContentType
	switch ct {
	case "text/xml", "application/xml", "text/html", "text/plain": // what ParseMediaType would return
	default:
		ct, _, _ = mime.ParseMediaType(ct)
	}
	switch {
	case strings.HasPrefix(ct, "audio/"):
		return &twiml.Document{Verbs: []twiml.Verb{&twiml.Play{URL: docURL, Loop: 1}}}, 0, nil
	case ct == "text/xml" || ct == "application/xml" || ct == "text/html" || ct == "text/plain":
	default:
		return nil, 12300, nil
	}
	d, err = parseTwiML(res.Body)
	switch {
	case err == nil:
		return d, 0, nil
	case sayPlain && ct == "text/plain":
		return &twiml.Document{Verbs: []twiml.Verb{&twiml.Say{Text: string(res.Body), Loop: 1}}}, 0, nil
	}
	return nil, 12100, err
}

// start runs a parsed document on c from its first verb.
func (e *Engine) startDoc(c *Call, d *twiml.Document, docURL string, mode programMode) {
	for _, w := range d.Warnings {
		e.traceCode(c, KindWarning, w.Code, "%s: %s (skipped)", w.Path, w.Message)
	}
	c.prog = &program{verbs: d.Verbs, url: docURL, mode: mode}
	e.run(c)
}

// twimlFailed applies Twilio's failure handling: the fallback URL with
// ErrorCode and ErrorUrl, else the application-error message and hang-up.
func (e *Engine) twimlFailed(c *Call, code int, failedURL string, mode programMode, isFallback bool) {
	if !isFallback && c.FallbackURL != "" {
		extra := url.Values{"ErrorCode": {itoa(code)}, "ErrorUrl": {failedURL}}
		e.fetchTwiML(c, c.FallbackURL, c.FallbackMethod, extra, mode, "fallback url", true)
		return
	}
	e.applicationError(c)
}

// applicationError plays Twilio's application-error message, then hangs up.
func (e *Engine) applicationError(c *Call) {
	e.stopInterp(c)
	if !c.Answered() {
		e.answer(c, CauseApplicationError, "Twilio answers to play the application-error message")
	}
	c.media = media("application-error", ApplicationErrorMessage)
	c.wait = waitMedia
	e.touch(c)
	c.timer = e.after(sayDuration(ApplicationErrorMessage), func() {
		e.endCall(c, StatusCompleted, CauseApplicationError, "an application error ended the call")
	})
}

// resolve makes ref absolute against the document's URL. An empty ref means
// the document itself. Inline TwiML has no URL, so relative references in it
// fail (Twilio's 15004 for REST-supplied TwiML).
func (e *Engine) resolve(c *Call, p *program, ref string) (string, bool) {
	if u, err := url.Parse(ref); err == nil && u.IsAbs() {
		return ref, true
	}
	if p.url == "" {
		e.traceCode(c, KindError, 15004, "%s: relative URL %q in TwiML that has no document URL", e.name(c), ref)
		e.applicationError(c)
		return "", false
	}
	base, err := url.Parse(p.url)
	if err != nil {
		e.traceCode(c, KindError, 11100, "%s: invalid document URL %q", e.name(c), p.url)
		e.applicationError(c)
		return "", false
	}
	r, err := url.Parse(ref)
	if err != nil {
		e.traceCode(c, KindError, 11100, "%s: invalid URL %q", e.name(c), ref)
		e.applicationError(c)
		return "", false
	}
	return base.ResolveReference(r).String(), true
}

// resolveOr resolves a media URL, keeping it as written when it cannot be.
func (e *Engine) resolveOr(p *program, ref string) string {
	if p.url == "" {
		return ref
	}
	// The same few URLs are resolved against the same documents over and
	// over (the hold music's <Play>, twice each time it plays): parsing
	// and rendering them is kept, within bounds.
	key := [2]string{p.url, ref}
	if abs, ok := e.resolved[key]; ok {
		return abs
	}
	abs := ref
	base, err1 := url.Parse(p.url)
	r, err2 := url.Parse(ref)
	if err1 == nil && err2 == nil {
		abs = base.ResolveReference(r).String()
	}
	if e.resolved == nil || len(e.resolved) >= maxResolved {
		e.resolved = make(map[[2]string]string)
	}
	e.resolved[key] = abs
	return abs
}

// maxResolved bounds the URLs resolveOr keeps: it starts afresh when it
// holds that many.
const maxResolved = 256

// resolveQuiet resolves ref against p without side effects.
func (e *Engine) resolveQuiet(p *program, ref string) (string, bool) {
	if u, err := url.Parse(ref); err == nil && u.IsAbs() {
		return ref, true
	}
	if p == nil || p.url == "" {
		return "", false
	}
	return e.resolveOr(p, ref), true
}
