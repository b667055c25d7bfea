// Package fakedriver is a database/sql driver that runs no SQL, and a "fake" dialect
// for it, for the engine's unit tests. Every connection records what it was asked to
// do (statements, BEGIN, COMMIT, ROLLBACK, pings, closes) in its Driver's event log,
// and can be told to fail its next operation of a kind with any error:
// driver.ErrBadConn or ErrDisconnect kill the connection, so that every later use of
// it fails with driver.ErrBadConn too.
//
// Each test makes its own Driver with New; the URL it returns ("fake:///fd3") leads
// the fake dialect's connector to it. Blank-importing is not needed: importing the
// package for New registers the dialect under the name "fake".
package fakedriver

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
)

// Op is a kind of operation a fault can target.
type Op string

// Operations.
const (
	OpConnect  Op = "connect"
	OpExec     Op = "exec"
	OpQuery    Op = "query"
	OpPrepare  Op = "prepare"
	OpBegin    Op = "begin"
	OpCommit   Op = "commit"
	OpRollback Op = "rollback"
	OpPing     Op = "ping"
	OpReset    Op = "reset" // database/sql's ResetSession
)

// ErrDisconnect is an error the fake dialect classifies as a lost connection (as it
// does driver.ErrBadConn). A fault with it kills the connection.
var ErrDisconnect = errors.New("fakedriver: server closed the connection (disconnect)")

// CodeError is a database error with a code. The fake dialect reports Code as the
// error code, classifies "40001" and "40P01" as serialization failures and "23505" as a
// unique violation.
type CodeError struct {
	Code string
	Msg  string
}

// Error renders the message and the code.
func (e *CodeError) Error() string { return "fakedriver: " + e.Msg + " (code " + e.Code + ")" }

// Serialization and Unique are ready-made CodeErrors.
var (
	Serialization = &CodeError{Code: "40001", Msg: "could not serialize access"}
	Unique        = &CodeError{Code: "23505", Msg: "duplicate key value violates unique constraint"}
)

// Event is one thing a connection was asked to do.
type Event struct {
	Conn int    // the connection's ID, from 1
	Op   Op     // what it was
	SQL  string // the statement, for exec, query and prepare; the BEGIN text for begin
	Args []any  // the statement's arguments
	InTx bool   // a transaction was open on the connection when it happened
	Err  error  // what the operation returned
}

// String renders the event for test failure messages.
func (e Event) String() string {
	s := fmt.Sprintf("#%d %s", e.Conn, e.Op)
	if e.SQL != "" {
		s += " " + e.SQL
	}
	if e.Err != nil {
		s += " -> " + e.Err.Error()
	}
	return s
}

type fault struct {
	op  Op
	err error
}

// QueryFunc answers a query with column names and rows, or an error. A row that
// holds an error value makes the fetch of that row fail with it. A context error
// there kills the connection, as real drivers close a connection whose read was cut
// off; a disconnect error does not (kill it with Conn.Kill).
type QueryFunc func(query string, args []any) (cols []string, rows [][]any, err error)

// Driver is one fake database: its connections, their event log, and the faults
// waiting to happen. It is safe for concurrent use.
type Driver struct {
	name string

	mu          sync.Mutex
	conns       []*Conn
	events      []Event
	faults      []fault
	queryFn     QueryFunc
	connectArgs []map[string]any
}

var (
	registryMu sync.Mutex
	registry   = map[string]*Driver{}
	seq        atomic.Int64
)

// New makes a Driver and registers it for its URL. Close unregisters it.
func New() *Driver {
	d := &Driver{name: "fd" + strconv.FormatInt(seq.Add(1), 10)}
	registryMu.Lock()
	registry[d.name] = d
	registryMu.Unlock()
	return d
}

// Close unregisters the driver; its URL then names no database.
func (d *Driver) Close() {
	registryMu.Lock()
	delete(registry, d.name)
	registryMu.Unlock()
}

// Name is the driver's name, the database of its URL.
func (d *Driver) Name() string { return d.name }

