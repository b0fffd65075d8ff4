// Package twiml turns TwiML voice documents (the XML a Twilio webhook
// returns) into typed verbs.
//
// [Parse] reads the bytes of a <Response> document with
// github.com/beevik/etree and returns a [Document]: the executable verbs in
// document order ([Say], [Play], [Pause], [Redirect], [Hangup], [Reject],
// [Leave], [Gather], [Dial] with its nouns, [Enqueue]), each carrying an
// XPath-like element path such as "/Response/Dial[2]/Number[1]", plus the
// non-fatal problems found on the way.
//
// Problems are reported the way Twilio reports them:
//
//   - A document that cannot be used at all (not well-formed XML, empty,
//     root element other than <Response>, too large, too deep, a DOCTYPE)
//     fails with a [*ParseError] carrying Twilio's error 12100, "Document
//     parse failure".
//   - Anything else that does not match the TwiML schema (an unknown verb or
//     attribute, a verb nested where it is not allowed, an invalid attribute
//     value, a verb holdlab does not model) is a 12200 [Warning], "Schema
//     validation warning". The offending element is skipped, or the
//     offending attribute ignored and its default used, and parsing goes on.
//
// Element and attribute names are case-sensitive, as they are for Twilio:
// <say> is an unknown verb and Loop="2" an unknown attribute.
//
// The package knows TwiML only. It fills in the documented defaults but
// makes no decision that belongs to the call engine: an empty Gather
// action or Redirect URL, for instance, is left empty for the engine to
// resolve against the current document URL.
package twiml
