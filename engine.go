package alchemy

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"hash/maphash"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/go-alchemy/alchemy/dialect"
	"github.com/go-alchemy/alchemy/pool"
)

// Engine holds a database's URL, dialect and pool. Make one per URL per process
// and share it (it is safe for concurrent use); Dispose it at the end.
type Engine struct {
	url     URL
	dialect dialect.Dialect
	db      *sql.DB // a factory of connections only: it keeps none idle
	pool    enginePool
	cfg     config
	logger  *slog.Logger
	closed  atomic.Bool

	knownVersion atomic.Pointer[dialect.Version] // version, once known, for the compiler

	style     dialect.Paramstyle
	cache     *compiledCache // nil when QueryCacheSize(0)
	cacheSeed maphash.Seed   // hashes the keys of expression-language statements

	replayMu sync.Mutex
	replay   *sql.DB // serves buffered Results (buffered.go)

	cacheStmts bool // connections keep prepared statements (stmtcache.go)
	// native makes each connection's native path (native.go); nil when the
	// engine's statements go through database/sql.
	native dialect.Native
}

// CreateEngine makes an Engine for a URL ("postgresql://scott:tiger@host/db").
// The dialect's package must be imported (blank is enough). It connects nothing.
func CreateEngine(rawURL string, opts ...Option) (*Engine, error) {
	u, err := dialect.ParseURL(rawURL)
	if err != nil {
		return nil, err
	}
	return CreateEngineURL(u, opts...)
}

// CreateEngineURL is CreateEngine for a URL value.
func CreateEngineURL(u URL, opts ...Option) (*Engine, error) {
	d, err := dialect.ForURL(u)
	if err != nil {
		return nil, err
	}
	cfg := config{pool: pool.DefaultConfig(), cacheSize: defaultQueryCacheSize}
	for _, o := range opts {
		if o != nil {
			o(&cfg)
		}
	}
	if err := errors.Join(cfg.errs...); err != nil {
		return nil, err
	}
	e := &Engine{url: u.Clone(), dialect: d, cfg: cfg, style: d.Paramstyle(), cacheStmts: cachesStatements(d, u)}
	if cfg.cacheSize > 0 {
		e.cache = newCompiledCache(cfg.cacheSize)
		e.cacheSeed = maphash.MakeSeed()
	}
	e.logger = cfg.logger
	if e.logger == nil {
		e.logger = slog.Default()
	}
	e.logger = e.logger.With("engine", e.name())

	var connector driver.Connector
	if cfg.creator != nil {
		connector = creatorConnector{fn: cfg.creator}
	} else {
		connector, err = d.Connector(u, cfg.connectArgs)
		if err != nil {
			return nil, err
		}
	}
	e.db = sql.OpenDB(connector)
	e.db.SetMaxIdleConns(0) // our pool keeps the idle connections, not database/sql's

	pcfg := cfg.pool
	pcfg.Logger = e.logger
	if cfg.echoPool {
		pcfg.Listeners = append(pcfg.Listeners, e.poolEchoListener())
	}
	if n, ok := d.(dialect.Native); ok && n.NativePath(u) {
		e.native = n
	}
	p, err := e.newPool(u, pcfg)
	if err != nil {
		e.db.Close()
		return nil, err
	}
	e.pool = p
	return e, nil
}

func (e *Engine) newPool(u URL, pcfg pool.Config) (enginePool, error) {
	kind := e.cfg.poolKind
	if kind == DefaultPool {
		kind = QueuePool
		if sc, ok := e.dialect.(dialect.SingleConnection); ok && sc.SingleConnection(u) {
			kind = StaticPool
		}
	}
	switch kind {
	case NullPool:
		e.cacheStmts = false // a connection serves one checkout: nothing to reuse
		return pool.NewNullPool(e.createConn, pcfg)
	case StaticPool:
		// Its one connection serves several Conns at once: statements stay
		// database/sql's, prepared per use, and database/sql serializes them.
		e.cacheStmts = false
		e.native = nil
		return pool.NewStaticPool(e.createConn, pcfg)
	case AssertionPool:
		return pool.NewAssertionPool(e.createConn, pcfg)
	}
	return pool.NewQueuePool(e.createConn, pcfg)
}

// createConn is the pool's creator: it reserves a connection of the factory sql.DB.
func (e *Engine) createConn(ctx context.Context) (*dbConn, error) {
	var c *dbConn
	err := e.traceConnect(ctx, func(ctx context.Context) (err error) {
		c, err = e.connect(ctx)
		return err
	})
	return c, err
}

func (e *Engine) connect(ctx context.Context) (*dbConn, error) {
	sc, err := e.db.Conn(ctx)
	if err != nil {
		ctxErr := ctx.Err()
		if d, ok := ctx.Deadline(); ctxErr == nil && ok && !time.Now().Before(d) {
			ctxErr = context.DeadlineExceeded // the dial saw the deadline before ctx's timer fired
		}
		if ctxErr != nil {
			if errors.Is(err, ctxErr) {
				return nil, err
			}
			// The driver's own words for it (pgx: "dial error: timeout"), with
			// the context's error there for errors.Is.
			w := e.wrapErr(nil, "connect", "", nil, err)
			w.ctxErr = ctxErr
			return nil, w
		}
		if e.closed.Load() { // Dispose closed the factory under a checkout
			return nil, fmt.Errorf("%w: engine %s is disposed", ErrClosed, e.name())
		}
		return nil, e.wrapErr(nil, "connect", "", nil, err)
	}
	dc := &dbConn{sc: sc, d: e.dialect}
	if e.cacheStmts {
		dc.stmts = &stmtCache{}
	}
	_, waits := e.dialect.(dialect.CloseWaiter)
	if waits || e.native != nil {
		_ = sc.Raw(func(raw any) error { dc.raw = raw; return nil })
	}
	if e.native != nil {
		// A driver connection the dialect cannot take natively (a Creator's)
		// keeps database/sql's path.
		if nc, err := e.native.NativeConn(dc.raw); err == nil {
			dc.native, dc.e = nc, e
		}
	}
	return dc, nil
}

