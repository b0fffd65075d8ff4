package fakeapi

import (
	"net/http"
	"net/url"
	"time"

	"github.com/holdlab/holdlab/fakeapi/sim"
	"github.com/holdlab/holdlab/fakeapi/wire"
)

// queueParams reads FriendlyName and MaxSize.
func queueParams(form url.Values) (name *string, maxSize *int, err error) {
	if form.Has("FriendlyName") {
		v := form.Get("FriendlyName")
		name = &v
	}
	if maxSize, err = wire.Int(form, "MaxSize"); err != nil {
		return nil, nil, err
	}
	if maxSize != nil && (*maxSize < 1 || *maxSize > sim.MaxQueueMaxSize) {
		return nil, nil, wire.InvalidParameter(wire.CodeInvalidParameter, "MaxSize", form.Get("MaxSize"))
	}
	return name, maxSize, nil
}

func (f *Fake) createQueue(w http.ResponseWriter, _ restRequest, form url.Values) error {
	name, maxSize, err := queueParams(form)
	if err != nil {
		return err
	}
	if name == nil || *name == "" {
		return wire.BadRequest("Missing required parameter FriendlyName in the post body")
	}
	size := 0
	if maxSize != nil {
		size = *maxSize
	}
	var now time.Time
	return doJSON(f, w, http.StatusCreated, func(e *sim.Engine) (*sim.Queue, error) {
		now = e.Now()
		return e.CreateQueue(*name, size)
	}, f.queueJSONAt(&now))
}

func (f *Fake) listQueues(w http.ResponseWriter, r restRequest, form url.Values) error {
	req, err := wire.ParsePageRequest(form)
	if err != nil {
		return err
	}
	var now time.Time
	return listJSON(f, w, r, form, req, wire.KeyQueues, func(e *sim.Engine) ([]*sim.Queue, error) {
		now = e.Now()
		return e.Queues(), nil
	}, f.queueJSONAt(&now))
}

func (f *Fake) fetchQueue(w http.ResponseWriter, r restRequest, _ url.Values) error {
	sid := resourceSid(r)
	var now time.Time
	return viewJSON(f, w, func(e *sim.Engine) (*sim.Queue, error) {
		now = e.Now()
		return e.Queue(sid)
	}, f.queueJSONAt(&now))
}

func (f *Fake) updateQueue(w http.ResponseWriter, r restRequest, form url.Values) error {
	sid := resourceSid(r)
	name, maxSize, err := queueParams(form)
	if err != nil {
		return err
	}
	var now time.Time
	return doJSON(f, w, http.StatusOK, func(e *sim.Engine) (*sim.Queue, error) {
		now = e.Now()
		return e.UpdateQueue(sid, sim.QueueUpdate{FriendlyName: name, MaxSize: maxSize})
	}, f.queueJSONAt(&now))
}

func (f *Fake) deleteQueue(w http.ResponseWriter, r restRequest, _ url.Values) error {
	sid := resourceSid(r)
	return doNoContent(f, w, func(e *sim.Engine) error { return e.DeleteQueue(sid) })
}

// queueJSONAt renders Queue resources as of *now, the engine's time when
// the request read them (the handler sets it with the engine in hand).
func (f *Fake) queueJSONAt(now *time.Time) func(*sim.Queue) wire.Queue {
	return func(q *sim.Queue) wire.Queue { return f.queueJSON(q, *now) }
}

// queueJSON renders a Queue resource; its size and average wait are
// computed at request time.
func (f *Fake) queueJSON(q *sim.Queue, now time.Time) wire.Queue {
	return wire.Queue{
		DateUpdated:     wire.Ptr(wire.FormatDate(q.DateUpdated)),
		CurrentSize:     q.CurrentSize(),
		FriendlyName:    wire.Ptr(q.FriendlyName),
		URI:             wire.Ptr("/2010-04-01/Accounts/" + f.opts.AccountSid + "/Queues/" + q.Sid + ".json"),
		AccountSid:      wire.Ptr(f.opts.AccountSid),
		AverageWaitTime: int(q.AverageWaitTime(now) / time.Second),
		Sid:             wire.Ptr(q.Sid),
		DateCreated:     wire.Ptr(wire.FormatDate(q.DateCreated)),
		MaxSize:         q.MaxSize,
	}
}

// --- members ---

func (f *Fake) listMembers(w http.ResponseWriter, r restRequest, form url.Values) error {
	qsid := r.PathValue("QueueSid")
	req, err := wire.ParsePageRequest(form)
	if err != nil {
		return err
	}
	return listJSON(f, w, r, form, req, wire.KeyQueueMembers, func(e *sim.Engine) ([]sim.MemberInfo, error) {
		return e.Members(qsid)
	}, f.memberJSON)
}

func (f *Fake) fetchMember(w http.ResponseWriter, r restRequest, _ url.Values) error {
	qsid, id := r.PathValue("QueueSid"), resourceSid(r)
	return viewJSON(f, w, func(e *sim.Engine) (sim.MemberInfo, error) {
		return e.Member(qsid, id)
	}, f.memberJSON)
}

// dequeueMember is POST .../Members/{CallSid|Front}.json with Url: the call
// leaves the queue and runs the TwiML at Url.
func (f *Fake) dequeueMember(w http.ResponseWriter, r restRequest, form url.Values) error {
	qsid, id := r.PathValue("QueueSid"), resourceSid(r)
	u := form.Get("Url")
	if u == "" {
		return wire.MissingURL()
	}
	if !validURL(u) {
		return wire.InvalidURL("Url", u)
	}
	method, err := wire.Method(form, "Method", "POST")
	if err != nil {
		return err
	}
	return doJSON(f, w, http.StatusOK, func(e *sim.Engine) (sim.MemberInfo, error) {
		return e.DequeueMember(qsid, id, u, method)
	}, f.memberJSON)
}

// memberJSON renders a queue Member resource.
func (f *Fake) memberJSON(m sim.MemberInfo) wire.Member {
	return wire.Member{
		CallSid:      wire.Ptr(m.CallSid),
		DateEnqueued: wire.Ptr(wire.FormatDate(m.DateEnqueued)),
		Position:     m.Position,
		URI:          wire.Ptr("/2010-04-01/Accounts/" + f.opts.AccountSid + "/Queues/" + m.QueueSid + "/Members/" + m.CallSid + ".json"),
		WaitTime:     int(m.WaitTime / time.Second),
		QueueSid:     wire.Ptr(m.QueueSid),
	}
}
