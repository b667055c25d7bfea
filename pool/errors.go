package pool

import (
	"errors"
	"fmt"
	"time"
)

// Sentinel errors, checked with errors.Is.
var (
	// ErrTimeout: a checkout waited longer than Config.Timeout. The error
	// returned is a *TimeoutError.
	ErrTimeout = errors.New("alchemy: pool: connection timed out")
	// ErrClosed: the pool has been disposed.
	ErrClosed = errors.New("alchemy: pool: pool is closed")
	// ErrDisconnect marks a connection as dead. A checkout listener returns an
	// error wrapping it to make the pool drop that connection and try another
	// (SQLAlchemy's DisconnectionError).
	ErrDisconnect = errors.New("alchemy: pool: connection is disconnected")
	// ErrNotCheckedOut: Put was given a connection that this pool did not
	// hand out, or one already returned.
	ErrNotCheckedOut = errors.New("alchemy: pool: connection is not checked out from this pool")
	// ErrAssertion: an AssertionPool saw a second concurrent checkout.
	ErrAssertion = errors.New("alchemy: pool: assertion failed")
	// ErrInvalidConfig: a Config value was rejected; the error is a *ConfigError.
	ErrInvalidConfig = errors.New("alchemy: pool: invalid config")
	// ErrConnectBackoff: a checkout that needed a new connection failed at
	// once, without calling the creator, because recent connects failed and
	// the pool is backing off (Config.ConnectBackoff). The error also wraps
	// the last connect error, so errors.Is and errors.As reach the driver's
	// error. Checkouts that arrive while the one retry after a back-off window
	// is under way fail fast the same way rather than wait for it.
	ErrConnectBackoff = errors.New("alchemy: pool: backing off after failed connects")
)

var (
	// errNilContext is returned by every Get given a nil context.
	errNilContext = errors.New("alchemy: pool: checkout: nil context (use context.Background())")
	// errListenerInvalidated: a Checkout listener invalidated the connection
	// and returned nil; the pool treats it as a disconnect.
	errListenerInvalidated = fmt.Errorf("alchemy: pool: checkout listener invalidated the connection: %w", ErrDisconnect)
)

// ConfigError names the Config option that was rejected.
type ConfigError struct {
	Option string // field name in Config
	Value  any    // the rejected value
	Reason string
}

// Error reads "alchemy: pool: invalid Size 0: must be at least 1 ...".
func (e *ConfigError) Error() string {
	return fmt.Sprintf("alchemy: pool: invalid %s %v: %s", e.Option, e.Value, e.Reason)
}

// Unwrap returns ErrInvalidConfig.
func (e *ConfigError) Unwrap() error { return ErrInvalidConfig }

// TimeoutError is returned when a QueuePool checkout waits longer than its
// Timeout. It reads like SQLAlchemy's and carries the pool's status at the time.
type TimeoutError struct {
	Size        int
	MaxOverflow int
	Timeout     time.Duration
	Status      Status
}

// Error reads "alchemy: pool: limit of size 5 overflow 10 reached, connection
// timed out, timeout 30s (Pool size: 5 ...)".
func (e *TimeoutError) Error() string {
	return fmt.Sprintf("alchemy: pool: limit of size %d overflow %d reached, connection timed out, timeout %v (%s)",
		e.Size, e.MaxOverflow, e.Timeout, e.Status)
}

// Unwrap returns ErrTimeout.
func (e *TimeoutError) Unwrap() error { return ErrTimeout }
