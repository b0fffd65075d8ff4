package twiml

import (
	"encoding/xml"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/beevik/etree"
)

// at builds the Node of an expected verb or noun.
func at(path string) Node { return Node{path: path} }

// resp wraps body in a <Response> element.
func resp(body string) string { return "<Response>" + body + "</Response>" }

// dump formats verbs (recursively through Gather and Dial) for messages.
func dump(verbs []Verb) string {
	if len(verbs) == 0 {
		return "(no verbs)"
	}
	var b strings.Builder
	for _, v := range verbs {
		fmt.Fprintf(&b, "\n\t%T%+v", v, reflect.ValueOf(v).Elem().Interface())
	}
	return b.String()
}

func dumpWarnings(ws []Warning) string {
	if len(ws) == 0 {
		return "(no warnings)"
	}
	var b strings.Builder
	for _, w := range ws {
		b.WriteString("\n\t")
		b.WriteString(w.String())
	}
	return b.String()
}

// checkWarnings compares warnings by path and message substring.
func checkWarnings(t *testing.T, got, want []Warning) {
	t.Helper()
	ok := len(got) == len(want)
	for i := 0; ok && i < len(got); i++ {
		ok = got[i].Code == CodeSchemaWarning && got[i].Path == want[i].Path &&
			strings.Contains(got[i].Message, want[i].Message)
	}
	if !ok {
		t.Errorf("warnings:\ngot:  %s\nwant (message substrings): %s", dumpWarnings(got), dumpWarnings(want))
	}
}

// warn builds an expected warning; msg is a substring of the message.
func warn(path, msg string) Warning {
	return Warning{Code: CodeSchemaWarning, Path: path, Message: msg}
}

// number is a <Number> noun with its defaults.
func number(path, n string) *Number {
	return &Number{Node: at(path), Number: n, Method: "POST", StatusCallbacks: StatusCallbacks{StatusCallbackMethod: "POST"}}
}

// dial is a <Dial> with its defaults.
func dial(path string, nouns ...Noun) *Dial {
	return &Dial{Node: at(path), Method: "POST", Timeout: 30, TimeLimit: 14400, Nouns: nouns}
}

// gather is a <Gather> with its defaults.
func gather(path string, children ...Verb) *Gather {
	return &Gather{Node: at(path), Method: "POST", FinishOnKey: "#", Timeout: 5, Input: "dtmf", Children: children}
}

// conference is a <Conference> with its defaults.
func conference(path, room string) *Conference {
	return &Conference{
		Node: at(path), Room: room, Beep: "true", StartConferenceOnEnter: true,
		WaitMethod: "POST", MaxParticipants: 250, StatusCallbackMethod: "POST",
	}
}

