package wire

import (
	"strings"
	"time"
)

// FormatDate renders t as Twilio does in JSON bodies and webhook
// parameters: RFC 2822 in UTC with a two-digit day and "+0000", e.g.
// "Tue, 31 Aug 2010 20:36:28 +0000" (time.RFC1123Z of t.UTC()).
func FormatDate(t time.Time) string {
	var buf [len(time.RFC1123Z)]byte
	return string(AppendDate(buf[:0], t))
}

// AppendDate appends FormatDate(t) to dst. It writes the fixed layout
// itself, several times faster than time.Format; years outside 0 to 9999
// are left to time.Format.
func AppendDate(dst []byte, t time.Time) []byte {
	t = t.UTC()
	year, month, day := t.Date()
	if year < 0 || year > 9999 {
		return t.AppendFormat(dst, time.RFC1123Z)
	}
	hour, minute, sec := t.Clock()
	wd := t.Weekday()
	dst = append(dst, weekdays[3*wd:3*wd+3]...)
	dst = append(dst, ',', ' ', '0'+byte(day/10), '0'+byte(day%10), ' ')
	dst = append(dst, months[3*(month-1):3*month]...)
	dst = append(dst, ' ', '0'+byte(year/1000), '0'+byte(year/100%10), '0'+byte(year/10%10), '0'+byte(year%10), ' ')
	dst = append(dst, '0'+byte(hour/10), '0'+byte(hour%10), ':', '0'+byte(minute/10), '0'+byte(minute%10), ':', '0'+byte(sec/10), '0'+byte(sec%10))
	return append(dst, " +0000"...)
}

const (
	weekdays = "SunMonTueWedThuFriSat"
	months   = "JanFebMarAprMayJunJulAugSepOctNovDec"
)

// NullDate returns nil (JSON null) for the zero time and a pointer to
// FormatDate(t) otherwise.
func NullDate(t time.Time) *string {
	if t.IsZero() {
		return nil
	}
	s := FormatDate(t)
	return &s
}

// ParseDate parses an RFC 2822 date as produced by FormatDate; a one-digit
// day ("Thu, 1 Jun 2017 …", seen in conference callbacks) is accepted too.
func ParseDate(s string) (time.Time, error) {
	t, err := time.Parse(time.RFC1123Z, s)
	if err != nil {
		t, err = time.Parse("Mon, 2 Jan 2006 15:04:05 -0700", s)
	}
	return t, err
}

// ParseFilterDate parses the value of a list filter such as DateCreated,
// StartTime< or EndTime> (name is the parameter name, used in the error).
//
// Twilio documents these filters as ISO dates (YYYY-MM-DD); the unmodified
// twilio-go client sends date-time filters (StartTime, EndTime) as RFC 3339,
// so that is accepted too. dateOnly reports whether value had no time of day,
// in which case t is midnight UTC of that day and the caller compares at day
// granularity. A bad value gives a 400 *Error.
func ParseFilterDate(name, value string) (t time.Time, dateOnly bool, err error) {
	v := strings.TrimSpace(value)
	if t, err := time.Parse(time.DateOnly, v); err == nil {
		return t, true, nil
	}
	if t, err := time.Parse(time.RFC3339, v); err == nil {
		return t.UTC(), false, nil
	}
	return time.Time{}, false, InvalidParameter(CodeInvalidParameter, name, value)
}
