package main

import (
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/holdlab/holdlab/scenarios"
	"github.com/spf13/cobra"
)

func newMergeCmd() *cobra.Command {
	var (
		format    string
		out       string
		noSummary bool
	)
	cmd := &cobra.Command{
		Use:   "merge-reports --format junit|cucumber|github [--out FILE] REPORT...",
		Short: "Merge the reports of holdlab run's shards into one",
		Long: `Merge reports written by "holdlab run --shard I/N --format junit" or
"--format cucumber" into one report, as if one run had made it: each
strategy's scenario runs together, in the order an unsharded run lists them.
Cucumber reports merge into any format (junit, cucumber, github); JUnit
reports into junit or github. The report goes to --out or standard output,
the summary to standard error. A scenario run found in two reports is an
error (the same shard given twice).

` + exitCodesHelp,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, files []string) (err error) {
			if format == "" {
				return usageError(fmt.Errorf("--format is required: one of %s", quoteList(scenarios.ReportFormats)))
			}
			w, closeOut := cmd.OutOrStdout(), func() error { return nil }
			summaryOut := cmd.ErrOrStderr()
			if out != "" {
				f, err := os.Create(out)
				if err != nil {
					return usageError(fmt.Errorf("--out: %w", err))
				}
				w, closeOut = f, f.Close
			}
			defer func() { err = errors.Join(err, closeOut()) }()
			var summary io.Writer
			if format == "github" {
				s, closeSummary, err := stepSummary()
				if err != nil {
					return err
				}
				if s != nil {
					summary = s
					defer func() { err = errors.Join(err, closeSummary()) }()
				}
			}
			rep, err := scenarios.MergeFiles(w, format, summary, files, func(name string) (io.ReadCloser, error) { return os.Open(name) })
			if err != nil {
				return err
			}
			if !noSummary {
				if err := rep.WriteSummaryColor(summaryOut, colorFor(summaryOut)); err != nil {
					return err
				}
			}
			if !rep.OK() {
				return errUnexpected
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&format, "format", "", "the merged report's format: "+quoteList(scenarios.ReportFormats))
	cmd.Flags().StringVarP(&out, "out", "o", "", "write the merged report to this file (default: standard output)")
	cmd.Flags().BoolVar(&noSummary, "no-summary", false, "do not print the summary")
	return cmd
}
