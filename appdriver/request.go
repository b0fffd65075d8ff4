package appdriver

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/url"
	"reflect"
	"slices"
	"strings"
)

// Fields are what an action's templates may use ({{.CustomerCallSid}}):
// the call being acted on, as Twilio's REST API shows it, and the people's
// numbers.
type Fields struct {
	// CallSid is the SID of the conversation's first leg: the customer's
	// call when the customer rang the support line, the agent's when the
	// agent called the customer.
	CallSid string
	// CustomerCallSid and AgentCallSid are each party's leg (its live call,
	// else its latest).
	CustomerCallSid string
	AgentCallSid    string
	// Party is who to hold: "customer" or "agent". On unhold, the party
	// last held through holdlab on this call ("customer" if none).
	Party string
	// Customer, Agent and Support are the phone numbers (E.164).
	Customer string
	Agent    string
	Support  string
	// ConferenceSid and ConferenceName are the conference one of the legs
	// is in ("" when none): the live one, else the latest.
	ConferenceSid  string
	ConferenceName string
}

// FieldNames lists the template fields, as a template writes them.
func FieldNames() []string {
	t := reflect.TypeFor[Fields]()
	out := make([]string, t.NumField())
	for i := range out {
		out[i] = "{{." + t.Field(i).Name + "}}"
	}
	return out
}

// sampleFields checks templates at load time: every field set.
var sampleFields = Fields{
	CallSid: "CA00000000000000000000000000000001", CustomerCallSid: "CA00000000000000000000000000000001",
	AgentCallSid: "CA00000000000000000000000000000002", Party: "customer",
	Customer: "+15550003000", Agent: "+15550002000", Support: "+15550001000",
	ConferenceSid: "CF00000000000000000000000000000001", ConferenceName: "room",
}

// Request is one HTTP request to the app before its templates are filled:
// an action of the YAML, or a step of a feature file.
type Request struct {
	Method  string
	Path    string
	Form    map[string]string
	JSON    any    // a value whose strings are templates
	RawJSON string // a JSON document, itself a template (steps' doc strings)
	Headers map[string]string
}

// request is the action as a Request.
func (a *Action) request(f Fields) (*built, error) {
	return Request{Method: a.Method, Path: a.Path, Form: a.Form, JSON: a.JSON, Headers: a.Headers}.build(f)
}

// built is a Request with its templates filled.
type built struct {
	method, path string
	body         []byte
	contentType  string
	query        url.Values
	headers      map[string]string
}

// build fills a request's templates.
func (r Request) build(f Fields) (*built, error) {
	b := &built{method: r.Method, headers: map[string]string{}}
	if b.method == "" {
		b.method = http.MethodPost
	}
	var err error
	if b.path, err = render("path", r.Path, f); err != nil {
		return nil, err
	}
	if r.Form != nil {
		form := url.Values{}
		for _, k := range slices.Sorted(maps.Keys(r.Form)) {
			v, err := render("form "+k, r.Form[k], f)
			if err != nil {
				return nil, err
			}
			form.Set(k, v)
		}
		if b.method == http.MethodGet || b.method == http.MethodDelete || b.method == http.MethodHead {
			b.query = form
		} else {
			b.body, b.contentType = []byte(form.Encode()), "application/x-www-form-urlencoded"
		}
	}
	switch {
	case r.JSON != nil:
		v, err := renderJSON("json", r.JSON, f)
		if err != nil {
			return nil, err
		}
		if b.body, err = json.Marshal(v); err != nil {
			return nil, fmt.Errorf("json: %w", err)
		}
		b.contentType = "application/json"
	case r.RawJSON != "":
		doc, err := render("json", r.RawJSON, f)
		if err != nil {
			return nil, err
		}
		if !json.Valid([]byte(doc)) {
			return nil, fmt.Errorf("json: not a JSON document once filled in: %s", doc)
		}
		b.body, b.contentType = []byte(doc), "application/json"
	}
	for _, k := range slices.Sorted(maps.Keys(r.Headers)) {
		v, err := render("header "+k, r.Headers[k], f)
		if err != nil {
			return nil, err
		}
		b.headers[k] = v
	}
	return b, nil
}

// renderJSON fills the templates in every string of a YAML value (map
// keys included), and turns YAML's maps into JSON objects.
func renderJSON(what string, v any, f Fields) (any, error) {
	switch x := v.(type) {
	case string:
		return render(what, x, f)
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			rk, err := render(what+"."+k, k, f)
			if err != nil {
				return nil, err
			}
			if out[rk], err = renderJSON(what+"."+k, e, f); err != nil {
				return nil, err
			}
		}
		return out, nil
	case map[any]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			ks := fmt.Sprint(k)
			r, err := renderJSON(what+"."+ks, e, f)
			if err != nil {
				return nil, err
			}
			out[ks] = r
		}
		return out, nil
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			r, err := renderJSON(fmt.Sprintf("%s[%d]", what, i), e, f)
			if err != nil {
				return nil, err
			}
			out[i] = r
		}
		return out, nil
	}
	return v, nil
}

// Response is the app's answer to a request.
type Response struct {
	Method string
	URL    string
	Status int
	Body   []byte
}

// maxAnswer bounds an answer holdlab reads from the app.
const maxAnswer = 1 << 20

// Send fills r's templates with f, sends it to the app at base (the app's
// base URL) with the spec's headers, and returns the answer. Only a
// request that got no answer is an error.
func Send(ctx context.Context, hc *http.Client, base string, headers map[string]string, r Request, f Fields) (*Response, error) {
	if len(headers) > 0 {
		merged := maps.Clone(headers)
		maps.Copy(merged, r.Headers)
		r.Headers = merged
	}
	b, err := r.build(f)
	if err != nil {
		return nil, err
	}
	u, err := url.Parse(strings.TrimSuffix(base, "/") + b.path)
	if err != nil {
		return nil, fmt.Errorf("the app's URL %s%s: %w", base, b.path, err)
	}
	if len(b.query) > 0 {
		q := u.Query()
		for k, vs := range b.query {
			q[k] = vs
		}
		u.RawQuery = q.Encode()
	}
	var body io.Reader
	if b.body != nil {
		body = bytes.NewReader(b.body)
	}
	req, err := http.NewRequestWithContext(ctx, b.method, u.String(), body)
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", b.method, u, err)
	}
	if b.contentType != "" {
		req.Header.Set("Content-Type", b.contentType)
	}
	for k, v := range b.headers {
		req.Header.Set(k, v)
	}
	resp, err := hc.Do(req)
	if err != nil {
		return nil, fmt.Errorf("%s %s: the app did not answer: %w", b.method, u, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxAnswer))
	if err != nil {
		return nil, fmt.Errorf("%s %s: read the app's answer: %w", b.method, u, err)
	}
	return &Response{Method: b.method, URL: u.String(), Status: resp.StatusCode, Body: data}, nil
}
