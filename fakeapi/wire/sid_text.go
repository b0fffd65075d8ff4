package wire

import "strings"

// sidTextLen is the length of a Twilio SID: a two-capital prefix and 32 hex
// digits.
const sidTextLen = 34

// ReplaceSIDs returns s with every Twilio SID in it replaced by f(sid). A
// SID is two capitals and 32 lower-case hex digits, not inside a longer
// word.
func ReplaceSIDs(s string, f func(sid string) string) string {
	var b strings.Builder
	last := 0
	for i := 0; i+sidTextLen <= len(s); i++ {
		if !sidAt(s, i) {
			continue
		}
		b.WriteString(s[last:i])
		b.WriteString(f(s[i : i+sidTextLen]))
		last = i + sidTextLen
		i += sidTextLen - 1
	}
	if last == 0 {
		return s
	}
	b.WriteString(s[last:])
	return b.String()
}

// SIDsIn returns the SIDs in s that begin with prefix ("" for any), in order.
func SIDsIn(s, prefix string) []string {
	var out []string
	ReplaceSIDs(s, func(sid string) string {
		if strings.HasPrefix(sid, prefix) {
			out = append(out, sid)
		}
		return sid
	})
	return out
}

// sidAt reports whether a SID begins at s[i].
func sidAt(s string, i int) bool {
	if i > 0 && wordByte(s[i-1]) || i+sidTextLen < len(s) && wordByte(s[i+sidTextLen]) {
		return false
	}
	if !upper(s[i]) || !upper(s[i+1]) {
		return false
	}
	for j := i + 2; j < i+sidTextLen; j++ {
		if c := s[j]; !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}

func upper(c byte) bool { return 'A' <= c && c <= 'Z' }

func wordByte(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'z' || upper(c) || c == '_'
}