// URL returns the fake dialect's URL for this driver, "fake:///name", with query
// appended when given ("single=true" makes the dialect report a single-connection
// database, for which the engine picks a StaticPool).
func (d *Driver) URL(query ...string) string {
	u := "fake:///" + d.name
	if len(query) > 0 {
		u += "?" + strings.Join(query, "&")
	}
	return u
}

// Connector returns a driver.Connector making this driver's connections.
func (d *Driver) Connector() driver.Connector { return connector{d} }

// Connect makes a connection, as a Creator for alchemy.Creator.
func (d *Driver) Connect(ctx context.Context) (driver.Conn, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if err := d.takeFaultLocked(nil, OpConnect); err != nil {
		d.events = append(d.events, Event{Op: OpConnect, Err: err})
		return nil, err
	}
	c := &Conn{d: d, id: len(d.conns) + 1}
	d.conns = append(d.conns, c)
	d.events = append(d.events, Event{Conn: c.id, Op: OpConnect})
	return c, nil
}

// FailNext makes the next operation op, on whichever connection does it first, fail
// with err. Faults queue: two calls fail the next two such operations.
func (d *Driver) FailNext(op Op, err error) {
	d.mu.Lock()
	d.faults = append(d.faults, fault{op, err})
	d.mu.Unlock()
}

// ClearFaults drops every fault not yet triggered, on the driver and its connections.
func (d *Driver) ClearFaults() {
	d.mu.Lock()
	d.faults = nil
	for _, c := range d.conns {
		c.faults = nil
	}
	d.mu.Unlock()
}

// OnQuery sets how queries are answered. The default answers one row: the
// arguments when there are some (columns c1, c2...), else a column "v" holding 1.
func (d *Driver) OnQuery(fn QueryFunc) {
	d.mu.Lock()
	d.queryFn = fn
	d.mu.Unlock()
}

// Events returns a copy of the event log.
func (d *Driver) Events() []Event {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([]Event(nil), d.events...)
}

// EventsOf returns the events of one connection.
func (d *Driver) EventsOf(conn int) []Event {
	var out []Event
	for _, e := range d.Events() {
		if e.Conn == conn {
			out = append(out, e)
		}
	}
	return out
}

// Count returns how many events of the kinds ops were logged (all kinds when none
// is named), failed ones included.
func (d *Driver) Count(ops ...Op) int {
	n := 0
	for _, e := range d.Events() {
		if len(ops) == 0 {
			n++
			continue
		}
		for _, op := range ops {
			if e.Op == op {
				n++
				break
			}
		}
	}
	return n
}

// Statements returns the SQL of every exec and query, in order.
func (d *Driver) Statements() []string {
	var out []string
	for _, e := range d.Events() {
		if e.Op == OpExec || e.Op == OpQuery {
			out = append(out, e.SQL)
		}
	}
	return out
}

// ResetEvents empties the event log.
func (d *Driver) ResetEvents() {
	d.mu.Lock()
	d.events = nil
	d.mu.Unlock()
}

// Conns returns every connection made, closed ones included, in order of creation.
func (d *Driver) Conns() []*Conn {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([]*Conn(nil), d.conns...)
}

// Opened returns how many connections were made.
func (d *Driver) Opened() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return len(d.conns)
}

// OpenConns returns how many connections are open (made and not closed).
func (d *Driver) OpenConns() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	n := 0
	for _, c := range d.conns {
		if !c.closed {
			n++
		}
	}
	return n
}

// ConnectArgs returns the connect arguments the dialect's Connector was given, one
// map per call of Connector.
func (d *Driver) ConnectArgs() []map[string]any {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([]map[string]any(nil), d.connectArgs...)
}

// takeFaultLocked pops the first fault for op, the connection's own before the
// driver's.
func (d *Driver) takeFaultLocked(c *Conn, op Op) error {
	if c != nil {
		for i, f := range c.faults {
			if f.op == op {
				c.faults = append(c.faults[:i:i], c.faults[i+1:]...)
				return f.err
			}
		}
	}
	for i, f := range d.faults {
		if f.op == op {
			d.faults = append(d.faults[:i:i], d.faults[i+1:]...)
			return f.err
		}
	}
	return nil
}

