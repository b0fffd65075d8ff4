package wire

import (
	"encoding/json"
	"reflect"
	"sort"
	"strings"
	"testing"

	openapi "github.com/twilio/twilio-go/rest/api/v2010"
)

// modelPairs pairs each wire struct with its twilio-go model.
var modelPairs = []struct {
	name   string
	ours   any // pointer to a zero value
	theirs any // pointer to a zero value
}{
	{"Call", &Call{}, &openapi.ApiV2010Call{}},
	{"IncomingPhoneNumber", &IncomingPhoneNumber{}, &openapi.ApiV2010IncomingPhoneNumber{}},
	{"Capabilities", &Capabilities{}, &openapi.ApiV2010AccountIncomingPhoneNumberCapabilities{}},
	{"Conference", &Conference{}, &openapi.ApiV2010Conference{}},
	{"Participant", &Participant{}, &openapi.ApiV2010Participant{}},
	{"Queue", &Queue{}, &openapi.ApiV2010Queue{}},
	{"Member", &Member{}, &openapi.ApiV2010Member{}},
	{"Recording", &Recording{}, &openapi.ApiV2010Recording{}},
	{"CallRecording", &CallRecording{}, &openapi.ApiV2010CallRecording{}},
	{"ConferenceRecording", &ConferenceRecording{}, &openapi.ApiV2010ConferenceRecording{}},
	{"Key", &Key{}, &openapi.ApiV2010Key{}},
	{"NewKey", &NewKey{}, &openapi.ApiV2010NewKey{}},
	{"Application", &Application{}, &openapi.ApiV2010Application{}},
	{"UserDefinedMessage", &UserDefinedMessage{}, &openapi.ApiV2010UserDefinedMessage{}},
	{"UserDefinedMessageSubscription", &UserDefinedMessageSubscription{}, &openapi.ApiV2010UserDefinedMessageSubscription{}},
}

// jsonField is one JSON property of a struct.
type jsonField struct {
	typ       reflect.Type
	omitempty bool
}

func jsonFields(t reflect.Type) map[string]jsonField {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	out := map[string]jsonField{}
	for i := range t.NumField() {
		f := t.Field(i)
		tag, ok := f.Tag.Lookup("json")
		if !ok || tag == "-" || !f.IsExported() {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		out[name] = jsonField{typ: f.Type, omitempty: strings.Contains(opts, "omitempty")}
	}
	return out
}

// jsonKind is the JSON value kind a Go type encodes to.
func jsonKind(t reflect.Type) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.String:
		return "string"
	case reflect.Bool:
		return "bool"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64,
		reflect.Float32, reflect.Float64:
		return "number"
	case reflect.Map, reflect.Struct, reflect.Interface:
		return "object"
	case reflect.Slice, reflect.Array:
		return "array"
	}
	return t.Kind().String()
}

func keys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func TestFieldsMatchTwilioGo(t *testing.T) {
	for _, tc := range modelPairs {
		t.Run(tc.name, func(t *testing.T) {
			ours := jsonFields(reflect.TypeOf(tc.ours))
			theirs := jsonFields(reflect.TypeOf(tc.theirs))
			if !reflect.DeepEqual(keys(ours), keys(theirs)) {
				t.Fatalf("JSON names differ:\n wire:      %v\n twilio-go: %v", keys(ours), keys(theirs))
			}
			for name, f := range ours {
				if f.omitempty {
					t.Errorf("%s: has omitempty; Twilio sends every field", name)
				}
				if got, want := jsonKind(f.typ), jsonKind(theirs[name].typ); got != want {
					t.Errorf("%s: JSON kind %s, twilio-go %s", name, got, want)
				}
			}
		})
	}
}

