package appdriver

import (
	"bytes"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"text/template"
	"time"

	"gopkg.in/yaml.v3"
)

// ErrSpec marks a mistake in an app's description (its YAML): the message
// says which field, and what is expected.
var ErrSpec = errors.New("invalid app description")

// specError is an error of the YAML, matched by errors.Is(err, ErrSpec).
type specError struct{ msg string }

func (e specError) Error() string        { return e.msg }
func (e specError) Is(target error) bool { return target == ErrSpec }

func specErrorf(format string, args ...any) error { return specError{fmt.Sprintf(format, args...)} }

// Spec describes an app under test: how to start it, where it listens, and
// the HTTP request that performs each action (holdlab.yaml).
type Spec struct {
	// Name names the app in reports: the summary's column, the JUnit
	// suite. Letters, digits, "-" and "_".
	Name string `yaml:"name"`
	// Start, when set, is the shell command (sh -c) that starts the app,
	// run in Dir with the environment of Env. holdlab stops it at the end:
	// SIGTERM to its process group, then SIGKILL after StopTimeout.
	Start string `yaml:"start"`
	// BaseURL is where the app listens, e.g. http://127.0.0.1:3000. Port 0
	// means any free port, for an app holdlab starts (see PickPort).
	BaseURL string `yaml:"base_url"`
	// VoiceURL is the support number's VoiceUrl, relative to BaseURL
	// ("/voice") or absolute.
	VoiceURL string `yaml:"voice_url"`
	// Ready, when set, is a path polled with GET until it answers 2xx
	// before the first scenario; without it, holdlab waits until BaseURL
	// accepts connections.
	Ready string `yaml:"ready"`
	// ReadyTimeout bounds that wait (default 30s).
	ReadyTimeout Duration `yaml:"ready_timeout"`
	// StopTimeout is how long the app has to exit after SIGTERM (default 5s).
	StopTimeout Duration `yaml:"stop_timeout"`
	// Timeout bounds each request holdlab sends the app (default 30s).
	Timeout Duration `yaml:"timeout"`
	// Env adds to the app's environment, after holdlab's own variables;
	// values may use them: "${HOLDLAB_API_BASE}".
	Env map[string]string `yaml:"env"`
	// Headers are sent with every request to the app (templates).
	Headers map[string]string `yaml:"headers"`
	// HoldMusic lists the audio URLs that count as hold music. Empty: any
	// audio Twilio plays to a party (<Play>, hold or wait music), not
	// speech, silence or ringback.
	HoldMusic StringList `yaml:"hold_music"`
	// Hold, Unhold and CallCustomer are the actions. Hold and Unhold are
	// required; without CallCustomer, the scenarios where the agent calls
	// the customer fail with strategies.ErrNotSupported.
	Hold         *Action `yaml:"hold"`
	Unhold       *Action `yaml:"unhold"`
	CallCustomer *Action `yaml:"call_customer"`

	// Dir is the folder of the YAML file: where Start runs.
	Dir string `yaml:"-"`
	// File is the YAML file it was loaded from.
	File string `yaml:"-"`
}

// Action is one HTTP request to the app. Path, Form values, JSON strings
// and Headers values are Go templates (text/template) over Fields.
type Action struct {
	// Method is GET, POST (the default), PUT, PATCH or DELETE.
	Method string `yaml:"method"`
	// Path is relative to the app's base URL; it may carry a query.
	Path string `yaml:"path"`
	// Form is sent as application/x-www-form-urlencoded (in the query for
	// GET and DELETE).
	Form map[string]string `yaml:"form"`
	// JSON is sent as application/json: any YAML value, whose strings are
	// templates.
	JSON any `yaml:"json"`
	// Headers are added to the request (templates).
	Headers map[string]string `yaml:"headers"`
	// Statuses maps the app's HTTP status codes to outcomes, over the
	// defaults (2xx ok, 409 not-held, 410 call-ended, 404 unknown-call,
	// 501 not-supported; anything else an error with the app's status and
	// body). Outcomes: ok, not-held, call-ended, unknown-call,
	// not-supported, error.
	Statuses map[int]string `yaml:"statuses"`
}

