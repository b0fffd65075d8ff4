package scenarios

import (
	"errors"
	"fmt"
	"reflect"

	"github.com/cucumber/godog"
)

// eventually wraps a step that checks REST state or webhooks, so that on a
// target whose state settles in real time (Twilio) it is retried until it
// passes or the backend's bound. On the fake, whose state is exact, it
// runs once.
func (w *world) eventually(fn any) any {
	v := reflect.ValueOf(fn)
	return reflect.MakeFunc(v.Type(), func(args []reflect.Value) []reflect.Value {
		var out []reflect.Value
		err := w.be.eventually(w.ctx, func() error {
			out = v.Call(args)
			if last := out[len(out)-1]; !last.IsNil() {
				return last.Interface().(error)
			}
			return nil
		})
		if out == nil {
			// The context ended before the check ran once.
			out = make([]reflect.Value, v.Type().NumOut())
			for i := range out {
				out[i] = reflect.Zero(v.Type().Out(i))
			}
			out[len(out)-1] = reflect.ValueOf(&err).Elem()
		}
		return out
	}).Interface()
}

// adapt wraps every step: it stops at once when the run was interrupted;
// in a scenario expected to fail, it turns the first failure into the
// expected failure and skips the rest; and it turns ErrNotObservable into
// a note (the scenario goes on) and ErrNeedsFake into a note that skips
// the rest. A step that was not observable never counts as passed.
func adapt(fn any, w *world, expected func() bool) any {
	v := reflect.ValueOf(fn)
	errType := reflect.TypeFor[error]()
	return reflect.MakeFunc(v.Type(), func(args []reflect.Value) []reflect.Value {
		out := make([]reflect.Value, v.Type().NumOut())
		for i := range out {
			out[i] = reflect.Zero(v.Type().Out(i))
		}
		setErr := func(err error) []reflect.Value {
			out[len(out)-1] = reflect.New(errType).Elem()
			if err != nil {
				out[len(out)-1].Set(reflect.ValueOf(err))
			}
			return out
		}
		if err := w.ctx.Err(); err != nil {
			return setErr(fmt.Errorf("interrupted: %w", err))
		}
		out = v.Call(args)
		last := out[len(out)-1]
		if last.IsNil() {
			return out
		}
		err := last.Interface().(error)
		if errors.Is(err, ErrNotObservable) {
			w.noteNotObserved(err)
			if errors.Is(err, ErrNeedsFake) {
				return setErr(fmt.Errorf("not observable: %v: %w", err, godog.ErrSkip))
			}
			return setErr(nil)
		}
		if !expected() {
			return out
		}
		if w.xfailNote == "" {
			w.xfailNote = err.Error()
		}
		return setErr(fmt.Errorf("expected failure: %v: %w", err, godog.ErrSkip))
	}).Interface()
}

// noteNotObserved records that the current step could not be observed.
func (w *world) noteNotObserved(err error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.notObserved = append(w.notObserved, fmt.Sprintf("%s (%v)", w.step, err))
}
