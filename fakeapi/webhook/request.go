package webhook

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
)

// Headers Twilio sets on webhook requests.
const (
	// HeaderSignature carries the request signature, see Signature.
	HeaderSignature = "X-Twilio-Signature"
	// HeaderIdempotencyToken identifies a webhook delivery; retries of the
	// same request carry the same token.
	HeaderIdempotencyToken = "I-Twilio-Idempotency-Token"
	// UserAgent is the User-Agent Twilio's webhook client sends.
	UserAgent = "TwilioProxy/1.1"
	// FormContentType is the Content-Type of POST webhook bodies.
	FormContentType = "application/x-www-form-urlencoded"
)

// Request is a webhook to send.
type Request struct {
	// URL is the absolute http(s) URL to request; its own query string is
	// kept.
	URL string
	// Method is GET or POST (case-insensitive); empty means POST, Twilio's
	// default.
	Method string
	// Params are the webhook parameters (CallSid, CallStatus, …).
	Params url.Values
}

// HTTPRequest builds the signed *http.Request for r.
//
// POST sends Params as a form body (Params.Encode(): keys sorted, values in
// order) with Content-Type application/x-www-form-urlencoded. GET appends
// Params.Encode() to the URL's own query (after a "&" if it has one) and
// sends no body and no Content-Type. Both carry X-Twilio-Signature computed
// by Signature over exactly the URL the request is sent to (without any
// user:password part, which net/http turns into an Authorization header),
// User-Agent: TwilioProxy/1.1, Accept: */* and I-Twilio-Idempotency-Token,
// a hex digest of the method, final URL and body: deterministic, so a retry
// of the same request carries the same token and different requests carry
// different ones.
//
// An unparsable or non-absolute URL, or a method other than GET or POST,
// is an error.
func (r Request) HTTPRequest(ctx context.Context, authToken string) (*http.Request, error) {
	method, err := normMethod(r.Method)
	if err != nil {
		return nil, err
	}
	u, err := url.Parse(r.URL)
	if err != nil {
		return nil, fmt.Errorf("webhook: bad URL: %w", err)
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("webhook: URL %q is not an absolute http(s) URL", r.URL)
	}
	u.Fragment, u.RawFragment = "", ""

	s := getScratch()
	defer putScratch(s)
	var body string
	if method == http.MethodGet {
		s.encode(r.Params, false)
		if len(s.enc) > 0 {
			if u.RawQuery != "" {
				u.RawQuery += "&" + string(s.enc)
			} else {
				u.RawQuery = string(s.enc)
			}
		}
	}
	final := u.String()
	// Credentials in the URL (https://user:pass@host/…) are sent by
	// net/http as an Authorization header, not in the request line, so the
	// application cannot see them when it rebuilds the URL: sign without
	// them. INFERRED; Twilio's handling of URL credentials is UNCONFIRMED.
	signedURL := final
	if u.User != nil {
		nu := *u
		nu.User = nil
		signedURL = nu.String()
	}
	s.sig = append(s.sig[:0], signedURL...)
	if method == http.MethodPost {
		s.encode(r.Params, true)
		body = string(s.enc)
	}

	var rd io.Reader
	if method == http.MethodPost {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, final, rd)
	if err != nil {
		return nil, fmt.Errorf("webhook: %w", err)
	}
	if method == http.MethodPost {
		req.Header.Set("Content-Type", FormContentType)
	}
	req.Header.Set(HeaderSignature, s.sign(authToken))
	req.Header.Set("User-Agent", UserAgent)
	req.Header.Set("Accept", "*/*")
	req.Header.Set(HeaderIdempotencyToken, s.idempotencyToken(method, final, body))
	return req, nil
}