// Outcomes an app's HTTP status can be mapped to (Action.Statuses).
const (
	OutcomeOK           = "ok"
	OutcomeNotHeld      = "not-held"
	OutcomeCallEnded    = "call-ended"
	OutcomeUnknownCall  = "unknown-call"
	OutcomeNotSupported = "not-supported"
	OutcomeError        = "error"
)

var outcomes = []string{OutcomeOK, OutcomeNotHeld, OutcomeCallEnded, OutcomeUnknownCall, OutcomeNotSupported, OutcomeError}

// DefaultStatuses is how an app's answer maps to an outcome when the
// action does not say otherwise (2xx is ok).
var DefaultStatuses = map[int]string{
	http.StatusConflict:       OutcomeNotHeld,
	http.StatusGone:           OutcomeCallEnded,
	http.StatusNotFound:       OutcomeUnknownCall,
	http.StatusNotImplemented: OutcomeNotSupported,
}

// Duration is a time.Duration written as "30s" or "2m" in YAML.
type Duration time.Duration

// UnmarshalYAML reads a Go duration ("30s") or a number of seconds.
func (d *Duration) UnmarshalYAML(n *yaml.Node) error {
	if secs, err := strconv.ParseFloat(n.Value, 64); err == nil {
		*d = Duration(secs * float64(time.Second))
		return nil
	}
	v, err := time.ParseDuration(n.Value)
	if err != nil {
		return fmt.Errorf("line %d: %q is not a duration such as 30s or 2m", n.Line, n.Value)
	}
	*d = Duration(v)
	return nil
}

// Or returns d, or def when d is not set.
func (d Duration) Or(def time.Duration) time.Duration {
	if d <= 0 {
		return def
	}
	return time.Duration(d)
}

// StringList is a YAML string or list of strings.
type StringList []string

// UnmarshalYAML reads one string or a list.
func (l *StringList) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind == yaml.ScalarNode {
		*l = StringList{n.Value}
		return nil
	}
	var s []string
	if err := n.Decode(&s); err != nil {
		return err
	}
	*l = s
	return nil
}

// Load reads and checks an app's description.
func Load(path string) (*Spec, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, specErrorf("read the app's description: %v", err)
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, specErrorf("%s: %v", path, err)
	}
	s, err := Parse(data)
	if err != nil {
		return nil, specErrorf("%s: %v", path, err)
	}
	s.Dir, s.File = filepath.Dir(abs), path
	return s, nil
}

// Parse reads an app's description from YAML and checks it: unknown
// fields, missing ones, URLs, methods, outcomes and templates are errors.
func Parse(data []byte) (*Spec, error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	var s Spec
	if err := dec.Decode(&s); err != nil {
		return nil, specErrorf("%v", strings.TrimPrefix(err.Error(), "yaml: "))
	}
	if err := s.check(); err != nil {
		return nil, err
	}
	return &s, nil
}

