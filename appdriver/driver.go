package appdriver

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"sort"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/holdlab/holdlab/strategies"
	"github.com/twilio/twilio-go/client"
	openapi "github.com/twilio/twilio-go/rest/api/v2010"
)

// Options are what an app's strategy needs besides its Spec.
type Options struct {
	// Client reads Twilio's REST state to fill the templates' fields.
	Client *openapi.ApiService
	// Support, Agent and Customer are the phone numbers.
	Support, Agent, Customer string
	// HTTPClient sends the actions to the app. Default: one that never
	// follows redirects, with the spec's timeout.
	HTTPClient *http.Client
}

// Strategy is an app under test seen as a strategies.Strategy: each method
// is an HTTP request to the app, described by its Spec. The app serves its
// own webhooks at its base URL, over real HTTP, so Handler serves nothing.
type Strategy struct {
	spec *Spec
	opts Options

	mu   sync.Mutex
	held map[string]strategies.Party // first leg -> party last held
}

var _ strategies.Strategy = (*Strategy)(nil)

// New returns the strategy of an app.
func New(spec *Spec, opts Options) (*Strategy, error) {
	if opts.Client == nil {
		return nil, errors.New("appdriver: Options.Client is required")
	}
	if opts.HTTPClient == nil {
		opts.HTTPClient = &http.Client{
			Timeout:       spec.Timeout.Or(30 * time.Second),
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		}
	}
	return &Strategy{spec: spec, opts: opts, held: map[string]strategies.Party{}}, nil
}

// Name implements strategies.Strategy: the app's name.
func (s *Strategy) Name() string { return s.spec.Name }

// Handler implements strategies.Strategy: nothing, the app serves its
// webhooks itself.
func (s *Strategy) Handler() http.Handler { return http.NotFoundHandler() }

// VoiceURL implements strategies.Strategy.
func (s *Strategy) VoiceURL() string {
	if strings.Contains(s.spec.VoiceURL, "://") {
		return s.spec.VoiceURL
	}
	return s.spec.BaseURL + s.spec.VoiceURL
}

// HoldMusic lists the audio URLs that count as hold music; nil means any
// audio Twilio plays (see Spec.HoldMusic).
func (s *Strategy) HoldMusic() []string { return s.spec.HoldMusic }

// Spec returns the app's description.
func (s *Strategy) Spec() *Spec { return s.spec }

// CallCustomer implements strategies.Strategy: the call_customer action.
// The first leg's SID is the first call SID in the app's answer (JSON or
// text); without one, the newest call to the agent.
func (s *Strategy) CallCustomer(ctx context.Context, customer string) (string, error) {
	if s.spec.CallCustomer == nil {
		return "", fmt.Errorf("the app's description has no call_customer action: %w", strategies.ErrNotSupported)
	}
	f := Fields{Customer: customer, Agent: s.opts.Agent, Support: s.opts.Support}
	resp, err := s.do(ctx, "call_customer", s.spec.CallCustomer, f)
	if err != nil {
		return "", err
	}
	if sid := callSidRe.Find(resp.Body); sid != nil {
		return string(sid), nil
	}
	calls, err := s.opts.Client.ListCall(&openapi.ListCallParams{To: &s.opts.Agent})
	if err != nil {
		return "", fmt.Errorf("call_customer: the app's answer has no call SID, and listing the calls to the agent failed: %w", err)
	}
	if len(calls) == 0 || calls[0].Sid == nil {
		return "", fmt.Errorf("call_customer: the app answered %d without a call SID, and there is no call to the agent %s", resp.Status, s.opts.Agent)
	}
	return *calls[0].Sid, nil
}

var callSidRe = regexp.MustCompile(`\bCA[0-9a-fA-F]{32}\b`)

// Hold implements strategies.Strategy: the hold action, with .Party who.
func (s *Strategy) Hold(ctx context.Context, callSid string, who strategies.Party) error {
	f, err := s.Fields(callSid)
	if err != nil {
		return err
	}
	f.Party = string(who)
	if _, err := s.do(ctx, "hold", s.spec.Hold, f); err != nil {
		return err
	}
	s.mu.Lock()
	s.held[callSid] = who
	s.mu.Unlock()
	return nil
}

// Unhold implements strategies.Strategy: the unhold action, with .Party
// the party last held.
func (s *Strategy) Unhold(ctx context.Context, callSid string) error {
	f, err := s.Fields(callSid)
	if err != nil {
		return err
	}
	s.mu.Lock()
	who, ok := s.held[callSid]
	s.mu.Unlock()
	if !ok {
		who = strategies.Customer
	}
	f.Party = string(who)
	_, err = s.do(ctx, "unhold", s.spec.Unhold, f)
	return err
}

// Send sends the app a request of a feature file's step, with the fields
// of the call whose first leg is first ("" before any call), and the
// spec's headers.
func (s *Strategy) Send(ctx context.Context, r Request, first string) (*Response, error) {
	f := Fields{Customer: s.opts.Customer, Agent: s.opts.Agent, Support: s.opts.Support}
	if first != "" {
		var err error
		if f, err = s.Fields(first); err != nil && !errors.Is(err, strategies.ErrUnknownCall) {
			return nil, err
		}
	}
	return Send(ctx, s.opts.HTTPClient, s.spec.BaseURL, s.spec.Headers, r, f)
}

