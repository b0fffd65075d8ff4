// Package scenarios runs holdlab's Gherkin features (package features)
// with godog against every hold strategy, each scenario on a fresh
// in-process fake Twilio.
//
// The step definitions are thin adapters over a per-scenario world: the
// fake, the app (a strategy's webhooks, or raw TwiML for @platform
// scenarios), and the cast (customer, agent, supervisor phones, the support
// number). Steps assert on observable truth: what each party hears, call,
// participant and queue state through Twilio's REST API, and the webhooks
// the app received.
//
// A scenario a strategy is expected to fail carries the tag
// @xfail-<strategy> and a @pitfall-<name> tag: its first failing step is
// recorded as an expected failure, never silently skipped, and a pass is an
// unexpected result.
package scenarios
