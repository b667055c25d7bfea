// Package postgresql is alchemy's PostgreSQL dialect, over github.com/jackc/pgx/v5
// and its database/sql adapter, pgx/v5/stdlib. Blank-import it to make PostgreSQL
// URLs work:
//
//	import _ "github.com/go-alchemy/alchemy/dialect/postgresql"
//
// # Names
//
// Every name below reaches the same dialect and the same Go driver, pgx, so that a
// URL copied from a Python configuration works as it is (Names lists them):
//
//	URL drivername            SQLAlchemy's Python driver   Go driver
//	postgresql                psycopg2 (the default)       pgx
//	postgresql+pgx            -                            pgx
//	postgres                  (the old alias)              pgx
//	postgresql+psycopg2       psycopg2                     pgx
//	postgresql+psycopg        psycopg 3                    pgx
//	postgresql+asyncpg        asyncpg                      pgx
//	postgresql+pg8000         pg8000                       pgx
//	postgresql+psycopg2cffi   psycopg2cffi                 pgx
//
// # URLs and options
//
//	postgresql://user:password@host:port/database?option=value&...
//
// An empty host is localhost and port 0 is 5432. The URL always decides the host and
// port (PGHOST and PGPORT are not read); the other libpq environment variables that
// pgx reads (PGSSLMODE, PGAPPNAME, PGPASSFILE, ...) fill in what the URL leaves out,
// as they do for psycopg2. Query options, and connect arguments (SQLAlchemy's
// connect_args), which override them:
//
//	host                      host, host:port, [v6]:port or a socket directory; may
//	                          repeat or hold a comma-separated list (several hosts
//	                          are tried in order, as libpq does); only when the URL
//	                          names no host
//	port                      the port of hosts that name none
//	user, password, dbname    override the URL's (database is a synonym of dbname)
//	sslmode                   disable, allow, prefer (pgx's default), require,
//	                          verify-ca, verify-full
//	ssl                       asyncpg's spelling: true (require), false (disable),
//	                          or an sslmode
//	sslrootcert, sslcert,     certificate files (they must exist); sslrootcert may be
//	sslkey, sslpassword       "system"; sslpassword decrypts sslkey
//	sslcertmode, sslnegotiation, sslsni, channel_binding, require_auth,
//	min_protocol_version, max_protocol_version, target_session_attrs, krbsrvname,
//	krbspn, passfile, service, servicefile
//	                          as libpq and pgx define them
//	connect_timeout           whole seconds for the whole connection attempt
//	default_query_exec_mode   cache_statement (pgx's default), cache_describe,
//	                          describe_exec, exec, simple_protocol
//	statement_cache_capacity, description_cache_capacity
//	                          pgx's per-connection caches
//	pgbouncer                 true: work behind PgBouncer in transaction mode, by
//	                          default_query_exec_mode=exec (no named prepared
//	                          statement outlives a transaction); with pgbouncer=true
//	                          only exec and simple_protocol are accepted
//	native                    true (the default): the engine runs its statements on
//	                          the pgx connection itself; false: through
//	                          database/sql's Rows (see "Two paths"); URL only
//	application_name          sent to the server (seen in pg_stat_activity)
//	fallback_application_name the application_name when none is given
//	search_path, options, statement_timeout, lock_timeout,
//	idle_in_transaction_session_timeout, idle_session_timeout, client_encoding,
//	timezone, datestyle, and any other server setting (work_mem, myext.flag, ...)
//	                          sent to the server as run-time parameters when the
//	                          connection starts; the timeouts are checked to be
//	                          durations (1500, 250ms, 5s, 1min)
//
// Connect arguments also take typed values: "tls" a *tls.Config (used instead of the
// ssl* options; a config without ServerName gets the host's), "runtime_params" a
// map[string]string of server settings, "connect_timeout" a time.Duration, the
// timeouts a time.Duration, "host" a []string, and bools and numbers where the option
// is one. A nil connect argument removes the URL's option. An option that pgx does
// not implement (keepalives, gssencmode, hostaddr, ...), a name that is no setting,
// or a value that is invalid is an error naming the option, and no error ever holds
// the password or sslpassword.
//
// # Two paths
//
// An engine reserves each connection from a database/sql pool over pgx's adapter
// (pgx/v5/stdlib). By default (Dialect.NativePath) it then runs its statements on
// the *pgx.Conn under that connection, with the same pgx calls, exec mode, result
// formats and errors as the adapter, and decodes each value into the one the
// adapter gives database/sql (int64, float64, bool, time.Time, []byte, string):
// the engine scans them by database/sql's rules, so what a caller can scan into,
// and what it gets, is the same on both paths; the native path saves database/sql's
// Rows, its context watcher and the adapter's per-statement closures. With
// native=false in the URL every statement goes through database/sql instead.
// PgBouncer (pgbouncer=true) works on both. An engine whose one connection serves
// several Conns at once (a StaticPool) always takes database/sql's path, which
// serializes them.
//
// # Errors
//
// IsDisconnect, IsSerializationFailure, IsUniqueViolation and ErrorCode classify
// pgx's errors (see IsDisconnect for exactly what counts as a disconnect, and why
// 53300 too_many_connections does not).
//
// # Bulk loading
//
// Dialect is a dialect.BulkLoader: ReserveKeys draws the keys of new rows from the
// sequence behind a serial or identity column in one round trip, and CopyRows loads
// rows, keys filled in, with COPY FROM STDIN in the binary format. Both work on
// the pgx connection that Conn.Raw hands out, inside its transaction when one is
// open. A COPY cut off by its context closes the connection (see CopyRows).
//
// # Example
//
//	u, err := dialect.ParseURL("postgresql+psycopg2://scott:tiger@localhost/test?application_name=billing&pgbouncer=true")
//	if err != nil {
//		return err
//	}
//	d, err := dialect.ForURL(u)
//	if err != nil {
//		return err
//	}
//	c, err := d.Connector(u, map[string]any{"statement_timeout": 5 * time.Second})
//	if err != nil {
//		return err
//	}
//	db := sql.OpenDB(c)
//	defer db.Close()
//	v, err := d.ServerVersion(ctx, db)
package postgresql
