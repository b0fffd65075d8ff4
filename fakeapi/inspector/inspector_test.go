package inspector_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/holdlab/holdlab/fakeapi"
	"github.com/holdlab/holdlab/fakeapi/inspector"
	"github.com/holdlab/holdlab/fakeapi/sim"
	openapi "github.com/twilio/twilio-go/rest/api/v2010"
)

// The page's files are embedded, and the timeline is the session's: a
// lane per leg, coloured by what its party hears, as --timeline draws it.
func TestHandler(t *testing.T) {
	f, err := fakeapi.New(fakeapi.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := f.SetPhone("+15550002000", sim.PhoneScript{Name: "listener"}); err != nil {
		t.Fatal(err)
	}
	to, from, twiml := "+15550002000", "+15550001000", `<Response><Say>Hello there</Say></Response>`
	c, err := f.RestClient().CreateCall(&openapi.CreateCallParams{To: &to, From: &from, Twiml: &twiml})
	if err != nil {
		t.Fatal(err)
	}
	f.Advance(5 * time.Second)
	h := inspector.Handler(func() *fakeapi.Fake { return f })
	for _, tc := range []struct{ path, contentType, has string }{
		{"/holdlab/ui/", "text/html", `<script src="app.js" defer></script>`},
		{"/holdlab/ui/app.js", "text/javascript", `"/holdlab/events"`},
		{"/holdlab/ui/style.css", "text/css", `.h-hold`},
		{"/holdlab/ui/timeline.svg", "image/svg+xml", `<g class="lane lane-leg" data-id="` + *c.Sid + `">`},
		{"/holdlab/ui/timeline.svg", "image/svg+xml", `listener ` + (*c.Sid)[:2] + ".." + (*c.Sid)[30:]},
		{"/holdlab/ui/timeline.svg", "image/svg+xml", `class="seg hears-media"`},
	} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", tc.path, nil))
		body, _ := io.ReadAll(rec.Result().Body)
		if rec.Code != http.StatusOK || !strings.HasPrefix(rec.Header().Get("Content-Type"), tc.contentType) || !strings.Contains(string(body), tc.has) {
			t.Errorf("GET %s: %d %s, want 200 %s with %q:\n%.400s", tc.path, rec.Code, rec.Header().Get("Content-Type"), tc.contentType, tc.has, body)
		}
	}
}

// A long session's timeline draws its newest legs only.
func TestTimelineNewestLegs(t *testing.T) {
	f, err := fakeapi.New(fakeapi.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	api := f.RestClient()
	var last string
	for range 30 {
		to, from, twiml := "+15550002000", "+15550001000", `<Response><Say>Hi</Say></Response>`
		c, err := api.CreateCall(&openapi.CreateCallParams{To: &to, From: &from, Twiml: &twiml})
		if err != nil {
			t.Fatal(err)
		}
		last = *c.Sid
		f.Advance(10 * time.Second)
	}
	tl := inspector.Timeline(f)
	legs := 0
	for _, l := range tl.Lanes {
		if l.Kind == "leg" {
			legs++
		}
	}
	if legs != 24 || tl.Lanes[legs-1].ID != last || !strings.Contains(tl.Title, "newest 24") {
		t.Errorf("%d leg lanes, the last %s (want %s), title %q", legs, tl.Lanes[legs-1].ID, last, tl.Title)
	}
}
