package wire

import (
	"net/http"
	"strconv"
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
	jsonAppended(w, status, p.appendJSON)
}

// CallRecord is a Call resource as plain values.
type CallRecord struct {
	Sid, AccountSid               string
	To, ToFormatted               string
	From, FromFormatted           string
	Status, Direction             string
	ParentCallSid, PhoneNumberSid string    // null when empty
	DateCreated, DateUpdated      time.Time // never zero
	StartTime, EndTime            time.Time // null when zero
	DurationSeconds               int
	HasDuration                   bool // duration is null without it
}

// callSubresources are a call's subresource_uris, in the order
// encoding/json writes a map's keys (sorted), and the file names their
// URIs end with; feedback_summaries is apart: it is the account's.
var callSubresources = []struct{ key, file string }{
	{"events", "/Events.json"},
	{"feedback", "/Feedback.json"},
	{"feedback_summaries", ""},
	{"notifications", "/Notifications.json"},
	{"payments", "/Payments.json"},
	{"recordings", "/Recordings.json"},
	{"siprec", "/Siprec.json"},
	{"streams", "/Streams.json"},
	{"user_defined_message_subscriptions", "/UserDefinedMessageSubscriptions.json"},
	{"user_defined_messages", "/UserDefinedMessages.json"},
}

// Resource returns the Call resource c renders as.
func (c CallRecord) Resource() Call {
	base := c.base()
	sub := make(map[string]string, len(callSubresources))
	for _, s := range callSubresources {
		sub[s.key] = base + s.file
	}
	sub["feedback_summaries"] = "/2010-04-01/Accounts/" + c.AccountSid + "/Calls/FeedbackSummary.json"
	out := Call{
		Sid:             Ptr(c.Sid),
		DateCreated:     Ptr(FormatDate(c.DateCreated)),
		DateUpdated:     Ptr(FormatDate(c.DateUpdated)),
		ParentCallSid:   NullString(c.ParentCallSid),
		AccountSid:      Ptr(c.AccountSid),
		To:              Ptr(c.To),
		ToFormatted:     Ptr(c.ToFormatted),
		From:            Ptr(c.From),
		FromFormatted:   Ptr(c.FromFormatted),
		PhoneNumberSid:  NullString(c.PhoneNumberSid),
		Status:          Ptr(c.Status),
		StartTime:       NullDate(c.StartTime),
		EndTime:         NullDate(c.EndTime),
		PriceUnit:       Ptr("USD"),
		Direction:       Ptr(c.Direction),
		APIVersion:      Ptr(APIVersion),
		QueueTime:       Ptr("0"),
		URI:             Ptr(base + ".json"),
		SubresourceURIs: sub,
	}
	if c.HasDuration {
		out.Duration = Ptr(strconv.Itoa(c.DurationSeconds))
	}
	return out
}

// base is the call's URI without ".json".
func (c CallRecord) base() string { return "/2010-04-01/Accounts/" + c.AccountSid + "/Calls/" + c.Sid }

// MarshalJSON renders c as its Call resource.
func (c CallRecord) MarshalJSON() ([]byte, error) { return c.appendJSON(nil) }

