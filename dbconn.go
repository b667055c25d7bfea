package alchemy

import (
	"context"
	"database/sql"
	"errors"

	"github.com/go-alchemy/alchemy/pool"
)

// dbConn is what the engine's pool holds: a connection reserved from the factory
// sql.DB. While a Conn uses it, that Conn owns its transaction; a transaction still
// open when the Conn is closed is handed over here, so that the pool's
// reset-on-return ends it (rollback or commit) and its reset event fires.
type dbConn struct {
	sc *sql.Conn
	tx *sql.Tx // a transaction left open by the last Conn, ended by Reset or Close
}

// Close ends a transaction left open and closes the connection. The factory keeps no
// idle connections, so the driver connection is closed, not pooled by database/sql.
func (d *dbConn) Close() error {
	if d.tx != nil {
		_ = d.tx.Rollback() // the connection is being closed: its failure does not matter
		d.tx = nil
	}
	err := d.sc.Close()
	if errors.Is(err, sql.ErrConnDone) {
		return nil
	}
	return err
}

// Ping checks that the server still answers.
func (d *dbConn) Ping(ctx context.Context) error { return d.sc.PingContext(ctx) }

// Reset ends the transaction left open, if any: committed with ResetCommit, rolled
// back otherwise. database/sql cannot hand on a reserved connection with an open
// transaction, so ResetNone rolls back too; with nothing open it costs nothing.
func (d *dbConn) Reset(_ context.Context, mode pool.ResetMode) error {
	tx := d.tx
	if tx == nil {
		return nil
	}
	d.tx = nil
	var err error
	if mode == pool.ResetCommit {
		err = tx.Commit()
	} else {
		err = tx.Rollback()
	}
	if errors.Is(err, sql.ErrTxDone) {
		return nil
	}
	return err
}
