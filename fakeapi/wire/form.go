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
		v, err := parseQuery(r.URL.RawQuery)
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
	buf := bodyBuffers.Get().(*[]byte)
	defer bodyBuffers.Put(buf)
	body, err := readAll((*buf)[:0], r.Body, maxBytes)
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
	v, err := parseQuery(body)
	if err != nil {
		return nil, BadRequest("Malformed request body: " + err.Error())
	}
	return v, nil
}

// readAll appends what rd holds to dst, as io.ReadAll does, but stops one
// byte past max when max > 0 (as io.LimitReader(rd, max+1) would): the
// form's body is read into a recycled buffer, and only the string the
// parameters are parsed from is allocated.
func readAll(dst []byte, rd io.Reader, max int64) ([]byte, error) {
	start := len(dst)
	for {
		if len(dst) == cap(dst) {
			dst = append(dst, 0)[:len(dst)]
		}
		room := dst[len(dst):cap(dst)]
		if left := max + 1 - int64(len(dst)-start); max > 0 && int64(len(room)) > left {
			if left <= 0 {
				return dst, nil
			}
			room = room[:left]
		}
		n, err := rd.Read(room)
		dst = dst[:len(dst)+n]
		if err != nil {
			if err == io.EOF {
				err = nil
			}
			return dst, err
		}
	}
}

// parseQuery is url.ParseQuery, allocating less for the usual form: the
// keys and values are unescaped into one string, and one array holds every
// key's first value. Anything url.ParseQuery would refuse (a ';', a bad
// escape, too many parameters) is left to it, so that the values and the
// error are its own. query is a string or, to spare a copy, a body's bytes.
func parseQuery[S string | []byte](query S) (url.Values, error) {
	// Where each key and value is in the unescaped text: key [0]:[1],
	// value [1]:[2].
	var at [maxFastParams][3]int32
	var stack [1024]byte
	text := stack[:0]
	n := 0
	for i := 0; i < len(query); {
		j := i
		for j < len(query) && query[j] != '&' {
			j++
		}
		if j > i { // an empty pair is skipped
			if n == len(at) {
				return url.ParseQuery(string(query))
			}
			at[n][0] = int32(len(text))
			var ok bool
			eq := i
			for eq < j && query[eq] != '=' {
				eq++
			}
			if text, ok = appendUnescaped(text, query[i:eq]); !ok {
				return url.ParseQuery(string(query))
			}
			at[n][1] = int32(len(text))
			if eq < j {
				if text, ok = appendUnescaped(text, query[eq+1:j]); !ok {
					return url.ParseQuery(string(query))
				}
			}
			at[n][2] = int32(len(text))
			n++
		}
		i = j + 1
	}
	all := string(text)
	m := make(url.Values, n)
	first := make([]string, n) // each key's first value, m[key] a slice of one
	k := 0
	for _, a := range at[:n] {
		key, v := all[a[0]:a[1]], all[a[1]:a[2]]
		if vs, ok := m[key]; ok {
			m[key] = append(vs, v) // a repeated key: vs has no room, append copies
			continue
		}
		first[k] = v
		m[key] = first[k : k+1 : k+1]
		k++
	}
	return m, nil
}

// appendUnescaped appends s unescaped as url.QueryUnescape does ('+' is a
// space, %XX a byte); ok is false where url.QueryUnescape fails (a '%'
// without two hex digits), or for a ';', which url.ParseQuery refuses.
func appendUnescaped[S string | []byte](dst []byte, s S) (_ []byte, ok bool) {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '+':
			dst = append(dst, ' ')
		case '%':
			if i+2 >= len(s) || !isHex(s[i+1]) || !isHex(s[i+2]) {
				return dst, false
			}
			dst = append(dst, unhex(s[i+1])<<4|unhex(s[i+2]))
			i += 2
		case ';':
			return dst, false
		default:
			dst = append(dst, c)
		}
	}
	return dst, true
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func unhex(c byte) byte {
	switch {
	case c <= '9':
		return c - '0'
	case c <= 'F':
		return c - 'A' + 10
	}
	return c - 'a' + 10
}

// maxFastParams bounds the parameters parseQuery parses itself; a REST
// request has a few dozen at most.
const maxFastParams = 64

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