func TestParse(t *testing.T) {
	tests := []struct {
		name  string
		in    string
		want  []Verb
		warns []Warning
	}{
		// Documents.
		{name: "empty Response", in: `<Response/>`},
		{name: "empty Response with end tag", in: `<Response></Response>`},
		{
			name: "XML declaration",
			in:   `<?xml version="1.0" encoding="UTF-8"?>` + "\n" + resp(`<Hangup/>`),
			want: []Verb{&Hangup{Node: at("/Response/Hangup[1]")}},
		},
		{
			name: "lower-case utf-8 and US-ASCII encodings",
			in:   `<?xml version="1.0" encoding="us-ascii"?><Response><Say>x</Say></Response>`,
			want: []Verb{&Say{Node: at("/Response/Say[1]"), Text: "x", Loop: 1}},
		},
		{
			name: "UTF-8 byte order mark before the declaration",
			in:   "\xef\xbb\xbf" + `<?xml version="1.0" encoding="utf-8"?>` + resp(`<Leave/>`),
			want: []Verb{&Leave{Node: at("/Response/Leave[1]")}},
		},
		{
			name: "whitespace, comments and processing instructions are ignored",
			in:   "<?xml version=\"1.0\"?>\n<!-- top -->\n<?app x?>\n<Response>\n  <!-- c --><?app y?>\n  <Say>a<!-- inside -->b</Say>\n</Response>\n<!-- after -->\n",
			want: []Verb{&Say{Node: at("/Response/Say[1]"), Text: "ab", Loop: 1}},
		},
		{
			name: "namespace declaration on Response is not an attribute",
			in:   `<Response xmlns="http://www.twilio.com/twiml"><Hangup/></Response>`,
			want: []Verb{&Hangup{Node: at("/Response/Hangup[1]")}},
		},
		{
			name: "entities, character references and CDATA in text",
			in:   resp(`<Say>Tom &amp; Jerry &lt;3 &#x41;&#66; <![CDATA[<raw> & ok]]></Say>`),
			want: []Verb{&Say{Node: at("/Response/Say[1]"), Text: "Tom & Jerry <3 AB <raw> & ok", Loop: 1}},
		},

		// Say.
		{
			name: "Say defaults, text trimmed",
			in:   resp("<Say>\n   Hello there \t</Say>"),
			want: []Verb{&Say{Node: at("/Response/Say[1]"), Text: "Hello there", Loop: 1}},
		},
		{
			name: "Say attributes, loop 0 is forever",
			in:   resp(`<Say voice="Polly.Joanna" language="en-GB" loop="0">Hi</Say>`),
			want: []Verb{&Say{Node: at("/Response/Say[1]"), Text: "Hi", Voice: "Polly.Joanna", Language: "en-GB", Loop: 0}},
		},
		{
			name: "Say with SSML keeps its text",
			in:   resp(`<Say>Hi <break time="1s"/><emphasis level="strong">there</emphasis>, <prosody rate="slow"><say-as interpret-as="digits">12</say-as></prosody></Say>`),
			want: []Verb{&Say{Node: at("/Response/Say[1]"), Text: "Hi there, 12", Loop: 1}},
		},
		{
			name: "empty Say",
			in:   resp(`<Say/>`),
			want: []Verb{&Say{Node: at("/Response/Say[1]"), Loop: 1}},
		},

		// Play, Pause.
		{
			name: "Play defaults",
			in:   resp(`<Play> https://example.com/music.mp3 </Play>`),
			want: []Verb{&Play{Node: at("/Response/Play[1]"), URL: "https://example.com/music.mp3", Loop: 1}},
		},
		{
			name: "Play loop and digits",
			in:   resp(`<Play loop="3">a.mp3</Play><Play digits="ww1234#"/>`),
			want: []Verb{
				&Play{Node: at("/Response/Play[1]"), URL: "a.mp3", Loop: 3},
				&Play{Node: at("/Response/Play[2]"), Digits: "ww1234#", Loop: 1},
			},
		},
		{
			name: "Pause default and length",
			in:   resp(`<Pause/><Pause length="10"/>`),
			want: []Verb{
				&Pause{Node: at("/Response/Pause[1]"), Length: 1},
				&Pause{Node: at("/Response/Pause[2]"), Length: 10},
			},
		},

		// Redirect, Hangup, Reject, Leave.
		{
			name: "Redirect defaults: POST, empty URL",
			in:   resp(`<Redirect/>`),
			want: []Verb{&Redirect{Node: at("/Response/Redirect[1]"), Method: "POST"}},
		},
		{
			name: "Redirect method and URL",
			in:   resp("<Redirect method=\"get\">\n  /hold?x=1&amp;y=2\n</Redirect>"),
			want: []Verb{&Redirect{Node: at("/Response/Redirect[1]"), Method: "GET", URL: "/hold?x=1&y=2"}},
		},
		{
			name: "Hangup and Leave",
			in:   resp(`<Leave/><Hangup></Hangup>`),
			want: []Verb{&Leave{Node: at("/Response/Leave[1]")}, &Hangup{Node: at("/Response/Hangup[1]")}},
		},
		{
			name: "Reject default and busy",
			in:   resp(`<Reject/><Reject reason="busy"/>`),
			want: []Verb{
				&Reject{Node: at("/Response/Reject[1]"), Reason: "rejected"},
				&Reject{Node: at("/Response/Reject[2]"), Reason: "busy"},
			},
		},

		// Gather.
		{
			name: "Gather defaults",
			in:   resp(`<Gather/>`),
			want: []Verb{gather("/Response/Gather[1]")},
		},
		{
			name: "Gather attributes and nested Say, Play, Pause",
			in: resp(`<Gather action="/menu" method="GET" numDigits="1" finishOnKey="*" timeout="3" input="speech dtmf" actionOnEmptyResult="TRUE" hints="a, b" language="fr-FR" speechTimeout="auto">` +
				`<Say>Press 1</Say><Pause length="2"/><Play>beep.wav</Play><Say>or 2</Say></Gather>`),
			want: []Verb{&Gather{
				Node: at("/Response/Gather[1]"), Action: "/menu", Method: "GET", NumDigits: 1, FinishOnKey: "*",
				Timeout: 3, Input: "speech dtmf", ActionOnEmptyResult: true,
				Children: []Verb{
					&Say{Node: at("/Response/Gather[1]/Say[1]"), Text: "Press 1", Loop: 1},
					&Pause{Node: at("/Response/Gather[1]/Pause[1]"), Length: 2},
					&Play{Node: at("/Response/Gather[1]/Play[1]"), URL: "beep.wav", Loop: 1},
					&Say{Node: at("/Response/Gather[1]/Say[2]"), Text: "or 2", Loop: 1},
				},
			}},
		},
		{
			name: "Gather finishOnKey present but empty disables it",
			in:   resp(`<Gather finishOnKey=""/>`),
			want: []Verb{func() Verb { g := gather("/Response/Gather[1]"); g.FinishOnKey = ""; return g }()},
		},

		// Dial and nouns.
		{
			name: "Dial with bare number text",
			in:   resp(`<Dial> +15551234567 </Dial>`),
			want: []Verb{dial("/Response/Dial[1]", number("/Response/Dial[1]/text()", "+15551234567"))},
		},
		{
			name: "Dial defaults with a Number noun",
			in:   resp(`<Dial><Number>+15551230000</Number></Dial>`),
			want: []Verb{dial("/Response/Dial[1]", number("/Response/Dial[1]/Number[1]", "+15551230000"))},
		},
		{
			name: "Dial text is ignored when there are nouns",
			in:   resp(`<Dial>+15550000000<Number>+15551111111</Number></Dial>`),
			want: []Verb{dial("/Response/Dial[1]", number("/Response/Dial[1]/Number[1]", "+15551111111"))},
		},
		{
			name: "empty Dial",
			in:   resp(`<Dial/>`),
			want: []Verb{dial("/Response/Dial[1]")},
		},
		{
			name: "Dial attributes, recording ones, documented unmodelled ones accepted",
			in: resp(`<Dial action="/after" method="GET" timeout="10" timeLimit="600" hangupOnStar="true" callerId="+15550001111" ` +
				`answerOnBridge="True" record="record-from-answer" ringTone="uk" recordingStatusCallback="/rec" ` +
				`recordingStatusCallbackMethod="GET" recordingStatusCallbackEvent="completed" recordingTrack="both" trim="trim-silence" ` +
				`referUrl="/refer" referMethod="GET" callReason="test" sequential="true">+15552220000</Dial>`),
			want: []Verb{&Dial{
				Node: at("/Response/Dial[1]"), Action: "/after", Method: "GET", Timeout: 10, TimeLimit: 600,
				HangupOnStar: true, CallerID: "+15550001111", AnswerOnBridge: true, Sequential: true, Record: "record-from-answer", RingTone: "uk",
				RecordingStatusCallback: "/rec", RecordingStatusCallbackMethod: "GET", RecordingStatusCallbackEvent: []string{"completed"},
				RecordingTrack: "both", Trim: "trim-silence",
				Nouns: []Noun{number("/Response/Dial[1]/text()", "+15552220000")},
			}},
		},
		{
			name: "Number attributes",
			in: resp(`<Dial><Number url="/whisper" method="GET" sendDigits="ww12" statusCallback="/status" statusCallbackMethod="GET" ` +
				`statusCallbackEvent="initiated  ringing answered completed" machineDetection="Enable" byoc="BY123">+15553330000</Number></Dial>`),
			want: []Verb{dial("/Response/Dial[1]", &Number{
				Node: at("/Response/Dial[1]/Number[1]"), Number: "+15553330000", URL: "/whisper", Method: "GET", SendDigits: "ww12",
				StatusCallbacks: StatusCallbacks{
					StatusCallback: "/status", StatusCallbackMethod: "GET",
					StatusCallbackEvent: []string{"initiated", "ringing", "answered", "completed"},
				},
			})},
		},
		{
			name: "Client with text, Client with Identity, Sip",
			in: resp(`<Dial><Client url="/w" method="GET" statusCallbackEvent="answered">alice</Client>` +
				`<Client><Identity> bob </Identity><Parameter name="k" value="v"/></Client>` +
				`<Sip statusCallback="/s" username="u" password="p">sip:carol@example.com</Sip></Dial>`),
			want: []Verb{dial("/Response/Dial[1]",
				&Client{
					Node: at("/Response/Dial[1]/Client[1]"), Identity: "alice", URL: "/w", Method: "GET",
					StatusCallbacks: StatusCallbacks{StatusCallbackMethod: "POST", StatusCallbackEvent: []string{"answered"}},
				},
				&Client{
					Node: at("/Response/Dial[1]/Client[2]"), Identity: "bob", Method: "POST", StatusCallbacks: StatusCallbacks{StatusCallbackMethod: "POST"},
					Params: []Parameter{{Name: "k", Value: "v"}},
				},
				&Sip{
					Node: at("/Response/Dial[1]/Sip[1]"), URI: "sip:carol@example.com", Method: "POST",
					StatusCallbacks: StatusCallbacks{StatusCallback: "/s", StatusCallbackMethod: "POST"},
				},
			)},
		},
		{
			name: "Application with ApplicationSid and Parameters, Application with text",
			in: resp(`<Dial><Application copyParentTo="true" customerId="cust-1" url="/w" statusCallbackEvent="answered">` +
				`<ApplicationSid> AP0123 </ApplicationSid><Parameter name="ticket" value="42"/><Parameter value="no name"/>` +
				`<Parameter name="lang" value="fr"/></Application><Application>AP4567</Application></Dial>`),
			want: []Verb{dial("/Response/Dial[1]",
				&Application{
					Node: at("/Response/Dial[1]/Application[1]"), ApplicationSid: "AP0123", URL: "/w", Method: "POST",
					CopyParentTo: true, CustomerID: "cust-1",
					StatusCallbacks: StatusCallbacks{StatusCallbackMethod: "POST", StatusCallbackEvent: []string{"answered"}},
					Params:          []Parameter{{Name: "ticket", Value: "42"}, {Name: "lang", Value: "fr"}},
				},
				&Application{
					Node: at("/Response/Dial[1]/Application[2]"), ApplicationSid: "AP4567", Method: "POST",
					StatusCallbacks: StatusCallbacks{StatusCallbackMethod: "POST"},
				},
			)},
			warns: []Warning{warn("/Response/Dial[1]/Application[1]/Parameter[2]", "<Parameter> without a name")},
		},
		{
			name: "Application without a SID, with a second ApplicationSid and a stray child",
			in:   resp(`<Dial><Application></Application><Application><ApplicationSid>AP1</ApplicationSid><ApplicationSid>AP2</ApplicationSid><Say>x</Say></Application></Dial>`),
			want: []Verb{dial("/Response/Dial[1]",
				&Application{Node: at("/Response/Dial[1]/Application[1]"), Method: "POST", StatusCallbacks: StatusCallbacks{StatusCallbackMethod: "POST"}},
				&Application{Node: at("/Response/Dial[1]/Application[2]"), ApplicationSid: "AP1", Method: "POST", StatusCallbacks: StatusCallbacks{StatusCallbackMethod: "POST"}},
			)},
			warns: []Warning{
				warn("/Response/Dial[1]/Application[1]", "<Application> names no TwiML App"),
				warn("/Response/Dial[1]/Application[2]/ApplicationSid[2]", "more than one <ApplicationSid>"),
				warn("/Response/Dial[1]/Application[2]/Say[1]", "<Say> is not allowed inside <Application>"),
			},
		},
		{
			name: "Conference defaults",
			in:   resp(`<Dial><Conference>room-1</Conference></Dial>`),
			want: []Verb{dial("/Response/Dial[1]", conference("/Response/Dial[1]/Conference[1]", "room-1"))},
		},
		{
			name: "Conference attributes",
			in: resp(`<Dial><Conference muted="true" beep="onenter" startConferenceOnEnter="false" endConferenceOnExit="true" ` +
				`waitUrl="/wait" waitMethod="GET" maxParticipants="2" participantLabel="agent" coach="CA123" record="record-from-start" ` +
				`region="ie1" trim="do-not-trim" jitterBufferSize="small" statusCallback="/conf" statusCallbackMethod="GET" ` +
				`recordingStatusCallback="/rec" recordingStatusCallbackEvent="in-progress completed absent" ` +
				`statusCallbackEvent="start end join leave mute hold modify speaker announcement" eventCallbackUrl="/x">hold-room</Conference></Dial>`),
			want: []Verb{dial("/Response/Dial[1]", &Conference{
				Node: at("/Response/Dial[1]/Conference[1]"), Room: "hold-room", Muted: true, Beep: "onEnter",
				StartConferenceOnEnter: false, EndConferenceOnExit: true, WaitURL: "/wait", WaitURLSet: true, WaitMethod: "GET",
				MaxParticipants: 2, ParticipantLabel: "agent", Coach: "CA123", Record: "record-from-start", Region: "ie1",
				Trim: "do-not-trim", JitterBufferSize: "small", StatusCallback: "/conf", StatusCallbackMethod: "GET",
				RecordingStatusCallback: "/rec", RecordingStatusCallbackEvent: []string{"in-progress", "completed", "absent"},
				StatusCallbackEvent: []string{"start", "end", "join", "leave", "mute", "hold", "modify", "speaker", "announcement"},
			})},
		},
		{
			name: "Conference empty waitUrl is set",
			in:   resp(`<Dial><Conference waitUrl="">r</Conference></Dial>`),
			want: []Verb{dial("/Response/Dial[1]", func() Noun {
				c := conference("/Response/Dial[1]/Conference[1]", "r")
				c.WaitURLSet = true
				return c
			}())},
		},
		{
			name: "Dial and Conference recording values Twilio does not take",
			in: resp(`<Dial record="true" recordingTrack="left" recordingStatusCallbackEvent="completed paused">+15552220000</Dial>` +
				`<Dial><Conference record="record-from-answer">r</Conference></Dial>`),
			want: []Verb{
				func() Verb {
					d := dial("/Response/Dial[1]", number("/Response/Dial[1]/text()", "+15552220000"))
					d.Record, d.RecordingTrack, d.RecordingStatusCallbackEvent = "do-not-record", "both", []string{"completed"}
					return d
				}(),
				dial("/Response/Dial[2]", func() Noun {
					c := conference("/Response/Dial[2]/Conference[1]", "r")
					c.Record = "do-not-record"
					return c
				}()),
			},
			warns: []Warning{
				warn("/Response/Dial[1]", `invalid record="true" on <Dial>: want one of do-not-record, record-from-answer, record-from-ringing, record-from-answer-dual, record-from-ringing-dual; using the default do-not-record`),
				warn("/Response/Dial[1]", `invalid recordingTrack="left" on <Dial>: want one of inbound, outbound, both; using the default both`),
				warn("/Response/Dial[1]", `unknown event "paused" in recordingStatusCallbackEvent on <Dial>; ignored`),
				warn("/Response/Dial[2]/Conference[1]", `invalid record="record-from-answer" on <Conference>: want one of do-not-record, record-from-start; using the default do-not-record`),
			},
		},
		{
			name: "Queue defaults and attributes",
			in:   resp(`<Dial><Queue>support</Queue><Queue url="/about-to-connect" method="GET" reservationSid="WR1" postWorkActivitySid="WA1">sales</Queue></Dial>`),
			want: []Verb{dial("/Response/Dial[1]",
				&Queue{Node: at("/Response/Dial[1]/Queue[1]"), QueueName: "support", Method: "POST"},
				&Queue{
					Node: at("/Response/Dial[1]/Queue[2]"), QueueName: "sales", URL: "/about-to-connect", Method: "GET",
					ReservationSid: "WR1", PostWorkActivitySid: "WA1",
				},
			)},
		},
		{
			name: "Enqueue defaults",
			in:   resp(`<Enqueue>support</Enqueue>`),
			want: []Verb{&Enqueue{Node: at("/Response/Enqueue[1]"), QueueName: "support", Method: "POST", WaitURLMethod: "POST"}},
		},
		{
			name: "Enqueue attributes",
			in:   resp(`<Enqueue action="/left" method="GET" waitUrl="/wait" waitUrlMethod="GET" workflowSid="WW1">support</Enqueue>`),
			want: []Verb{&Enqueue{
				Node: at("/Response/Enqueue[1]"), QueueName: "support", Action: "/left", Method: "GET",
				WaitURL: "/wait", WaitURLSet: true, WaitURLMethod: "GET", WorkflowSid: "WW1",
			}},
		},
		{
			name: "Enqueue empty waitUrl is set",
			in:   resp(`<Enqueue waitUrl="">q</Enqueue>`),
			want: []Verb{&Enqueue{Node: at("/Response/Enqueue[1]"), QueueName: "q", Method: "POST", WaitURLSet: true, WaitURLMethod: "POST"}},
		},

		// Paths.
		{
			name: "paths count same-name siblings only",
			in:   resp(`<Say>a</Say><Play>b</Play><Say>c</Say><Dial>1</Dial><Dial><Number>2</Number><Client>x</Client><Number>3</Number></Dial>`),
			want: []Verb{
				&Say{Node: at("/Response/Say[1]"), Text: "a", Loop: 1},
				&Play{Node: at("/Response/Play[1]"), URL: "b", Loop: 1},
				&Say{Node: at("/Response/Say[2]"), Text: "c", Loop: 1},
				dial("/Response/Dial[1]", number("/Response/Dial[1]/text()", "1")),
				dial("/Response/Dial[2]",
					number("/Response/Dial[2]/Number[1]", "2"),
					&Client{Node: at("/Response/Dial[2]/Client[1]"), Identity: "x", Method: "POST", StatusCallbacks: StatusCallbacks{StatusCallbackMethod: "POST"}},
					number("/Response/Dial[2]/Number[2]", "3"),
				),
			},
		},
		{
			name: "skipped elements still count in paths",
			in:   resp(`<Sya/><Say>a</Say><Sya/><Say>b</Say>`),
			want: []Verb{
				&Say{Node: at("/Response/Say[1]"), Text: "a", Loop: 1},
				&Say{Node: at("/Response/Say[2]"), Text: "b", Loop: 1},
			},
			warns: []Warning{warn("/Response/Sya[1]", "unknown verb <Sya>"), warn("/Response/Sya[2]", "unknown verb <Sya>")},
		},

		// 12200: unknown or misplaced elements.
		{
			name:  "unknown verb",
			in:    resp(`<Sya>hi</Sya><Hangup/>`),
			want:  []Verb{&Hangup{Node: at("/Response/Hangup[1]")}},
			warns: []Warning{warn("/Response/Sya[1]", "unknown verb <Sya>; skipped")},
		},
		{
			name:  "wrong-case verb",
			in:    resp(`<say>hi</say>`),
			warns: []Warning{warn("/Response/say[1]", "unknown verb <say> (names are case-sensitive: did you mean <Say>?)")},
		},
		{
			name:  "prefixed verb",
			in:    resp(`<x:Say xmlns:x="urn:x">hi</x:Say>`),
			warns: []Warning{warn("/Response/x:Say[1]", "unknown verb <x:Say>")},
		},
		{
			name:  "unmodelled verb",
			in:    resp(`<Record/><Hangup/>`),
			want:  []Verb{&Hangup{Node: at("/Response/Hangup[1]")}},
			warns: []Warning{warn("/Response/Record[1]", "<Record> is not modelled by holdlab")},
		},
		{
			name:  "noun where a verb is expected",
			in:    resp(`<Number>+15550000000</Number><Conference>r</Conference>`),
			warns: []Warning{warn("/Response/Number[1]", "<Number> is a noun, only allowed inside <Dial>"), warn("/Response/Conference[1]", "<Conference> is a noun")},
		},
		{
			name:  "Response nested in Response",
			in:    resp(`<Response/>`),
			warns: []Warning{warn("/Response/Response[1]", "<Response> is not allowed inside <Response>")},
		},
		{
			name: "Dial, Gather and Record inside Gather; unknown verb inside Gather",
			in:   resp(`<Gather><Dial>1</Dial><Say>x</Say><Gather/><Record/><Sya/></Gather>`),
			want: []Verb{gather("/Response/Gather[1]", &Say{Node: at("/Response/Gather[1]/Say[1]"), Text: "x", Loop: 1})},
			warns: []Warning{
				warn("/Response/Gather[1]/Dial[1]", "<Dial> is not allowed inside <Gather>"),
				warn("/Response/Gather[1]/Gather[1]", "<Gather> is not allowed inside <Gather>"),
				warn("/Response/Gather[1]/Record[1]", "<Record> is not allowed inside <Gather>"),
				warn("/Response/Gather[1]/Sya[1]", "unknown verb <Sya>"),
			},
		},
		{
			name: "verbs and unknown nouns inside Dial",
			in:   resp(`<Dial><Say>x</Say><Phone>1</Phone><number>2</number><WhatsApp>AP1</WhatsApp><Number>3</Number></Dial>`),
			want: []Verb{dial("/Response/Dial[1]", number("/Response/Dial[1]/Number[1]", "3"))},
			warns: []Warning{
				warn("/Response/Dial[1]/Say[1]", "<Say> is not allowed inside <Dial>"),
				warn("/Response/Dial[1]/Phone[1]", "unknown noun <Phone>"),
				warn("/Response/Dial[1]/number[1]", "unknown noun <number> (names are case-sensitive: did you mean <Number>?)"),
				warn("/Response/Dial[1]/WhatsApp[1]", "<WhatsApp> is not modelled by holdlab"),
			},
		},
		{
			name:  "unmodelled noun alone: Dial text is still ignored",
			in:    resp(`<Dial>+1555<WhatsApp>x</WhatsApp></Dial>`),
			want:  []Verb{dial("/Response/Dial[1]")},
			warns: []Warning{warn("/Response/Dial[1]/WhatsApp[1]", "<WhatsApp> is not modelled by holdlab")},
		},
		{
			name: "elements inside leaf verbs and nouns",
			in:   resp(`<Play>a<Say>no</Say></Play><Say>b<Play>c</Play><foo>d</foo></Say><Dial><Number>1<Client>x</Client></Number></Dial>`),
			want: []Verb{
				&Play{Node: at("/Response/Play[1]"), URL: "a", Loop: 1},
				&Say{Node: at("/Response/Say[1]"), Text: "b", Loop: 1},
				dial("/Response/Dial[1]", number("/Response/Dial[1]/Number[1]", "1")),
			},
			warns: []Warning{
				warn("/Response/Play[1]/Say[1]", "<Say> is not allowed inside <Play>"),
				warn("/Response/Say[1]/Play[1]", "<Play> is not allowed inside <Say>"),
				warn("/Response/Say[1]/foo[1]", "unknown element <foo>"),
				warn("/Response/Dial[1]/Number[1]/Client[1]", "<Client> is not allowed inside <Number>"),
			},
		},
		{
			name:  "Task inside Enqueue",
			in:    resp(`<Enqueue workflowSid="WW1"><Task>{"a":1}</Task></Enqueue>`),
			want:  []Verb{&Enqueue{Node: at("/Response/Enqueue[1]"), Method: "POST", WaitURLMethod: "POST", WorkflowSid: "WW1"}},
			warns: []Warning{warn("/Response/Enqueue[1]/Task[1]", "<Task> is not modelled by holdlab")},
		},
		{
			name: "second Identity in Client",
			in:   resp(`<Dial><Client><Identity>a</Identity><Identity>b</Identity></Client></Dial>`),
			want: []Verb{dial("/Response/Dial[1]",
				&Client{Node: at("/Response/Dial[1]/Client[1]"), Identity: "a", Method: "POST", StatusCallbacks: StatusCallbacks{StatusCallbackMethod: "POST"}})},
			warns: []Warning{warn("/Response/Dial[1]/Client[1]/Identity[2]", "more than one <Identity>")},
		},
		{
			name:  "text where none is allowed",
			in:    resp(`oops<Pause>3</Pause><Gather>press<Say>x</Say></Gather>`),
			want:  []Verb{&Pause{Node: at("/Response/Pause[1]"), Length: 1}, gather("/Response/Gather[1]", &Say{Node: at("/Response/Gather[1]/Say[1]"), Text: "x", Loop: 1})},
			warns: []Warning{warn("/Response", `unexpected text "oops" in <Response>`), warn("/Response/Pause[1]", `unexpected text "3" in <Pause>`), warn("/Response/Gather[1]", `unexpected text "press"`)},
		},

		// 12200: attributes.
		{
			name:  "unknown attribute",
			in:    resp(`<Say foo="1">x</Say>`),
			want:  []Verb{&Say{Node: at("/Response/Say[1]"), Text: "x", Loop: 1}},
			warns: []Warning{warn("/Response/Say[1]", `unknown attribute "foo" on <Say>; ignored`)},
		},
		{
			name:  "wrong-case attribute is unknown and ignored",
			in:    resp(`<Say Loop="2">x</Say>`),
			want:  []Verb{&Say{Node: at("/Response/Say[1]"), Text: "x", Loop: 1}},
			warns: []Warning{warn("/Response/Say[1]", `unknown attribute "Loop" on <Say> (names are case-sensitive: did you mean "loop"?)`)},
		},
		{
			name:  "prefixed attribute is unknown",
			in:    resp(`<Say xmlns:x="urn:x" x:loop="2">x</Say>`),
			want:  []Verb{&Say{Node: at("/Response/Say[1]"), Text: "x", Loop: 1}},
			warns: []Warning{warn("/Response/Say[1]", `unknown attribute "x:loop"`)},
		},
		{
			name:  "attribute on Response and Hangup",
			in:    `<Response version="2"><Hangup now="yes"/></Response>`,
			want:  []Verb{&Hangup{Node: at("/Response/Hangup[1]")}},
			warns: []Warning{warn("/Response", `unknown attribute "version" on <Response>`), warn("/Response/Hangup[1]", `unknown attribute "now" on <Hangup>`)},
		},
		{
			name:  "unknown attribute on a noun",
			in:    resp(`<Dial><Queue priority="1">q</Queue></Dial>`),
			want:  []Verb{dial("/Response/Dial[1]", &Queue{Node: at("/Response/Dial[1]/Queue[1]"), QueueName: "q", Method: "POST"})},
			warns: []Warning{warn("/Response/Dial[1]/Queue[1]", `unknown attribute "priority" on <Queue>`)},
		},

		// 12200: attribute values.
		{
			name:  "non-numeric loop",
			in:    resp(`<Say loop="abc">x</Say>`),
			want:  []Verb{&Say{Node: at("/Response/Say[1]"), Text: "x", Loop: 1}},
			warns: []Warning{warn("/Response/Say[1]", `invalid loop="abc" on <Say>: want a non-negative integer; using the default 1`)},
		},
		{
			name: "negative and overflowing integers",
			in:   resp(`<Play loop="-1">a</Play><Pause length="99999999999999999999"/><Pause length="0"/>`),
			want: []Verb{
				&Play{Node: at("/Response/Play[1]"), URL: "a", Loop: 1},
				&Pause{Node: at("/Response/Pause[1]"), Length: 1},
				&Pause{Node: at("/Response/Pause[2]"), Length: 1},
			},
			warns: []Warning{
				warn("/Response/Play[1]", `invalid loop="-1"`),
				warn("/Response/Pause[1]", `invalid length="99999999999999999999"`),
				warn("/Response/Pause[2]", `invalid length="0" on <Pause>: want a positive integer`),
			},
		},
		{
			name:  "negative Dial timeout",
			in:    resp(`<Dial timeout="-3" timeLimit="x">1</Dial>`),
			want:  []Verb{dial("/Response/Dial[1]", number("/Response/Dial[1]/text()", "1"))},
			warns: []Warning{warn("/Response/Dial[1]", `invalid timeout="-3" on <Dial>: want a positive integer; using the default 30`), warn("/Response/Dial[1]", `invalid timeLimit="x"`)},
		},
		{
			name:  "bad booleans",
			in:    resp(`<Dial hangupOnStar="yes" answerOnBridge="1">1</Dial>`),
			want:  []Verb{dial("/Response/Dial[1]", number("/Response/Dial[1]/text()", "1"))},
			warns: []Warning{warn("/Response/Dial[1]", `invalid hangupOnStar="yes" on <Dial>: want "true" or "false"; using the default false`), warn("/Response/Dial[1]", `invalid answerOnBridge="1"`)},
		},
		{
			name:  "bad method",
			in:    resp(`<Redirect method="PUT">/x</Redirect>`),
			want:  []Verb{&Redirect{Node: at("/Response/Redirect[1]"), Method: "POST", URL: "/x"}},
			warns: []Warning{warn("/Response/Redirect[1]", `invalid method="PUT" on <Redirect>: want one of GET, POST; using the default POST`)},
		},
		{
			name:  "bad Reject reason",
			in:    resp(`<Reject reason="nope"/>`),
			want:  []Verb{&Reject{Node: at("/Response/Reject[1]"), Reason: "rejected"}},
			warns: []Warning{warn("/Response/Reject[1]", `invalid reason="nope"`)},
		},
		{
			name: "bad Gather values",
			in:   resp(`<Gather numDigits="0" timeout="0" finishOnKey="ab" input="voice" actionOnEmptyResult="maybe"/>`),
			want: []Verb{gather("/Response/Gather[1]")},
			warns: []Warning{
				warn("/Response/Gather[1]", `invalid numDigits="0"`),
				warn("/Response/Gather[1]", `invalid finishOnKey="ab"`),
				warn("/Response/Gather[1]", `invalid timeout="0"`),
				warn("/Response/Gather[1]", `invalid input="voice"`),
				warn("/Response/Gather[1]", `invalid actionOnEmptyResult="maybe"`),
			},
		},
		{
			name:  "repeated Gather input",
			in:    resp(`<Gather input="dtmf dtmf"/>`),
			want:  []Verb{gather("/Response/Gather[1]")},
			warns: []Warning{warn("/Response/Gather[1]", `invalid input="dtmf dtmf"`)},
		},
		{
			name: "bad Conference values",
			in:   resp(`<Dial><Conference beep="maybe" muted="sure" maxParticipants="1" statusCallbackEvent="start bogus end">r</Conference><Conference maxParticipants="251">s</Conference></Dial>`),
			want: []Verb{dial("/Response/Dial[1]",
				func() Noun {
					c := conference("/Response/Dial[1]/Conference[1]", "r")
					c.StatusCallbackEvent = []string{"start", "end"}
					return c
				}(),
				conference("/Response/Dial[1]/Conference[2]", "s"),
			)},
			warns: []Warning{
				warn("/Response/Dial[1]/Conference[1]", `invalid muted="sure"`),
				warn("/Response/Dial[1]/Conference[1]", `invalid beep="maybe" on <Conference>: want one of true, false, onEnter, onExit; using the default true`),
				warn("/Response/Dial[1]/Conference[1]", `invalid maxParticipants="1" on <Conference>: want an integer from 2 to 250`),
				warn("/Response/Dial[1]/Conference[1]", `unknown event "bogus" in statusCallbackEvent on <Conference>; ignored`),
				warn("/Response/Dial[1]/Conference[2]", `invalid maxParticipants="251"`),
			},
		},
		{
			name: "call events are not conference events",
			in:   resp(`<Dial><Number statusCallbackEvent="join answered leave bogus">1</Number></Dial>`),
			want: []Verb{dial("/Response/Dial[1]", func() Noun {
				n := number("/Response/Dial[1]/Number[1]", "1")
				n.StatusCallbackEvent = []string{"answered"}
				return n
			}())},
			warns: []Warning{warn("/Response/Dial[1]/Number[1]", `unknown event "join" in statusCallbackEvent on <Number> (and 2 more); ignored`)},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Parse([]byte(tt.in))
			if err != nil {
				t.Fatalf("Parse(%q) error: %v", tt.in, err)
			}
			if !reflect.DeepEqual(got.Verbs, tt.want) {
				t.Errorf("Parse(%q) verbs:\ngot:  %s\nwant: %s", tt.in, dump(got.Verbs), dump(tt.want))
			}
			checkWarnings(t, got.Warnings, tt.warns)
		})
	}
}

