package webhook

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"sync"
)

// Preparing a webhook without url.Parse, for the webhooks a fake serves
// in-process: the parameters are sorted once, and the form encoding and the
// signature's input come from the same pass over them.

// PlainURL is an absolute http(s) URL split into its parts, for a URL in the
// plain form ParsePlainURL accepts: what url.Parse would make of it, and
// what the URL's String gives back, are the URL as written.
type PlainURL struct {
	// Raw is the URL as written.
	Raw string
	// Scheme is "http" or "https"; Host is host[:port] as written.
	Scheme, Host string
	// Path is the path as written ("" or starting with "/"); it needs no
	// unescaping. Query is the query string without "?", "" when none.
	Path, Query string
}

// ParsePlainURL splits raw if it is an absolute URL in plain form: a
// lower-case http or https scheme, a host of letters, digits, dots and
// hyphens with an optional numeric port, a path of unreserved characters
// and the sub-delimiters that need no escaping in a path ($&+,:;=@), and an
// optional non-empty query of printable ASCII. No user information, no
// fragment, no percent-escapes in the path. Any other URL reports false:
// HTTPRequest, which parses it, handles it.
func ParsePlainURL(raw string) (PlainURL, bool) {
	u := PlainURL{Raw: raw}
	rest := raw
	switch {
	case strings.HasPrefix(rest, "https://"):
		u.Scheme, rest = "https", rest[len("https://"):]
	case strings.HasPrefix(rest, "http://"):
		u.Scheme, rest = "http", rest[len("http://"):]
	default:
		return PlainURL{}, false
	}
	end := strings.IndexAny(rest, "/?")
	if end < 0 {
		end = len(rest)
	}
	u.Host, rest = rest[:end], rest[end:]
	if !plainHost(u.Host) {
		return PlainURL{}, false
	}
	u.Path, u.Query, _ = strings.Cut(rest, "?")
	if strings.HasSuffix(rest, "?") { // an empty query: url.URL's ForceQuery
		return PlainURL{}, false
	}
	for i := 0; i < len(u.Path); i++ {
		if !plainPathByte(u.Path[i]) {
			return PlainURL{}, false
		}
	}
	for i := 0; i < len(u.Query); i++ {
		if c := u.Query[i]; c <= ' ' || c >= 0x7f || c == '#' {
			return PlainURL{}, false
		}
	}
	return u, true
}

func plainHost(h string) bool {
	name, port, hasPort := strings.Cut(h, ":")
	if name == "" || (hasPort && port == "") {
		return false
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if !(isAlnum(c) || c == '.' || c == '-') {
			return false
		}
	}
	for i := 0; i < len(port); i++ {
		if port[i] < '0' || port[i] > '9' {
			return false
		}
	}
	return true
}

func isAlnum(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
}

func plainPathByte(c byte) bool {
	if isAlnum(c) {
		return true
	}
	switch c {
	case '-', '.', '_', '~', '/', '$', '&', '+', ',', ':', ';', '=', '@':
		return true
	}
	return false
}

// Prepared is a webhook in the form it is sent: what HTTPRequest builds,
// as strings.
type Prepared struct {
	// Method is GET or POST.
	Method string
	// URL is the URL requested: for GET, with the parameters appended to
	// its query. Query is URL's query string ("" when none).
	URL, Query string
	// Body is the form body of a POST ("" for GET).
	Body string
	// Signature is X-Twilio-Signature; IdempotencyToken is
	// I-Twilio-Idempotency-Token.
	Signature, IdempotencyToken string
}

