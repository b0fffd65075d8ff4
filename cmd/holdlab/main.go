// Command holdlab tests hold and unhold logic for Twilio calls against a
// fake Twilio: it serves the fake for apps in any language (serve) and, as
// the project grows, runs the Gherkin suite against every strategy.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/spf13/cobra"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := newRootCmd().ExecuteContext(ctx); err != nil {
		fmt.Fprintln(os.Stderr, "holdlab:", err)
		os.Exit(1)
	}
}

func newRootCmd() *cobra.Command {
	root := &cobra.Command{
		Use:           "holdlab",
		Short:         "Test Twilio call hold and unhold logic against a fake Twilio",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.AddCommand(newRunCmd(), newServeCmd())
	return root
}
