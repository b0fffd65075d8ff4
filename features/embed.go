// Package features embeds holdlab's Gherkin feature files, so that the
// holdlab binary carries them and runs anywhere.
package features

import "embed"

// FS holds every *.feature file of this folder.
//
//go:embed *.feature
var FS embed.FS
