package wire

import (
	"net/http"
	"time"
)

// A record is a resource as plain values (strings, times, booleans): what
// the fake copies out of its engine while it holds the engine's lock,
// without an allocation, and renders once it has let go of it. A record
// renders exactly as the resource it stands for (its Resource method):
// TestRecordsRenderAsTheirResources checks every field.

// ParticipantRecord is a Participant resource as plain values.
type ParticipantRecord struct {
	AccountSid, CallSid, ConferenceSid string
	// Label and CallSidToCoach render as null when empty.
	Label, CallSidToCoach string
	// Status is queued, connecting, ringing, connected, complete or failed.
	Status                                                             string
	DateCreated, DateUpdated                                           time.Time
	Coaching, EndConferenceOnExit, Muted, Hold, StartConferenceOnEnter bool
	// Created marks the create response, the only one with queue_time
	// (https://www.twilio.com/docs/voice/api/conference-participant-resource).
	Created bool
}

// Resource returns the Participant resource p renders as.
func (p ParticipantRecord) Resource() Participant {
	out := Participant{
		AccountSid:             Ptr(p.AccountSid),
		CallSid:                Ptr(p.CallSid),
		Label:                  NullString(p.Label),
		CallSidToCoach:         NullString(p.CallSidToCoach),
		Coaching:               Ptr(p.Coaching),
		ConferenceSid:          Ptr(p.ConferenceSid),
		DateCreated:            Ptr(FormatDate(p.DateCreated)),
		DateUpdated:            Ptr(FormatDate(p.DateUpdated)),
		EndConferenceOnExit:    Ptr(p.EndConferenceOnExit),
		Muted:                  Ptr(p.Muted),
		Hold:                   Ptr(p.Hold),
		StartConferenceOnEnter: Ptr(p.StartConferenceOnEnter),
		Status:                 Ptr(p.Status),
		URI:                    Ptr(p.uri()),
	}
	if p.Created {
		out.QueueTime = Ptr("0")
	}
	return out
}

func (p ParticipantRecord) uri() string {
	return "/2010-04-01/Accounts/" + p.AccountSid + "/Conferences/" + p.ConferenceSid + "/Participants/" + p.CallSid + ".json"
}

// MarshalJSON renders p as its Participant resource.
func (p ParticipantRecord) MarshalJSON() ([]byte, error) { return p.appendJSON(nil) }

func (p ParticipantRecord) appendJSON(dst []byte) ([]byte, error) {
	dst = appendStringField(dst, `{"account_sid":`, p.AccountSid)
	dst = appendStringField(dst, `,"call_sid":`, p.CallSid)
	dst = appendNullStringField(dst, `,"label":`, p.Label)
	dst = appendNullStringField(dst, `,"call_sid_to_coach":`, p.CallSidToCoach)
	dst = appendBool(dst, `,"coaching":`, p.Coaching)
	dst = appendStringField(dst, `,"conference_sid":`, p.ConferenceSid)
	dst = appendDateField(dst, `,"date_created":`, p.DateCreated)
	dst = appendDateField(dst, `,"date_updated":`, p.DateUpdated)
	dst = appendBool(dst, `,"end_conference_on_exit":`, p.EndConferenceOnExit)
	dst = appendBool(dst, `,"muted":`, p.Muted)
	dst = appendBool(dst, `,"hold":`, p.Hold)
	dst = appendBool(dst, `,"start_conference_on_enter":`, p.StartConferenceOnEnter)
	dst = appendStringField(dst, `,"status":`, p.Status)
	if p.Created {
		dst = append(dst, `,"queue_time":"0"`...)
	} else {
		dst = append(dst, `,"queue_time":null`...)
	}
	// The URI, as uri() makes it, without making it.
	dst = append(dst, `,"uri":`...)
	if !plainString(p.AccountSid) || !plainString(p.ConferenceSid) || !plainString(p.CallSid) {
		dst = appendJSONString(dst, p.uri())
	} else {
		dst = append(dst, `"/2010-04-01/Accounts/`...)
		dst = append(dst, p.AccountSid...)
		dst = append(dst, "/Conferences/"...)
		dst = append(dst, p.ConferenceSid...)
		dst = append(dst, "/Participants/"...)
		dst = append(dst, p.CallSid...)
		dst = append(dst, `.json"`...)
	}
	return append(dst, '}'), nil
}

// JSONParticipant is JSON(w, status, *p), without the copy of p that
// passing it as an interface makes.
func JSONParticipant(w http.ResponseWriter, status int, p *ParticipantRecord) {
	buf := bodyBuffers.Get().(*[]byte)
	defer bodyBuffers.Put(buf)
	b, err := p.appendJSON((*buf)[:0])
	writeJSON(w, status, b, err)
	if cap(b) <= maxPooledBuffer {
		*buf = b
	}
}

// appendStringField appends prefix (`,"name":`) and s.
func appendStringField(dst []byte, prefix, s string) []byte {
	return appendJSONString(append(dst, prefix...), s)
}

// appendNullStringField appends prefix and s, null when s is empty.
func appendNullStringField(dst []byte, prefix, s string) []byte {
	dst = append(dst, prefix...)
	if s == "" {
		return append(dst, "null"...)
	}
	return appendJSONString(dst, s)
}

// appendBool appends prefix and b.
func appendBool(dst []byte, prefix string, b bool) []byte {
	dst = append(dst, prefix...)
	if b {
		return append(dst, "true"...)
	}
	return append(dst, "false"...)
}

// appendDateField appends prefix and FormatDate(t), which needs no
// escaping.
func appendDateField(dst []byte, prefix string, t time.Time) []byte {
	dst = append(dst, prefix...)
	dst = append(dst, '"')
	dst = AppendDate(dst, t)
	return append(dst, '"')
}

// plainString reports whether s is written in JSON as it is, between
// quotes (see plainJSON).
func plainString(s string) bool {
	for i := 0; i < len(s); i++ {
		if !plainJSON[s[i]] {
			return false
		}
	}
	return true
}
