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
		record   string
		tlDir    string
		tf       targetFlags
	)
	cmd := &cobra.Command{
		Use:   "run",
		Short: "Run the Gherkin suite against every hold strategy, on the fake or on Twilio",
		Long: `Run the embedded feature files against every strategy (conference, callleg,
redirect), each scenario on a fresh in-process fake Twilio, and print a summary:
strategies by scenario, passed, failed, expected failures with the pitfall each
demonstrates. Exits non-zero on any unexpected result.

--format adds godog's own report (pretty, progress, junit, cucumber); with --out,
each run (one per strategy, and "platform") gets its own file in that folder,
which is what CI wants for junit and cucumber.

--target twilio runs the same suite, with the same strategy code, against
Twilio's REST API: real calls between numbers the account owns, webhooks
served on --listen and reached by Twilio at --public-url. It prints what it
will do and an estimate of the billable minutes, and goes ahead only with
--yes. What a party hears is not observable there: such steps are reported
"not observable" (n/o), never passed. --api-base points it at anything else
that speaks Twilio's API, such as holdlab serve.

--record DIR writes each scenario run's observable story (webhooks, REST
requests, end statuses, normalised) for "holdlab diff"; --timeline DIR draws
each one (HTML with an inline SVG, the SVG, a Mermaid diagram).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) (err error) {
			out := cmd.OutOrStdout()
			cfg := scenarios.Config{Only: only, Tags: tags, Paths: paths, Format: format, RecordDir: record, TimelineDir: tlDir}
			switch tf.target {
			case "fake":
			case "twilio":
				tgt, closeTarget, err := openTwilio(cmd.Context(), out, &tf, cfg)
				if err != nil {
					return err
				}
				defer func() { err = errors.Join(err, closeTarget()) }()
				cfg.Target = tgt
			default:
				return fmt.Errorf("unknown target %q (want fake or twilio)", tf.target)
			}
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
				if len(rep.Results) > 0 && !noSumary {
					// Interrupted: say what ran before stopping.
					_ = rep.WriteSummary(out)
				}
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
	fl.StringVar(&record, "record", "", "write each scenario run's observable story into this folder (compare two with holdlab diff)")
	fl.StringVar(&tlDir, "timeline", "", "draw each scenario run into this folder: .html (inline SVG), .svg and .mmd (Mermaid)")
	tf.add(fl)
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
