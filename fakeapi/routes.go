package fakeapi

// ControlPrefix is the path prefix of holdlab's own control API, apart from
// Twilio's REST surface.
const ControlPrefix = "/holdlab/"

// routeTable is every route the fake serves, in one place: Twilio's Voice
// REST API (2010-04-01), whose handlers are in rest_*.go, then holdlab's
// control API under ControlPrefix, whose handlers are in control.go, then
// "/" for anything else (404 / 20404, or 405 / 20004 for a known path and
// another method). Every route requires the account's credentials;
// injected faults apply to the REST API only. Routes lists the patterns;
// router.go serves them, from one table built once per process.
func routeTable() []route {
	const acct = "/2010-04-01/Accounts/{AccountSid}"
	const ctl = ControlPrefix
	return []route{
		// Calls: https://www.twilio.com/docs/voice/api/call-resource
		rest("POST", acct+"/Calls.json", (*Fake).createCall),
		rest("GET", acct+"/Calls.json", (*Fake).listCalls),
		rest("GET", acct+"/Calls/{file}", (*Fake).fetchCall),
		rest("POST", acct+"/Calls/{file}", (*Fake).updateCall),
		rest("DELETE", acct+"/Calls/{file}", (*Fake).deleteCall),

		// IncomingPhoneNumbers:
		// https://www.twilio.com/docs/phone-numbers/api/incomingphonenumber-resource
		rest("POST", acct+"/IncomingPhoneNumbers.json", (*Fake).createNumber),
		rest("GET", acct+"/IncomingPhoneNumbers.json", (*Fake).listNumbers),
		rest("GET", acct+"/IncomingPhoneNumbers/{file}", (*Fake).fetchNumber),
		rest("POST", acct+"/IncomingPhoneNumbers/{file}", (*Fake).updateNumber),
		rest("DELETE", acct+"/IncomingPhoneNumbers/{file}", (*Fake).deleteNumber),

		// Conferences (no create or delete: they exist while calls are in
		// them): https://www.twilio.com/docs/voice/api/conference-resource
		rest("GET", acct+"/Conferences.json", (*Fake).listConferences),
		rest("GET", acct+"/Conferences/{file}", (*Fake).fetchConference),
		rest("POST", acct+"/Conferences/{file}", (*Fake).updateConference),
		// Participants:
		// https://www.twilio.com/docs/voice/api/conference-participant-resource
		rest("GET", acct+"/Conferences/{ConferenceSid}/Participants.json", (*Fake).listParticipants),
		rest("POST", acct+"/Conferences/{ConferenceSid}/Participants.json", (*Fake).createParticipant),
		rest("GET", acct+"/Conferences/{ConferenceSid}/Participants/{file}", (*Fake).fetchParticipant),
		rest("POST", acct+"/Conferences/{ConferenceSid}/Participants/{file}", (*Fake).updateParticipant),
		rest("DELETE", acct+"/Conferences/{ConferenceSid}/Participants/{file}", (*Fake).deleteParticipant),

		// Queues: https://www.twilio.com/docs/voice/api/queue-resource
		rest("POST", acct+"/Queues.json", (*Fake).createQueue),
		rest("GET", acct+"/Queues.json", (*Fake).listQueues),
		rest("GET", acct+"/Queues/{file}", (*Fake).fetchQueue),
		rest("POST", acct+"/Queues/{file}", (*Fake).updateQueue),
		rest("DELETE", acct+"/Queues/{file}", (*Fake).deleteQueue),
		// Members: https://www.twilio.com/docs/voice/api/member-resource
		rest("GET", acct+"/Queues/{QueueSid}/Members.json", (*Fake).listMembers),
		rest("GET", acct+"/Queues/{QueueSid}/Members/{file}", (*Fake).fetchMember),
		rest("POST", acct+"/Queues/{QueueSid}/Members/{file}", (*Fake).dequeueMember),

		// The control API: it speaks JSON.
		control("POST", ctl+"calls", (*Fake).ctlPlaceCall),
		control("POST", ctl+"calls/{sid}/hangup", (*Fake).ctlHangUp),
		control("POST", ctl+"calls/{sid}/digits", (*Fake).ctlDigits),
		control("GET", ctl+"calls/{sid}/hears", (*Fake).ctlHears),
		control("PUT", ctl+"phones/{address}", (*Fake).ctlSetPhone),
		control("GET", ctl+"phones/{address}", (*Fake).ctlGetPhone),
		control("GET", ctl+"clock", (*Fake).ctlClock),
		control("POST", ctl+"clock/advance", (*Fake).ctlAdvance),
		control("GET", ctl+"trace", (*Fake).ctlTrace),
		control("DELETE", ctl+"trace", (*Fake).ctlClearTrace),
		control("POST", ctl+"faults", (*Fake).ctlInjectFault),
		control("GET", ctl+"faults", (*Fake).ctlFaults),
		control("DELETE", ctl+"faults", (*Fake).ctlClearFaults),
		control("DELETE", ctl+"faults/{id}", (*Fake).ctlRemoveFault),

		{pattern: "/", serve: unrouted},
	}
}
