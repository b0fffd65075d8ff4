// Package recording keeps the observable story of a scenario run and
// compares two runs.
//
// The story is what an app can see of Twilio, whatever Twilio is (holdlab's
// fake or the real one): the webhook requests it receives, in order, with
// their parameters; the REST requests that change something, with Twilio's
// answers (status code and key fields); and each call's status when the
// scenario ends. A Recorder captures it while the scenario runs; Normalize
// makes two runs comparable (SIDs become stable placeholders like CA#1,
// the cast's phone numbers and the app's base URLs become {support},
// {app}, …, times become offsets from the scenario start, volatile fields
// are dropped); Write and ReadDir store it as one JSON Lines file per
// scenario run; Diff says, scenario by scenario, where two recordings part.
//
// The intended use: record once against real Twilio, commit the recording,
// and let CI compare the fake's runs to it.
package recording
