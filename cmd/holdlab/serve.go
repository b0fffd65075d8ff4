package main

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"time"

	"github.com/holdlab/holdlab/fakeapi"
	"github.com/holdlab/holdlab/fakeapi/inspector"
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
	seedSet    bool // --seed was given; else SIDs are seeded at random
	traceLimit int
	state      string // --state FILE; "" keeps nothing
	verbose    bool

	// For tests; zero: the defaults below.
	timeouts      serveTimeouts
	stateInterval time.Duration
}

// defaultTraceLimit is --trace-limit's default: enough for any scenario
// and for hours of a busy session, some 15 MB (BENCHMARKS.md, "Churn
// memory").
const defaultTraceLimit = 100_000

// defaultStateInterval is how often --state writes the state while serve
// runs.
const defaultStateInterval = 30 * time.Second

func newServeCmd() *cobra.Command {
	cfg := serveConfig{}
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Serve the fake Twilio REST API and control API over HTTP",
		Long: `Serve the fake Twilio Voice REST API (2010-04-01) and holdlab's control API
(under /holdlab/) on a real HTTP listener, so an app in any language can point
its Twilio SDK at it. Credentials default to TWILIO_ACCOUNT_SID and
TWILIO_AUTH_TOKEN, else to fixed test values printed at start (a token you
give is never printed).

SIDs are seeded at random, so a restarted serve never issues a SID it issued
before; --seed N makes them reproducible. The trace keeps the newest
--trace-limit entries (and each call the newest --trace-limit intervals of
what it heard); 0 keeps everything. --state FILE keeps the account's calls,
numbers, conferences, queues, phones and clock across restarts: read at
start, written every 30 seconds and when serve stops (Ctrl-C, SIGTERM).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg.seedSet = cmd.Flags().Changed("seed")
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
	fl.Uint64Var(&cfg.seed, "seed", 0, "seed for SIDs, so runs are reproducible (default: random, so SIDs are never reused across restarts)")
	fl.IntVar(&cfg.traceLimit, "trace-limit", defaultTraceLimit, "trace entries kept, oldest forgotten first (also hearing intervals per call); 0: keep all")
	fl.StringVar(&cfg.state, "state", "", "keep the account's records in this JSON file across restarts")
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
			return usageError(errors.New("serve: --api-key and --api-secret go together"))
		}
		keys = []fakeapi.APIKey{{Sid: cfg.apiKey, Secret: cfg.apiSecret, FriendlyName: "holdlab serve"}}
	}
	if cfg.traceLimit < 0 {
		return usageError(fmt.Errorf("serve: --trace-limit %d: want 0 (keep all) or more", cfg.traceLimit))
	}
	seed, seedNote := cfg.seed, "--seed"
	if !cfg.seedSet {
		seed, seedNote = randomSeed(), "random; --seed N makes SIDs reproducible"
	}
	opts := fakeapi.Options{
		AccountSid: cfg.accountSid,
		AuthToken:  cfg.authToken,
		Clock:      fakeapi.ClockMode(cfg.clock),
		Seed:       seed,
		Logger:     logger,
		APIKeys:    keys,
		TraceLimit: cfg.traceLimit,
	}
	st, err := loadState(cfg.state)
	if err != nil {
		return fmt.Errorf("serve: %w", err)
	}
	if st != nil {
		opts.Start = st.resumeAt(opts.Clock)
	}
	f, err := fakeapi.New(opts)
	if err != nil {
		return fmt.Errorf("serve: %w", err)
	}
	newSeed := randomSeed
	if cfg.seedSet {
		newSeed = func() uint64 { return cfg.seed }
	}
	opts.Start = time.Time{} // a reset starts afresh
	sess := newSession(f, opts, newSeed)
	defer func() { _ = sess.close() }()
	if st != nil {
		if err := f.Restore(st.snap, cfg.state); err != nil {
			return fmt.Errorf("serve: %w", err)
		}
	}
	ln, err := net.Listen("tcp", cfg.addr)
	if err != nil {
		return fmt.Errorf("serve: %w", err)
	}
	srv := newServer(sess, cfg.timeouts)
	// Event streams never go idle: they end when shutdown begins.
	srv.RegisterOnShutdown(func() { sess.fake().EndEventStreams() })
	addr := ln.Addr().(*net.TCPAddr)
	scope := "loopback only"
	if !addr.IP.IsLoopback() {
		scope = "NOT loopback: reachable from other machines"
	}
	fmt.Fprintf(out, "holdlab: fake Twilio listening on http://%s (%s)\n", addr, scope)
	fmt.Fprintf(out, "holdlab: account SID %s, %s, clock %s\n", f.AccountSid(), tokenNote(cfg.authToken, f.AuthToken()), cfg.clock)
	if len(keys) > 0 {
		fmt.Fprintf(out, "holdlab: API key %s (with --api-secret) is accepted too\n", keys[0].Sid)
	}
	fmt.Fprintf(out, "holdlab: REST API under /2010-04-01/, control API under %s\n", fakeapi.ControlPrefix)
	fmt.Fprintf(out, "holdlab: live inspector at http://%s%s (the same credentials)\n", addr, inspector.Prefix)
	fmt.Fprintf(out, "holdlab: SIDs seeded with %d (%s); trace limit %s\n", seed, seedNote, limitNote(cfg.traceLimit))
	if cfg.state != "" {
		fmt.Fprintf(out, "holdlab: state kept in %s (%s)\n", cfg.state, st.summary())
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	stateCtx, stopState := context.WithCancel(ctx)
	defer stopState()
	saved := make(chan struct{})
	go func() {
		defer close(saved)
		keepState(stateCtx, sess.fake, cfg, logger)
	}()
	if ready != nil {
		ready(addr.String())
	}
	var serveErr error
	select {
	case err := <-errc:
		serveErr = fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	stopState()
	shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdown); err != nil && !errors.Is(err, context.DeadlineExceeded) && serveErr == nil {
		serveErr = fmt.Errorf("serve: shutdown: %w", err)
	}
	<-saved
	if cfg.state != "" {
		// Last, once no request changes anything any more.
		if err := saveState(cfg.state, sess.fake().Snapshot()); err != nil {
			return errors.Join(serveErr, fmt.Errorf("serve: %w", err))
		}
		fmt.Fprintf(out, "holdlab: state written to %s\n", cfg.state)
	}
	return serveErr
}

// tokenNote says which auth token serve uses: the one it made up, in full;
// one it was given (--auth-token, $TWILIO_AUTH_TOKEN), never.
func tokenNote(given, used string) string {
	if given == "" {
		return "auth token " + used + " (holdlab's default)"
	}
	return "auth token given (--auth-token or $TWILIO_AUTH_TOKEN; not shown)"
}

func limitNote(n int) string {
	if n == 0 {
		return "none (--trace-limit 0: the trace keeps everything)"
	}
	return fmt.Sprintf("%d entries", n)
}

// randomSeed is a seed for SIDs from the system's secure random source,
// so that no two runs of serve issue the same SIDs.
func randomSeed() uint64 {
	var b [8]byte
	_, _ = rand.Read(b[:]) // never fails (crypto/rand.Read panics rather)
	return binary.LittleEndian.Uint64(b[:])
}
