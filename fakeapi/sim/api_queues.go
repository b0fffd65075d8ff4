package sim

import (
	"fmt"
	"time"

	"github.com/holdlab/holdlab/fakeapi/wire"
)

// The engine's API for the Queue and Member resources: what
// fakeapi/rest_queues.go serves.

// MemberInfo is a queue Member resource, computed at request time.
type MemberInfo struct {
	CallSid      string
	QueueSid     string
	DateEnqueued time.Time
	Position     int // 1-based (INFERRED from Twilio's fixtures)
	WaitTime     time.Duration
}

func (e *Engine) queueNotFound(sid string) *Error {
	return errNotFound(fmt.Sprintf("/2010-04-01/Accounts/%s/Queues/%s.json", e.cfg.AccountSid, sid))
}

func (e *Engine) checkQueueName(name string, self *Queue) error {
	if name == "" {
		return errBadRequest(20001, "Missing required parameter FriendlyName in the post body")
	}
	if len(name) > MaxQueueNameLength {
		return errBadRequest(20001, "FriendlyName must be at most %d characters", MaxQueueNameLength)
	}
	if o := e.queueByName(name); o != nil && o != self {
		// INFERRED: queue names are unique, since <Enqueue> finds queues by name.
		return errBadRequest(20001, "A queue named %q already exists", name)
	}
	return nil
}

func checkMaxSize(n int) error {
	if n < 1 || n > MaxQueueMaxSize {
		return errBadRequest(20001, "MaxSize must be between 1 and %d", MaxQueueMaxSize)
	}
	return nil
}

// CreateQueue creates a queue; maxSize 0 means the default, 1000.
func (e *Engine) CreateQueue(name string, maxSize int) (*Queue, error) {
	if err := e.checkQueueName(name, nil); err != nil {
		return nil, err
	}
	if maxSize == 0 {
		maxSize = DefaultQueueMaxSize
	}
	if err := checkMaxSize(maxSize); err != nil {
		return nil, err
	}
	q := e.newQueue(name, maxSize)
	e.notef(nil, KindREST, facts{room: queueRef(q), rest: restRef("POST", "Queues")}, "POST /Queues creates queue %s (%s, MaxSize %d)", name, wire.Short(q.Sid), maxSize)
	return q, nil
}

// Queues returns the account's queues in the order they were created.
func (e *Engine) Queues() []*Queue { return append([]*Queue(nil), e.queues...) }

// Queue returns the queue with the given SID.
func (e *Engine) Queue(sid string) (*Queue, error) {
	for _, q := range e.queues {
		if q.Sid == sid {
			return q, nil
		}
	}
	return nil, e.queueNotFound(sid)
}

// QueueUpdate is POST /Queues/{Sid}. Nil fields are left as they are.
type QueueUpdate struct {
	FriendlyName *string
	MaxSize      *int
}

// UpdateQueue renames a queue or changes its MaxSize. Calls already waiting
// stay, even beyond a smaller MaxSize.
func (e *Engine) UpdateQueue(sid string, u QueueUpdate) (*Queue, error) {
	q, err := e.Queue(sid)
	if err != nil {
		return nil, err
	}
	if u.FriendlyName != nil {
		if err := e.checkQueueName(*u.FriendlyName, q); err != nil {
			return nil, err
		}
	}
	if u.MaxSize != nil {
		if err := checkMaxSize(*u.MaxSize); err != nil {
			return nil, err
		}
	}
	if u.FriendlyName != nil {
		q.FriendlyName = *u.FriendlyName
	}
	if u.MaxSize != nil {
		q.MaxSize = *u.MaxSize
	}
	q.DateUpdated = e.now
	e.notef(nil, KindREST, facts{room: queueRef(q), rest: restRef("POST", "Queues", q.Sid)}, "POST /Queues/%s updates queue %s (MaxSize %d)", wire.Short(q.Sid), q.FriendlyName, q.MaxSize)
	return q, nil
}