func (e *Engine) name() string {
	if e.cfg.loggingName != "" {
		return e.cfg.loggingName
	}
	return e.url.String()
}

// URL returns the engine's URL. Its String hides the password.
func (e *Engine) URL() URL { return e.url.Clone() }

// Dialect returns the engine's dialect.
func (e *Engine) Dialect() dialect.Dialect { return e.dialect }

// PoolStatus reports the pool's counts and counters without a lock (SQLAlchemy's
// pool.status(), pgxpool's Stat).
func (e *Engine) PoolStatus() pool.Status { return e.pool.Status() }

// InvalidatePool discards every connection made before the call, as a disconnect
// does (idle ones now, checked-out ones at checkin), after a restart or failover
// the engine did not see (pgxpool's Reset). The engine stays open. reason is
// logged (nil: "invalidated by the caller").
func (e *Engine) InvalidatePool(reason error) {
	if reason == nil {
		reason = errors.New("alchemy: pool invalidated by the caller")
	}
	e.pool.InvalidateAll(reason)
}

// String describes the engine without its password: Engine(postgresql://scott:***@host/db).
func (e *Engine) String() string { return "Engine(" + e.url.String() + ")" }

// GoString keeps the password out of %#v.
func (e *Engine) GoString() string { return "alchemy." + e.String() }

// Connect checks a connection out of the pool; Close returns it.
func (e *Engine) Connect(ctx context.Context) (*Conn, error) {
	if ctx == nil {
		return nil, errNilContext
	}
	if e.closed.Load() {
		return nil, fmt.Errorf("%w: engine %s is disposed", ErrClosed, e.name())
	}
	c := e.newConn()
	if err := c.checkout(ctx); err != nil {
		return nil, err
	}
	return c, nil
}

// Execute runs a statement as Conn.Execute does, on the connection ctx carries
// (Transact, ContextWithConn) or on one checked out for it, which goes back when
// the Result is exhausted or closed: close the Result.
func (e *Engine) Execute(ctx context.Context, stmt Executable, args ...any) (*Result, error) {
	if c := connFromContext(ctx, e); c != nil {
		return c.Execute(ctx, stmt, args...)
	}
	c, err := e.Connect(ctx)
	if err != nil {
		return nil, err
	}
	res, err := c.Execute(ctx, stmt, args...)
	if err != nil {
		c.Close()
		return nil, err
	}
	res.closeConn = true
	if res.rows == nil {
		c.Close()
	}
	return res, nil
}

// RunInTx runs fn in a transaction ("with engine.begin() as conn"): commit when fn
// returns nil, rollback when it fails or panics (the panic goes on). The connection
// goes back when the block ends. When ctx carries a transaction of this engine, fn
// joins it, as a Begin inside a Begin does.
func (e *Engine) RunInTx(ctx context.Context, fn func(conn *Conn) error, opts ...BlockOption) error {
	return e.runTx(ctx, txOptionsOf(opts), false, false, func(_ context.Context, c *Conn) error { return fn(c) })
}

// Dispose closes the pool (idle connections now, the others at checkin) for good;
// Connect then returns ErrClosed. InvalidatePool drops connections but keeps it.
func (e *Engine) Dispose() error {
	if e.closed.Swap(true) {
		return nil
	}
	err := e.pool.Dispose()
	e.replayMu.Lock()
	if e.replay != nil {
		err = errors.Join(err, e.replay.Close())
	}
	e.replayMu.Unlock()
	return errors.Join(err, e.db.Close())
}

// ServerVersion returns the server's version, read once per engine (by this call
// or by the first statement needing a feature), and given to later compiles.
func (e *Engine) ServerVersion(ctx context.Context) (dialect.Version, error) {
	if ctx == nil {
		return dialect.Version{}, errNilContext
	}
	if p := e.knownVersion.Load(); p != nil {
		return *p, nil
	}
	c, err := e.Connect(ctx)
	if err != nil {
		return dialect.Version{}, err
	}
	defer c.Close()
	var v dialect.Version
	err = c.withConn(ctx, func(sc *sql.Conn) error {
		var err error
		v, err = e.dialect.ServerVersion(ctx, sc)
		return err
	})
	if err != nil {
		return v, e.wrapErr(c, "server version", "", nil, err)
	}
	e.knownVersion.CompareAndSwap(nil, &v)
	return *e.knownVersion.Load(), nil
}

// creatorConnector adapts a Creator function to driver.Connector.
type creatorConnector struct {
	fn func(ctx context.Context) (driver.Conn, error)
}

func (c creatorConnector) Connect(ctx context.Context) (driver.Conn, error) { return c.fn(ctx) }
func (c creatorConnector) Driver() driver.Driver                            { return creatorDriver{c} }

type creatorDriver struct{ c creatorConnector }

func (d creatorDriver) Open(string) (driver.Conn, error) { return d.c.fn(context.Background()) }
