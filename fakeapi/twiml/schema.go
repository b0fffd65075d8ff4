package twiml

import "strings"

// set is a set of names.
type set map[string]bool

func newSet(names ...string) set {
	s := make(set, len(names))
	for _, n := range names {
		s[n] = true
	}
	return s
}

// modelledVerbs are the verbs Parse turns into a Verb.
var modelledVerbs = newSet("Say", "Play", "Pause", "Redirect", "Hangup", "Reject", "Leave", "Gather", "Dial", "Enqueue")

// modelledNouns are the <Dial> nouns Parse turns into a Noun.
var modelledNouns = newSet("Number", "Client", "Sip", "Conference", "Queue", "Application")

// unmodelled are Twilio voice TwiML elements holdlab knows about but does
// not model. They are skipped with a "not modelled" warning rather than
// an "unknown verb" one.
var unmodelled = newSet(
	"Record", "Connect", "Pay", "Prompt", "Refer", "Sms", "Message",
	"Start", "Stop", "Echo", "Siprec", "Stream", "Transcription",
	"ConversationRelay", "VirtualAgent", "Autopilot", "Room", "Conversation",
	"WhatsApp", "Task",
)

// unmodelledChildren are, per parent, the unmodelled elements Twilio allows
// there. Elsewhere (except directly in <Response>) they are "not allowed".
var unmodelledChildren = map[string]set{
	"Dial":    newSet("WhatsApp"),
	"Enqueue": newSet("Task"),
}

// dialNouns are all the elements Twilio allows inside <Dial>.
var dialNouns = newSet("Number", "Client", "Sip", "Conference", "Queue", "Application", "WhatsApp")

// gatherChildren are the verbs allowed inside <Gather>.
var gatherChildren = newSet("Say", "Play", "Pause")

// ssmlTags are the SSML elements allowed inside <Say>; their text is part
// of the spoken text, their attributes are not checked.
var ssmlTags = newSet(
	"break", "emphasis", "lang", "p", "phoneme", "prosody", "s",
	"say-as", "sub", "w", "amazon:domain", "amazon:effect",
)

// knownElements maps the lower-case form of every TwiML element name to its
// spelling, to suggest the right case for a misspelled one.
var knownElements = func() map[string]string {
	m := make(map[string]string)
	for _, s := range []set{modelledVerbs, modelledNouns, unmodelled, newSet("Response", "Identity", "ApplicationSid", "Parameter")} {
		for n := range s {
			m[strings.ToLower(n)] = n
		}
	}
	return m
}()

// isKnownElement reports whether name is a TwiML element name.
func isKnownElement(name string) bool {
	return knownElements[strings.ToLower(name)] == name
}

// Attributes shared by several elements.
var (
	statusCallbackAttrs = []string{"statusCallback", "statusCallbackMethod", "statusCallbackEvent"}
	recordingAttrs      = []string{"recordingStatusCallback", "recordingStatusCallbackMethod", "recordingStatusCallbackEvent"}
	amdAttrs            = []string{
		"machineDetection", "machineDetectionTimeout", "machineDetectionSpeechThreshold",
		"machineDetectionSpeechEndThreshold", "machineDetectionSilenceTimeout",
		"amdStatusCallback", "amdStatusCallbackMethod",
	}
)

func concat(lists ...[]string) []string {
	var all []string
	for _, l := range lists {
		all = append(all, l...)
	}
	return all
}

// attrSpecs are, per element, the attributes Twilio documents. Attributes
// holdlab does not model are listed too, so that using them does not warn.
// Names are case-sensitive.
var attrSpecs = map[string]set{
	"Response": newSet(),
	"Say":      newSet("voice", "language", "loop"),
	"Play":     newSet("loop", "digits"),
	"Pause":    newSet("length"),
	"Redirect": newSet("method"),
	"Hangup":   newSet(),
	"Reject":   newSet("reason"),
	"Leave":    newSet(),
	"Gather": newSet(
		"action", "method", "numDigits", "finishOnKey", "timeout", "input", "actionOnEmptyResult",
		// Documented, not modelled.
		"hints", "language", "partialResultCallback", "partialResultCallbackMethod",
		"profanityFilter", "speechTimeout", "speechModel", "enhanced", "bargeIn", "debug", "maxSpeechTime",
	),
	"Dial": newSet(concat(
		[]string{"action", "method", "timeout", "timeLimit", "hangupOnStar", "callerId", "answerOnBridge", "record", "ringTone", "sequential"},
		recordingAttrs, []string{"recordingTrack", "trim"},
		// Documented, not modelled.
		[]string{"referUrl", "referMethod", "callReason"},
	)...),
	"Number": newSet(concat(
		[]string{"url", "method", "sendDigits"}, statusCallbackAttrs,
		// Documented, not modelled.
		[]string{"byoc"}, amdAttrs,
	)...),
	"Client":   newSet(concat([]string{"url", "method"}, statusCallbackAttrs)...),
	"Identity": newSet(),
	"Application": newSet(concat(
		[]string{"url", "method", "copyParentTo"}, statusCallbackAttrs,
		// Documented, not modelled.
		[]string{"customerId"},
	)...),
	"ApplicationSid": newSet(),
	"Parameter":      newSet("name", "value"),
	"Sip": newSet(concat(
		[]string{"url", "method"}, statusCallbackAttrs,
		// Documented, not modelled.
		[]string{"username", "password"}, amdAttrs,
	)...),
	"Conference": newSet(concat(
		[]string{
			"muted", "beep", "startConferenceOnEnter", "endConferenceOnExit", "waitUrl", "waitMethod",
			"maxParticipants", "participantLabel", "coach", "record", "region", "trim", "jitterBufferSize",
		},
		statusCallbackAttrs, recordingAttrs,
		// Documented, not modelled.
		[]string{"eventCallbackUrl"},
	)...),
	"Queue":   newSet("url", "method", "reservationSid", "postWorkActivitySid"),
	"Enqueue": newSet("action", "method", "waitUrl", "waitUrlMethod", "workflowSid"),
}

// Valid statusCallbackEvent values.
var (
	callEvents       = newSet("initiated", "ringing", "answered", "completed")
	conferenceEvents = newSet("start", "end", "join", "leave", "mute", "hold", "modify", "speaker", "announcement")
	recordingEvents  = newSet("in-progress", "completed", "absent")
)
