package fakeapi

// ControlPrefix is the path prefix of holdlab's own control API, apart from
// Twilio's REST surface.
const ControlPrefix = "/holdlab/"

// routeTable is every route the fake serves, in one place: Twilio's Voice
// REST API (2010-04-01), whose handlers are in rest_*.go, then holdlab's
// control API under ControlPrefix, whose handlers are in control.go, then
// "/" for anything else (404 / 20404, or 405 / 20004 for a known path and
// another method). Every route requires the account's credentials or one
// of its API keys (keys.go); injected faults apply to the REST API only.
// Routes lists the patterns; router.go serves them, from one table built
// once per process.
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
		// A call's recordings: https://www.twilio.com/docs/voice/api/recording
		rest("POST", acct+"/Calls/{CallSid}/Recordings.json", (*Fake).createCallRecording),
		rest("GET", acct+"/Calls/{CallSid}/Recordings.json", (*Fake).listCallRecordings),
		rest("GET", acct+"/Calls/{CallSid}/Recordings/{file}", (*Fake).fetchCallRecording),
		rest("POST", acct+"/Calls/{CallSid}/Recordings/{file}", (*Fake).updateCallRecording),
		rest("DELETE", acct+"/Calls/{CallSid}/Recordings/{file}", (*Fake).deleteCallRecording),
		// The account's recordings.
		rest("GET", acct+"/Recordings.json", (*Fake).listRecordings),
		rest("GET", acct+"/Recordings/{file}", (*Fake).fetchRecording),
		rest("DELETE", acct+"/Recordings/{file}", (*Fake).deleteRecording),
		// UserDefinedMessages and their subscriptions:
		// https://www.twilio.com/docs/voice/api/userdefinedmessage-resource
		rest("POST", acct+"/Calls/{CallSid}/UserDefinedMessages.json", (*Fake).createUserDefinedMessage),
		rest("POST", acct+"/Calls/{CallSid}/UserDefinedMessageSubscriptions.json", (*Fake).createUserDefinedMessageSubscription),
		rest("DELETE", acct+"/Calls/{CallSid}/UserDefinedMessageSubscriptions/{file}", (*Fake).deleteUserDefinedMessageSubscription),

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
		// A conference's recordings (no create: <Conference record> starts them).
		rest("GET", acct+"/Conferences/{ConferenceSid}/Recordings.json", (*Fake).listConferenceRecordings),
		rest("GET", acct+"/Conferences/{ConferenceSid}/Recordings/{file}", (*Fake).fetchConferenceRecording),
		rest("POST", acct+"/Conferences/{ConferenceSid}/Recordings/{file}", (*Fake).updateConferenceRecording),
		rest("DELETE", acct+"/Conferences/{ConferenceSid}/Recordings/{file}", (*Fake).deleteConferenceRecording),

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

		// Applications (TwiML Apps): https://www.twilio.com/docs/usage/api/applications
		rest("POST", acct+"/Applications.json", (*Fake).createApplication),
		rest("GET", acct+"/Applications.json", (*Fake).listApplications),
		rest("GET", acct+"/Applications/{file}", (*Fake).fetchApplication),
		rest("POST", acct+"/Applications/{file}", (*Fake).updateApplication),
		rest("DELETE", acct+"/Applications/{file}", (*Fake).deleteApplication),
		// Keys (API keys; the account's own credentials only):
		// https://www.twilio.com/docs/iam/api-keys/key-resource-v2010
		rest("POST", acct+"/Keys.json", (*Fake).createKey),
		rest("GET", acct+"/Keys.json", (*Fake).listKeys),
		rest("GET", acct+"/Keys/{file}", (*Fake).fetchKey),
		rest("POST", acct+"/Keys/{file}", (*Fake).updateKey),
		rest("DELETE", acct+"/Keys/{file}", (*Fake).deleteKey),

		// The control API: it speaks JSON.
		control("POST", ctl+"calls", (*Fake).ctlPlaceCall),
		control("POST", ctl+"calls/{sid}/hangup", (*Fake).ctlHangUp),
		control("POST", ctl+"calls/{sid}/answer", (*Fake).ctlAnswer),
		control("POST", ctl+"calls/{sid}/digits", (*Fake).ctlDigits),
		control("GET", ctl+"calls/{sid}/hears", (*Fake).ctlHears),
		control("GET", ctl+"recordings/{sid}/contents", (*Fake).ctlRecordingContents),
		control("GET", ctl+"calls/{sid}/messages", (*Fake).ctlMessages),
		control("PUT", ctl+"phones/{address}", (*Fake).ctlSetPhone),
		control("GET", ctl+"phones/{address}", (*Fake).ctlGetPhone),
		control("PUT", ctl+"clients/{identity}", (*Fake).ctlRegisterClient),
		control("GET", ctl+"clients/{identity}", (*Fake).ctlGetClient),
		control("DELETE", ctl+"clients/{identity}", (*Fake).ctlUnregisterClient),
		control("POST", ctl+"clients/{identity}/calls", (*Fake).ctlPlaceClientCall),
		control("GET", ctl+"clock", (*Fake).ctlClock),
		control("POST", ctl+"clock/advance", (*Fake).ctlAdvance),
		control("GET", ctl+"trace", (*Fake).ctlTrace),
		control("DELETE", ctl+"trace", (*Fake).ctlClearTrace),
		control("GET", ctl+"events", (*Fake).ctlEvents),
		control("GET", ctl+"state", (*Fake).ctlState),
		control("POST", ctl+"faults", (*Fake).ctlInjectFault),
		control("GET", ctl+"faults", (*Fake).ctlFaults),
		control("DELETE", ctl+"faults", (*Fake).ctlClearFaults),
		control("DELETE", ctl+"faults/{id}", (*Fake).ctlRemoveFault),

		{pattern: "/", serve: unrouted},
	}
}
