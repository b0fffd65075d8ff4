package sim

// KindFault marks a trace entry about a fault a test injected: a REST
// request the fake answered with an error or a delay on purpose.
const KindFault EntryKind = "fault"

// NoteFault records in the trace that an injected fault answered a
// request, with the Twilio error code it answered (0 for a delay alone).
// callSid names the call the request was about, if any.
func (e *Engine) NoteFault(callSid string, code int, text string) {
	var c *Call
	if callSid != "" {
		c = e.calls[callSid]
	}
	e.traceCode(c, KindFault, code, "%s", text)
	if c == nil && callSid != "" {
		e.trace.at(e.trace.len() - 1).Call = callSid
	}
}