// populate fills every field of v with a distinct non-zero value.
func populate(v reflect.Value, seed string) {
	switch v.Kind() {
	case reflect.Pointer:
		v.Set(reflect.New(v.Type().Elem()))
		populate(v.Elem(), seed)
	case reflect.Struct:
		for i := range v.NumField() {
			populate(v.Field(i), seed+"-"+v.Type().Field(i).Name)
		}
	case reflect.String:
		v.SetString("v" + seed)
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Int:
		v.SetInt(int64(len(seed)))
	case reflect.Float64:
		v.SetFloat(float64(len(seed)) + 0.5) // exact in twilio-go's float32
	case reflect.Map:
		m := reflect.MakeMap(v.Type())
		m.SetMapIndex(reflect.ValueOf("members"), reflect.ValueOf("/2010-04-01/x"+seed+".json").Convert(v.Type().Elem()))
		v.Set(m)
	default:
		panic("populate: unhandled kind " + v.Kind().String())
	}
}

func toGeneric(t *testing.T, v any) map[string]any {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

func TestRoundTripThroughTwilioGo(t *testing.T) {
	for _, tc := range modelPairs {
		t.Run(tc.name, func(t *testing.T) {
			ours := reflect.New(reflect.TypeOf(tc.ours).Elem())
			populate(ours.Elem(), "")
			b, err := json.Marshal(ours.Interface())
			if err != nil {
				t.Fatal(err)
			}
			theirs := reflect.New(reflect.TypeOf(tc.theirs).Elem()).Interface()
			if err := json.Unmarshal(b, theirs); err != nil {
				t.Fatalf("twilio-go cannot decode: %v\n%s", err, b)
			}
			// Every value is non-zero, so twilio-go's omitempty drops
			// nothing: re-encoding must give back the same document.
			if got, want := toGeneric(t, theirs), toGeneric(t, ours.Interface()); !reflect.DeepEqual(got, want) {
				t.Fatalf("lossy round trip:\n twilio-go: %v\n wire:      %v", got, want)
			}
			// And back into the wire struct.
			back := reflect.New(ours.Elem().Type()).Interface()
			if err := json.Unmarshal(b, back); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(back, ours.Interface()) {
				t.Fatalf("wire round trip differs: %+v", back)
			}
		})
	}
}

func TestNullFieldsDecodeIntoTwilioGo(t *testing.T) {
	for _, tc := range modelPairs {
		t.Run(tc.name, func(t *testing.T) {
			b, err := json.Marshal(tc.ours) // zero value: pointers and maps are null
			if err != nil {
				t.Fatal(err)
			}
			m := toGeneric(t, tc.ours)
			if got, want := keys(m), keys(jsonFields(reflect.TypeOf(tc.ours))); !reflect.DeepEqual(got, want) {
				t.Fatalf("zero value omits fields: got %v want %v", got, want)
			}
			theirs := reflect.New(reflect.TypeOf(tc.theirs).Elem()).Interface()
			if err := json.Unmarshal(b, theirs); err != nil {
				t.Fatalf("twilio-go cannot decode nulls: %v\n%s", err, b)
			}
		})
	}
	var c openapi.ApiV2010Call
	if err := json.Unmarshal([]byte(`{"sid":"CA1","parent_call_sid":null,"subresource_uris":null,"price":null}`), &c); err != nil {
		t.Fatal(err)
	}
	if c.ParentCallSid != nil || c.Price != nil || c.SubresourceUris != nil || *c.Sid != "CA1" {
		t.Fatalf("unexpected decode: %+v", c)
	}
}

func TestCallFixtureRoundTrip(t *testing.T) {
	sid := "CA" + strings.Repeat("a", 32)
	call := Call{
		Sid:         &sid,
		Status:      Ptr("in-progress"),
		Direction:   Ptr("outbound-api"),
		APIVersion:  Ptr(APIVersion),
		Duration:    NullString(""),
		QueueTime:   Ptr("0"),
		DateCreated: Ptr("Tue, 31 Aug 2010 20:36:28 +0000"),
	}
	b, err := json.Marshal(call)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), `"duration":null`) || !strings.Contains(string(b), `"subresource_uris":null`) {
		t.Fatalf("nulls not rendered: %s", b)
	}
	var tc openapi.ApiV2010Call
	if err := json.Unmarshal(b, &tc); err != nil {
		t.Fatal(err)
	}
	if *tc.Sid != sid || *tc.Status != "in-progress" || *tc.ApiVersion != "2010-04-01" || tc.Duration != nil || *tc.QueueTime != "0" {
		t.Fatalf("bad decode: %+v", tc)
	}
}
