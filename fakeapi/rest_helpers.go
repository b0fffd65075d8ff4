package fakeapi

import (
	"net/http"
	"strings"
)

// resourceSid returns the SID in the last path segment, "CA….json" -> "CA…".
func resourceSid(r *http.Request) string {
	return strings.TrimSuffix(r.PathValue("file"), ".json")
}