func (c CallRecord) appendJSON(dst []byte) ([]byte, error) {
	dst = appendStringField(dst, `{"sid":`, c.Sid)
	dst = appendDateField(dst, `,"date_created":`, c.DateCreated)
	dst = appendDateField(dst, `,"date_updated":`, c.DateUpdated)
	dst = appendNullStringField(dst, `,"parent_call_sid":`, c.ParentCallSid)
	dst = appendStringField(dst, `,"account_sid":`, c.AccountSid)
	dst = appendStringField(dst, `,"to":`, c.To)
	dst = appendStringField(dst, `,"to_formatted":`, c.ToFormatted)
	dst = appendStringField(dst, `,"from":`, c.From)
	dst = appendStringField(dst, `,"from_formatted":`, c.FromFormatted)
	dst = appendNullStringField(dst, `,"phone_number_sid":`, c.PhoneNumberSid)
	dst = appendStringField(dst, `,"status":`, c.Status)
	dst = appendNullDateField(dst, `,"start_time":`, c.StartTime)
	dst = appendNullDateField(dst, `,"end_time":`, c.EndTime)
	dst = append(dst, `,"duration":`...)
	if c.HasDuration {
		dst = append(dst, '"')
		dst = strconv.AppendInt(dst, int64(c.DurationSeconds), 10)
		dst = append(dst, '"')
	} else {
		dst = append(dst, "null"...)
	}
	dst = append(dst, `,"price":null,"price_unit":"USD"`...)
	dst = appendStringField(dst, `,"direction":`, c.Direction)
	dst = append(dst, `,"answered_by":null,"api_version":"`+APIVersion+`","forwarded_from":null,"group_sid":null,"caller_name":null,"queue_time":"0","trunk_sid":null`...)
	if !plainString(c.AccountSid) || !plainString(c.Sid) {
		// Rare enough (never, with SIDs) to take the slow way.
		dst = appendStringField(dst, `,"uri":`, c.base()+".json")
		dst = append(dst, `,"subresource_uris":`...)
		dst = appendStringMap(dst, c.Resource().SubresourceURIs)
		return append(dst, '}'), nil
	}
	dst = append(dst, `,"uri":`...)
	dst = c.appendBase(dst, ".json")
	dst = append(dst, `,"subresource_uris":{`...)
	for i, s := range callSubresources {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = append(dst, '"')
		dst = append(dst, s.key...)
		dst = append(dst, '"', ':')
		if s.file == "" {
			dst = append(dst, `"/2010-04-01/Accounts/`...)
			dst = append(dst, c.AccountSid...)
			dst = append(dst, `/Calls/FeedbackSummary.json"`...)
			continue
		}
		dst = c.appendBase(dst, s.file)
	}
	return append(dst, '}', '}'), nil
}

// appendBase appends the quoted string c.base() + file, whose parts need
// no escaping.
func (c CallRecord) appendBase(dst []byte, file string) []byte {
	dst = append(dst, `"/2010-04-01/Accounts/`...)
	dst = append(dst, c.AccountSid...)
	dst = append(dst, "/Calls/"...)
	dst = append(dst, c.Sid...)
	dst = append(dst, file...)
	return append(dst, '"')
}

// JSONCall is JSON(w, status, *c), without the copy of c that passing it
// as an interface makes.
func JSONCall(w http.ResponseWriter, status int, c *CallRecord) {
	jsonAppended(w, status, c.appendJSON)
}

// NumberRecord is an IncomingPhoneNumber resource as plain values; the
// fields the fake always answers the same are constants.
type NumberRecord struct {
	AccountSid, Sid, PhoneNumber, FriendlyName string
	StatusCallback, StatusCallbackMethod       string
	VoiceURL, VoiceMethod                      string
	VoiceFallbackURL, VoiceFallbackMethod      string
	DateCreated, DateUpdated                   time.Time
}

// Resource returns the IncomingPhoneNumber resource n renders as.
func (n NumberRecord) Resource() IncomingPhoneNumber {
	return IncomingPhoneNumber{
		AccountSid:           Ptr(n.AccountSid),
		AddressRequirements:  Ptr("none"),
		APIVersion:           Ptr(APIVersion),
		Beta:                 Ptr(false),
		Capabilities:         &Capabilities{Voice: true, SMS: true, MMS: true},
		DateCreated:          Ptr(FormatDate(n.DateCreated)),
		DateUpdated:          Ptr(FormatDate(n.DateUpdated)),
		FriendlyName:         Ptr(n.FriendlyName),
		PhoneNumber:          Ptr(n.PhoneNumber),
		Origin:               Ptr("twilio"),
		Sid:                  Ptr(n.Sid),
		SmsFallbackMethod:    Ptr("POST"),
		SmsMethod:            Ptr("POST"),
		StatusCallback:       Ptr(n.StatusCallback),
		StatusCallbackMethod: Ptr(n.StatusCallbackMethod),
		URI:                  Ptr("/2010-04-01/Accounts/" + n.AccountSid + "/IncomingPhoneNumbers/" + n.Sid + ".json"),
		VoiceReceiveMode:     Ptr("voice"),
		VoiceCallerIDLookup:  Ptr(false),
		VoiceFallbackMethod:  Ptr(n.VoiceFallbackMethod),
		VoiceFallbackURL:     Ptr(n.VoiceFallbackURL),
		VoiceMethod:          Ptr(n.VoiceMethod),
		VoiceURL:             Ptr(n.VoiceURL),
		EmergencyStatus:      Ptr("Inactive"),
		Status:               Ptr("in-use"),
		Type:                 Ptr("local"),
	}
}

