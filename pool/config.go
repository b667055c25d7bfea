package pool

import (
	"fmt"
	"log/slog"
	"time"
)

// ResetMode says what a pool does to a connection at every checkin, SQLAlchemy's
// reset_on_return.
type ResetMode int

const (
	// ResetRollback rolls back whatever the caller left open (the default).
	ResetRollback ResetMode = iota
	// ResetCommit commits whatever the caller left open.
	ResetCommit
	// ResetNone does nothing at checkin; Connection.Reset is not called.
	ResetNone
)

// String returns "rollback", "commit" or "none".
func (m ResetMode) String() string {
	switch m {
	case ResetRollback:
		return "rollback"
	case ResetCommit:
		return "commit"
	case ResetNone:
		return "none"
	}
	return fmt.Sprintf("ResetMode(%d)", int(m))
}

// Limits beyond which a Config value is taken for a mistake.
const (
	// MaxSize is the largest Size and MaxOverflow accepted.
	MaxSize = 100_000
	// MaxTimeout is the longest Timeout and PingTimeout accepted.
	MaxTimeout = 24 * time.Hour
)

// Config holds the knobs of a pool, named after SQLAlchemy's create_engine
// arguments. Start from DefaultConfig; a zero Config is rejected by Validate
// (Size 0), it never makes a pool that panics.
type Config struct {
	// Size is pool_size: how many connections a QueuePool keeps idle at most.
	Size int
	// MaxOverflow is max_overflow: how many connections may be opened beyond
	// Size; -1 means no limit.
	MaxOverflow int
	// Timeout is pool_timeout: how long a checkout waits for a connection,
	// and how long one call of the creator may take. 0 means no limit of the
	// pool's own: only the caller's context bounds the wait. A waiting
	// checkout times out never before Timeout and at most Timeout/8 (at least
	// 2ms) after it, as the pool's watchdog ticks (see QueuePool).
	Timeout time.Duration
	// Recycle is pool_recycle: a connection older than this is closed at
	// checkout and replaced. 0 turns recycling off.
	Recycle time.Duration
	// RecycleJitter lowers each connection's recycle age by a random amount in
	// [0, RecycleJitter), so that connections made together do not expire
	// together. It must be less than Recycle.
	RecycleJitter time.Duration
	// PrePing is pool_pre_ping: ping a connection at checkout and replace it
	// transparently if the ping fails. A connection made by the checkout
	// itself is never pinged.
	PrePing bool
	// PrePingIdle pings only connections that have been idle longer than
	// this (pgxpool's ShouldPing); 0 pings at every checkout. It needs PrePing.
	PrePingIdle time.Duration
	// PingTimeout bounds each pre-ping; 0 leaves it to the checkout context.
	PingTimeout time.Duration
	// LIFO is pool_use_lifo: reuse the most recently returned idle connection
	// first. DefaultConfig turns it on, unlike SQLAlchemy, whose default is
	// FIFO (use_lifo=False); set it false for FIFO, which reuses the
	// connection returned longest ago and so uses every connection in turn.
	// Either way, checkouts that wait are served first in first out and a
	// checkin hands its connection straight to the oldest of them.
	//
	// Why LIFO by default: FIFO exists so that no connection sits idle long
	// enough for a server, proxy or firewall to drop it. But under light load
	// it cycles through every connection, each colder than the last (in the
	// server's caches and the client's), which costs a third or more of the
	// throughput of a pool that keeps reusing the same warm few. Here
	// MaxIdleTime does FIFO's job instead: a connection idle longer is closed,
	// at its next checkout or by the pool's idle sweep, and never handed out.
	LIFO bool
	// MaxIdleTime closes a QueuePool connection that has been idle longer
	// than this (database/sql's SetConnMaxIdleTime, pgxpool's
	// MaxConnIdleTime; SQLAlchemy has none): a checkout that would get it
	// closes it and makes a new one in its place instead, and a sweep every
	// MaxIdleTime/2 closes the ones no checkout reaches. Idle time is measured
	// on a clock that ticks every MaxIdleTime/8, so a connection may be
	// closed up to an eighth early, never late. DefaultConfig sets
	// DefaultMaxIdleTime; 0 turns it off; otherwise it must be at least
	// MinMaxIdleTime. NullPool, StaticPool and AssertionPool ignore it.
	MaxIdleTime time.Duration
	// ResetOnReturn is reset_on_return, run at every checkin.
	ResetOnReturn ResetMode
	// Listeners receive the pool's events; more can be added with Pool.Listen.
	Listeners []Listener
	// Logger receives the pool's log records; nil means slog.Default().
	Logger *slog.Logger
	// ConnectBackoff is how long the pool waits after a failed connect
	// before it calls the creator again: the first wait, doubled after each
	// further failure up to ConnectBackoffMax, each lowered at random by up to
	// half so that many pools do not retry in step. Meanwhile a checkout that
	// needs a new connection fails at once with an error wrapping
	// ErrConnectBackoff and the last connect error, instead of dialling a
	// server that is down; once the wait is over, one checkout tries again
	// (the others still fail fast until it has its answer) and a success ends
	// the back-off at once. Checkouts served by an idle connection are not
	// affected. A connect cut short by the caller's own context does not
	// count as a failure; one that overruns Timeout does. SQLAlchemy has no
	// such knob: its pool calls the creator for every checkout that needs a
	// connection, so an outage draws a storm of connects. 0 turns the
	// back-off off (SQLAlchemy's behaviour).
	ConnectBackoff time.Duration
	// ConnectBackoffMax caps the wait between connect attempts during an
	// outage, and so bounds how long after the server is back the pool first
	// tries it. It must be at least ConnectBackoff when that is on.
	ConnectBackoffMax time.Duration
	// TrackCheckouts records the call stack of every checkout, shown when a
	// leaked connection is reported and in AssertionPool's error. It costs a
	// stack walk per checkout; use it to debug.
	TrackCheckouts bool
	// Name is logging_name: shown in log records and in Status.
	Name string
}

