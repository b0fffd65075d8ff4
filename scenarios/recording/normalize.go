package recording

import (
	"encoding/json"
	"fmt"
	"maps"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/holdlab/holdlab/fakeapi/sim"
	"github.com/holdlab/holdlab/fakeapi/wire"
)

// Event is one normalised event of a story.
type Event struct {
	// At is the offset from the scenario start, HH:MM:SS.mmm: virtual time
	// on the fake, wall time on Twilio. Diff ignores it unless told a
	// tolerance.
	At string `json:"at"`
	// Step is the Gherkin step during which it happened.
	Step string `json:"step"`
	Kind Kind   `json:"kind"`
	// Method and Path: the webhook's method and the app's path (with the
	// app's own query), or the REST request's method and its path under
	// the account (/Calls/CA#1.json).
	Method string `json:"method,omitempty"`
	Path   string `json:"path,omitempty"`
	// Params are the webhook's Twilio parameters or the REST request's
	// form.
	Params map[string]string `json:"params,omitempty"`
	// Status is the REST answer's HTTP status.
	Status int `json:"status,omitempty"`
	// Fields are the key fields of the REST answer, or the call and its
	// status for an end event.
	Fields map[string]string `json:"fields,omitempty"`
}

// String renders an event on one line for people.
func (e Event) String() string {
	var b strings.Builder
	b.WriteString(string(e.Kind))
	if e.Method != "" {
		b.WriteString(" " + e.Method)
	}
	if e.Path != "" {
		b.WriteString(" " + e.Path)
	}
	writeMap(&b, " ", e.Params)
	if e.Kind == KindREST {
		fmt.Fprintf(&b, " -> %d", e.Status)
	}
	writeMap(&b, " ", e.Fields)
	return b.String()
}

func writeMap(b *strings.Builder, sep string, m map[string]string) {
	for _, k := range slices.Sorted(maps.Keys(m)) {
		b.WriteString(sep + k + "=" + m[k])
	}
}

// Normalizer makes raw events of different runs comparable.
type Normalizer struct {
	// Names maps literal values to placeholders: the cast's phone numbers
	// ("+15550001000" -> "{support}"), the app's base URLs
	// ("https://app.holdlab.test" -> "{app}"), the hold music. They are
	// replaced as written and URL-encoded.
	Names map[string]string

	sids map[string]string // SID -> placeholder, in order of appearance
	next map[string]int    // prefix -> last number given
}

// Normalize turns a run's raw events into its story: SIDs become
// placeholders numbered per prefix in order of first appearance (CA#1,
// CA#2, PN#1, AC#1), names become their placeholders, times become offsets
// from start, volatile webhook parameters are dropped and REST answers are
// cut to their key fields.
func (n *Normalizer) Normalize(start time.Time, raws []Raw) []Event {
	n.sids, n.next = map[string]string{}, map[string]int{}
	out := make([]Event, 0, len(raws))
	for _, r := range raws {
		e := Event{At: sim.Offset(r.At.Sub(start)), Step: r.Step, Kind: r.Kind, Method: r.Method}
		switch r.Kind {
		case KindWebhook:
			e.Path = n.path(r.URL)
			e.Params = n.params(r.Params, droppedWebhookParam)
		case KindREST:
			e.Path = n.restPath(r.URL)
			e.Params = n.params(r.Params, func(string) bool { return false })
			e.Status = r.Status
			e.Fields = n.fields(r.Body)
		case KindEnd:
			e.Fields = map[string]string{"call": n.value(r.Call), "status": r.CallStatus}
			if r.Duration != "" {
				e.Fields["duration"] = r.Duration
			}
		}
		out = append(out, e)
	}
	return out
}

// value normalises one string.
func (n *Normalizer) value(s string) string {
	names := make([]string, 0, len(n.Names))
	for lit := range n.Names {
		if lit != "" {
			names = append(names, lit)
		}
	}
	// Longest first, so that a base URL wins over a prefix of it.
	sort.Slice(names, func(i, j int) bool {
		if len(names[i]) != len(names[j]) {
			return len(names[i]) > len(names[j])
		}
		return names[i] < names[j]
	})
	for _, lit := range names {
		s = strings.ReplaceAll(s, lit, n.Names[lit])
		if esc := url.QueryEscape(lit); esc != lit {
			s = strings.ReplaceAll(s, esc, n.Names[lit])
		}
	}
	return wire.ReplaceSIDs(s, func(sid string) string {
		if p, ok := n.sids[sid]; ok {
			return p
		}
		prefix := sid[:2]
		n.next[prefix]++
		p := prefix + "#" + strconv.Itoa(n.next[prefix])
		n.sids[sid] = p
		return p
	})
}