// TestParseUnmodelledVerbs checks that every Twilio verb holdlab does not
// model gets its own warning, not "unknown verb".
func TestParseUnmodelledVerbs(t *testing.T) {
	for _, name := range []string{
		"Record", "Connect", "Pay", "Prompt", "Refer", "Sms", "Message", "Start", "Stop",
		"Echo", "Siprec", "Stream", "Transcription",
	} {
		t.Run(name, func(t *testing.T) {
			in := resp("<" + name + "/>")
			got := MustParse(in)
			if len(got.Verbs) != 0 {
				t.Errorf("Parse(%q) verbs: got %s, want none", in, dump(got.Verbs))
			}
			checkWarnings(t, got.Warnings, []Warning{warn("/Response/"+name+"[1]", "<"+name+"> is not modelled by holdlab; skipped")})
		})
	}
}

// TestParseDocumentedAttributes checks that every attribute listed as
// documented is accepted without a warning.
func TestParseDocumentedAttributes(t *testing.T) {
	for el, attrs := range attrSpecs {
		if el == "Response" || el == "Identity" || len(attrs) == 0 {
			continue
		}
		t.Run(el, func(t *testing.T) {
			var b strings.Builder
			b.WriteString("<" + el)
			for a := range attrs {
				fmt.Fprintf(&b, " %s=%q", a, "")
			}
			b.WriteString("/>")
			in := b.String()
			switch {
			case modelledNouns[el]:
				in = resp("<Dial>" + in + "</Dial>")
			default:
				in = resp(in)
			}
			got := MustParse(in)
			for _, w := range got.Warnings {
				if strings.Contains(w.Message, "unknown attribute") {
					t.Errorf("Parse(%q): unexpected warning %s", in, w)
				}
			}
		})
	}
}

