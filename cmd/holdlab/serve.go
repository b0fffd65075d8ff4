package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"time"

	"github.com/holdlab/holdlab/fakeapi"
	"github.com/spf13/cobra"
)

// serveConfig is what `holdlab serve` needs.
type serveConfig struct {
	addr       string
	accountSid string
	authToken  string
	apiKey     string // an API key's SID and secret the fake also accepts
	apiSecret  string
	clock      string
	seed       uint64
	verbose    bool
}

func newServeCmd() *cobra.Command {
	cfg := serveConfig{}
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Serve the fake Twilio REST API and control API over HTTP",
		Long: `Serve the fake Twilio Voice REST API (2010-04-01) and holdlab's control API
(under /holdlab/) on a real HTTP listener, so an app in any language can point
its Twilio SDK at it. Credentials default to TWILIO_ACCOUNT_SID and
TWILIO_AUTH_TOKEN, else to fixed test values printed at start.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return serve(cmd.Context(), cfg, cmd.OutOrStdout(), nil)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&cfg.addr, "addr", "127.0.0.1:8088", "host:port to listen on (loopback unless told otherwise)")
	fl.StringVar(&cfg.accountSid, "account-sid", os.Getenv("TWILIO_ACCOUNT_SID"), "account SID (default $TWILIO_ACCOUNT_SID, else "+fakeapi.DefaultAccountSid+")")
	fl.StringVar(&cfg.authToken, "auth-token", os.Getenv("TWILIO_AUTH_TOKEN"), "auth token (default $TWILIO_AUTH_TOKEN, else "+fakeapi.DefaultAuthToken+")")
	fl.StringVar(&cfg.apiKey, "api-key", os.Getenv("TWILIO_API_KEY"), "an API key SID (SK…) the fake also accepts, with --api-secret (default $TWILIO_API_KEY)")
	fl.StringVar(&cfg.apiSecret, "api-secret", os.Getenv("TWILIO_API_SECRET"), "the secret of --api-key (default $TWILIO_API_SECRET)")
	fl.StringVar(&cfg.clock, "clock", string(fakeapi.ClockReal), "real: virtual time follows the wall clock; manual: it moves only through the control API")
	fl.Uint64Var(&cfg.seed, "seed", 0, "seed for SIDs, so runs are reproducible")
	fl.BoolVarP(&cfg.verbose, "verbose", "v", false, "log every trace entry")
	return cmd
}

// serve runs the fake until ctx ends. ready, if not nil, is called with the
// listening address once requests are accepted.
func serve(ctx context.Context, cfg serveConfig, out io.Writer, ready func(addr string)) error {
	level := slog.LevelInfo
	if cfg.verbose {
		level = slog.LevelDebug
	}
	logger := slog.New(slog.NewTextHandler(out, &slog.HandlerOptions{Level: level}))
	var keys []fakeapi.APIKey
	if cfg.apiKey != "" || cfg.apiSecret != "" {
		if cfg.apiKey == "" || cfg.apiSecret == "" {
			return errors.New("serve: --api-key and --api-secret go together")
		}
		keys = []fakeapi.APIKey{{Sid: cfg.apiKey, Secret: cfg.apiSecret, FriendlyName: "holdlab serve"}}
	}
	f, err := fakeapi.New(fakeapi.Options{
		AccountSid: cfg.accountSid,
		AuthToken:  cfg.authToken,
		Clock:      fakeapi.ClockMode(cfg.clock),
		Seed:       cfg.seed,
		Logger:     logger,
		APIKeys:    keys,
	})
	if err != nil {
		return fmt.Errorf("serve: %w", err)
	}
	defer f.Close()
	ln, err := net.Listen("tcp", cfg.addr)
	if err != nil {
		return fmt.Errorf("serve: %w", err)
	}
	srv := &http.Server{Handler: f.Handler(), ReadHeaderTimeout: 10 * time.Second}
	addr := ln.Addr().(*net.TCPAddr)
	scope := "loopback only"
	if !addr.IP.IsLoopback() {
		scope = "NOT loopback: reachable from other machines"
	}
	fmt.Fprintf(out, "holdlab: fake Twilio listening on http://%s (%s)\n", addr, scope)
	fmt.Fprintf(out, "holdlab: account SID %s, auth token %s, clock %s\n", f.AccountSid(), f.AuthToken(), cfg.clock)
	if len(keys) > 0 {
		fmt.Fprintf(out, "holdlab: API key %s (with --api-secret) is accepted too\n", keys[0].Sid)
	}
	fmt.Fprintf(out, "holdlab: REST API under /2010-04-01/, control API under %s\n", fakeapi.ControlPrefix)
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	if ready != nil {
		ready(addr.String())
	}
	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdown); err != nil && !errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("serve: shutdown: %w", err)
	}
	return nil
}
