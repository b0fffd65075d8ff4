package main

import (
	"errors"
	"fmt"

	"github.com/holdlab/holdlab/scenarios/recording"
	"github.com/spf13/cobra"
)

// errDiffer makes `holdlab diff` exit non-zero when recordings differ.
var errDiffer = errors.New("the recordings differ")

func newDiffCmd() *cobra.Command {
	var opts recording.DiffOptions
	cmd := &cobra.Command{
		Use:   "diff A B",
		Short: "Compare two recording folders (holdlab run --record) scenario by scenario",
		Long: `Compare two folders written by "holdlab run --record", scenario run by
scenario run, and report where each pair parts: the scenario, the first
step whose events differ, and both sides' events. Webhooks, REST requests
and end statuses are compared each in their own order within a step; times
are ignored unless --tolerance is given, durations compared exactly unless
--duration-tolerance is given. Exits non-zero if anything differs.

The intended use: record once against real Twilio, commit the recording,
and let CI compare the fake's runs to it:

  holdlab run --target twilio ... --yes --record testdata/twilio
  holdlab run --record /tmp/fake
  holdlab diff --duration-tolerance 30s testdata/twilio /tmp/fake`,
		Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			a, err := recording.ReadDir(args[0])
			if err != nil {
				return err
			}
			b, err := recording.ReadDir(args[1])
			if err != nil {
				return err
			}
			diffs := recording.Diff(a, b, opts)
			out := cmd.OutOrStdout()
			if err := recording.WriteDiff(out, diffs, "A", "B"); err != nil {
				return err
			}
			fmt.Fprintf(out, "%d scenario runs in A, %d in B: %d differ.\n", len(a), len(b), len(diffs))
			if len(diffs) > 0 {
				return errDiffer
			}
			return nil
		},
	}
	cmd.Flags().DurationVar(&opts.Tolerance, "tolerance", 0, "also compare event times, allowing this much difference (0: ignore times)")
	cmd.Flags().DurationVar(&opts.DurationTolerance, "duration-tolerance", 0, "let durations (CallDuration, QueueTime, …) differ by this much (0: exactly)")
	return cmd
}