func kills(err error) bool {
	return errors.Is(err, driver.ErrBadConn) || errors.Is(err, ErrDisconnect)
}

type connector struct{ d *Driver }

func (c connector) Connect(ctx context.Context) (driver.Conn, error) { return c.d.Connect(ctx) }
func (c connector) Driver() driver.Driver                            { return openDriver(c) }

type openDriver struct{ d *Driver }

func (o openDriver) Open(string) (driver.Conn, error) { return o.d.Connect(context.Background()) }

// Conn is one fake connection.
type Conn struct {
	d      *Driver
	id     int
	faults []fault // guarded by d.mu
	dead   bool    // guarded by d.mu
	closed bool    // guarded by d.mu
	inTx   bool    // guarded by d.mu
	lastID int64   // guarded by d.mu
}

// ID is the connection's number, from 1 in order of creation.
func (c *Conn) ID() int { return c.id }

// FailNext makes this connection's next operation op fail with err.
func (c *Conn) FailNext(op Op, err error) {
	c.d.mu.Lock()
	c.faults = append(c.faults, fault{op, err})
	c.d.mu.Unlock()
}

// Kill makes every later operation on the connection fail with driver.ErrBadConn,
// as when the server went away.
func (c *Conn) Kill() {
	c.d.mu.Lock()
	c.dead = true
	c.d.mu.Unlock()
}

// Dead reports whether the connection was killed.
func (c *Conn) Dead() bool {
	c.d.mu.Lock()
	defer c.d.mu.Unlock()
	return c.dead
}

// Closed reports whether the connection was closed.
func (c *Conn) Closed() bool {
	c.d.mu.Lock()
	defer c.d.mu.Unlock()
	return c.closed
}

// InTx reports whether a transaction is open on the connection.
func (c *Conn) InTx() bool {
	c.d.mu.Lock()
	defer c.d.mu.Unlock()
	return c.inTx
}

// op runs the bookkeeping of one operation: the fault, if any, or death; then the
// event. It returns the error the operation must return.
func (c *Conn) op(op Op, sql string, args []any, txChange func()) error {
	c.d.mu.Lock()
	defer c.d.mu.Unlock()
	var err error
	switch {
	case c.closed:
		err = driver.ErrBadConn
	case c.dead:
		err = driver.ErrBadConn
	default:
		err = c.d.takeFaultLocked(c, op)
	}
	c.d.events = append(c.d.events, Event{Conn: c.id, Op: op, SQL: sql, Args: args, InTx: c.inTx, Err: err})
	if kills(err) {
		c.dead = true
		c.inTx = false
	}
	if txChange != nil && err == nil {
		txChange()
	}
	return err
}

// Prepare implements driver.Conn.
func (c *Conn) Prepare(query string) (driver.Stmt, error) {
	return c.PrepareContext(context.Background(), query)
}

// PrepareContext implements driver.ConnPrepareContext.
func (c *Conn) PrepareContext(ctx context.Context, query string) (driver.Stmt, error) {
	if err := c.op(OpPrepare, query, nil, nil); err != nil {
		return nil, err
	}
	return &stmt{c: c, query: query}, nil
}

// Close implements driver.Conn.
func (c *Conn) Close() error {
	c.d.mu.Lock()
	defer c.d.mu.Unlock()
	if c.closed {
		return nil
	}
	c.closed = true
	c.inTx = false
	c.d.events = append(c.d.events, Event{Conn: c.id, Op: "close"})
	return nil
}

// Begin implements driver.Conn.
func (c *Conn) Begin() (driver.Tx, error) {
	return c.BeginTx(context.Background(), driver.TxOptions{})
}

