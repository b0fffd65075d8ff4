package wire

import (
	"testing"
	"time"
)

func TestFormatDate(t *testing.T) {
	pdt := time.FixedZone("PDT", -7*3600)
	tests := []struct {
		in   time.Time
		want string
	}{
		{time.Date(2010, 8, 31, 20, 36, 28, 0, time.UTC), "Tue, 31 Aug 2010 20:36:28 +0000"},
		{time.Date(2010, 8, 31, 13, 36, 28, 999, pdt), "Tue, 31 Aug 2010 20:36:28 +0000"},
		{time.Date(2017, 6, 1, 0, 0, 0, 0, time.UTC), "Thu, 01 Jun 2017 00:00:00 +0000"},
	}
	for _, tc := range tests {
		got := FormatDate(tc.in)
		if got != tc.want {
			t.Errorf("FormatDate(%v) = %q, want %q", tc.in, got, tc.want)
		}
		back, err := ParseDate(got)
		if err != nil || !back.Equal(tc.in.Truncate(time.Second)) {
			t.Errorf("ParseDate(%q) = %v, %v", got, back, err)
		}
	}
	if NullDate(time.Time{}) != nil || *NullDate(tests[0].in) != tests[0].want {
		t.Error("NullDate")
	}
}

func TestParseDate(t *testing.T) {
	tests := []struct {
		in      string
		want    time.Time
		wantErr bool
	}{
		{"Tue, 31 Aug 2010 20:36:28 +0000", time.Date(2010, 8, 31, 20, 36, 28, 0, time.UTC), false},
		{"Thu, 1 Jun 2017 16:26:08 +0000", time.Date(2017, 6, 1, 16, 26, 8, 0, time.UTC), false},
		{"2010-08-31", time.Time{}, true},
	}
	for _, tc := range tests {
		got, err := ParseDate(tc.in)
		if (err != nil) != tc.wantErr || !got.Equal(tc.want) {
			t.Errorf("ParseDate(%q) = %v, %v", tc.in, got, err)
		}
	}
}

func TestParseFilterDate(t *testing.T) {
	tests := []struct {
		in       string
		want     time.Time
		dateOnly bool
		wantErr  bool
	}{
		{"2009-07-06", time.Date(2009, 7, 6, 0, 0, 0, 0, time.UTC), true, false},
		{" 2009-07-06 ", time.Date(2009, 7, 6, 0, 0, 0, 0, time.UTC), true, false},
		{"2009-07-06T10:20:30Z", time.Date(2009, 7, 6, 10, 20, 30, 0, time.UTC), false, false},
		{"2009-07-06T12:20:30+02:00", time.Date(2009, 7, 6, 10, 20, 30, 0, time.UTC), false, false},
		{"07/06/2009", time.Time{}, false, true},
		{"2009-13-01", time.Time{}, false, true},
		{"", time.Time{}, false, true},
	}
	for _, tc := range tests {
		got, dateOnly, err := ParseFilterDate("StartTime>", tc.in)
		if tc.wantErr {
			e, ok := err.(*Error)
			if !ok || e.Status != 400 {
				t.Errorf("ParseFilterDate(%q) err = %v, want 400 *Error", tc.in, err)
			}
			continue
		}
		if err != nil || !got.Equal(tc.want) || got.Location() != time.UTC || dateOnly != tc.dateOnly {
			t.Errorf("ParseFilterDate(%q) = %v, %v, %v", tc.in, got, dateOnly, err)
		}
	}
}

// AppendDate writes what time.Format does with time.RFC1123Z in UTC, for
// every weekday, month, and the years time.Format pads or signs.
func TestAppendDateMatchesTimeFormat(t *testing.T) {
	pdt := time.FixedZone("PDT", -7*3600)
	times := []time.Time{
		{},
		time.Date(0, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(999, 12, 31, 23, 59, 59, 999999999, time.UTC),
		time.Date(9999, 12, 31, 23, 59, 59, 0, time.UTC),
		time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(-1, 6, 15, 12, 0, 0, 0, time.UTC),
		time.Date(2025, 1, 6, 9, 0, 0, 0, pdt),
	}
	for d := range 800 {
		times = append(times, time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(d)*(26*time.Hour+17*time.Minute+13*time.Second)))
	}
	for _, tm := range times {
		want := tm.UTC().Format(time.RFC1123Z)
		if got := string(AppendDate([]byte("x"), tm)); got != "x"+want {
			t.Errorf("AppendDate(%v) = %q, want %q", tm, got[1:], want)
		}
		if got := FormatDate(tm); got != want {
			t.Errorf("FormatDate(%v) = %q, want %q", tm, got, want)
		}
	}
}
