package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/holdlab/holdlab/scenarios"
	"github.com/spf13/cobra"
)

// errUnexpected makes `holdlab run` exit non-zero after printing the
// summary.
var errUnexpected = errors.New("unexpected results (see the summary above)")

func newRunCmd() *cobra.Command {
	var (
		only     []string
		tags     string
		paths    []string
		format   string
		outDir   string
		noSumary bool
	)
	cmd := &cobra.Command{
		Use:   "run",
		Short: "Run the Gherkin suite against every hold strategy on the in-process fake",
		Long: `Run the embedded feature files against every strategy (conference, callleg,
redirect), each scenario on a fresh in-process fake Twilio, and print a summary:
strategies by scenario, passed, failed, expected failures with the pitfall each
demonstrates. Exits non-zero on any unexpected result.

--format adds godog's own report (pretty, progress, junit, cucumber); with --out,
each run (one per strategy, and "platform") gets its own file in that folder,
which is what CI wants for junit and cucumber.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			out := cmd.OutOrStdout()
			cfg := scenarios.Config{Only: only, Tags: tags, Paths: paths, Format: format}
			if format != "" {
				if outDir != "" {
					if err := os.MkdirAll(outDir, 0o755); err != nil {
						return err
					}
					var files []*os.File
					defer func() {
						for _, f := range files {
							f.Close()
						}
					}()
					cfg.OutputFor = func(run string) (io.Writer, error) {
						f, err := os.Create(filepath.Join(outDir, run+"."+extension(format)))
						if err != nil {
							return nil, err
						}
						files = append(files, f)
						return f, nil
					}
				} else {
					cfg.Output = out
				}
			}
			rep, err := scenarios.Run(cmd.Context(), cfg)
			if err != nil {
				return err
			}
			if !noSumary {
				if format != "" && outDir == "" {
					fmt.Fprintln(out)
				}
				if err := rep.WriteSummary(out); err != nil {
					return err
				}
			}
			if !rep.OK() {
				return errUnexpected
			}
			return nil
		},
	}
	fl := cmd.Flags()
	fl.StringSliceVarP(&only, "strategy", "s", nil, "run only these strategies (repeat or comma-separate: conference,callleg,redirect)")
	fl.StringVarP(&tags, "tags", "t", "", `godog tag expression, e.g. "@pitfall-parent-redirect" or "~@platform"`)
	fl.StringSliceVarP(&paths, "feature", "f", nil, "run only these feature files of the embedded suite (e.g. hold.feature)")
	fl.StringVar(&format, "format", "", "also print godog's report: pretty, progress, junit or cucumber")
	fl.StringVar(&outDir, "out", "", "with --format: write one report file per run into this folder")
	fl.BoolVar(&noSumary, "no-summary", false, "do not print the summary")
	return cmd
}

// extension is the file extension of a godog format's report.
func extension(format string) string {
	switch strings.SplitN(format, ":", 2)[0] {
	case "junit":
		return "xml"
	case "cucumber":
		return "json"
	}
	return "txt"
}
