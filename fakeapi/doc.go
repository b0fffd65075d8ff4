// Package fakeapi is an in-process fake of Twilio's Voice REST API
// (2010-04-01: Calls and their UserDefinedMessages, IncomingPhoneNumbers,
// Conferences and their Participants, Queues and their Members,
// Applications, Keys, Recordings) and of the platform behind it:
// call legs, <Dial> bridges, conferences, queues, recordings and signed
// webhooks to the app, run by the deterministic engine in package sim on a
// virtual clock.
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
// faults, register Voice SDK devices and place their calls. Routes lists
// every route; each requires the account's credentials or one of its API
// keys (Options.APIKeys, CreateAPIKey).
//
// To test an app's own resilience, InjectFault makes the REST API fail on
// purpose (429 / 20429, 500 / 20500, latency, dropped connections), also
// through the control API; Options.CheckInvariants makes the engine check
// its own consistency after every step (CheckInvariants reports it).
//
// # Files
//
//	fake.go              Fake, Options, New, Close; Do, View, Advance; driving
//	                     the engine with the manual clock (webhooks one at a
//	                     time, in order); performing webhooks; CheckInvariants
//	drive_real.go        driving it with the real clock: catching up with the
//	                     wall clock before every request, the bounded pool of
//	                     concurrent webhooks, the clock's goroutine
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
//	rest_applications.go Applications (TwiML Apps)
//	rest_keys.go         Keys (API keys)
//	rest_messages.go     a call's UserDefinedMessages and their subscriptions
//	keys.go              API keys: the store, authentication with a key,
//	                     CreateAPIKey, RestClientWithAPIKey
//	control.go           the control API: its Go methods (PlaceCall, SetPhone,
//	                     HangUp, Hears, Trace, …) and its HTTP handlers
//	control_recordings.go  RecordingContents: what a recording holds
//	control_clients.go   Voice SDK devices on the control API and in Go
//	                     (RegisterClient, PlaceClientCall, …); a call's messages
//	control_events.go    GET /holdlab/events (the trace and the live picture
//	                     as Server-Sent Events) and GET /holdlab/state
//	                     (Picture); nothing while no one listens
//	faults.go            Fault, InjectFault, Faults, RemoveFault, ClearFaults
//	transport.go         in-memory HTTP both ways: HTTPClient, RestClient,
//	                     NewRestClient, BaseURLTransport; webhooks to
//	                     in-process apps
//
// Subpackages: sim (the engine), twiml (TwiML documents to typed verbs),
// wire (Twilio's JSON wire format, paging, errors), webhook (signatures,
// webhook requests and their failure codes) and inspector (the live
// inspector's web page, served by `holdlab serve` at /holdlab/ui/).
package fakeapi
