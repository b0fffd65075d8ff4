package sim

import (
	"regexp"
	"strings"

	"github.com/cockroachdb/datadriven"
	"github.com/holdlab/holdlab/fakeapi/wire"
)

// The script commands of TwiML Apps, Voice SDK devices and user-defined
// messages (testdata/script/README.md); script_cmds_test.go adds them to
// scriptCmds.
var sdkScriptCmds = map[string]scriptCmd{
	"application":       (*script).cmdApplication,
	"client":            (*script).cmdClient,
	"unregister-client": (*script).cmdUnregisterClient,
	"sdk-call":          (*script).cmdSDKCall,
	"message":           (*script).cmdMessage,
}

// appRef is how a script writes an App's SID in TwiML: {{app NAME}}.
var appRef = regexp.MustCompile(`\{\{app ([^}]+)\}\}`)

// expandApps replaces each {{app NAME}} in doc with the SID of the App of
// that friendly name.
func (s *script) expandApps(td *datadriven.TestData, doc string) string {
	return appRef.ReplaceAllStringFunc(doc, func(m string) string {
		return s.application(td, appRef.FindStringSubmatch(m)[1]).Sid
	})
}

// application resolves an App by friendly name or SID (short or full).
func (s *script) application(td *datadriven.TestData, ref string) *Application {
	for _, a := range s.w.e.Applications("") {
		if a.FriendlyName == ref || a.Sid == ref || wire.Short(a.Sid) == ref {
			return a
		}
	}
	td.Fatalf(s.t, "no TwiML App %s", ref)
	return nil
}

func (s *script) cmdApplication(td *datadriven.TestData) string {
	p := ApplicationParams{FriendlyName: ptr(s.pos(td, 0, "friendly name")), VoiceMethod: s.opt(td, "method", "")}
	if u := s.opt(td, "url", ""); u != "" {
		p.VoiceURL = ptr(appURL(u))
	}
	if f := s.opt(td, "fallback", ""); f != "" {
		p.VoiceFallbackURL = ptr(appURL(f))
	}
	if cb := s.opt(td, "status-callback", ""); cb != "" {
		p.StatusCallback = ptr(appURL(cb))
	}
	a, err := s.w.e.CreateApplication(p)
	if err != nil {
		return s.done("", err)
	}
	return s.done(wire.Short(a.Sid), nil)
}

func (s *script) cmdClient(td *datadriven.TestData) string {
	return s.done("", s.w.e.RegisterClient(s.pos(td, 0, "identity"), s.phoneScript(td)))
}

func (s *script) cmdUnregisterClient(td *datadriven.TestData) string {
	return s.done("", s.w.e.UnregisterClient(s.pos(td, 0, "identity")))
}

func (s *script) cmdSDKCall(td *datadriven.TestData) string {
	params := map[string]string{}
	for _, kv := range s.list(td, "params") {
		k, v, ok := strings.Cut(kv, ":")
		if !ok {
			td.Fatalf(s.t, "params=(%s): want name:value", kv)
		}
		params[k] = v
	}
	c, err := s.w.e.PlaceClientCall(s.pos(td, 0, "identity"), s.application(td, s.req(td, "app")).Sid, params)
	if err != nil {
		return s.done("", err)
	}
	return s.done(wire.Short(c.Sid), nil)
}

func (s *script) cmdMessage(td *datadriven.TestData) string {
	c := s.call(td, s.pos(td, 0, "call"))
	m, err := s.w.e.CreateUserDefinedMessage(c.Sid, strings.TrimSpace(td.Input), s.opt(td, "key", ""))
	if err != nil {
		return s.done("", err)
	}
	to := m.Recipient
	if to == "" {
		to = "(no Voice SDK device)"
	}
	return s.done(wire.Short(m.Sid)+" to "+to, nil)
}
