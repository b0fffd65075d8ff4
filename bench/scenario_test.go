package bench

import (
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// The hold scenario, the same for the three ways it is run:
//
//  1. The customer calls the support number; its voice URL puts them in a
//     conference, where they wait (startConferenceOnEnter="false") for the
//     agent. The conference asks for join and leave status callbacks.
//  2. The app calls the agent (Calls API, a ringing status callback); the
//     agent answers, and the agent's TwiML puts them in the same
//     conference, which starts.
//  3. The app holds the customer (Participants API: Hold=true with a
//     HoldUrl), ten virtual minutes pass, and the app unholds them.
//  4. The customer hangs up, then the agent.
//
// The app learns the conference SID and the participants' call SIDs from
// the join callbacks, as a real app does.
const (
	supportNumber  = "+15550100000"
	customerNumber = "+15550100001"
	agentNumber    = "+15550100002"

	appHost      = "app.test"
	appBase      = "https://" + appHost
	voicePath    = "/voice"
	agentPath    = "/agent"
	holdPath     = "/hold-music"
	confEvents   = "/conference-events"
	callEvents   = "/call-events"
	voiceURL     = appBase + voicePath
	agentURL     = appBase + agentPath
	holdURL      = appBase + holdPath
	confEventURL = appBase + confEvents
	callEventURL = appBase + callEvents

	room = "support-room"

	// holdFor is how long the customer stays on hold, in virtual time.
	holdFor = 10 * time.Minute
	// waitLimit bounds every wait for twimulator's goroutines.
	waitLimit = 10 * time.Second
)

func conferenceDoc(startOnEnter bool) string {
	start := "false"
	if startOnEnter {
		start = "true"
	}
	return `<?xml version="1.0" encoding="UTF-8"?><Response><Dial><Conference startConferenceOnEnter="` + start +
		`" statusCallback="` + confEventURL + `" statusCallbackEvent="join leave">` + room + `</Conference></Dial></Response>`
}

// documents are the app's TwiML, by path.
var documents = map[string]string{
	voicePath: conferenceDoc(false),
	agentPath: conferenceDoc(true),
	holdPath:  `<?xml version="1.0" encoding="UTF-8"?><Response><Play loop="0">https://cdn.test/music.mp3</Play></Response>`,
}

// event is a status callback the app received.
type event struct {
	kind    string // "join", "leave" or "ringing"
	callSid string
	confSid string
}

// callbackEvent reads a status callback's parameters; ok is false for a
// request that is not one of the scenario's callbacks.
func callbackEvent(path string, form url.Values) (event, bool) {
	switch path {
	case confEvents:
		kind := strings.TrimPrefix(form.Get("StatusCallbackEvent"), "participant-")
		return event{kind: kind, callSid: form.Get("CallSid"), confSid: form.Get("ConferenceSid")}, true
	case callEvents:
		return event{kind: form.Get("CallStatus"), callSid: form.Get("CallSid")}, true
	}
	return event{}, false
}

// counter counts the webhooks an engine made during one scenario.
type counter struct{ n atomic.Int64 }

func (c *counter) add() { c.n.Add(1) }

// want fails the benchmark unless got is what the scenario expects.
func want(b testing.TB, what string, got, expected any) {
	b.Helper()
	if got != expected {
		b.Fatalf("%s: got %v, want %v", what, got, expected)
	}
}
