package scenarios

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/holdlab/holdlab/fakeapi/sim"
	openapi "github.com/twilio/twilio-go/rest/api/v2010"
)

// newBackend implements Target: the listener serves this scenario's apps
// from now on.
func (t *TwilioTarget) newBackend(ctx context.Context, a apps, wrap func(http.RoundTripper) http.RoundTripper) (backend, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	rc, err := newRestClient(t.creds, t.cfg.APIBase, wrap(http.DefaultTransport))
	if err != nil {
		return nil, err
	}
	seq := t.seq.Add(1)
	b := &twilioBackend{t: t, seq: seq, rc: rc, start: time.Now(), placed: map[string]bool{}, before: map[string]bool{}}
	// Calls that exist already are not the scenario's, whatever the clocks
	// of this machine and Twilio say.
	live, err := t.liveCalls()
	if err != nil {
		return nil, err
	}
	for _, c := range live {
		b.before[*c.Sid] = true
	}
	t.current.Store(&twilioScene{seq: seq, apps: a})
	return b, nil
}

// twilioBackend is one scenario against Twilio: real calls between the
// account's numbers, real time.
type twilioBackend struct {
	t     *TwilioTarget
	seq   int64
	rc    *openapi.ApiService
	start time.Time

	mu     sync.Mutex
	placed map[string]bool // calls holdlab placed as a customer's phone
	before map[string]bool // live calls that were there before the scenario
}

var _ backend = (*twilioBackend)(nil)

func (b *twilioBackend) client() *openapi.ApiService { return b.rc }
func (b *twilioBackend) cast() Cast                  { return b.t.cfg.Cast }
func (b *twilioBackend) appBase() string {
	return b.t.cfg.PublicURL + machinery + "/app/" + strconv.FormatInt(b.seq, 10)
}
func (b *twilioBackend) rawBase() string  { return b.t.cfg.PublicURL }
func (b *twilioBackend) musicURL() string { return b.t.cfg.MusicURL }
func (b *twilioBackend) now() time.Time   { return time.Now() }

func (b *twilioBackend) pointSupportLine(_ context.Context, voiceURL string) error {
	s := b.t.support
	if _, err := b.t.rc.UpdateIncomingPhoneNumber(s.sid, &openapi.UpdateIncomingPhoneNumberParams{VoiceUrl: ptr(voiceURL), VoiceMethod: ptr("POST")}); err != nil {
		return fmt.Errorf("point the support number at the app: %w", err)
	}
	return nil
}

// placeCall places a call from the customer's number to the support
// number; its own TwiML keeps the customer's side listening. It returns the
// inbound leg at the support number: the call the app answers.
func (b *twilioBackend) placeCall(ctx context.Context, from, to string) (string, error) {
	api := b.t.rc
	known := map[string]bool{}
	old, err := api.ListCall(&openapi.ListCallParams{From: ptr(from), To: ptr(to), Limit: ptr(20)})
	if err != nil {
		return "", fmt.Errorf("place a call: %w", err)
	}
	for _, c := range old {
		known[*c.Sid] = true
	}
	c, err := api.CreateCall(&openapi.CreateCallParams{From: ptr(from), To: ptr(to), Twiml: ptr(keepOpenTwiML)})
	if err != nil {
		return "", fmt.Errorf("place a call from %s to %s: %w", from, to, err)
	}
	b.mu.Lock()
	b.placed[*c.Sid] = true
	b.mu.Unlock()
	b.t.log.Info("placed a call as the customer's phone", "sid", *c.Sid, "from", from, "to", to)
	var inbound string
	err = poll(ctx, b.t.cfg.SettleTimeout, 250*time.Millisecond, func() error {
		cs, err := api.ListCall(&openapi.ListCallParams{From: ptr(from), To: ptr(to), Limit: ptr(20)})
		if err != nil {
			return err
		}
		for _, c := range cs {
			if !known[*c.Sid] && deref(c.Direction) == "inbound" {
				inbound = *c.Sid
				return nil
			}
		}
		return fmt.Errorf("no inbound call from %s reached %s", from, to)
	})
	if err != nil {
		return "", fmt.Errorf("place a call: %w", err)
	}
	return inbound, nil
}

func (b *twilioBackend) settle(ctx context.Context, d time.Duration) error {
	if err := wait(ctx, b.t.cfg.ActionDelay); err != nil {
		return err
	}
	bound := max(d, b.t.cfg.SettleTimeout)
	err := poll(ctx, bound, 500*time.Millisecond, func() error {
		calls, err := b.calls(ctx)
		if err != nil {
			return err
		}
		for _, c := range calls {
			if st := deref(c.Status); st == "queued" || st == "ringing" {
				return fmt.Errorf("call %s is still %s", *c.Sid, st)
			}
		}
		return nil
	})
	if err != nil && ctx.Err() == nil {
		// Still ringing after the bound: the steps will say what that means.
		b.t.log.Info("calls still ringing after settling", "err", err)
		return nil
	}
	return err
}

