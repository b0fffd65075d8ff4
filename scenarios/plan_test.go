package scenarios

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"testing/fstest"
)

// Each mistake says what was asked and what exists, as an ErrInput.
func TestSelectionMistakes(t *testing.T) {
	for _, tc := range []struct {
		name string
		cfg  Config
		want []string
	}{
		{"unknown strategy", Config{Only: []string{"confrence"}},
			[]string{`unknown strategy "confrence"`, "the strategies are: callleg, conference, redirect"}},
		{"unknown feature", Config{Paths: []string{"holdd.feature"}},
			[]string{`unknown feature "holdd.feature"`, "the features are: browser.feature, conference_events.feature,", "hold.feature"}},
		{"line of no scenario", Config{Paths: []string{"hold.feature:999"}},
			[]string{"hold.feature:999: no scenario starts at line 999", "\n  13  Hold: the customer hears music and the agent is free\n", "\n  88  "}},
		{"outline's rows listed", Config{Paths: []string{"directions.feature:1"}},
			[]string{"  8  Scenario Outline: Hold and unhold on an <direction> call", "\n    22  Hold and unhold on an inbound call"}},
		{"tags match nothing", Config{Tags: "@nothing"},
			[]string{`no scenario matched the tags "@nothing"`, "80 scenario runs without the tags", "@pitfall-parent-redirect", "@xfail-redirect"}},
		{"bad tag expression", Config{Tags: "@@("},
			[]string{`bad tag expression "@@(": "@@(" is not a tag`, `"," for "or"`}},
		{"empty tag", Config{Tags: "@a && "},
			[]string{`bad tag expression "@a && ": a tag is missing`}},
		{"nothing for the platform alone", Config{Only: []string{Platform}, Paths: []string{"hold.feature"}},
			[]string{"no scenario matched in hold.feature, run as platform", "@platform features run only as platform"}},
		{"empty shard", Config{Paths: []string{"hold.feature:13"}, Only: []string{"redirect"}, Shard: Shard{2, 2}},
			[]string{"shard 2/2 is empty: the selection has 1 scenario runs, fewer than 2 shards"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Plan(context.Background(), tc.cfg)
			if !errors.Is(err, ErrInput) {
				t.Fatalf("err %v, want an ErrInput", err)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error lacks %q:\n%v", w, err)
				}
			}
			if _, err := Run(context.Background(), tc.cfg); !errors.Is(err, ErrInput) {
				t.Errorf("Run: %v, want the same ErrInput", err)
			}
		})
	}
}

func TestParseShard(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want Shard
		ok   bool
	}{
		{"1/1", Shard{1, 1}, true},
		{"2/4", Shard{2, 4}, true},
		{" 3 / 4 ", Shard{3, 4}, true},
		{"0/4", Shard{}, false},
		{"5/4", Shard{}, false},
		{"4", Shard{}, false},
		{"a/b", Shard{}, false},
		{"1/0", Shard{}, false},
	} {
		got, err := ParseShard(tc.in)
		if (err == nil) != tc.ok || got != tc.want {
			t.Errorf("ParseShard(%q) = %v, %v", tc.in, got, err)
		}
		if err != nil && !errors.Is(err, ErrInput) {
			t.Errorf("ParseShard(%q): %v is not an ErrInput", tc.in, err)
		}
	}
}

func TestTagExpressions(t *testing.T) {
	tags := []string{"@platform", "@pitfall-x"}
	for _, tc := range []struct {
		expr string
		want bool
	}{
		{"", true},
		{"@platform", true},
		{"platform", true},
		{"~@platform", false},
		{"@nothing", false},
		{"@nothing,@pitfall-x", true},
		{"@platform && ~@pitfall-x", false},
		{"@platform && @nothing,~@other", true},
	} {
		e, err := parseTagExpr(tc.expr)
		if err != nil {
			t.Fatalf("%q: %v", tc.expr, err)
		}
		if got := e.match(tags); got != tc.want {
			t.Errorf("%q matches %v: %v, want %v", tc.expr, tags, got, tc.want)
		}
	}
}

// A line picks that scenario; an example row's line, that row only; a
// scenario outline's line, every row.
func TestSelectByLine(t *testing.T) {
	for _, tc := range []struct {
		path string
		want []string
	}{
		{"hold.feature:13", []string{"hold.feature:13 Hold: the customer hears music and the agent is free"}},
		{"directions.feature:8", []string{"directions.feature:22 Hold and unhold on an inbound call", "directions.feature:27 Hold and unhold on an outbound call"}},
		{"directions.feature:27", []string{"directions.feature:27 Hold and unhold on an outbound call"}},
	} {
		plan, err := Plan(context.Background(), Config{Paths: []string{tc.path}, Only: []string{"callleg"}})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, p := range plan {
			got = append(got, fmt.Sprintf("%s:%d %s", p.Feature, p.Line, p.Scenario))
		}
		if strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
			t.Errorf("%s selects %q, want %q", tc.path, got, tc.want)
		}
		// And Run runs exactly that.
		rep, err := Run(context.Background(), Config{Paths: []string{tc.path}, Only: []string{"callleg"}})
		if err != nil {
			t.Fatal(err)
		}
		if len(rep.Results) != len(tc.want) {
			t.Errorf("%s ran %d scenarios, want %d", tc.path, len(rep.Results), len(tc.want))
		}
	}
}

