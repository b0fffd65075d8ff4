package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"time"

	"github.com/holdlab/holdlab/appdriver"
	"github.com/holdlab/holdlab/scenarios"
)

// appFlags say which app `holdlab run --app` tests, and how.
type appFlags struct {
	file    string // the app's YAML
	apiAddr string // where the fake listens for the app
	log     string // a file for the app's output
}

// loadApp reads --app and makes the app the run's only strategy. Its
// mistakes are usage errors: nothing has started yet.
func loadApp(a *appFlags, cfg *scenarios.Config) (*appdriver.Spec, error) {
	spec, err := appdriver.Load(a.file)
	if err != nil {
		return nil, usageError(fmt.Errorf("--app: %w", err))
	}
	if err := spec.PickPort(); err != nil {
		return nil, usageError(fmt.Errorf("--app: %w", err))
	}
	if spec.Start == "" {
		if _, port, err := net.SplitHostPort(a.apiAddr); err != nil || port == "0" {
			return nil, usageError(fmt.Errorf("--app %s: holdlab does not start this app (no start:), so it cannot tell it where the fake is: give --api-addr HOST:PORT, the address its HOLDLAB_API_BASE points at", a.file))
		}
	}
	cfg.Strategies = map[string]scenarios.Factory{spec.Name: scenarios.AppFactory(spec)}
	cfg.NoPlatform = true
	return spec, nil
}

// appEnv is what holdlab tells the app: the fake's address and
// credentials, the people's numbers, and the app's own address.
func appEnv(tgt *scenarios.AppTarget, spec *appdriver.Spec) map[string]string {
	keySid, keySecret := tgt.APIKey()
	env := map[string]string{
		"TWILIO_ACCOUNT_SID":      tgt.AccountSid(),
		"TWILIO_AUTH_TOKEN":       tgt.AuthToken(),
		"TWILIO_API_KEY":          keySid,
		"TWILIO_API_SECRET":       keySecret,
		"HOLDLAB_API_BASE":        tgt.URL(),
		"HOLDLAB_SUPPORT_NUMBER":  scenarios.FakeCast.Support,
		"HOLDLAB_AGENT_NUMBER":    scenarios.FakeCast.Agent,
		"HOLDLAB_CUSTOMER_NUMBER": scenarios.FakeCast.Customer,
		"HOLDLAB_APP_URL":         spec.BaseURL,
	}
	if u, err := url.Parse(spec.BaseURL); err == nil && u.Port() != "" {
		env["PORT"] = u.Port()
	}
	return env
}

// envOrder lists appEnv's variables for people, in a fixed order.
var envOrder = []string{"TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN", "TWILIO_API_KEY", "TWILIO_API_SECRET", "HOLDLAB_API_BASE", "HOLDLAB_SUPPORT_NUMBER", "HOLDLAB_AGENT_NUMBER", "HOLDLAB_CUSTOMER_NUMBER", "HOLDLAB_APP_URL", "PORT"}

// openApp serves the fake for the app, starts the app (when its YAML says
// how) with holdlab's environment, and waits until it is ready. What it
// does is said on out. The returned function stops the app and the fake;
// it must run whatever happens.
func openApp(ctx context.Context, out io.Writer, spec *appdriver.Spec, a *appFlags) (scenarios.Target, func() error, error) {
	tgt, err := scenarios.OpenApp(scenarios.AppConfig{Addr: a.apiAddr})
	if err != nil {
		return nil, nil, err
	}
	closeTarget := func() error {
		cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		return tgt.Close(cctx)
	}
	env := appEnv(tgt, spec)
	fmt.Fprintf(out, "holdlab: fake Twilio for %s listening on %s (account %s, auth token %s; manual clock: time moves as the steps say)\n",
		spec.Name, tgt.URL(), tgt.AccountSid(), tgt.AuthToken())
	var (
		proc    *appdriver.Process
		logFile *os.File
	)
	stop := func() error {
		var errs []error
		if proc != nil {
			if err := proc.Stop(spec.StopTimeout.Or(5 * time.Second)); err != nil {
				errs = append(errs, fmt.Errorf("stop %s: %w", spec.Name, err))
			}
		}
		if logFile != nil {
			errs = append(errs, logFile.Close())
		}
		return errors.Join(append(errs, closeTarget())...)
	}
	if spec.Start != "" {
		var log io.Writer
		if a.log != "" {
			if logFile, err = os.Create(a.log); err != nil {
				return nil, nil, errors.Join(usageError(fmt.Errorf("--app-log: %w", err)), stop())
			}
			log = logFile
		}
		proc, err = appdriver.Start(spec, appdriver.Environ(spec, env), log)
		if err != nil {
			return nil, nil, errors.Join(err, stop())
		}
		fmt.Fprintf(out, "holdlab: started %s: %s (in %s)\n", spec.Name, spec.Start, spec.Dir)
	} else {
		fmt.Fprintf(out, "holdlab: %s is not started by holdlab (no start:); it must run at %s with:\n", spec.Name, spec.BaseURL)
		for _, k := range envOrder {
			if v, ok := env[k]; ok {
				fmt.Fprintf(out, "  %s=%s\n", k, v)
			}
		}
	}
	if err := appdriver.WaitReady(ctx, spec, proc); err != nil {
		return nil, nil, errors.Join(err, stop())
	}
	fmt.Fprintf(out, "holdlab: %s is ready at %s\n", spec.Name, spec.BaseURL)
	return tgt, stop, nil
}
