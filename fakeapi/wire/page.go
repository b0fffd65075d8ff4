package wire

import (
	"math"
	"net/url"
	"slices"
	"strconv"
	"strings"
)

// Paging limits of the 2010-04-01 list endpoints.
const (
	// DefaultPageSize is used when PageSize is absent.
	DefaultPageSize = 50
	// MaxPageSize is the largest accepted PageSize.
	MaxPageSize = 1000
)

// List keys of the envelopes of the list endpoints holdlab serves.
const (
	// KeyCalls is the list key of GET …/Calls.json.
	KeyCalls = "calls"
	// KeyIncomingPhoneNumbers is the list key of GET …/IncomingPhoneNumbers.json.
	KeyIncomingPhoneNumbers = "incoming_phone_numbers"
	// KeyConferences is the list key of GET …/Conferences.json.
	KeyConferences = "conferences"
	// KeyParticipants is the list key of GET …/Conferences/CF…/Participants.json.
	KeyParticipants = "participants"
	// KeyQueues is the list key of GET …/Queues.json.
	KeyQueues = "queues"
	// KeyQueueMembers is the list key of GET …/Queues/QU…/Members.json.
	KeyQueueMembers = "queue_members"
	// KeyRecordings is the list key of GET …/Recordings.json (of the
	// account, a call or a conference).
	KeyRecordings = "recordings"
)

// pageTokenPrefix starts every PageToken holdlab issues. Twilio's token
// format is UNCONFIRMED (commonly "PA" + the SID of the last item); holdlab's
// tokens are "PA" + the decimal offset of the first item of the page they
// lead to, e.g. "PA50". They are opaque to clients.
const pageTokenPrefix = "PA"

// PageRequest is the paging part of a list request.
type PageRequest struct {
	// PageSize is the number of items per page, 1..MaxPageSize.
	PageSize int
	// Page is the 0-based page index. Twilio calls it client state: it is
	// echoed in the envelope, while PageToken (when present) decides which
	// items are returned.
	Page int
	// PageToken is the token from a next/previous page URI, or "".
	PageToken string
}

// ParsePageRequest reads PageSize (1..1000, default 50), Page (>= 0,
// default 0) and PageToken from a list request's query. A bad value gives a
// 400 *Error. When only a PageToken is given, Page is derived from it.
func ParsePageRequest(q url.Values) (PageRequest, error) {
	req := PageRequest{PageSize: DefaultPageSize}
	if n, err := Int(q, "PageSize"); err != nil {
		return PageRequest{}, err
	} else if n != nil {
		if *n < 1 || *n > MaxPageSize {
			return PageRequest{}, InvalidParameter(CodeInvalidParameter, "PageSize", q.Get("PageSize"))
		}
		req.PageSize = *n
	}
	page, err := Int(q, "Page")
	if err != nil {
		return PageRequest{}, err
	}
	if page != nil {
		if *page < 0 || *page > maxOffset/MaxPageSize {
			return PageRequest{}, InvalidParameter(CodeInvalidParameter, "Page", q.Get("Page"))
		}
		req.Page = *page
	}
	if tok := strings.TrimSpace(q.Get("PageToken")); tok != "" {
		off, ok := tokenOffset(tok)
		if !ok {
			return PageRequest{}, InvalidParameter(CodeInvalidParameter, "PageToken", tok)
		}
		req.PageToken = tok
		if page == nil {
			req.Page = off / req.PageSize
		}
	}
	return req, nil
}

// Offset returns the index of the first item of the requested page in the
// full (filtered, ordered) list: the offset carried by PageToken when it is
// one of holdlab's tokens, else Page*PageSize (PageSize <= 0 counting as
// DefaultPageSize).
func (p PageRequest) Offset() int {
	if off, ok := tokenOffset(p.PageToken); ok {
		return off
	}
	return max(p.Page, 0) * p.size()
}

func (p PageRequest) size() int {
	if p.PageSize <= 0 {
		return DefaultPageSize
	}
	return p.PageSize
}

// tokenOffset decodes a token issued by pageToken.
func tokenOffset(tok string) (int, bool) {
	digits, ok := strings.CutPrefix(tok, pageTokenPrefix)
	if !ok {
		return 0, false
	}
	off, err := strconv.Atoi(digits)
	if err != nil || off < 0 || off > maxOffset || digits != strconv.Itoa(off) {
		return 0, false
	}
	return off, true
}

// maxOffset bounds item offsets so that offset+PageSize cannot overflow.
const maxOffset = math.MaxInt32

func pageToken(offset int) string { return pageTokenPrefix + strconv.Itoa(offset) }

// Page is one page of a list response. It marshals to Twilio's envelope:
//
//	{"calls":[…],"end":49,"first_page_uri":"…","next_page_uri":"…"|null,
//	 "page":0,"page_size":50,"previous_page_uri":"…"|null,"start":0,"uri":"…"}
//
// with Key ("calls", "conferences", …) as the name of the item array.
// Build one with NewPage.
type Page[T any] struct {
	// Key is the JSON name of the item array, e.g. KeyCalls.
	Key string
	// Items are the items on this page (never encoded as null).
	Items []T
	// FirstPageURI is the relative URI of page 0.
	FirstPageURI string
	// NextPageURI is the relative URI of the next page, nil on the last.
	NextPageURI *string
	// PreviousPageURI is the relative URI of the previous page, nil on the
	// first.
	PreviousPageURI *string
	// Page is the 0-based page index.
	Page int
	// PageSize is the requested page size.
	PageSize int
	// Start is the index of the first item (Page*PageSize for pages reached
	// through holdlab's URIs).
	Start int
	// End is the index of the last item on the page; for an empty page it
	// equals Start (0 on a first empty page, as in Twilio's fixtures).
	End int
	// URI is the relative URI of this page.
	URI string
}