// BeginTx implements driver.ConnBeginTx. The event's SQL is "BEGIN", with the
// isolation level and READ ONLY when asked.
func (c *Conn) BeginTx(ctx context.Context, opts driver.TxOptions) (driver.Tx, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	text := "BEGIN"
	if opts.Isolation != driver.IsolationLevel(0) {
		text += " ISOLATION LEVEL " + isolationName(int(opts.Isolation))
	}
	if opts.ReadOnly {
		text += " READ ONLY"
	}
	var nested bool
	err := c.op(OpBegin, text, nil, func() {
		nested = c.inTx
		c.inTx = true
	})
	if err == nil && nested {
		return nil, errors.New("fakedriver: BEGIN inside a transaction")
	}
	if err != nil {
		return nil, err
	}
	return tx{c}, nil
}

func isolationName(level int) string {
	names := []string{"Default", "Read Uncommitted", "Read Committed", "Write Committed", "Repeatable Read", "Snapshot", "Serializable", "Linearizable"}
	if level >= 0 && level < len(names) {
		return strings.ToUpper(names[level])
	}
	return "LEVEL" + strconv.Itoa(level)
}

type tx struct{ c *Conn }

// Commit and Rollback end the transaction even when they fail, as a failed COMMIT
// does on PostgreSQL (and database/sql forgets the transaction either way).
func (t tx) Commit() error {
	err := t.c.op(OpCommit, "COMMIT", nil, nil)
	t.c.endTx()
	return err
}

func (t tx) Rollback() error {
	err := t.c.op(OpRollback, "ROLLBACK", nil, nil)
	t.c.endTx()
	return err
}

// txStatement recognises BEGIN, COMMIT and ROLLBACK sent as statements (as the
// engine sends them) and returns their Op and the change they make to the
// connection's transaction; "" for any other statement. ROLLBACK TO SAVEPOINT is
// an ordinary statement.
func (c *Conn) txStatement(query string) (Op, func()) {
	q := strings.ToUpper(strings.TrimSpace(query))
	word, rest, _ := strings.Cut(q, " ")
	switch {
	case word == "BEGIN" || word == "START":
		return OpBegin, func() { c.inTx = true }
	case word == "COMMIT":
		return OpCommit, func() { c.inTx = false }
	case word == "ROLLBACK" && !strings.HasPrefix(rest, "TO"):
		return OpRollback, func() { c.inTx = false }
	}
	return "", nil
}

func (c *Conn) endTx() {
	c.d.mu.Lock()
	c.inTx = false
	c.d.mu.Unlock()
}

// Ping implements driver.Pinger.
func (c *Conn) Ping(ctx context.Context) error { return c.op(OpPing, "", nil, nil) }

// ResetSession implements driver.SessionResetter.
func (c *Conn) ResetSession(ctx context.Context) error {
	c.d.mu.Lock()
	dead := c.dead
	c.d.mu.Unlock()
	if dead {
		return driver.ErrBadConn
	}
	return nil
}

// IsValid implements driver.Validator.
func (c *Conn) IsValid() bool {
	c.d.mu.Lock()
	defer c.d.mu.Unlock()
	return !c.dead && !c.closed
}

// CheckNamedValue implements driver.NamedValueChecker: every value is accepted.
func (c *Conn) CheckNamedValue(*driver.NamedValue) error { return nil }

func values(args []driver.NamedValue) []any {
	if len(args) == 0 {
		return nil
	}
	out := make([]any, len(args))
	for i, a := range args {
		out[i] = a.Value
	}
	return out
}

// sleep handles a statement that starts with "sleep": it waits for ctx to end and
// returns ctx's error, as a server statement cut off by its deadline.
func sleep(ctx context.Context, query string) (bool, error) {
	if !strings.HasPrefix(strings.ToLower(strings.TrimSpace(query)), "sleep") {
		return false, nil
	}
	<-ctx.Done()
	return true, ctx.Err()
}

// ExecContext implements driver.ExecerContext. A context already ended fails the
// call at once, recording nothing: nothing reached the "server".
func (c *Conn) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	if err := ctx.Err(); err != nil { // ended before the call: nothing is sent, as pgx does
		return nil, err
	}
	if op, change := c.txStatement(query); op != "" {
		if err := c.op(op, query, nil, change); err != nil {
			return nil, err
		}
		return result{}, nil
	}
	vals := values(args)
	if err := c.op(OpExec, query, vals, nil); err != nil {
		return nil, err
	}
	if ok, err := sleep(ctx, query); ok {
		c.Kill() // like pgx and go-sql-driver, which close a connection whose statement was cut off
		return nil, err
	}
	c.d.mu.Lock()
	c.lastID++
	id := c.lastID
	c.d.mu.Unlock()
	return result{id: id, n: 1}, nil
}

