package postgresql

import (
	"strings"
	"time"

	"github.com/go-alchemy/alchemy/dialect"
	"github.com/jackc/pgx/v5/stdlib"
)

var (
	_ dialect.Transactor       = Dialect{}
	_ dialect.FailedTxReporter = Dialect{}
	_ dialect.CloseWaiter      = Dialect{}
	_ dialect.SelfPreparing    = Dialect{}
	_ dialect.ErrorHinter      = Dialect{}
)

// BeginSQL returns one statement: BEGIN, with ISOLATION LEVEL and READ ONLY when
// asked.
func (Dialect) BeginSQL(_ dialect.URL, o dialect.TxOptions) ([]string, error) {
	s := "BEGIN"
	if o.Isolation != "" {
		s += " ISOLATION LEVEL " + strings.ToUpper(o.Isolation)
	}
	if o.ReadOnly {
		s += " READ ONLY"
	}
	return []string{s}, nil
}

// TxFailed reports whether the transaction open on a pgx connection has failed
// (a statement in it raised an error): PostgreSQL would answer COMMIT with ROLLBACK.
func (Dialect) TxFailed(driverConn any) bool {
	c, ok := driverConn.(*stdlib.Conn)
	return ok && c.Conn().PgConn().TxStatus() == 'E'
}

// closeWait bounds how long WaitClosed waits for pgx's background close (which
// itself gives up after 15 seconds): long enough for a server that answers, short
// enough that a dead or black-holed network does not hold the caller up.
const closeWait = 200 * time.Millisecond

// WaitClosed waits until pgx has finished closing the connection: after a
// statement cut off by its context pgx closes the socket on a goroutine of its
// own, and the server keeps the session until then.
func (Dialect) WaitClosed(driverConn any) {
	c, ok := driverConn.(*stdlib.Conn)
	if !ok {
		return
	}
	t := time.NewTimer(closeWait)
	defer t.Stop()
	select {
	case <-c.Conn().PgConn().CleanupDone():
	case <-t.C:
	}
}

// PreparesStatements reports true: pgx prepares and caches statements itself (or,
// with pgbouncer=true, uses none that outlive a statement).
func (Dialect) PreparesStatements() bool { return true }

// Hint names the URL option that fixes the errors a PostgreSQL server behind
// PgBouncer in transaction mode gives when pgx keeps named prepared statements:
// 42P05 (prepared statement already exists) and 26000 (prepared statement does not
// exist).
func (Dialect) Hint(err error) string {
	switch ErrorCode(err) {
	case "42P05", "26000":
		return "behind PgBouncer in transaction (or statement) pooling mode, add pgbouncer=true to the URL's query"
	}
	return ""
}
