package mssql

import (
	"context"
	"database/sql/driver"
	"fmt"
	"slices"
	"strings"

	"github.com/go-alchemy/alchemy/dialect"
)

// DriverName is the name of the Go driver, github.com/microsoft/go-mssqldb, as it
// appears after the "+" in a URL: "mssql+gomssqldb://...".
const DriverName = "gomssqldb"

// Name is the backend name, as it appears before the "+" in a URL and as
// Dialect.Name returns it.
const Name = "mssql"

// MSSQL is the dialect of Microsoft SQL Server (and Azure SQL), registered under
// the names Names returns.
var MSSQL = Dialect{}

var names = []string{
	Name,
	Name + "+" + DriverName,
	"mssql+pyodbc",
	"mssql+pymssql",
	"mssql+aioodbc",
	"mssql+mssqlpython",
}

// Names returns the URL drivernames under which the dialect is registered.
func Names() []string { return slices.Clone(names) }

func init() {
	for _, n := range names {
		dialect.Register(n, MSSQL)
	}
}

// Dialect is the alchemy dialect of SQL Server through
// github.com/microsoft/go-mssqldb. It has no state: use MSSQL, or the zero value.
type Dialect struct{}

var (
	_ dialect.Dialect              = Dialect{}
	_ dialect.ConnectArgsValidator = Dialect{}
)

// Name returns "mssql".
func (Dialect) Name() string { return Name }

// Driver returns DriverName, the Go driver that serves every registered name.
func (Dialect) Driver() string { return DriverName }

// Connector turns a URL and connect arguments into a driver.Connector of
// go-mssqldb. See the package documentation for the options, and DSN for the
// connection string it builds.
func (Dialect) Connector(u dialect.URL, connectArgs map[string]any) (driver.Connector, error) {
	return NewConnector(u, connectArgs)
}

// Paramstyle returns dialect.AtP: the driver takes @p1, @p2... placeholders.
func (Dialect) Paramstyle() dialect.Paramstyle { return dialect.AtP }

// QuoteIdentifier returns name in square brackets when it is a reserved word of
// Transact-SQL or is not a plain identifier, and as it is otherwise. A "]" inside
// the name is doubled.
func (Dialect) QuoteIdentifier(name string) string { return quoter.QuoteIdentifier(name) }

// Quote always quotes name in square brackets, doubling any "]" inside it.
func (Dialect) Quote(name string) string { return quoter.Quote(name) }

// IsDisconnect reports whether err means the connection is gone. See the package
// function IsDisconnect.
func (Dialect) IsDisconnect(err error) bool { return IsDisconnect(err) }

// IsSerializationFailure reports whether err made SQL Server roll the transaction
// back so that it may be retried: a deadlock victim (1205) or a snapshot isolation
// conflict (3960, 3961).
func (Dialect) IsSerializationFailure(err error) bool { return IsSerializationFailure(err) }

// IsUniqueViolation reports whether err is a primary key or unique constraint
// violation (2627) or a duplicate in a unique index (2601).
func (Dialect) IsUniqueViolation(err error) bool { return IsUniqueViolation(err) }

// ErrorCode returns SQL Server's error number carried by err, as "2627", or "".
func (Dialect) ErrorCode(err error) string { return ErrorCode(err) }

// SavepointSQL returns SAVE TRANSACTION and ROLLBACK TRANSACTION statements for
// name; SQL Server has no statement to release a savepoint, so release is "".
func (d Dialect) SavepointSQL(name string) (create, release, rollbackTo string) {
	q := d.QuoteIdentifier(name)
	return "SAVE TRANSACTION " + q, "", "ROLLBACK TRANSACTION " + q
}

// VersionQuery is the statement ServerVersion runs.
const VersionQuery = "SELECT CAST(SERVERPROPERTY('ProductVersion') AS varchar(128))"

// ServerVersion asks the server for its product version, as "16.0.4135.4"
// (major.minor.build.revision: Version's Patch holds the build). 16 is SQL Server
// 2022, 15 is 2019, 14 is 2017.
func (d Dialect) ServerVersion(ctx context.Context, q dialect.Queryer) (dialect.Version, error) {
	var raw string
	if err := q.QueryRowContext(ctx, VersionQuery).Scan(&raw); err != nil {
		return dialect.Version{}, fmt.Errorf("alchemy: mssql: server version: %w", err)
	}
	v, err := dialect.ParseVersion(strings.TrimSpace(raw))
	if err != nil {
		return v, fmt.Errorf("alchemy: mssql: %w", err)
	}
	v.Raw = raw
	return v, nil
}

// Options returns the names of the options this dialect accepts in a URL query or
// in connect arguments, sorted. Names match without regard to case, spaces,
// underscores or hyphens: "TrustServerCertificate", "trust_server_certificate" and
// "trust server certificate" are one option.
func (Dialect) Options() []string { return optionNames() }
