package timeline

import (
	"strings"
	"unicode/utf8"

	"github.com/holdlab/holdlab/fakeapi/wire"
)

// shortSids writes the SIDs in s the way the trace does: CA..0002.
func shortSids(s string) string { return wire.ReplaceSIDs(s, wire.Short) }

// withoutHosts drops the scheme and host of every http(s) URL in s,
// keeping their paths.
func withoutHosts(s string) string {
	var b strings.Builder
	for {
		i := strings.Index(s, "://")
		if i < 0 {
			b.WriteString(s)
			return b.String()
		}
		start := i
		for start > 0 && 'a' <= s[start-1] && s[start-1] <= 'z' {
			start--
		}
		scheme := s[start:i]
		if scheme != "http" && scheme != "https" {
			b.WriteString(s[:i+3])
			s = s[i+3:]
			continue
		}
		b.WriteString(s[:start])
		rest := s[i+3:]
		end := strings.IndexAny(rest, "/ \t\n\"")
		if end < 0 {
			end = len(rest)
		}
		s = rest[end:]
	}
}

// MarkerLabel shortens a line for a marker: short SIDs, URLs without
// their host, at most 48 characters.
func MarkerLabel(s string) string { return short(withoutHosts(shortSids(s)), 48) }

// short cuts s to n characters, with an ellipsis.
func short(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}

// wrap breaks s into lines of at most n characters, at spaces where it
// can (a longer word is cut), and at most max lines; the last line ends
// with an ellipsis when text is left over.
func wrap(s string, n, max int) []string {
	words := strings.Fields(s)
	var lines []string
	cur := ""
	for len(words) > 0 {
		w := words[0]
		switch {
		case cur == "" && utf8.RuneCountInString(w) > n:
			r := []rune(w)
			lines = append(lines, string(r[:n]))
			words[0] = string(r[n:])
			continue
		case cur == "":
			cur = w
		case utf8.RuneCountInString(cur)+1+utf8.RuneCountInString(w) <= n:
			cur += " " + w
		default:
			lines = append(lines, cur)
			cur = ""
			continue
		}
		words = words[1:]
	}
	if cur != "" {
		lines = append(lines, cur)
	}
	if max > 0 && len(lines) > max {
		rest := strings.Join(lines[max-1:], " ")
		lines = append(lines[:max-1], short(rest, n))
	}
	return lines
}
