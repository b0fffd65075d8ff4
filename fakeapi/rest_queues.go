package fakeapi

import (
	"net/http"
	"net/url"
	"strings"
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

func (f *Fake) createQueue(w http.ResponseWriter, _ *http.Request, form url.Values) error {
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
	var body wire.Queue
	if err := f.Do(func(e *sim.Engine) error {
		q, err := e.CreateQueue(*name, size)
		if err == nil {
			body = f.queueJSON(q, e.Now())
		}
		return err
	}); err != nil {
		return err
	}
	wire.JSON(w, http.StatusCreated, body)
	return nil
}

func (f *Fake) listQueues(w http.ResponseWriter, r *http.Request, form url.Values) error {
	req, err := wire.ParsePageRequest(form)
	if err != nil {
		return err
	}
	var items []wire.Queue
	f.View(func(e *sim.Engine) {
		for _, q := range e.Queues() {
			items = append(items, f.queueJSON(q, e.Now()))
		}
	})
	wire.JSON(w, http.StatusOK, wire.NewPage(wire.KeyQueues, items, req, r.URL.Path, form))
	return nil
}

func (f *Fake) fetchQueue(w http.ResponseWriter, r *http.Request, _ url.Values) error {
	sid := resourceSid(r)
	var body wire.Queue
	var err error
	f.View(func(e *sim.Engine) {
		var q *sim.Queue
		if q, err = e.Queue(sid); err == nil {
			body = f.queueJSON(q, e.Now())
		}
	})
	if err != nil {
		return err
	}
	wire.JSON(w, http.StatusOK, body)
	return nil
}

func (f *Fake) updateQueue(w http.ResponseWriter, r *http.Request, form url.Values) error {
	sid := resourceSid(r)
	name, maxSize, err := queueParams(form)
	if err != nil {
		return err
	}
	var body wire.Queue
	if err := f.Do(func(e *sim.Engine) error {
		q, err := e.UpdateQueue(sid, sim.QueueUpdate{FriendlyName: name, MaxSize: maxSize})
		if err == nil {
			body = f.queueJSON(q, e.Now())
		}
		return err
	}); err != nil {
		return err
	}
	wire.JSON(w, http.StatusOK, body)
	return nil
}

func (f *Fake) deleteQueue(w http.ResponseWriter, r *http.Request, _ url.Values) error {
	sid := resourceSid(r)
	if err := f.Do(func(e *sim.Engine) error { return e.DeleteQueue(sid) }); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
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

func memberID(r *http.Request) string { return strings.TrimSuffix(r.PathValue("file"), ".json") }

func (f *Fake) listMembers(w http.ResponseWriter, r *http.Request, form url.Values) error {
	qsid := r.PathValue("QueueSid")
	req, err := wire.ParsePageRequest(form)
	if err != nil {
		return err
	}
	var items []wire.Member
	f.View(func(e *sim.Engine) {
		var ms []sim.MemberInfo
		if ms, err = e.Members(qsid); err == nil {
			for _, m := range ms {
				items = append(items, f.memberJSON(m))
			}
		}
	})
	if err != nil {
		return err
	}
	wire.JSON(w, http.StatusOK, wire.NewPage(wire.KeyQueueMembers, items, req, r.URL.Path, form))
	return nil
}

func (f *Fake) fetchMember(w http.ResponseWriter, r *http.Request, _ url.Values) error {
	qsid, id := r.PathValue("QueueSid"), memberID(r)
	var body wire.Member
	var err error
	f.View(func(e *sim.Engine) {
		var m sim.MemberInfo
		if m, err = e.Member(qsid, id); err == nil {
			body = f.memberJSON(m)
		}
	})
	if err != nil {
		return err
	}
	wire.JSON(w, http.StatusOK, body)
	return nil
}

// dequeueMember is POST .../Members/{CallSid|Front}.json with Url: the call
// leaves the queue and runs the TwiML at Url.
func (f *Fake) dequeueMember(w http.ResponseWriter, r *http.Request, form url.Values) error {
	qsid, id := r.PathValue("QueueSid"), memberID(r)
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
	var body wire.Member
	if err := f.Do(func(e *sim.Engine) error {
		m, err := e.DequeueMember(qsid, id, u, method)
		if err == nil {
			body = f.memberJSON(m)
		}
		return err
	}); err != nil {
		return err
	}
	wire.JSON(w, http.StatusOK, body)
	return nil
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