func TestParseFatal(t *testing.T) {
	deep := func(n int) string { // <Response><Say> and n nested <p>
		return "<Response><Say>" + strings.Repeat("<p>", n) + "x" + strings.Repeat("</p>", n) + "</Say></Response>"
	}
	padded := func(size int) string { // a valid document of exactly size bytes
		head, tail := "<Response><Say>", "</Say></Response>"
		return head + strings.Repeat("a", size-len(head)-len(tail)) + tail
	}
	tests := []struct {
		name string
		in   string
		msg  string // substring of ParseError.Message
		path string
	}{
		{name: "empty body", in: "", msg: "empty document"},
		{name: "whitespace only", in: " \r\n\t", msg: "empty document"},
		{name: "byte order mark only", in: "\xef\xbb\xbf", msg: "empty document"},
		{name: "unclosed element", in: "<Response><Say>hi</Response>", msg: "not well-formed"},
		{name: "unclosed root", in: "<Response>", msg: "not well-formed"},
		{name: "stray end tag", in: "<Response/></Response>", msg: "not well-formed"},
		{name: "unescaped ampersand", in: resp("<Say>Tom & Jerry</Say>"), msg: "not well-formed"},
		{name: "unescaped ampersand in a URL", in: resp(`<Redirect>/x?a=1&b=2</Redirect>`), msg: "not well-formed"},
		{name: "undefined entity", in: resp("<Say>a&nbsp;b</Say>"), msg: "not well-formed"},
		{name: "unquoted attribute", in: resp("<Say loop=2>x</Say>"), msg: "not well-formed"},
		{name: "broken tag", in: "<Response><Say</Response>", msg: "not well-formed"},
		{name: "NUL character", in: resp("<Say>a\x00b</Say>"), msg: "not well-formed"},
		{name: "invalid UTF-8", in: resp("<Say>a\xffb</Say>"), msg: "not well-formed"},
		{name: "XML 1.1", in: `<?xml version="1.1"?><Response/>`, msg: "not well-formed"},
		{name: "unsupported encoding", in: `<?xml version="1.0" encoding="ISO-8859-1"?><Response/>`, msg: "not well-formed"},
		{name: "whitespace before the declaration", in: ` <?xml version="1.0"?><Response/>`, msg: "XML declaration must come first"},
		{name: "newline before the declaration", in: "\n<?xml version=\"1.0\"?><Response/>", msg: "XML declaration must come first"},
		{name: "comment before the declaration", in: `<!-- c --><?xml version="1.0"?><Response/>`, msg: "XML declaration must come first"},
		{name: "upper-case declaration", in: `<?XML version="1.0"?><Response/>`, msg: "XML declaration must come first"},
		{name: "declaration inside Response", in: resp(`<?xml version="1.0"?>`), msg: "XML declaration must come first", path: "/Response"},
		{name: "lower-case root", in: "<response><Say>x</Say></response>", msg: "root element is <response>, want <Response>", path: "/response"},
		{name: "other root", in: "<Foo/>", msg: "root element is <Foo>", path: "/Foo"},
		{name: "prefixed root", in: `<t:Response xmlns:t="urn:t"/>`, msg: "root element is <t:Response>", path: "/t:Response"},
		{name: "two roots", in: "<Response/><Response/>", msg: "more than one root element", path: "/Response"},
		{name: "text before root", in: "hello<Response/>", msg: `text "hello" outside the root element`},
		{name: "text after root", in: "<Response/>bye", msg: "outside the root element"},
		{name: "CDATA outside root", in: "<Response/><![CDATA[x]]>", msg: "outside the root element"},
		{name: "no root", in: `<?xml version="1.0"?><!-- nothing -->`, msg: "no root element"},
		{name: "DOCTYPE", in: "<!DOCTYPE Response><Response/>", msg: "DOCTYPE"},
		{
			name: "DOCTYPE with an internal entity",
			in:   `<!DOCTYPE Response [<!ENTITY a "aaaaaaaaaa">]><Response><Say>x</Say></Response>`,
			msg:  "DOCTYPE",
		},
		{
			name: "billion laughs",
			in: `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">` +
				`<!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">]><Response><Say>&lol2;</Say></Response>`,
			msg: "not well-formed", // the undefined entity reference fails before the DOCTYPE check
		},
		{name: "external entity", in: `<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><Response/>`, msg: "DOCTYPE"},
		{name: "directive inside Response", in: resp(`<!DOCTYPE x>`), msg: "DOCTYPE", path: "/Response"},
		{name: "too large", in: padded(MaxDocumentBytes + 1), msg: "more than the 65536-byte limit"},
		{name: "too deep", in: deep(MaxDepth - 1), msg: "nested more than 32 deep"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc, err := Parse([]byte(tt.in))
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("Parse(%.60q) = %v, %v; want a *ParseError", tt.in, doc, err)
			}
			if doc != nil {
				t.Errorf("Parse(%.60q) document: got %v, want nil", tt.in, doc)
			}
			if pe.Code != CodeParseFailure || !strings.Contains(pe.Message, tt.msg) || pe.Path != tt.path {
				t.Errorf("Parse(%.60q) error:\ngot:  code %d, path %q, message %q\nwant: code 12100, path %q, message containing %q",
					tt.in, pe.Code, pe.Path, pe.Message, tt.path, tt.msg)
			}
			if want := "twiml: 12100 document parse failure: "; !strings.HasPrefix(err.Error(), want) {
				t.Errorf("Parse(%.60q) error text: got %q, want prefix %q", tt.in, err.Error(), want)
			}
		})
	}

	// The limits are inclusive.
	for name, in := range map[string]string{
		"exactly MaxDocumentBytes": padded(MaxDocumentBytes),
		"exactly MaxDepth":         deep(MaxDepth - 2),
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := Parse([]byte(in)); err != nil {
				t.Errorf("Parse: got error %v, want none", err)
			}
		})
	}
}

