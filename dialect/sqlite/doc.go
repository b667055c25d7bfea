// Package sqlite is alchemy's SQLite dialect, over modernc.org/sqlite: SQLite
// translated to Go, so it builds without cgo. Blank-import it to make SQLite URLs work:
//
//	import _ "github.com/go-alchemy/alchemy/dialect/sqlite"
//
// # Names
//
// Every name below reaches the same dialect and the same Go driver (Names lists them):
//
//	URL drivername      SQLAlchemy's Python driver      Go driver
//	sqlite              pysqlite (the default)          modernc.org/sqlite
//	sqlite+modernc      -                               modernc.org/sqlite
//	sqlite+pysqlite     pysqlite (Python's sqlite3)     modernc.org/sqlite
//	sqlite+aiosqlite    aiosqlite                       modernc.org/sqlite
//
// sqlite+pysqlcipher is not registered: modernc.org/sqlite cannot open SQLCipher's
// encrypted files.
//
// # URLs
//
//	sqlite://                       a memory database
//	sqlite:///:memory:              a memory database
//	sqlite:///relative/path.db      relative to the working directory
//	sqlite:////absolute/path.db     an absolute path
//	sqlite:///file:data.db?mode=ro&uri=true
//	                                the database is an SQLite URI already
//
// Each connection to a memory database has a database of its own, so the dialect
// implements dialect.SingleConnection: an engine over a memory database shares one
// connection (a StaticPool), as SQLAlchemy does. A URL with a user, password, host or
// port is an error, as it is in SQLAlchemy.
//
// # Options
//
// Options come from the URL query, and from connect arguments (SQLAlchemy's
// connect_args), which override them. The pragmas are applied to every new
// connection, busy_timeout first:
//
//	foreign_keys        on, off, true, false, 1, 0: PRAGMA foreign_keys
//	journal_mode        delete, truncate, persist, memory, wal, off: PRAGMA journal_mode
//	synchronous         off, normal, full, extra, 0-3: PRAGMA synchronous
//	busy_timeout        milliseconds to wait for a lock: PRAGMA busy_timeout
//	                    (DefaultBusyTimeout, 5000, when neither it nor timeout is given)
//	timeout             the same in seconds, as Python's sqlite3 takes it
//	txlock              deferred (the default), immediate, exclusive: how BEGIN locks
//	mode                ro, rw, rwc, memory: SQLite's URI open mode
//	cache               shared, private: SQLite's URI cache mode
//	immutable, nolock   booleans: SQLite's URI parameters
//	uri                 true: the database is an SQLite "file:" URI
//	check_same_thread   accepted and ignored: Python's thread check has no Go meaning
//
// Connect arguments may be typed: bools, numbers, and a time.Duration for
// busy_timeout and timeout. A nil connect argument removes the URL's option. An
// unknown option, or an invalid value, is an error naming it.
//
// # Errors
//
// IsSerializationFailure is true for SQLITE_BUSY and SQLITE_LOCKED (with their
// extended codes), IsUniqueViolation for SQLITE_CONSTRAINT_UNIQUE and
// SQLITE_CONSTRAINT_PRIMARYKEY, and ErrorCode returns the extended result code
// ("2067"). IsDisconnect is true only for driver.ErrBadConn: an SQLite connection has
// no server to lose.
//
// # Example
//
//	u, err := dialect.ParseURL("sqlite:///app.db?foreign_keys=on&journal_mode=wal")
//	if err != nil {
//		return err
//	}
//	d, err := dialect.ForURL(u)
//	if err != nil {
//		return err
//	}
//	c, err := d.Connector(u, map[string]any{"busy_timeout": 2 * time.Second})
//	if err != nil {
//		return err
//	}
//	db := sql.OpenDB(c)
//	defer db.Close()
//	_, err = db.ExecContext(ctx, "create table if not exists t (id integer primary key)")
package sqlite
