package fakeapi

import (
	"context"
	"sync"
	"time"
)

// webhookContext bounds one webhook by a deadline, as
// context.WithTimeout(parent, d) does, for a parent that is never done
// (ClockManual's webhooks): in one allocation instead of four, and with
// its timer armed only if something waits on Done. The direct path to an
// in-process app only polls Err, which reads the clock; an app that waits
// on r.Context().Done(), or net/http's client, arms the timer.
type webhookContext struct {
	parent   context.Context // Done() == nil
	deadline time.Time

	mu    sync.Mutex
	done  chan struct{} // made by the first Done
	timer *time.Timer   // armed by the first Done
	err   error
}

// newWebhookContext returns parent, which must never be done
// (parent.Done() == nil), bounded by d. Its cancel method is
// context.WithTimeout's cancel function.
func newWebhookContext(parent context.Context, d time.Duration) *webhookContext {
	c := new(webhookContext)
	c.init(parent, d)
	return c
}

// init makes the zero c newWebhookContext(parent, d), for a c allocated
// with other things.
func (c *webhookContext) init(parent context.Context, d time.Duration) {
	c.parent, c.deadline = parent, time.Now().Add(d)
}

func (c *webhookContext) Deadline() (time.Time, bool) { return c.deadline, true }

func (c *webhookContext) Value(key any) any { return c.parent.Value(key) }

func (c *webhookContext) Err() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.err == nil && !time.Now().Before(c.deadline) {
		c.endLocked(context.DeadlineExceeded)
	}
	return c.err
}

func (c *webhookContext) Done() <-chan struct{} {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.done == nil {
		c.done = make(chan struct{})
		if c.err == nil {
			c.timer = time.AfterFunc(time.Until(c.deadline), c.expire)
		} else {
			close(c.done)
		}
	}
	return c.done
}

func (c *webhookContext) String() string { return "fakeapi.webhookContext" }

// cancel ends c, as context.WithTimeout's cancel function does.
func (c *webhookContext) cancel() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.endLocked(context.Canceled)
}

func (c *webhookContext) expire() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.endLocked(context.DeadlineExceeded)
}

// endLocked ends c with err, unless it has ended already. c.mu is held.
func (c *webhookContext) endLocked(err error) {
	if c.err != nil {
		return
	}
	c.err = err
	if c.done != nil {
		close(c.done)
	}
	if c.timer != nil {
		c.timer.Stop()
	}
}
