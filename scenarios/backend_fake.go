package scenarios

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/holdlab/holdlab/fakeapi"
	"github.com/holdlab/holdlab/fakeapi/sim"
	openapi "github.com/twilio/twilio-go/rest/api/v2010"
)

// FakeTarget runs every scenario on a fresh in-process fake with a virtual
// clock: the default, deterministic, and the only target that can tell what
// a party hears.
func FakeTarget() Target { return fakeTarget{} }

type fakeTarget struct{}

func (fakeTarget) Name() string { return "fake" }

func (fakeTarget) newBackend(_ context.Context, a apps, wrap func(http.RoundTripper) http.RoundTripper) (backend, error) {
	return newFakeBackend(fakeapi.Options{}, a, wrap)
}

// newFakeBackend makes a fresh fake with opts, serving the apps in
// process, and scripts the cast's phones.
func newFakeBackend(opts fakeapi.Options, a apps, wrap func(http.RoundTripper) http.RoundTripper) (*fakeBackend, error) {
	cdn := http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		rw.Header().Set("Content-Type", "audio/mpeg")
		_, _ = io.WriteString(rw, "ID3")
	})
	// The engine checks its invariants after every step: a scenario that
	// breaks one fails (see close).
	opts.Apps = map[string]http.Handler{appHost: a.app, rawHost: a.raw, cdnHost: cdn}
	opts.CheckInvariants = true
	f, err := fakeapi.New(opts)
	if err != nil {
		return nil, fmt.Errorf("new fake: %w", err)
	}
	creds := Credentials{AccountSid: f.AccountSid(), AuthToken: f.AuthToken()}
	mem := f.HTTPClient().Transport
	rc, err := newRestClient(creds, "", wrap(mem))
	if err != nil {
		f.Close()
		return nil, err
	}
	b := &fakeBackend{f: f, rc: rc, plain: f.RestClient()}
	for _, role := range []string{"customer", "agent", "supervisor"} {
		if err := b.scriptPhone(role, sim.PhoneScript{}); err != nil {
			f.Close()
			return nil, fmt.Errorf("script the %s's phone: %w", role, err)
		}
	}
	return b, nil
}

// fakeBackend is today's behaviour: a fresh fake per scenario, simulated
// phones, a virtual clock that moves only when a step says so.
type fakeBackend struct {
	f     *fakeapi.Fake
	rc    *openapi.ApiService // recorded: the strategy's and the steps'
	plain *openapi.ApiService // holdlab's own requests, not part of the story

	lastSeq uint64 // see traceMark
}

var (
	_ backend       = (*fakeBackend)(nil)
	_ faultInjector = (*fakeBackend)(nil)
)

func (b *fakeBackend) client() *openapi.ApiService { return b.rc }
func (b *fakeBackend) cast() Cast                  { return FakeCast }
func (b *fakeBackend) appBase() string             { return "https://" + appHost }
func (b *fakeBackend) rawBase() string             { return rawBase }
func (b *fakeBackend) musicURL() string            { return MusicURL }
func (b *fakeBackend) now() time.Time              { return b.f.Now() }

func (b *fakeBackend) pointSupportLine(_ context.Context, voiceURL string) error {
	api := b.plain
	nums, err := api.ListIncomingPhoneNumber(&openapi.ListIncomingPhoneNumberParams{PhoneNumber: ptr(SupportNumber)})
	if err != nil {
		return fmt.Errorf("find the support number: %w", err)
	}
	if len(nums) > 0 {
		_, err = api.UpdateIncomingPhoneNumber(*nums[0].Sid, &openapi.UpdateIncomingPhoneNumberParams{VoiceUrl: ptr(voiceURL)})
	} else {
		_, err = api.CreateIncomingPhoneNumber(&openapi.CreateIncomingPhoneNumberParams{PhoneNumber: ptr(SupportNumber), VoiceUrl: ptr(voiceURL)})
	}
	if err != nil {
		return fmt.Errorf("point the support number at the app: %w", err)
	}
	return nil
}

func (b *fakeBackend) placeCall(_ context.Context, from, to string) (string, error) {
	return b.f.PlaceCall(from, to)
}

func (b *fakeBackend) settle(_ context.Context, d time.Duration) error {
	b.f.Advance(d)
	return nil
}

func (b *fakeBackend) pass(_ context.Context, d time.Duration) (time.Duration, error) {
	b.f.Advance(d)
	return d, nil
}

func (b *fakeBackend) eventually(_ context.Context, check func() error) error { return check() }

func (b *fakeBackend) hangUp(_ context.Context, role, leg string) error {
	if err := b.f.HangUp(leg); err != nil {
		return fmt.Errorf("the %s cannot hang up: %w", role, err)
	}
	return nil
}

func (b *fakeBackend) setPhone(role string, after time.Duration) error {
	return b.scriptPhone(role, sim.PhoneScript{After: after})
}

// scriptPhone scripts how the simulated phone of a role answers.
func (b *fakeBackend) scriptPhone(role string, script sim.PhoneScript) error {
	phone, err := FakeCast.phone(role)
	if err != nil {
		return err
	}
	script.Name = role
	return b.f.SetPhone(phone, script)
}

func (b *fakeBackend) calls(context.Context) ([]openapi.ApiV2010Call, error) {
	return b.plain.ListCall(nil)
}

func (b *fakeBackend) handset(openapi.ApiV2010Call) bool { return false }

func (b *fakeBackend) hears(sid string) (sim.Hearing, error) { return b.f.Hears(sid) }

func (b *fakeBackend) intervals(sid string) ([]sim.Interval, error) { return b.f.Intervals(sid) }

func (b *fakeBackend) trace() (time.Time, []sim.Entry, error) {
	var start time.Time
	b.f.View(func(e *sim.Engine) { start = e.Start() })
	return start, b.f.Trace(), nil
}

// close ends the fake, failing the scenario if the engine ever broke an
// invariant (a holdlab bug, whatever the strategy did).
func (b *fakeBackend) close(context.Context) error {
	return errors.Join(b.f.CheckInvariants(), b.f.Close())
}

func (b *fakeBackend) injectFault(ft fakeapi.Fault) error {
	_, err := b.f.InjectFault(ft)
	return err
}

func (b *fakeBackend) clearFaults() error {
	b.f.ClearFaults()
	return nil
}

func (b *fakeBackend) failPhone(role string, answer sim.Answer) error {
	return b.scriptPhone(role, sim.PhoneScript{Answer: answer})
}

// traceMark is the sequence number of the trace's last entry: recorded
// events carry it, so that a timeline places them among the trace's
// entries.
func (b *fakeBackend) traceMark() uint64 {
	var seq uint64
	b.f.View(func(e *sim.Engine) {
		// lastSeq is only touched here, under the fake's lock.
		if tr := e.TraceSince(b.lastSeq); len(tr) > 0 {
			b.lastSeq = tr[len(tr)-1].Seq
		}
		seq = b.lastSeq
	})
	return seq
}
