package scenarios

import (
	"io/fs"
	"os"
	"regexp"
	"sort"
	"strings"
	"testing"

	gherkin "github.com/cucumber/gherkin/go/v26"
	messages "github.com/cucumber/messages/go/v21"
	"github.com/holdlab/holdlab/features"
)

// twilioDoc is a link to Twilio's documentation.
var twilioDoc = regexp.MustCompile(`https://www\.twilio\.com/docs/\S+`)

// The pitfall catalogue is whole: every @pitfall tag of the shipped
// features is explained in the pitfalls map with a Twilio documentation
// URL; every pitfall of the map is shown by a scenario whose description
// (what goes wrong, what to do instead) links Twilio's documentation; and
// the README's catalogue table lists each one.
func TestPitfallCatalogue(t *testing.T) {
	described := map[string]bool{} // pitfall -> a tagged scenario has a description with a link
	tagged := map[string][]string{}
	paths, err := fs.Glob(features.FS, "*.feature")
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range paths {
		f, err := features.FS.Open(p)
		if err != nil {
			t.Fatal(err)
		}
		doc, err := gherkin.ParseGherkinDocument(f, (&messages.Incrementing{}).NewId)
		f.Close()
		if err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		for _, sc := range scenariosOf(doc.Feature.Children) {
			tags := tagNames(sc.Tags)
			for _, ex := range sc.Examples {
				tags = append(tags, tagNames(ex.Tags)...)
			}
			for _, tag := range tags {
				name, ok := strings.CutPrefix(tag, "@pitfall-")
				if !ok {
					continue
				}
				tagged[name] = append(tagged[name], p+": "+sc.Name)
				if twilioDoc.MatchString(sc.Description) {
					described[name] = true
				}
			}
		}
	}
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for name := range pitfalls {
		names = append(names, name)
	}
	for name := range tagged {
		if _, ok := pitfalls[name]; !ok {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	for _, name := range names {
		text, ok := pitfalls[name]
		switch {
		case !ok:
			t.Errorf("@pitfall-%s (%v) has no sentence in the pitfalls map", name, tagged[name])
		case !twilioDoc.MatchString(text):
			t.Errorf("the pitfalls map's sentence for %s has no Twilio documentation URL: %q", name, text)
		}
		if len(tagged[name]) == 0 {
			t.Errorf("pitfall %s: no scenario is tagged @pitfall-%s", name, name)
		} else if !described[name] {
			t.Errorf("pitfall %s: none of its scenarios (%v) has a description (what goes wrong, what to do instead) with a Twilio documentation URL", name, tagged[name])
		}
		if !strings.Contains(string(readme), "`@pitfall-"+name+"`") {
			t.Errorf("README.md's pitfall catalogue has no row for `@pitfall-%s`", name)
		}
	}
	if len(names) < 12 {
		t.Errorf("the catalogue has %d pitfalls, want at least 12", len(names))
	}
}

// scenariosOf lists the scenarios of a feature, those in rules included.
func scenariosOf(children []*messages.FeatureChild) []*messages.Scenario {
	var out []*messages.Scenario
	for _, c := range children {
		switch {
		case c.Scenario != nil:
			out = append(out, c.Scenario)
		case c.Rule != nil:
			for _, rc := range c.Rule.Children {
				if rc.Scenario != nil {
					out = append(out, rc.Scenario)
				}
			}
		}
	}
	return out
}

func tagNames(tags []*messages.Tag) []string {
	out := make([]string, len(tags))
	for i, t := range tags {
		out[i] = t.Name
	}
	return out
}
