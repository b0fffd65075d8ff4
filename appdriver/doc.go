// Package appdriver runs holdlab's suite against an app in any language:
// an app under test is described in YAML (Spec: how to start it, where it
// listens, which HTTP request holds, unholds and calls a customer), and
// Strategy turns that description into a strategies.Strategy, each method
// an HTTP request to the app. The app answers Twilio's webhooks itself,
// over real HTTP, and talks to whatever Twilio it is pointed at (holdlab's
// fake, through HOLDLAB_API_BASE).
//
// Like package strategies, appdriver uses twilio-go and never holdlab's
// fake: it reads the calls' state through Twilio's REST API.
package appdriver
