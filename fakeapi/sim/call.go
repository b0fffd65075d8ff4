package sim

import (
	"time"

	"github.com/holdlab/holdlab/fakeapi/twiml"
)

// Status is a Call resource's status, as Twilio reports it.
type Status string

// Twilio's call statuses.
const (
	StatusQueued     Status = "queued"
	StatusRinging    Status = "ringing"
	StatusInProgress Status = "in-progress"
	StatusCompleted  Status = "completed"
	StatusBusy       Status = "busy"
	StatusFailed     Status = "failed"
	StatusNoAnswer   Status = "no-answer"
	StatusCanceled   Status = "canceled"
)

// Terminal reports whether the status is final: a call in a terminal status
// never changes again.
func (s Status) Terminal() bool {
	switch s {
	case StatusCompleted, StatusBusy, StatusFailed, StatusNoAnswer, StatusCanceled:
		return true
	}
	return false
}

// Direction is a Call resource's direction.
type Direction string

// Twilio's call directions.
const (
	// DirectionInbound is a call that reached one of the account's numbers.
	DirectionInbound Direction = "inbound"
	// DirectionOutboundAPI is a call created with POST /Calls.
	DirectionOutboundAPI Direction = "outbound-api"
	// DirectionOutboundDial is a child leg created by <Dial>.
	DirectionOutboundDial Direction = "outbound-dial"
)

// Call is one call leg. Exported fields are read by the REST layer while the
// engine is not running; only the engine writes them.
type Call struct {
	Sid            string
	ParentCallSid  string
	From, To       string
	Direction      Direction
	Status         Status
	PhoneNumberSid string // the IncomingPhoneNumber an inbound call reached
	DateCreated    time.Time
	DateUpdated    time.Time
	StartTime      time.Time // when it was answered (zero: never answered)
	EndTime        time.Time // when it ended (zero: still live)
	endCause       Cause     // why it ended, for the trace
	seq            uint64    // creation sequence number (call_index.go)

	// App configuration: where its TwiML comes from and where its status
	// callbacks go.
	URL, Method                 string
	inline                      string // inline TwiML given instead of a URL
	FallbackURL, FallbackMethod string
	StatusCallback              string
	StatusCallbackMethod        string
	StatusCallbackEvents        map[string]bool
	timeout                     time.Duration // ring time before no-answer
	ringTimer                   *event        // fires no-answer
	timeLimit                   time.Duration // 0: none

	callbackSeq int // SequenceNumber of the next status callback

	// The far end.
	phone *phoneLeg // the simulated phone on the far end, if any
	loop  *Call     // the other leg, when this leg reached one of our numbers
	label string    // a person's name for traces ("customer"), if known

	// The interpreter of its own TwiML.
	docRun
	wait     waitKind
	media    Hearing
	answerer func() // what to do when an outbound leg is answered

	// <Dial> relations.
	dialing *dialState // as a parent: the Dial it is blocked in
	inDial  *dialState // as a child: the Dial that created it
	peer    *Call      // the leg it is bridged with

	// Conference and queue relations (conference.go, queue.go).
	part    *Participant // the conference participant it is (pending or connected)
	member  *member      // the queue it waits in (<Enqueue>)
	qbridge *queueBridge // a <Dial><Queue> bridge it is in, as dialer or dequeued caller
	qwait   *queueWaiter // as a dialer: waiting in <Dial><Queue> for a caller to arrive

	// What the far end hears, over time.
	hearing   Hearing
	hearSince time.Time
	intervals []heardInterval
	// recent are its latest hearings and trace lines, for reuse
	// (tracerecent.go); nil until its first trace line.
	recent *recentLines
	dirty  bool
	// heardChecked is the first interval the checks after each step have
	// not yet found sound (invariants.go).
	heardChecked int
	// heardForgotten says Config.TraceLimit made the history forget its
	// oldest intervals.
	heardForgotten bool

	// shown is e.name(c), rendered once for the label shownFor: nearly
	// every trace line names its call.
	shown, shownFor string
}

// Live reports whether the call has not ended.
func (c *Call) Live() bool { return !c.Status.Terminal() }

// Answered reports whether the call was ever answered.
func (c *Call) Answered() bool { return !c.StartTime.IsZero() }

// Label is the human name of the call's far end ("customer"), or "".
func (c *Call) Label() string { return c.label }

// Duration is the answered duration, for ended calls that were answered.
func (c *Call) Duration() (time.Duration, bool) {
	if c.EndTime.IsZero() || c.StartTime.IsZero() {
		return 0, false
	}
	return c.EndTime.Sub(c.StartTime), true
}

type waitKind int

const (
	waitNone    waitKind = iota
	waitAnswer           // outbound leg not yet answered
	waitMedia            // Say, Play or Pause running until its timer
	waitFetch            // a TwiML document is being fetched
	waitGather           // <Gather> collecting digits
	waitDial             // parent blocked in <Dial>
	waitBridge           // child bridged (or about to be) in a <Dial>
	waitForever          // media that never ends (loop="0")
	waitSilence          // a document ran out where silence follows (not a hang-up)
	waitRoom             // blocked in <Dial><Conference>, <Dial><Queue> or <Enqueue>
)

// programMode says what a TwiML document is for, which decides what happens
// when it runs out of verbs.
type programMode int

const (
	modeMain    programMode = iota // the call's own TwiML: running out hangs up
	modeWhisper                    // <Number url>: running out bridges the child
)

// program is a parsed document and the interpreter's position in it.
type program struct {
	verbs []twiml.Verb
	pc    int
	url   string // the document's URL, for relative URLs ("" for inline TwiML)
	mode  programMode
}

// docRun is what an interpreter of TwiML holds between verbs, whether it
// runs a leg's own TwiML (Call) or a restricted document on a leg
// (mediaRunner): the document, the timer of the verb that plays, the fetch
// it waits for and its <Gather>.
type docRun struct {
	prog     *program
	timer    *event
	fetching uint64  // effect ID of the TwiML fetch it waits for
	gather   *gather // its <Gather> in progress (gather.go)
	// lastFetch and instantFetches count documents fetched at one instant,
	// to cut endless <Redirect> loops.
	lastFetch      time.Time
	instantFetches int
}

// halt abandons whatever the interpreter was doing: the verb that plays,
// its <Gather>, the document it waits for and the one it runs.
func (s *docRun) halt() {
	s.timer.cancel()
	s.timer = nil
	if g := s.gather; g != nil {
		g.timer.cancel()
		s.gather = nil
	}
	s.fetching = 0
	s.prog = nil
}

// redirectLoop counts a document fetched at now, and reports whether it is
// one too many without time passing: a <Redirect> loop (maxInstantFetches).
func (s *docRun) redirectLoop(now time.Time) bool {
	if s.lastFetch.Equal(now) {
		s.instantFetches++
	} else {
		s.lastFetch, s.instantFetches = now, 1
	}
	return s.instantFetches > maxInstantFetches
}

// nextVerb returns the document's next verb, with the document, and moves
// past it; ok is false when there is no document or it ran out of verbs.
func (s *docRun) nextVerb() (p *program, v twiml.Verb, ok bool) {
	p = s.prog
	if p == nil || p.pc >= len(p.verbs) {
		return nil, nil, false
	}
	v = p.verbs[p.pc]
	p.pc++
	return p, v, true
}
