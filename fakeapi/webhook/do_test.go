package webhook

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"testing/iotest"
	"time"
)

func TestDo(t *testing.T) {
	const twiml = `<?xml version="1.0" encoding="UTF-8"?><Response><Say>hi</Say></Response>`
	mux := http.NewServeMux()
	mux.HandleFunc("/ok", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/xml")
		w.Write([]byte(twiml))
	})
	mux.HandleFunc("/empty", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusNoContent) })
	mux.HandleFunc("/notfound", http.NotFound)
	mux.HandleFunc("/boom", func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "boom", http.StatusInternalServerError)
	})
	mux.HandleFunc("/big", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/xml")
		w.Write([]byte(strings.Repeat("x", 101)))
	})
	mux.HandleFunc("/exact", func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(strings.Repeat("x", 100)))
	})
	mux.HandleFunc("/moved", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/ok", http.StatusFound)
	})
	mux.HandleFunc("/loop", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/loop", http.StatusFound)
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()

	followTwilio := &http.Client{CheckRedirect: CheckRedirect}
	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	tests := []struct {
		name        string
		client      *http.Client
		path        string
		status      int
		contentType string
		body        string
		location    string
		code        int
		errIs       error
	}{
		{"200 xml", nil, "/ok", 200, "application/xml", twiml, "", 0, nil},
		{"204", nil, "/empty", 204, "", "", "", 0, nil},
		{"404", nil, "/notfound", 404, "text/plain; charset=utf-8", "404 page not found\n", "", 11200, nil},
		{"500", nil, "/boom", 500, "text/plain; charset=utf-8", "boom\n", "", 11200, nil},
		{"body at limit", nil, "/exact", 200, "text/plain; charset=utf-8", strings.Repeat("x", 100), "", 0, nil},
		{"oversized body", nil, "/big", 200, "text/xml", strings.Repeat("x", 100), "", 11200, ErrBodyTooLarge},
		{"redirect followed", followTwilio, "/moved", 200, "application/xml", twiml, "", 0, nil},
		{"redirect not followed", noFollow, "/moved", 302, "", "", "/ok", 11200, nil},
		{"too many redirects", followTwilio, "/loop", 0, "", "", "", 11215, ErrTooManyRedirects},
		{"too many redirects, net/http default", http.DefaultClient, "/loop", 0, "", "", "", 11215, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			req, err := Request{URL: srv.URL + tc.path, Method: "POST"}.HTTPRequest(context.Background(), token)
			if err != nil {
				t.Fatal(err)
			}
			resp := Do(context.Background(), tc.client, req, 100)
			if resp.StatusCode != tc.status || resp.ContentType != tc.contentType || resp.Location != tc.location {
				t.Errorf("status %d type %q location %q", resp.StatusCode, resp.ContentType, resp.Location)
			}
			if tc.body != "" && string(resp.Body) != tc.body {
				t.Errorf("body %q, want %q", resp.Body, tc.body)
			}
			if got := resp.ErrorCode(); got != tc.code {
				t.Errorf("ErrorCode = %d, want %d (err %v)", got, tc.code, resp.Err)
			}
			if tc.errIs != nil && !errors.Is(resp.Err, tc.errIs) {
				t.Errorf("Err = %v, want %v", resp.Err, tc.errIs)
			}
			if resp.OK() != (tc.code == 0) || resp.TimedOut() {
				t.Errorf("OK = %v TimedOut = %v", resp.OK(), resp.TimedOut())
			}
		})
	}
}

func TestDoConnectionRefused(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	addr := srv.URL
	srv.Close() // nothing listens there any more
	req, err := Request{URL: addr + "/voice"}.HTTPRequest(context.Background(), token)
	if err != nil {
		t.Fatal(err)
	}
	resp := Do(context.Background(), nil, req, 0)
	if resp.Err == nil || resp.StatusCode != 0 {
		t.Fatalf("expected a transport error, got %+v", resp)
	}
	if got := resp.ErrorCode(); got != CodeHTTPConnectionFailure {
		t.Fatalf("ErrorCode = %d, want 11205 (err %v)", got, resp.Err)
	}
	if resp.TimedOut() {
		t.Error("refused connection reported as timeout")
	}
}

func TestDoTimeout(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select { // hang until the client gives up or the test ends
		case <-r.Context().Done():
		case <-release:
		}
	}))
	defer srv.Close()
	defer close(release)

	tests := []struct {
		name   string
		client *http.Client
		ctx    func() (context.Context, context.CancelFunc)
	}{
		{"context deadline", nil, func() (context.Context, context.CancelFunc) {
			return context.WithTimeout(context.Background(), 50*time.Millisecond)
		}},
		{"client timeout", &http.Client{Timeout: 50 * time.Millisecond}, func() (context.Context, context.CancelFunc) {
			return context.WithCancel(context.Background())
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := tc.ctx()
			defer cancel()
			req, err := Request{URL: srv.URL + "/hang"}.HTTPRequest(context.Background(), token)
			if err != nil {
				t.Fatal(err)
			}
			start := time.Now()
			resp := Do(ctx, tc.client, req, 0)
			if elapsed := time.Since(start); elapsed > 5*time.Second {
				t.Fatalf("Do took %v: not bounded by the deadline", elapsed)
			}
			if !resp.TimedOut() {
				t.Errorf("TimedOut = false, err %v", resp.Err)
			}
			if got := resp.ErrorCode(); got != CodeHTTPConnectionFailure {
				t.Errorf("ErrorCode = %d, want 11205 (err %v)", got, resp.Err)
			}
		})
	}
}