var nameRe = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_-]*$`)

// check validates a parsed Spec and fills its defaults.
func (s *Spec) check() error {
	switch {
	case s.Name == "":
		return specErrorf("name: required (it names the app's column in the summary)")
	case !nameRe.MatchString(s.Name):
		return specErrorf("name: %q: use letters, digits, - and _", s.Name)
	case s.Name == "platform":
		return specErrorf("name: %q is taken by the strategy-independent features; pick another", s.Name)
	}
	u, err := url.Parse(s.BaseURL)
	if s.BaseURL == "" || err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return specErrorf("base_url: %q: want the app's absolute http URL, e.g. http://127.0.0.1:3000", s.BaseURL)
	}
	s.BaseURL = strings.TrimSuffix(s.BaseURL, "/")
	if s.VoiceURL == "" {
		return specErrorf("voice_url: required: the path the support number's VoiceUrl points at, e.g. /voice")
	}
	if !strings.HasPrefix(s.VoiceURL, "/") && !strings.Contains(s.VoiceURL, "://") {
		return specErrorf("voice_url: %q: want a path starting with / (relative to base_url) or an absolute URL", s.VoiceURL)
	}
	if s.Ready != "" && !strings.HasPrefix(s.Ready, "/") {
		return specErrorf("ready: %q: want a path starting with /, e.g. /healthz", s.Ready)
	}
	if s.Hold == nil {
		return specErrorf("hold: required: the request that puts a party on hold, e.g. {method: POST, path: /hold, form: {CallSid: \"{{.CustomerCallSid}}\"}}")
	}
	if s.Unhold == nil {
		return specErrorf("unhold: required: the request that takes the held party off hold")
	}
	for _, a := range []struct {
		name string
		act  *Action
	}{{"hold", s.Hold}, {"unhold", s.Unhold}, {"call_customer", s.CallCustomer}} {
		if a.act == nil {
			continue
		}
		if err := a.act.check(); err != nil {
			return specErrorf("%s: %v", a.name, err)
		}
	}
	for k, v := range s.Headers {
		if _, err := render("header "+k, v, sampleFields); err != nil {
			return specErrorf("headers: %v", err)
		}
	}
	return nil
}

// methods an action may use.
var methods = []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete}

// check validates an action against a sample of every field, so that a
// misspelt field ({{.CustomerSid}}) is an error at load time.
func (a *Action) check() error {
	a.Method = strings.ToUpper(strings.TrimSpace(a.Method))
	if a.Method == "" {
		a.Method = http.MethodPost
	}
	if !slices.Contains(methods, a.Method) {
		return fmt.Errorf("method %q: want one of %s", a.Method, strings.Join(methods, ", "))
	}
	if !strings.HasPrefix(a.Path, "/") {
		return fmt.Errorf("path %q: want a path starting with /, relative to base_url", a.Path)
	}
	if a.Form != nil && a.JSON != nil {
		return errors.New("form and json: give one body, not both")
	}
	if a.JSON != nil && (a.Method == http.MethodGet || a.Method == http.MethodDelete) {
		return fmt.Errorf("json: a %s request has no body; use form (sent in the query)", a.Method)
	}
	codes := make([]int, 0, len(a.Statuses))
	for code := range a.Statuses {
		codes = append(codes, code)
	}
	sort.Ints(codes)
	for _, code := range codes {
		if code < 100 || code > 599 {
			return fmt.Errorf("statuses: %d is not an HTTP status", code)
		}
		if !slices.Contains(outcomes, a.Statuses[code]) {
			return fmt.Errorf("statuses: %d: %q: want one of %s", code, a.Statuses[code], strings.Join(outcomes, ", "))
		}
	}
	if _, err := a.request(sampleFields); err != nil {
		return err
	}
	return nil
}

// Outcome maps an HTTP status to an outcome: the action's own mapping,
// else DefaultStatuses, else ok for 2xx and error for the rest.
func (a *Action) Outcome(status int) string {
	if o, ok := a.Statuses[status]; ok {
		return o
	}
	if o, ok := DefaultStatuses[status]; ok {
		return o
	}
	if status >= 200 && status < 300 {
		return OutcomeOK
	}
	return OutcomeError
}

// render executes one template over f.
func render(what, text string, f Fields) (string, error) {
	if !strings.Contains(text, "{{") {
		return text, nil
	}
	t, err := template.New(what).Option("missingkey=error").Parse(text)
	if err != nil {
		return "", fmt.Errorf("%s: %w", what, err)
	}
	var b strings.Builder
	if err := t.Execute(&b, f); err != nil {
		return "", fmt.Errorf("%s: %w (the fields are %s)", what, err, strings.Join(FieldNames(), ", "))
	}
	return b.String(), nil
}

// Render fills a template (a step's text) with f.
func Render(text string, f Fields) (string, error) { return render("text", text, f) }

// PickPort gives a base URL with port 0 a free port of its host, which the
// app is then told to listen on (PORT). Only an app holdlab starts can be
// told: without Start, port 0 is an error.
func (s *Spec) PickPort() error {
	u, err := url.Parse(s.BaseURL)
	if err != nil || u.Port() != "0" {
		return nil
	}
	if s.Start == "" {
		return specErrorf("base_url: %s: port 0 (any free port) needs start:, so that holdlab can tell the app which port it got", s.BaseURL)
	}
	ln, err := net.Listen("tcp", u.Host)
	if err != nil {
		return fmt.Errorf("base_url: find a free port on %s: %w", u.Hostname(), err)
	}
	u.Host = ln.Addr().String()
	if err := ln.Close(); err != nil {
		return fmt.Errorf("base_url: %w", err)
	}
	s.BaseURL = u.String()
	return nil
}
