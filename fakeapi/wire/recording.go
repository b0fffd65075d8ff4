package wire

// The Recording resource, as twilio-go models it three ways: the account's
// /Recordings (Recording), a call's /Calls/{Sid}/Recordings
// (CallRecording) and a conference's /Conferences/{Sid}/Recordings
// (ConferenceRecording). They share most fields; their differences are
// twilio-go's (and Twilio's OpenAPI spec's): only the account's has
// subresource_uris and media_url, only a call's has track, and a call
// recording's price is a number. See
// https://www.twilio.com/docs/voice/api/recording.

// Recording is the Recording resource of /Recordings (twilio-go
// ApiV2010Recording).
type Recording struct {
	// AccountSid is the owning AC… account.
	AccountSid *string `json:"account_sid"`
	// APIVersion is always "2010-04-01".
	APIVersion *string `json:"api_version"`
	// CallSid is the recorded call (the parent leg of a two-leg call).
	CallSid *string `json:"call_sid"`
	// ConferenceSid is the CF… of a conference recording, or null.
	ConferenceSid *string `json:"conference_sid"`
	// DateCreated is an RFC 2822 date, see FormatDate.
	DateCreated *string `json:"date_created"`
	// DateUpdated is an RFC 2822 date, see FormatDate.
	DateUpdated *string `json:"date_updated"`
	// StartTime is when the recording started, an RFC 2822 date.
	StartTime *string `json:"start_time"`
	// Duration is the length in seconds as a string, once completed.
	Duration *string `json:"duration"`
	// Sid is the recording's RE… identifier.
	Sid *string `json:"sid"`
	// Price is its cost as a decimal string, or null.
	Price *string `json:"price"`
	// PriceUnit is the ISO 4217 currency of Price.
	PriceUnit *string `json:"price_unit"`
	// Status is in-progress, paused, stopped, processing, completed or
	// absent.
	Status *string `json:"status"`
	// Channels is 1 or 2.
	Channels *int `json:"channels"`
	// Source is how it started: OutboundAPI, DialVerb, Conference,
	// StartCallRecordingAPI, …
	Source *string `json:"source"`
	// ErrorCode says why it is absent, or null.
	ErrorCode *int `json:"error_code"`
	// URI is the relative resource URI ending in .json.
	URI *string `json:"uri"`
	// EncryptionDetails is null: encryption is not modelled.
	EncryptionDetails map[string]any `json:"encryption_details"`
	// SubresourceURIs maps add_on_results and transcriptions to URIs.
	SubresourceURIs map[string]string `json:"subresource_uris"`
	// MediaURL is where the media file would be.
	MediaURL *string `json:"media_url"`
}

// CallRecording is the Recording resource of /Calls/{Sid}/Recordings
// (twilio-go ApiV2010CallRecording).
type CallRecording struct {
	// AccountSid is the owning AC… account.
	AccountSid *string `json:"account_sid"`
	// APIVersion is always "2010-04-01".
	APIVersion *string `json:"api_version"`
	// CallSid is the recorded call.
	CallSid *string `json:"call_sid"`
	// ConferenceSid is null for a call recording.
	ConferenceSid *string `json:"conference_sid"`
	// DateCreated is an RFC 2822 date, see FormatDate.
	DateCreated *string `json:"date_created"`
	// DateUpdated is an RFC 2822 date, see FormatDate.
	DateUpdated *string `json:"date_updated"`
	// StartTime is when the recording started, an RFC 2822 date.
	StartTime *string `json:"start_time"`
	// Duration is the length in seconds as a string, once completed.
	Duration *string `json:"duration"`
	// Sid is the recording's RE… identifier.
	Sid *string `json:"sid"`
	// Price is its cost, or null (a number in twilio-go's model).
	Price *float64 `json:"price"`
	// URI is the relative resource URI ending in .json.
	URI *string `json:"uri"`
	// EncryptionDetails is null: encryption is not modelled.
	EncryptionDetails map[string]any `json:"encryption_details"`
	// PriceUnit is the ISO 4217 currency of Price.
	PriceUnit *string `json:"price_unit"`
	// Status is in-progress, paused, stopped, processing, completed or
	// absent.
	Status *string `json:"status"`
	// Channels is 1 or 2.
	Channels int `json:"channels"`
	// Source is how it started.
	Source *string `json:"source"`
	// ErrorCode says why it is absent, or null.
	ErrorCode *int `json:"error_code"`
	// Track is inbound, outbound or both.
	Track *string `json:"track"`
}

// ConferenceRecording is the Recording resource of
// /Conferences/{Sid}/Recordings (twilio-go ApiV2010ConferenceRecording).
type ConferenceRecording struct {
	// AccountSid is the owning AC… account.
	AccountSid *string `json:"account_sid"`
	// APIVersion is always "2010-04-01".
	APIVersion *string `json:"api_version"`
	// CallSid is the call whose TwiML started the recording.
	CallSid *string `json:"call_sid"`
	// ConferenceSid is the recorded CF… conference.
	ConferenceSid *string `json:"conference_sid"`
	// DateCreated is an RFC 2822 date, see FormatDate.
	DateCreated *string `json:"date_created"`
	// DateUpdated is an RFC 2822 date, see FormatDate.
	DateUpdated *string `json:"date_updated"`
	// StartTime is when the recording started, an RFC 2822 date.
	StartTime *string `json:"start_time"`
	// Duration is the length in seconds as a string, once completed.
	Duration *string `json:"duration"`
	// Sid is the recording's RE… identifier.
	Sid *string `json:"sid"`
	// Price is its cost as a decimal string, or null.
	Price *string `json:"price"`
	// PriceUnit is the ISO 4217 currency of Price.
	PriceUnit *string `json:"price_unit"`
	// Status is in-progress, paused, processing, completed or absent.
	Status *string `json:"status"`
	// Channels is 1.
	Channels int `json:"channels"`
	// Source is how it started.
	Source *string `json:"source"`
	// ErrorCode says why it is absent, or null.
	ErrorCode *int `json:"error_code"`
	// EncryptionDetails is null: encryption is not modelled.
	EncryptionDetails map[string]any `json:"encryption_details"`
	// URI is the relative resource URI ending in .json.
	URI *string `json:"uri"`
}
