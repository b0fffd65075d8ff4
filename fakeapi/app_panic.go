package fakeapi

import (
	"fmt"
	"net/http"
)

// serveApp answers a webhook with an in-process app's handler. A handler
// that panics is treated as a real server treats it: the connection ends
// without an answer (Twilio's 11205), and the panic is reported in the
// error, so that it reaches the trace instead of tearing down the fake.
func serveApp(app http.Handler, r *http.Request) (resp *http.Response, err error) {
	defer func() {
		if v := recover(); v != nil {
			resp, err = nil, fmt.Errorf("fakeapi: the app's handler for %s panicked: %v", r.URL, v)
		}
	}()
	return serveInMemory(app, r)
}
