package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/holdlab/holdlab/appdriver"
	"github.com/holdlab/holdlab/scenarios"
	"github.com/spf13/cobra"
)

// errUnexpected makes `holdlab run` exit 1 after printing the summary.
var errUnexpected = errors.New("unexpected results (see the summary)")

// humanFormats are godog's reports for people, written as the scenarios
// run; the others (scenarios.ReportFormats) are written from the results.
var humanFormats = []string{"pretty", "progress"}

// allFormats lists every --format.
func allFormats() []string { return append(slices.Clone(humanFormats), scenarios.ReportFormats...) }

// reportFile is the file a format is written to under --out.
func reportFile(format string) string {
	switch format {
	case "junit":
		return "junit.xml"
	case "cucumber":
		return "cucumber.json"
	}
	return format + ".txt"
}

// runFlags are the flags of `holdlab run`.
type runFlags struct {
	only      []string
	tags      string
	paths     []string
	formats   []string
	outDir    string
	shard     string
	progress  bool
	noSummary bool
	record    string
	tlDir     string
	features  []string
	app       appFlags
	tf        targetFlags
}

func newRunCmd() *cobra.Command {
	var f runFlags
	cmd := &cobra.Command{
		Use:   "run",
		Short: "Run the Gherkin suite against every hold strategy, on the fake or on Twilio",
		Long: `Run the embedded feature files against every strategy (conference, callleg,
redirect), each scenario on a fresh in-process fake Twilio, and print a summary:
strategies by scenario, passed, failed, expected failures with the pitfall each
demonstrates.

--format writes reports: junit (JUnit XML: a testsuite per strategy, a
testcase per scenario run; an expected failure is skipped, with its pitfall
and reason), cucumber (cucumber JSON), github (GitHub Actions annotations for
unexpected results, and a Markdown summary to $GITHUB_STEP_SUMMARY when set),
pretty or progress (godog's, for people). Several, comma-separated, need
--out DIR: one file each (junit.xml, cucumber.json, github.txt, …). On
standard output a report is one whole document, and the summary goes to
standard error.

--shard I/N runs the I-th of N disjoint slices of the scenario runs (round
robin, balanced); "holdlab merge-reports" joins the shards' reports.

On a terminal (or with --progress), each scenario run prints a line on
standard error as it ends; colour follows NO_COLOR.

--target twilio runs the same suite, with the same strategy code, against
Twilio's REST API: real calls between numbers the account owns, webhooks
served on --listen and reached by Twilio at --public-url. It prints what it
will do and an estimate of the billable minutes, and goes ahead only with
--yes. What a party hears is not observable there: such steps are reported
"not observable" (n/o), never passed. --api-base points it at anything else
that speaks Twilio's API, such as holdlab serve.

--app FILE runs the suite against your own app, in any language, described in
YAML (how to start it, where it listens, which HTTP request holds, unholds and
calls a customer): holdlab serves the fake on --api-addr for the app's Twilio
SDK, starts the app with TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN,
HOLDLAB_API_BASE and the people's numbers in its environment, waits until it
is ready, runs the hold features against it (a column named after it), and
stops it. Each scenario has a fresh fake behind the same address.

--features PATH runs your own feature files (a file, FILE:LINE, or a folder;
repeatable) instead of the embedded ones; --features builtin brings the
embedded ones back alongside. "holdlab steps" lists the steps they may use.

--record DIR writes each scenario run's observable story (webhooks, REST
requests, end statuses, normalised) for "holdlab diff"; --timeline DIR draws
each one (HTML with an inline SVG, the SVG, a Mermaid diagram).

` + exitCodesHelp,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return runSuite(cmd, &f) },
	}
	fl := cmd.Flags()
	fl.StringSliceVarP(&f.only, "strategy", "s", nil, "run only these strategies (repeat or comma-separate: conference,callleg,redirect)")
	fl.StringVarP(&f.tags, "tags", "t", "", `tag expression: @tag, ~@tag (not), "," (or), "&&" (and), e.g. "@pitfall-parent-redirect" or "~@platform"`)
	fl.StringSliceVarP(&f.paths, "feature", "f", nil, "run only these feature files of the embedded suite, or one scenario by its line (hold.feature, hold.feature:13)")
	fl.StringArrayVar(&f.features, "features", nil, "run these feature files instead of the embedded ones: a file, FILE:LINE or a folder (repeat); \"builtin\" adds the embedded ones")
	fl.StringVar(&f.app.file, "app", "", "run against your own app, described in this YAML file (see README, \"Bring your own app\")")
	fl.StringVar(&f.app.apiAddr, "api-addr", "127.0.0.1:0", "with --app: where the fake listens for the app (port 0: any free port)")
	fl.StringVar(&f.app.log, "app-log", "", "with --app: write the app's output to this file (by default only its last lines are shown, if it fails to start)")
	fl.StringSliceVar(&f.formats, "format", nil, "write reports: "+quoteList(allFormats())+" (several need --out)")
	fl.StringVar(&f.outDir, "out", "", "with --format: write each report into this folder (junit.xml, cucumber.json, github.txt, …)")
	fl.StringVar(&f.shard, "shard", "", "run only slice I of N of the scenario runs, e.g. 2/4 (merge the reports with holdlab merge-reports)")
	fl.BoolVar(&f.progress, "progress", false, "print a line per scenario run as it ends, on standard error (default: when it is a terminal)")
	fl.BoolVar(&f.noSummary, "no-summary", false, "do not print the summary")
	fl.StringVar(&f.record, "record", "", "write each scenario run's observable story into this folder (compare two with holdlab diff)")
	fl.StringVar(&f.tlDir, "timeline", "", "draw each scenario run into this folder: .html (inline SVG), .svg and .mmd (Mermaid)")
	f.tf.add(fl)
	return cmd
}

