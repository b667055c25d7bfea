package mssql

import (
	"errors"
	"strings"

	"github.com/go-alchemy/alchemy/dialect"
)

var _ dialect.Transactor = Dialect{}

// BeginSQL returns one batch that sets the isolation level and begins the
// transaction. SQL Server keeps a level for the rest of the session, so the
// default is spelt out (READ COMMITTED) rather than left to whatever the last
// transaction on the connection asked for. SQL Server has no read-only
// transactions: ReadOnly is an error.
func (Dialect) BeginSQL(_ dialect.URL, o dialect.TxOptions) ([]string, error) {
	if o.ReadOnly {
		return nil, errors.New("alchemy: mssql: SQL Server has no read-only transactions")
	}
	level := strings.ToUpper(o.Isolation)
	if level == "" {
		level = "READ COMMITTED"
	}
	return []string{"SET TRANSACTION ISOLATION LEVEL " + level + "; BEGIN TRANSACTION"}, nil
}
