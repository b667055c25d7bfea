package dialect

import (
	"fmt"
	"strings"
)

// TxOptions describe a transaction to begin: its isolation level in SQL's words
// ("READ COMMITTED", "SERIALIZABLE"...; "" for the server's default) and whether it
// is read-only.
type TxOptions struct {
	Isolation string
	ReadOnly  bool
}

// Transactor is an optional interface of a Dialect that spells the start of a
// transaction its own way. The engine sends these statements itself, on the
// connection, rather than through database/sql's Tx, so that it alone owns the
// transaction: no context given to Begin can end it behind the engine's back.
// COMMIT and ROLLBACK are the same everywhere and need no hook.
type Transactor interface {
	// BeginSQL returns the statements, run in order, that begin a transaction
	// with the options o on a connection made from u; an option the database
	// lacks is an error naming it.
	BeginSQL(u URL, o TxOptions) ([]string, error)
}

// BeginSQL returns the statements that begin a transaction on d: the dialect's own
// (Transactor), else standard SQL: SET TRANSACTION ISOLATION LEVEL when a level is
// asked for, then START TRANSACTION, READ ONLY when asked.
func BeginSQL(d Dialect, u URL, o TxOptions) ([]string, error) {
	if err := CheckIsolation(o.Isolation); err != nil {
		return nil, err
	}
	if t, ok := d.(Transactor); ok {
		return t.BeginSQL(u, o)
	}
	var out []string
	if o.Isolation != "" {
		out = append(out, "SET TRANSACTION ISOLATION LEVEL "+strings.ToUpper(o.Isolation))
	}
	begin := "START TRANSACTION"
	if o.ReadOnly {
		begin += " READ ONLY"
	}
	return append(out, begin), nil
}

// isolationLevels are the levels of standard SQL, the words BeginSQL accepts.
var isolationLevels = []string{"READ UNCOMMITTED", "READ COMMITTED", "REPEATABLE READ", "SERIALIZABLE"}

// CheckIsolation reports an isolation level that is not one of standard SQL's
// ("" is the server's default and passes).
func CheckIsolation(level string) error {
	if level == "" {
		return nil
	}
	for _, l := range isolationLevels {
		if strings.EqualFold(level, l) {
			return nil
		}
	}
	return fmt.Errorf("alchemy: unknown isolation level %q (want READ UNCOMMITTED, READ COMMITTED, REPEATABLE READ or SERIALIZABLE)", level)
}

// FailedTxReporter is an optional interface of a Dialect whose server refuses to
// commit a transaction in which a statement failed, and answers COMMIT with a
// silent ROLLBACK (PostgreSQL). TxFailed is given the driver's connection (as
// database/sql's Conn.Raw hands it out) and reports whether the transaction open on
// it has failed, so that the engine reports that COMMIT as the rollback it is.
type FailedTxReporter interface {
	TxFailed(driverConn any) bool
}

// CloseWaiter is an optional interface of a Dialect whose driver finishes closing
// a connection in the background (pgx, after a statement cut off by its context).
// WaitClosed blocks until the driver connection given (as Conn.Raw hands it out,
// captured while it was open) has let go of its socket, so that a pool counts that
// connection against its size until it is really gone.
type CloseWaiter interface {
	WaitClosed(driverConn any)
}

// SelfPreparing is an optional interface of a Dialect whose driver prepares and
// caches statements on its own (pgx). Executemany then runs each parameter set
// as a plain statement instead of preparing one first, which also keeps named
// prepared statements away from PgBouncer in transaction mode.
type SelfPreparing interface {
	PreparesStatements() bool
}

// ErrorHinter is an optional interface of a Dialect that can say what to do about
// an error: a URL option to set, say. Hint returns "" when it has nothing to add.
type ErrorHinter interface {
	Hint(err error) string
}

// StatementCaching is an optional interface of a Dialect whose connections gain
// from keeping the statements they prepare: its driver prepares, runs and closes
// each statement with parameters (three messages to the server), where a kept
// one runs at once. CacheStatements reports whether connections made for u
// should keep them (go-sql-driver/mysql: not with interpolateParams=true, which
// prepares nothing).
type StatementCaching interface {
	CacheStatements(u URL) bool
}
