package wire

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/twilio/twilio-go/client"
)

func TestErrorConstructors(t *testing.T) {
	tests := []struct {
		name    string
		err     *Error
		status  int
		code    int
		message string
	}{
		{"Unauthorized", Unauthorized(), 401, 20003, "Authenticate"},
		{"NotFound", NotFound("/2010-04-01/Accounts/AC1/Calls/CA1.json"), 404, 20404,
			"The requested resource /2010-04-01/Accounts/AC1/Calls/CA1.json was not found"},
		{"MethodNotAllowed", MethodNotAllowed(), 405, 20004, "Method not allowed"},
		{"TooManyRequests", TooManyRequests(), 429, 20429, "Too Many Requests"},
		{"Internal", Internal(), 500, 20500, "Internal Server Error"},
		{"CallNotInProgress", CallNotInProgress(), 400, 21220, "Call is not in-progress. Cannot redirect."},
		{"MissingTo", MissingTo(), 400, 21201, "No 'To' number is specified"},
		{"MissingFrom", MissingFrom(), 400, 21213, "No 'From' number is specified"},
		{"MissingURL", MissingURL(), 400, 21205, "Url parameter is required."},
		{"InvalidURL", InvalidURL("Url", "not a url"), 400, 21205, "Url is not a valid URL: not a url"},
		{"InvalidMethod", InvalidMethod("StatusCallbackMethod", "PUT"), 400, 21200,
			"StatusCallbackMethod must be either GET or POST, got 'PUT'"},
		{"InvalidParameter", InvalidParameter(20001, "Muted", "maybe"), 400, 20001,
			"Invalid value 'maybe' for parameter Muted"},
		{"BadRequest", BadRequest("Malformed request body"), 400, 20001, "Malformed request body"},
		{"RequestTooLarge", RequestTooLarge(1024), 413, 20001, "Request body exceeds the limit of 1024 bytes"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if tc.err.Status != tc.status || tc.err.Code != tc.code || tc.err.Message != tc.message {
				t.Fatalf("got %d/%d/%q, want %d/%d/%q", tc.err.Status, tc.err.Code, tc.err.Message, tc.status, tc.code, tc.message)
			}
			rec := httptest.NewRecorder()
			WriteError(rec, tc.err)
			if rec.Code != tc.status {
				t.Errorf("HTTP status %d", rec.Code)
			}
			var body map[string]any
			if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
				t.Fatal(err)
			}
			want := map[string]any{
				"code": float64(tc.code), "message": tc.message, "status": float64(tc.status),
				"more_info": fmt.Sprintf("https://www.twilio.com/docs/errors/%d", tc.code),
			}
			if fmt.Sprint(body) != fmt.Sprint(want) {
				t.Errorf("body %v, want %v", body, want)
			}
		})
	}
}

func TestWriteError(t *testing.T) {
	tests := []struct {
		name   string
		err    error
		status int
		code   int
	}{
		{"wire error", MissingTo(), 400, 21201},
		{"wrapped wire error", fmt.Errorf("create call: %w", NotFound("/x")), 404, 20404},
		{"plain error", errors.New("boom"), 500, 20500},
		{"nil wire error", (*Error)(nil), 500, 20500},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rec := httptest.NewRecorder()
			WriteError(rec, tc.err)
			if rec.Code != tc.status {
				t.Fatalf("status %d, want %d", rec.Code, tc.status)
			}
			if ct := rec.Header().Get("Content-Type"); ct != "application/json; charset=utf-8" {
				t.Errorf("Content-Type %q", ct)
			}
			// twilio-go decodes error bodies into TwilioRestError.
			var te client.TwilioRestError
			if err := json.Unmarshal(rec.Body.Bytes(), &te); err != nil {
				t.Fatal(err)
			}
			if te.Code != tc.code || te.Status != tc.status || te.MoreInfo != fmt.Sprintf("https://www.twilio.com/docs/errors/%d", tc.code) {
				t.Errorf("decoded %+v", te)
			}
		})
	}
}

func TestJSON(t *testing.T) {
	tests := []struct {
		name   string
		status int
		v      any
		want   int
		body   string
	}{
		{"created", http.StatusCreated, map[string]int{"a": 1}, 201, `{"a":1}`},
		{"unencodable", http.StatusOK, func() {}, 500, `{"code":20500,"message":"Internal Server Error","more_info":"https://www.twilio.com/docs/errors/20500","status":500}`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rec := httptest.NewRecorder()
			JSON(rec, tc.status, tc.v)
			if rec.Code != tc.want || rec.Body.String() != tc.body {
				t.Fatalf("got %d %s", rec.Code, rec.Body)
			}
			if ct := rec.Header().Get("Content-Type"); ct != "application/json; charset=utf-8" {
				t.Errorf("Content-Type %q", ct)
			}
		})
	}
}

func TestErrorString(t *testing.T) {
	var err error = MissingFrom()
	if got := err.Error(); got != "twilio error 21213 (HTTP 400): No 'From' number is specified" {
		t.Fatal(got)
	}
}
