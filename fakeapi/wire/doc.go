// Package wire holds Twilio's REST JSON wire format (API version
// 2010-04-01) in one place, for holdlab's fake of the Voice API.
//
// It provides:
//
//   - resource structs ([Call], [IncomingPhoneNumber], [Conference],
//     [Participant], [Queue], [Member]) whose JSON field names and JSON value
//     kinds are exactly those of twilio-go's models in rest/api/v2010, but
//     without omitempty: Twilio sends every field, with null when empty;
//   - the list envelope ([Page], [NewPage]) and the parsing of the PageSize,
//     Page and PageToken query parameters ([ParsePageRequest]);
//   - dates ([FormatDate], [ParseDate], [ParseFilterDate]);
//   - deterministic SIDs ([SIDGenerator], [ValidSID], [Short]);
//   - Twilio's error body ([Error], [WriteError]) and constructors for the
//     error codes holdlab uses, plus [JSON] for success bodies;
//   - small form-decoding helpers ([ParseForm], [Bool], [Int], [Method]).
//
// Conformance with twilio-go is checked by construction in the tests: the
// JSON tag sets and JSON kinds of every struct are compared by reflection
// with the twilio-go model, and fully populated values are round-tripped
// through the twilio-go model without loss.
//
// Where a code or message rests on an inference rather than on a Twilio
// source, the declaration says so (INFERRED / UNCONFIRMED), so it is easy to
// change in one place.
package wire
