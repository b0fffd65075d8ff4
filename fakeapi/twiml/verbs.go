package twiml

// Verb is one executable TwiML instruction inside <Response> (or nested
// inside <Gather>). Every concrete verb type in this package implements it.
type Verb interface {
	// Path is the element's location in its document, e.g. "/Response/Dial[1]".
	Path() string
	// Name is the TwiML element name, e.g. "Dial".
	Name() string
}

// Noun is something a <Dial> connects to: Number, Client, Sip, Conference,
// Queue or Application.
type Noun interface {
	Path() string
	Name() string
}

// Node carries the location shared by every verb and noun.
type Node struct {
	path string
}

// Path returns the element path, e.g. "/Response/Dial[1]/Number[2]".
func (n Node) Path() string { return n.path }

// Document is a parsed TwiML <Response>.
type Document struct {
	// Verbs are the executable verbs in document order. Elements that were
	// skipped (unknown verbs, verbs misplaced in this context) are absent.
	Verbs []Verb
	// Warnings are the 12200 schema-validation warnings found while parsing:
	// unknown verbs or attributes, unexpected nested elements. The offending
	// element or attribute was ignored, as Twilio does.
	Warnings []Warning
}

// Warning is a non-fatal problem in a document (Twilio's 12200, "Schema
// validation warning").
type Warning struct {
	Code    int    // 12200
	Path    string // element path, e.g. "/Response/Sya[1]"
	Message string // e.g. `unknown verb <Sya>`
}

// Say speaks text. Loop 0 means "forever"; the default is 1.
type Say struct {
	Node
	Text     string
	Voice    string
	Language string
	Loop     int
}

// Play plays an audio URL. Loop 0 means "forever"; the default is 1.
// Digits, when set, plays DTMF tones instead of a URL.
type Play struct {
	Node
	URL    string
	Loop   int
	Digits string
}

// Pause waits silently. Length is in seconds, default 1.
type Pause struct {
	Node
	Length int
}

// Redirect transfers control to the TwiML at URL. Method defaults to POST.
// An empty URL means the current document's URL.
type Redirect struct {
	Node
	URL    string
	Method string
}

// Hangup ends the call.
type Hangup struct{ Node }

// Reject refuses an incoming call without answering it. Reason is
// "rejected" (the default) or "busy".
type Reject struct {
	Node
	Reason string
}

// Leave takes the call out of the queue it waits in (only meaningful in an
// <Enqueue> waitUrl document).
type Leave struct{ Node }

// Gather collects DTMF digits while playing its nested Say, Play and Pause.
type Gather struct {
	Node
	Action              string // default: the current document URL
	Method              string // default POST
	NumDigits           int    // 0 = unlimited (until finishOnKey or timeout)
	FinishOnKey         string // default "#"; "" disables it
	Timeout             int    // seconds of silence after the prompts, default 5
	Input               string // default "dtmf"
	ActionOnEmptyResult bool
	Children            []Verb // Say, Play, Pause only
}

// Dial connects the current call to another party.
type Dial struct {
	Node
	Action         string // no default: without it the call continues with the next verb
	Method         string // default POST
	Timeout        int    // ring seconds, default 30
	TimeLimit      int    // maximum bridged seconds, default 14400
	HangupOnStar   bool
	CallerID       string
	AnswerOnBridge bool
	// Sequential dials the nouns one after another, each for Timeout,
	// instead of all at once (default false).
	Sequential bool
	RingTone   string
	Nouns      []Noun // bare text in <Dial> becomes one *Number
	// Record is do-not-record (or ""), record-from-answer,
	// record-from-ringing, record-from-answer-dual or
	// record-from-ringing-dual; the other recording attributes go with it.
	Record                        string
	RecordingStatusCallback       string
	RecordingStatusCallbackMethod string   // "" when absent: POST
	RecordingStatusCallbackEvent  []string // in-progress completed absent
	RecordingTrack                string   // inbound, outbound, both ("" when absent: both)
	Trim                          string   // trim-silence, do-not-trim ("" when absent: trim-silence)
}

// StatusCallbacks are the call-progress callback attributes shared by the
// Number, Client and Sip nouns.
type StatusCallbacks struct {
	StatusCallback       string
	StatusCallbackMethod string   // default POST
	StatusCallbackEvent  []string // space-separated in the attribute
}

// Number dials a phone number. URL, if set, runs on the called party after
// it answers and before it is bridged (a "whisper").
type Number struct {
	Node
	Number     string
	URL        string
	Method     string // default POST
	SendDigits string
	StatusCallbacks
}

// Client dials a Twilio Client identity: a Voice SDK device. Params are
// its <Parameter> children, the custom parameters the device receives.
type Client struct {
	Node
	Identity string
	URL      string
	Method   string
	StatusCallbacks
	Params []Parameter
}

// Sip dials a SIP URI.
type Sip struct {
	Node
	URI    string
	URL    string
	Method string
	StatusCallbacks
}

// Conference joins the call to a named conference room.
type Conference struct {
	Node
	Room                   string // the conference's friendly name (element text)
	Muted                  bool
	Beep                   string // true (default), false, onEnter, onExit
	StartConferenceOnEnter bool   // default true
	EndConferenceOnExit    bool
	WaitURL                string
	WaitURLSet             bool   // true when the attribute is present (even as "")
	WaitMethod             string // default POST
	MaxParticipants        int    // default 250
	ParticipantLabel       string
	Coach                  string
	Record                 string // do-not-record or record-from-start
	// The recording's status callbacks, with Record.
	RecordingStatusCallback       string
	RecordingStatusCallbackMethod string   // "" when absent: POST
	RecordingStatusCallbackEvent  []string // in-progress completed absent
	Region                        string
	Trim                          string
	JitterBufferSize              string
	StatusCallback                string
	StatusCallbackMethod          string   // default POST
	StatusCallbackEvent           []string // start end join leave mute hold modify speaker announcement
}

// Queue, inside <Dial>, bridges the call with the front member of a queue.
// URL runs on the dequeued (waiting) caller before the bridge.
type Queue struct {
	Node
	QueueName           string // element text
	URL                 string
	Method              string // default POST
	ReservationSid      string
	PostWorkActivitySid string
}

// Enqueue puts the call into a named queue.
type Enqueue struct {
	Node
	QueueName     string // element text
	Action        string
	Method        string // default POST
	WaitURL       string
	WaitURLSet    bool   // true when the attribute is present (even as "")
	WaitURLMethod string // default POST
	WorkflowSid   string
}

// Name implementations.

func (*Say) Name() string        { return "Say" }
func (*Play) Name() string       { return "Play" }
func (*Pause) Name() string      { return "Pause" }
func (*Redirect) Name() string   { return "Redirect" }
func (*Hangup) Name() string     { return "Hangup" }
func (*Reject) Name() string     { return "Reject" }
func (*Leave) Name() string      { return "Leave" }
func (*Gather) Name() string     { return "Gather" }
func (*Dial) Name() string       { return "Dial" }
func (*Number) Name() string     { return "Number" }
func (*Client) Name() string     { return "Client" }
func (*Sip) Name() string        { return "Sip" }
func (*Conference) Name() string { return "Conference" }
func (*Queue) Name() string      { return "Queue" }
func (*Enqueue) Name() string    { return "Enqueue" }
