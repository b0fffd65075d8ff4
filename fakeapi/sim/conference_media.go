package sim

import "net/url"

// What a conference plays besides its participants: wait music before it
// starts, hold music to a held participant, announcements to everyone or to
// one participant. Each is a mediaRunner (runner.go) on the leg.

// startWait plays a participant's wait music while the conference has not
// started: its waitUrl, silence for waitUrl="", else Twilio's default.
func (e *Engine) startWait(pt *Participant) {
	if pt.wait.live() {
		return
	}
	r := e.newRunner(runConfWait, pt.call, "wait music", "wait-music", "conference wait url")
	r.conf = pt.conf
	pt.wait = r
	switch {
	case pt.waitURL != "":
		r.url, r.method = pt.waitURL, pt.waitMethod
		e.runnerFetch(r, pt.waitURL, pt.waitMethod, confParams(pt.conf))
	case pt.waitSet:
		e.runnerSilence(r, `waitUrl=""`)
	default:
		e.runnerDefaultMusic(r)
	}
}

// startHold plays a held participant's HoldUrl (default: Twilio's hold
// music, forever).
func (e *Engine) startHold(pt *Participant) {
	e.stopRunner(pt.hold)
	old := pt.hold
	if old == nil {
		old = pt.lastHold
	}
	r := e.renewRunner(old, runHold, pt.call, "hold music", "hold-music", "hold url")
	r.conf = pt.conf
	pt.hold, pt.lastHold = r, nil
	if pt.holdURL == "" {
		e.notef(pt.call, KindConf, facts{room: confRef(pt.conf)}, "%s is put on hold in conference %s: hears Twilio's default hold music", e.name(pt.call), confName(pt.conf))
		e.runnerDefaultMusic(r)
		return
	}
	var buf [256]byte
	b := e.appendName(buf[:0], pt.call)
	b = append(b, " is put on hold in conference "...)
	b = append(b, confName(pt.conf)...)
	b = append(b, ": hears its HoldUrl "...)
	b = append(b, pt.holdURL...)
	e.traceText(pt.call, KindConf, 0, e.sharedLine(pt.call, b), facts{room: confRef(pt.conf)})
	r.url, r.method = pt.holdURL, pt.holdMethod
	e.runnerFetch(r, pt.holdURL, pt.holdMethod, confParams(pt.conf))
}

// confParams are the conference parameters of wait, hold and announce
// requests (INFERRED: Twilio documents none beyond the standard ones).
// They are made once per conference, whose SID and name never change,
// and only ever read: runnerFetch copies them into each request's own
// parameters (their values have capacity 1, as paramSet's).
func confParams(cf *Conference) url.Values {
	if cf.params == nil {
		vals := []string{cf.Sid, cf.FriendlyName} // one array for both values
		cf.params = url.Values{"ConferenceSid": vals[0:1:1], "FriendlyName": vals[1:2:2]}
	}
	return cf.params
}

func (e *Engine) announceConference(cf *Conference, rawURL, method string) {
	e.stopRunner(cf.announce)
	r := e.newRunner(runAnnounce, nil, "announcement", "announcement", "conference announce url")
	r.conf = cf
	r.everyone = cf
	r.params = func() url.Values { return confParams(cf) }
	r.url, r.method = rawURL, method
	r.onDone = func() {
		e.notef(nil, KindConf, facts{room: confRef(cf)}, "the announcement to conference %s is over", confName(cf))
		e.confEvent(cf, "announcement-end", nil, url.Values{"AnnounceUrl": {rawURL}})
	}
	r.onError = func(code int) {
		e.confEvent(cf, "announcement-fail", nil, url.Values{"AnnounceUrl": {rawURL}, "ReasonAnnouncementFailed": {"Error " + itoa(code)}})
	}
	cf.announce = r
	e.runnerFetch(r, rawURL, method, nil)
}

func (e *Engine) announceParticipant(pt *Participant, rawURL, method string) {
	e.stopRunner(pt.announce)
	cf := pt.conf
	r := e.newRunner(runAnnounce, pt.call, "announcement", "announcement", "participant announce url")
	r.conf = cf
	r.params = func() url.Values { return confParams(cf) }
	r.url, r.method = rawURL, method
	r.onDone = func() {
		e.confEvent(cf, "announcement-end", pt, url.Values{"AnnounceUrl": {rawURL}})
	}
	r.onError = func(code int) {
		e.confEvent(cf, "announcement-fail", pt, url.Values{"AnnounceUrl": {rawURL}, "ReasonAnnouncementFailed": {"Error " + itoa(code)}})
	}
	pt.announce = r
	e.notef(pt.call, KindREST, facts{room: confRef(cf), rest: restRef("POST", "Conferences", cf.Sid, "Participants", pt.call.Sid)}, "%s hears an announcement from %s", e.name(pt.call), rawURL)
	e.runnerFetch(r, rawURL, method, nil)
}
