package fakeapi

import (
	"bytes"
	"context"
	"crypto/tls"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"

	"github.com/holdlab/holdlab/fakeapi/sim"
	"github.com/holdlab/holdlab/fakeapi/webhook"
	"github.com/twilio/twilio-go/client"
	openapi "github.com/twilio/twilio-go/rest/api/v2010"
)

// HTTPClient returns a client whose requests are answered by the fake in
// memory, whatever host their URL names (twilio-go always writes
// https://api.twilio.com): no socket is opened.
func (f *Fake) HTTPClient() *http.Client {
	return &http.Client{
		Transport: (*memTransport)(f),
		// Like twilio-go's own client: never follow redirects.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// memTransport is a fake as the RoundTripper of HTTPClient: it answers
// every request with the fake's handler, in memory.
type memTransport Fake

func (t *memTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	return serveInMemory(t.handler, r, false)
}

// RestClient returns twilio-go's client of Twilio's REST API (2010-04-01),
// unmodified, talking to the fake in memory with the fake account's
// credentials: the same *openapi.ApiService as a twilio.RestClient's Api
// field. (A whole *twilio.RestClient, with every other Twilio API, is
// twilio.NewRestClientWithParams of a client.Client whose HTTPClient is
// f.HTTPClient().)
func (f *Fake) RestClient() *openapi.ApiService {
	return newRestClient(f.opts.AccountSid, f.opts.AuthToken, f.HTTPClient())
}

// NewRestClient returns twilio-go's client of Twilio's REST API
// (2010-04-01) that sends every request to baseURL (e.g. the address of
// `holdlab serve`, "http://127.0.0.1:8088") instead of api.twilio.com.
// Only the scheme and host change; paths, bodies and credentials are
// exactly what twilio-go sends.
func NewRestClient(baseURL, accountSid, authToken string) (*openapi.ApiService, error) {
	hc, err := baseURLClient(baseURL)
	if err != nil {
		return nil, err
	}
	return newRestClient(accountSid, authToken, hc), nil
}

// baseURLClient is an HTTP client that sends every request to baseURL and,
// like twilio-go's own, never follows redirects.
func baseURLClient(baseURL string) (*http.Client, error) {
	rt, err := BaseURLTransport(baseURL, http.DefaultTransport)
	if err != nil {
		return nil, err
	}
	return &http.Client{
		Transport: rt,
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
	}, nil
}

// newRestClient builds what twilio.NewRestClientWithParams builds for its
// Api field, without importing twilio-go's root package, which compiles
// every Twilio API.
func newRestClient(sid, token string, hc *http.Client) *openapi.ApiService {
	return newRestClientAs(sid, token, sid, hc)
}

// newRestClientAs is newRestClient with credentials (user, password) that
// may be an API key's, for the account accountSid: what
// twilio.NewRestClientWithParams(ClientParams{Username, Password,
// AccountSid}) builds.
func newRestClientAs(user, password, accountSid string, hc *http.Client) *openapi.ApiService {
	c := &client.Client{Credentials: client.NewCredentials(user, password), HTTPClient: hc}
	c.SetAccountSid(accountSid)
	return openapi.NewApiServiceWithClient(c)
}

// BaseURLTransport returns a RoundTripper that sends every request through
// next to baseURL's scheme and host, its path prefixed with baseURL's path
// if it has one: what points twilio-go, which always writes
// https://api.twilio.com, at `holdlab serve`. Paths, bodies and credentials
// stay exactly as the client wrote them.
func BaseURLTransport(baseURL string, next http.RoundTripper) (http.RoundTripper, error) {
	base, err := url.Parse(baseURL)
	if err != nil || base.Scheme == "" || base.Host == "" {
		return nil, fmt.Errorf("fakeapi: base URL %q must be absolute, like http://127.0.0.1:8088", baseURL)
	}
	return &rewriteHost{base: base, next: next}, nil
}

// rewriteHost sends requests to base's scheme and host (and path prefix).
type rewriteHost struct {
	base *url.URL
	next http.RoundTripper
}

func (t *rewriteHost) RoundTrip(r *http.Request) (*http.Response, error) {
	r2 := r.Clone(r.Context())
	r2.URL.Scheme = t.base.Scheme
	r2.URL.Host = t.base.Host
	r2.Host = t.base.Host
	if p := strings.TrimSuffix(t.base.Path, "/"); p != "" {
		r2.URL.Path = p + r2.URL.Path
	}
	return t.next.RoundTrip(r2)
}

// serveInMemory answers r with h, in the calling goroutine. ownHeader gives
// h a copy of r's headers, for a handler that may change them (an app's);
// the fake's own handler only reads them.
func serveInMemory(h http.Handler, r *http.Request, ownHeader bool) (*http.Response, error) {
	if err := r.Context().Err(); err != nil {
		return nil, err
	}
	// Everything a request needs, allocated at once.
	ex := &memExchange{req: *r}
	// Give the handler the server-side view a real server would: a URL of
	// path and query only, Host, and TLS for https. ex.req is a shallow
	// copy of r (what r.WithContext makes), with its own URL.
	sr := &ex.req
	if ownHeader {
		sr.Header = r.Header.Clone()
	}
	if sr.Header == nil {
		sr.Header = http.Header{}
	}
	sr.RequestURI = r.URL.RequestURI()
	ex.url = url.URL{Path: r.URL.Path, RawPath: r.URL.RawPath, RawQuery: r.URL.RawQuery}
	sr.URL = &ex.url
	if sr.Body == nil {
		sr.Body = http.NoBody
	}
	if sr.Host == "" {
		sr.Host = r.URL.Host
	}
	if r.URL.Scheme == "https" {
		if host := r.URL.Hostname(); !ownHeader && host == twilioTLS.ServerName {
			sr.TLS = twilioTLS // the fake's own handler only reads it
		} else {
			sr.TLS = &tls.ConnectionState{HandshakeComplete: true, ServerName: host}
		}
	}
	sr.RemoteAddr = "127.0.0.1:0"
	w := &ex.w
	w.header, w.status = http.Header{}, http.StatusOK
	ex.body.pooled = bodyBuffers.Get().(*[]byte)
	w.body = *bytes.NewBuffer((*ex.body.pooled)[:0])
	if aborted := serveAbortable(h, w, sr); aborted {
		return nil, ErrConnectionDropped
	}
	if err := r.Context().Err(); err != nil {
		// The client gave up (a timeout) while the handler ran: a real
		// transport would have returned the error, not a late answer.
		return nil, err
	}
	*ex.body.pooled = w.body.Bytes()
	ex.body.Reset(w.body.Bytes())
	ex.resp = http.Response{
		Status:        statusLine(w.status),
		StatusCode:    w.status,
		Proto:         "HTTP/1.1",
		ProtoMajor:    1,
		ProtoMinor:    1,
		Header:        w.header,
		Body:          &ex.body,
		ContentLength: int64(w.body.Len()),
		Request:       r,
	}
	return &ex.resp, nil
}

// memExchange is an in-memory request and its answer: the server-side
// request, the ResponseWriter, the response and its body, in one
// allocation instead of six.
type memExchange struct {
	req  http.Request
	url  url.URL
	w    memResponse
	resp http.Response
	body memBody
}

// bodyBuffers recycles the bodies of in-memory responses: a body goes back
// when the client closes it (memBody.Close), as twilio-go always does.
var bodyBuffers = sync.Pool{New: func() any { return new([]byte) }}

// maxPooledBody bounds the bodies kept for reuse; a long list's is left to
// the collector.
const maxPooledBody = 64 << 10

// twilioTLS is the TLS state of an in-memory request to api.twilio.com,
// what twilio-go always requests.
var twilioTLS = &tls.ConnectionState{HandshakeComplete: true, ServerName: "api.twilio.com"}

// serveAbortable runs h, reporting whether it aborted with
// http.ErrAbortHandler, which a real server answers by closing the
// connection. Other panics reach the caller, so that a test sees them.
func serveAbortable(h http.Handler, w http.ResponseWriter, r *http.Request) (aborted bool) {
	defer func() {
		if v := recover(); v != nil {
			if v != http.ErrAbortHandler {
				panic(v)
			}
			aborted = true
		}
	}()
	h.ServeHTTP(w, r)
	return false
}

// memResponse is the ResponseWriter of an in-memory request.
type memResponse struct {
	header      http.Header
	status      int
	wroteHeader bool
	body        bytes.Buffer
	contentType [1]string // the Content-Type header's value (SetContentType)
}

func (w *memResponse) Header() http.Header { return w.header }

// SetContentType sets the Content-Type header to v, its value kept in w
// (wire.ContentTypeSetter).
func (w *memResponse) SetContentType(v string) {
	w.contentType[0] = v
	w.header["Content-Type"] = w.contentType[:1:1]
}

func (w *memResponse) WriteHeader(status int) {
	if w.wroteHeader {
		return
	}
	w.wroteHeader = true
	w.status = status
}

func (w *memResponse) Write(b []byte) (int, error) {
	if !w.wroteHeader {
		w.WriteHeader(http.StatusOK)
	}
	return w.body.Write(b)
}

// --- webhooks to in-process apps (Options.Apps) ---

// hostRouter hands webhooks for in-process apps to their handlers and sends
// the rest over the network.
type hostRouter struct {
	apps map[string]http.Handler
	next http.RoundTripper
}

func (h *hostRouter) RoundTrip(r *http.Request) (*http.Response, error) {
	if app, ok := h.apps[r.URL.Host]; ok {
		return serveApp(app, r)
	}
	next := h.next
	if next == nil {
		next = http.DefaultTransport
	}
	return next.RoundTrip(r)
}

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
	return serveInMemory(app, r, true)
}

// statusLine is an http.Response's Status: "200 OK".
func statusLine(code int) string {
	switch code {
	case http.StatusOK:
		return "200 OK"
	case http.StatusCreated:
		return "201 Created"
	case http.StatusNoContent:
		return "204 No Content"
	}
	return strconv.Itoa(code) + " " + http.StatusText(code)
}

// memBody is the body of an in-memory response: io.NopCloser of a
// bytes.Reader in one allocation. Closing it hands the bytes back for
// reuse (bodyBuffers) when they came from there; reading after Close
// finds nothing.
type memBody struct {
	bytes.Reader
	pooled *[]byte // the recycled buffer the body is in, until Close
}

func (m *memBody) Close() error {
	if p := m.pooled; p != nil {
		m.pooled = nil
		m.Reset(nil)
		if cap(*p) <= maxPooledBody {
			*p = (*p)[:0]
			bodyBuffers.Put(p)
		}
	}
	return nil
}

// stringBody is io.NopCloser of a strings.Reader in one allocation.
type stringBody struct{ strings.Reader }

func newStringBody(s string) *stringBody {
	b := &stringBody{}
	b.Reset(s)
	return b
}

func (*stringBody) Close() error { return nil }

// --- the direct path to in-process apps ---

// performDirect sends a webhook whose URL is plain (webhook.ParsePlainURL)
// and whose host is an in-process app's straight to the app's handler:
// the request the handler gets is the one serveApp would give it, built
// without url.Parse, http.NewRequest or net/http's client. ok is false when
// the webhook is not for an app or its URL is not plain: the caller sends
// it through f.webhook. A redirect is followed by net/http's client, from
// the app's first answer on, as it would have been. The webhook is bounded
// by parent and by the webhook timeout.
func (f *Fake) performDirect(parent context.Context, eff *sim.Effect) (resp webhook.Response, ok bool) {
	if len(f.opts.Apps) == 0 {
		return webhook.Response{}, false
	}
	u, ok := webhook.ParsePlainURL(eff.URL)
	if !ok {
		return webhook.Response{}, false
	}
	app, ok := f.opts.Apps[u.Host]
	if !ok {
		return webhook.Response{}, false
	}
	wr := webhook.Request{URL: eff.URL, Method: eff.Method, Params: eff.Params}
	p, err := wr.Prepare(u, f.opts.AuthToken)
	if err != nil {
		return webhook.Response{}, false // HTTPRequest reports it
	}
	d := new(directCall)
	var ctx context.Context
	if parent.Done() == nil { // ClockManual's: the cheaper context (webhookctx.go)
		d.ctx.init(parent, f.opts.WebhookTimeout)
		defer d.ctx.cancel()
		ctx = &d.ctx
	} else {
		c, cancel := context.WithTimeout(parent, f.opts.WebhookTimeout)
		defer cancel()
		ctx = c
	}
	if err := ctx.Err(); err != nil {
		return webhook.Response{Err: urlError(p, err)}, true
	}
	var params url.Values
	parses := f.formApps.parses(u.Host)
	if parses {
		params = eff.Params
	}
	r := d.appRequest(ctx, u, p, params, f.tlsFor(u.Host))
	w := memResponses.Get().(*memResponse)
	defer putMemResponse(w)
	err = serveAppDirect(app, w, r, p.URL)
	if !parses {
		f.formApps.saw(u.Host, r, len(p.Body))
	}
	if err != nil {
		return webhook.Response{Err: urlError(p, err)}, true
	}
	if err := ctx.Err(); err != nil {
		return webhook.Response{Err: urlError(p, err)}, true
	}
	switch w.status {
	case http.StatusMovedPermanently, http.StatusFound, http.StatusSeeOther, http.StatusTemporaryRedirect, http.StatusPermanentRedirect:
		return f.followRedirect(ctx, wr, w, bytes.Clone(w.body.Bytes())), true
	}
	if eff.Kind == sim.EffectCallback {
		// The engine ignores a callback's answer but for its status and
		// type: w's body (reused once this returns) is only measured.
		resp := webhook.Answered(w.status, w.header, w.body.Bytes(), maxWebhookBody)
		resp.Body = nil
		return resp, true
	}
	body := append(make([]byte, 0, w.body.Len()), w.body.Bytes()...) // the engine parses it once this returns
	return webhook.Answered(w.status, w.header, body, maxWebhookBody), true
}

// directCall is what the direct path allocates for a webhook, in one
// allocation: its context (unless its parent can end), and what the app's
// request points to but its TLS state, which is the app's (Fake.appTLS).
type directCall struct {
	ctx    webhookContext
	values [5]string
	url    url.URL
	body   stringBody
}

// appRequest is the server-side request an app's handler gets for p: what
// serveInMemory makes of the request webhook.Request.HTTPRequest builds.
// With params (p's parameters), its form is already parsed (appForm). An
// https request has tlsState as its TLS state.
func (a *directCall) appRequest(ctx context.Context, u webhook.PlainURL, p webhook.Prepared, params url.Values, tlsState *tls.ConnectionState) *http.Request {
	a.values = [5]string{webhook.FormContentType, p.Signature, webhook.UserAgent, "*/*", p.IdempotencyToken}
	vs := a.values[:]
	h := make(http.Header, 5)
	if p.Method == http.MethodPost {
		h["Content-Type"] = vs[0:1:1]
	}
	h[webhook.HeaderSignature] = vs[1:2:2]
	h["User-Agent"] = vs[2:3:3]
	h["Accept"] = vs[3:4:4]
	h[webhook.HeaderIdempotencyToken] = vs[4:5:5]
	requestURI := requestURIOf(u, p)
	a.url = url.URL{Path: u.Path, RawQuery: p.Query}
	r := http.Request{ // copied by WithContext: only the copy is allocated
		Method:     p.Method,
		URL:        &a.url,
		Proto:      "HTTP/1.1",
		ProtoMajor: 1,
		ProtoMinor: 1,
		Header:     h,
		Body:       http.NoBody,
		Host:       u.Host,
		RemoteAddr: "127.0.0.1:0",
		RequestURI: requestURI,
	}
	if p.Method == http.MethodPost {
		a.body.Reset(p.Body)
		r.Body = &a.body
		r.ContentLength = int64(len(p.Body))
	}
	if params != nil {
		if postForm, form, ok := appForm(p, u.Query, params); ok {
			r.PostForm, r.Form = postForm, form
		}
	}
	if u.Scheme == "https" {
		r.TLS = tlsState
	}
	return r.WithContext(ctx)
}

// requestURIOf is the RequestURI of p's request to u: its path and query.
// p.URL ends with them (u's path, then "?" and p.Query when there is a
// query), so that the URI is a slice of it unless the path is empty.
func requestURIOf(u webhook.PlainURL, p webhook.Prepared) string {
	n := len(u.Path)
	if p.Query != "" {
		n += 1 + len(p.Query)
	}
	if u.Path != "" && n <= len(p.URL) {
		if uri := p.URL[len(p.URL)-n:]; strings.HasPrefix(uri, u.Path) && (p.Query == "" || uri[len(u.Path)] == '?' && uri[len(u.Path)+1:] == p.Query) {
			return uri
		}
	}
	uri := u.Path
	if uri == "" {
		uri = "/"
	}
	if p.Query != "" {
		uri += "?" + p.Query
	}
	return uri
}

// serveAppDirect runs an app's handler as serveApp does: a panic with
// http.ErrAbortHandler drops the connection (ErrConnectionDropped), any
// other is reported in the error.
func serveAppDirect(app http.Handler, w *memResponse, r *http.Request, rawURL string) (err error) {
	defer func() {
		if v := recover(); v != nil {
			if v == http.ErrAbortHandler {
				err = ErrConnectionDropped
				return
			}
			err = fmt.Errorf("fakeapi: the app's handler for %s panicked: %v", rawURL, v)
		}
	}()
	app.ServeHTTP(w, r)
	return nil
}

// urlError is the error net/http's client returns for a request that
// failed with err.
func urlError(p webhook.Prepared, err error) error {
	op := "Post"
	if p.Method == http.MethodGet {
		op = "Get"
	}
	return &url.Error{Op: op, URL: p.URL, Err: err}
}

// followRedirect hands a redirect to f.webhook's client, which follows it
// from the app's answer w on as if it had received w itself.
func (f *Fake) followRedirect(ctx context.Context, wr webhook.Request, w *memResponse, body []byte) webhook.Response {
	req, err := wr.HTTPRequest(ctx, f.opts.AuthToken)
	if err != nil {
		return webhook.Response{Err: err}
	}
	first := &http.Response{
		Status:        fmt.Sprintf("%d %s", w.status, http.StatusText(w.status)),
		StatusCode:    w.status,
		Proto:         "HTTP/1.1",
		ProtoMajor:    1,
		ProtoMinor:    1,
		Header:        w.header.Clone(),
		Body:          io.NopCloser(bytes.NewReader(body)),
		ContentLength: int64(len(body)),
		Request:       req,
	}
	c := &http.Client{Transport: &answered{first: first, next: f.webhook.Transport}, CheckRedirect: f.webhook.CheckRedirect}
	return webhook.Do(ctx, c, req, maxWebhookBody)
}

// answered answers its first request with first, and sends the others
// through next.
type answered struct {
	first *http.Response
	next  http.RoundTripper
}

func (a *answered) RoundTrip(r *http.Request) (*http.Response, error) {
	if resp := a.first; resp != nil {
		a.first = nil
		return resp, nil
	}
	return a.next.RoundTrip(r)
}

// memResponses keeps the ResponseWriters of the direct path for reuse.
var memResponses = sync.Pool{New: func() any { return &memResponse{header: http.Header{}, status: http.StatusOK} }}

func putMemResponse(w *memResponse) {
	if w.body.Cap() > 64<<10 {
		return
	}
	clear(w.header)
	w.status, w.wroteHeader = http.StatusOK, false
	w.body.Reset()
	memResponses.Put(w)
}
