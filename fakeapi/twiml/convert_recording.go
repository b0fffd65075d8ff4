package twiml

// The attributes of recordings, on <Dial> and <Conference>
// (https://www.twilio.com/docs/voice/twiml/dial#record,
// https://www.twilio.com/docs/voice/twiml/conference#record).

// optOneOf is oneOf for an attribute whose absence the verb keeps as ""
// (its consumer applies the default): "" when absent, else one of allowed,
// or def when the value is none of them.
func (p *parser) optOneOf(k child, name, def string, allowed ...string) string {
	if _, ok := k.attr(name); !ok {
		return ""
	}
	return p.oneOf(k, name, def, allowed...)
}

// recordingCallbacks reads recordingStatusCallback, its method ("" when
// absent) and its events.
func (p *parser) recordingCallbacks(k child) (url, method string, events []string) {
	if _, ok := k.attr("recordingStatusCallbackMethod"); ok {
		method = p.method(k, "recordingStatusCallbackMethod")
	}
	return p.str(k, "recordingStatusCallback"), method, p.events(k, "recordingStatusCallbackEvent", recordingEvents)
}