// QueryContext implements driver.QueryerContext.
func (c *Conn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	vals := values(args)
	if err := c.op(OpQuery, query, vals, nil); err != nil {
		return nil, err
	}
	if ok, err := sleep(ctx, query); ok {
		c.Kill()
		return nil, err
	}
	c.d.mu.Lock()
	fn := c.d.queryFn
	c.d.mu.Unlock()
	if fn == nil {
		fn = defaultQuery
	}
	cols, rows, err := fn(query, vals)
	if err != nil {
		return nil, err
	}
	return &rowsT{c: c, cols: cols, rows: rows}, nil
}

func defaultQuery(_ string, args []any) ([]string, [][]any, error) {
	if len(args) == 0 {
		return []string{"v"}, [][]any{{int64(1)}}, nil
	}
	cols := make([]string, len(args))
	for i := range args {
		cols[i] = "c" + strconv.Itoa(i+1)
	}
	return cols, [][]any{args}, nil
}

type result struct{ id, n int64 }

func (r result) LastInsertId() (int64, error) { return r.id, nil }
func (r result) RowsAffected() (int64, error) { return r.n, nil }

type rowsT struct {
	c    *Conn
	cols []string
	rows [][]any
	i    int
}

func (r *rowsT) Columns() []string { return r.cols }
func (r *rowsT) Close() error      { return nil }
func (r *rowsT) Next(dest []driver.Value) error {
	if r.i >= len(r.rows) {
		return io.EOF
	}
	row := r.rows[r.i]
	r.i++
	for _, v := range row {
		if err, ok := v.(error); ok { // a row holding an error fails the fetch
			if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
				r.c.Kill() // as pgx and go-sql-driver close a connection cut off mid-read
			}
			return err
		}
	}
	for i := range dest {
		if i < len(row) {
			dest[i] = row[i]
		} else {
			dest[i] = nil
		}
	}
	return nil
}

type stmt struct {
	c     *Conn
	query string
}

func (s *stmt) Close() error  { return nil }
func (s *stmt) NumInput() int { return -1 }
func (s *stmt) Exec(args []driver.Value) (driver.Result, error) {
	return s.ExecContext(context.Background(), named(args))
}
func (s *stmt) Query(args []driver.Value) (driver.Rows, error) {
	return s.QueryContext(context.Background(), named(args))
}
func (s *stmt) ExecContext(ctx context.Context, args []driver.NamedValue) (driver.Result, error) {
	return s.c.ExecContext(ctx, s.query, args)
}
func (s *stmt) QueryContext(ctx context.Context, args []driver.NamedValue) (driver.Rows, error) {
	return s.c.QueryContext(ctx, s.query, args)
}
func (s *stmt) CheckNamedValue(*driver.NamedValue) error { return nil }

func named(args []driver.Value) []driver.NamedValue {
	out := make([]driver.NamedValue, len(args))
	for i, a := range args {
		out[i] = driver.NamedValue{Ordinal: i + 1, Value: a}
	}
	return out
}

var (
	_ driver.Conn               = (*Conn)(nil)
	_ driver.ConnBeginTx        = (*Conn)(nil)
	_ driver.ConnPrepareContext = (*Conn)(nil)
	_ driver.ExecerContext      = (*Conn)(nil)
	_ driver.QueryerContext     = (*Conn)(nil)
	_ driver.Pinger             = (*Conn)(nil)
	_ driver.SessionResetter    = (*Conn)(nil)
	_ driver.Validator          = (*Conn)(nil)
	_ driver.NamedValueChecker  = (*Conn)(nil)
	_ driver.StmtExecContext    = (*stmt)(nil)
	_ driver.StmtQueryContext   = (*stmt)(nil)
)
