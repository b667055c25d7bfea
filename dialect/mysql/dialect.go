package mysql

import (
	"context"
	"database/sql/driver"
	"fmt"
	"slices"
	"strings"

	"github.com/go-alchemy/alchemy/dialect"
)

// DriverName is the name of the Go driver, github.com/go-sql-driver/mysql, as it
// appears after the "+" in a URL: "mysql+gosqldriver://..." and "mariadb+gosqldriver://...".
const DriverName = "gosqldriver"

// Backend names, as they appear before the "+" in a URL and as Dialect.Name returns them.
const (
	// NameMySQL is the backend name of MySQL.
	NameMySQL = "mysql"
	// NameMariaDB is the backend name of MariaDB.
	NameMariaDB = "mariadb"
)

// MySQL is the dialect of MySQL, registered as "mysql" (the default), "mysql+gosqldriver"
// and SQLAlchemy's Python driver names for MySQL (see MySQLNames).
var MySQL = Dialect{}

// MariaDB is the dialect of MariaDB: the same driver and options as MySQL, with
// MariaDB's reserved words. It is registered as "mariadb" (the default),
// "mariadb+gosqldriver" and SQLAlchemy's Python driver names for MariaDB (see MariaDBNames).
var MariaDB = Dialect{mariadb: true}

// mysqlNames and mariadbNames are the URL drivernames this package registers.
var (
	mysqlNames = []string{
		NameMySQL,
		NameMySQL + "+" + DriverName,
		"mysql+pymysql",
		"mysql+mysqldb",
		"mysql+mysqlconnector",
		"mysql+aiomysql",
		"mysql+asyncmy",
		"mysql+cymysql",
	}
	mariadbNames = []string{
		NameMariaDB,
		NameMariaDB + "+" + DriverName,
		"mariadb+mariadbconnector",
		"mariadb+pymysql",
		"mariadb+mysqldb",
	}
)

// MySQLNames returns the URL drivernames under which the MySQL dialect is registered.
func MySQLNames() []string { return slices.Clone(mysqlNames) }

// MariaDBNames returns the URL drivernames under which the MariaDB dialect is registered.
func MariaDBNames() []string { return slices.Clone(mariadbNames) }

func init() {
	for _, n := range mysqlNames {
		dialect.Register(n, MySQL)
	}
	for _, n := range mariadbNames {
		dialect.Register(n, MariaDB)
	}
}

// Dialect is the alchemy dialect of MySQL or MariaDB through
// github.com/go-sql-driver/mysql. Use the package values MySQL and MariaDB; the zero
// value is MySQL. A Dialect is a small value, safe for concurrent use.
type Dialect struct {
	mariadb bool
}

var (
	_ dialect.Dialect              = Dialect{}
	_ dialect.ConnectArgsValidator = Dialect{}
)

// Name returns "mysql" or "mariadb".
func (d Dialect) Name() string {
	if d.mariadb {
		return NameMariaDB
	}
	return NameMySQL
}

// Driver returns DriverName, the Go driver that serves every registered name.
func (d Dialect) Driver() string { return DriverName }

// Connector turns a URL and connect arguments into a driver.Connector of
// github.com/go-sql-driver/mysql. See the package documentation for the options and
// their defaults, and Config for the configuration it builds.
func (d Dialect) Connector(u dialect.URL, connectArgs map[string]any) (driver.Connector, error) {
	return NewConnector(u, connectArgs)
}

// Paramstyle returns dialect.Question: the driver takes "?" placeholders.
func (d Dialect) Paramstyle() dialect.Paramstyle { return dialect.Question }

// QuoteIdentifier returns name in backticks when it is a reserved word of this
// dialect or is not a plain identifier, and as it is otherwise. A backtick inside the
// name is doubled.
func (d Dialect) QuoteIdentifier(name string) string { return d.quoter().QuoteIdentifier(name) }

// Quote always quotes name in backticks, doubling any backtick inside it.
func (d Dialect) Quote(name string) string { return d.quoter().Quote(name) }

func (d Dialect) quoter() dialect.Quoter {
	if d.mariadb {
		return mariadbQuoter
	}
	return mysqlQuoter
}

// IsDisconnect reports whether err means the connection is gone. See the package
// function IsDisconnect.
func (d Dialect) IsDisconnect(err error) bool { return IsDisconnect(err) }

// IsSerializationFailure reports whether err is a deadlock (1213) or a lock wait
// timeout (1205). See the package function IsSerializationFailure.
func (d Dialect) IsSerializationFailure(err error) bool { return IsSerializationFailure(err) }

// IsUniqueViolation reports whether err is a duplicate key (1062, 1586).
func (d Dialect) IsUniqueViolation(err error) bool { return IsUniqueViolation(err) }

// ErrorCode returns the server's error number carried by err, as "1062", or "".
// SQLState gives the SQLSTATE of the same error.
func (d Dialect) ErrorCode(err error) string { return ErrorCode(err) }

// SavepointSQL returns SAVEPOINT, RELEASE SAVEPOINT and ROLLBACK TO SAVEPOINT
// statements for name, quoted when it must be.
func (d Dialect) SavepointSQL(name string) (create, release, rollbackTo string) {
	q := d.QuoteIdentifier(name)
	return "SAVEPOINT " + q, "RELEASE SAVEPOINT " + q, "ROLLBACK TO SAVEPOINT " + q
}

// VersionQuery is the statement ServerVersion runs.
const VersionQuery = "SELECT VERSION()"

// ServerVersion asks the server for VERSION(), as "8.0.36" or
// "10.11.19-MariaDB-0+deb12u1". Tell MariaDB from MySQL with IsMariaDB.
func (d Dialect) ServerVersion(ctx context.Context, q dialect.Queryer) (dialect.Version, error) {
	var raw string
	if err := q.QueryRowContext(ctx, VersionQuery).Scan(&raw); err != nil {
		return dialect.Version{}, fmt.Errorf("alchemy: %s: server version: %w", d.Name(), err)
	}
	v, err := ParseServerVersion(raw)
	if err != nil {
		return v, fmt.Errorf("alchemy: %s: %w", d.Name(), err)
	}
	return v, nil
}

// mariadbReplicationPrefix is what MariaDB puts before its version in the handshake
// (and some proxies in VERSION()) so that old MySQL replicas accept it.
const mariadbReplicationPrefix = "5.5.5-"

// ParseServerVersion reads a MySQL or MariaDB version string. MariaDB's
// "5.5.5-10.11.19-MariaDB" replication prefix is skipped; Raw keeps the text as given.
func ParseServerVersion(raw string) (dialect.Version, error) {
	s := raw
	if strings.HasPrefix(s, mariadbReplicationPrefix) && strings.Contains(strings.ToLower(s), "mariadb") {
		s = s[len(mariadbReplicationPrefix):]
	}
	v, err := dialect.ParseVersion(s)
	v.Raw = raw
	return v, err
}

// IsMariaDB reports whether a server version is MariaDB's rather than MySQL's:
// MariaDB names itself in its version string ("10.11.19-MariaDB-0+deb12u1").
func IsMariaDB(v dialect.Version) bool {
	return strings.Contains(strings.ToLower(v.Raw), "mariadb")
}

// Options returns the names of the options this dialect accepts in a URL query or in
// connect arguments, sorted. Any other name that is a plain identifier is sent to the
// server as a session system variable (SET name = value).
func (d Dialect) Options() []string { return optionNames() }
