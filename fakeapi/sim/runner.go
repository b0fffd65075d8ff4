package sim

import (
	"net/url"

	"github.com/holdlab/holdlab/fakeapi/twiml"
)

// DefaultMusicURL is Twilio's default hold and wait music: the classical
// bucket of its holdmusic twimlet (https://www.twilio.com/docs/voice/twiml/conference). holdlab does not
// fetch it; a party that gets it hears it forever.
const DefaultMusicURL = "https://twimlets.com/holdmusic?Bucket=com.twilio.music.classical"

// runnerKind says what a restricted document is for, which decides the
// verbs it may use and what happens when it runs out.
type runnerKind int

const (
	// runConfWait: a conference waitUrl. Play, Say, Pause, Redirect; when it
	// runs out, silence (Twilio does not loop it).
	runConfWait runnerKind = iota
	// runHold: a participant's HoldUrl. Same rules as runConfWait.
	runHold
	// runAnnounce: an AnnounceUrl. Same verbs; when it runs out the
	// announcement is over.
	runAnnounce
	// runQueueURL: the url of <Dial><Queue>, played to the dequeued caller.
	// Same verbs; when it runs out the bridge is made.
	runQueueURL
	// runEnqueueWait: an <Enqueue> waitUrl. Play, Say, Pause, Redirect,
	// Hangup, Leave and Gather; when it runs out Twilio requests the waitUrl
	// again.
	runEnqueueWait
)

// mediaRunner runs a restricted TwiML document (wait music, hold music, an
// announcement, a queue's url) on a leg whose own program stays blocked in
// <Dial> or <Enqueue>. It has its own docRun, so it never disturbs the
// leg's interpreter; what it plays is its hearing, which the
// conference or queue the leg is in decides whether the party hears.
type mediaRunner struct {
	kind runnerKind
	call *Call // the leg it plays to; nil for a conference-wide announcement
	// conf or queue is the room it plays in, for the trace.
	conf    *Conference
	queue   *Queue
	what    string // for traces: "hold music", "wait music", ...
	source  string // Hearing.Source of what it plays; "" means the verb's ("say", "play")
	purpose string // Effect.Purpose of its fetches
	url     string // the document it started with (an <Enqueue> waitUrl is requested again)
	method  string
	// params adds request parameters, computed at each fetch (a queue's
	// position and size).
	params func() url.Values
	// everyone, for an announcement to a whole conference, is the room
	// whose legs may all hear it; otherwise only call may (touchRunner).
	everyone *Conference
	host     runnerHost // the runner as the player's host
	doc      program    // the document it runs (docRun.prog points at it)

	docRun  // its own document, timer and fetch; a <Gather> only in an <Enqueue> waitUrl
	hearing Hearing
	stopped bool

	// onDone runs when a runAnnounce or runQueueURL document is over.
	onDone func()
	// onLeave runs on <Leave> (runEnqueueWait).
	onLeave func()
	// onError runs when the document cannot be used (fetch failure,
	// invalid TwiML, a verb not allowed). nil: the party hears silence.
	onError func(code int)
}

// newRunner returns a runner of kind for leg c (nil: no leg).
func (e *Engine) newRunner(kind runnerKind, c *Call, what, source, purpose string) *mediaRunner {
	r := &mediaRunner{kind: kind, call: c, what: what, source: source, purpose: purpose}
	r.host = runnerHost{e, r}
	return r
}

// renewRunner is newRunner reusing old, a runner that has stopped, if
// there is one: a participant held and taken off hold over and over
// needs one runner at a time. Nothing a stopped runner left behind can
// act on it once renewed: its timers were canceled, and the answer to a
// fetch it made finds another fetch awaited (runnerDoc ignores it, as it
// would on the stopped runner).
func (e *Engine) renewRunner(old *mediaRunner, kind runnerKind, c *Call, what, source, purpose string) *mediaRunner {
	if old == nil || !old.stopped {
		return e.newRunner(kind, c, what, source, purpose)
	}
	*old = mediaRunner{kind: kind, call: c, what: what, source: source, purpose: purpose}
	old.host = runnerHost{e, old}
	return old
}

// touchRunner marks the legs that may hear r.
func (e *Engine) touchRunner(r *mediaRunner) {
	if r.everyone != nil {
		e.touchConference(r.everyone)
		return
	}
	e.touch(r.call)
}

