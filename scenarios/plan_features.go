package scenarios

import (
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"

	gherkin "github.com/cucumber/gherkin/go/v26"
	messages "github.com/cucumber/messages/go/v21"
)

// scenarioDoc is one scenario of a feature file (for an outline, one
// example row), as the report formats need it.
type scenarioDoc struct {
	Feature     string // path within the FS
	FeatureName string
	Keyword     string // "Scenario", "Scenario Outline", …
	Name        string
	Template    string // the scenario's name as written (an outline's, with its <placeholders>)
	Line        int    // the scenario's line, or its example row's
	ScenLine    int    // the scenario's line
	Tags        []string
	Steps       []stepDoc
}

// stepDoc is one step of a scenario (background steps first).
type stepDoc struct {
	Keyword string // "Given ", "When ", …
	Text    string
	Line    int
}

// featureDoc is one parsed feature file.
type featureDoc struct {
	path      string
	scenarios []*scenarioDoc
}

// planned is one scenario run of a selection.
type planned struct {
	run string
	sc  *scenarioDoc
}

// parseFeature reads one feature file and lists its scenarios.
func parseFeature(fsys fs.FS, p string) (*featureDoc, error) {
	f, err := fsys.Open(p)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	ids := &messages.Incrementing{}
	doc, err := gherkin.ParseGherkinDocument(f, ids.NewId)
	if err != nil {
		return nil, inputErrorf("%s: %v", p, err)
	}
	fd := &featureDoc{path: p}
	if doc.Feature == nil {
		return fd, nil
	}
	loc := locateNodes(doc)
	for _, pk := range gherkin.Pickles(*doc, p, ids.NewId) {
		sc := &scenarioDoc{Feature: p, FeatureName: doc.Feature.Name, Name: pk.Name, Keyword: "Scenario", Template: pk.Name}
		if s, line := loc.scenario(pk); s != nil {
			sc.Keyword, sc.Template, sc.ScenLine, sc.Line = s.Keyword, s.Name, int(s.Location.Line), line
		}
		for _, t := range pk.Tags {
			sc.Tags = append(sc.Tags, t.Name)
		}
		for _, st := range pk.Steps {
			s := stepDoc{Text: st.Text}
			if len(st.AstNodeIds) > 0 {
				if n := loc.steps[st.AstNodeIds[0]]; n != nil {
					s.Keyword, s.Line = n.Keyword, int(n.Location.Line)
				}
			}
			sc.Steps = append(sc.Steps, s)
		}
		fd.scenarios = append(fd.scenarios, sc)
	}
	return fd, nil
}

// nodes indexes a Gherkin document's scenarios, example rows and steps by
// id, to locate a pickle in its file.
type nodes struct {
	scenarios map[string]*messages.Scenario
	rows      map[string]*messages.TableRow
	steps     map[string]*messages.Step
}

func locateNodes(doc *messages.GherkinDocument) nodes {
	n := nodes{map[string]*messages.Scenario{}, map[string]*messages.TableRow{}, map[string]*messages.Step{}}
	addSteps := func(steps []*messages.Step) {
		for _, s := range steps {
			n.steps[s.Id] = s
		}
	}
	addScenario := func(s *messages.Scenario) {
		n.scenarios[s.Id] = s
		addSteps(s.Steps)
		for _, ex := range s.Examples {
			for _, row := range ex.TableBody {
				n.rows[row.Id] = row
			}
		}
	}
	if doc.Feature == nil {
		return n
	}
	for _, c := range doc.Feature.Children {
		switch {
		case c.Background != nil:
			addSteps(c.Background.Steps)
		case c.Scenario != nil:
			addScenario(c.Scenario)
		case c.Rule != nil:
			for _, rc := range c.Rule.Children {
				if rc.Background != nil {
					addSteps(rc.Background.Steps)
				}
				if rc.Scenario != nil {
					addScenario(rc.Scenario)
				}
			}
		}
	}
	return n
}

// scenario locates a pickle: its scenario, and its own line (the example
// row's, for an outline).
func (n nodes) scenario(pk *messages.Pickle) (*messages.Scenario, int) {
	if len(pk.AstNodeIds) == 0 {
		return nil, 0
	}
	s := n.scenarios[pk.AstNodeIds[0]]
	if s == nil {
		return nil, 0
	}
	line := int(s.Location.Line)
	if len(pk.AstNodeIds) > 1 {
		if row := n.rows[pk.AstNodeIds[1]]; row != nil {
			line = int(row.Location.Line)
		}
	}
	return s, line
}

// featureFiles lists the *.feature files of fsys, sorted.
func featureFiles(fsys fs.FS) ([]string, error) {
	var files []string
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && strings.HasSuffix(p, ".feature") {
			files = append(files, p)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("list the feature files: %w", err)
	}
	sort.Strings(files)
	return files, nil
}

// pathLine splits "hold.feature:13" into the file and the line (0: none).
func pathLine(p string) (string, int) {
	if i := strings.LastIndex(p, ":"); i > 0 {
		if n, err := strconv.Atoi(p[i+1:]); err == nil && n > 0 {
			return p[:i], n
		}
	}
	return p, 0
}

