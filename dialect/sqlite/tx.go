package sqlite

import (
	"strings"

	"github.com/go-alchemy/alchemy/dialect"
)

var _ dialect.Transactor = Dialect{}

// BeginSQL returns BEGIN, or BEGIN IMMEDIATE / EXCLUSIVE when the URL's txlock
// option asks for it. SQLite runs every transaction SERIALIZABLE, so the isolation
// level asked for changes nothing; a read-only transaction is a plain (deferred)
// BEGIN, as the driver's own BeginTx does.
func (Dialect) BeginSQL(u dialect.URL, o dialect.TxOptions) ([]string, error) {
	mode, _ := u.QueryValue("txlock")
	mode = strings.ToUpper(mode)
	if o.ReadOnly || (mode != "IMMEDIATE" && mode != "EXCLUSIVE") {
		return []string{"BEGIN"}, nil
	}
	return []string{"BEGIN " + mode}, nil
}