// Prepare builds the webhook r makes to u (r.URL's plain form, see
// ParsePlainURL), signed with authToken: the same method, URL, body and
// headers as HTTPRequest, with the parameters sorted once. A method other
// than GET or POST is an error.
func (r Request) Prepare(u PlainURL, authToken string) (Prepared, error) {
	method, err := normMethod(r.Method)
	if err != nil {
		return Prepared{}, err
	}
	s := getScratch()
	defer putScratch(s)
	// Everything Prepare writes goes into s.out, then into one string: the
	// body of a POST or the URL of a GET, then the signature and the
	// idempotency token, each a slice of it.
	p := Prepared{Method: method, URL: u.Raw, Query: u.Query}
	var body []byte
	if method == "GET" {
		s.encode(r.Params, false)
		s.sig = append(s.sig[:0], u.Raw...)
		if len(s.enc) > 0 {
			if u.Query != "" {
				s.sig = append(s.sig, '&')
			} else {
				s.sig = append(s.sig, '?')
			}
			s.sig = append(s.sig, s.enc...)
		}
		s.out = append(s.out[:0], s.sig...) // the URL, signed as it is
	} else {
		s.sig = append(s.sig[:0], u.Raw...)
		s.encode(r.Params, true)
		s.out = append(s.out[:0], s.enc...)
		body = s.enc
	}
	n := len(s.out)
	s.out = s.appendSign(s.out, authToken)
	nsig := len(s.out)
	if method == "GET" { // the URL requested is the one signed
		s.tok = appendTokenInput(s.tok[:0], method, s.sig, body)
	} else {
		s.tok = appendTokenInput(s.tok[:0], method, u.Raw, body)
	}
	s.out = appendToken(s.out, s.tok)
	out := string(s.out)
	if method == "GET" {
		if p.URL = out[:n]; len(s.enc) > 0 {
			// The query is the URL's own, then the parameters.
			p.Query = p.URL[len(p.URL)-len(s.enc):]
			if u.Query != "" {
				p.Query = p.URL[len(p.URL)-len(s.enc)-1-len(u.Query):]
			}
		}
	} else {
		p.Body = out[:n]
	}
	p.Signature, p.IdempotencyToken = out[n:nsig], out[nsig:]
	return p, nil
}

// normMethod returns GET or POST (the default), or an error.
func normMethod(m string) (string, error) {
	switch m {
	case "GET", "POST":
		return m, nil
	case "":
		return "POST", nil
	}
	method := strings.ToUpper(strings.TrimSpace(m))
	switch method {
	case "":
		return "POST", nil
	case "GET", "POST":
		return method, nil
	}
	return "", fmt.Errorf("webhook: unsupported method %q", m)
}

// scratch holds the buffers of one webhook's encoding and signing.
type scratch struct {
	names []string
	// known are the keys of the last webhooks encoded, each list sorted,
	// the most recent first: webhooks of one kind have the same keys, so
	// that encode mostly finds them sorted already instead of sorting
	// them again (about a tenth of a webhook's preparing).
	known [][]string
	enc   []byte // the form encoding
	sig   []byte // the signature's input
	tok   []byte // the idempotency token's input
	out   []byte // Prepare's output
	sum   [20]byte
}

var scratches = sync.Pool{New: func() any { return new(scratch) }}

func getScratch() *scratch { return scratches.Get().(*scratch) }

func putScratch(s *scratch) {
	if cap(s.enc) > 16<<10 || cap(s.sig) > 16<<10 || cap(s.tok) > 16<<10 || cap(s.out) > 16<<10 {
		return // do not keep a huge webhook's buffers
	}
	clear(s.names)
	s.names = s.names[:0]
	scratches.Put(s)
}

