// Package timeline draws a scenario run as a picture: one lane per call
// leg (and per conference or queue), segments coloured by what the party on
// that leg hears (the other party, hold music, wait music, other audio,
// silence, ringback, nothing), and markers for every REST request and
// webhook, each with its cause as an SVG <title> (shown on hover).
//
// FromSim builds a Timeline from the fake's trace and hearing intervals
// (package sim); a caller with less to go on (real Twilio, where hearing is
// not observable) can build one by hand. SVG, HTML and Mermaid render it:
// a standalone SVG, a self-contained HTML page (inline SVG and a table of
// events, no network), and a Mermaid sequence diagram for docs.
//
// The time axis is compressed: every instant something happens gets a tick
// with its real offset, and a long quiet stretch (an hour on hold) takes
// little more room than a short one.
package timeline