// MarshalJSON renders n as its IncomingPhoneNumber resource.
func (n NumberRecord) MarshalJSON() ([]byte, error) { return n.appendJSON(nil) }

func (n NumberRecord) appendJSON(dst []byte) ([]byte, error) {
	dst = appendStringField(dst, `{"account_sid":`, n.AccountSid)
	dst = append(dst, `,"address_sid":null,"address_requirements":"none","api_version":"`+APIVersion+
		`","beta":false,"capabilities":{"mms":true,"sms":true,"voice":true,"fax":false}`...)
	dst = appendDateField(dst, `,"date_created":`, n.DateCreated)
	dst = appendDateField(dst, `,"date_updated":`, n.DateUpdated)
	dst = appendStringField(dst, `,"friendly_name":`, n.FriendlyName)
	dst = append(dst, `,"identity_sid":null`...)
	dst = appendStringField(dst, `,"phone_number":`, n.PhoneNumber)
	dst = append(dst, `,"origin":"twilio"`...)
	dst = appendStringField(dst, `,"sid":`, n.Sid)
	dst = append(dst, `,"sms_application_sid":null,"sms_fallback_method":"POST","sms_fallback_url":null,"sms_method":"POST","sms_url":null`...)
	dst = appendStringField(dst, `,"status_callback":`, n.StatusCallback)
	dst = appendStringField(dst, `,"status_callback_method":`, n.StatusCallbackMethod)
	dst = append(dst, `,"trunk_sid":null`...)
	if plainString(n.AccountSid) && plainString(n.Sid) {
		dst = append(dst, `,"uri":"/2010-04-01/Accounts/`...)
		dst = append(dst, n.AccountSid...)
		dst = append(dst, "/IncomingPhoneNumbers/"...)
		dst = append(dst, n.Sid...)
		dst = append(dst, `.json"`...)
	} else {
		dst = appendStringField(dst, `,"uri":`, *n.Resource().URI)
	}
	dst = append(dst, `,"voice_receive_mode":"voice","voice_application_sid":null,"voice_caller_id_lookup":false`...)
	dst = appendStringField(dst, `,"voice_fallback_method":`, n.VoiceFallbackMethod)
	dst = appendStringField(dst, `,"voice_fallback_url":`, n.VoiceFallbackURL)
	dst = appendStringField(dst, `,"voice_method":`, n.VoiceMethod)
	dst = appendStringField(dst, `,"voice_url":`, n.VoiceURL)
	dst = append(dst, `,"emergency_status":"Inactive","emergency_address_sid":null,"emergency_address_status":null,"bundle_sid":null,"status":"in-use","type":"local"}`...)
	return dst, nil
}

// JSONNumber is JSON(w, status, *n), without the copy of n that passing
// it as an interface makes.
func JSONNumber(w http.ResponseWriter, status int, n *NumberRecord) {
	jsonAppended(w, status, n.appendJSON)
}

// jsonAppended answers status with what appendJSON writes, in a pooled
// buffer.
func jsonAppended(w http.ResponseWriter, status int, appendJSON func([]byte) ([]byte, error)) {
	buf := bodyBuffers.Get().(*[]byte)
	defer bodyBuffers.Put(buf)
	b, err := appendJSON((*buf)[:0])
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

// appendNullDateField appends prefix and FormatDate(t), or null for the
// zero time (NullDate).
func appendNullDateField(dst []byte, prefix string, t time.Time) []byte {
	if t.IsZero() {
		return append(append(dst, prefix...), "null"...)
	}
	return appendDateField(dst, prefix, t)
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
