package sim

import (
	"net/url"
	"slices"
	"strings"
	"time"
)

// What the engine's webhooks carry: Twilio's standard request parameters,
// a call's status callbacks, and the summary of parameters in the trace.

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
