package alchemy

import (
	"context"
	"database/sql/driver"
	"fmt"
	"log/slog"
	"time"

	"github.com/go-alchemy/alchemy/pool"
)

// PoolKind chooses the pool an engine uses.
type PoolKind int

const (
	DefaultPool   PoolKind = iota // QueuePool; StaticPool for SQLite memory
	QueuePool                     // PoolSize kept, up to MaxOverflow more
	NullPool                      // a connection per checkout, closed at checkin
	StaticPool                    // one connection shared by every checkout
	AssertionPool                 // one checkout at a time; a second says where the first was
)

// config is what the options set.
type config struct {
	pool        pool.Config
	poolKind    PoolKind
	poolSizeSet bool
	echo        bool
	echoPool    bool
	hideParams  bool
	connectArgs map[string]any
	creator     func(ctx context.Context) (driver.Conn, error)
	loggingName string
	logger      *slog.Logger
	execOptions ExecutionOptions
	tracers     tracers
	cacheSize   int // compiled statements kept; -1 until QueryCacheSize sets it
	errs        []error
}

// Option configures CreateEngine.
type Option func(*config)

func (c *config) fail(format string, args ...any) {
	c.errs = append(c.errs, fmt.Errorf("alchemy: "+format, args...))
}

// PoolClass chooses the kind of pool (poolclass).
func PoolClass(kind PoolKind) Option {
	return func(c *config) {
		if kind < DefaultPool || kind > AssertionPool {
			c.fail("option PoolClass: unknown pool kind %d", int(kind))
			return
		}
		c.poolKind = kind
	}
}

// PoolSize sets how many connections the QueuePool keeps (pool_size, default 5).
func PoolSize(n int) Option {
	return func(c *config) { c.pool.Size = n; c.poolSizeSet = true }
}

// MaxOverflow sets how many connections may be opened beyond PoolSize
// (max_overflow, default 10; -1 for no limit).
func MaxOverflow(n int) Option { return func(c *config) { c.pool.MaxOverflow = n } }

// PoolTimeout sets how long a checkout waits for a connection (pool_timeout, default 30s).
func PoolTimeout(d time.Duration) Option { return func(c *config) { c.pool.Timeout = d } }

// PoolRecycle replaces a connection older than d at its next checkout
// (pool_recycle; 0, the default, never).
func PoolRecycle(d time.Duration) Option { return func(c *config) { c.pool.Recycle = d } }

// PoolRecycleJitter takes up to d, at random, off each connection's recycle age,
// so that connections made together do not expire together.
func PoolRecycleJitter(d time.Duration) Option {
	return func(c *config) { c.pool.RecycleJitter = d }
}

// PoolConnectBackoff: after a failed connect, checkouts needing a new connection
// fail at once with ErrConnectBackoff (wrapping that error) for first, doubling
// per failed retry up to max, with jitter; one checkout retries after each pause.
// Defaults 50ms and 500ms; 0, 0 turns it off (SQLAlchemy dials every checkout).
func PoolConnectBackoff(first, max time.Duration) Option {
	return func(c *config) { c.pool.ConnectBackoff, c.pool.ConnectBackoffMax = first, max }
}

// PoolPrePing pings each connection at checkout and replaces a dead one (pool_pre_ping).
func PoolPrePing(on bool) Option { return func(c *config) { c.pool.PrePing = on } }

// PoolPrePingIdle pings only connections idle longer than d (with PoolPrePing).
func PoolPrePingIdle(d time.Duration) Option { return func(c *config) { c.pool.PrePingIdle = d } }

// PoolPingTimeout bounds each pre-ping.
func PoolPingTimeout(d time.Duration) Option { return func(c *config) { c.pool.PingTimeout = d } }

// PoolUseLIFO chooses the idle order (pool_use_lifo): true, the default here,
// reuses the most recently returned connection first; false reuses the one
// returned longest ago (FIFO), SQLAlchemy's default. Waiting checkouts are
// served first in first out either way. LIFO is the default because FIFO
// cycles through every connection under light load, at a third of the
// throughput; PoolMaxIdleTime does FIFO's job of keeping a connection from
// idling until a server or firewall drops it (see pool.Config.LIFO).
func PoolUseLIFO(on bool) Option { return func(c *config) { c.pool.LIFO = on } }

