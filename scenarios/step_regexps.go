package scenarios

import (
	"regexp"
	"sync"
)

// stepRegexps holds each step pattern compiled once per process. godog
// compiles a pattern given as a string every time a scenario registers its
// steps: for the whole suite that was a quarter of `holdlab run`'s time.
// A *regexp.Regexp is safe for concurrent use.
var stepRegexps sync.Map // pattern -> *regexp.Regexp

// stepRegexp returns pattern compiled (it panics on a bad pattern, as
// godog does).
func stepRegexp(pattern string) *regexp.Regexp {
	if re, ok := stepRegexps.Load(pattern); ok {
		return re.(*regexp.Regexp)
	}
	re, _ := stepRegexps.LoadOrStore(pattern, regexp.MustCompile(pattern))
	return re.(*regexp.Regexp)
}
