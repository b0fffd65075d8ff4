package fakeapi_test

import (
	"testing"
	"time"

	"github.com/holdlab/holdlab/fakeapi/sim"
	"github.com/holdlab/holdlab/fakeapi/wire"
	openapi "github.com/twilio/twilio-go/rest/api/v2010"
)

// (b): the agent calls the customer; hold redirects the customer (the
// child leg) into <Enqueue waitUrl>, which ends the agent's Dial; resume
// redirects the agent to <Dial><Queue>, which bridges them again.
func TestQueueHoldThroughTheAPI(t *testing.T) {
	e := newRoomEnv(t, "")
	e.app.twiml("/agent", `<Response><Dial callerId="`+roomSupport+`" action="/agent-hold">`+roomCustomer+`</Dial></Response>`)
	e.app.twiml("/agent-hold", `<Response><Say>Your caller is on hold</Say><Pause length="600"/></Response>`)
	e.app.twiml("/hold", `<Response><Enqueue waitUrl="/wait" action="/dequeued">hold-customer</Enqueue></Response>`)
	e.app.twiml("/wait", `<Response><Play>`+roomMusic+`</Play></Response>`)
	e.app.twiml("/resume", `<Response><Dial action="/agent-after"><Queue>hold-customer</Queue></Dial></Response>`)
	e.app.twiml("/dequeued", `<Response><Say loop="0">Thanks for holding</Say></Response>`)
	e.app.twiml("/agent-after", `<Response><Say loop="0">The customer left</Say></Response>`)
	call, err := e.api.CreateCall(&openapi.CreateCallParams{To: ptrTo(roomAgent), From: ptrTo(roomSupport), Url: ptrTo(roomApp + "/agent")})
	if err != nil {
		t.Fatal(err)
	}
	ag := *call.Sid
	advance(e, 10*time.Second)
	kids, err := e.api.ListCall(&openapi.ListCallParams{ParentCallSid: &ag})
	if err != nil || len(kids) != 1 {
		t.Fatalf("children %d %v", len(kids), err)
	}
	cust := *kids[0].Sid
	e.wantHears(ag, "party "+wire.Short(cust))

	// Hold.
	e.redirect(cust, "/hold")
	advance(e, 45*time.Second)
	e.wantHears(cust, `wait-music "`+roomMusic+`"`)
	e.wantHears(ag, "silence (pause)")
	e.wantCallStatus(ag, "in-progress")
	qs, err := e.api.ListQueue(nil)
	if err != nil || len(qs) != 1 {
		t.Fatalf("queues %d %v", len(qs), err)
	}
	q := qs[0]
	if *q.FriendlyName != "hold-customer" || q.CurrentSize != 1 || q.MaxSize != 1000 || q.AverageWaitTime != 45 {
		t.Errorf("queue %s size %d max %d avg %d", *q.FriendlyName, q.CurrentSize, q.MaxSize, q.AverageWaitTime)
	}
	front, err := e.api.FetchMember(*q.Sid, "Front", nil)
	if err != nil || *front.CallSid != cust || front.Position != 1 || front.WaitTime != 45 {
		t.Errorf("Front %+v %v", front, err)
	}
	// The waitUrl ran out after the 30s MP3 and was requested again.
	waits := e.app.hooks("/wait")
	if len(waits) != 2 {
		t.Fatalf("waitUrl requested %d times, want 2", len(waits))
	}
	for k, want := range map[string]string{"QueueSid": *q.Sid, "QueuePosition": "1", "CurrentQueueSize": "1", "MaxQueueSize": "1000", "QueueTime": "30"} {
		if got := waits[1].Params.Get(k); got != want {
			t.Errorf("second waitUrl request %s=%q, want %q", k, got, want)
		}
	}

	// Resume: the queue is empty again and they hear each other.
	e.redirect(ag, "/resume")
	e.wantHears(ag, "party "+wire.Short(cust))
	e.wantHears(cust, "party "+wire.Short(ag))
	q2, _ := e.api.FetchQueue(*q.Sid, nil)
	if q2.CurrentSize != 0 {
		t.Errorf("queue size %d after resume", q2.CurrentSize)
	}
	_, err = e.api.FetchMember(*q.Sid, "Front", nil)
	wantRestError(t, "Front of an empty queue", err, 404, 20404)
	if n := len(e.app.hooks("/dequeued")); n != 0 {
		t.Errorf("Enqueue action requested %d times while bridged; Twilio waits for the bridge to end", n)
	}

	// The customer hangs up: the agent's Dial completes with the dequeued
	// call as DialCallSid; the Enqueue action gets QueueResult=bridged.
	advance(e, 20*time.Second)
	if err := e.f.HangUp(cust); err != nil {
		t.Fatal(err)
	}
	deq := e.app.hooks("/dequeued")
	if len(deq) != 1 {
		t.Fatalf("Enqueue action requested %d times\n%s", len(deq), e.trace())
	}
	for k, want := range map[string]string{"QueueResult": "bridged", "QueueSid": *q.Sid, "QueueTime": "45", "CallStatus": "completed"} {
		if got := deq[0].Params.Get(k); got != want {
			t.Errorf("Enqueue action %s=%q, want %q", k, got, want)
		}
	}
	after := e.app.hooks("/agent-after")
	if len(after) != 1 {
		t.Fatalf("agent's Dial action requested %d times", len(after))
	}
	for k, want := range map[string]string{"DialCallStatus": "completed", "DialCallSid": cust, "DialCallDuration": "20", "DialBridged": "true"} {
		if got := after[0].Params.Get(k); got != want {
			t.Errorf("Dial action %s=%q, want %q", k, got, want)
		}
	}
	e.wantHears(ag, `say "The customer left"`)
}

