package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"sort"
	"time"

	"github.com/holdlab/holdlab/scenarios"
	"github.com/spf13/pflag"
)

// targetFlags say what `holdlab run` runs against.
type targetFlags struct {
	target string // fake or twilio
	yes    bool
	cfg    scenarios.TwilioConfig
}

func (t *targetFlags) add(fl *pflag.FlagSet) {
	fl.StringVar(&t.target, "target", "fake", "fake: the in-process fake; twilio: Twilio's REST API (real calls, real money) or --api-base")
	fl.BoolVar(&t.yes, "yes", false, "with --target twilio: go ahead and place the calls (without it, holdlab only prints the plan)")
	c := &t.cfg
	fl.StringVar(&c.AccountSid, "account-sid", os.Getenv("TWILIO_ACCOUNT_SID"), "Twilio account SID (default $TWILIO_ACCOUNT_SID)")
	fl.StringVar(&c.AuthToken, "auth-token", os.Getenv("TWILIO_AUTH_TOKEN"), "auth token (default $TWILIO_AUTH_TOKEN)")
	fl.StringVar(&c.APIKey, "api-key", os.Getenv("TWILIO_API_KEY"), "API key SID, instead of the auth token (default $TWILIO_API_KEY)")
	fl.StringVar(&c.APISecret, "api-secret", os.Getenv("TWILIO_API_SECRET"), "API key secret (default $TWILIO_API_SECRET)")
	fl.StringVar(&c.APIBase, "api-base", "", "send the REST requests here instead of https://api.twilio.com (e.g. a holdlab serve)")
	fl.StringVar(&c.PublicURL, "public-url", "", "public URL at which Twilio reaches --listen (your tunnel, e.g. https://abc.ngrok.app)")
	fl.StringVar(&c.Listen, "listen", "127.0.0.1:8089", "local address holdlab serves the webhooks on")
	fl.StringVar(&c.Cast.Support, "support-number", "", "the account's number customers call (E.164)")
	fl.StringVar(&c.Cast.Agent, "agent-number", "", "the agent's number: one the account owns, so calls to it are answered by holdlab")
	fl.StringVar(&c.Cast.Customer, "customer-number", "", "the customer's number: one the account owns")
	fl.StringVar(&c.Cast.Supervisor, "supervisor-number", "", "optional: a supervisor's number, for the scenarios that need one")
	fl.StringVar(&c.MusicURL, "music-url", "", "hold music Twilio can fetch (default "+scenarios.TwilioMusicURL+")")
	fl.DurationVar(&c.MaxWait, "max-wait", 2*time.Minute, `the longest real wait of one "N seconds pass" step; longer ones are cut short and reported not observable`)
}

// planTwilio prints what a run against Twilio will do and what it is
// expected to cost.
func planTwilio(ctx context.Context, out io.Writer, tf *targetFlags, cfg scenarios.Config) error {
	if err := tf.cfg.Validate(); err != nil {
		return fmt.Errorf("--target twilio: %w", err)
	}
	plan, err := scenarios.Plan(ctx, cfg)
	if err != nil {
		return fmt.Errorf("plan: %w", err)
	}
	c := tf.cfg
	api := c.APIBase
	if api == "" {
		api = "https://api.twilio.com (real Twilio: real calls, billed to account " + c.AccountSid + ")"
	}
	fmt.Fprintf(out, "holdlab run --target twilio will:\n")
	fmt.Fprintf(out, "  talk to      %s\n", api)
	fmt.Fprintf(out, "  serve        webhooks on %s, which Twilio reaches at %s\n", c.Listen, c.PublicURL)
	fmt.Fprintf(out, "  point        the VoiceUrl of these numbers at holdlab, and restore them at the end (also on Ctrl-C or error):\n")
	for _, n := range []struct{ role, number string }{{"support", c.Cast.Support}, {"agent", c.Cast.Agent}, {"customer", c.Cast.Customer}, {"supervisor", c.Cast.Supervisor}} {
		if n.number != "" {
			fmt.Fprintf(out, "                 %-10s %s\n", n.role, n.number)
		}
	}
	perRun := map[string]int{}
	for _, p := range plan {
		perRun[p.Run]++
	}
	runs := make([]string, 0, len(perRun))
	for r := range perRun {
		runs = append(runs, r)
	}
	sort.Strings(runs)
	fmt.Fprintf(out, "  run          %d scenario runs:", len(plan))
	for _, r := range runs {
		fmt.Fprintf(out, " %s %d", r, perRun[r])
	}
	fmt.Fprintln(out)
	fmt.Fprintf(out, "  call         between those numbers, for real; each scenario's live calls are hung up when it ends\n")
	fmt.Fprintf(out, "  estimate     %s\n", scenarios.EstimateTwilio(plan, c))
	return nil
}

// errNeedYes: --target twilio printed its plan, and placed no call.
var errNeedYes = errors.New("nothing was called: add --yes to go ahead")

// openTwilio prints the plan, asks for --yes, and opens the target. The
// returned close function hangs up what is live and restores the numbers;
// it must run whatever happens, with a context that is not canceled.
func openTwilio(ctx context.Context, out io.Writer, tf *targetFlags, cfg scenarios.Config) (scenarios.Target, func() error, error) {
	if err := planTwilio(ctx, out, tf, cfg); err != nil {
		return nil, nil, err
	}
	if !tf.yes {
		return nil, nil, errNeedYes
	}
	tc := tf.cfg
	tc.Logger = slog.New(slog.NewTextHandler(out, &slog.HandlerOptions{Level: slog.LevelInfo}))
	tgt, err := scenarios.OpenTwilio(ctx, tc)
	if err != nil {
		return nil, nil, err
	}
	fmt.Fprintf(out, "holdlab: if holdlab is killed before it restores them, these were the numbers' settings:\n")
	for _, line := range tgt.Saved() {
		fmt.Fprintf(out, "  %s\n", line)
	}
	closeFn := func() error {
		cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 2*time.Minute)
		defer cancel()
		if err := tgt.Close(cctx); err != nil {
			return fmt.Errorf("restore: %w", err)
		}
		fmt.Fprintf(out, "holdlab: calls hung up, numbers restored\n")
		return nil
	}
	return tgt, closeFn, nil
}
