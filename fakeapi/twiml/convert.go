package twiml

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/beevik/etree"
)

// child is an element together with its name and path.
type child struct {
	el   *etree.Element
	name string // element name with its namespace prefix, if any
	path string // e.g. "/Response/Dial[1]"
}

func (c child) node() Node { return Node{path: c.path} }

// attr returns the value of the un-prefixed attribute name, trimmed of
// surrounding whitespace, and whether it is present. etree's SelectAttr is
// not used: it matches "name" against "x:name" too.
func (c child) attr(name string) (string, bool) {
	for _, a := range c.el.Attr {
		if a.Space == "" && a.Key == name {
			return trim(a.Value), true
		}
	}
	return "", false
}

// eachToken calls text for each character-data token of e, elem for each
// child element (with its path) and other for anything else (comments,
// processing instructions, directives), in document order. Nil callbacks
// are skipped.
func eachToken(e *etree.Element, path string, text func(string), elem func(child), other func(etree.Token)) {
	var seen map[string]int // position among same-name siblings
	for _, t := range e.Child {
		switch t := t.(type) {
		case *etree.Element:
			if elem == nil {
				continue
			}
			name := t.FullTag()
			if seen == nil {
				seen = make(map[string]int)
			}
			seen[name]++
			elem(child{el: t, name: name, path: path + "/" + name + "[" + strconv.Itoa(seen[name]) + "]"})
		case *etree.CharData:
			if text != nil {
				text(t.Data)
			}
		default:
			if other != nil {
				other(t)
			}
		}
	}
}

// parser turns a checked etree <Response> into verbs, collecting warnings.
type parser struct {
	warnings []Warning
}

func (p *parser) warnf(path, format string, args ...any) {
	p.warnings = append(p.warnings, Warning{
		Code:    CodeSchemaWarning,
		Path:    path,
		Message: fmt.Sprintf(format, args...),
	})
}

// content walks the children of k and returns its direct text, trimmed.
// Each child element goes to fn; with a nil fn every child element is
// reported as not allowed in k. If textOK is false, non-blank text is
// reported (once) as unexpected.
func (p *parser) content(k child, textOK bool, fn func(child)) string {
	var b strings.Builder
	warned := false
	eachToken(k.el, k.path, func(s string) {
		if textOK {
			b.WriteString(s)
		} else if !warned && !isSpace(s) {
			warned = true
			p.warnf(k.path, "unexpected text %q in <%s>; ignored", clip(s), k.name)
		}
	}, func(c child) {
		if fn != nil {
			fn(c)
		} else {
			p.skip(c, k.name)
		}
	}, nil)
	return trim(b.String())
}

// skip reports an element that is not executed where it appears.
func (p *parser) skip(c child, parent string) {
	switch {
	case unmodelledChildren[parent][c.name], parent == "Response" && unmodelled[c.name]:
		p.warnf(c.path, "<%s> is not modelled by holdlab; skipped", c.name)
	case parent == "Response" && modelledNouns[c.name]:
		p.warnf(c.path, "<%s> is a noun, only allowed inside <Dial>; skipped", c.name)
	case isKnownElement(c.name):
		p.warnf(c.path, "<%s> is not allowed inside <%s>; skipped", c.name, parent)
	default:
		var what string
		switch parent {
		case "Response", "Gather":
			what = "unknown verb"
		case "Dial":
			what = "unknown noun"
		default:
			what = "unknown element"
		}
		msg := fmt.Sprintf("%s <%s>", what, c.name)
		if want, ok := knownElements[strings.ToLower(c.name)]; ok {
			msg += fmt.Sprintf(" (names are case-sensitive: did you mean <%s>?)", want)
		}
		p.warnf(c.path, "%s; skipped", msg)
	}
}

// checkAttrs reports the attributes of k that its element does not have.
// Namespace declarations are ignored.
func (p *parser) checkAttrs(k child) {
	spec := attrSpecs[k.name]
	for _, a := range k.el.Attr {
		switch {
		case a.Space == "xmlns", a.Space == "" && a.Key == "xmlns":
			continue
		case a.Space == "" && spec[a.Key]:
			continue
		}
		msg := fmt.Sprintf("unknown attribute %q on <%s>", a.FullKey(), k.name)
		for known := range spec {
			if strings.EqualFold(known, a.FullKey()) {
				msg += fmt.Sprintf(" (names are case-sensitive: did you mean %q?)", known)
				break
			}
		}
		p.warnf(k.path, "%s; ignored", msg)
	}
}

// invalid reports a bad attribute value that is replaced by its default.
func (p *parser) invalid(k child, name, value, want string, def any) {
	p.warnf(k.path, "invalid %s=%q on <%s>: want %s; using the default %v", name, clip(value), k.name, want, def)
}

