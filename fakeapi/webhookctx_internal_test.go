package fakeapi

import (
	"context"
	"errors"
	"testing"
	"time"
)

type ctxKey struct{}

// A webhook's context behaves as context.WithTimeout's: its deadline, its
// parent's values, Err and Done when cancelled or expired, whether or not
// Done was asked for before, and the contexts derived from it end with it.
func TestWebhookContext(t *testing.T) {
	parent := context.WithValue(context.Background(), ctxKey{}, "v")
	closed := func(c context.Context) bool {
		select {
		case <-c.Done():
			return true
		default:
			return false
		}
	}
	// waitDone waits for c to end, for at most a few seconds.
	waitDone := func(t *testing.T, c context.Context) {
		t.Helper()
		select {
		case <-c.Done():
		case <-time.After(5 * time.Second):
			t.Fatal("Done was not closed")
		}
	}
	tests := []struct {
		name      string
		timeout   time.Duration
		doneFirst bool // Done asked for before it ends
		cancel    bool
		want      error
	}{
		{"live", time.Hour, false, false, nil},
		{"live, Done asked", time.Hour, true, false, nil},
		{"cancelled", time.Hour, false, true, context.Canceled},
		{"cancelled, Done asked", time.Hour, true, true, context.Canceled},
		{"expired", -time.Second, false, false, context.DeadlineExceeded},
		{"expired, Done asked", -time.Second, true, false, context.DeadlineExceeded},
		{"expires while waited on", time.Millisecond, true, false, context.DeadlineExceeded},
		{"expired, then cancelled", -time.Second, false, true, context.DeadlineExceeded},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			before := time.Now()
			c := newWebhookContext(parent, tc.timeout)
			defer c.cancel()
			var derived context.Context = c
			if tc.doneFirst {
				var cancel context.CancelFunc
				derived, cancel = context.WithCancel(c)
				defer cancel()
				c.Done()
			}
			if dl, ok := c.Deadline(); !ok || dl.Before(before.Add(tc.timeout)) || dl.After(time.Now().Add(tc.timeout)) {
				t.Errorf("Deadline() = %v, %v; want about now + %v", dl, ok, tc.timeout)
			}
			if got := c.Value(ctxKey{}); got != "v" {
				t.Errorf("Value = %v, want the parent's", got)
			}
			if tc.want == context.DeadlineExceeded && tc.timeout > 0 {
				waitDone(t, c)
			}
			if tc.cancel {
				if tc.timeout < 0 {
					c.Err() // seen expired first
				}
				c.cancel()
			}
			if err := c.Err(); !errors.Is(err, tc.want) || (err == nil) != (tc.want == nil) {
				t.Errorf("Err() = %v, want %v", err, tc.want)
			}
			if got := closed(c); got != (tc.want != nil) {
				t.Errorf("Done closed = %v, want %v", got, tc.want != nil)
			}
			if tc.want != nil {
				waitDone(t, derived)
			}
			c.cancel()
			if err := c.Err(); !errors.Is(err, tc.want) && tc.want != nil {
				t.Errorf("after cancel, Err() = %v, want it kept: %v", err, tc.want)
			}
			if !closed(c) {
				t.Error("Done not closed after cancel")
			}
		})
	}
}
