package scenarios

import (
	"context"
	"errors"
	"fmt"

	openapi "github.com/twilio/twilio-go/rest/api/v2010"
)

// savedNumber is a number's voice settings before the run.
type savedNumber struct {
	role, number, sid     string
	voiceURL, voiceMethod string
	voiceApplicationSid   string
	pointedAt             string // where the run points it
	// hadApplication: its TwiML application was detached for the run;
	// changed: it must be restored; restored: it was.
	hadApplication, changed, restored bool
}

// phoneURL is the keep-alive TwiML of a role's phone.
func (t *TwilioTarget) phoneURL(role string) string {
	return t.cfg.PublicURL + machinery + "/phone/" + role
}

// provision points every owned number of the cast at holdlab, remembering
// its settings.
func (t *TwilioTarget) provision(ctx context.Context) error {
	api := t.rc
	roles := []struct{ role, number string }{
		{"support", t.cfg.Cast.Support}, {"agent", t.cfg.Cast.Agent},
		{"customer", t.cfg.Cast.Customer}, {"supervisor", t.cfg.Cast.Supervisor},
	}
	for _, r := range roles {
		if r.number == "" {
			continue
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		nums, err := api.ListIncomingPhoneNumber(&openapi.ListIncomingPhoneNumberParams{PhoneNumber: ptr(r.number), Limit: ptr(2)})
		if err != nil {
			return fmt.Errorf("look up the %s number %s: %w", r.role, r.number, err)
		}
		if len(nums) == 0 {
			if r.role == "support" {
				return fmt.Errorf("the support number %s is not one of the account's numbers", r.number)
			}
			t.external[r.role] = true
			t.log.Warn("not one of the account's numbers: calls to it ring whatever phone it is, and holdlab cannot answer them", "role", r.role, "number", r.number)
			continue
		}
		n := nums[0]
		s := &savedNumber{role: r.role, number: r.number, sid: deref(n.Sid), voiceURL: deref(n.VoiceUrl), voiceMethod: deref(n.VoiceMethod), voiceApplicationSid: deref(n.VoiceApplicationSid)}
		s.pointedAt = t.phoneURL(r.role)
		if r.role == "support" {
			s.pointedAt = t.cfg.PublicURL + machinery + "/idle"
			t.support = s
		}
		t.numbers = append(t.numbers, s)
		p := &openapi.UpdateIncomingPhoneNumberParams{VoiceUrl: ptr(s.pointedAt), VoiceMethod: ptr("POST")}
		if s.voiceApplicationSid != "" {
			// A number with a TwiML application ignores its VoiceUrl.
			p.VoiceApplicationSid = ptr("")
			s.hadApplication = true
		}
		s.changed = true // from here on, restore it even if the update fails half-way
		if _, err := api.UpdateIncomingPhoneNumber(s.sid, p); err != nil {
			return fmt.Errorf("point the %s number %s at holdlab: %w", r.role, r.number, err)
		}
		t.log.Info("number pointed at holdlab for the run", "role", r.role, "number", r.number, "voice_url", s.pointedAt, "was", s.voiceURL)
	}
	return nil
}

// Saved describes, for people, each number's settings before the run, so
// that they can be restored by hand if holdlab is killed.
func (t *TwilioTarget) Saved() []string {
	var out []string
	for _, s := range t.numbers {
		line := fmt.Sprintf("%s number %s (%s): VoiceUrl %q, VoiceMethod %s", s.role, s.number, s.sid, s.voiceURL, s.voiceMethod)
		if s.voiceApplicationSid != "" {
			line += ", VoiceApplicationSid " + s.voiceApplicationSid
		}
		out = append(out, line)
	}
	return out
}

// restoreNumbers puts back the voice settings of every number the run
// changed and has not restored yet.
func (t *TwilioTarget) restoreNumbers() error {
	var errs []error
	for _, s := range t.numbers {
		if !s.changed || s.restored {
			continue
		}
		p := &openapi.UpdateIncomingPhoneNumberParams{VoiceUrl: ptr(s.voiceURL)}
		if s.voiceMethod != "" {
			p.VoiceMethod = ptr(s.voiceMethod)
		}
		if s.hadApplication {
			p.VoiceApplicationSid = ptr(s.voiceApplicationSid)
		}
		if _, err := t.rc.UpdateIncomingPhoneNumber(s.sid, p); err != nil {
			errs = append(errs, fmt.Errorf("restore the %s number %s (VoiceUrl %q): %w", s.role, s.number, s.voiceURL, err))
			continue
		}
		s.restored = true
		t.log.Info("number restored", "role", s.role, "number", s.number, "voice_url", s.voiceURL)
	}
	return errors.Join(errs...)
}