// str returns a string attribute, "" if absent.
func (p *parser) str(k child, name string) string {
	v, _ := k.attr(name)
	return v
}

// integer returns an integer attribute in [lo, hi], or def.
func (p *parser) integer(k child, name string, def, lo, hi int) int {
	v, ok := k.attr(name)
	if !ok {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < lo || n > hi {
		var want string
		switch {
		case hi < math.MaxInt32:
			want = fmt.Sprintf("an integer from %d to %d", lo, hi)
		case lo == 0:
			want = "a non-negative integer"
		case lo == 1:
			want = "a positive integer"
		default:
			want = fmt.Sprintf("an integer of at least %d", lo)
		}
		p.invalid(k, name, v, want, def)
		return def
	}
	return n
}

// boolean returns a "true"/"false" attribute (any case), or def.
func (p *parser) boolean(k child, name string, def bool) bool {
	v, ok := k.attr(name)
	if !ok {
		return def
	}
	switch {
	case strings.EqualFold(v, "true"):
		return true
	case strings.EqualFold(v, "false"):
		return false
	}
	p.invalid(k, name, v, `"true" or "false"`, def)
	return def
}

// oneOf returns an attribute whose value must be one of allowed (compared
// case-insensitively, returned as spelled in allowed), or def.
func (p *parser) oneOf(k child, name, def string, allowed ...string) string {
	v, ok := k.attr(name)
	if !ok {
		return def
	}
	for _, a := range allowed {
		if strings.EqualFold(v, a) {
			return a
		}
	}
	p.invalid(k, name, v, "one of "+strings.Join(allowed, ", "), def)
	return def
}

// method returns an HTTP method attribute: GET or POST, default POST.
func (p *parser) method(k child, name string) string {
	return p.oneOf(k, name, "POST", "GET", "POST")
}

// events returns a space-separated event-list attribute. Events not in
// allowed are dropped and reported in one warning.
func (p *parser) events(k child, name string, allowed set) []string {
	v, ok := k.attr(name)
	if !ok {
		return nil
	}
	var evs []string
	var bad []string
	for _, e := range strings.Fields(v) {
		if !allowed[e] {
			bad = append(bad, e)
			continue
		}
		evs = append(evs, e)
	}
	if len(bad) > 0 {
		msg := fmt.Sprintf("unknown event %q in %s on <%s>", clip(bad[0]), name, k.name)
		if len(bad) > 1 {
			msg += fmt.Sprintf(" (and %d more)", len(bad)-1)
		}
		p.warnf(k.path, "%s; ignored", msg)
	}
	return evs
}

// statusCallbacks reads the attributes shared by Number, Client and Sip.
func (p *parser) statusCallbacks(k child) StatusCallbacks {
	return StatusCallbacks{
		StatusCallback:       p.str(k, "statusCallback"),
		StatusCallbackMethod: p.method(k, "statusCallbackMethod"),
		StatusCallbackEvent:  p.events(k, "statusCallbackEvent", callEvents),
	}
}

const maxInt = math.MaxInt32 // keeps seconds * time.Second far from overflow

// response converts the root element.
func (p *parser) response(root *etree.Element) []Verb {
	k := child{el: root, name: "Response", path: "/Response"}
	p.checkAttrs(k)
	var verbs []Verb
	p.content(k, false, func(c child) {
		if v := p.verb(c); v != nil {
			verbs = append(verbs, v)
		}
	})
	return verbs
}

// verb converts a child of <Response>; nil means skipped.
func (p *parser) verb(c child) Verb {
	switch c.name {
	case "Say":
		return p.say(c)
	case "Play":
		return p.play(c)
	case "Pause":
		return p.pause(c)
	case "Redirect":
		return p.redirect(c)
	case "Hangup":
		p.checkAttrs(c)
		p.content(c, false, nil)
		return &Hangup{Node: c.node()}
	case "Reject":
		return p.reject(c)
	case "Leave":
		p.checkAttrs(c)
		p.content(c, false, nil)
		return &Leave{Node: c.node()}
	case "Gather":
		return p.gather(c)
	case "Dial":
		return p.dial(c)
	case "Enqueue":
		return p.enqueue(c)
	}
	p.skip(c, "Response")
	return nil
}

func (p *parser) say(k child) *Say {
	p.checkAttrs(k)
	s := &Say{
		Node:     k.node(),
		Voice:    p.str(k, "voice"),
		Language: p.str(k, "language"),
		Loop:     p.integer(k, "loop", 1, 0, maxInt),
	}
	var b strings.Builder
	p.sayText(k, &b)
	s.Text = trim(b.String())
	return s
}

// sayText appends the text of k and of its SSML descendants to b.
// Recursion is bounded by MaxDepth.
func (p *parser) sayText(k child, b *strings.Builder) {
	eachToken(k.el, k.path, func(s string) { b.WriteString(s) }, func(c child) {
		if ssmlTags[c.name] {
			p.sayText(c, b)
			return
		}
		p.skip(c, "Say")
	}, nil)
}

func (p *parser) play(k child) *Play {
	p.checkAttrs(k)
	return &Play{
		Node:   k.node(),
		Loop:   p.integer(k, "loop", 1, 0, maxInt),
		Digits: p.str(k, "digits"),
		URL:    p.content(k, true, nil),
	}
}

func (p *parser) pause(k child) *Pause {
	p.checkAttrs(k)
	v := &Pause{Node: k.node(), Length: p.integer(k, "length", 1, 1, maxInt)}
	p.content(k, false, nil)
	return v
}

func (p *parser) redirect(k child) *Redirect {
	p.checkAttrs(k)
	return &Redirect{
		Node:   k.node(),
		Method: p.method(k, "method"),
		URL:    p.content(k, true, nil),
	}
}

func (p *parser) reject(k child) *Reject {
	p.checkAttrs(k)
	v := &Reject{Node: k.node(), Reason: p.oneOf(k, "reason", "rejected", "rejected", "busy")}
	p.content(k, false, nil)
	return v
}

func (p *parser) gather(k child) *Gather {
	p.checkAttrs(k)
	g := &Gather{
		Node:                k.node(),
		Action:              p.str(k, "action"),
		Method:              p.method(k, "method"),
		NumDigits:           p.integer(k, "numDigits", 0, 1, maxInt),
		FinishOnKey:         p.finishOnKey(k),
		Timeout:             p.integer(k, "timeout", 5, 1, maxInt),
		Input:               p.input(k),
		ActionOnEmptyResult: p.boolean(k, "actionOnEmptyResult", false),
	}
	p.content(k, false, func(c child) {
		var v Verb
		switch c.name {
		case "Say":
			v = p.say(c)
		case "Play":
			v = p.play(c)
		case "Pause":
			v = p.pause(c)
		default:
			p.skip(c, "Gather")
			return
		}
		g.Children = append(g.Children, v)
	})
	return g
}

// finishOnKey reads Gather's finishOnKey: one of 0-9, # and *, or "" to
// disable it; default "#".
func (p *parser) finishOnKey(k child) string {
	const def = "#"
	v, ok := k.attr("finishOnKey")
	switch {
	case !ok:
		return def
	case v == "", len(v) == 1 && strings.Contains("0123456789#*", v):
		return v
	}
	p.invalid(k, "finishOnKey", v, `one of 0-9, #, * or ""`, def)
	return def
}

// input reads Gather's input: "dtmf", "speech" or both, space-separated;
// default "dtmf".
func (p *parser) input(k child) string {
	const def = "dtmf"
	v, ok := k.attr("input")
	if !ok {
		return def
	}
	fields := strings.Fields(v)
	valid := len(fields) == 1 || len(fields) == 2
	for i, f := range fields {
		f = strings.ToLower(f)
		if (f != "dtmf" && f != "speech") || (i == 1 && f == fields[0]) {
			valid = false
		}
		fields[i] = f
	}
	if !valid {
		p.invalid(k, "input", v, `"dtmf", "speech" or "dtmf speech"`, def)
		return def
	}
	return strings.Join(fields, " ")
}

func (p *parser) dial(k child) *Dial {
	p.checkAttrs(k)
	d := &Dial{
		Node:           k.node(),
		Action:         p.str(k, "action"),
		Method:         p.method(k, "method"),
		Timeout:        p.integer(k, "timeout", 30, 1, maxInt),
		TimeLimit:      p.integer(k, "timeLimit", 14400, 1, maxInt),
		HangupOnStar:   p.boolean(k, "hangupOnStar", false),
		CallerID:       p.str(k, "callerId"),
		AnswerOnBridge: p.boolean(k, "answerOnBridge", false),
		Sequential:     p.boolean(k, "sequential", false),
		Record: p.optOneOf(k, "record", "do-not-record", "do-not-record", "record-from-answer", "record-from-ringing",
			"record-from-answer-dual", "record-from-ringing-dual"),
		RingTone:       p.str(k, "ringTone"),
		RecordingTrack: p.optOneOf(k, "recordingTrack", "both", "inbound", "outbound", "both"),
		Trim:           p.optOneOf(k, "trim", "trim-silence", "trim-silence", "do-not-trim"),
	}
	d.RecordingStatusCallback, d.RecordingStatusCallbackMethod, d.RecordingStatusCallbackEvent = p.recordingCallbacks(k)
	sawNoun := false
	text := p.content(k, true, func(c child) {
		if dialNouns[c.name] {
			sawNoun = true
		}
		if n := p.noun(c); n != nil {
			d.Nouns = append(d.Nouns, n)
		}
	})
	if !sawNoun && text != "" {
		// <Dial>+15551234567</Dial> is short for a single <Number>. It has
		// no element of its own, so its path points at the text.
		d.Nouns = []Noun{&Number{
			Node:            Node{path: k.path + "/text()"},
			Number:          text,
			Method:          "POST",
			StatusCallbacks: StatusCallbacks{StatusCallbackMethod: "POST"},
		}}
	}
	return d
}

// noun converts a child of <Dial>; nil means skipped.
func (p *parser) noun(c child) Noun {
	switch c.name {
	case "Number":
		return p.number(c)
	case "Client":
		return p.client(c)
	case "Sip":
		return p.sip(c)
	case "Conference":
		return p.conference(c)
	case "Queue":
		return p.queue(c)
	case "Application":
		return p.application(c)
	}
	p.skip(c, "Dial")
	return nil
}

func (p *parser) number(k child) *Number {
	p.checkAttrs(k)
	return &Number{
		Node:            k.node(),
		URL:             p.str(k, "url"),
		Method:          p.method(k, "method"),
		SendDigits:      p.str(k, "sendDigits"),
		StatusCallbacks: p.statusCallbacks(k),
		Number:          p.content(k, true, nil),
	}
}

func (p *parser) client(k child) *Client {
	p.checkAttrs(k)
	c := &Client{
		Node:            k.node(),
		URL:             p.str(k, "url"),
		Method:          p.method(k, "method"),
		StatusCallbacks: p.statusCallbacks(k),
	}
	haveIdentity := false
	text := p.content(k, true, func(id child) {
		if id.name == "Parameter" {
			c.Params = p.parameter(id, c.Params)
			return
		}
		if id.name != "Identity" {
			p.skip(id, "Client")
			return
		}
		p.checkAttrs(id)
		v := p.content(id, true, nil)
		if haveIdentity {
			p.warnf(id.path, "more than one <Identity> in <Client>; skipped")
			return
		}
		c.Identity, haveIdentity = v, true
	})
	if !haveIdentity {
		c.Identity = text
	}
	return c
}

func (p *parser) sip(k child) *Sip {
	p.checkAttrs(k)
	return &Sip{
		Node:            k.node(),
		URL:             p.str(k, "url"),
		Method:          p.method(k, "method"),
		StatusCallbacks: p.statusCallbacks(k),
		URI:             p.content(k, true, nil),
	}
}

func (p *parser) conference(k child) *Conference {
	p.checkAttrs(k)
	c := &Conference{
		Node:                   k.node(),
		Muted:                  p.boolean(k, "muted", false),
		Beep:                   p.oneOf(k, "beep", "true", "true", "false", "onEnter", "onExit"),
		StartConferenceOnEnter: p.boolean(k, "startConferenceOnEnter", true),
		EndConferenceOnExit:    p.boolean(k, "endConferenceOnExit", false),
		WaitMethod:             p.method(k, "waitMethod"),
		MaxParticipants:        p.integer(k, "maxParticipants", 250, 2, 250),
		ParticipantLabel:       p.str(k, "participantLabel"),
		Coach:                  p.str(k, "coach"),
		Record:                 p.optOneOf(k, "record", "do-not-record", "do-not-record", "record-from-start"),
		Region:                 p.str(k, "region"),
		Trim:                   p.optOneOf(k, "trim", "trim-silence", "trim-silence", "do-not-trim"),
		JitterBufferSize:       p.str(k, "jitterBufferSize"),
		StatusCallback:         p.str(k, "statusCallback"),
		StatusCallbackMethod:   p.method(k, "statusCallbackMethod"),
		StatusCallbackEvent:    p.events(k, "statusCallbackEvent", conferenceEvents),
		Room:                   p.content(k, true, nil),
	}
	c.WaitURL, c.WaitURLSet = k.attr("waitUrl")
	c.RecordingStatusCallback, c.RecordingStatusCallbackMethod, c.RecordingStatusCallbackEvent = p.recordingCallbacks(k)
	return c
}

func (p *parser) queue(k child) *Queue {
	p.checkAttrs(k)
	return &Queue{
		Node:                k.node(),
		URL:                 p.str(k, "url"),
		Method:              p.method(k, "method"),
		ReservationSid:      p.str(k, "reservationSid"),
		PostWorkActivitySid: p.str(k, "postWorkActivitySid"),
		QueueName:           p.content(k, true, nil),
	}
}

func (p *parser) enqueue(k child) *Enqueue {
	p.checkAttrs(k)
	e := &Enqueue{
		Node:          k.node(),
		Action:        p.str(k, "action"),
		Method:        p.method(k, "method"),
		WaitURLMethod: p.method(k, "waitUrlMethod"),
		WorkflowSid:   p.str(k, "workflowSid"),
		QueueName:     p.content(k, true, nil),
	}
	e.WaitURL, e.WaitURLSet = k.attr("waitUrl")
	return e
}
