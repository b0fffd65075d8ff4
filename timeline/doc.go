// Package timeline draws a scenario run as a picture: a row for the app,
// where every REST request it made and every webhook it received is a
// marker (with a dashed line to the lane it is about), one lane per call
// leg and per conference or queue, segments coloured by what the party on
// that leg hears (the other party, hold music, wait music, other audio,
// silence, ringback, nothing), errors and room events on their lanes, and
// the Gherkin steps as numbered flags on the time axis. Every segment,
// marker and step has its full text and cause as an SVG <title> (shown on
// hover); the run's result and why are written above the picture.
//
// FromSim builds a Timeline from the fake's trace, reading its entries'
// typed fields (the room, the hearing, the cause, the webhook and REST
// request; never their prose), the legs' hearing intervals and the REST
// requests the app made; a caller with less to go on (real Twilio, where
// hearing is not observable) can build one by hand. SVG, HTML and Mermaid
// render it: a standalone SVG as wide as its content, a self-contained HTML
// page (the outcome, the inline SVG, the steps and a table of events; no
// network), and a Mermaid sequence diagram for docs. Index writes a page
// listing scenario runs with their results, linking to their pages.
//
// The time axis is compressed: every instant something happens gets a tick
// with its real offset, and a long quiet stretch (an hour on hold) takes
// little more room than a short one.
package timeline
