package wire

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"net/url"
	"reflect"
	"testing"
)

// fuzzLimit is the body limit of FuzzParseForm: small, so that the fuzzer
// reaches it.
const fuzzLimit = 256

// countingReader counts the bytes read through it.
type countingReader struct {
	r io.Reader
	n int
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += n
	return n, err
}

// FuzzParseForm feeds ParseForm any method, query, content type, body and
// declared length. It must never panic; it answers either the parameters
// Go's own parser finds or a Twilio error (400, or 413 for a body over the
// limit); it never reads more than one byte past the limit, and nothing of
// a body whose declared length is over it.
func FuzzParseForm(f *testing.F) {
	for _, s := range []struct {
		method      uint8
		query, ct   string
		body        []byte
		declaredLen int64
	}{
		{1, "", FormContentType, []byte("To=%2B15550001000&From=%2B15550002000&Url=https%3A%2F%2Fa.test%2Fv"), -1},
		{1, "", FormContentType + "; charset=utf-8", []byte("StatusCallbackEvent=ringing&StatusCallbackEvent=answered"), -1},
		{0, "PageSize=2&Status=in-progress", "", nil, 0},
		{1, "", FormContentType, []byte("a=%zz"), -1},
		{1, "", "application/json", []byte(`{"To":"+1"}`), -1},
		{1, "", FormContentType, bytes.Repeat([]byte("a"), fuzzLimit+1), -1},
		{1, "", FormContentType, []byte("a=b"), 1 << 40},
		{2, "a=%", "", nil, 0},
		{1, "", "multipart/form-data; boundary=x", []byte("--x--"), -1},
		{3, "", "text/plain;;", []byte("Hold=true;Muted=false"), -1},
	} {
		f.Add(s.method, s.query, s.ct, s.body, s.declaredLen)
	}
	methods := []string{http.MethodGet, http.MethodPost, http.MethodDelete, http.MethodPut, http.MethodHead, "PATCH"}
	f.Fuzz(func(t *testing.T, m uint8, query, ct string, body []byte, declaredLen int64) {
		method := methods[int(m)%len(methods)]
		cr := &countingReader{r: bytes.NewReader(body)}
		r := &http.Request{
			Method:        method,
			URL:           &url.URL{Path: "/2010-04-01/Accounts/AC0/Calls.json", RawQuery: query},
			Header:        http.Header{},
			Body:          io.NopCloser(cr),
			ContentLength: declaredLen,
		}
		if ct != "" {
			r.Header.Set("Content-Type", ct)
		}
		got, err := ParseForm(r, fuzzLimit)
		if cr.n > fuzzLimit+1 {
			t.Fatalf("read %d bytes of the body, limit %d", cr.n, fuzzLimit)
		}
		fromQuery := method == http.MethodGet || method == http.MethodHead || method == http.MethodDelete
		if !fromQuery && declaredLen > fuzzLimit && cr.n > 0 {
			t.Fatalf("read %d bytes of a body declared as %d, over the limit: want it refused unread", cr.n, declaredLen)
		}
		if err != nil {
			var we *Error
			if !errors.As(err, &we) {
				t.Fatalf("error %v (%T) is not a Twilio *Error", err, err)
			}
			switch we.Status {
			case http.StatusBadRequest, http.StatusRequestEntityTooLarge:
			default:
				t.Fatalf("error status %d, want 400 or 413: %v", we.Status, err)
			}
			if we.Status == http.StatusRequestEntityTooLarge && (fromQuery || (len(body) <= fuzzLimit && declaredLen <= fuzzLimit)) {
				t.Fatalf("413 for a %d-byte body declared as %d", len(body), declaredLen)
			}
			return
		}
		if !fromQuery && (len(body) > fuzzLimit || declaredLen > fuzzLimit) {
			t.Fatalf("a %d-byte body (declared %d) over the %d-byte limit was accepted", len(body), declaredLen, fuzzLimit)
		}
		src := query
		if !fromQuery {
			src = string(body)
		}
		want, perr := url.ParseQuery(src)
		if perr != nil {
			t.Fatalf("accepted %q, which Go's parser rejects: %v", src, perr)
		}
		if len(want) == 0 && len(got) == 0 {
			return
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("ParseForm = %v, url.ParseQuery = %v", got, want)
		}
	})
}