// encode sets s.enc to params' form encoding, exactly url.Values.Encode's
// (keys sorted, every value in order), and, if pairs, appends to s.sig
// every key with a value followed by its first value: Signature's input
// after the URL.
func (s *scratch) encode(params url.Values, pairs bool) {
	sig0 := len(s.sig)
	for i, keys := range s.known {
		if len(keys) == len(params) && s.encodeIn(keys, params, pairs) {
			if i > 0 { // the most recent first
				copy(s.known[1:i+1], s.known[:i])
				s.known[0] = keys
			}
			return
		}
		s.sig = s.sig[:sig0]
	}
	keys := make([]string, 0, len(params))
	for k := range params {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	if len(s.known) < maxKnownKeys {
		s.known = append(s.known, nil)
	}
	copy(s.known[1:], s.known[:len(s.known)-1])
	s.known[0] = keys
	s.encodeIn(keys, params, pairs)
}

// maxKnownKeys is how many lists of sorted keys a scratch remembers: the
// kinds of webhooks a fake sends most (status callbacks, conference
// callbacks, TwiML fetches).
const maxKnownKeys = 8

// encodeIn does encode's work with keys, sorted, for params' keys. It
// reports false, leaving s.enc undefined and s.sig to be truncated, when a
// key is not params': keys, as many as params has, are then not params'.
func (s *scratch) encodeIn(keys []string, params url.Values, pairs bool) bool {
	// Local slices, stored back once: appending to s's fields would write
	// a pointer into the heap, with a write barrier, at every step.
	enc, sig := s.enc[:0], s.sig
	defer func() { s.enc, s.sig = enc, sig }()
	for _, k := range keys {
		vs, ok := params[k]
		if !ok {
			return false
		}
		for _, v := range vs {
			if len(enc) > 0 {
				enc = append(enc, '&')
			}
			enc = appendQueryEscape(enc, k)
			enc = append(enc, '=')
			enc = appendQueryEscape(enc, v)
		}
		if pairs && len(vs) > 0 {
			sig = append(sig, k...)
			sig = append(sig, vs[0]...)
		}
	}
	return true
}

// sign returns the base64 HMAC-SHA1 of s.sig keyed with authToken.
func (s *scratch) sign(authToken string) string {
	var buf [28]byte
	return string(s.appendSign(buf[:0], authToken))
}

// appendSign appends the base64 HMAC-SHA1 of s.sig keyed with authToken
// to dst.
func (s *scratch) appendSign(dst []byte, authToken string) []byte {
	mac := macs.get(authToken)
	mac.Write(s.sig)
	// s.sum, not a local array, which would escape: Sum is an interface's method.
	dst = base64.StdEncoding.AppendEncode(dst, mac.Sum(s.sum[:0]))
	macs.put(authToken, mac)
	return dst
}

// idempotencyToken is the hex of the first half of SHA-256 over the
// method, the URL and the body, one per line.
func (s *scratch) idempotencyToken(method, url, body string) string {
	s.tok = appendTokenInput(s.tok[:0], method, url, body)
	var buf [32]byte
	return string(appendToken(buf[:0], s.tok))
}

// appendTokenInput appends the idempotency token's input to dst: the
// method, the URL requested and the body, one per line.
func appendTokenInput[U, B ~string | ~[]byte](dst []byte, method string, url U, body B) []byte {
	dst = append(dst, method...)
	dst = append(dst, '\n')
	dst = append(dst, url...)
	dst = append(dst, '\n')
	return append(dst, body...)
}

// appendToken appends to dst the idempotency token of input: the hex of
// the first half of its SHA-256.
func appendToken(dst, input []byte) []byte {
	sum := sha256.Sum256(input)
	return hex.AppendEncode(dst, sum[:16])
}

// appendQueryEscape appends url.QueryEscape(v): letters, digits and -_.~
// as they are, a space as "+", every other byte as %XX.
func appendQueryEscape(dst []byte, v string) []byte {
	const hexUpper = "0123456789ABCDEF"
	for len(v) > 0 {
		i := 0
		for i < len(v) && unescaped[v[i]] {
			i++
		}
		dst = append(dst, v[:i]...)
		if i == len(v) {
			break
		}
		if c := v[i]; c == ' ' {
			dst = append(dst, '+')
		} else {
			dst = append(dst, '%', hexUpper[c>>4], hexUpper[c&15])
		}
		v = v[i+1:]
	}
	return dst
}

// unescaped tells the bytes a query component keeps as they are.
var unescaped = func() (t [256]bool) {
	for c := range 256 {
		t[c] = isAlnum(byte(c)) || c == '-' || c == '_' || c == '.' || c == '~'
	}
	return t
}()