func TestParseErrorUnwrap(t *testing.T) {
	tests := []struct {
		name  string
		in    string
		check func(error) bool
	}{
		{"syntax error", resp("<Say>&</Say>"), func(err error) bool { var se *xml.SyntaxError; return errors.As(err, &se) }},
		{"depth", strings.Repeat("<Response>", MaxDepth+1), func(err error) bool { return errors.Is(err, etree.ErrMaxDepth) }},
		{"encoding", `<?xml version="1.0" encoding="latin1"?><Response/>`, func(err error) bool { return errors.Is(err, errUnsupportedEncoding) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse([]byte(tt.in))
			if !tt.check(err) {
				t.Errorf("Parse(%q) error %v does not wrap the expected cause", tt.in, err)
			}
		})
	}
}

func TestParseErrorString(t *testing.T) {
	tests := []struct {
		err  *ParseError
		want string
	}{
		{&ParseError{Code: 12100, Message: "empty document"}, "twiml: 12100 document parse failure: empty document"},
		{&ParseError{Code: 12100, Path: "/Foo", Message: "root element is <Foo>, want <Response>"}, "twiml: 12100 document parse failure: root element is <Foo>, want <Response> at /Foo"},
		{&ParseError{Code: 12100, Message: "document is not well-formed XML", Err: errors.New("boom")}, "twiml: 12100 document parse failure: document is not well-formed XML: boom"},
	}
	for _, tt := range tests {
		if got := tt.err.Error(); got != tt.want {
			t.Errorf("Error():\ngot:  %q\nwant: %q", got, tt.want)
		}
	}
	w := Warning{Code: 12200, Path: "/Response/Sya[1]", Message: "unknown verb <Sya>; skipped"}
	if got, want := w.String(), "12200 /Response/Sya[1]: unknown verb <Sya>; skipped"; got != want {
		t.Errorf("Warning.String():\ngot:  %q\nwant: %q", got, want)
	}
}

