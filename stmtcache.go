package alchemy

import (
	"context"
	"database/sql"
	"strings"

	"github.com/go-alchemy/alchemy/dialect"
)

// stmtCacheSize is how many prepared statements a connection keeps.
const stmtCacheSize = 32

// stmtCache keeps a connection's prepared statements, for a driver that does not
// keep its own (not dialect.SelfPreparing): database/sql prepares, runs and
// closes a statement with parameters each time it runs, where a statement found
// here runs at once. It belongs to one dbConn, used under the Conn's turn.
type stmtCache struct {
	stmts map[string]*cachedStmt
	clock uint64
}

type cachedStmt struct {
	st   *sql.Stmt
	used uint64
}

// cachesStatements reports whether an engine on u with dialect d keeps prepared
// statements: its driver prepares each statement with parameters (not pgx, which
// keeps its own; not go-sql-driver binding client-side with interpolateParams).
func cachesStatements(d dialect.Dialect, u URL) bool {
	if sp, ok := d.(dialect.SelfPreparing); ok && sp.PreparesStatements() {
		return false
	}
	for k, v := range u.Query {
		if strings.EqualFold(k, "interpolateParams") && len(v) > 0 && strings.EqualFold(v[len(v)-1], "true") {
			return false
		}
	}
	return true
}

// get returns the prepared statement for query, preparing it on sc when the
// connection has none, and evicting the one used longest ago when full.
func (c *stmtCache) get(ctx context.Context, sc *sql.Conn, query string) (*sql.Stmt, error) {
	c.clock++
	if cs, ok := c.stmts[query]; ok {
		cs.used = c.clock
		return cs.st, nil
	}
	st, err := sc.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	if c.stmts == nil {
		c.stmts = map[string]*cachedStmt{}
	}
	if len(c.stmts) >= stmtCacheSize {
		var oldQ string
		var old *cachedStmt
		for q, cs := range c.stmts {
			if old == nil || cs.used < old.used {
				oldQ, old = q, cs
			}
		}
		_ = old.st.Close()
		delete(c.stmts, oldQ)
	}
	c.stmts[query] = &cachedStmt{st: st, used: c.clock}
	return st, nil
}

// drop forgets query's statement (after it failed), closing it.
func (c *stmtCache) drop(query string) {
	if cs, ok := c.stmts[query]; ok {
		_ = cs.st.Close()
		delete(c.stmts, query)
	}
}

// close closes every statement, before the connection closes.
func (c *stmtCache) close() {
	for _, cs := range c.stmts {
		_ = cs.st.Close()
	}
	c.stmts = nil
}
