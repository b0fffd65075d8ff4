package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/holdlab/holdlab/scenarios"
	"github.com/spf13/cobra"
)

// holdlab's exit codes.
const (
	exitOK          = 0   // everything as expected
	exitUnexpected  = 1   // a scenario failed or passed unexpectedly (or another failure)
	exitUsage       = 2   // a mistake in the command line or its input: nothing ran
	exitTarget      = 3   // the target could not be reached: no credentials, no answer
	exitInterrupted = 130 // interrupted (Ctrl-C, SIGTERM)
)

// exitCodesHelp documents the exit codes in the commands' help.
const exitCodesHelp = `Exit status: 0 all as expected; 1 unexpected results (a failure or an
unexpected pass); 2 a usage or input error (unknown strategy, feature, format
or tag syntax, a line where no scenario starts, nothing selected): nothing
ran; 3 the target could not be reached (--target twilio without credentials,
an --api-base that does not answer, an --app that cannot be started or never
becomes ready); 130 interrupted.`

// exitError gives an error its exit code.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

// usageError marks a mistake in the command line.
func usageError(err error) error { return &exitError{exitUsage, err} }

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(execute(ctx, newRootCmd(), os.Stderr))
}

// execute runs the command line and returns the exit status, after saying
// what went wrong on stderr.
func execute(ctx context.Context, root *cobra.Command, stderr io.Writer) int {
	cmd, err := root.ExecuteContextC(ctx)
	if err == nil {
		return exitOK
	}
	code := exitCode(err)
	if cmd == root && code == exitUnexpected {
		code = exitUsage // "unknown command": the root runs nothing itself
	}
	fmt.Fprintln(stderr, "holdlab:", err)
	if code == exitUsage && cmd != nil {
		fmt.Fprintf(stderr, "Run '%s --help' for usage.\n", cmd.CommandPath())
	}
	return code
}

// exitCode is the exit status an error of a command means.
func exitCode(err error) int {
	var ee *exitError
	switch {
	case err == nil:
		return exitOK
	case errors.As(err, &ee):
		return ee.code
	case errors.Is(err, context.Canceled):
		return exitInterrupted
	case errors.Is(err, scenarios.ErrInput):
		return exitUsage
	}
	return exitUnexpected
}

func newRootCmd() *cobra.Command {
	root := &cobra.Command{
		Use:           "holdlab",
		Short:         "Test Twilio call hold and unhold logic against a fake Twilio",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.AddCommand(newRunCmd(), newMergeCmd(), newServeCmd(), newDiffCmd(), newStepsCmd())
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageError(err) })
	for _, c := range root.Commands() {
		if args := c.Args; args != nil {
			c.Args = func(c *cobra.Command, a []string) error {
				if err := args(c, a); err != nil {
					return usageError(err)
				}
				return nil
			}
		}
	}
	return root
}

// isTerminal reports whether w is a terminal (a character device).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// colorFor reports whether to write colour to w: a terminal, and NO_COLOR
// unset (https://no-color.org).
func colorFor(w io.Writer) bool {
	return isTerminal(w) && os.Getenv("NO_COLOR") == ""
}

// quoteList renders names for a message: "a, b, c".
func quoteList(names []string) string { return strings.Join(names, ", ") }