// heard is what the runner plays now.
func (r *mediaRunner) heard() Hearing {
	if r == nil || r.stopped || r.hearing.Kind == "" {
		return silence("")
	}
	return r.hearing
}

// live reports whether the runner still runs.
func (r *mediaRunner) live() bool { return r != nil && !r.stopped }

// runnerDefaultMusic makes r play Twilio's default music forever.
func (e *Engine) runnerDefaultMusic(r *mediaRunner) {
	r.hearing = media(r.source, DefaultMusicURL)
	e.touchRunner(r)
}

// runnerSilence makes r play nothing from now on.
func (e *Engine) runnerSilence(r *mediaRunner, detail string) {
	r.halt()
	r.hearing = silence(detail)
	e.touchRunner(r)
}

// stopRunner ends r for good; answers to its fetches are then ignored.
func (e *Engine) stopRunner(r *mediaRunner) {
	if r == nil || r.stopped {
		return
	}
	r.halt()
	r.stopped = true
	r.hearing = Hearing{}
	e.touchRunner(r)
}

// runnerFetch requests a document for r.
func (e *Engine) runnerFetch(r *mediaRunner, rawURL, method string, extra url.Values) {
	r.halt()
	if r.redirectLoop(e.now) {
		e.traceCode(r.call, KindError, 0, "%s fetched %d documents without time passing: a <Redirect> loop; holdlab stops it", r.what, maxInstantFetches)
		e.runnerFail(r, 0)
		return
	}
	var params paramSet
	if r.call != nil {
		params = e.callParams(r.call)
	} else {
		params = paramSet{v: url.Values{"AccountSid": {e.cfg.AccountSid}, "ApiVersion": {"2010-04-01"}}}
	}
	if r.params != nil {
		for k, vs := range r.params() {
			params.v[k] = vs
		}
	}
	for k, vs := range extra {
		params.v[k] = vs
	}
	r.hearing = silence(fetchingDetail(r.what))
	e.touchRunner(r)
	eff := e.emitSet(EffectTwiML, r.call, rawURL, orPOST(method), params, r.purpose, nil)
	p := e.pending[eff.ID]
	p.runner, p.docURL = r, rawURL // Deliver hands the answer to runnerDoc
	r.fetching = eff.ID
}

// fetchingDetails are the Hearing.Detail of a runner waiting for its
// document, by what it plays, rendered once.
var fetchingDetails = func() map[string]string {
	m := map[string]string{}
	for _, what := range []string{"hold music", "wait music", "announcement", "queue wait music", "queue url"} {
		m[what] = "fetching " + what
	}
	return m
}()

// fetchingDetail is the Hearing.Detail of a runner waiting for its
// document.
func fetchingDetail(what string) string {
	if d, ok := fetchingDetails[what]; ok {
		return d
	}
	return "fetching " + what
}

// runnerDoc receives a document fetched for r.
func (e *Engine) runnerDoc(r *mediaRunner, id uint64, res Result, docURL string) {
	if r.stopped || r.fetching != id {
		e.tracef(r.call, KindWebhook, "the answer is ignored: the %s has stopped", r.what)
		return
	}
	r.fetching = 0
	if res.ErrCode != 0 {
		e.traceCode(r.call, KindError, res.ErrCode, "%s: fetching %s failed (%d): %s", r.what, docURL, res.ErrCode, res.Err)
		e.runnerFail(r, res.ErrCode)
		return
	}
	// An audio file plays once (pitfall 5: a bare MP3 HoldUrl does not
	// loop); what follows depends on the kind of document.
	d, code, err := decodeDoc(res, docURL, false)
	switch code {
	case 12300:
		e.traceCode(r.call, KindError, code, "%s: %s answered with Content-Type %q, which is neither audio nor TwiML", r.what, docURL, res.ContentType)
	case 12100:
		e.traceCode(r.call, KindError, code, "%s: the document from %s is not valid TwiML: %v", r.what, docURL, err)
	}
	if code != 0 {
		e.runnerFail(r, code)
		return
	}
	for _, w := range d.Warnings {
		e.traceCode(r.call, KindWarning, w.Code, "%s: %s: %s (skipped)", r.what, w.Path, w.Message)
	}
	// The runner's own program: nothing holds the one of its previous
	// document now (runnerFetch halted it, and its <Gather>).
	r.doc = program{verbs: d.Verbs, url: docURL}
	r.prog = &r.doc
	e.runnerRun(r)
}

