package sim

import (
	"fmt"
	"slices"
	"time"

	"github.com/holdlab/holdlab/fakeapi/wire"
)

// The engine's API for the IncomingPhoneNumber resource: what
// fakeapi/rest_numbers.go serves.

// PhoneNumber is one of the account's IncomingPhoneNumbers. A call to it
// becomes an inbound call that fetches VoiceURL.
type PhoneNumber struct {
	Sid                  string
	PhoneNumber          string // E.164
	FriendlyName         string
	VoiceURL             string
	VoiceMethod          string
	VoiceFallbackURL     string
	VoiceFallbackMethod  string
	StatusCallback       string
	StatusCallbackMethod string
	DateCreated          time.Time
	DateUpdated          time.Time
}

// NumberParams creates or updates an IncomingPhoneNumber. Empty fields are
// left as they are on update.
type NumberParams struct {
	PhoneNumber          string
	FriendlyName         string
	VoiceURL             *string
	VoiceMethod          string
	VoiceFallbackURL     *string
	VoiceFallbackMethod  string
	StatusCallback       *string
	StatusCallbackMethod string
}

// CreateNumber buys (in the fake: claims) a phone number for the account.
func (e *Engine) CreateNumber(p NumberParams) (*PhoneNumber, error) {
	if p.PhoneNumber == "" {
		return nil, errBadRequest(21452, "A 'PhoneNumber' or 'AreaCode' is required.")
	}
	if _, dup := e.numbers[p.PhoneNumber]; dup {
		return nil, errBadRequest(21422, "PhoneNumber %s is already owned by this account", p.PhoneNumber)
	}
	n := &PhoneNumber{
		Sid:          e.ids.Next("PN"),
		PhoneNumber:  p.PhoneNumber,
		FriendlyName: p.FriendlyName,
		VoiceMethod:  "POST", VoiceFallbackMethod: "POST", StatusCallbackMethod: "POST",
		DateCreated: e.now, DateUpdated: e.now,
	}
	if n.FriendlyName == "" {
		n.FriendlyName = formatNumber(p.PhoneNumber)
	}
	applyNumber(n, p)
	e.numbers[n.PhoneNumber] = n
	e.numberOrder = append(e.numberOrder, n)
	e.traceText(nil, KindREST, 0, "IncomingPhoneNumber "+n.PhoneNumber+" ("+wire.Short(n.Sid)+") now belongs to the account; VoiceUrl "+n.VoiceURL, facts{rest: restRef("POST", "IncomingPhoneNumbers")})
	return n, nil
}

func applyNumber(n *PhoneNumber, p NumberParams) {
	if p.FriendlyName != "" {
		n.FriendlyName = p.FriendlyName
	}
	if p.VoiceURL != nil {
		n.VoiceURL = *p.VoiceURL
	}
	if p.VoiceMethod != "" {
		n.VoiceMethod = p.VoiceMethod
	}
	if p.VoiceFallbackURL != nil {
		n.VoiceFallbackURL = *p.VoiceFallbackURL
	}
	if p.VoiceFallbackMethod != "" {
		n.VoiceFallbackMethod = p.VoiceFallbackMethod
	}
	if p.StatusCallback != nil {
		n.StatusCallback = *p.StatusCallback
	}
	if p.StatusCallbackMethod != "" {
		n.StatusCallbackMethod = p.StatusCallbackMethod
	}
}

// UpdateNumber changes a number's settings; calls already in progress keep
// the TwiML they run.
func (e *Engine) UpdateNumber(sid string, p NumberParams) (*PhoneNumber, error) {
	n, err := e.number(sid)
	if err != nil {
		return nil, err
	}
	applyNumber(n, p)
	n.DateUpdated = e.now
	e.notef(nil, KindREST, facts{rest: restRef("POST", "IncomingPhoneNumbers", n.Sid)}, "IncomingPhoneNumber %s updated; VoiceUrl %s", n.PhoneNumber, n.VoiceURL)
	return n, nil
}

// DeleteNumber releases a number.
func (e *Engine) DeleteNumber(sid string) error {
	n, err := e.number(sid)
	if err != nil {
		return err
	}
	delete(e.numbers, n.PhoneNumber)
	for i, o := range e.numberOrder {
		if o == n {
			e.numberOrder = slices.Delete(e.numberOrder, i, i+1)
			break
		}
	}
	e.notef(nil, KindREST, facts{rest: restRef("DELETE", "IncomingPhoneNumbers", n.Sid)}, "IncomingPhoneNumber %s released", n.PhoneNumber)
	return nil
}

// Number returns the IncomingPhoneNumber with the given SID.
func (e *Engine) Number(sid string) (*PhoneNumber, error) { return e.number(sid) }

func (e *Engine) number(sid string) (*PhoneNumber, error) {
	for _, n := range e.numberOrder {
		if n.Sid == sid {
			return n, nil
		}
	}
	return nil, errNotFound(fmt.Sprintf("/2010-04-01/Accounts/%s/IncomingPhoneNumbers/%s.json", e.cfg.AccountSid, sid))
}

// Numbers returns the account's numbers in the order they were claimed,
// optionally only the one equal to phoneNumber.
func (e *Engine) Numbers(phoneNumber string) []*PhoneNumber {
	var out []*PhoneNumber
	for _, n := range e.numberOrder {
		if phoneNumber == "" || n.PhoneNumber == phoneNumber {
			out = append(out, n)
		}
	}
	return out
}

// formatNumber renders a North American E.164 number as Twilio's
// "(415) 867-5309"; other numbers are returned as they are.
func formatNumber(n string) string {
	if len(n) == 12 && n[:2] == "+1" {
		return "(" + n[2:5] + ") " + n[5:8] + "-" + n[8:]
	}
	return n
}

// FormatNumber is the display form Twilio gives numbers (to_formatted).
func FormatNumber(n string) string { return formatNumber(n) }
