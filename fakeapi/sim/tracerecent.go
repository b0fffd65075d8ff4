package sim

import "strings"

// What a call heard and what the trace said of it lately, kept so that
// what comes back is not rendered and allocated again. A party put on
// hold and taken off hold again and again goes through the same few
// hearings, and the same trace lines: its hold, the hold music's request
// and the conference's callbacks. Trace text is a string, never modified,
// so entries share it safely; the trace reads the same.

// recentLines are a call's latest hearings and trace lines.
type recentLines struct {
	// heard are the hearings it changed to last, newest first (rehear).
	heard [4]*heardLine
	// lines are trace lines about it, the oldest replaced first.
	lines [8]string
	next  int // the slot of lines replaced next
}

// recentLines returns c's, making them at its first use; nil once c has
// ended, which lets go of them: an ended call's record may be kept long
// after the trace forgot its lines (Config.TraceLimit), and it has few
// lines left to say.
func (c *Call) recentLines() *recentLines {
	switch {
	case !c.Live():
		c.recent = nil
	case c.recent == nil:
		c.recent = new(recentLines)
	}
	return c.recent
}

// sharedLine returns b as a string: one of c's recent lines if it is the
// same text, else a new one that it keeps. c may be nil, or ended: then
// the string is new.
func (e *Engine) sharedLine(c *Call, b []byte) string {
	var rl *recentLines
	if c != nil {
		rl = c.recentLines()
	}
	if rl == nil {
		return string(b)
	}
	for _, s := range rl.lines {
		if s == string(b) { // compared in place: no string is made
			return s
		}
	}
	s := string(b)
	rl.lines[rl.next] = s
	rl.next = (rl.next + 1) % len(rl.lines)
	return s
}

// recentRefs are the latest WebhookRefs of the trace, the oldest replaced
// first: the same requests and answers come back (the hold music's
// request, the conference's callbacks), whatever the call.
type recentRefs struct {
	refs [8]*WebhookRef
	next int
}

// webhookRef returns the reference of the trace entry of eff answered by
// r: a recent one if it is the same, else a new one that it keeps.
// Entries share it: a WebhookRef is never modified.
func (e *Engine) webhookRef(eff *Effect, r Result) *WebhookRef {
	rr := &e.hookRefs
	for _, ref := range rr.refs {
		if ref != nil && ref.StatusCode == r.StatusCode && ref.Purpose == eff.Purpose && ref.Method == eff.Method &&
			ref.URL == eff.URL && ref.ContentType == r.ContentType {
			return ref
		}
	}
	ref := &WebhookRef{Purpose: eff.Purpose, Method: eff.Method, URL: eff.URL, StatusCode: r.StatusCode, ContentType: r.ContentType}
	rr.refs[rr.next] = ref
	rr.next = (rr.next + 1) % len(rr.refs)
	return ref
}

// recentParties are the parties of c's latest party hearing, for
// roomHeardBy to reuse; nil if none.
func (c *Call) recentParties() []string {
	if c.recent != nil {
		for _, l := range c.recent.heard {
			if l != nil && l.h.Kind == HearParty {
				return l.h.Parties
			}
		}
	}
	return nil
}

// recentDetail is the concatenation of parts, as the Detail of a recent
// hearing of c if one says the same.
func (c *Call) recentDetail(parts ...string) string {
	if c.recent != nil {
		for _, l := range c.recent.heard {
			if l != nil && isConcat(l.h.Detail, parts...) {
				return l.h.Detail
			}
		}
	}
	return strings.Join(parts, "")
}