func TestMustParse(t *testing.T) {
	if d := MustParse(resp("<Hangup/>")); len(d.Verbs) != 1 {
		t.Errorf("MustParse: got %s, want one verb", dump(d.Verbs))
	}
	defer func() {
		if r := recover(); r == nil {
			t.Error("MustParse(bad document) did not panic")
		} else if _, ok := r.(*ParseError); !ok {
			t.Errorf("MustParse(bad document) panicked with %T %v, want a *ParseError", r, r)
		}
	}()
	MustParse("<response/>")
}

// typical is a 6-verb document of the kind a hold strategy returns.
const typical = `<?xml version="1.0" encoding="UTF-8"?>
<Response>
  <Say voice="Polly.Joanna" language="en-US">Please hold while we connect you.</Say>
  <Play loop="2">https://example.com/hold-music.mp3</Play>
  <Gather action="/menu" numDigits="1" timeout="3">
    <Say>Press 1 to keep holding.</Say>
    <Pause length="2"/>
  </Gather>
  <Dial action="/dial-done" timeout="20" answerOnBridge="true">
    <Number statusCallback="/status" statusCallbackEvent="ringing answered completed">+15551234567</Number>
    <Conference beep="false" waitUrl="" startConferenceOnEnter="true">hold-room</Conference>
  </Dial>
  <Redirect method="GET">/again</Redirect>
  <Hangup/>
</Response>
`

