package mysql

import (
	"strings"

	"github.com/go-alchemy/alchemy/dialect"
)

var _ dialect.StatementCaching = Dialect{}

// CacheStatements reports whether connections for u keep their prepared
// statements: yes, unless interpolateParams=true binds values client-side, which
// prepares nothing. go-sql-driver prepares, runs and closes every statement with
// parameters; a kept statement runs at once, saving the prepare's round trip
// and the server's parse.
func (Dialect) CacheStatements(u dialect.URL) bool {
	for k, v := range u.Query {
		if strings.EqualFold(k, "interpolateParams") && len(v) > 0 {
			on, err := dialect.Setting{Dialect: "mysql", Key: k, Value: v[len(v)-1]}.Bool()
			return err != nil || !on
		}
	}
	return true
}
