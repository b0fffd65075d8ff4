package fakeapi

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/holdlab/holdlab/fakeapi/sim"
	"github.com/holdlab/holdlab/fakeapi/webhook"
)

// seen is what an app's handler saw of a request.
type seen struct {
	Method, Proto, Host, RemoteAddr, RequestURI string
	URL                                         url.URL
	Header                                      http.Header
	Body                                        string
	ContentLength                               int64
	TLS                                         bool
	ServerName                                  string
	Deadline                                    bool
}

// The direct path to an in-process app gives its handler the request, and
// the fake the answer, that net/http's client and the in-memory transport
// give: same method, URL, headers, body and TLS; same status, body and
// error, for redirects, panics, dropped connections, oversized bodies and
// timeouts too.
func TestDirectPathMatchesClient(t *testing.T) {
	var got []seen
	app := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		_, dl := r.Context().Deadline()
		s := seen{Method: r.Method, Proto: r.Proto, Host: r.Host, RemoteAddr: r.RemoteAddr, RequestURI: r.RequestURI,
			URL: *r.URL, Header: r.Header.Clone(), Body: string(body), ContentLength: r.ContentLength, TLS: r.TLS != nil, Deadline: dl}
		if r.TLS != nil {
			s.ServerName = r.TLS.ServerName
		}
		got = append(got, s)
		switch r.URL.Path {
		case "/redirect":
			http.Redirect(w, r, "/twiml?from=redirect", http.StatusFound)
		case "/redirect-307":
			w.Header().Set("Location", "/twiml")
			w.WriteHeader(http.StatusTemporaryRedirect)
		case "/loop":
			http.Redirect(w, r, "/loop", http.StatusFound)
		case "/panic":
			panic("boom")
		case "/abort":
			panic(http.ErrAbortHandler)
		case "/huge":
			w.Header().Set("Content-Type", "text/xml")
			io.WriteString(w, strings.Repeat("x", maxWebhookBody+10))
		case "/hang":
			<-r.Context().Done()
		case "/404":
			http.NotFound(w, r)
		default:
			w.Header().Set("Content-Type", "text/xml")
			io.WriteString(w, "<Response><Say>hi</Say></Response>")
		}
	})
	f, err := New(Options{Apps: map[string]http.Handler{"app.test": app, "app.test:8443": app}, WebhookTimeout: 50 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	params := url.Values{"CallSid": {"CA1"}, "CallStatus": {"in-progress"}, "Msg": {"a b&c/é"}, "Events": {"hold", "unhold"}}
	tests := []struct {
		url    string
		method string
	}{
		{"https://app.test/twiml", "POST"},
		{"https://app.test/twiml", "GET"},
		{"https://app.test/twiml", ""},
		{"http://app.test:8443/twiml?x=1", "GET"},
		{"http://app.test:8443/twiml?x=1", "POST"},
		{"https://app.test", "POST"},
		{"https://app.test/redirect", "POST"},
		{"https://app.test/redirect-307", "POST"},
		{"https://app.test/loop", "GET"},
		{"https://app.test/panic", "POST"},
		{"https://app.test/abort", "POST"},
		{"https://app.test/huge", "POST"},
		{"https://app.test/hang", "POST"},
		{"https://app.test/404", "GET"},
	}
	for _, tc := range tests {
		t.Run(tc.method+" "+tc.url, func(t *testing.T) {
			compareDirectAndClient(t, f, &sim.Effect{URL: tc.url, Method: tc.method, Params: params}, &got)
		})
	}
	// The app reads its bodies raw: no webhook builds it a form it never parses.
	if f.formApps.parses("app.test") || f.formApps.parses("app.test:8443") {
		t.Error("the direct path parses the forms of an app that does not")
	}
}

// compareDirectAndClient performs eff by the direct path, then through
// f.webhook, and checks that both give the same answer and that the app,
// which appends what it sees to *got, saw the same.
func compareDirectAndClient[T any](t *testing.T, f *Fake, eff *sim.Effect, got *[]T) {
	t.Helper()
	*got = nil
	direct := answer(f, eff, true)
	viaDirect := *got
	*got = nil
	client := answer(f, eff, false)
	viaClient := *got
	if direct != client {
		t.Errorf("direct path answers\n%s\nthe client\n%s", direct, client)
	}
	if !reflect.DeepEqual(viaDirect, viaClient) {
		t.Errorf("the app saw from the direct path\n%+v\nfrom the client\n%+v", viaDirect, viaClient)
	}
	if len(viaDirect) == 0 {
		t.Error("the app saw no request")
	}
}

// answer performs eff by the direct path or through f.webhook, as perform
// does, and describes the outcome.
func answer(f *Fake, eff *sim.Effect, direct bool) string {
	ctx, cancel := context.WithTimeout(context.Background(), f.opts.WebhookTimeout)
	defer cancel()
	var resp webhook.Response
	if direct {
		var ok bool
		if resp, ok = f.performDirect(context.Background(), eff); !ok {
			return "not taken by the direct path"
		}
	} else {
		req, err := webhook.Request{URL: eff.URL, Method: eff.Method, Params: eff.Params}.HTTPRequest(ctx, f.opts.AuthToken)
		if err != nil {
			return err.Error()
		}
		resp = webhook.Do(ctx, &f.webhook, req, maxWebhookBody)
	}
	return fmt.Sprintf("status %d type %q location %q body %d %.40q err %v code %d", resp.StatusCode, resp.ContentType, resp.Location,
		len(resp.Body), resp.Body, resp.Err, resp.ErrorCode())
}

// formSeen is what an app's handler saw of a request's form.
type formSeen struct {
	Path             string
	Err              string
	Form, PostForm   url.Values
	FormValue        []string
	PostFormValue    []string
	Body             string // read raw, without parsing the form
	EnginesUnchanged bool
}

// An app that parses its form gets, on the direct path, the form net/http's
// ParseForm would give it (parsed in advance from the engine's parameters),
// with the same FormValue and PostFormValue; an app that reads the body raw
// gets it whole; an app that changes its form changes nothing of the
// engine's parameters, which a followed redirect sends again.
func TestDirectPathParsedForm(t *testing.T) {
	params := url.Values{"CallSid": {"CA1"}, "CallStatus": {"in-progress"}, "Msg": {"a b&c/é;x=1"},
		"Events": {"hold", "unhold"}, "Empty": {""}, "None": {}}
	orig := url.Values{}
	for k, vs := range params {
		orig[k] = append([]string{}, vs...)
	}
	var got []formSeen
	app := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s := formSeen{Path: r.URL.Path}
		defer func() { got = append(got, s) }()
		if r.URL.Path == "/raw" {
			body, _ := io.ReadAll(r.Body)
			s.Body = string(body)
			return
		}
		if err := r.ParseForm(); err != nil {
			s.Err = err.Error()
		}
		s.Form, s.PostForm = cloneValues(r.Form), cloneValues(r.PostForm)
		for _, k := range []string{"CallSid", "Events", "x", "Empty", "None"} {
			s.FormValue = append(s.FormValue, r.FormValue(k))
			s.PostFormValue = append(s.PostFormValue, r.PostFormValue(k))
		}
		if r.URL.Path == "/mutate" {
			r.Form.Set("CallSid", "changed")
			r.Form["Events"][0] = "changed"
			r.PostForm.Add("Events", "more")
			if len(r.PostForm["Msg"]) > 0 {
				r.PostForm["Msg"][0] = "changed"
			}
			s.EnginesUnchanged = reflect.DeepEqual(params, orig)
			w.Header().Set("Location", "/raw")
			w.WriteHeader(http.StatusTemporaryRedirect) // the body is sent again
		}
	})
	f, err := New(Options{Apps: map[string]http.Handler{"app.test": app}, WebhookTimeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	// The first webhook shows the app parses its form; the next ones have it parsed in advance.
	answer(f, &sim.Effect{URL: "https://app.test/twiml", Params: params}, true)
	if !f.formApps.parses("app.test") {
		t.Fatal("the direct path did not see the app parse its form")
	}
	tests := []struct {
		url    string
		method string
	}{
		{"https://app.test/twiml", "POST"},
		{"https://app.test/twiml", "GET"},
		{"https://app.test/twiml?x=1&CallSid=q&x=2", "GET"},
		{"https://app.test/twiml?x=1&CallSid=q&x=2", "POST"},
		{"https://app.test/twiml?x=1;y=2", "GET"},  // ParseForm's error
		{"https://app.test/twiml?x=1;y=2", "POST"}, // ParseForm's error
		{"https://app.test/twiml?x=%zz", "POST"},   // ParseForm's error
		{"https://app.test/raw", "POST"},
		{"https://app.test/raw?x=1", "GET"},
		{"https://app.test/mutate", "POST"},
		{"https://app.test/mutate?x=1", "GET"},
	}
	for _, tc := range tests {
		t.Run(tc.method+" "+tc.url, func(t *testing.T) {
			compareDirectAndClient(t, f, &sim.Effect{URL: tc.url, Method: tc.method, Params: params}, &got)
			if !reflect.DeepEqual(params, orig) {
				t.Errorf("the engine's parameters changed to %v", params)
			}
		})
	}
}

func cloneValues(v url.Values) url.Values {
	if v == nil {
		return nil
	}
	c := make(url.Values, len(v))
	for k, vs := range v {
		c[k] = append([]string{}, vs...)
	}
	return c
}

// An app that reads its body before parsing its form gets an empty form
// from a POST, by the direct path as from the client, webhook after
// webhook: no form parsed in advance hides that.
func TestDirectPathBodyReadBeforeForm(t *testing.T) {
	var got []string
	app := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		err := r.ParseForm()
		got = append(got, fmt.Sprintf("body %q form %v post %v err %v", body, r.Form, r.PostForm, err))
	})
	f, err := New(Options{Apps: map[string]http.Handler{"app.test": app}, WebhookTimeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	eff := &sim.Effect{URL: "https://app.test/twiml?x=1", Method: "POST", Params: url.Values{"CallSid": {"CA1"}}}
	for i := range 3 {
		got = nil
		answer(f, eff, true)
		answer(f, eff, false)
		if len(got) != 2 || got[0] != got[1] {
			t.Errorf("webhook %d: the app saw from the direct path, then from the client:\n%s", i, strings.Join(got, "\n"))
		}
	}
	if f.formApps.parses("app.test") {
		t.Error("the direct path parses in advance the forms of an app that reads its bodies first")
	}
}
