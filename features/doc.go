// Package features embeds holdlab's Gherkin feature files, so that the
// holdlab binary carries them and runs anywhere.
//
// Feature files tagged @platform use no strategy: they drive the fake with
// raw TwiML and REST calls to show Twilio's own behaviour. The others run
// against every strategy; @xfail-<strategy> with @pitfall-<name> declares a
// scenario a strategy is expected to fail, and which pitfall it shows.
package features
