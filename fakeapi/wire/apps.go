package wire

// The resources of apps that bring their own Twilio features: API keys,
// TwiML Apps and the user-defined messages of Voice SDK calls.

// List keys of their list endpoints.
const (
	// KeyApplications is the list key of GET …/Applications.json.
	KeyApplications = "applications"
	// KeyKeys is the list key of GET …/Keys.json.
	KeyKeys = "keys"
)

// Key is the Key resource (twilio-go ApiV2010Key): an API key, without its
// secret (https://www.twilio.com/docs/iam/api-keys/key-resource-v2010).
type Key struct {
	// Sid is the key's SK… identifier, the HTTP Basic user.
	Sid *string `json:"sid"`
	// FriendlyName is a free-form label.
	FriendlyName *string `json:"friendly_name"`
	// DateCreated is an RFC 2822 date, see FormatDate.
	DateCreated *string `json:"date_created"`
	// DateUpdated is an RFC 2822 date, see FormatDate.
	DateUpdated *string `json:"date_updated"`
}

// NewKey is the answer to creating an API key (twilio-go ApiV2010NewKey):
// the only time its secret is shown.
type NewKey struct {
	// Sid is the key's SK… identifier, the HTTP Basic user.
	Sid *string `json:"sid"`
	// FriendlyName is a free-form label.
	FriendlyName *string `json:"friendly_name"`
	// DateCreated is an RFC 2822 date, see FormatDate.
	DateCreated *string `json:"date_created"`
	// DateUpdated is an RFC 2822 date, see FormatDate.
	DateUpdated *string `json:"date_updated"`
	// Secret is the HTTP Basic password.
	Secret *string `json:"secret"`
}

// Application is the Application resource, a TwiML App (twilio-go
// ApiV2010Application; https://www.twilio.com/docs/usage/api/applications).
type Application struct {
	// AccountSid is the owning AC… account.
	AccountSid *string `json:"account_sid"`
	// APIVersion is the API version used to start a new TwiML session.
	APIVersion *string `json:"api_version"`
	// DateCreated is an RFC 2822 date, see FormatDate.
	DateCreated *string `json:"date_created"`
	// DateUpdated is an RFC 2822 date, see FormatDate.
	DateUpdated *string `json:"date_updated"`
	// FriendlyName is a free-form label.
	FriendlyName *string `json:"friendly_name"`
	// MessageStatusCallback is the message status callback URL.
	MessageStatusCallback *string `json:"message_status_callback"`
	// Sid is the App's AP… identifier.
	Sid *string `json:"sid"`
	// SmsFallbackMethod is GET or POST.
	SmsFallbackMethod *string `json:"sms_fallback_method"`
	// SmsFallbackURL is the SMS fallback URL.
	SmsFallbackURL *string `json:"sms_fallback_url"`
	// SmsMethod is GET or POST.
	SmsMethod *string `json:"sms_method"`
	// SmsStatusCallback is the SMS status callback URL.
	SmsStatusCallback *string `json:"sms_status_callback"`
	// SmsURL is the SMS webhook URL.
	SmsURL *string `json:"sms_url"`
	// StatusCallback is the call status callback URL.
	StatusCallback *string `json:"status_callback"`
	// StatusCallbackMethod is GET or POST.
	StatusCallbackMethod *string `json:"status_callback_method"`
	// URI is the relative resource URI ending in .json.
	URI *string `json:"uri"`
	// VoiceCallerIDLookup reports whether caller-id lookup is enabled.
	VoiceCallerIDLookup *bool `json:"voice_caller_id_lookup"`
	// VoiceFallbackMethod is GET or POST.
	VoiceFallbackMethod *string `json:"voice_fallback_method"`
	// VoiceFallbackURL is requested when VoiceURL fails.
	VoiceFallbackURL *string `json:"voice_fallback_url"`
	// VoiceMethod is GET or POST.
	VoiceMethod *string `json:"voice_method"`
	// VoiceURL is the webhook of the App's calls.
	VoiceURL *string `json:"voice_url"`
	// PublicApplicationConnectEnabled lets other accounts <Dial> the App.
	PublicApplicationConnectEnabled *bool `json:"public_application_connect_enabled"`
}

// UserDefinedMessage is the UserDefinedMessage resource (twilio-go
// ApiV2010UserDefinedMessage): a message an app sent to the Voice SDK
// device on a call
// (https://www.twilio.com/docs/voice/api/userdefinedmessage-resource).
type UserDefinedMessage struct {
	// AccountSid is the owning AC… account.
	AccountSid *string `json:"account_sid"`
	// CallSid is the CA… call it was sent on.
	CallSid *string `json:"call_sid"`
	// Sid is the message's KX… identifier.
	Sid *string `json:"sid"`
	// DateCreated is an RFC 2822 date, see FormatDate.
	DateCreated *string `json:"date_created"`
}

// UserDefinedMessageSubscription is the UserDefinedMessageSubscription
// resource (twilio-go ApiV2010UserDefinedMessageSubscription): where the
// messages a call's Voice SDK device sends go
// (https://www.twilio.com/docs/voice/api/userdefinedmessagesubscription-resource).
type UserDefinedMessageSubscription struct {
	// AccountSid is the owning AC… account.
	AccountSid *string `json:"account_sid"`
	// CallSid is the CA… call it listens to.
	CallSid *string `json:"call_sid"`
	// Sid is the subscription's ZY… identifier.
	Sid *string `json:"sid"`
	// DateCreated is an RFC 2822 date, see FormatDate.
	DateCreated *string `json:"date_created"`
	// URI is the relative resource URI ending in .json.
	URI *string `json:"uri"`
}