// checkFormats validates --format and --out: known formats, at most one
// for people, several only into a folder.
func checkFormats(f *runFlags) (human string, reports []string, err error) {
	var seen []string
	for _, fm := range f.formats {
		fm = strings.TrimSpace(fm)
		switch {
		case fm == "":
			continue
		case !slices.Contains(allFormats(), fm):
			return "", nil, usageError(fmt.Errorf("unknown format %q; the formats are: %s", fm, quoteList(allFormats())))
		case slices.Contains(seen, fm):
			continue
		case slices.Contains(humanFormats, fm):
			if human != "" {
				return "", nil, usageError(fmt.Errorf("--format %s,%s: godog writes one report for people at a time; pick one", human, fm))
			}
			human = fm
		default:
			reports = append(reports, fm)
		}
		seen = append(seen, fm)
	}
	switch {
	case f.outDir != "" && len(seen) == 0:
		return "", nil, usageError(errors.New("--out needs --format: say which reports to write into " + f.outDir + " (e.g. --format junit,cucumber)"))
	case f.outDir == "" && len(seen) > 1:
		return "", nil, usageError(fmt.Errorf("--format %s writes %d reports: add --out DIR to write one file each (standard output takes one)", strings.Join(seen, ","), len(seen)))
	}
	return human, reports, nil
}