// Defaults of the connect back-off and idle time, which SQLAlchemy does not have.
const (
	// DefaultMaxIdleTime is DefaultConfig's MaxIdleTime: under the idle
	// timeouts of common middleboxes (AWS NLB 350s, PgBouncer's
	// server_idle_timeout 600s), far under MySQL's wait_timeout (8h).
	DefaultMaxIdleTime = 5 * time.Minute
	// DefaultConnectBackoff is DefaultConfig's ConnectBackoff.
	DefaultConnectBackoff = 50 * time.Millisecond
	// DefaultConnectBackoffMax is DefaultConfig's ConnectBackoffMax: well under
	// a second, so that the pool tries a server that is back within half a
	// second.
	DefaultConnectBackoffMax = 500 * time.Millisecond
)

// DefaultConfig returns SQLAlchemy's defaults: Size 5, MaxOverflow 10,
// Timeout 30s, no recycle, no pre-ping, ResetRollback; with two departures,
// LIFO reuse of idle connections with MaxIdleTime 5 minutes instead of
// SQLAlchemy's FIFO (see Config.LIFO for why), and a connect back-off from
// 50ms up to 500ms, which SQLAlchemy lacks.
func DefaultConfig() Config {
	return Config{
		Size:              5,
		MaxOverflow:       10,
		Timeout:           30 * time.Second,
		LIFO:              true,
		MaxIdleTime:       DefaultMaxIdleTime,
		ResetOnReturn:     ResetRollback,
		ConnectBackoff:    DefaultConnectBackoff,
		ConnectBackoffMax: DefaultConnectBackoffMax,
	}
}

// Validate reports the first option that is negative, absurd or inconsistent,
// as a *ConfigError that wraps ErrInvalidConfig.
func (c Config) Validate() error {
	if c.Size < 1 {
		return &ConfigError{Option: "Size", Value: c.Size, Reason: "must be at least 1 (use NullPool for no pooling)"}
	}
	if c.Size > MaxSize {
		return &ConfigError{Option: "Size", Value: c.Size, Reason: fmt.Sprintf("must be at most %d", MaxSize)}
	}
	if c.MaxOverflow < -1 {
		return &ConfigError{Option: "MaxOverflow", Value: c.MaxOverflow, Reason: "must be -1 (no limit) or more"}
	}
	if c.MaxOverflow > MaxSize {
		return &ConfigError{Option: "MaxOverflow", Value: c.MaxOverflow, Reason: fmt.Sprintf("must be at most %d", MaxSize)}
	}
	return c.validateCommon()
}

