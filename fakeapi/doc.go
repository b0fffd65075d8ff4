// Package fakeapi is an in-process fake of Twilio's Voice REST API
// (2010-04-01: Calls, IncomingPhoneNumbers, Conferences and their
// Participants, Queues and their Members, Recordings) and of the platform
// behind it: call legs, <Dial> bridges, conferences, queues, recordings and
// signed webhooks to the app, run by the deterministic engine in package
// sim on a virtual clock.
//
// One Fake serves two ways. In-process, New gives an http.Handler, an
// in-memory *http.Client (HTTPClient) and a ready twilio-go client of the
// REST API (RestClient); the app's webhook handlers can be in-process too
// (Options.Apps). Standalone, `holdlab serve` puts the same Handler on a
// loopback listener, so an app in any language can point its Twilio SDK at
// it (NewRestClient and BaseURLTransport do that for Go).
//
// Besides Twilio's API the handler serves holdlab's control API under
// ControlPrefix: place an inbound call, script a phone, make a party hang up
// or press keys, move the clock, read what a leg hears and the trace, inject
// faults. Routes lists every route; each requires the account's
// credentials.
//
// To test an app's own resilience, InjectFault makes the REST API fail on
// purpose (429 / 20429, 500 / 20500, latency, dropped connections), also
// through the control API; Options.CheckInvariants makes the engine check
// its own consistency after every step (CheckInvariants reports it).
//
// # Files
//
//	fake.go              Fake, Options, New; Do, View, Advance; driving the engine
//	                     (manual or real clock, a request's webhook budget);
//	                     performing webhooks; CheckInvariants
//	routes.go            the route table: every REST and control API route
//	                     (method, path pattern, handler); ControlPrefix
//	router.go            serving the table: one ServeMux per process,
//	                     authentication, REST and control request handling,
//	                     404 / 20404 and 405 / 20004; Routes
//	rest_helpers.go      what the REST handlers share: answers (run or read
//	                     the engine, render, page) and form parameters
//	rest_calls.go        Calls
//	rest_numbers.go      IncomingPhoneNumbers
//	rest_conferences.go  Conferences and Participants
//	rest_queues.go       Queues and Members
//	rest_recordings.go   Recordings of calls, of conferences, of the account
//	control.go           the control API: its Go methods (PlaceCall, SetPhone,
//	                     HangUp, Hears, Trace, …) and its HTTP handlers
//	control_recordings.go  RecordingContents: what a recording holds
//	faults.go            Fault, InjectFault, Faults, RemoveFault, ClearFaults
//	transport.go         in-memory HTTP both ways: HTTPClient, RestClient,
//	                     NewRestClient, BaseURLTransport; webhooks to
//	                     in-process apps
//
// Subpackages: sim (the engine), twiml (TwiML documents to typed verbs),
// wire (Twilio's JSON wire format, paging, errors) and webhook (signatures,
// webhook requests and their failure codes).
package fakeapi
