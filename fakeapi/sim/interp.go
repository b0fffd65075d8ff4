package sim

import (
	"mime"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/holdlab/holdlab/fakeapi/twiml"
)

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
	if c.lastFetch.Equal(e.now) {
		c.instantFetches++
	} else {
		c.lastFetch, c.instantFetches = e.now, 1
	}
	if c.instantFetches > maxInstantFetches {
		e.traceCode(c, KindError, 0, "%s fetched %d documents without time passing: a <Redirect> loop; holdlab ends it", e.name(c), maxInstantFetches)
		e.applicationError(c)
		return
	}
	params := e.callParams(c)
	for k, vs := range extra {
		params[k] = vs
	}
	c.wait = waitFetch
	var id uint64
	eff := e.emit(EffectTwiML, c, rawURL, method, params, purpose, func(r Result) {
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
	ct, _, _ := mime.ParseMediaType(r.ContentType)
	switch {
	case strings.HasPrefix(ct, "audio/"):
		// An audio file is played once, then the call ends.
		e.startDoc(c, &twiml.Document{Verbs: []twiml.Verb{&twiml.Play{URL: docURL, Loop: 1}}}, docURL, mode)
		return
	case ct == "text/xml" || ct == "application/xml" || ct == "text/html" || ct == "text/plain":
	default:
		code := 12300
		e.traceCode(c, KindError, code, "%s answered with Content-Type %q, which is not TwiML", docURL, r.ContentType)
		e.twimlFailed(c, code, docURL, mode, isFallback)
		return
	}
	d, err := parseTwiML(r.Body)
	if err != nil {
		if ct == "text/plain" {
			// Plain text that is not TwiML is read aloud, then the call ends.
			e.startDoc(c, &twiml.Document{Verbs: []twiml.Verb{&twiml.Say{Text: string(r.Body), Loop: 1}}}, docURL, mode)
			return
		}
		e.traceCode(c, KindError, 12100, "the document from %s is not valid TwiML: %v", docURL, err)
		e.twimlFailed(c, 12100, docURL, mode, isFallback)
		return
	}
	e.startDoc(c, d, docURL, mode)
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
		e.answer(c, "Twilio answers to play the application-error message")
	}
	c.media = media("application-error", ApplicationErrorMessage)
	c.wait = waitMedia
	e.touch(c)
	c.timer = e.after(sayDuration(ApplicationErrorMessage), func() {
		e.endCall(c, StatusCompleted, "an application error ended the call")
	})
}

// run executes c's verbs until one blocks or the document runs out.
func (e *Engine) run(c *Call) {
	for c.Live() {
		p := c.prog
		if p == nil || p.pc >= len(p.verbs) {
			e.exhausted(c)
			return
		}
		v := p.verbs[p.pc]
		p.pc++
		if !e.exec(c, p, v) {
			return
		}
	}
}

// exhausted handles a document that ran out of verbs.
func (e *Engine) exhausted(c *Call) {
	p := c.prog
	c.prog = nil
	if p != nil && p.mode == modeWhisper {
		if d := c.inDial; d != nil && d.answered == c && !d.done {
			e.bridge(d)
		}
		return
	}
	e.endCall(c, StatusCompleted, "its TwiML ran out of verbs, so Twilio hung up")
}

// answersInbound reports whether running v answers a ringing inbound call.
func answersInbound(v twiml.Verb) bool {
	switch v := v.(type) {
	case *twiml.Reject, *twiml.Redirect:
		return false
	case *twiml.Dial:
		return !v.AnswerOnBridge
	}
	return true
}

