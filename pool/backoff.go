package pool

import (
	"fmt"
	"log/slog"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"time"
)

// The connect back-off. Every dial of every pool (first connect, reconnect
// after a stale, recycled or pre-ping-failed connection, reconnect for a
// Checkout listener, NullPool, StaticPool, AssertionPool) asks the gate first.
//
// While connects succeed the gate is one atomic load. After a failed connect
// the pool is in a back-off window of ConnectBackoff, doubled after every
// further failure up to ConnectBackoffMax, each lowered by a random amount of
// up to half ("equal jitter") so that pools restarted together do not retry
// together. During the window a checkout that needs a new connection fails
// at once with an error wrapping ErrConnectBackoff and the last connect error.
// Once the window has passed, exactly one checkout (the probe) calls the
// creator; the others keep failing fast with the last error while it runs,
// rather than waiting for it: during an outage a probe may hang until
// Config.Timeout (a dial to a dead host), and waiting on it would turn every
// checkout's fast failure back into a slow one. A success, by the probe or by
// a connect that started before the back-off, ends the back-off at once.
//
// A connect cut short by the caller's own context is no evidence against the
// server: it neither starts nor lengthens a back-off, and a probe so cut short
// lets the next checkout probe. Config.Timeout expiring on the creator is a
// failure like any other.

// backoff is the gate. The zero value with base 0 never backs off.
type backoff struct {
	base, max time.Duration

	active atomic.Bool // the hot path's only load: true while failing

	mu       sync.Mutex
	failures int       // consecutive failed connects that set the window
	lastErr  error     // the last connect error, wrapped by fail-fast errors
	until    time.Time // no probe before this
	probing  bool      // a probe is calling the creator
	since    time.Time // when the back-off began
}

// admit asks to dial. It returns probe=true when this dial is the one attempt
// allowed after a window, and an error wrapping ErrConnectBackoff and the last
// connect error when the caller must fail fast instead.
func (g *backoff) admit() (probe bool, err error) {
	if !g.active.Load() {
		return false, nil
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	if !g.active.Load() { // a success ended it meanwhile
		return false, nil
	}
	now := time.Now()
	if g.probing {
		return false, fmt.Errorf("%w (%d in a row, next attempt under way): %w", ErrConnectBackoff, g.failures, g.lastErr)
	}
	if now.Before(g.until) {
		wait := g.until.Sub(now).Round(time.Millisecond)
		return false, fmt.Errorf("%w (%d in a row, next attempt in %v): %w", ErrConnectBackoff, g.failures, wait, g.lastErr)
	}
	g.probing = true
	return true, nil
}

// failed records a connect that failed with err. The first failure opens a
// window of about base; a failed probe doubles it, up to max. A failure of a
// connect that started before the back-off only updates the last error: those
// were all in flight together and are one piece of evidence, not many.
func (g *backoff) failed(probe bool, err error, log *slog.Logger, name string) {
	if g.base <= 0 {
		return
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	if probe {
		g.probing = false
	}
	g.lastErr = err
	now := time.Now()
	switch {
	case !g.active.Load():
		g.failures = 1
		g.since = now
		g.active.Store(true)
		log.Warn("alchemy: pool: connect failed; backing off", "pool", name, "error", err)
	case probe:
		g.failures++
	default:
		return
	}
	g.until = now.Add(g.delay(g.failures))
}

// succeeded ends the back-off.
func (g *backoff) succeeded(probe bool, log *slog.Logger, name string) {
	if !probe && !g.active.Load() {
		return
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	if probe {
		g.probing = false
	}
	if !g.active.Load() {
		return
	}
	log.Info("alchemy: pool: connect succeeded; back-off over", "pool", name,
		"failures", g.failures, "down", time.Since(g.since).Round(time.Millisecond))
	g.active.Store(false)
	g.failures, g.lastErr, g.until = 0, nil, time.Time{}
}

// abandoned ends a probe that says nothing about the server (the caller's
// context ended): the next checkout may probe.
func (g *backoff) abandoned(probe bool) {
	if !probe {
		return
	}
	g.mu.Lock()
	g.probing = false
	g.mu.Unlock()
}

// delay is the window after the n-th consecutive failure: base doubled n-1
// times, capped at max, then lowered by a random amount of up to half.
func (g *backoff) delay(n int) time.Duration {
	d := g.base
	for i := 1; i < n && d < g.max; i++ {
		d *= 2
	}
	d = min(d, g.max)
	if half := d / 2; half > 0 {
		d -= rand.N(half)
	}
	return d
}