func TestQueueAndMemberAPI(t *testing.T) {
	e := newRoomEnv(t, `<Response><Enqueue action="/left">sales</Enqueue></Response>`)
	e.app.twiml("/left", `<Response><Say loop="0">Left the queue</Say></Response>`)
	e.app.twiml("/agent-menu", `<Response><Say loop="0">Hello from an agent</Say></Response>`)
	q, err := e.api.CreateQueue(&openapi.CreateQueueParams{FriendlyName: ptrTo("sales"), MaxSize: ptrTo(2)})
	if err != nil {
		t.Fatal(err)
	}
	if q.MaxSize != 2 || q.CurrentSize != 0 || *q.FriendlyName != "sales" {
		t.Errorf("created %+v", q)
	}
	_, err = e.api.CreateQueue(&openapi.CreateQueueParams{FriendlyName: ptrTo("x"), MaxSize: ptrTo(5001)})
	wantRestError(t, "MaxSize 5001", err, 400, 20001)
	_, err = e.api.CreateQueue(&openapi.CreateQueueParams{MaxSize: ptrTo(5)})
	wantRestError(t, "no FriendlyName", err, 400, 20001)
	_, err = e.api.FetchMember(*q.Sid, "Front", nil)
	wantRestError(t, "Front of an empty queue", err, 404, 20404)

	first := e.place(roomCustomer, roomSupport)
	advance(e, 10*time.Second)
	second := e.place("+15550006000", roomSupport)
	advance(e, 10*time.Second)
	// The queue holds two: a third caller finds it full.
	third := e.place("+15550007000", roomSupport)
	left := e.app.hooks("/left")
	if len(left) != 1 || left[0].Params.Get("CallSid") != third || left[0].Params.Get("QueueResult") != "queue-full" || left[0].Params.Has("QueueSid") {
		t.Fatalf("queue-full action %+v", left)
	}
	ms, err := e.api.ListMember(*q.Sid, nil)
	if err != nil || len(ms) != 2 || *ms[0].CallSid != first || ms[1].Position != 2 || ms[1].WaitTime != 10 || ms[0].WaitTime != 20 {
		t.Fatalf("members %+v %v", ms, err)
	}
	fetched, _ := e.api.FetchQueue(*q.Sid, nil)
	if fetched.CurrentSize != 2 || fetched.AverageWaitTime != 15 {
		t.Errorf("queue size %d avg %d", fetched.CurrentSize, fetched.AverageWaitTime)
	}
	err = e.api.DeleteQueue(*q.Sid, nil)
	wantRestError(t, "delete a queue with calls", err, 400, 20001)

	// Dequeue the front caller by REST: it runs the Url, and its Enqueue
	// action hears QueueResult=redirected.
	m, err := e.api.UpdateMember(*q.Sid, "Front", &openapi.UpdateMemberParams{Url: ptrTo(roomApp + "/agent-menu")})
	if err != nil {
		t.Fatal(err)
	}
	if *m.CallSid != first || m.Position != 1 {
		t.Errorf("dequeued %+v", m)
	}
	e.wantHears(first, `say "Hello from an agent"`)
	if left := e.app.hooks("/left"); len(left) != 2 || left[1].Params.Get("QueueResult") != "redirected" {
		t.Errorf("Enqueue action after dequeue: %+v", left)
	}
	front, _ := e.api.FetchMember(*q.Sid, "Front", nil)
	if *front.CallSid != second || front.Position != 1 {
		t.Errorf("new front %+v", front)
	}
	byCall, err := e.api.FetchMember(*q.Sid, second, nil)
	if err != nil || *byCall.QueueSid != *q.Sid {
		t.Errorf("member by call sid %+v %v", byCall, err)
	}
	_, err = e.api.UpdateMember(*q.Sid, second, &openapi.UpdateMemberParams{})
	wantRestError(t, "dequeue without Url", err, 400, 21205)

	// The second caller hangs up: QueueResult=hangup.
	if err := e.f.HangUp(second); err != nil {
		t.Fatal(err)
	}
	if left := e.app.hooks("/left"); len(left) != 3 || left[2].Params.Get("QueueResult") != "hangup" {
		t.Errorf("Enqueue action after a hang-up: %+v", left)
	}
	up, err := e.api.UpdateQueue(*q.Sid, &openapi.UpdateQueueParams{FriendlyName: ptrTo("sales-2"), MaxSize: ptrTo(10)})
	if err != nil || *up.FriendlyName != "sales-2" || up.MaxSize != 10 {
		t.Errorf("update %+v %v", up, err)
	}
	if err := e.api.DeleteQueue(*q.Sid, nil); err != nil {
		t.Fatal(err)
	}
	_, err = e.api.FetchQueue(*q.Sid, nil)
	wantRestError(t, "fetch a deleted queue", err, 404, 20404)
}

