package wire

import (
	"encoding/json"
	"fmt"
	"net/url"
	"reflect"
	"testing"
)

// tricky are strings encoding/json escapes in every way it can.
var tricky = []string{
	"", "CA0123456789abcdef0123456789abcdef", "+15550001000", "Mon, 06 Jan 2025 09:00:00 +0000",
	`quote " backslash \ slash /`, "<script>&amp;</script>", "tab\tnewline\nreturn\rnul\x00bell\x07",
	"\u2028\u2029", "é ü 日本", "bad utf-8 \xff\xfe", "del \x7f", "\b\f",
}

// fill sets every field of a resource by reflection, so that a field added
// to the resource but not to its appendJSON makes the comparison fail.
func fill[T any](seed int) T {
	var c T
	v := reflect.ValueOf(&c).Elem()
	for i := range v.NumField() {
		f := v.Field(i)
		s := fmt.Sprintf("%s-%d", tricky[(seed+i)%len(tricky)], i)
		switch {
		case f.Kind() == reflect.Pointer && (seed+i)%5 == 0:
			// null
		case f.Type() == reflect.TypeFor[*string]():
			f.Set(reflect.ValueOf(&s))
		case f.Type() == reflect.TypeFor[*bool]():
			b := (seed+i)%2 == 0
			f.Set(reflect.ValueOf(&b))
		case f.Kind() == reflect.Map:
			if seed%7 == 6 {
				continue // null map
			}
			m := map[string]string{}
			for j := range seed % 12 {
				m[tricky[j%len(tricky)]+fmt.Sprint(j)] = tricky[(j+seed)%len(tricky)]
			}
			f.Set(reflect.ValueOf(m))
		default:
			panic(v.Type().Name() + " has a field of type " + f.Type().String() + ": teach appendJSON and this test about it")
		}
	}
	return c
}

func TestAppendJSONMatchesEncodingJSON(t *testing.T) {
	t.Run("Call", testAppendJSON[Call])
	t.Run("Participant", testAppendJSON[Participant])
}

func testAppendJSON[T jsonAppender](t *testing.T) {
	for seed := range 40 {
		c := fill[T](seed)
		want, err := json.Marshal(c)
		if err != nil {
			t.Fatal(err)
		}
		if got, _ := c.appendJSON(nil); string(got) != string(want) {
			t.Fatalf("seed %d:\n got %s\nwant %s", seed, got, want)
		}
	}
	var zero T
	if got, want := must(zero.appendJSON(nil)), must(json.Marshal(zero)); string(got) != string(want) {
		t.Fatalf("zero value:\n got %s\nwant %s", got, want)
	}
}

func FuzzAppendJSONString(f *testing.F) {
	for _, s := range tricky {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		want, _ := json.Marshal(s)
		if got := appendJSONString(nil, s); string(got) != string(want) {
			t.Fatalf("%q: got %s, want %s", s, got, want)
		}
	})
}

// The envelope written by Page.MarshalJSON is what encoding/json writes
// for the equivalent map.
func TestPageMarshalMatchesMap(t *testing.T) {
	calls := []Call{fill[Call](1), fill[Call](2), fill[Call](3)}
	check := func(name string, got []byte, err error, p any, key string, items any) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		pv := reflect.ValueOf(p)
		field := func(n string) any { return pv.FieldByName(n).Interface() }
		want := must(json.Marshal(map[string]any{
			key:                 items,
			"first_page_uri":    field("FirstPageURI"),
			"next_page_uri":     field("NextPageURI"),
			"previous_page_uri": field("PreviousPageURI"),
			"page":              field("Page"),
			"page_size":         field("PageSize"),
			"start":             field("Start"),
			"end":               field("End"),
			"uri":               field("URI"),
		}))
		if string(got) != string(want) {
			t.Errorf("%s:\n got %s\nwant %s", name, got, want)
		}
	}
	for _, tok := range []string{"", "PA1", "PA2"} {
		q := url.Values{"To": {"+1555<&>"}, "PageSize": {"1"}}
		if tok != "" {
			q.Set("PageToken", tok)
		}
		req, err := ParsePageRequest(q)
		if err != nil {
			t.Fatal(err)
		}
		p := NewPage(KeyCalls, calls, req, "/Calls.json", q)
		got, err := p.appendJSON(nil) // what JSON writes, without json.Marshal's second pass
		check("calls "+tok, got, err, p, KeyCalls, p.Items)
		for _, key := range []string{KeyQueueMembers, KeyParticipants, "", "uri"} {
			pc := NewPage(key, []Conference{{Sid: Ptr("CF1")}}, req, "/Conferences.json", q)
			got, err := pc.appendJSON(nil)
			k := key
			if k == "" {
				k = "items"
			}
			var items any = pc.Items
			if k == "uri" {
				items = nil // overwritten by the envelope's uri
			}
			check("key "+key, got, err, pc, k, items)
		}
	}
	empty := NewPage[Call](KeyCalls, nil, PageRequest{PageSize: 50}, "/Calls.json", nil)
	got, err := empty.appendJSON(nil)
	check("empty", got, err, empty, KeyCalls, []Call{})
}

func must(b []byte, err error) []byte {
	if err != nil {
		panic(err)
	}
	return b
}
