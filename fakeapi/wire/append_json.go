package wire

import (
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"sync"
)

// Call is the resource REST clients fetch most, and encoding/json spends
// most of its time on the call's subresource_uris map (reflection over the
// map, sorting its keys). Call therefore renders itself: appendJSON writes
// exactly the bytes json.Marshal writes (same field order, same escaping;
// TestCallAppendJSONMatchesEncodingJSON checks every field), several times
// faster. JSON and Page use it.

// jsonAppender is a value that renders itself as json.Marshal would (Call,
// and Page, whose MarshalJSON it is).
type jsonAppender interface {
	appendJSON(dst []byte) ([]byte, error)
}

// appendJSONString appends s as encoding/json encodes a string. Strings of
// printable ASCII with nothing to escape (SIDs, numbers, dates, URIs: nearly
// all of them) are copied as they are; any other is left to encoding/json.
func appendJSONString(dst []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if !plainJSON[s[i]] {
			b, _ := json.Marshal(s)
			return append(dst, b...)
		}
	}
	dst = append(dst, '"')
	dst = append(dst, s...)
	return append(dst, '"')
}

// plainJSON holds the bytes encoding/json writes as they are: printable
// ASCII but for '"', '\\' and the HTML-sensitive '<', '>' and '&'.
var plainJSON = func() (t [256]bool) {
	for c := 0x20; c < 0x7f; c++ {
		t[c] = !strings.ContainsRune(`"\<>&`, rune(c))
	}
	return t
}()

// appendField appends `"name":` and the value of a nullable string, after
// a comma unless it is the first field.
func appendField(dst []byte, name string, v *string) []byte {
	if len(dst) > 0 && dst[len(dst)-1] != '{' {
		dst = append(dst, ',')
	}
	dst = append(dst, '"')
	dst = append(dst, name...)
	dst = append(dst, '"', ':')
	return appendNullString(dst, v)
}

// appendNullString appends a nullable string.
func appendNullString(dst []byte, s *string) []byte {
	if s == nil {
		return append(dst, "null"...)
	}
	return appendJSONString(dst, *s)
}

// appendStringMap appends m as encoding/json encodes a map[string]string:
// keys sorted, nil as null.
func appendStringMap(dst []byte, m map[string]string) []byte {
	if m == nil {
		return append(dst, "null"...)
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	dst = append(dst, '{')
	for i, k := range keys {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = appendJSONString(dst, k)
		dst = append(dst, ':')
		dst = appendJSONString(dst, m[k])
	}
	return append(dst, '}')
}

func (c Call) appendJSON(dst []byte) ([]byte, error) {
	dst = append(dst, '{')
	dst = appendField(dst, "sid", c.Sid)
	dst = appendField(dst, "date_created", c.DateCreated)
	dst = appendField(dst, "date_updated", c.DateUpdated)
	dst = appendField(dst, "parent_call_sid", c.ParentCallSid)
	dst = appendField(dst, "account_sid", c.AccountSid)
	dst = appendField(dst, "to", c.To)
	dst = appendField(dst, "to_formatted", c.ToFormatted)
	dst = appendField(dst, "from", c.From)
	dst = appendField(dst, "from_formatted", c.FromFormatted)
	dst = appendField(dst, "phone_number_sid", c.PhoneNumberSid)
	dst = appendField(dst, "status", c.Status)
	dst = appendField(dst, "start_time", c.StartTime)
	dst = appendField(dst, "end_time", c.EndTime)
	dst = appendField(dst, "duration", c.Duration)
	dst = appendField(dst, "price", c.Price)
	dst = appendField(dst, "price_unit", c.PriceUnit)
	dst = appendField(dst, "direction", c.Direction)
	dst = appendField(dst, "answered_by", c.AnsweredBy)
	dst = appendField(dst, "api_version", c.APIVersion)
	dst = appendField(dst, "forwarded_from", c.ForwardedFrom)
	dst = appendField(dst, "group_sid", c.GroupSid)
	dst = appendField(dst, "caller_name", c.CallerName)
	dst = appendField(dst, "queue_time", c.QueueTime)
	dst = appendField(dst, "trunk_sid", c.TrunkSid)
	dst = appendField(dst, "uri", c.URI)
	dst = append(dst, `,"subresource_uris":`...)
	dst = appendStringMap(dst, c.SubresourceURIs)
	return append(dst, '}'), nil
}

func (p Participant) appendJSON(dst []byte) ([]byte, error) {
	dst = append(dst, '{')
	dst = appendField(dst, "account_sid", p.AccountSid)
	dst = appendField(dst, "call_sid", p.CallSid)
	dst = appendField(dst, "label", p.Label)
	dst = appendField(dst, "call_sid_to_coach", p.CallSidToCoach)
	dst = appendBoolField(dst, "coaching", p.Coaching)
	dst = appendField(dst, "conference_sid", p.ConferenceSid)
	dst = appendField(dst, "date_created", p.DateCreated)
	dst = appendField(dst, "date_updated", p.DateUpdated)
	dst = appendBoolField(dst, "end_conference_on_exit", p.EndConferenceOnExit)
	dst = appendBoolField(dst, "muted", p.Muted)
	dst = appendBoolField(dst, "hold", p.Hold)
	dst = appendBoolField(dst, "start_conference_on_enter", p.StartConferenceOnEnter)
	dst = appendField(dst, "status", p.Status)
	dst = appendField(dst, "queue_time", p.QueueTime)
	dst = appendField(dst, "uri", p.URI)
	return append(dst, '}'), nil
}

// appendBoolField appends `,"name":` and a nullable boolean (never the
// first field).
func appendBoolField(dst []byte, name string, v *bool) []byte {
	dst = append(dst, ',', '"')
	dst = append(dst, name...)
	dst = append(dst, '"', ':')
	switch {
	case v == nil:
		return append(dst, "null"...)
	case *v:
		return append(dst, "true"...)
	}
	return append(dst, "false"...)
}

// appendJSON appends v as json.Marshal renders it, with the fast path of
// values that render themselves.
func appendJSON(dst []byte, v any) ([]byte, error) {
	if a, ok := v.(jsonAppender); ok {
		return a.appendJSON(dst)
	}
	b, err := json.Marshal(v)
	return append(dst, b...), err
}

// bodyBuffers recycles the buffers JSON renders bodies into; buffers that
// grew past maxPooledBuffer (a long list) are left to the collector.
var bodyBuffers = sync.Pool{New: func() any { b := make([]byte, 0, 4096); return &b }}

const maxPooledBuffer = 64 << 10

// appendItems appends items as a JSON array, with the fast path when T
// renders itself.
func appendItems[T any](dst []byte, items []T) ([]byte, error) {
	if len(items) > 0 {
		if _, ok := any(items[0]).(jsonAppender); ok {
			dst = append(dst, '[')
			for i, it := range items {
				if i > 0 {
					dst = append(dst, ',')
				}
				var err error
				if dst, err = any(it).(jsonAppender).appendJSON(dst); err != nil {
					return nil, err
				}
			}
			return append(dst, ']'), nil
		}
	}
	b, err := json.Marshal(items)
	return append(dst, b...), err
}

// appendInt appends n in decimal.
func appendInt(dst []byte, n int) []byte { return strconv.AppendInt(dst, int64(n), 10) }