// path normalises a webhook's path and query, keeping the query readable.
func (n *Normalizer) path(raw string) string {
	p, q, _ := strings.Cut(raw, "?")
	if q == "" {
		return n.value(p)
	}
	vals, err := url.ParseQuery(q)
	if err != nil {
		return n.value(raw)
	}
	var parts []string
	for _, k := range slices.Sorted(maps.Keys(vals)) {
		for _, v := range vals[k] {
			parts = append(parts, k+"="+n.value(v))
		}
	}
	return n.value(p) + "?" + strings.Join(parts, "&")
}

// restPath keeps the part of a REST URL under the account:
// https://api.twilio.com/2010-04-01/Accounts/AC…/Calls/CA….json ->
// /Calls/CA#1.json.
func (n *Normalizer) restPath(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return n.value(raw)
	}
	p := u.Path
	const acct = "/2010-04-01/Accounts/"
	if rest, ok := strings.CutPrefix(p, acct); ok {
		if _, after, ok := strings.Cut(rest, "/"); ok {
			p = "/" + after
		}
	}
	return n.value(p)
}

func (n *Normalizer) params(v url.Values, drop func(string) bool) map[string]string {
	if len(v) == 0 {
		return nil
	}
	out := map[string]string{}
	for _, k := range slices.Sorted(maps.Keys(v)) {
		if drop(k) {
			continue
		}
		vals := make([]string, len(v[k]))
		for i, s := range v[k] {
			vals[i] = n.value(s)
		}
		out[k] = strings.Join(vals, ",")
	}
	return out
}

// droppedWebhookParam says which webhook parameters are volatile or differ
// by nature between the fake and Twilio without being part of the call's
// story: the callback's timestamp, and the caller's and callee's geography
// (FromCity, CalledCountry, …), STIR/SHAKEN and call tokens, which real
// Twilio sends and the fake does not.
func droppedWebhookParam(k string) bool {
	switch k {
	case "Timestamp", "StirVerstat", "StirPassportToken", "StirStatus", "CallToken", "CallerName", "AddOns", "ForwardedFrom":
		return true
	}
	for _, geo := range []string{"City", "State", "Zip", "Country"} {
		if strings.HasSuffix(k, geo) {
			return true
		}
	}
	return false
}

// keyFields are the fields of a REST answer that tell the story; the rest
// (dates, URIs, prices, subresource links) are volatile or bookkeeping.
var keyFields = []string{
	"sid", "call_sid", "status", "direction", "from", "to", "parent_call_sid",
	"conference_sid", "queue_sid", "hold", "muted", "coaching", "label",
	"end_conference_on_exit", "start_conference_on_enter", "friendly_name",
	"phone_number", "voice_url", "voice_method", "duration", "position",
	"current_size", "max_size", "code",
}

func (n *Normalizer) fields(body []byte) map[string]string {
	if len(body) == 0 {
		return nil
	}
	var m map[string]any
	if err := json.Unmarshal(body, &m); err != nil {
		return map[string]string{"body": "not JSON"}
	}
	out := map[string]string{}
	for _, k := range keyFields {
		v, ok := m[k]
		if !ok || v == nil {
			continue
		}
		switch v := v.(type) {
		case string:
			out[k] = n.value(v)
		case bool:
			out[k] = strconv.FormatBool(v)
		case float64:
			out[k] = strconv.FormatFloat(v, 'f', -1, 64)
		default:
			b, _ := json.Marshal(v)
			out[k] = n.value(string(b))
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

// parseOffset reads an offset written by sim.Offset.
func parseOffset(s string) (time.Duration, error) {
	var h, m, sec, ms int
	if _, err := fmt.Sscanf(s, "%d:%d:%d.%d", &h, &m, &sec, &ms); err != nil {
		return 0, fmt.Errorf("offset %q: %w", s, err)
	}
	return time.Duration(h)*time.Hour + time.Duration(m)*time.Minute + time.Duration(sec)*time.Second + time.Duration(ms)*time.Millisecond, nil
}
