package postgresql

import (
	"context"
	"database/sql/driver"
	"fmt"
	"slices"

	"github.com/go-alchemy/alchemy/dialect"
)

// DriverName is the Go driver this dialect uses: github.com/jackc/pgx/v5 through its
// database/sql adapter, pgx/v5/stdlib.
const DriverName = "pgx"

// names are the URL drivernames this package registers. The first is the backend's
// default driver; the rest let a URL written for one of SQLAlchemy's Python drivers
// work unchanged.
var names = []string{
	"postgresql",
	"postgresql+pgx",
	"postgres",
	"postgresql+psycopg2",
	"postgresql+psycopg",
	"postgresql+asyncpg",
	"postgresql+pg8000",
	"postgresql+psycopg2cffi",
}

func init() {
	for _, n := range names {
		dialect.Register(n, Dialect{})
	}
}

// Names returns the URL drivernames this package registers, the default first.
func Names() []string { return slices.Clone(names) }

// Dialect is the PostgreSQL dialect over pgx. The zero value is ready to use and safe
// for concurrent use; it holds no state.
type Dialect struct{}

var (
	_ dialect.Dialect              = Dialect{}
	_ dialect.ConnectArgsValidator = Dialect{}
)

// Name returns "postgresql".
func (Dialect) Name() string { return "postgresql" }

// Driver returns "pgx".
func (Dialect) Driver() string { return DriverName }

// Paramstyle returns dialect.Dollar: pgx takes $1, $2, ...
func (Dialect) Paramstyle() dialect.Paramstyle { return dialect.Dollar }

// QuoteIdentifier quotes name with double quotes when it is a reserved word, holds an
// upper-case letter or a character that a bare name may not hold; a double quote
// inside it is doubled.
func (Dialect) QuoteIdentifier(name string) string { return quoter.QuoteIdentifier(name) }

// Quote always quotes name in double quotes, doubling any double quote inside it.
func (Dialect) Quote(name string) string { return quoter.Quote(name) }

// IsDisconnect reports whether err means the connection is gone. See the package
// function IsDisconnect.
func (Dialect) IsDisconnect(err error) bool { return IsDisconnect(err) }

// IsSerializationFailure reports whether err is a serialization failure (40001) or a
// deadlock (40P01).
func (Dialect) IsSerializationFailure(err error) bool { return IsSerializationFailure(err) }

// IsUniqueViolation reports whether err is a unique violation (23505).
func (Dialect) IsUniqueViolation(err error) bool { return IsUniqueViolation(err) }

// ErrorCode returns the SQLSTATE carried by err, or "".
func (Dialect) ErrorCode(err error) string { return ErrorCode(err) }

// Connector turns u, and connect arguments that override its query, into a
// driver.Connector for pgx. See the package documentation for the options.
func (Dialect) Connector(u dialect.URL, connectArgs map[string]any) (driver.Connector, error) {
	return NewConnector(u, connectArgs)
}

// Options returns the names of the options this dialect knows, sorted. Any other
// server setting (a run-time parameter such as work_mem) is accepted too and sent to
// the server when the connection starts.
func (Dialect) Options() []string {
	out := make([]string, 0, len(optionKinds))
	for k := range optionKinds {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// SavepointSQL returns SAVEPOINT, RELEASE SAVEPOINT and ROLLBACK TO SAVEPOINT
// statements for name, quoted as needed.
func (Dialect) SavepointSQL(name string) (create, release, rollbackTo string) {
	q := quoter.QuoteIdentifier(name)
	return "SAVEPOINT " + q, "RELEASE SAVEPOINT " + q, "ROLLBACK TO SAVEPOINT " + q
}

// ServerVersion runs SHOW server_version and parses its answer, such as
// "15.19 (Debian 15.19-0+deb12u1)".
func (Dialect) ServerVersion(ctx context.Context, q dialect.Queryer) (dialect.Version, error) {
	var raw string
	if err := q.QueryRowContext(ctx, "SHOW server_version").Scan(&raw); err != nil {
		return dialect.Version{}, fmt.Errorf("alchemy: postgresql: reading the server version: %w", err)
	}
	return dialect.ParseVersion(raw)
}
