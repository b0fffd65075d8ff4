package twiml

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/beevik/etree"
)

const (
	// CodeParseFailure is Twilio's error 12100, "Document parse failure":
	// the document cannot be executed at all.
	CodeParseFailure = 12100
	// CodeSchemaWarning is Twilio's warning 12200, "Schema validation
	// warning": part of the document was ignored.
	CodeSchemaWarning = 12200

	// MaxDocumentBytes is the largest document Parse accepts. Twilio's
	// documented limit for a TwiML response is 64 kB; holdlab reads it as
	// 64 KiB.
	MaxDocumentBytes = 64 << 10

	// MaxDepth is the deepest element nesting Parse accepts, counting
	// <Response> as depth 1. Valid TwiML needs at most 4 (Response, Dial,
	// Client, Identity) plus SSML inside <Say>; the bound only stops
	// hostile input.
	MaxDepth = 32
)

// ParseError is a fatal problem with a document: Twilio's 12100, "Document
// parse failure". Nothing in the document is executed.
type ParseError struct {
	Code    int    // always CodeParseFailure (12100)
	Path    string // element path, when the problem is tied to an element
	Message string // what is wrong, e.g. "root element is <response>, want <Response>"
	Err     error  // underlying cause, if any (e.g. the XML syntax error)
}

// Error returns e.g. "twiml: 12100 document parse failure: empty document".
func (e *ParseError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "twiml: %d document parse failure: %s", e.Code, e.Message)
	if e.Path != "" {
		b.WriteString(" at ")
		b.WriteString(e.Path)
	}
	if e.Err != nil {
		b.WriteString(": ")
		b.WriteString(e.Err.Error())
	}
	return b.String()
}

// Unwrap returns the underlying cause, so errors.Is and errors.As see it.
func (e *ParseError) Unwrap() error { return e.Err }

// String returns e.g. "12200 /Response/Sya[1]: unknown verb <Sya>".
func (w Warning) String() string {
	return fmt.Sprintf("%d %s: %s", w.Code, w.Path, w.Message)
}

// failure builds a 12100 ParseError.
func failure(path string, cause error, format string, args ...any) *ParseError {
	return &ParseError{
		Code:    CodeParseFailure,
		Path:    path,
		Message: fmt.Sprintf(format, args...),
		Err:     cause,
	}
}

// errUnsupportedEncoding is the cause when the XML declaration names an
// encoding other than UTF-8 or US-ASCII.
var errUnsupportedEncoding = errors.New("unsupported encoding")

// utf8BOM is the UTF-8 byte order mark, which the XML specification allows
// before the XML declaration.
var utf8BOM = []byte("\xef\xbb\xbf")

// Parse parses a TwiML voice document.
//
// A fatal problem returns a nil Document and a *ParseError (12100). The
// fatal problems are: a document larger than MaxDocumentBytes or nested
// deeper than MaxDepth; an empty document; XML that is not well-formed
// (including a bare "&" and undefined entities such as "&nbsp;"); anything
// but an optional UTF-8 byte order mark before an XML declaration; an
// encoding other than UTF-8 or US-ASCII; a DOCTYPE or any other <!...>
// directive, anywhere (so no DTD is ever read and no custom entity can be
// expanded); text outside the root element; no root element or more than
// one; and a root element that is not exactly <Response>.
//
// Every other problem is a 12200 Warning in Document.Warnings and the
// offending element or attribute is ignored. XML comments and processing
// instructions are ignored silently.
func Parse(data []byte) (*Document, error) {
	if len(data) > MaxDocumentBytes {
		return nil, failure("", nil, "document is %d bytes, more than the %d-byte limit", len(data), MaxDocumentBytes)
	}
	data = bytes.TrimPrefix(data, utf8BOM)
	if len(bytes.Trim(data, xmlSpace)) == 0 {
		return nil, failure("", nil, "empty document")
	}

	x := etree.NewDocument()
	x.ReadSettings = etree.ReadSettings{
		CharsetReader: charsetReader,
		MaxDepth:      MaxDepth,
	}
	if err := x.ReadFromBytes(data); err != nil {
		if errors.Is(err, etree.ErrMaxDepth) {
			return nil, failure("", err, "elements nested more than %d deep", MaxDepth)
		}
		return nil, failure("", err, "document is not well-formed XML")
	}

	root, perr := checkStructure(x)
	if perr != nil {
		return nil, perr
	}
	var p parser
	verbs := p.response(root)
	return &Document{Verbs: verbs, Warnings: p.warnings}, nil
}

