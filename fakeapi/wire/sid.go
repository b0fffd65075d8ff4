package wire

import (
	"fmt"
	"math/rand/v2"
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
	rng    *rand.Rand
	counts map[string]int
}

// NewSIDGenerator returns a generator whose sequence is fixed by seed.
func NewSIDGenerator(seed uint64) *SIDGenerator {
	return &SIDGenerator{
		rng:    rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)),
		counts: make(map[string]int),
	}
}

// Next returns the next SID for prefix (e.g. "CA", "CF", "QU", "PN"),
// e.g. "CA" + 28 pseudo-random hex chars + "0001".
func (g *SIDGenerator) Next(prefix string) string {
	g.counts[prefix]++
	n := g.counts[prefix] % 10000
	return fmt.Sprintf("%s%016x%012x%04d", prefix, g.rng.Uint64(), g.rng.Uint64()>>16, n)
}

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