// runSuite is `holdlab run`.
func runSuite(cmd *cobra.Command, f *runFlags) (err error) {
	ctx := cmd.Context()
	stdout, stderr := cmd.OutOrStdout(), cmd.ErrOrStderr()
	human, reports, err := checkFormats(f)
	if err != nil {
		return err
	}
	cfg := scenarios.Config{Only: f.only, Tags: f.tags, Paths: f.paths, RecordDir: f.record, TimelineDir: f.tlDir}
	if f.shard != "" {
		if cfg.Shard, err = scenarios.ParseShard(f.shard); err != nil {
			return err
		}
	}
	if len(f.features) > 0 {
		if len(f.paths) > 0 {
			return usageError(errors.New("--feature picks among the embedded features; with --features, give the scenario's line there (--features my.feature:12)"))
		}
		if cfg.FS, cfg.Paths, err = scenarios.FeatureSources(f.features); err != nil {
			return err
		}
	}
	var app *appdriver.Spec
	if f.app.file != "" {
		if f.tf.target != "fake" {
			return usageError(fmt.Errorf("--app runs the app against holdlab's fake; --target %s with --app is not supported", f.tf.target))
		}
		if app, err = loadApp(&f.app, &cfg); err != nil {
			return err
		}
	} else if cmd.Flags().Changed("api-addr") || f.app.log != "" {
		return usageError(errors.New("--api-addr and --app-log go with --app FILE"))
	}
	// Mistakes in the selection come out before anything is opened.
	if _, err := scenarios.Plan(ctx, cfg); err != nil {
		return err
	}
	switch f.tf.target {
	case "fake":
		if app == nil {
			break
		}
		// Not ":= … err": the deferred close must reach the named result.
		tgt, closeApp, oerr := openApp(ctx, stderr, app, &f.app)
		switch {
		case ctx.Err() != nil:
			return oerr
		case oerr != nil:
			var ee *exitError
			if errors.As(oerr, &ee) {
				return oerr
			}
			return &exitError{exitTarget, oerr}
		}
		defer func() { err = errors.Join(err, closeApp()) }()
		cfg.Target = tgt
	case "twilio":
		tgt, closeTarget, err := openTwilio(ctx, stdout, &f.tf, cfg)
		switch {
		case errors.Is(err, errNeedYes):
			return usageError(err)
		case errors.Is(err, scenarios.ErrInput), ctx.Err() != nil:
			return err
		case err != nil:
			return &exitError{exitTarget, err}
		}
		defer func() { err = errors.Join(err, closeTarget()) }()
		cfg.Target = tgt
	default:
		return usageError(fmt.Errorf("unknown target %q; the targets are: fake, twilio", f.tf.target))
	}

	// Where the reports go: each into --out, or the one onto stdout (and
	// then the summary onto stderr, so that stdout is one document).
	summaryOut := stdout
	open := func(format string) (io.Writer, func() error, error) {
		if f.outDir == "" {
			if format != "pretty" && format != "progress" {
				summaryOut = stderr
			}
			return stdout, func() error { return nil }, nil
		}
		file, err := os.Create(filepath.Join(f.outDir, reportFile(format)))
		if err != nil {
			return nil, nil, err
		}
		return file, file.Close, nil
	}
	if f.outDir != "" {
		if err := os.MkdirAll(f.outDir, 0o755); err != nil {
			return usageError(fmt.Errorf("--out: %w", err))
		}
	}
	if human != "" {
		w, closeFn, err := open(human)
		if err != nil {
			return usageError(fmt.Errorf("--out: %w", err))
		}
		defer func() { err = errors.Join(err, closeFn()) }()
		cfg.Format, cfg.Output = human, w
	}
	if f.progress || (!cmd.Flags().Changed("progress") && isTerminal(stderr)) {
		color := colorFor(stderr)
		cfg.OnResult = func(r scenarios.Result, done, total int) {
			fmt.Fprintln(stderr, progressLine(r, done, total, color))
		}
	}

	rep, runErr := scenarios.Run(ctx, cfg)
	if runErr != nil && len(rep.Results) == 0 {
		return runErr
	}
	// Interrupted or not, write what ran.
	for _, format := range reports {
		w, closeFn, err := open(format)
		if err != nil {
			return errors.Join(runErr, fmt.Errorf("--out: %w", err))
		}
		var summary io.Writer
		var closeSummary func() error
		if format == "github" {
			if summary, closeSummary, err = stepSummary(); err != nil {
				return errors.Join(runErr, err)
			}
		}
		err = rep.WriteFormat(w, format, summary)
		err = errors.Join(err, closeFn())
		if closeSummary != nil {
			err = errors.Join(err, closeSummary())
		}
		if err != nil {
			return errors.Join(runErr, err)
		}
	}
	if !f.noSummary {
		if human != "" && summaryOut == stdout && f.outDir == "" {
			fmt.Fprintln(stdout)
		}
		if err := rep.WriteSummaryColor(summaryOut, colorFor(summaryOut)); err != nil {
			return errors.Join(runErr, err)
		}
	}
	if runErr != nil {
		return runErr
	}
	if !rep.OK() {
		return errUnexpected
	}
	return nil
}

// stepSummary opens $GITHUB_STEP_SUMMARY to append to, if it is set.
func stepSummary() (io.Writer, func() error, error) {
	p := os.Getenv("GITHUB_STEP_SUMMARY")
	if p == "" {
		return nil, nil, nil
	}
	f, err := os.OpenFile(p, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		return nil, nil, fmt.Errorf("GITHUB_STEP_SUMMARY: %w", err)
	}
	return f, f.Close, nil
}

// progressLine is the line printed as a scenario run ends:
// "[ 3/56] ok     callleg     hold.feature:13  Hold: … (12ms)", and for
// an unexpected result a second line with its error.
func progressLine(r scenarios.Result, done, total int, color bool) string {
	mark := fmt.Sprintf("%-5s", scenarios.Mark(r.Status))
	if color {
		mark = scenarios.Colored(r.Status, mark)
	}
	width := len(fmt.Sprint(total))
	line := fmt.Sprintf("[%*d/%d] %s  %-10s  %s:%d  %s (%s)", width, done, total, mark, r.Run, r.Feature, r.Line, r.Scenario, r.Duration.Round(time.Millisecond))
	if (r.Status == scenarios.Failed || r.Status == scenarios.UnexpectedPass) && r.Err != nil {
		line += "\n" + strings.Repeat(" ", 2*width+4) + r.Err.Error()
	}
	return line
}