// do sends an action and maps the app's status to the action's outcome.
func (s *Strategy) do(ctx context.Context, name string, a *Action, f Fields) (*Response, error) {
	resp, err := Send(ctx, s.opts.HTTPClient, s.spec.BaseURL, s.spec.Headers, Request{Method: a.Method, Path: a.Path, Form: a.Form, JSON: a.JSON, Headers: a.Headers}, f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	outcome := a.Outcome(resp.Status)
	var sentinel error
	switch outcome {
	case OutcomeOK:
		return resp, nil
	case OutcomeNotHeld:
		sentinel = strategies.ErrNotHeld
	case OutcomeCallEnded:
		sentinel = strategies.ErrCallEnded
	case OutcomeUnknownCall:
		sentinel = strategies.ErrUnknownCall
	case OutcomeNotSupported:
		sentinel = strategies.ErrNotSupported
	}
	se := &StatusError{Action: name, Method: resp.Method, URL: resp.URL, Status: resp.Status, Body: string(resp.Body), Outcome: sentinel}
	return resp, se
}

// StatusError is an action the app did not answer with success: its
// status and body, and the outcome it maps to (nil: an error of its own).
type StatusError struct {
	Action      string
	Method, URL string
	Status      int
	Body        string
	// Outcome is strategies.ErrNotHeld, ErrCallEnded, ErrUnknownCall or
	// ErrNotSupported, or nil.
	Outcome error
}

func (e *StatusError) Error() string {
	body := strings.TrimSpace(e.Body)
	if utf8.RuneCountInString(body) > 300 {
		body = string([]rune(body)[:300]) + "…"
	}
	if body == "" {
		body = "(empty body)"
	}
	msg := fmt.Sprintf("%s: %s %s: the app answered %d: %s", e.Action, e.Method, e.URL, e.Status, body)
	if e.Outcome != nil {
		msg += " (" + e.Outcome.Error() + ")"
	}
	return msg
}

// Unwrap lets errors.Is find the outcome.
func (e *StatusError) Unwrap() error { return e.Outcome }

// Fields reads, through Twilio's REST API, the fields of the conversation
// whose first leg is first: each party's leg and their conference.
func (s *Strategy) Fields(first string) (Fields, error) {
	f := Fields{CallSid: first, Customer: s.opts.Customer, Agent: s.opts.Agent, Support: s.opts.Support}
	api := s.opts.Client
	fc, err := api.FetchCall(first, nil)
	if err != nil {
		var re *client.TwilioRestError
		if errors.As(err, &re) && re.Status == http.StatusNotFound {
			return f, fmt.Errorf("call %s: %w", first, strategies.ErrUnknownCall)
		}
		return f, fmt.Errorf("fetch call %s: %w", first, err)
	}
	if deref(fc.Direction) == "inbound" && deref(fc.From) != "" {
		f.Customer = deref(fc.From)
	}
	calls, err := api.ListCall(nil)
	if err != nil {
		return f, fmt.Errorf("list the calls: %w", err)
	}
	f.CustomerCallSid = legOf(calls, f.Customer)
	f.AgentCallSid = legOf(calls, f.Agent)
	f.ConferenceSid, f.ConferenceName, err = s.conferenceOf(f.CustomerCallSid, f.AgentCallSid, first)
	return f, err
}

// legOf is the leg of the person at number: a call to it, or an inbound
// call from it; the live one first, then the newest.
func legOf(calls []openapi.ApiV2010Call, number string) string {
	var legs []openapi.ApiV2010Call
	for _, c := range calls {
		from, to := deref(c.From), deref(c.To)
		if number != "" && (to == number || (from == number && deref(c.Direction) == "inbound")) {
			legs = append(legs, c)
		}
	}
	if len(legs) == 0 {
		return ""
	}
	// Calls are listed newest first; the sort is stable.
	sort.SliceStable(legs, func(i, j int) bool { return live(legs[i]) && !live(legs[j]) })
	return deref(legs[0].Sid)
}

// conferenceOf finds the conference one of the legs is a participant of:
// a live one first.
func (s *Strategy) conferenceOf(legs ...string) (sid, name string, err error) {
	api := s.opts.Client
	for _, status := range []string{"in-progress", ""} {
		p := &openapi.ListConferenceParams{}
		if status != "" {
			p.Status = &status
		}
		confs, err := api.ListConference(p)
		if err != nil {
			return "", "", fmt.Errorf("list the conferences: %w", err)
		}
		for _, c := range confs {
			ps, err := api.ListParticipant(deref(c.Sid), nil)
			if err != nil {
				continue // ended since it was listed
			}
			for _, pt := range ps {
				for _, leg := range legs {
					if leg != "" && deref(pt.CallSid) == leg {
						return deref(c.Sid), deref(c.FriendlyName), nil
					}
				}
			}
		}
	}
	return "", "", nil
}

// live reports whether a call is still going.
func live(c openapi.ApiV2010Call) bool {
	switch deref(c.Status) {
	case "queued", "ringing", "in-progress":
		return true
	}
	return false
}

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}
