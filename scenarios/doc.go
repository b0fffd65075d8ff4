// Package scenarios runs holdlab's Gherkin features (package features)
// with godog against every hold strategy, each scenario on a fresh
// in-process fake Twilio (FakeTarget, the default) or on Twilio itself
// (OpenTwilio). An app in another process, in any language, is a strategy
// too (AppFactory, package appdriver): OpenApp serves it a fresh fake per
// scenario behind one loopback address.
//
// Steps lists every step with an example (docs/steps.md is generated from
// it); FeatureSources reads feature files from disk.
//
// The step definitions are thin adapters over a per-scenario world: a
// backend (the fake, or Twilio's REST API with real time and real calls
// between the account's numbers), the app (a strategy's webhooks, or raw
// TwiML for @platform scenarios), and the cast (customer, agent, supervisor
// phones, the support number). Steps assert on observable truth: what each
// party hears, call, participant and queue state through Twilio's REST API,
// and the webhooks the app received. Where the target cannot observe a
// step (what a party hears, on Twilio), the step says ErrNotObservable and
// the scenario is reported NotObservable, never Passed.
//
// Config.RecordDir keeps each scenario run's observable story (package
// recording) and Config.TimelineDir draws it (package timeline).
//
// A scenario a strategy is expected to fail carries the tag
// @xfail-<strategy> and a @pitfall-<name> tag: its first failing step is
// recorded as an expected failure, never silently skipped, and a pass is an
// unexpected result.
package scenarios
