// Package dialect is the floor that every database alchemy speaks to stands on.
//
// A Dialect turns a database URL into a database/sql driver.Connector, names the
// placeholder style its driver expects, quotes identifiers, classifies driver errors
// by behaviour (disconnect, serialization failure) and gives the SQL compiler its
// per-database syntax (savepoints, server version). It knows nothing of pools or
// engines.
//
// Concrete dialects live in the sub-packages (sqlite, postgresql, mysql, mssql) and
// register themselves in init, the way database/sql drivers do; a program
// blank-imports the ones it needs:
//
//	import _ "github.com/go-alchemy/alchemy/dialect/postgresql"
//
// A third party adds its own with the same public call:
//
//	dialect.Register("mysql+mydriver", myDialect{})
//
// URLs follow SQLAlchemy's form, dialect[+driver]://user:password@host:port/database?key=value,
// and are parsed by ParseURL into a URL value that the caller may adjust.
package dialect