// DeleteQueue removes an empty queue.
func (e *Engine) DeleteQueue(sid string) error {
	q, err := e.Queue(sid)
	if err != nil {
		return err
	}
	if len(q.members) > 0 {
		// INFERRED: Twilio's answer for deleting a queue with calls in it.
		return errBadRequest(20001, "Queue %s still has %d calls waiting", q.FriendlyName, len(q.members))
	}
	for i, o := range e.queues {
		if o == q {
			e.queues = append(e.queues[:i], e.queues[i+1:]...)
			break
		}
	}
	e.notef(nil, KindREST, facts{room: queueRef(q), rest: restRef("DELETE", "Queues", q.Sid)}, "DELETE /Queues/%s removes queue %s", wire.Short(q.Sid), q.FriendlyName)
	return nil
}

func (e *Engine) memberInfo(m *member) MemberInfo {
	return MemberInfo{CallSid: m.call.Sid, QueueSid: m.q.Sid, DateEnqueued: m.since, Position: position(m), WaitTime: e.now.Sub(m.since)}
}

// Members returns the calls waiting in a queue, front first.
func (e *Engine) Members(queueSid string) ([]MemberInfo, error) {
	q, err := e.Queue(queueSid)
	if err != nil {
		return nil, err
	}
	out := make([]MemberInfo, 0, len(q.members))
	for _, m := range q.members {
		out = append(out, e.memberInfo(m))
	}
	return out, nil
}

func (e *Engine) findMember(queueSid, callSidOrFront string) (*member, error) {
	q, err := e.Queue(queueSid)
	if err != nil {
		return nil, err
	}
	nf := errNotFound(fmt.Sprintf("/2010-04-01/Accounts/%s/Queues/%s/Members/%s.json", e.cfg.AccountSid, queueSid, callSidOrFront))
	if callSidOrFront == "Front" {
		if len(q.members) == 0 {
			return nil, nf
		}
		return q.members[0], nil
	}
	for _, m := range q.members {
		if m.call.Sid == callSidOrFront {
			return m, nil
		}
	}
	return nil, nf
}

// Member returns a waiting call by call SID, or the front one for "Front".
func (e *Engine) Member(queueSid, callSidOrFront string) (MemberInfo, error) {
	m, err := e.findMember(queueSid, callSidOrFront)
	if err != nil {
		return MemberInfo{}, err
	}
	return e.memberInfo(m), nil
}

// DequeueMember takes a call out of the queue and makes it run the TwiML at
// rawURL. Its <Enqueue> action is requested with QueueResult=redirected and
// the answer ignored (INFERRED; https://www.twilio.com/docs/voice/api/member-resource). It returns the member
// as it was when dequeued.
func (e *Engine) DequeueMember(queueSid, callSidOrFront, rawURL, method string) (MemberInfo, error) {
	m, err := e.findMember(queueSid, callSidOrFront)
	if err != nil {
		return MemberInfo{}, err
	}
	if rawURL == "" {
		return MemberInfo{}, errBadRequest(21205, "Url parameter is required.")
	}
	info := e.memberInfo(m)
	c := m.call
	e.notef(c, KindREST, facts{room: queueRef(m.q), rest: restRef("POST", "Queues", queueSid, "Members", callSidOrFront)}, "POST /Queues/%s/Members/%s Url=%s dequeues %s", wire.Short(m.q.Sid), callSidOrFront, rawURL, e.name(c))
	e.removeMember(m)
	e.notef(c, KindQueue, facts{room: queueRef(m.q), cause: CauseRedirectedByREST}, "%s leaves queue %s (QueueResult=redirected)", e.name(c), m.q.FriendlyName)
	e.actionCallback(c, m.prog, m.enq.Action, m.enq.Method, e.enqueueResult(m, "redirected"), "", "enqueue action (the answer is ignored)")
	e.fetchTwiML(c, rawURL, orPOST(method), nil, modeMain, "dequeue url", false)
	e.flushHearing()
	return info, nil
}
