package main

import (
	"github.com/holdlab/holdlab/scenarios"
	"github.com/spf13/cobra"
)

func newStepsCmd() *cobra.Command {
	var markdown bool
	cmd := &cobra.Command{
		Use:   "steps",
		Short: "List every step a feature file may use, with an example",
		Long: `List every step a feature file may use, by section, each with an example
and, where the step takes arguments, its pattern (a regular expression the text
must match whole). --markdown writes the same as docs/steps.md.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if markdown {
				return scenarios.WriteStepsMarkdown(cmd.OutOrStdout())
			}
			return scenarios.WriteSteps(cmd.OutOrStdout())
		},
	}
	cmd.Flags().BoolVar(&markdown, "markdown", false, "write Markdown (docs/steps.md)")
	return cmd
}
