package wire

import (
	"encoding/json"
	"fmt"
	"reflect"
	"testing"
	"time"
)

// fillRecord sets every field of a record by reflection (strings from
// tricky, some empty; times; booleans), so that a field added to the
// record but not to its rendering makes the comparison fail.
func fillRecord[T any](seed int) T {
	var r T
	v := reflect.ValueOf(&r).Elem()
	for i := range v.NumField() {
		f := v.Field(i)
		switch f.Kind() {
		case reflect.String:
			if (seed+i)%5 != 0 {
				f.SetString(fmt.Sprintf("%s-%d", tricky[(seed+i)%len(tricky)], i))
			}
		case reflect.Bool:
			f.SetBool((seed+i)%2 == 0)
		case reflect.Int:
			f.SetInt(int64(seed*i*37 - 50))
		default:
			if f.Type() != reflect.TypeFor[time.Time]() {
				panic(v.Type().Name() + " has a field of type " + f.Type().String() + ": teach this test about it")
			}
			var t time.Time // zero, some of the time
			if (seed+i)%3 != 0 {
				t = time.Date(2025, 1, 6, 9, 0, 0, 0, time.UTC).Add(time.Duration(seed*i) * 7919 * time.Second)
			}
			f.Set(reflect.ValueOf(t))
		}
	}
	return r
}

func TestRecordsRenderAsTheirResources(t *testing.T) {
	t.Run("Participant", func(t *testing.T) {
		testRecord(t, fillRecord[ParticipantRecord], ParticipantRecord.Resource)
		// The usual case: SIDs with nothing to escape.
		p := ParticipantRecord{AccountSid: "AC1", CallSid: "CA1", ConferenceSid: "CF1", Status: "connected"}
		testRecord(t, func(int) ParticipantRecord { return p }, ParticipantRecord.Resource)
	})
	t.Run("IncomingPhoneNumber", func(t *testing.T) {
		testRecord(t, fillRecord[NumberRecord], NumberRecord.Resource)
		n := NumberRecord{AccountSid: "AC1", Sid: "PN1", PhoneNumber: "+15550001000", VoiceURL: "https://a.test/v?x=1&y=2", VoiceMethod: "POST"}
		testRecord(t, func(int) NumberRecord { return n }, NumberRecord.Resource)
	})
	t.Run("Call", func(t *testing.T) {
		testRecord(t, fillRecord[CallRecord], CallRecord.Resource)
		c := CallRecord{Sid: "CA1", AccountSid: "AC1", To: "+15550001000", Status: "queued", DateCreated: time.Unix(0, 0), DateUpdated: time.Unix(1, 0)}
		testRecord(t, func(int) CallRecord { return c }, CallRecord.Resource)
		c.StartTime, c.EndTime, c.HasDuration, c.DurationSeconds = time.Unix(2, 0), time.Unix(65, 0), true, 63
		testRecord(t, func(int) CallRecord { return c }, CallRecord.Resource)
	})
}

func testRecord[R interface {
	jsonAppender
	json.Marshaler
}, T any](t *testing.T, fill func(seed int) R, resource func(R) T) {
	t.Helper()
	for seed := range 40 {
		r := fill(seed)
		want := must(json.Marshal(resource(r)))
		if got := must(r.appendJSON([]byte("x"))); string(got) != "x"+string(want) {
			t.Fatalf("seed %d: appendJSON\n got %s\nwant %s", seed, got[1:], want)
		}
		if got := must(json.Marshal(r)); string(got) != string(want) {
			t.Fatalf("seed %d: json.Marshal\n got %s\nwant %s", seed, got, want)
		}
		if got := must(json.Marshal([]R{r, r})); string(got) != "["+string(want)+","+string(want)+"]" {
			t.Fatalf("seed %d: in a list\n got %s\nwant %s", seed, got, want)
		}
	}
}