// NewPage cuts the page described by req out of all (the complete,
// filtered and ordered list) and fills the envelope. basePath is the list
// path, e.g. "/2010-04-01/Accounts/AC…/Calls.json" (r.URL.Path); query is
// the request's query: its filter parameters are kept in every URI, its
// PageSize, Page and PageToken are replaced. URIs look like
//
//	/2010-04-01/Accounts/AC…/Calls.json?To=%2B1415…&PageSize=50&Page=1&PageToken=PA50
//
// The next page URI is null as soon as the page reaches the end of all, so
// that a twilio-go style loop following next_page_uri terminates.
func NewPage[T any](key string, all []T, req PageRequest, basePath string, query url.Values) Page[T] {
	size, off := req.size(), req.Offset()
	lo, hi := min(off, len(all)), min(off+size, len(all))
	items := make([]T, hi-lo)
	copy(items, all[lo:hi])
	return NewPageWindow(key, items, off+size < len(all), req, basePath, query)
}

// Window returns the offset of the first item of the page req asks for,
// and the most items it holds: the list's part a caller cuts itself for
// NewPageWindow.
func (p PageRequest) Window() (off, size int) { return p.Offset(), p.size() }

// NewPageWindow is NewPage for a list the caller pages itself, without
// building it whole: items are the page's (at most size items from off,
// as Window gives them) and more says whether the list goes on after
// them. The envelope is the same as NewPage's of the whole list.
func NewPageWindow[T any](key string, items []T, more bool, req PageRequest, basePath string, query url.Values) Page[T] {
	size, off := req.size(), req.Offset()
	if items == nil {
		items = []T{}
	}

	filters := url.Values{}
	for k, vs := range query {
		switch k {
		case "PageSize", "Page", "PageToken":
			continue
		}
		filters[k] = vs
	}
	prefix := basePath + "?"
	if enc := filters.Encode(); enc != "" {
		prefix += enc + "&"
	}
	prefix += "PageSize=" + strconv.Itoa(size) + "&Page="
	uri := func(page int, token string) string {
		s := prefix + strconv.Itoa(page)
		if token != "" {
			s += "&PageToken=" + url.QueryEscape(token)
		}
		return s
	}

	p := Page[T]{
		Key:          key,
		Items:        items,
		FirstPageURI: uri(0, ""),
		Page:         req.Page,
		PageSize:     size,
		Start:        off,
		End:          off,
		URI:          uri(req.Page, req.PageToken),
	}
	if len(items) > 0 {
		p.End = off + len(items) - 1
	}
	if more {
		p.NextPageURI = Ptr(uri(req.Page+1, pageToken(off+size)))
	}
	if off > 0 {
		if prev := off - size; prev > 0 {
			p.PreviousPageURI = Ptr(uri(max(req.Page-1, 0), pageToken(prev)))
		} else {
			p.PreviousPageURI = Ptr(uri(0, ""))
		}
	}
	return p
}

// MarshalJSON renders the Twilio list envelope with p.Key as the name of
// the item array.
func (p Page[T]) MarshalJSON() ([]byte, error) { return p.appendJSON(nil) }

// appendJSON appends the envelope (see MarshalJSON).
func (p Page[T]) appendJSON(dst []byte) ([]byte, error) {
	items := p.Items
	if items == nil {
		items = []T{}
	}
	key := p.Key
	if key == "" {
		key = "items"
	}
	// The envelope is written as encoding/json writes a map: keys sorted,
	// the item array's key among them.
	fields := []envelopeField{
		{"end", func(dst []byte) ([]byte, error) { return appendInt(dst, p.End), nil }},
		{"first_page_uri", func(dst []byte) ([]byte, error) { return appendNullString(dst, &p.FirstPageURI), nil }},
		{"next_page_uri", func(dst []byte) ([]byte, error) { return appendNullString(dst, p.NextPageURI), nil }},
		{"page", func(dst []byte) ([]byte, error) { return appendInt(dst, p.Page), nil }},
		{"page_size", func(dst []byte) ([]byte, error) { return appendInt(dst, p.PageSize), nil }},
		{"previous_page_uri", func(dst []byte) ([]byte, error) { return appendNullString(dst, p.PreviousPageURI), nil }},
		{"start", func(dst []byte) ([]byte, error) { return appendInt(dst, p.Start), nil }},
		{"uri", func(dst []byte) ([]byte, error) { return appendNullString(dst, &p.URI), nil }},
	}
	// A key equal to an envelope field's name would be overwritten by it.
	if !slices.ContainsFunc(fields, func(f envelopeField) bool { return f.name == key }) {
		fields = append(fields, envelopeField{key, func(dst []byte) ([]byte, error) { return appendItems(dst, items) }})
	}
	slices.SortFunc(fields, func(a, b envelopeField) int { return strings.Compare(a.name, b.name) })
	dst = append(dst, '{')
	for i, f := range fields {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = appendJSONString(dst, f.name)
		dst = append(dst, ':')
		var err error
		if dst, err = f.value(dst); err != nil {
			return nil, err
		}
	}
	return append(dst, '}'), nil
}

// envelopeField is one field of a list envelope and how to write its value.
type envelopeField struct {
	name  string
	value func(dst []byte) ([]byte, error)
}
