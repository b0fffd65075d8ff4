package wire

// APIVersion is the value of every resource's api_version field.
const APIVersion = "2010-04-01"

// Ptr returns a pointer to a copy of v. It is a convenience for filling the
// nullable fields of the resource structs, e.g. Ptr("in-progress").
func Ptr[T any](v T) *T { return &v }

// NullString returns nil for the empty string (JSON null) and a pointer to s
// otherwise.
func NullString(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// Call is the Call resource (twilio-go ApiV2010Call). All fields are
// nullable strings except SubresourceURIs (an object). Numeric-looking
// fields (duration, price, queue_time) are strings on the wire.
type Call struct {
	// Sid is the call's CA… identifier.
	Sid *string `json:"sid"`
	// DateCreated is an RFC 2822 date, see FormatDate.
	DateCreated *string `json:"date_created"`
	// DateUpdated is an RFC 2822 date, see FormatDate.
	DateUpdated *string `json:"date_updated"`
	// ParentCallSid is the CA… of the parent leg for outbound-dial legs.
	ParentCallSid *string `json:"parent_call_sid"`
	// AccountSid is the owning AC… account.
	AccountSid *string `json:"account_sid"`
	// To is the called party.
	To *string `json:"to"`
	// ToFormatted is To formatted for display.
	ToFormatted *string `json:"to_formatted"`
	// From is the calling party.
	From *string `json:"from"`
	// FromFormatted is From formatted for display.
	FromFormatted *string `json:"from_formatted"`
	// PhoneNumberSid is the PN… of the Twilio number involved, if any.
	PhoneNumberSid *string `json:"phone_number_sid"`
	// Status is one of queued, ringing, in-progress, completed, busy,
	// failed, no-answer, canceled.
	Status *string `json:"status"`
	// StartTime is an RFC 2822 date; null until the call is dialed.
	StartTime *string `json:"start_time"`
	// EndTime is an RFC 2822 date; null until the call ends.
	EndTime *string `json:"end_time"`
	// Duration is the length in seconds, as a string.
	Duration *string `json:"duration"`
	// Price is the call's price as a decimal string, e.g. "-0.03000".
	Price *string `json:"price"`
	// PriceUnit is the ISO 4217 currency of Price, e.g. "USD".
	PriceUnit *string `json:"price_unit"`
	// Direction is inbound, outbound-api or outbound-dial (or a trunking
	// direction).
	Direction *string `json:"direction"`
	// AnsweredBy is the answering-machine detection result, or null.
	AnsweredBy *string `json:"answered_by"`
	// APIVersion is always "2010-04-01" (see the APIVersion constant).
	APIVersion *string `json:"api_version"`
	// ForwardedFrom is the forwarding number, if the carrier provides it.
	ForwardedFrom *string `json:"forwarded_from"`
	// GroupSid is the GP… group, if any.
	GroupSid *string `json:"group_sid"`
	// CallerName is the caller-id lookup result, if enabled.
	CallerName *string `json:"caller_name"`
	// QueueTime is the time spent queued in milliseconds, as a string.
	QueueTime *string `json:"queue_time"`
	// TrunkSid is the TK… trunk, if any.
	TrunkSid *string `json:"trunk_sid"`
	// URI is the relative resource URI ending in .json.
	URI *string `json:"uri"`
	// SubresourceURIs maps subresource names to relative URIs.
	SubresourceURIs map[string]string `json:"subresource_uris"`
}

// Capabilities is the capabilities object of an IncomingPhoneNumber
// (twilio-go ApiV2010AccountIncomingPhoneNumberCapabilities). Twilio always
// sends all four booleans.
type Capabilities struct {
	// MMS reports whether the number can receive MMS.
	MMS bool `json:"mms"`
	// SMS reports whether the number can receive SMS.
	SMS bool `json:"sms"`
	// Voice reports whether the number can receive calls.
	Voice bool `json:"voice"`
	// Fax reports whether the number can receive faxes.
	Fax bool `json:"fax"`
}

// IncomingPhoneNumber is the IncomingPhoneNumber resource (twilio-go
// ApiV2010IncomingPhoneNumber).
type IncomingPhoneNumber struct {
	// AccountSid is the owning AC… account.
	AccountSid *string `json:"account_sid"`
	// AddressSid is the AD… address, if any.
	AddressSid *string `json:"address_sid"`
	// AddressRequirements is none, any, local or foreign.
	AddressRequirements *string `json:"address_requirements"`
	// APIVersion is the API version used to start a new TwiML session.
	APIVersion *string `json:"api_version"`
	// Beta reports whether the number is new to Twilio.
	Beta *bool `json:"beta"`
	// Capabilities lists what the number can receive.
	Capabilities *Capabilities `json:"capabilities"`
	// DateCreated is an RFC 2822 date, see FormatDate.
	DateCreated *string `json:"date_created"`
	// DateUpdated is an RFC 2822 date, see FormatDate.
	DateUpdated *string `json:"date_updated"`
	// FriendlyName is a free-form label.
	FriendlyName *string `json:"friendly_name"`
	// IdentitySid is the RI… identity, if any.
	IdentitySid *string `json:"identity_sid"`
	// PhoneNumber is the E.164 number.
	PhoneNumber *string `json:"phone_number"`
	// Origin is twilio or hosted.
	Origin *string `json:"origin"`
	// Sid is the number's PN… identifier.
	Sid *string `json:"sid"`
	// SmsApplicationSid is the AP… application for SMS, if any.
	SmsApplicationSid *string `json:"sms_application_sid"`
	// SmsFallbackMethod is GET or POST.
	SmsFallbackMethod *string `json:"sms_fallback_method"`
	// SmsFallbackURL is the SMS fallback URL.
	SmsFallbackURL *string `json:"sms_fallback_url"`
	// SmsMethod is GET or POST.
	SmsMethod *string `json:"sms_method"`
	// SmsURL is the SMS webhook URL.
	SmsURL *string `json:"sms_url"`
	// StatusCallback is the call status callback URL.
	StatusCallback *string `json:"status_callback"`
	// StatusCallbackMethod is GET or POST.
	StatusCallbackMethod *string `json:"status_callback_method"`
	// TrunkSid is the TK… trunk, if any.
	TrunkSid *string `json:"trunk_sid"`
	// URI is the relative resource URI ending in .json.
	URI *string `json:"uri"`
	// VoiceReceiveMode is voice or fax.
	VoiceReceiveMode *string `json:"voice_receive_mode"`
	// VoiceApplicationSid is the AP… application for calls, if any.
	VoiceApplicationSid *string `json:"voice_application_sid"`
	// VoiceCallerIDLookup reports whether caller-id lookup is enabled.
	VoiceCallerIDLookup *bool `json:"voice_caller_id_lookup"`
	// VoiceFallbackMethod is GET or POST.
	VoiceFallbackMethod *string `json:"voice_fallback_method"`
	// VoiceFallbackURL is requested when VoiceURL fails.
	VoiceFallbackURL *string `json:"voice_fallback_url"`
	// VoiceMethod is GET or POST.
	VoiceMethod *string `json:"voice_method"`
	// VoiceURL is the incoming-call webhook URL.
	VoiceURL *string `json:"voice_url"`
	// EmergencyStatus is Active or Inactive.
	EmergencyStatus *string `json:"emergency_status"`
	// EmergencyAddressSid is the AD… emergency address, if any.
	EmergencyAddressSid *string `json:"emergency_address_sid"`
	// EmergencyAddressStatus is the status of the emergency address.
	EmergencyAddressStatus *string `json:"emergency_address_status"`
	// BundleSid is the BU… regulatory bundle, if any.
	BundleSid *string `json:"bundle_sid"`
	// Status is the number's provisioning status.
	Status *string `json:"status"`
	// Type is the number type (local, mobile, toll-free…).
	Type *string `json:"type"`
}

// Conference is the Conference resource (twilio-go ApiV2010Conference).
type Conference struct {
	// AccountSid is the owning AC… account.
	AccountSid *string `json:"account_sid"`
	// DateCreated is an RFC 2822 date, see FormatDate.
	DateCreated *string `json:"date_created"`
	// DateUpdated is an RFC 2822 date, see FormatDate.
	DateUpdated *string `json:"date_updated"`
	// APIVersion is always "2010-04-01".
	APIVersion *string `json:"api_version"`
	// FriendlyName is the name given in <Conference>.
	FriendlyName *string `json:"friendly_name"`
	// Region is the media region, e.g. us1.
	Region *string `json:"region"`
	// Sid is the conference's CF… identifier.
	Sid *string `json:"sid"`
	// Status is init, in-progress or completed.
	Status *string `json:"status"`
	// URI is the relative resource URI ending in .json.
	URI *string `json:"uri"`
	// SubresourceURIs maps participants and recordings to relative URIs.
	SubresourceURIs map[string]string `json:"subresource_uris"`
	// ReasonConferenceEnded is why the conference ended, or null.
	ReasonConferenceEnded *string `json:"reason_conference_ended"`
	// CallSidEndingConference is the CA… whose exit ended it, or null.
	CallSidEndingConference *string `json:"call_sid_ending_conference"`
}

// Participant is the conference Participant resource (twilio-go
// ApiV2010Participant).
type Participant struct {
	// AccountSid is the owning AC… account.
	AccountSid *string `json:"account_sid"`
	// CallSid is the participant's call.
	CallSid *string `json:"call_sid"`
	// Label is the participant label, or null.
	Label *string `json:"label"`
	// CallSidToCoach is the CA… being coached, or null.
	CallSidToCoach *string `json:"call_sid_to_coach"`
	// Coaching reports whether the participant is coaching.
	Coaching *bool `json:"coaching"`
	// ConferenceSid is the CF… conference.
	ConferenceSid *string `json:"conference_sid"`
	// DateCreated is an RFC 2822 date, see FormatDate.
	DateCreated *string `json:"date_created"`
	// DateUpdated is an RFC 2822 date, see FormatDate.
	DateUpdated *string `json:"date_updated"`
	// EndConferenceOnExit reports whether the conference ends when this
	// participant leaves.
	EndConferenceOnExit *bool `json:"end_conference_on_exit"`
	// Muted reports whether the participant is muted.
	Muted *bool `json:"muted"`
	// Hold reports whether the participant is on hold.
	Hold *bool `json:"hold"`
	// StartConferenceOnEnter reports whether joining starts the conference.
	StartConferenceOnEnter *bool `json:"start_conference_on_enter"`
	// Status is queued, connecting, ringing, connected, complete or failed.
	Status *string `json:"status"`
	// QueueTime is the queued time in ms as a string (create response only).
	QueueTime *string `json:"queue_time"`
	// URI is the relative resource URI ending in .json.
	URI *string `json:"uri"`
}

// Queue is the Queue resource (twilio-go ApiV2010Queue). Its numbers are
// never null, so they are plain ints, as in twilio-go. Twilio's fixtures
// also show a subresource_uris object that neither the OpenAPI spec nor
// twilio-go has; it is left out to keep the field set equal to twilio-go's.
type Queue struct {
	// DateUpdated is an RFC 2822 date, see FormatDate.
	DateUpdated *string `json:"date_updated"`
	// CurrentSize is the number of calls waiting in the queue.
	CurrentSize int `json:"current_size"`
	// FriendlyName is the queue's name.
	FriendlyName *string `json:"friendly_name"`
	// URI is the relative resource URI ending in .json.
	URI *string `json:"uri"`
	// AccountSid is the owning AC… account.
	AccountSid *string `json:"account_sid"`
	// AverageWaitTime is the average wait in seconds of the waiting calls.
	AverageWaitTime int `json:"average_wait_time"`
	// Sid is the queue's QU… identifier.
	Sid *string `json:"sid"`
	// DateCreated is an RFC 2822 date, see FormatDate.
	DateCreated *string `json:"date_created"`
	// MaxSize is the maximum number of waiting calls.
	MaxSize int `json:"max_size"`
}

// Member is a queue Member resource (twilio-go ApiV2010Member). Its
// numbers are never null, so they are plain ints, as in twilio-go.
type Member struct {
	// CallSid is the waiting call.
	CallSid *string `json:"call_sid"`
	// DateEnqueued is an RFC 2822 date, see FormatDate.
	DateEnqueued *string `json:"date_enqueued"`
	// Position is the 1-based position in the queue (INFERRED 1-based from
	// Twilio's fixtures).
	Position int `json:"position"`
	// URI is the relative resource URI ending in .json.
	URI *string `json:"uri"`
	// WaitTime is the time waited so far in seconds.
	WaitTime int `json:"wait_time"`
	// QueueSid is the QU… queue.
	QueueSid *string `json:"queue_sid"`
}
