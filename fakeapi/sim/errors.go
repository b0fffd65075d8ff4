package sim

import (
	"fmt"
	"net/http"
	"strconv"
)

// Error is a request the engine refuses, with Twilio's error code and the
// HTTP status Twilio answers it with. The fakeapi package renders it as
// Twilio's JSON error body.
type Error struct {
	Status  int
	Code    int
	Message string
}

func (e *Error) Error() string { return fmt.Sprintf("%d %s", e.Code, e.Message) }

func errNotFound(path string) *Error {
	return &Error{Status: http.StatusNotFound, Code: 20404, Message: "The requested resource " + path + " was not found"}
}

func errNotInProgress() *Error {
	return &Error{Status: http.StatusBadRequest, Code: 21220, Message: "Call is not in-progress. Cannot redirect."}
}

func errBadRequest(code int, format string, args ...any) *Error {
	return &Error{Status: http.StatusBadRequest, Code: code, Message: fmt.Sprintf(format, args...)}
}

func itoa(n int) string { return strconv.Itoa(n) }
