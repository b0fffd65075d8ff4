package wire

import (
	"errors"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// FormContentType is the only request body type the 2010-04-01 API accepts.
const FormContentType = "application/x-www-form-urlencoded"

// ParseForm returns the parameters of a REST request.
//
// For GET, HEAD and DELETE they come from the query string. For other
// methods they come from the body only (as twilio-go sends them; the query
// string is ignored), which must be application/x-www-form-urlencoded
// unless it is empty. A body larger than maxBytes gives a 413 *Error
// (RequestTooLarge) without being buffered: a Content-Length over the limit
// is refused before a byte is read, and otherwise reading stops one byte
// past the limit. A malformed query or body, or another content type, gives
// a 400 *Error. maxBytes <= 0 means no limit.
func ParseForm(r *http.Request, maxBytes int64) (url.Values, error) {
	switch r.Method {
	case http.MethodGet, http.MethodHead, http.MethodDelete:
		v, err := url.ParseQuery(r.URL.RawQuery)
		if err != nil {
			return nil, BadRequest("Malformed query string: " + err.Error())
		}
		return v, nil
	}
	if r.Body == nil {
		return url.Values{}, nil
	}
	if maxBytes > 0 && r.ContentLength > maxBytes {
		return nil, RequestTooLarge(maxBytes)
	}
	var rd io.Reader = r.Body
	if maxBytes > 0 {
		rd = io.LimitReader(r.Body, maxBytes+1)
	}
	buf := bodyBuffers.Get().(*[]byte)
	defer bodyBuffers.Put(buf)
	body, err := readAll((*buf)[:0], rd)
	if cap(body) <= maxPooledBuffer {
		*buf = body[:0]
	}
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return nil, RequestTooLarge(mbe.Limit)
		}
		return nil, BadRequest("Unable to read request body: " + err.Error())
	}
	if maxBytes > 0 && int64(len(body)) > maxBytes {
		return nil, RequestTooLarge(maxBytes)
	}
	if len(body) == 0 {
		return url.Values{}, nil
	}
	if ct := r.Header.Get("Content-Type"); ct != "" && ct != FormContentType { // what clients send, as is, needs no parsing
		mt, _, err := mime.ParseMediaType(ct)
		if err != nil || mt != FormContentType {
			return nil, BadRequest("Content-Type must be " + FormContentType)
		}
	}
	v, err := url.ParseQuery(string(body))
	if err != nil {
		return nil, BadRequest("Malformed request body: " + err.Error())
	}
	return v, nil
}

// readAll appends what rd holds to dst, as io.ReadAll does: the form's
// body is read into a recycled buffer, and only the string the parameters
// are parsed from is allocated.
func readAll(dst []byte, rd io.Reader) ([]byte, error) {
	for {
		if len(dst) == cap(dst) {
			dst = append(dst, 0)[:len(dst)]
		}
		n, err := rd.Read(dst[len(dst):cap(dst)])
		dst = dst[:len(dst)+n]
		if err != nil {
			if err == io.EOF {
				err = nil
			}
			return dst, err
		}
	}
}

// Bool reads the boolean parameter name: nil when absent or empty,
// true/false case-insensitively (as twilio-go sends fmt.Sprint(bool)),
// otherwise a 400 InvalidParameter error.
func Bool(v url.Values, name string) (*bool, error) {
	s := strings.TrimSpace(v.Get(name))
	switch {
	case s == "":
		return nil, nil
	case strings.EqualFold(s, "true"):
		return Ptr(true), nil
	case strings.EqualFold(s, "false"):
		return Ptr(false), nil
	}
	return nil, InvalidParameter(CodeInvalidParameter, name, v.Get(name))
}

// Int reads the decimal integer parameter name: nil when absent or empty,
// otherwise a 400 InvalidParameter error if it is not an integer. Range
// checks are the caller's.
func Int(v url.Values, name string) (*int, error) {
	s := strings.TrimSpace(v.Get(name))
	if s == "" {
		return nil, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		return nil, InvalidParameter(CodeInvalidParameter, name, v.Get(name))
	}
	return &n, nil
}

// Method reads an HTTP-method parameter such as Method or
// StatusCallbackMethod: def when absent or empty, otherwise GET or POST
// (case-insensitive, returned upper-case), else a 400 InvalidMethod error.
func Method(v url.Values, name, def string) (string, error) {
	s := strings.TrimSpace(v.Get(name))
	if s == "" {
		return def, nil
	}
	switch m := strings.ToUpper(s); m {
	case http.MethodGet, http.MethodPost:
		return m, nil
	}
	return "", InvalidMethod(name, v.Get(name))
}
