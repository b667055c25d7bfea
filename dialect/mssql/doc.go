// Package mssql is alchemy's dialect of Microsoft SQL Server and Azure SQL, through
// the Go driver github.com/microsoft/go-mssqldb, which speaks TDS itself: no ODBC
// driver is needed. Blank-import it to register it:
//
//	import _ "github.com/go-alchemy/alchemy/dialect/mssql"
//
//	eng, err := alchemy.CreateEngine(
//		"mssql+pyodbc://scott:tiger@db.example.com:1433/shop?driver=ODBC+Driver+18+for+SQL+Server&TrustServerCertificate=yes")
//
// # Registered names
//
// SQLAlchemy's Python driver names resolve to the Go driver, so a URL pasted from a
// Python configuration works as it is. The Go driver's own name is "gomssqldb"
// (DriverName).
//
//	URL drivername        Python driver it stands in for
//	mssql                 (default driver)
//	mssql+gomssqldb       (the Go driver, by name)
//	mssql+pyodbc          pyodbc
//	mssql+pymssql         pymssql
//	mssql+aioodbc         aioodbc
//	mssql+mssqlpython     mssql-python
//
// Names returns this list.
//
// # URL and options
//
//	mssql://user:password@host:port/database?option=value&...
//	mssql://user:password@host\instance/database            (a named instance)
//
// A missing host is "localhost"; without a port the driver uses 1433, or asks the
// SQL Browser service for a named instance's port. The connector is built from
// go-mssqldb's URL form of connection string (see DSN), made with net/url so that
// any character in a password is safe.
//
// Options come from the URL query or from connect arguments (SQLAlchemy's
// connect_args), which take the same names, override the query, and may carry typed
// values (a bool, an int, a time.Duration, a *time.Location). Names match without
// regard to case, spaces, underscores or hyphens, so ODBC's "TrustServerCertificate"
// and Python's "trust_server_certificate" are one option. Dialect.Options lists them.
//
//	option (aliases)                          default          meaning
//	encrypt                                   driver's: login  true/yes/mandatory, false/no/optional,
//	                                          only             strict (TDS 8), disable
//	TrustServerCertificate                    true without     accept any server certificate
//	                                          encrypt, else false
//	certificate, ServerCertificate,           none             CA file; pinned server certificate;
//	HostNameInCertificate, tlsmin                              name to verify; lowest TLS version
//	app name (application name, app)          "go-mssqldb"     program name seen by the server
//	workstation id (wsid)                     the host name    client name seen by the server
//	connection timeout (connect timeout,      0: none          logging in, in seconds
//	login_timeout)
//	dial timeout                              15s              dialing, in seconds
//	keepAlive                                 30s              TCP keep-alive, in seconds
//	ApplicationIntent                         ReadWrite        ReadOnly routes to a readable secondary
//	MultiSubnetFailover                       true             dial every address at once
//	failoverpartner, failoverport,            none             database mirroring partner
//	failoverpartnerspn
//	ServerSPN, protocol, packet size, log,    driver's         go-mssqldb's options of those names
//	disableRetry, guid conversion,
//	columnencryption, timezone
//	host (server), port, instance,            the URL          override the URL's parts
//	user (username, uid, user id),
//	password (pwd), database (initial catalog)
//
// Timeouts take seconds ("30", "2.5", rounded up to whole seconds as the driver
// takes them) or a Go duration ("1m").
//
// A URL pasted from pyodbc or pymssql carries options that mean nothing to the Go
// driver; they are accepted and have no effect, so that the URL works as it is:
// driver ("ODBC Driver 18 for SQL Server": go-mssqldb needs none), MARS_Connection,
// tds_version, charset, autocommit=true, and Trusted_Connection=yes (go-mssqldb uses
// integrated authentication when the URL names no user; naming one is an error).
// Options it cannot honour are errors naming the option: timeout (pymssql's query
// timeout and ADO's login timeout at once: use "connection timeout" or a context
// deadline), odbc_connect (write the URL's parts instead), Authentication (Azure AD
// needs go-mssqldb's azuread connector). Any other unknown name is an error. No error
// contains the password.
//
// # Errors
//
// IsDisconnect, IsSerializationFailure (deadlock victim 1205, snapshot conflicts 3960
// and 3961), IsUniqueViolation (2627, 2601) and ErrorCode (the error number) classify
// go-mssqldb's errors. SQL Server often sends several errors for one statement
// (2627, then 3621 "The statement has been terminated"): the classifiers look at all
// of them. See IsDisconnect for its list.
//
// # Savepoints and version
//
// SavepointSQL gives SAVE TRANSACTION and ROLLBACK TRANSACTION (SQL Server cannot
// release a savepoint). ServerVersion reads SERVERPROPERTY('ProductVersion').
//
// # Testing
//
// No SQL Server runs in this project's test environment: the tests cover URLs,
// connection strings (parsed back by go-mssqldb's own msdsn.Parse), option errors,
// quoting, savepoint syntax, version parsing over a fake driver, and error
// classification with go-mssqldb's real error types. Nothing here has been run
// against a live server.
package mssql