func TestDoBadHostName(t *testing.T) {
	// Resolution is simulated so the test does not depend on the sandbox's
	// DNS: the dialer fails as the resolver does for an unknown name.
	c := &http.Client{Transport: &http.Transport{
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			host, _, _ := net.SplitHostPort(addr)
			return nil, &net.OpError{Op: "dial", Net: network, Err: &net.DNSError{Err: "no such host", Name: host, IsNotFound: true}}
		},
	}}
	req, err := Request{URL: "https://app.invalid/voice", Params: url.Values{"CallSid": {"CA1"}}}.HTTPRequest(context.Background(), token)
	if err != nil {
		t.Fatal(err)
	}
	resp := Do(context.Background(), c, req, 0)
	if got := resp.ErrorCode(); got != CodeHTTPBadHostName {
		t.Fatalf("ErrorCode = %d, want 11210 (err %v)", got, resp.Err)
	}
}

func TestDoConnectionReset(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		conn, _, err := w.(http.Hijacker).Hijack()
		if err == nil {
			conn.Close() // drop the connection without a response
		}
	}))
	defer srv.Close()
	req, err := Request{URL: srv.URL + "/voice"}.HTTPRequest(context.Background(), token)
	if err != nil {
		t.Fatal(err)
	}
	resp := Do(context.Background(), srv.Client(), req, 0)
	if got := resp.ErrorCode(); got != CodeHTTPConnectionFailure || resp.StatusCode != 0 {
		t.Fatalf("ErrorCode = %d status %d, want 11205 (err %v)", got, resp.StatusCode, resp.Err)
	}
}

func TestCheckRedirect(t *testing.T) {
	tests := []struct {
		via  int
		want error
	}{{0, nil}, {9, nil}, {10, ErrTooManyRedirects}, {11, ErrTooManyRedirects}}
	for _, tc := range tests {
		if got := CheckRedirect(nil, make([]*http.Request, tc.via)); got != tc.want {
			t.Errorf("CheckRedirect(via=%d) = %v, want %v", tc.via, got, tc.want)
		}
	}
}

func TestErrorCodeClassification(t *testing.T) {
	tests := []struct {
		name string
		resp Response
		want int
	}{
		{"ok", Response{StatusCode: 200}, 0},
		{"299", Response{StatusCode: 299}, 0},
		{"301 not followed", Response{StatusCode: 301, Location: "/x"}, 11200},
		{"403", Response{StatusCode: 403}, 11200},
		{"503", Response{StatusCode: 503}, 11200},
		{"dns", Response{Err: &url.Error{Op: "Post", URL: "x", Err: &net.DNSError{IsNotFound: true}}}, 11210},
		{"deadline", Response{Err: context.DeadlineExceeded}, 11205},
		{"canceled", Response{Err: context.Canceled}, 11205},
		{"refused", Response{Err: &net.OpError{Op: "dial", Err: errors.New("connection refused")}}, 11205},
		{"redirects", Response{Err: &url.Error{Op: "Post", URL: "x", Err: ErrTooManyRedirects}}, 11215},
		{"body too large", Response{StatusCode: 200, Err: ErrBodyTooLarge}, 11200},
	}
	for _, tc := range tests {
		if got := tc.resp.ErrorCode(); got != tc.want {
			t.Errorf("%s: ErrorCode = %d, want %d", tc.name, got, tc.want)
		}
	}
}

// readBody keeps at most one byte more than the limit, whatever length the
// response declares: right, too short, too long, or none.
func TestReadBody(t *testing.T) {
	const limit = 10
	tests := []struct {
		name     string
		body     string
		declared int64
		want     string
	}{
		{"declared length", "<Response/>"[:10], 10, "<Response/"},
		{"empty", "", 0, ""},
		{"unknown length", "abc", -1, "abc"},
		{"declared shorter than sent", "abcdef", 3, "abcdef"},
		{"declared longer than sent", "abc", 8, "abc"},
		{"over the limit, declared", "0123456789abcdef", 16, "0123456789a"},
		{"over the limit, declared within it", "0123456789abcdef", 10, "0123456789a"},
		{"over the limit, unknown length", "0123456789abcdef", -1, "0123456789a"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := &http.Response{Body: io.NopCloser(iotest.OneByteReader(strings.NewReader(tt.body))), ContentLength: tt.declared}
			got, err := readBody(resp, limit)
			if err != nil || string(got) != tt.want {
				t.Fatalf("readBody = %q, %v; want %q", got, err, tt.want)
			}
		})
	}
}