func (b *twilioBackend) pass(ctx context.Context, d time.Duration) (time.Duration, error) {
	d = min(d, b.t.cfg.MaxWait)
	return d, wait(ctx, d)
}

func (b *twilioBackend) eventually(ctx context.Context, check func() error) error {
	return poll(ctx, b.t.cfg.EventuallyTimeout, 250*time.Millisecond, check)
}

// hangUp ends the role's own side of the call: the call holdlab placed as
// the customer's phone, or the inbound call at the role's number, with
// Status=completed, as a person putting the phone down. Twilio then ends
// the leg the app sees. A phone that is not the account's is hung up at
// the leg itself.
func (b *twilioBackend) hangUp(ctx context.Context, role, leg string) error {
	api := b.t.rc
	phone, err := b.cast().phone(role)
	if err != nil {
		return err
	}
	var targets []string
	if !b.t.external[role] {
		calls, err := b.calls(ctx)
		if err != nil {
			return err
		}
		for _, c := range calls {
			if deref(c.Status) == "in-progress" && b.handset(c) && (deref(c.To) == phone || deref(c.From) == phone) {
				targets = append(targets, *c.Sid)
			}
		}
	}
	if len(targets) == 0 {
		targets = []string{leg}
	}
	for _, sid := range targets {
		if _, err := api.UpdateCall(sid, &openapi.UpdateCallParams{Status: ptr("completed")}); err != nil {
			return fmt.Errorf("the %s cannot hang up: %w", role, err)
		}
	}
	return nil
}

func (b *twilioBackend) setPhone(role string, _ time.Duration) error {
	return fmt.Errorf("scripting when the %s's phone answers: %w", role, ErrNeedsFake)
}

// calls lists the calls of the cast's numbers that are the scenario's: not
// live before it began, and created since (with a minute's slack for the
// clocks of this machine and Twilio).
func (b *twilioBackend) calls(context.Context) ([]openapi.ApiV2010Call, error) {
	var queries []*openapi.ListCallParams
	for _, n := range b.cast().numbers() {
		queries = append(queries, &openapi.ListCallParams{To: ptr(n), Limit: ptr(50)}, &openapi.ListCallParams{From: ptr(n), Limit: ptr(50)})
	}
	all, err := listCalls(b.t.rc, queries)
	if err != nil {
		return nil, fmt.Errorf("list the scenario's calls: %w", err)
	}
	since := b.start.Add(-time.Minute)
	var out []openapi.ApiV2010Call
	for _, c := range all {
		if b.before[*c.Sid] {
			continue
		}
		if created, err := time.Parse(time.RFC1123Z, deref(c.DateCreated)); err == nil && created.Before(since) {
			continue
		}
		out = append(out, c)
	}
	return out, nil
}

func (b *twilioBackend) handset(c openapi.ApiV2010Call) bool {
	b.mu.Lock()
	placed := b.placed[deref(c.Sid)]
	b.mu.Unlock()
	if placed {
		return true
	}
	cast := b.cast()
	to := deref(c.To)
	return deref(c.Direction) == "inbound" && to != cast.Support && cast.has(to)
}

func (b *twilioBackend) hears(string) (sim.Hearing, error) {
	return sim.Hearing{}, fmt.Errorf("what a party hears: %w", ErrNotObservable)
}

func (b *twilioBackend) intervals(string) ([]sim.Interval, error) {
	return nil, fmt.Errorf("what a party heard: %w", ErrNotObservable)
}

func (b *twilioBackend) trace() (time.Time, []sim.Entry, error) {
	return b.start, nil, fmt.Errorf("the trace: %w", ErrNotObservable)
}

// close hangs up the scenario's live calls and waits for them to end, so
// that the next scenario starts clean.
func (b *twilioBackend) close(ctx context.Context) error {
	defer b.t.current.Store(nil)
	return b.t.hangUpAll(ctx, func(c openapi.ApiV2010Call) bool { return !b.before[deref(c.Sid)] })
}

// wait waits d, or until ctx ends.
func wait(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-timer.C:
		return nil
	}
}

// poll runs check until it returns nil, every interval, for at most
// bound; it returns check's last error when the bound is reached, or ctx's
// error.
func poll(ctx context.Context, bound, interval time.Duration, check func() error) error {
	deadline := time.Now().Add(bound)
	for {
		err := check()
		if err == nil {
			return nil
		}
		left := time.Until(deadline)
		if left <= 0 {
			return err
		}
		if werr := wait(ctx, min(interval, left)); werr != nil {
			return errors.Join(werr, err)
		}
	}
}
