package strategies

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"

	"github.com/twilio/twilio-go/client"
	openapi "github.com/twilio/twilio-go/rest/api/v2010"
	"github.com/twilio/twilio-go/twiml"
)

// Party is one side of a contact-centre call.
type Party string

// The two parties.
const (
	Customer Party = "customer"
	Agent    Party = "agent"
)

// Other returns the other party.
func (p Party) Other() Party {
	if p == Customer {
		return Agent
	}
	return Customer
}

// ErrCallEnded is returned by Hold and Unhold when the call they act on has
// already ended: Twilio's 21220 ("Call is not in-progress"), which apps treat
// as "already gone".
var ErrCallEnded = errors.New("the call has already ended")

// ErrNotHeld is returned by Unhold when nobody is on hold.
var ErrNotHeld = errors.New("nobody is on hold")

// ErrUnknownCall is returned for a call SID the strategy never connected.
var ErrUnknownCall = errors.New("unknown call")

// ErrNotSupported is returned when a strategy cannot hold that party.
var ErrNotSupported = errors.New("not supported by this strategy")

// Config is what every strategy needs. The same values point a strategy at
// the fake or at real Twilio.
type Config struct {
	// BaseURL is the public URL the strategy's Handler is reachable at, e.g.
	// "https://app.example.com/hold" (no trailing slash needed).
	BaseURL string
	// Client is twilio-go's client of Twilio's REST API (2010-04-01), the
	// one API the strategies use: twilio.RestClient's Api field, or
	// openapi.NewApiServiceWithClient of a client.Client, which does not
	// build twilio-go's other APIs.
	Client *openapi.ApiService
	// SupportNumber is the account's number customers call, and the caller
	// ID of outbound calls.
	SupportNumber string
	// Agent is the agent's address: a phone number or client:name.
	Agent string
	// HoldMusicURL is the audio a held party hears.
	HoldMusicURL string
	// Logger receives the strategy's decisions. Optional.
	Logger *slog.Logger
	// PauseRecordingOnHold makes Hold pause the recordings of the held
	// party's call (PauseBehavior=skip) and Unhold resume the same ones,
	// so that a recording holds no hold music (recordings.go). The
	// conference strategy honours it; callleg and redirect do not.
	PauseRecordingOnHold bool
}

// Strategy is one way of putting a call on hold and taking it off hold.
// Calls are identified by the SID of their first leg: the customer's call
// when the customer rang the support number, the agent's call when the
// agent placed the call.
type Strategy interface {
	// Name is a short identifier: "conference", "callleg", "redirect".
	Name() string
	// Handler serves the strategy's TwiML webhooks under Config.BaseURL.
	Handler() http.Handler
	// VoiceURL is where the support number's VoiceUrl must point, so that a
	// customer's call reaches the agent.
	VoiceURL() string
	// CallCustomer has the agent call a customer: the agent's phone rings
	// first (the agent's leg is the first leg), then the customer's. It
	// returns the first leg's SID.
	CallCustomer(ctx context.Context, customer string) (string, error)
	// Hold puts who on hold on the call whose first leg is callSid: who
	// hears music, and the other party is free.
	Hold(ctx context.Context, callSid string, who Party) error
	// Unhold takes the held party off hold: the two talk again.
	Unhold(ctx context.Context, callSid string) error
}

// base carries what the three strategies share.
type base struct {
	cfg Config
	log *slog.Logger
	mux *http.ServeMux

	mu       sync.Mutex
	sessions map[string]*session // by first-leg SID
}

// session is what a strategy remembers about one call.
type session struct {
	first   string // first leg SID
	inbound bool   // the customer called in (customer = first leg)
	legs    map[Party]string
	held    Party // "" when nobody is held
	ended   bool  // the app has learnt that the call is over
	data    any   // the strategy's own state
}

func newBase(cfg Config) (*base, error) {
	if cfg.Client == nil {
		return nil, errors.New("strategies: Config.Client is required")
	}
	u, err := url.Parse(cfg.BaseURL)
	if err != nil || !u.IsAbs() {
		return nil, fmt.Errorf("strategies: BaseURL %q must be an absolute URL", cfg.BaseURL)
	}
	if cfg.SupportNumber == "" || cfg.Agent == "" || cfg.HoldMusicURL == "" {
		return nil, errors.New("strategies: SupportNumber, Agent and HoldMusicURL are required")
	}
	cfg.BaseURL = strings.TrimSuffix(cfg.BaseURL, "/")
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	return &base{cfg: cfg, log: log, mux: http.NewServeMux(), sessions: map[string]*session{}}, nil
}

func (b *base) Handler() http.Handler { return b.mux }

// url returns the public URL of one of the strategy's paths.
func (b *base) url(path string) string { return b.cfg.BaseURL + path }

// twimlHandler turns a function that builds TwiML from a webhook's form into
// a handler. A webhook whose signature is wrong would be rejected by a real
// app; the fake and Twilio both sign, and checking is the app's concern, so
// strategies leave it to the middleware an app mounts them behind.
func (b *base) handle(path string, fn func(form url.Values) []twiml.Element) {
	b.mux.HandleFunc(path, func(w http.ResponseWriter, r *http.Request) {
		if err := r.ParseForm(); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		doc, err := twiml.Voice(fn(r.Form))
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "text/xml")
		_, _ = io.WriteString(w, doc)
	})
}

// musicTwiML is what a held party hears: the hold music, forever.
func (b *base) musicTwiML() []twiml.Element {
	return []twiml.Element{&twiml.VoicePlay{Url: b.cfg.HoldMusicURL, Loop: "0"}}
}

// newSession records a call.
func (b *base) newSession(first string, inbound bool) *session {
	b.mu.Lock()
	defer b.mu.Unlock()
	s := &session{first: first, inbound: inbound, legs: map[Party]string{}}
	if inbound {
		s.legs[Customer] = first
	} else {
		s.legs[Agent] = first
	}
	b.sessions[first] = s
	return s
}

// session returns the session of a first-leg SID.
func (b *base) session(sid string) (*session, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	s, ok := b.sessions[sid]
	if !ok {
		return nil, fmt.Errorf("%w %s", ErrUnknownCall, sid)
	}
	if s.ended {
		return nil, fmt.Errorf("call %s: %w", sid, ErrCallEnded)
	}
	return s, nil
}

// withSession runs fn with the session locked.
func (b *base) withSession(s *session, fn func()) {
	b.mu.Lock()
	defer b.mu.Unlock()
	fn()
}

// callEnded maps Twilio's 21220 (and 20404 for a call that is gone) to
// ErrCallEnded; other errors are wrapped.
func callEnded(err error, what string) error {
	if err == nil {
		return nil
	}
	var re *client.TwilioRestError
	if errors.As(err, &re) && (re.Code == 21220 || re.Code == 20404) {
		return fmt.Errorf("%s: %w (Twilio %d)", what, ErrCallEnded, re.Code)
	}
	return fmt.Errorf("%s: %w", what, err)
}

func ptr[T any](v T) *T { return &v }
