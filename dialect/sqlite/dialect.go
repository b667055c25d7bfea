package sqlite

import (
	"context"
	"database/sql/driver"
	"fmt"
	"maps"
	"slices"

	"github.com/go-alchemy/alchemy/dialect"
)

// DriverName is the Go driver this dialect uses: modernc.org/sqlite, SQLite
// translated to Go, with no cgo.
const DriverName = "modernc"

// names are the URL drivernames this package registers. The first is the backend's
// default driver; the rest let a URL written for one of SQLAlchemy's Python drivers
// work unchanged. sqlite+pysqlcipher is left out on purpose: modernc.org/sqlite
// cannot open an SQLCipher file, and mapping the name would only move the failure
// to a confusing "file is not a database".
var names = []string{
	"sqlite",
	"sqlite+modernc",
	"sqlite+pysqlite",
	"sqlite+aiosqlite",
}

func init() {
	for _, n := range names {
		dialect.Register(n, Dialect{})
	}
}

// Names returns the URL drivernames this package registers, the default first.
func Names() []string { return slices.Clone(names) }

// Dialect is the SQLite dialect over modernc.org/sqlite. The zero value is ready to
// use and safe for concurrent use; it holds no state.
type Dialect struct{}

var (
	_ dialect.Dialect              = Dialect{}
	_ dialect.ConnectArgsValidator = Dialect{}
	_ dialect.SingleConnection     = Dialect{}
)

// Name returns "sqlite".
func (Dialect) Name() string { return "sqlite" }

// Driver returns "modernc".
func (Dialect) Driver() string { return DriverName }

// Paramstyle returns dialect.Question: the driver takes "?" placeholders.
func (Dialect) Paramstyle() dialect.Paramstyle { return dialect.Question }

// QuoteIdentifier quotes name with double quotes when it is an SQLite key word or
// holds a character that a bare name may not hold; a double quote inside it is
// doubled.
func (Dialect) QuoteIdentifier(name string) string { return quoter.QuoteIdentifier(name) }

// Quote always quotes name in double quotes, doubling any double quote inside it.
func (Dialect) Quote(name string) string { return quoter.Quote(name) }

// Connector turns u, and connect arguments that override its query, into a
// driver.Connector for modernc.org/sqlite. See DSN and the package documentation.
func (Dialect) Connector(u dialect.URL, connectArgs map[string]any) (driver.Connector, error) {
	return NewConnector(u, connectArgs)
}

// SingleConnection reports whether u names a memory database ("", ":memory:",
// mode=memory, or a "file::memory:" URI): each connection to one has a database of
// its own, so the engine must share a single connection.
func (Dialect) SingleConnection(u dialect.URL) bool { return isMemory(u) }

// Options returns the names of the options this dialect accepts, sorted.
func (Dialect) Options() []string { return slices.Sorted(maps.Keys(options)) }

// IsDisconnect reports whether err means the connection is gone: only
// driver.ErrBadConn. See the package function IsDisconnect.
func (Dialect) IsDisconnect(err error) bool { return IsDisconnect(err) }

// IsSerializationFailure reports whether err is SQLITE_BUSY or SQLITE_LOCKED.
func (Dialect) IsSerializationFailure(err error) bool { return IsSerializationFailure(err) }

// IsUniqueViolation reports whether err is a UNIQUE or PRIMARY KEY violation.
func (Dialect) IsUniqueViolation(err error) bool { return IsUniqueViolation(err) }

// ErrorCode returns the extended result code carried by err, as "2067", or "".
func (Dialect) ErrorCode(err error) string { return ErrorCode(err) }

// SavepointSQL returns SAVEPOINT, RELEASE SAVEPOINT and ROLLBACK TO SAVEPOINT
// statements for name, quoted as needed.
func (Dialect) SavepointSQL(name string) (create, release, rollbackTo string) {
	q := quoter.QuoteIdentifier(name)
	return "SAVEPOINT " + q, "RELEASE SAVEPOINT " + q, "ROLLBACK TO SAVEPOINT " + q
}

// ServerVersion runs select sqlite_version() and parses its answer, such as "3.51.2".
func (Dialect) ServerVersion(ctx context.Context, q dialect.Queryer) (dialect.Version, error) {
	var raw string
	if err := q.QueryRowContext(ctx, "select sqlite_version()").Scan(&raw); err != nil {
		return dialect.Version{}, fmt.Errorf("alchemy: sqlite: reading the SQLite version: %w", err)
	}
	return dialect.ParseVersion(raw)
}
