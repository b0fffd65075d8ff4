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
	pcg    *rand.PCG
	rng    *rand.Rand
	counts map[string]int
}

// NewSIDGenerator returns a generator whose sequence is fixed by seed.
func NewSIDGenerator(seed uint64) *SIDGenerator {
	pcg := rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)
	return &SIDGenerator{pcg: pcg, rng: rand.New(pcg), counts: make(map[string]int)}
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
	counts := make(map[string]int, len(g.counts))
	for k, v := range g.counts {
		counts[k] = v
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
		g.counts[k] = v
	}
	return g, nil
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
