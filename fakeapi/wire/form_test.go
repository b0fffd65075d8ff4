package wire

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"strings"
	"testing"
)

func TestParseForm(t *testing.T) {
	tests := []struct {
		name        string
		method      string
		target      string
		contentType string
		body        string
		max         int64
		want        url.Values
		wantStatus  int
	}{
		{"GET query", "GET", "/x?PageSize=2&To=%2B1555", "", "", 100,
			url.Values{"PageSize": {"2"}, "To": {"+1555"}}, 0},
		{"DELETE query", "DELETE", "/x?a=b", "", "", 100, url.Values{"a": {"b"}}, 0},
		{"GET malformed query", "GET", "/x?a=%zz", "", "", 100, nil, 400},
		{"POST form", "POST", "/x?ignored=1", "application/x-www-form-urlencoded", "Url=http%3A%2F%2Fa.test%2F&StatusCallbackEvent=ringing&StatusCallbackEvent=answered", 1000,
			url.Values{"Url": {"http://a.test/"}, "StatusCallbackEvent": {"ringing", "answered"}}, 0},
		{"POST charset", "POST", "/x", "application/x-www-form-urlencoded; charset=utf-8", "Hold=true", 100,
			url.Values{"Hold": {"true"}}, 0},
		{"POST empty body", "POST", "/x", "", "", 100, url.Values{}, 0},
		{"POST at limit", "POST", "/x", "application/x-www-form-urlencoded", "a=12345", 7, url.Values{"a": {"12345"}}, 0},
		{"POST over limit", "POST", "/x", "application/x-www-form-urlencoded", "a=123456", 7, nil, 413},
		{"POST no limit", "POST", "/x", "application/x-www-form-urlencoded", "a=" + strings.Repeat("x", 5000), 0,
			url.Values{"a": {strings.Repeat("x", 5000)}}, 0},
		{"POST malformed", "POST", "/x", "application/x-www-form-urlencoded", "a=%zz", 100, nil, 400},
		{"POST json", "POST", "/x", "application/json", `{"a":1}`, 100, nil, 400},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := httptest.NewRequest(tc.method, tc.target, strings.NewReader(tc.body))
			if tc.contentType != "" {
				r.Header.Set("Content-Type", tc.contentType)
			}
			got, err := ParseForm(r, tc.max)
			if tc.wantStatus != 0 {
				e, ok := err.(*Error)
				if !ok || e.Status != tc.wantStatus {
					t.Fatalf("err = %v, want status %d", err, tc.wantStatus)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("got %v, want %v", got, tc.want)
			}
		})
	}
}

func TestParseFormMaxBytesReader(t *testing.T) {
	r := httptest.NewRequest("POST", "/x", strings.NewReader("a=123456"))
	r.Header.Set("Content-Type", FormContentType)
	r.Body = http.MaxBytesReader(httptest.NewRecorder(), r.Body, 3)
	_, err := ParseForm(r, 100)
	if e, ok := err.(*Error); !ok || e.Status != http.StatusRequestEntityTooLarge {
		t.Fatalf("err = %v", err)
	}
}

func TestBool(t *testing.T) {
	tests := []struct {
		in      string
		set     bool
		want    *bool
		wantErr bool
	}{
		{"", false, nil, false},
		{"", true, nil, false},
		{"true", true, Ptr(true), false},
		{"TRUE", true, Ptr(true), false},
		{"False", true, Ptr(false), false},
		{"1", true, nil, true},
		{"yes", true, nil, true},
	}
	for _, tc := range tests {
		v := url.Values{}
		if tc.set {
			v.Set("Hold", tc.in)
		}
		got, err := Bool(v, "Hold")
		if tc.wantErr {
			if e, ok := err.(*Error); !ok || e.Status != 400 || !strings.Contains(e.Message, "Hold") {
				t.Errorf("Bool(%q) err = %v", tc.in, err)
			}
			continue
		}
		if err != nil || !reflect.DeepEqual(got, tc.want) {
			t.Errorf("Bool(%q) = %v, %v", tc.in, got, err)
		}
	}
}

func TestInt(t *testing.T) {
	tests := []struct {
		in      string
		want    *int
		wantErr bool
	}{
		{"", nil, false},
		{"60", Ptr(60), false},
		{" -3 ", Ptr(-3), false},
		{"1.5", nil, true},
		{"ten", nil, true},
	}
	for _, tc := range tests {
		got, err := Int(url.Values{"Timeout": {tc.in}}, "Timeout")
		if tc.wantErr {
			if e, ok := err.(*Error); !ok || e.Status != 400 {
				t.Errorf("Int(%q) err = %v", tc.in, err)
			}
			continue
		}
		if err != nil || !reflect.DeepEqual(got, tc.want) {
			t.Errorf("Int(%q) = %v, %v", tc.in, got, err)
		}
	}
}

func TestMethod(t *testing.T) {
	tests := []struct {
		in, def, want string
		wantErr       bool
	}{
		{"", "POST", "POST", false},
		{"", "GET", "GET", false},
		{"get", "POST", "GET", false},
		{"Post", "GET", "POST", false},
		{"PUT", "POST", "", true},
		{"DELETE", "POST", "", true},
	}
	for _, tc := range tests {
		got, err := Method(url.Values{"Method": {tc.in}}, "Method", tc.def)
		if tc.wantErr {
			if e, ok := err.(*Error); !ok || e.Status != 400 || e.Code != CodeCallsGeneral {
				t.Errorf("Method(%q) err = %v", tc.in, err)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("Method(%q) = %q, %v", tc.in, got, err)
		}
	}
}