// validateCommon checks what every kind of pool uses; NullPool and StaticPool
// ignore Size and MaxOverflow.
func (c Config) validateCommon() error {
	switch {
	case c.Timeout < 0:
		return &ConfigError{Option: "Timeout", Value: c.Timeout, Reason: "must not be negative"}
	case c.Timeout > MaxTimeout:
		return &ConfigError{Option: "Timeout", Value: c.Timeout, Reason: fmt.Sprintf("must be at most %v", MaxTimeout)}
	case c.Recycle < 0:
		return &ConfigError{Option: "Recycle", Value: c.Recycle, Reason: "must not be negative (0 turns it off)"}
	case c.RecycleJitter < 0:
		return &ConfigError{Option: "RecycleJitter", Value: c.RecycleJitter, Reason: "must not be negative"}
	case c.RecycleJitter > 0 && c.Recycle == 0:
		return &ConfigError{Option: "RecycleJitter", Value: c.RecycleJitter, Reason: "needs Recycle"}
	case c.RecycleJitter > 0 && c.RecycleJitter >= c.Recycle:
		return &ConfigError{Option: "RecycleJitter", Value: c.RecycleJitter, Reason: fmt.Sprintf("must be less than Recycle (%v)", c.Recycle)}
	case c.MaxIdleTime < 0:
		return &ConfigError{Option: "MaxIdleTime", Value: c.MaxIdleTime, Reason: "must not be negative (0 turns it off)"}
	case c.MaxIdleTime > 0 && c.MaxIdleTime < MinMaxIdleTime:
		return &ConfigError{Option: "MaxIdleTime", Value: c.MaxIdleTime, Reason: fmt.Sprintf("must be 0 (off) or at least %v", MinMaxIdleTime)}
	case c.PrePingIdle < 0:
		return &ConfigError{Option: "PrePingIdle", Value: c.PrePingIdle, Reason: "must not be negative"}
	case c.PrePingIdle > 0 && !c.PrePing:
		return &ConfigError{Option: "PrePingIdle", Value: c.PrePingIdle, Reason: "needs PrePing"}
	case c.PingTimeout < 0:
		return &ConfigError{Option: "PingTimeout", Value: c.PingTimeout, Reason: "must not be negative"}
	case c.PingTimeout > MaxTimeout:
		return &ConfigError{Option: "PingTimeout", Value: c.PingTimeout, Reason: fmt.Sprintf("must be at most %v", MaxTimeout)}
	case c.ResetOnReturn < ResetRollback || c.ResetOnReturn > ResetNone:
		return &ConfigError{Option: "ResetOnReturn", Value: c.ResetOnReturn, Reason: "must be ResetRollback, ResetCommit or ResetNone"}
	case c.ConnectBackoff < 0:
		return &ConfigError{Option: "ConnectBackoff", Value: c.ConnectBackoff, Reason: "must not be negative (0 turns it off)"}
	case c.ConnectBackoffMax < 0:
		return &ConfigError{Option: "ConnectBackoffMax", Value: c.ConnectBackoffMax, Reason: "must not be negative"}
	case c.ConnectBackoffMax > MaxTimeout:
		return &ConfigError{Option: "ConnectBackoffMax", Value: c.ConnectBackoffMax, Reason: fmt.Sprintf("must be at most %v", MaxTimeout)}
	case c.ConnectBackoff > 0 && c.ConnectBackoffMax < c.ConnectBackoff:
		return &ConfigError{Option: "ConnectBackoffMax", Value: c.ConnectBackoffMax, Reason: fmt.Sprintf("must be at least ConnectBackoff (%v)", c.ConnectBackoff)}
	}
	return nil
}
