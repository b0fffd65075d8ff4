package scenarios

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/twilio/twilio-go/client"
)

// machinery is the path prefix of holdlab's own webhooks on the listener
// (the phones' keep-alive TwiML, the strategies' mount points).
const machinery = "/_holdlab"

// twilioScene is the scenario the listener serves now.
type twilioScene struct {
	seq  int64
	apps apps
}

// handler serves the webhooks: the phones' keep-alive TwiML, the current
// scenario's strategy under /_holdlab/app/<scenario>/, and its raw TwiML
// at the root (raw TwiML uses root-relative URLs such as action="/after").
// Requests are checked against X-Twilio-Signature when the auth token is
// known.
func (t *TwilioTarget) handler() http.Handler {
	mux := http.NewServeMux()
	twiml := func(doc string) http.HandlerFunc {
		return func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "text/xml")
			_, _ = io.WriteString(w, doc)
		}
	}
	// A phone that answers and listens: its party never hangs up by
	// itself. An hour is longer than any run waits (MaxWait).
	mux.Handle(machinery+"/phone/{role}", twiml(keepOpenTwiML))
	mux.Handle(machinery+"/idle", twiml(`<Response><Say>holdlab is between scenarios.</Say><Hangup/></Response>`))
	mux.HandleFunc(machinery+"/app/{seq}/", func(w http.ResponseWriter, r *http.Request) {
		cur := t.current.Load()
		seq := r.PathValue("seq")
		if cur == nil || seq != strconv.FormatInt(cur.seq, 10) {
			// A late webhook of a scenario that is over.
			twiml(`<Response><Hangup/></Response>`)(w, r)
			return
		}
		http.StripPrefix(machinery+"/app/"+seq, cur.apps.app).ServeHTTP(w, r)
	})
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		cur := t.current.Load()
		if cur == nil || cur.apps.raw == nil {
			twiml(`<Response><Hangup/></Response>`)(w, r)
			return
		}
		cur.apps.raw.ServeHTTP(w, r)
	})
	var h http.Handler = mux
	u, _ := url.Parse(t.cfg.PublicURL)
	if p := strings.TrimSuffix(u.Path, "/"); p != "" {
		h = http.StripPrefix(p, h)
	}
	if t.creds.AuthToken != "" {
		h = t.verify(h, u.Scheme+"://"+u.Host)
	} else {
		t.log.Warn("webhooks are not checked against X-Twilio-Signature: that needs the auth token, not an API key")
	}
	return h
}

const keepOpenTwiML = `<Response><Pause length="3600"/></Response>`

// verify refuses webhooks whose X-Twilio-Signature is not Twilio's
// signature of the public URL: the listener is reachable from the internet
// through the tunnel.
func (t *TwilioTarget) verify(next http.Handler, origin string) http.Handler {
	v := client.NewRequestValidator(t.creds.AuthToken)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := r.ParseForm(); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		params := map[string]string{}
		for k, vs := range r.PostForm {
			if len(vs) > 0 {
				params[k] = vs[0]
			}
		}
		full := origin + r.URL.RequestURI()
		if !v.Validate(full, params, r.Header.Get("X-Twilio-Signature")) {
			t.log.Warn("webhook refused: bad X-Twilio-Signature", "url", full)
			http.Error(w, "bad signature", http.StatusForbidden)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// listen starts serving the webhooks on cfg.Listen.
func (t *TwilioTarget) listen() error {
	ln, err := net.Listen("tcp", t.cfg.Listen)
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	t.ln = ln
	t.srv = &http.Server{Handler: t.handler(), ReadHeaderTimeout: 10 * time.Second}
	go func() { t.served <- t.srv.Serve(ln) }()
	return nil
}

// stopListening stops the webhook listener, if it started.
func (t *TwilioTarget) stopListening(ctx context.Context) error {
	if t.srv == nil {
		return nil
	}
	var errs []error
	if err := t.srv.Shutdown(ctx); err != nil {
		errs = append(errs, fmt.Errorf("stop the webhook listener: %w", err))
	}
	if err := <-t.served; err != nil && !errors.Is(err, http.ErrServerClosed) {
		errs = append(errs, fmt.Errorf("webhook listener: %w", err))
	}
	return errors.Join(errs...)
}
