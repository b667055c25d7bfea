package expr

import (
	"strings"

	"github.com/go-alchemy/alchemy/dialect"
)

// SupportsReturning reports whether a statement of verb (INSERT, UPDATE, DELETE or
// REPLACE, in any case) may end in a RETURNING clause on dialect d's server of
// version v, for Compiler.Require:
//
//   - PostgreSQL: all of them.
//   - SQLite: INSERT, UPDATE, DELETE and REPLACE from 3.35.
//   - MariaDB (the "mariadb" dialect, or a server whose version says MariaDB): DELETE
//     from 10.0.5, INSERT and REPLACE from 10.5, UPDATE from 13.0 (MariaDB's
//     UPDATE ... RETURNING; none of 10.x, 11.x or 12.x has it).
//   - MySQL: none (MySQL has no RETURNING).
//   - SQL Server: none (it has OUTPUT instead).
//
// An unknown version (zero) is given the benefit of the doubt wherever some version
// has the clause, MySQL included, since a mysql:// URL may reach a MariaDB server: the
// server then decides. A dialect alchemy does not know is given it too.
func SupportsReturning(d dialect.Dialect, v dialect.Version, verb string) bool {
	verb = strings.ToLower(verb)
	known := v != (dialect.Version{})
	name := ""
	if d != nil {
		name = d.Name()
	}
	mariadb := name == "mariadb" || strings.Contains(strings.ToLower(v.Raw), "mariadb")
	switch {
	case name == "postgresql":
		return true
	case name == "sqlite":
		return !known || v.AtLeast(3, 35)
	case mariadb:
		if !known {
			return true
		}
		switch verb {
		case "delete":
			return v.AtLeast(10, 1) || v.Major == 10 && v.Minor == 0 && v.Patch >= 5
		case "insert", "replace":
			return v.AtLeast(10, 5)
		case "update":
			return v.AtLeast(13, 0)
		}
		return false
	case name == "mysql":
		return !known
	case name == "mssql":
		return false
	}
	return true
}