// MustParse is like Parse but panics on a fatal error. It is meant for
// tests and for documents known to be valid.
func MustParse(s string) *Document {
	d, err := Parse([]byte(s))
	if err != nil {
		panic(err)
	}
	return d
}

// charsetReader accepts only the encodings whose bytes are already UTF-8.
// encoding/xml does not call it for "UTF-8" in any letter case.
func charsetReader(charset string, input io.Reader) (io.Reader, error) {
	switch strings.ToLower(charset) {
	case "us-ascii", "ascii":
		return input, nil
	}
	return nil, fmt.Errorf("%w %q: only UTF-8 is supported", errUnsupportedEncoding, charset)
}

// checkStructure checks what etree accepts but a TwiML document must not
// have, and returns the <Response> root element.
func checkStructure(x *etree.Document) (*etree.Element, *ParseError) {
	var root *etree.Element
	for i, t := range x.Child {
		switch t := t.(type) {
		case *etree.ProcInst:
			if strings.EqualFold(t.Target, "xml") && (i != 0 || t.Target != "xml") {
				return nil, failure("", nil, "the XML declaration must come first in the document, with nothing (not even whitespace) before it")
			}
		case *etree.Directive:
			return nil, failure("", nil, "DOCTYPE and other <!...> declarations are not allowed")
		case *etree.CharData:
			if !isSpace(t.Data) {
				return nil, failure("", nil, "text %q outside the root element", clip(t.Data))
			}
		case *etree.Element:
			if root != nil {
				return nil, failure("/"+t.FullTag(), nil, "more than one root element")
			}
			root = t
		}
	}
	if root == nil {
		return nil, failure("", nil, "no root element")
	}
	if root.Space != "" || root.Tag != "Response" {
		return nil, failure("/"+root.FullTag(), nil, "root element is <%s>, want <Response>", root.FullTag())
	}
	if perr := checkNested(root, "/Response"); perr != nil {
		return nil, perr
	}
	return root, nil
}

// checkNested rejects directives and misplaced XML declarations inside
// the element tree. Recursion is bounded by MaxDepth.
func checkNested(e *etree.Element, path string) *ParseError {
	var perr *ParseError
	eachToken(e, path, nil, func(c child) {
		if perr == nil {
			perr = checkNested(c.el, c.path)
		}
	}, func(t etree.Token) {
		if perr != nil {
			return
		}
		switch t := t.(type) {
		case *etree.Directive:
			perr = failure(path, nil, "DOCTYPE and other <!...> declarations are not allowed")
		case *etree.ProcInst:
			if strings.EqualFold(t.Target, "xml") {
				perr = failure(path, nil, "the XML declaration must come first in the document")
			}
		}
	})
	return perr
}

// xmlSpace holds the XML whitespace characters.
const xmlSpace = " \t\r\n"

// isSpace reports whether s is only XML whitespace.
func isSpace(s string) bool { return strings.Trim(s, xmlSpace) == "" }

// trim removes surrounding XML whitespace.
func trim(s string) string { return strings.Trim(s, xmlSpace) }

// clip shortens s for use in a message.
func clip(s string) string {
	s = trim(s)
	const limit = 40 // runes
	n := 0
	for i := range s {
		if n == limit {
			return s[:i] + "…"
		}
		n++
	}
	return s
}
