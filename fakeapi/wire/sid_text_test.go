package wire

import (
	"reflect"
	"strings"
	"testing"
)

const (
	ca1 = "CAaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	ca2 = "CAbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
	cf  = "CFcccccccccccccccccccccccccccccccc"
)

// SIDs are found in text (URLs, JSON, trace lines) only where they stand
// alone, so that a timeline or a recording can shorten or collect them.
func TestSIDsIn(t *testing.T) {
	tests := []struct {
		s, prefix string
		want      []string
	}{
		{"/Calls/" + ca1 + ".json", "CA", []string{ca1}},
		{`{"call_sid":"` + ca2 + `","conference_sid":"` + cf + `"}`, "", []string{ca2, cf}},
		{"queue hold-" + ca1 + ") and " + ca2, "CA", []string{ca1, ca2}},
		{"x" + ca1, "", nil},                      // inside a longer word
		{ca1 + "0", "", nil},                      // too long
		{"CA" + strings.Repeat("A", 32), "", nil}, // upper-case hex is not a SID here
	}
	for _, tc := range tests {
		if got := SIDsIn(tc.s, tc.prefix); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("SIDsIn(%q, %q) = %q, want %q", tc.s, tc.prefix, got, tc.want)
		}
	}
	if got := ReplaceSIDs("a "+ca1+" b", func(string) string { return "CA#1" }); got != "a CA#1 b" {
		t.Errorf("ReplaceSIDs = %q", got)
	}
}
