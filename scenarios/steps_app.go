package scenarios

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/cucumber/godog"
	"github.com/holdlab/holdlab/appdriver"
)

// appMethods are the HTTP methods the steps may send an app.
const appMethods = `(GET|HEAD|POST|PUT|PATCH|DELETE)`

// appSteps adds the steps that drive an app under test (holdlab run --app)
// from a feature file: send it a request, check its answer, and wait, with
// a bound, until something is true.
func (w *world) appSteps(l *stepList) {
	l.section("Your app: requests and answers")
	l.add(`^I send `+appMethods+` "([^"]*)" to the app$`, `I send GET "/calls/{{.CustomerCallSid}}" to the app`, func(method, path string) error {
		return w.sendApp(appdriver.Request{Method: method, Path: path})
	})
	l.addDoc(`^I send `+appMethods+` "([^"]*)" to the app with form:$`, `I send POST "/hold" to the app with form:`, "CallSid={{.CustomerCallSid}}\nWho=customer",
		func(method, path string, doc *godog.DocString) error {
			form, err := parseFormDoc(doc.Content)
			if err != nil {
				return err
			}
			return w.sendApp(appdriver.Request{Method: method, Path: path, Form: form})
		})
	l.addDoc(`^I send `+appMethods+` "([^"]*)" to the app with JSON:$`, `I send POST "/unhold" to the app with JSON:`, `{"callSid": "{{.CustomerCallSid}}"}`,
		func(method, path string, doc *godog.DocString) error {
			return w.sendApp(appdriver.Request{Method: method, Path: path, RawJSON: doc.Content})
		})
	l.add(`^the app answers (\d{3})$`, "the app answers 409", w.appAnswers)
	l.add(`^the app answers with a success status$`, "the app answers with a success status", func() error { return w.appAnswers(0) })
	l.add(`^the app's answer contains "([^"]*)"$`, `the app's answer contains "{{.CustomerCallSid}}"`, w.appAnswerContains)

	l.section("Waiting")
	l.add(`^within (\d+) (seconds?|minutes?), (.+)$`, "within 10 seconds, the customer hears hold music", w.within)
}

// parseFormDoc reads a form from a doc string: one Name=value a line;
// blank lines and lines starting with # are left out.
func parseFormDoc(doc string) (map[string]string, error) {
	form := map[string]string{}
	for i, line := range strings.Split(doc, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		k, v, ok := strings.Cut(line, "=")
		if !ok || strings.TrimSpace(k) == "" {
			return nil, fmt.Errorf("form line %d %q: want Name=value", i+1, line)
		}
		form[strings.TrimSpace(k)] = strings.TrimSpace(v)
	}
	return form, nil
}

// errNoApp is what the app steps say without an app under test.
var errNoApp = errors.New("this step sends a request to an app under test: run it with holdlab run --app FILE")

// sendApp sends the app a request, with the fields of the scenario's call,
// keeps its answer, and lets the platform act on what the app did.
func (w *world) sendApp(r appdriver.Request) error {
	if w.app == nil {
		return errNoApp
	}
	resp, err := w.app.Send(w.ctx, r, w.first)
	if err != nil {
		return err
	}
	w.appResp = resp
	return w.be.settle(w.ctx, time.Second)
}

// appAnswers checks the status of the app's last answer: status, or any
// 2xx for 0.
func (w *world) appAnswers(status int) error {
	r := w.appResp
	if r == nil {
		return errors.New("no request has been sent to the app yet")
	}
	ok := r.Status == status || (status == 0 && r.Status >= 200 && r.Status < 300)
	if !ok {
		want := strconv.Itoa(status)
		if status == 0 {
			want = "a 2xx status"
		}
		return fmt.Errorf("%s %s: the app answered %d, want %s; its answer: %s", r.Method, r.URL, r.Status, want, orElse(strings.TrimSpace(string(r.Body)), "(empty)"))
	}
	return nil
}

// appAnswerContains checks that the app's last answer contains text (a
// template over the same fields as the requests).
func (w *world) appAnswerContains(text string) error {
	r := w.appResp
	if r == nil {
		return errors.New("no request has been sent to the app yet")
	}
	want := text
	if w.app != nil && strings.Contains(text, "{{") {
		f, err := w.app.Fields(w.first)
		if err != nil {
			return err
		}
		if want, err = appdriver.Render(text, f); err != nil {
			return err
		}
	}
	if !strings.Contains(string(r.Body), want) {
		return fmt.Errorf("the app's answer to %s %s does not contain %q: %s", r.Method, r.URL, want, orElse(strings.TrimSpace(string(r.Body)), "(empty)"))
	}
	return nil
}

// within runs another step until it passes, letting a second of the
// scenario's time pass between tries, for at most n units. On a target
// whose app runs in another process, each try also gives the app a moment
// of real time, for what it does after answering.
func (w *world) within(n int, unit, text string) error {
	bound := time.Duration(n) * time.Second
	if strings.HasPrefix(unit, "minute") {
		bound = time.Duration(n) * time.Minute
	}
	check, err := w.stepFunc(text)
	if err != nil {
		return err
	}
	var elapsed time.Duration
	for {
		err := check()
		if err == nil || errors.Is(err, ErrNotObservable) {
			return err
		}
		if elapsed >= bound {
			return fmt.Errorf("not true within %s: %w", bound, err)
		}
		if _, err := w.be.pass(w.ctx, time.Second); err != nil {
			return err
		}
		elapsed += time.Second
		if b, ok := w.be.(interface {
			breathe(context.Context) error
		}); ok {
			if err := b.breathe(w.ctx); err != nil {
				return err
			}
		}
	}
}

// stepFunc finds the step whose pattern matches text whole, and returns a
// call of it with the text's arguments.
func (w *world) stepFunc(text string) (func() error, error) {
	for _, d := range w.defs {
		m := stepRegexp(d.pattern).FindStringSubmatch(text)
		if m == nil {
			continue
		}
		if strings.HasPrefix(d.pattern, "^within ") {
			return nil, fmt.Errorf("%q: a waiting step cannot wait for another", text)
		}
		fn := reflect.ValueOf(d.fn)
		t := fn.Type()
		if t.NumIn() != len(m)-1 {
			return nil, fmt.Errorf("%q: this step takes a doc string or a table: it cannot be waited for", text)
		}
		args := make([]reflect.Value, t.NumIn())
		for i := range args {
			switch t.In(i).Kind() {
			case reflect.String:
				args[i] = reflect.ValueOf(m[i+1]).Convert(t.In(i))
			case reflect.Int:
				n, err := strconv.Atoi(m[i+1])
				if err != nil {
					return nil, fmt.Errorf("%q: %q is not a number", text, m[i+1])
				}
				args[i] = reflect.ValueOf(n)
			default:
				return nil, fmt.Errorf("%q: this step cannot be waited for", text)
			}
		}
		return func() error {
			out := fn.Call(args)
			if last := out[len(out)-1]; !last.IsNil() {
				return last.Interface().(error)
			}
			return nil
		}, nil
	}
	return nil, fmt.Errorf("no step matches %q (holdlab steps lists them)", text)
}
