package sim

import (
	"math/big"
	"testing"
	"time"
)

// FuzzSoundLength checks sound.length against exact arithmetic: a sound
// plays loop times its length, or forever when loop is 0 or the total
// passes maxSound; the total is never negative and never wraps around.
func FuzzSoundLength(f *testing.F) {
	for _, s := range []struct {
		d    time.Duration
		loop int
	}{
		{30 * time.Second, 1},
		{30 * time.Second, 0},
		{30 * time.Second, 400000000}, // 1.2e19 ns: overflows int64
		{time.Second, 2147483647},
		{maxSound, 1},
		{maxSound + 1, 1},
		{maxSound / 3, 3},
		{1<<63 - 1, 2},
		{0, 5},
		{-time.Second, 3},
	} {
		f.Add(int64(s.d), s.loop)
	}
	f.Fuzz(func(t *testing.T, d int64, loop int) {
		total, forever := sound{d: time.Duration(d), loop: loop}.length()
		if total < 0 {
			t.Fatalf("length of %v × %d = %v: negative", time.Duration(d), loop, total)
		}
		exact := new(big.Int).Mul(big.NewInt(max(d, 0)), big.NewInt(int64(loop)))
		wantForever := loop <= 0 || exact.Cmp(big.NewInt(int64(maxSound))) > 0
		if forever != wantForever {
			t.Fatalf("length of %v × %d: forever %v, want %v", time.Duration(d), loop, forever, wantForever)
		}
		if !forever && big.NewInt(int64(total)).Cmp(exact) != 0 {
			t.Fatalf("length of %v × %d = %v, want %v", time.Duration(d), loop, total, exact)
		}
	})
}
