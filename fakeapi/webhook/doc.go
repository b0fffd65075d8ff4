// Package webhook signs and sends the HTTP requests that Twilio makes to an
// application: voice URLs, action URLs, status callbacks.
//
// [Signature] computes X-Twilio-Signature; [Request.HTTPRequest] builds a
// signed request with Twilio's headers (form body for POST, parameters in
// the query string for GET); [Do] sends it, bounds the response body and
// reports the outcome as a [Response], whose [Response.ErrorCode] gives the
// Twilio error code (11200, 11205, 11210, 11215) a real Twilio would log.
// For a transport that serves the app in-process, [ParsePlainURL] and
// [Request.Prepare] give the same request as strings without url.Parse,
// and [Answered] reads an answer already in memory as Do would.
//
// Signatures are computed so that twilio-go's client.RequestValidator
// accepts them (Validate for GET, ValidateBody for POST). For a POST
// parameter sent several times only its first value is signed, because
// that is what twilio-go validates; see [Signature].
package webhook