func TestLeaveInTheWaitURL(t *testing.T) {
	e := newRoomEnv(t, `<Response><Enqueue waitUrl="/wait">support</Enqueue><Say loop="0">Please leave a message</Say></Response>`)
	e.app.twiml("/wait", `<Response><Say>All agents are busy</Say><Leave/></Response>`)
	c := e.place(roomCustomer, roomSupport)
	advance(e, 5*time.Second)
	e.wantHears(c, `say "Please leave a message"`)
	qs, _ := e.api.ListQueue(nil)
	if len(qs) != 1 || qs[0].CurrentSize != 0 {
		t.Errorf("queues %+v", qs)
	}
}

func TestQueueRenderings(t *testing.T) {
	e := newRoomEnv(t, `<Response><Enqueue>support</Enqueue></Response>`)
	c := e.place(roomCustomer, roomSupport)
	advance(e, 7*time.Second)
	qs, _ := e.api.ListQueue(nil)
	qsid := *qs[0].Sid
	q := e.getJSON("/Queues/" + qsid + ".json")
	checkJSONTypes(t, "Queue", q, map[string]string{
		"date_updated": "date", "current_size": "number", "friendly_name": "string", "uri": "string",
		"account_sid": "string", "average_wait_time": "number", "sid": "string", "date_created": "date", "max_size": "number",
	})
	m := e.getJSON("/Queues/" + qsid + "/Members/" + c + ".json")
	checkJSONTypes(t, "Member", m, map[string]string{
		"call_sid": "string", "date_enqueued": "date", "position": "number", "uri": "string", "wait_time": "number", "queue_sid": "string",
	})
	if m["uri"] != "/2010-04-01/Accounts/"+e.f.AccountSid()+"/Queues/"+qsid+"/Members/"+c+".json" || m["wait_time"] != 7.0 {
		t.Errorf("member %v", m)
	}
	page := e.getJSON("/Queues/" + qsid + "/Members.json")
	if items, ok := page["queue_members"].([]any); !ok || len(items) != 1 {
		t.Errorf("members page %v", page)
	}
	if page := e.getJSON("/Queues.json"); len(page["queues"].([]any)) != 1 {
		t.Errorf("queues page %v", page)
	}
	e.wantHears(c, `wait-music "`+sim.DefaultMusicURL+`"`)
}