// TestParseNeverPanics parses every prefix of a document and a set of
// malformed inputs. Each must give a document or a 12100, never a panic.
func TestParseNeverPanics(t *testing.T) {
	inputs := []string{
		"<", ">", "<>", "</>", "<?", "<!", "<!--", "<![CDATA[", "&", "&#", "&#x;", "&#0;", "&#xFFFFFFFF;",
		"<Response", "<Response ", "<Response a", "<Response a=", `<Response a="`, "<Response/", "<Response>&",
		"<Response><Dial><", "<Response><Dial>&#x10FFFF;</Dial></Response>", "\xef\xbb", "\xef\xbb\xbf<",
		strings.Repeat("<Response>", 10000), strings.Repeat("<a:b xmlns:a='x'>", 40),
	}
	for i := 0; i <= len(typical); i++ {
		inputs = append(inputs, typical[:i], typical[i:])
	}
	for _, in := range inputs {
		func() {
			defer func() {
				if r := recover(); r != nil {
					t.Errorf("Parse(%.60q) panicked: %v", in, r)
				}
			}()
			checkInvariants(t, []byte(in))
		}()
	}
}

// checkInvariants parses data and checks what must hold for any input.
func checkInvariants(t testing.TB, data []byte) {
	t.Helper()
	doc, err := Parse(data)
	if err != nil {
		var pe *ParseError
		if !errors.As(err, &pe) || pe.Code != CodeParseFailure {
			t.Fatalf("Parse(%.60q) error %v (%T), want a *ParseError with code 12100", data, err, err)
		}
		if doc != nil {
			t.Fatalf("Parse(%.60q) returned a document with an error", data)
		}
		return
	}
	if len(data) > MaxDocumentBytes {
		t.Fatalf("Parse accepted %d bytes", len(data))
	}
	var walk func(vs []Verb)
	check := func(p string) {
		if !strings.HasPrefix(p, "/Response/") {
			t.Fatalf("Parse(%.60q): path %q does not start with /Response/", data, p)
		}
	}
	walk = func(vs []Verb) {
		for _, v := range vs {
			if v == nil || reflect.ValueOf(v).IsNil() {
				t.Fatalf("Parse(%.60q): nil verb", data)
			}
			check(v.Path())
			switch v := v.(type) {
			case *Gather:
				walk(v.Children)
			case *Dial:
				for _, n := range v.Nouns {
					check(n.Path())
				}
			}
		}
	}
	walk(doc.Verbs)
	for _, w := range doc.Warnings {
		if w.Code != CodeSchemaWarning || !strings.HasPrefix(w.Path, "/Response") || w.Message == "" {
			t.Fatalf("Parse(%.60q): bad warning %+v", data, w)
		}
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{
		typical,
		"<Response/>",
		resp(`<Sya/><say/><Record/><Number>1</Number><Gather><Dial>1</Dial></Gather>`),
		resp(`<Say loop="abc" Loop="2">x<break/>y</Say><Dial timeout="-3">+1555</Dial>`),
		resp(`<Dial><Client><Identity>a</Identity></Client><Queue>q</Queue><Sip>sip:a@b</Sip></Dial><Enqueue waitUrl="">q</Enqueue>`),
		` <?xml version="1.0"?><Response/>`,
		`<!DOCTYPE r [<!ENTITY a "b">]><Response>&a;</Response>`,
		"<response/>",
		"<Response><Say>a & b</Say></Response>",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		checkInvariants(t, data)
	})
}

func BenchmarkParse(b *testing.B) {
	data := []byte(typical)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse(data); err != nil {
			b.Fatal(err)
		}
	}
}
