package dialect

import (
	"context"
	"database/sql"
	"database/sql/driver"
)

// Dialect is what alchemy needs to know about one kind of database reached through one
// database/sql driver. Implementations must be safe for concurrent use; the registry
// hands the same value to every engine.
//
// Optional capabilities are further interfaces that a Dialect may also implement,
// found by type assertion (see ConnectArgsValidator).
type Dialect interface {
	// Name is the backend name as it appears before the "+" in a URL ("postgresql").
	Name() string
	// Driver is the name of the Go driver this dialect uses ("pgx").
	Driver() string
	// Connector turns a URL, plus connect arguments that override or extend its query
	// (SQLAlchemy's connect_args; nil for none), into a driver.Connector. An option the
	// dialect does not know, or a value it cannot use, is an error naming the option.
	Connector(u URL, connectArgs map[string]any) (driver.Connector, error)
	// Paramstyle is the placeholder style of the driver.
	Paramstyle() Paramstyle
	// QuoteIdentifier returns name quoted if it must be (a reserved word, characters
	// or letter case that would not survive unquoted), and as it is otherwise.
	QuoteIdentifier(name string) string
	// IsDisconnect reports whether err means the connection is no longer usable.
	IsDisconnect(err error) bool
	// IsSerializationFailure reports whether err is a serialization failure or a
	// deadlock: the transaction failed through no fault of its own and may be retried.
	IsSerializationFailure(err error) bool
	// IsUniqueViolation reports whether err is a unique or primary key violation.
	IsUniqueViolation(err error) bool
	// ErrorCode returns the SQLSTATE or the database's error number carried by err,
	// or "" when err carries none.
	ErrorCode(err error) string
	// SavepointSQL returns the statements that create, release and roll back to a
	// savepoint. A release that the database does not have is "".
	SavepointSQL(name string) (create, release, rollbackTo string)
	// ServerVersion asks the server, over q, which version it runs.
	ServerVersion(ctx context.Context, q Queryer) (Version, error)
}

// Queryer is what ServerVersion needs of a connection; *sql.DB, *sql.Conn and *sql.Tx
// all satisfy it.
type Queryer interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// ConnectArgsValidator is an optional interface: a Dialect that implements it reports
// the names of the options it accepts in a URL query or in connect arguments, so that
// tools can list them.
type ConnectArgsValidator interface {
	Options() []string
}

// SingleConnection is an optional interface for a dialect whose database may live
// inside one connection, as an SQLite memory database does: a second connection would
// see a second, empty database. When SingleConnection(u) is true the engine shares one
// connection (a StaticPool) unless the caller chose a pool.
type SingleConnection interface {
	SingleConnection(u URL) bool
}
