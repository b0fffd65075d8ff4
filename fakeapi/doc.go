// Package fakeapi is an in-process fake of Twilio's Voice REST API
// (2010-04-01: Calls and IncomingPhoneNumbers) and of the platform behind
// it: call legs, <Dial> bridges and signed webhooks to the app, run by the
// deterministic engine in package sim on a virtual clock.
//
// One Fake serves two ways. In-process, New gives an http.Handler, an
// in-memory *http.Client (HTTPClient) and a ready twilio-go client of the
// REST API (RestClient); the app's webhook handlers can be in-process too
// (Options.Apps). Standalone, `holdlab serve` puts the same Handler on a
// loopback listener, so an app in any language can point its Twilio SDK at
// it.
//
// Besides Twilio's API the handler serves holdlab's control API under
// ControlPrefix: place an inbound call, script a phone, make a party hang up
// or press keys, move the clock, read what a leg hears and the trace.
//
// To test an app's own resilience, InjectFault makes the REST API fail on
// purpose (429 / 20429, 500 / 20500, latency, dropped connections), also
// through the control API; Options.CheckInvariants makes the engine check
// its own consistency after every step (CheckInvariants reports it).
package fakeapi
