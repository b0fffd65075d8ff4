// Command holdlab tests hold and unhold logic for Twilio calls against a
// fake Twilio.
//
//	holdlab run      run the Gherkin suite against every strategy on the in-process fake
//	holdlab serve    serve the fake Twilio REST API and control API over HTTP
//
// This package only wires flags to the scenarios and fakeapi packages.
package main