// exec runs one verb. It returns true when the next verb should run at once.
func (e *Engine) exec(c *Call, p *program, v twiml.Verb) bool {
	if c.Direction == DirectionInbound && !c.Answered() && answersInbound(v) {
		e.answer(c, "its TwiML began with <"+v.Name()+">")
	}
	switch v := v.(type) {
	case *twiml.Say:
		e.tracef(c, KindVerb, "%s <Say> %s%s", e.name(c), quoteShort(v.Text, 60), loopNote(v.Loop))
		return e.playMedia(c, media("say", v.Text), sayDuration(v.Text), v.Loop)
	case *twiml.Play:
		if v.Digits != "" {
			e.tracef(c, KindVerb, "%s <Play digits=%q>", e.name(c), v.Digits)
			return e.playMedia(c, media("play", "DTMF "+v.Digits), time.Duration(len(v.Digits))*500*time.Millisecond, 1)
		}
		e.tracef(c, KindVerb, "%s <Play> %s%s", e.name(c), v.URL, loopNote(v.Loop))
		return e.playMedia(c, media("play", e.resolveOr(p, v.URL)), e.mediaDuration(e.resolveOr(p, v.URL)), v.Loop)
	case *twiml.Pause:
		e.tracef(c, KindVerb, "%s <Pause length=%d>", e.name(c), v.Length)
		return e.playMedia(c, silence("pause"), time.Duration(v.Length)*time.Second, 1)
	case *twiml.Redirect:
		target, ok := e.resolve(c, p, v.URL)
		if !ok {
			return false
		}
		e.tracef(c, KindVerb, "%s <Redirect> to %s", e.name(c), target)
		e.fetchTwiML(c, target, v.Method, nil, p.mode, "redirect", false)
		return false
	case *twiml.Hangup:
		e.tracef(c, KindVerb, "%s <Hangup>", e.name(c))
		e.endCall(c, StatusCompleted, "<Hangup>")
		return false
	case *twiml.Reject:
		e.tracef(c, KindVerb, "%s <Reject reason=%q>", e.name(c), v.Reason)
		if c.Direction == DirectionInbound && !c.Answered() {
			// INFERRED: a rejected call ends busy, whichever reason is given.
			e.endCall(c, StatusBusy, "<Reject> refused the call")
		} else {
			e.endCall(c, StatusCompleted, "<Reject> on an answered call hangs up")
		}
		return false
	case *twiml.Gather:
		e.startGather(callGather{e, c}, p, v)
		return false
	case *twiml.Dial:
		return e.startDial(c, p, v)
	case *twiml.Enqueue:
		return e.enqueue(c, p, v)
	case *twiml.Leave:
		return e.leaveVerb(c)
	default:
		e.traceCode(c, KindWarning, 12200, "%s <%s> is not modelled yet; skipped", e.name(c), v.Name())
		return true
	}
}

// playMedia makes c's party hear h for d (times loop; loop 0 is forever).
func (e *Engine) playMedia(c *Call, h Hearing, d time.Duration, loop int) bool {
	c.media = h
	e.touch(c)
	if loop == 0 {
		c.wait = waitForever
		return false
	}
	c.wait = waitMedia
	c.timer = e.after(d*time.Duration(loop), func() {
		c.timer = nil
		c.media = Hearing{}
		c.wait = waitNone
		e.touch(c)
		e.run(c)
	})
	return false
}

func loopNote(loop int) string {
	switch loop {
	case 0:
		return " (loop forever)"
	case 1:
		return ""
	}
	return " (loop " + itoa(loop) + ")"
}

// sayDuration estimates how long Twilio's text-to-speech takes to say text:
// about 15 characters a second, at least one second.
func sayDuration(text string) time.Duration {
	d := time.Duration(len([]rune(text))) * time.Second / 15
	if d < time.Second {
		d = time.Second
	}
	return d.Truncate(time.Millisecond)
}

func (e *Engine) mediaDuration(u string) time.Duration {
	if d, ok := e.mediaD[u]; ok {
		return d
	}
	return e.cfg.MediaDuration
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
	base, err1 := url.Parse(p.url)
	r, err2 := url.Parse(ref)
	if err1 != nil || err2 != nil {
		return ref
	}
	return base.ResolveReference(r).String()
}

// --- <Gather> ---

// callGather hosts a <Gather> of a call's own TwiML (gather.go): the call
// waits in it, hears its prompts, and fetches the action as its next
// document.
type callGather struct {
	e *Engine
	c *Call
}

func (h callGather) name() (*Call, string) { return h.c, h.e.name(h.c) }

func (h callGather) attach(g *gather) {
	h.c.gather = g
	h.c.wait = waitGather
}

func (h callGather) gathering(g *gather) bool { return h.c.gather == g }

func (h callGather) media(source, m string) Hearing { return media(source, m) }

func (h callGather) hear(m Hearing) {
	h.c.media = m
	h.e.touch(h.c)
}

func (h callGather) detach() {
	h.c.gather = nil
	h.c.wait = waitNone
	h.hear(Hearing{})
}

func (h callGather) next() { h.e.run(h.c) }

func (h callGather) action(g *gather, target string, params url.Values) {
	e, c := h.e, h.c
	abs, ok := e.resolve(c, &program{url: g.url}, target)
	if !ok {
		return
	}
	mode := modeMain
	if c.prog != nil {
		mode = c.prog.mode
	}
	e.fetchTwiML(c, abs, g.verb.Method, params, mode, "gather action", false)
}

