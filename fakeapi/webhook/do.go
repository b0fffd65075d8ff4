package webhook

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
)

// Twilio error codes for webhook failures.
const (
	// CodeHTTPRetrievalFailure (11200) is a non-2xx response, or a failure
	// with no more specific code (including an oversized body).
	CodeHTTPRetrievalFailure = 11200
	// CodeHTTPConnectionFailure (11205) is a connection that could not be
	// made or broke (refused, reset, TLS failure), and also a timeout: holdlab
	// reports timeouts as 11205 (Twilio's own code for them is UNCONFIRMED;
	// third parties report 11200).
	CodeHTTPConnectionFailure = 11205
	// CodeHTTPBadHostName (11210) is a host name that does not resolve.
	CodeHTTPBadHostName = 11210
	// CodeHTTPTooManyRedirects (11215) is more than MaxRedirects redirects.
	CodeHTTPTooManyRedirects = 11215
)

// DefaultMaxBody is the response body limit Do uses when given maxBody <= 0.
// Twilio documents a 64 kB limit on TwiML documents; the exact limit and its
// error code are UNCONFIRMED.
const DefaultMaxBody = 64 << 10

// MaxRedirects is the number of redirects Twilio follows.
const MaxRedirects = 10

// ErrTooManyRedirects is returned by CheckRedirect after MaxRedirects
// redirects.
var ErrTooManyRedirects = errors.New("webhook: stopped after 10 redirects")

// ErrBodyTooLarge is the Response.Err of a response whose body exceeds the
// limit given to Do.
var ErrBodyTooLarge = errors.New("webhook: response body too large")

// CheckRedirect is an http.Client CheckRedirect function that follows up to
// MaxRedirects redirects, like Twilio, and then fails with
// ErrTooManyRedirects (reported as 11215).
func CheckRedirect(_ *http.Request, via []*http.Request) error {
	if len(via) >= MaxRedirects {
		return ErrTooManyRedirects
	}
	return nil
}

// Response is the outcome of a webhook request.
type Response struct {
	// StatusCode is the HTTP status, 0 if no response was received.
	StatusCode int
	// ContentType is the response's Content-Type header.
	ContentType string
	// Body is the response body, at most the maxBody given to Do.
	Body []byte
	// Err is a transport error (connection, DNS, timeout, redirects), an
	// error reading the body, or ErrBodyTooLarge. A non-2xx status is not an
	// error here; see ErrorCode.
	Err error
	// Location is the Location header, set when a 3xx response was not
	// followed (see http.ErrUseLastResponse).
	Location string
}

// OK reports whether the request succeeded: no error and a 2xx status.
func (r Response) OK() bool { return r.Err == nil && r.StatusCode >= 200 && r.StatusCode <= 299 }

// TimedOut reports whether Err is a timeout (context deadline, client
// timeout or network timeout).
func (r Response) TimedOut() bool {
	if r.Err == nil {
		return false
	}
	if errors.Is(r.Err, context.DeadlineExceeded) {
		return true
	}
	var ne net.Error
	return errors.As(r.Err, &ne) && ne.Timeout()
}

// ErrorCode returns the Twilio error code for the outcome, 0 when OK:
//
//   - 11215 when redirects were stopped (ErrTooManyRedirects, or net/http's
//     own "stopped after N redirects");
//   - 11210 when the host name did not resolve (*net.DNSError);
//   - 11200 when the body was too large;
//   - 11205 for every other transport error: refused, reset, TLS, and
//     timeouts (see CodeHTTPConnectionFailure);
//   - 11200 for any non-2xx status, including an unfollowed 3xx (check
//     Location first if the client does not follow redirects).
func (r Response) ErrorCode() int {
	if r.Err != nil {
		var dns *net.DNSError
		switch {
		case errors.Is(r.Err, ErrTooManyRedirects) || isStdRedirectStop(r.Err):
			return CodeHTTPTooManyRedirects
		case errors.Is(r.Err, ErrBodyTooLarge):
			return CodeHTTPRetrievalFailure
		case errors.As(r.Err, &dns):
			return CodeHTTPBadHostName
		}
		return CodeHTTPConnectionFailure
	}
	if r.StatusCode < 200 || r.StatusCode > 299 {
		return CodeHTTPRetrievalFailure
	}
	return 0
}

// Do sends req with c (http.DefaultClient if nil) under ctx (which replaces
// req's context when non-nil) and reads at most maxBody bytes of the
// response body (DefaultMaxBody if maxBody <= 0); a longer body sets Err to
// ErrBodyTooLarge and keeps the first maxBody bytes. Do follows no redirect
// itself: c's CheckRedirect decides (use CheckRedirect for Twilio's
// behaviour, http.ErrUseLastResponse to get 3xx responses with Location).
// The response body is always closed.
func Do(ctx context.Context, c *http.Client, req *http.Request, maxBody int64) Response {
	if c == nil {
		c = http.DefaultClient
	}
	if ctx != nil {
		req = req.WithContext(ctx)
	}
	if maxBody <= 0 {
		maxBody = DefaultMaxBody
	}
	resp, err := c.Do(req)
	if err != nil {
		return Response{Err: err}
	}
	defer resp.Body.Close()
	out := Response{
		StatusCode:  resp.StatusCode,
		ContentType: resp.Header.Get("Content-Type"),
		Location:    resp.Header.Get("Location"),
	}
	body, err := readBody(resp, maxBody)
	switch {
	case err != nil:
		out.Err = fmt.Errorf("webhook: reading response body: %w", err)
	case int64(len(body)) > maxBody:
		body = body[:maxBody]
		out.Err = fmt.Errorf("%w: more than %d bytes", ErrBodyTooLarge, maxBody)
	}
	out.Body = body
	return out
}

// Answered is what Do makes of a response read in full, for a transport that
// has its answer in memory: status, Content-Type and Location from header,
// and at most maxBody bytes of body (DefaultMaxBody if maxBody <= 0), with
// ErrBodyTooLarge beyond. The Response keeps body.
func Answered(status int, header http.Header, body []byte, maxBody int64) Response {
	if maxBody <= 0 {
		maxBody = DefaultMaxBody
	}
	out := Response{StatusCode: status, ContentType: header.Get("Content-Type"), Location: header.Get("Location"), Body: body}
	if int64(len(body)) > maxBody {
		out.Body = body[:maxBody]
		out.Err = fmt.Errorf("%w: more than %d bytes", ErrBodyTooLarge, maxBody)
	}
	return out
}

// readBody reads at most maxBody+1 bytes of resp's body (one more than
// allowed, to tell a body that is too large). When the length is declared,
// the buffer is allocated once at that size.
func readBody(resp *http.Response, maxBody int64) ([]byte, error) {
	r := io.LimitReader(resp.Body, maxBody+1)
	n := resp.ContentLength
	if n < 0 || n > maxBody {
		return io.ReadAll(r)
	}
	buf := make([]byte, 0, n+1) // +1: room to see EOF, or a longer body than declared
	for {
		m, err := r.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+m]
		switch {
		case err == io.EOF:
			return buf, nil
		case err != nil:
			return buf, err
		case len(buf) == cap(buf):
			buf = append(buf, 0)[:len(buf)] // longer than declared: grow
		}
	}
}

// isStdRedirectStop recognizes net/http's default redirect limit error
// ("stopped after 10 redirects"), which has no exported type.
func isStdRedirectStop(err error) bool {
	s := err.Error()
	return strings.Contains(s, "stopped after") && strings.Contains(s, "redirects")
}
