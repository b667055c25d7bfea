package alchemy

import (
	"context"
	"database/sql"

	"github.com/go-alchemy/alchemy/dialect"
)

// stmtCacheSize is how many prepared statements a connection keeps.
const stmtCacheSize = 32

// stmtCache keeps a connection's prepared statements, for a dialect whose driver
// gains from it (dialect.StatementCaching): database/sql prepares, runs and
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
// statements: when the dialect says its driver gains from it
// (dialect.StatementCaching: MySQL and MariaDB).
func cachesStatements(d dialect.Dialect, u URL) bool {
	sc, ok := d.(dialect.StatementCaching)
	return ok && sc.CacheStatements(u)
}

// get returns the prepared statement for query, preparing it on sc when the
// connection has none, and evicting the one used longest ago when full. The
// caller holds the Conn's turn, after free: no Rows are open on the connection,
// so closing an evicted statement pulls nothing from under a reader.
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