// PoolMaxIdleTime closes a connection idle longer than d, at its next checkout
// (which gets a new one instead) or by the pool's sweep (like database/sql's
// SetConnMaxIdleTime). Default 5 minutes; 0 turns it off; else at least
// pool.MinMaxIdleTime.
func PoolMaxIdleTime(d time.Duration) Option { return func(c *config) { c.pool.MaxIdleTime = d } }

// PoolResetOnReturn chooses what ends a transaction left open at checkin
// (pool_reset_on_return): pool.ResetRollback (default), ResetCommit or ResetNone.
func PoolResetOnReturn(mode pool.ResetMode) Option {
	return func(c *config) { c.pool.ResetOnReturn = mode }
}

// PoolTrackCheckouts records each checkout's stack, shown when a connection leaks
// (is garbage-collected without Close). For debugging: it allocates.
func PoolTrackCheckouts(on bool) Option { return func(c *config) { c.pool.TrackCheckouts = on } }

// PoolListener adds a listener for the pool's events, SQLAlchemy's PoolEvents.
// Unlike a tracer, it acts: a Checkout listener may refuse a connection (an error
// wrapping pool.ErrDisconnect, or invalidating it, makes the pool try another),
// and a listener may keep data in a connection's *pool.Record (Info).
func PoolListener(l pool.Listener) Option {
	return func(c *config) { c.pool.Listeners = append(c.pool.Listeners, l) }
}

// Echo logs each statement, BEGIN, COMMIT, ROLLBACK and savepoint, with parameters
// (unless HideParameters) and duration, through slog at Info, once over (for rows,
// when they are read or closed).
func Echo(on bool) Option { return func(c *config) { c.echo = on } }

// EchoPool logs pool events through slog (echo_pool): connects and invalidations
// at Info, checkouts and checkins at Debug.
func EchoPool(on bool) Option { return func(c *config) { c.echoPool = on } }

// HideParameters keeps bound values out of logs and errors (hide_parameters).
func HideParameters(on bool) Option { return func(c *config) { c.hideParams = on } }

// Logger sets the slog logger for Echo, EchoPool and warnings (default slog.Default()).
func Logger(l *slog.Logger) Option { return func(c *config) { c.logger = l } }

// LoggingName names the engine in its log lines (logging_name).
func LoggingName(name string) Option {
	return func(c *config) { c.loggingName = name; c.pool.Name = name }
}

// IsolationLevel sets the isolation level every connection starts with
// (isolation_level; Autocommit included).
func IsolationLevel(level Isolation) Option {
	return func(c *config) {
		if err := level.validate(); err != nil {
			c.errs = append(c.errs, err)
			return
		}
		c.execOptions.Isolation = level
	}
}

// ConnectArgs passes driver options over the URL's (connect_args); each dialect
// documents its keys.
func ConnectArgs(args map[string]any) Option {
	return func(c *config) {
		if c.connectArgs == nil {
			c.connectArgs = make(map[string]any, len(args))
		}
		for k, v := range args {
			c.connectArgs[k] = v
		}
	}
}

// Creator makes connections with fn instead of the dialect's connector (creator);
// the URL still chooses the dialect.
func Creator(fn func(ctx context.Context) (driver.Conn, error)) Option {
	return func(c *config) { c.creator = fn }
}

// StatementTimeout bounds each statement and the reading of its rows, on every
// connection (the default of ExecutionOptions.Timeout).
func StatementTimeout(d time.Duration) Option {
	return func(c *config) {
		if d < 0 {
			c.fail("option StatementTimeout: negative duration %v", d)
			return
		}
		c.execOptions.Timeout = d
	}
}

// QueryCacheSize sets how many compiled statements the engine keeps (query_cache_size,
// default 500; 0 turns the cache off); beyond it, one not used for longest is dropped,
// by the CLOCK approximation of least recently used. A statement is cached under its key (expr.CacheKeyer), a Text under its
// SQL. Engine.CacheStats counts hits and misses.
func QueryCacheSize(n int) Option {
	return func(c *config) {
		if n < 0 {
			c.fail("option QueryCacheSize: negative size %d", n)
			return
		}
		c.cacheSize = n
	}
}