// pick is what cfg.Paths select in one file: every scenario, or those at
// some lines.
type pick struct {
	all   bool
	lines map[int]bool
}

// selectFeatures resolves cfg.Paths (files, folders, file:LINE) against
// the FS, and parses the features they name, in path order.
func selectFeatures(cfg Config) ([]*featureDoc, map[string]*pick, error) {
	all, err := featureFiles(cfg.FS)
	if err != nil {
		return nil, nil, err
	}
	picks := map[string]*pick{}
	var order []string
	want := func(file string, line int) {
		pk := picks[file]
		if pk == nil {
			pk = &pick{lines: map[int]bool{}}
			picks[file] = pk
			order = append(order, file)
		}
		if line == 0 {
			pk.all = true
		} else {
			pk.lines[line] = true
		}
	}
	for _, raw := range cfg.Paths {
		p, line := pathLine(raw)
		p = path.Clean(strings.TrimPrefix(strings.TrimSpace(p), "./"))
		if p == "" || p == "." {
			for _, f := range all {
				want(f, 0)
			}
			continue
		}
		if slices.Contains(all, p) {
			want(p, line)
			continue
		}
		var under []string
		for _, f := range all {
			if strings.HasPrefix(f, p+"/") {
				under = append(under, f)
			}
		}
		if len(under) == 0 || line != 0 {
			return nil, nil, inputErrorf("unknown feature %q; the features are: %s", raw, strings.Join(all, ", "))
		}
		for _, f := range under {
			want(f, 0)
		}
	}
	sort.Strings(order)
	docs := make([]*featureDoc, 0, len(order))
	for _, p := range order {
		fd, err := parseFeature(cfg.FS, p)
		if err != nil {
			return nil, nil, err
		}
		for line := range picks[p].lines {
			if !fd.hasLine(line) {
				return nil, nil, inputErrorf("%s:%d: no scenario starts at line %d; the scenarios of %s start at:\n%s", p, line, line, p, fd.lineList())
			}
		}
		docs = append(docs, fd)
	}
	return docs, picks, nil
}

// hasLine reports whether a scenario or an example row starts at line.
func (fd *featureDoc) hasLine(line int) bool {
	for _, sc := range fd.scenarios {
		if sc.ScenLine == line || sc.Line == line {
			return true
		}
	}
	return false
}

// lineList lists a feature's scenarios by line, for people.
func (fd *featureDoc) lineList() string {
	var b strings.Builder
	for i, sc := range fd.scenarios {
		if sc.Line != sc.ScenLine {
			if i == 0 || fd.scenarios[i-1].ScenLine != sc.ScenLine {
				fmt.Fprintf(&b, "  %d  %s: %s (one run per example row below)\n", sc.ScenLine, sc.Keyword, sc.Template)
			}
			fmt.Fprintf(&b, "    %d  %s\n", sc.Line, sc.Name)
			continue
		}
		fmt.Fprintf(&b, "  %d  %s\n", sc.Line, sc.Name)
	}
	if len(fd.scenarios) == 0 {
		b.WriteString("  (none: the file has no scenario)\n")
	}
	return strings.TrimSuffix(b.String(), "\n")
}

// tagExpr is a godog tag expression: clauses joined by "&&" that must all
// hold, each a comma-separated list of tags of which one must hold; "~"
// negates a tag. "@pitfall-parent-redirect && ~@fake-only".
type tagExpr [][]tagTerm

type tagTerm struct {
	tag string // with its "@"
	not bool
}

var tagName = regexp.MustCompile(`^@[^\s@~,&|()!]+$`)

// parseTagExpr parses a tag expression; "" matches everything.
func parseTagExpr(s string) (tagExpr, error) {
	if strings.TrimSpace(s) == "" {
		return nil, nil
	}
	var e tagExpr
	for _, clause := range strings.Split(s, "&&") {
		var terms []tagTerm
		for _, t := range strings.Split(clause, ",") {
			t = strings.TrimSpace(t)
			term := tagTerm{tag: t}
			if rest, ok := strings.CutPrefix(t, "~"); ok {
				term = tagTerm{tag: strings.TrimSpace(rest), not: true}
			}
			if !strings.HasPrefix(term.tag, "@") {
				term.tag = "@" + term.tag
			}
			if !tagName.MatchString(term.tag) {
				what := fmt.Sprintf("%q is not a tag", t)
				if t == "" {
					what = "a tag is missing"
				}
				return nil, inputErrorf(`bad tag expression %q: %s; write a tag as @name, ~@name for "not", join tags with "," for "or" and "&&" for "and", e.g. "@pitfall-parent-redirect && ~@fake-only"`, s, what)
			}
			terms = append(terms, term)
		}
		e = append(e, terms)
	}
	return e, nil
}

// match reports whether a scenario with these tags is selected.
func (e tagExpr) match(tags []string) bool {
	for _, clause := range e {
		ok := false
		for _, t := range clause {
			if slices.Contains(tags, t.tag) != t.not {
				ok = true
				break
			}
		}
		if !ok {
			return false
		}
	}
	return true
}
