package wire

import (
	"fmt"
	"math/rand/v2"
	"strings"
)

// SIDGenerator issues deterministic Twilio-style SIDs: a prefix followed by
// 32 lowercase hex characters. The first 28 hex characters come from a PCG
// generator seeded by the seed given to NewSIDGenerator; the last 4 are the
// decimal ordinal of the SID among those issued with the same prefix
// (0001, 0002, …), so that CA…0001 is the first call in a trace. Past 9999
// the ordinal wraps modulo 10000; the random part still keeps SIDs distinct
// in practice.
//
// The same seed and the same sequence of Next calls give the same SIDs.
// A SIDGenerator is not safe for concurrent use: callers serialize access
// (holdlab calls it under its state lock).
type SIDGenerator struct {
	pcg rand.PCG
	// The SIDs issued by prefix: the first prefixes used are in first
	// (used of them), the others in more. An engine uses a handful of
	// prefixes, which a short scan finds sooner than a map does, and a new
	// generator is one allocation.
	first [6]sidCount
	used  int
	more  map[string]*int
}

// sidCount is how many SIDs a SIDGenerator issued with a prefix.
type sidCount struct {
	prefix string
	n      int
}

// NewSIDGenerator returns a generator whose sequence is fixed by seed.
func NewSIDGenerator(seed uint64) *SIDGenerator {
	g := &SIDGenerator{}
	g.pcg.Seed(seed, seed^0x9e3779b97f4a7c15)
	return g
}

// count returns where the count of prefix is, adding it at 0 if new.
func (g *SIDGenerator) count(prefix string) *int {
	for i := range g.first[:g.used] {
		if g.first[i].prefix == prefix {
			return &g.first[i].n
		}
	}
	if g.used < len(g.first) {
		g.first[g.used] = sidCount{prefix: prefix}
		g.used++
		return &g.first[g.used-1].n
	}
	p := g.more[prefix]
	if p == nil {
		if g.more == nil {
			g.more = make(map[string]*int)
		}
		p = new(int)
		g.more[prefix] = p
	}
	return p
}

// SIDState is where a SIDGenerator is in its sequence: what another
// process needs to go on issuing SIDs after those already issued, and
// never one of them again.
type SIDState struct {
	// RNG is the state of the generator's PCG (rand.PCG.MarshalBinary).
	RNG []byte `json:"rng"`
	// Counts is how many SIDs were issued, by prefix.
	Counts map[string]int `json:"counts"`
}

// State returns where g is in its sequence.
func (g *SIDGenerator) State() SIDState {
	rng, _ := g.pcg.MarshalBinary() // never fails
	counts := make(map[string]int, g.used+len(g.more))
	for _, c := range g.first[:g.used] {
		counts[c.prefix] = c.n
	}
	for k, n := range g.more {
		counts[k] = *n
	}
	return SIDState{RNG: rng, Counts: counts}
}

// RestoreSIDGenerator returns a generator that goes on from s: the SIDs it
// issues are those the generator s was taken from would have issued next.
func RestoreSIDGenerator(s SIDState) (*SIDGenerator, error) {
	g := NewSIDGenerator(0)
	if err := g.pcg.UnmarshalBinary(s.RNG); err != nil {
		return nil, fmt.Errorf("restore SID generator: %w", err)
	}
	for k, v := range s.Counts {
		if v < 0 {
			return nil, fmt.Errorf("restore SID generator: negative count %d for %q", v, k)
		}
		*g.count(k) = v
	}
	return g, nil
}

// Next returns the next SID for prefix (e.g. "CA", "CF", "QU", "PN"),
// e.g. "CA" + 28 pseudo-random hex chars + "0001": what
// fmt.Sprintf("%s%016x%012x%04d", prefix, r1, r2>>16, n) writes, built
// in one allocation.
func (g *SIDGenerator) Next(prefix string) string {
	c := g.count(prefix)
	*c++
	n := *c % 10000
	hi, lo := g.pcg.Uint64(), g.pcg.Uint64()>>16
	var d [32]byte
	for i := 15; i >= 0; i-- {
		d[i] = hexDigits[hi&0xf]
		hi >>= 4
	}
	for i := 27; i >= 16; i-- {
		d[i] = hexDigits[lo&0xf]
		lo >>= 4
	}
	for i := 31; i >= 28; i-- {
		d[i] = byte('0' + n%10)
		n /= 10
	}
	var b strings.Builder
	b.Grow(len(prefix) + len(d))
	b.WriteString(prefix)
	b.Write(d[:])
	return b.String()
}

const hexDigits = "0123456789abcdef"

// ValidSID reports whether s is prefix followed by exactly 32 hex digits
// (either case), i.e. matches ^<prefix>[0-9a-fA-F]{32}$.
func ValidSID(prefix, s string) bool {
	if len(s) != len(prefix)+32 || s[:len(prefix)] != prefix {
		return false
	}
	for i := len(prefix); i < len(s); i++ {
		c := s[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
			return false
		}
	}
	return true
}

// Short abbreviates a SID for logs and traces: the 2-character prefix,
// "..", and the last 4 characters, e.g. "CA..0001". Strings too short to
// abbreviate are returned unchanged.
func Short(sid string) string {
	if len(sid) <= 8 {
		return sid
	}
	return sid[:2] + ".." + sid[len(sid)-4:]
}
