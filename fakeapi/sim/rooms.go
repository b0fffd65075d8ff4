package sim

// Rooms are what conferences and queues share: a leg in a conference (as a
// participant), waiting in a queue (<Enqueue>), waiting on an empty queue
// (<Dial><Queue>) or bridged with the caller it took from a queue is in a
// room. The room decides what its party hears and what its keys do, and
// the leg leaves it when it hangs up or gets new TwiML.

// leaveHow says how a leg leaves a conference, a queue or a queue bridge.
type leaveHow int

const (
	leftHungUp     leaveHow = iota // the call ended
	leftRedirected                 // the call got new TwiML through the REST API
	leftKicked                     // DELETE .../Participants/{CallSid}
	leftStar                       // hangupOnStar
	leftTimeLimit                  // <Dial timeLimit>
	leftConfEnded                  // its conference ended
)

// roomKind is the kind of room a leg leaves, which decides how its leaving
// reads in the trace.
type roomKind int

const (
	// inConference: "CA..0002 (agent) leaves conference support (<text>)".
	inConference roomKind = iota
	// inQueueBridge: "the queue bridge of A and B ends: CA..0002 <text>".
	inQueueBridge
	roomKinds
)

// leaveTexts say how a leg left, by the kind of room it left: the
// sentences they complete differ, so do their wordings.
var leaveTexts = [...][roomKinds]string{
	leftHungUp:     {"the call ended", "hung up"},
	leftRedirected: {"its call was given new TwiML by REST, which removes it from the room", "was redirected by REST"},
	leftKicked:     {"kicked by REST", "left"},
	leftStar:       {"pressed * (hangupOnStar)", "pressed * (hangupOnStar)"},
	leftTimeLimit:  {"timeLimit", "reached the time limit"},
	leftConfEnded:  {"the conference ended", "left"},
}

// leaveText says, for the trace, how a leg left a room of the given kind.
func leaveText(room roomKind, how leaveHow) string {
	return leaveTexts[how][room]
}

// leaveRooms takes c out of its conference, queue or queue bridge: because
// it hung up (st: the status it ends with) or was redirected by REST.
func (e *Engine) leaveRooms(c *Call, how leaveHow, st Status) {
	if pt := c.part; pt != nil {
		why := "participant_hung_up"
		if how == leftRedirected {
			// INFERRED: the reason Twilio gives for a participant whose call
			// got new TwiML.
			why = "participant_updated_via_api"
			if !pt.joined {
				// A participant still ringing runs the new TwiML when it
				// answers, instead of joining.
				c.answerer = func() { e.runAppURL(c, "url") }
			}
		}
		e.leaveConference(pt, how, st, why)
	}
	if m := c.member; m != nil {
		e.memberGone(m, how, st)
	}
	if w := c.qwait; w != nil {
		e.waiterGone(w, how, st)
	}
	if qb := c.qbridge; qb != nil {
		e.endQueueBridge(qb, c, how, st)
	}
}

// inRoom reports whether c is in a conference, a queue or a queue bridge.
func (c *Call) inRoom() bool {
	return c.part != nil || c.member != nil || c.qwait != nil || c.qbridge != nil
}

// roomHearing is what c's party hears because of the room it is in; false
// when it is in none.
func (e *Engine) roomHearing(c *Call) (Hearing, bool) {
	if pt := c.part; pt != nil && pt.joined {
		return e.participantHearing(pt), true
	}
	if m := c.member; m != nil {
		if m.wait.live() {
			return m.wait.heard(), true
		}
		return silence("waiting in queue " + m.q.FriendlyName), true
	}
	if c.qwait != nil {
		return ringback(), true
	}
	if qb := c.qbridge; qb != nil {
		other := qb.caller
		if c == qb.caller {
			other = qb.dialer
		}
		switch {
		case qb.bridged:
			return party(other.Sid), true
		case c == qb.dialer:
			return ringback(), true
		case qb.url.live():
			return qb.url.heard(), true
		}
		return silence("connecting"), true
	}
	return Hearing{}, false
}

// roomRef names the room c is in, for the trace; nil when it is in none.
func roomRef(c *Call) *RoomRef {
	switch {
	case c.part != nil:
		return confRef(c.part.conf)
	case c.member != nil:
		return queueRef(c.member.q)
	case c.qwait != nil:
		return queueRef(c.qwait.q)
	case c.qbridge != nil:
		return queueRef(c.qbridge.q)
	}
	return nil
}

// roomKey handles a key pressed by a party in a room: a <Gather> in a
// queue's waitUrl, or * with hangupOnStar.
func (e *Engine) roomKey(c *Call, key string) {
	if m := c.member; m != nil && m.wait != nil && m.wait.gather != nil {
		e.gatherKey(m.wait.gather, key)
		return
	}
	if key != "*" {
		return
	}
	if pt := c.part; pt != nil && pt.joined && pt.dial != nil && pt.dial.HangupOnStar {
		// INFERRED: ReasonParticipantLeft for leaving by *.
		e.leaveConference(pt, leftStar, "", "participant_hung_up")
		return
	}
	if qb := c.qbridge; qb != nil && c == qb.dialer && qb.bridged && qb.dial.HangupOnStar {
		e.endQueueBridge(qb, c, leftStar, "")
	}
}