// press delivers keys pressed by the party on c's far end.
func (e *Engine) press(c *Call, digits string) {
	if c.Status.Terminal() {
		return
	}
	e.tracef(c, KindPhone, "%s presses %s", e.name(c), digits)
	for _, k := range digits {
		if c.Status.Terminal() {
			return
		}
		key := string(k)
		switch {
		case c.gather != nil:
			e.gatherKey(c.gather, key)
		case key == "*" && c.dialing != nil && c.dialing.verb.HangupOnStar && c.dialing.answered != nil:
			e.hangupOnStar(c.dialing)
		default:
			e.roomKey(c, key)
		}
	}
}

// --- webhooks' parameters ---

// callParams are Twilio's standard voice request parameters for c.
func (e *Engine) callParams(c *Call) url.Values {
	// Room for the parameters callers add (Dial*, Queue*, conference and
	// callback parameters), so that the map rarely grows.
	v := make(url.Values, 16)
	v["AccountSid"] = []string{e.cfg.AccountSid}
	v["ApiVersion"] = []string{"2010-04-01"}
	v["CallSid"] = []string{c.Sid}
	v["CallStatus"] = []string{string(c.Status)}
	v["Direction"] = []string{string(c.Direction)}
	v["From"] = []string{c.From}
	v["To"] = []string{c.To}
	v["Caller"] = []string{c.From}
	v["Called"] = []string{c.To}
	if c.ParentCallSid != "" {
		v.Set("ParentCallSid", c.ParentCallSid)
	}
	return v
}

// callback sends a status callback for a call-progress event, if the call
// subscribed to it.
func (e *Engine) callback(c *Call, event string) {
	if c.StatusCallback == "" || !c.StatusCallbackEvents[event] {
		return
	}
	v := e.callParams(c)
	if event == "initiated" {
		v.Set("CallStatus", "initiated")
	}
	v.Set("CallbackSource", "call-progress-events")
	v.Set("SequenceNumber", itoa(c.callbackSeq))
	v.Set("Timestamp", e.now.Format(time.RFC1123Z))
	c.callbackSeq++
	if event == "completed" {
		d, _ := c.Duration()
		secs := int(d / time.Second)
		v.Set("CallDuration", itoa(secs))
		v.Set("Duration", itoa((secs+59)/60)) // INFERRED: billed minutes
	}
	e.emit(EffectCallback, c, c.StatusCallback, c.StatusCallbackMethod, v, "status callback ("+event+")", nil)
}

// standardParam reports the parameters left out of trace summaries of
// webhooks.
func standardParam(k string) bool {
	switch k {
	case "AccountSid", "ApiVersion", "CallSid", "Direction", "From", "To",
		"Caller", "Called", "ParentCallSid", "Timestamp", "CallbackSource",
		"SequenceNumber", "ConferenceSid":
		return true
	}
	return false
}

// paramSummary renders the interesting parameters of a webhook.
func paramSummary(v url.Values) string {
	keys := make([]string, 0, len(v))
	for k := range v {
		if !standardParam(k) {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	var b strings.Builder
	for i, k := range keys {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(k)
		b.WriteByte('=')
		b.WriteString(v.Get(k))
	}
	return b.String()
}

// --- continuing a leg's own TwiML after a verb that blocked it ---

// followAction continues c after a verb that ended at once: it requests the
// action URL and returns false, or, with no action, returns true so that the
// next verb runs.
func (e *Engine) followAction(c *Call, prog *program, action, method string, params url.Values, purpose string) bool {
	if action == "" {
		return true
	}
	target, ok := e.resolve(c, prog, action)
	if !ok {
		return false
	}
	e.fetchTwiML(c, target, orPOST(method), params, modeMain, purpose, false)
	return false
}

// resumeMain continues c's own program after the <Dial> or <Enqueue> it was
// blocked in ended: its action URL, else the next verb.
func (e *Engine) resumeMain(c *Call, prog *program, action, method string, params url.Values, purpose string) {
	if !c.Live() {
		e.actionCallback(c, prog, action, method, params, "", purpose+" (the caller is gone; the answer is ignored)")
		return
	}
	c.wait = waitNone
	c.prog = prog
	e.touch(c)
	if e.followAction(c, prog, action, method, params, purpose) {
		e.run(c)
	}
}

// actionCallback requests an action URL whose answer is ignored: the call
// is gone or follows other TwiML. st, when set, is the call's status to
// report.
func (e *Engine) actionCallback(c *Call, prog *program, action, method string, extra url.Values, st Status, purpose string) {
	if action == "" {
		return
	}
	target, ok := e.resolveQuiet(prog, action)
	if !ok {
		return
	}
	params := e.callParams(c)
	if st != "" {
		params.Set("CallStatus", string(st))
	}
	for k, v := range extra {
		params[k] = v
	}
	e.emit(EffectCallback, c, target, orPOST(method), params, purpose, nil)
}
