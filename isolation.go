package alchemy

import (
	"database/sql"
	"fmt"
	"strings"
	"time"
)

// IsolationLevel is a transaction isolation level, named as in SQL. The zero value is
// the database's default.
type IsolationLevel string

// Isolation levels. Autocommit is not a level but SQLAlchemy's name for running with
// no transaction at all: Begin, Commit and Rollback then do nothing on the database and
// every statement commits on its own.
const (
	DefaultIsolation IsolationLevel = ""
	ReadUncommitted  IsolationLevel = "READ UNCOMMITTED"
	ReadCommitted    IsolationLevel = "READ COMMITTED"
	RepeatableRead   IsolationLevel = "REPEATABLE READ"
	Serializable     IsolationLevel = "SERIALIZABLE"
	Autocommit       IsolationLevel = "AUTOCOMMIT"
)

func (l IsolationLevel) validate() error {
	switch IsolationLevel(strings.ToUpper(string(l))) {
	case DefaultIsolation, ReadUncommitted, ReadCommitted, RepeatableRead, Serializable, Autocommit:
		return nil
	}
	return fmt.Errorf("alchemy: unknown isolation level %q (want READ UNCOMMITTED, READ COMMITTED, REPEATABLE READ, SERIALIZABLE or AUTOCOMMIT)", string(l))
}

func (l IsolationLevel) sql() sql.IsolationLevel {
	switch IsolationLevel(strings.ToUpper(string(l))) {
	case ReadUncommitted:
		return sql.LevelReadUncommitted
	case ReadCommitted:
		return sql.LevelReadCommitted
	case RepeatableRead:
		return sql.LevelRepeatableRead
	case Serializable:
		return sql.LevelSerializable
	}
	return sql.LevelDefault
}

func (l IsolationLevel) autocommit() bool {
	return strings.EqualFold(string(l), string(Autocommit))
}

// ExecutionOptions are the per-connection settings SQLAlchemy calls execution
// options. An engine gives each connection its defaults (DefaultExecutionOptions);
// Conn.SetExecutionOptions changes them for that checkout only: they are forgotten
// when the connection goes back to the pool.
type ExecutionOptions struct {
	// IsolationLevel applies to every transaction begun on the connection (a
	// statement outside one runs at the database's default); Autocommit runs without
	// transactions. SQLite runs every transaction SERIALIZABLE whatever is asked.
	IsolationLevel IsolationLevel
	// Timeout bounds each statement, and the reading of its rows, when non-zero.
	Timeout time.Duration
}
