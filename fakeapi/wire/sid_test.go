package wire

import (
	"fmt"
	"maps"
	"math/rand/v2"
	"regexp"
	"strings"
	"testing"
)

func TestSIDGeneratorDeterministic(t *testing.T) {
	prefixes := []string{"CA", "CA", "CF", "CA", "QU", "CF"}
	run := func(seed uint64) []string {
		g := NewSIDGenerator(seed)
		var out []string
		for _, p := range prefixes {
			out = append(out, g.Next(p))
		}
		return out
	}
	a, b, c := run(1), run(1), run(2)
	for i := range a {
		if a[i] != b[i] {
			t.Errorf("same seed, different SID %d: %s vs %s", i, a[i], b[i])
		}
		if a[i] == c[i] {
			t.Errorf("different seeds, same SID %d: %s", i, a[i])
		}
	}
	wantSuffix := []string{"0001", "0002", "0001", "0003", "0001", "0002"}
	re := regexp.MustCompile(`^[A-Z]{2}[0-9a-f]{32}$`)
	seen := map[string]bool{}
	for i, sid := range a {
		if !re.MatchString(sid) {
			t.Errorf("bad format %q", sid)
		}
		if !strings.HasPrefix(sid, prefixes[i]) || !strings.HasSuffix(sid, wantSuffix[i]) {
			t.Errorf("SID %d = %s, want prefix %s and suffix %s", i, sid, prefixes[i], wantSuffix[i])
		}
		if !ValidSID(prefixes[i], sid) {
			t.Errorf("ValidSID rejects %s", sid)
		}
		if seen[sid] {
			t.Errorf("duplicate %s", sid)
		}
		seen[sid] = true
	}
}

func TestSIDOrdinalWraps(t *testing.T) {
	g := NewSIDGenerator(7)
	var last string
	for range 10000 {
		last = g.Next("CA")
	}
	if !strings.HasSuffix(last, "0000") || !ValidSID("CA", last) {
		t.Fatalf("10000th SID = %s", last)
	}
}

func TestValidSID(t *testing.T) {
	hex32 := strings.Repeat("0123456789abcdef", 2)
	tests := []struct {
		prefix, s string
		want      bool
	}{
		{"CA", "CA" + hex32, true},
		{"CA", "CA" + strings.ToUpper(hex32), true},
		{"CF", "CA" + hex32, false},
		{"CA", "CA" + hex32[:31], false},
		{"CA", "CA" + hex32 + "0", false},
		{"CA", "CA" + hex32[:31] + "g", false},
		{"CA", "ca" + hex32, false},
		{"CA", "", false},
		{"CA", "Front", false},
	}
	for _, tc := range tests {
		if got := ValidSID(tc.prefix, tc.s); got != tc.want {
			t.Errorf("ValidSID(%q, %q) = %v, want %v", tc.prefix, tc.s, got, tc.want)
		}
	}
}

func TestShort(t *testing.T) {
	tests := []struct{ in, want string }{
		{"CA" + strings.Repeat("f", 28) + "0001", "CA..0001"},
		{"QU" + strings.Repeat("0", 28) + "0042", "QU..0042"},
		{"Front", "Front"},
		{"", ""},
	}
	for _, tc := range tests {
		if got := Short(tc.in); got != tc.want {
			t.Errorf("Short(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// A generator restored from another's state issues what that one would
// have issued next.
func TestSIDGeneratorState(t *testing.T) {
	a := NewSIDGenerator(42)
	for range 5 {
		a.Next("CA")
	}
	a.Next("PN")
	b, err := RestoreSIDGenerator(a.State())
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"CA", "PN", "CF", "CA"} {
		if x, y := a.Next(p), b.Next(p); x != y {
			t.Fatalf("Next(%q): restored %s, want %s", p, y, x)
		}
	}
	if _, err := RestoreSIDGenerator(SIDState{RNG: []byte("nope")}); err == nil {
		t.Error("a malformed state was restored")
	}
}

// Next writes exactly what fmt.Sprintf("%s%016x%012x%04d") of the
// generator's numbers does, whatever the prefixes and however many SIDs
// (the ordinal wraps past 9999), and State and RestoreSIDGenerator keep
// the counts of more prefixes than the generator holds inline.
func TestSIDGeneratorMatchesSprintf(t *testing.T) {
	prefixes := []string{"CA", "CF", "PN", "QU", "RE", "AP", "SK", "UM", "CA", "", "MM"}
	for _, seed := range []uint64{0, 1, 42, 1 << 63} {
		g := NewSIDGenerator(seed)
		pcg := rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)
		counts := map[string]int{}
		for i := range 12000 {
			p := prefixes[i%len(prefixes)]
			if i > 200 {
				p = "CA" // past the wrap
			}
			counts[p]++
			want := fmt.Sprintf("%s%016x%012x%04d", p, pcg.Uint64(), pcg.Uint64()>>16, counts[p]%10000)
			if got := g.Next(p); got != want {
				t.Fatalf("seed %d, SID %d: %q, want %q", seed, i, got, want)
			}
		}
		if got := g.State().Counts; !maps.Equal(got, counts) {
			t.Fatalf("seed %d: State().Counts = %v, want %v", seed, got, counts)
		}
		r, err := RestoreSIDGenerator(g.State())
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range prefixes {
			if x, y := g.Next(p), r.Next(p); x != y {
				t.Fatalf("seed %d: Next(%q) restored %s, want %s", seed, p, y, x)
			}
		}
	}
}
