package sim

import (
	"net/url"
	"slices"
	"time"
)

// What the engine's webhooks carry: Twilio's standard request parameters,
// a call's status callbacks, and the summary of parameters in the trace.

// paramSet builds a webhook's url.Values with every value in one array:
// one allocation for the values instead of one per parameter. Each value
// is a slice of capacity 1, so that appending to it (url.Values.Add)
// copies it and never overwrites its neighbour.
type paramSet struct {
	v    url.Values
	vals []string
}

// newParamSet returns a paramSet with room for n parameters: one a driver
// has released (Release) if there is one, else a new one. A map made for
// up to 14 entries has 16 slots, one for 15 or 16 has 32, twice the memory
// to clear: n should be what the webhook usually carries.
func (e *Engine) newParamSet(n int) paramSet {
	if k := len(e.spareParams); k > 0 {
		p := e.spareParams[k-1]
		e.spareParams[k-1] = paramSet{}
		e.spareParams = e.spareParams[:k-1]
		return p
	}
	return paramSet{v: make(url.Values, n), vals: make([]string, 0, n)}
}

// maxSpare bounds the released effects, and parameter sets, kept for
// reuse: a step emits a few webhooks, a driver performs them one by one,
// and concurrent callers may make a few more wait their turn.
const maxSpare = 32

// Release tells the engine that the driver is done with eff, whose answer
// it has delivered: neither eff nor its Params will be read again. The
// engine may then reuse eff, and the storage of its Params (a map and an
// array of values), for a later webhook: most of what emitting one
// allocates. eff is zeroed (its Params nil) until reused. Calling it, once
// per effect, is optional: a driver that keeps its effects, or their
// parameters, does not call it.
func (e *Engine) Release(eff *Effect) {
	if eff.ID == 0 {
		return // released already
	}
	if _, waiting := e.pending[eff.ID]; waiting {
		return // not delivered: the engine may still read it
	}
	s := eff.own
	*eff = Effect{}
	if len(e.spareEffects) < maxSpare {
		e.spareEffects = append(e.spareEffects, eff)
	}
	// A map that grew past two groups' worth of entries costs more to
	// clear than a new one: leave it to the collector.
	if s.v == nil || len(s.v) > maxParamsSmall+2 || len(e.spareParams) == maxSpare {
		return
	}
	clear(s.v)
	clear(s.vals)
	e.spareParams = append(e.spareParams, paramSet{v: s.v, vals: s.vals[:0]})
}

// set sets k to the single value s.
func (p *paramSet) set(k, s string) {
	p.vals = append(p.vals, s)
	n := len(p.vals)
	p.v[k] = p.vals[n-1 : n : n]
}

// maxParamsSmall is the most entries a map has room for without growing
// past 16 slots.
const maxParamsSmall = 14

// callParams are Twilio's standard voice request parameters for c.
func (e *Engine) callParams(c *Call) paramSet {
	// Room for the few parameters callers add (conference, Dial* and
	// Queue* parameters), so that the map rarely grows.
	p := e.newParamSet(maxParamsSmall)
	e.addCallParams(&p, c)
	return p
}

// addCallParams sets Twilio's standard voice request parameters for c.
func (e *Engine) addCallParams(p *paramSet, c *Call) {
	p.set("AccountSid", e.cfg.AccountSid)
	p.set("ApiVersion", "2010-04-01")
	p.set("CallSid", c.Sid)
	p.set("CallStatus", string(c.Status))
	p.set("Direction", string(c.Direction))
	p.set("From", c.From)
	p.set("To", c.To)
	p.set("Caller", c.From)
	p.set("Called", c.To)
	if c.ParentCallSid != "" {
		p.set("ParentCallSid", c.ParentCallSid)
	}
}

// callback sends a status callback for a call-progress event, if the call
// subscribed to it.
func (e *Engine) callback(c *Call, event string) {
	if c.StatusCallback == "" || !c.StatusCallbackEvents[event] {
		return
	}
	n := maxParamsSmall // 9 or 10 standard parameters and 3 of the callback's
	if event == "completed" {
		n += 2
	}
	p := e.newParamSet(n)
	e.addCallParams(&p, c)
	if event == "initiated" {
		p.set("CallStatus", "initiated")
	}
	p.set("CallbackSource", "call-progress-events")
	p.set("SequenceNumber", itoa(c.callbackSeq))
	p.set("Timestamp", e.timestamp())
	c.callbackSeq++
	if event == "completed" {
		d, _ := c.Duration()
		secs := int(d / time.Second)
		p.set("CallDuration", itoa(secs))
		p.set("Duration", itoa((secs+59)/60)) // INFERRED: billed minutes
	}
	e.emitSet(EffectCallback, c, c.StatusCallback, c.StatusCallbackMethod, p, callbackPurpose(event), nil)
}

// callbackPurpose is the Purpose of a status callback for event, without
// building the string for the events the engine sends.
func callbackPurpose(event string) string {
	switch event {
	case "initiated":
		return "status callback (initiated)"
	case "ringing":
		return "status callback (ringing)"
	case "answered":
		return "status callback (answered)"
	case "completed":
		return "status callback (completed)"
	}
	return "status callback (" + event + ")"
}

// timestamp renders the current instant as a callback's Timestamp
// (RFC 1123 with a numeric zone). Callbacks of one instant share it.
func (e *Engine) timestamp() string {
	if e.stamp.at != e.now || e.stamp.text == "" {
		e.stamp.at, e.stamp.text = e.now, e.now.Format(time.RFC1123Z)
	}
	return e.stamp.text
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
	var buf [256]byte
	return string(appendSummary(buf[:0], v))
}

// appendSummary appends paramSummary(v) to dst.
func appendSummary(dst []byte, v url.Values) []byte {
	var arr [24]string // the keys, sorted, without allocating for most webhooks
	keys := arr[:0]
	for k := range v {
		if !standardParam(k) {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	for i, k := range keys {
		if i > 0 {
			dst = append(dst, ' ')
		}
		dst = append(dst, k...)
		dst = append(dst, '=')
		dst = append(dst, v.Get(k)...)
	}
	return dst
}