// The shards of a run are disjoint, cover it exactly, and differ in size
// by at most one.
func TestShardsCoverTheSuite(t *testing.T) {
	all, err := Plan(context.Background(), Config{})
	if err != nil {
		t.Fatal(err)
	}
	key := func(p PlannedRun) string { return fmt.Sprintf("%s %s:%d", p.Run, p.Feature, p.Line) }
	for n := 1; n <= 5; n++ {
		seen := map[string]int{}
		minSize, maxSize := len(all), 0
		for i := 1; i <= n; i++ {
			part, err := Plan(context.Background(), Config{Shard: Shard{i, n}})
			if err != nil {
				t.Fatalf("shard %d/%d: %v", i, n, err)
			}
			minSize, maxSize = min(minSize, len(part)), max(maxSize, len(part))
			for _, p := range part {
				seen[key(p)]++
			}
		}
		for _, p := range all {
			if seen[key(p)] != 1 {
				t.Errorf("%d shards: %s runs %d times", n, key(p), seen[key(p)])
			}
		}
		if len(seen) != len(all) || maxSize-minSize > 1 {
			t.Errorf("%d shards: %d runs in all (want %d), sizes %d..%d", n, len(seen), len(all), minSize, maxSize)
		}
	}
}

// The shards' reports merge into the report of the whole run: JUnit,
// cucumber and GitHub alike.
func TestMergeShards(t *testing.T) {
	whole, err := Run(context.Background(), Config{})
	if err != nil {
		t.Fatal(err)
	}
	whole = zeroDurations(whole)
	const n = 3
	files := fstest.MapFS{}
	var cukes, junits []string
	for i := 1; i <= n; i++ {
		part, err := Run(context.Background(), Config{Shard: Shard{i, n}})
		if err != nil {
			t.Fatal(err)
		}
		part = zeroDurations(part)
		var c, j bytes.Buffer
		if err := part.WriteCucumber(&c); err != nil {
			t.Fatal(err)
		}
		if err := part.WriteJUnit(&j); err != nil {
			t.Fatal(err)
		}
		name := fmt.Sprintf("shard%d", i)
		files[name+".json"] = &fstest.MapFile{Data: c.Bytes()}
		files[name+".xml"] = &fstest.MapFile{Data: j.Bytes()}
		cukes, junits = append(cukes, name+".json"), append(junits, name+".xml")
	}
	open := func(name string) (io.ReadCloser, error) { return files.Open(name) }
	for _, tc := range []struct {
		format string
		inputs []string
	}{
		{"junit", junits},
		{"junit", cukes},
		{"cucumber", cukes},
		{"github", cukes},
		{"github", junits},
	} {
		t.Run(tc.format+" from "+tc.inputs[0], func(t *testing.T) {
			var got, want bytes.Buffer
			merged, err := MergeFiles(&got, tc.format, nil, tc.inputs, open)
			if err != nil {
				t.Fatal(err)
			}
			if err := whole.WriteFormat(&want, tc.format, nil); err != nil {
				t.Fatal(err)
			}
			if got.String() != want.String() {
				t.Errorf("merged %s differs from the whole run's:\n%s", tc.format, diffLines(got.String(), want.String()))
			}
			if merged.Totals() != whole.Totals() || !merged.OK() {
				t.Errorf("merged: %s, want %s", merged.Totals(), whole.Totals())
			}
		})
	}
	// Merging a shard twice is a mistake.
	if _, err := MergeFiles(io.Discard, "junit", nil, []string{cukes[0], cukes[0]}, open); !errors.Is(err, ErrInput) || !strings.Contains(err.Error(), "reports 1 and 2 both have") {
		t.Errorf("the same shard twice: %v", err)
	}
	if _, err := MergeFiles(io.Discard, "cucumber", nil, junits, open); !errors.Is(err, ErrInput) {
		t.Errorf("cucumber from JUnit: %v", err)
	}
	if _, err := MergeFiles(io.Discard, "xml", nil, cukes, open); !errors.Is(err, ErrInput) || !strings.Contains(err.Error(), "junit, cucumber, github") {
		t.Errorf("unknown format: %v", err)
	}
	if _, err := MergeFiles(io.Discard, "junit", nil, []string{"nonesuch.xml"}, open); !errors.Is(err, ErrInput) {
		t.Errorf("missing file: %v", err)
	}
}

// diffLines shows the first lines where two texts part.
func diffLines(got, want string) string {
	g, w := strings.Split(got, "\n"), strings.Split(want, "\n")
	for i := range max(len(g), len(w)) {
		var a, b string
		if i < len(g) {
			a = g[i]
		}
		if i < len(w) {
			b = w[i]
		}
		if a != b {
			return fmt.Sprintf("line %d:\n got  %s\n want %s", i+1, a, b)
		}
	}
	return "(same lines)"
}