// runnerFail handles a document r cannot use.
func (e *Engine) runnerFail(r *mediaRunner, code int) {
	if r.onError != nil {
		e.stopRunner(r)
		r.onError(code)
		return
	}
	e.runnerSilence(r, r.what+" failed")
}

// runnerRun executes r's verbs until one blocks or the document runs out.
func (e *Engine) runnerRun(r *mediaRunner) {
	for !r.stopped {
		p, v, ok := r.nextVerb()
		if !ok {
			e.runnerExhausted(r)
			return
		}
		if !e.runnerExec(r, p, v) {
			return
		}
	}
}

func (r *mediaRunner) mediaOf(verbSource, m string) Hearing {
	if r.source != "" {
		return media(r.source, m)
	}
	return media(verbSource, m)
}

// runnerExec runs one verb of a restricted document.
func (e *Engine) runnerExec(r *mediaRunner, p *program, v twiml.Verb) bool {
	// Say, Play, Pause and Redirect: the player (player.go).
	h := &r.host // a pointer in the playerHost: no copy on the heap per verb
	if e.playVerb(h, p, v) {
		return false
	}
	c := r.call
	switch v := v.(type) {
	case *twiml.Hangup:
		if r.kind == runEnqueueWait && c != nil {
			e.tracef(c, KindVerb, "%s: <Hangup> takes the caller out of the queue and ends the call", r.label(e))
			e.endCall(c, StatusCompleted, CauseTwiMLHangup, "<Hangup> in the queue's waitUrl")
			return false
		}
	case *twiml.Leave:
		if r.kind == runEnqueueWait && r.onLeave != nil {
			e.tracef(c, KindVerb, "%s: <Leave>", r.label(e))
			e.stopRunner(r)
			r.onLeave()
			return false
		}
	case *twiml.Gather:
		if r.kind == runEnqueueWait {
			e.startGather(h, p, v)
			return false
		}
	}
	allowed := "Play, Say, Pause and Redirect"
	if r.kind == runEnqueueWait {
		allowed = "Play, Say, Pause, Redirect, Hangup, Leave and Gather"
	}
	// Twilio's 13238 names conference wait, hold and announce documents; an
	// <Enqueue> waitUrl with a verb it does not allow gets the same code
	// here (INFERRED).
	e.traceCode(c, KindError, 13238, "%s: <%s> is not allowed here (only %s); the %s stops", r.label(e), v.Name(), allowed, r.what)
	e.runnerFail(r, 13238)
	return false
}

// label names the runner in traces: "CA..0002 (agent) hold music".
func (r *mediaRunner) label(e *Engine) string {
	if r.call == nil {
		return r.what
	}
	return e.name(r.call) + " " + r.what
}

// appendLabel appends r.label(e) to dst.
func (r *mediaRunner) appendLabel(e *Engine, dst []byte) []byte {
	if r.call != nil {
		dst = e.appendName(dst, r.call)
		dst = append(dst, ' ')
	}
	return append(dst, r.what...)
}

// roomRef names the room r plays in, for the trace; nil if none.
func (r *mediaRunner) roomRef() *RoomRef {
	switch {
	case r.conf != nil:
		return confRef(r.conf)
	case r.queue != nil:
		return queueRef(r.queue)
	}
	return nil
}

// runnerExhausted applies the rule of r's kind for a document that ran out.
func (e *Engine) runnerExhausted(r *mediaRunner) {
	r.prog = nil
	switch r.kind {
	case runConfWait, runHold:
		// Twilio plays silence when wait or hold TwiML runs out
		// (https://www.twilio.com/docs/voice/twiml/conference; for HoldUrl INFERRED).
		e.notef(r.call, KindConf, facts{room: r.roomRef()}, "%s ran out of verbs: silence follows (Twilio does not loop it)", r.label(e))
		r.hearing = silence(r.what + " ended")
		e.touchRunner(r)
	case runAnnounce, runQueueURL:
		e.stopRunner(r)
		if r.onDone != nil {
			r.onDone()
		}
	case runEnqueueWait:
		e.notef(r.call, KindQueue, facts{room: r.roomRef()}, "%s ran out of verbs: Twilio requests the waitUrl again", r.label(e))
		e.runnerFetch(r, r.url, r.method, nil)
	}
}
