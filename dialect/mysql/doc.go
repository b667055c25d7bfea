// Package mysql is alchemy's dialect of MySQL and MariaDB, through the Go driver
// github.com/go-sql-driver/mysql. Blank-import it to register it:
//
//	import _ "github.com/go-alchemy/alchemy/dialect/mysql"
//
//	eng, err := alchemy.CreateEngine("mysql://scott:tiger@localhost/test?charset=utf8mb4")
//
// # Registered names
//
// Two dialect values share the driver and every option: MySQL, whose Name is
// "mysql", and MariaDB, whose Name is "mariadb" (they differ in their reserved
// words). SQLAlchemy's Python driver names resolve to the Go driver, so a URL pasted
// from a Python configuration works as it is. The Go driver's own name is
// "gosqldriver" (DriverName).
//
//	URL drivername              dialect   Python driver it stands in for
//	mysql                       MySQL     (default driver)
//	mysql+gosqldriver           MySQL     (the Go driver, by name)
//	mysql+pymysql               MySQL     PyMySQL
//	mysql+mysqldb               MySQL     mysqlclient (MySQLdb)
//	mysql+mysqlconnector        MySQL     MySQL Connector/Python
//	mysql+aiomysql              MySQL     aiomysql
//	mysql+asyncmy               MySQL     asyncmy
//	mysql+cymysql               MySQL     CyMySQL
//	mariadb                     MariaDB   (default driver)
//	mariadb+gosqldriver         MariaDB   (the Go driver, by name)
//	mariadb+mariadbconnector    MariaDB   MariaDB Connector/Python
//	mariadb+pymysql             MariaDB   PyMySQL
//	mariadb+mysqldb             MariaDB   mysqlclient (MySQLdb)
//
// MySQLNames and MariaDBNames return these lists.
//
// # URL and options
//
//	mysql://user:password@host:port/database?option=value&...
//
// A missing host is "localhost" (over TCP, as PyMySQL); a missing port is 3306;
// unix_socket=/path/to/mysqld.sock connects over a Unix socket instead. Options come
// from the URL query or from connect arguments (SQLAlchemy's connect_args), which
// take the same names, override the query, and may carry typed values: a
// time.Duration, a *time.Location, a *tls.Config, a bool, an int. Names match
// without regard to case. Dialect.Options lists them all.
//
//	option (aliases)                        default     meaning
//	charset                                 utf8mb4     SET NAMES at connect
//	collation                               server's    SET NAMES ... COLLATE
//	parseTime (parse_time)                  true        DATE/DATETIME scan into time.Time
//	loc                                     UTC         time zone of DATETIME values in Go
//	connect_timeout (timeout)               10s         dialing the server
//	read_timeout, write_timeout             none        I/O deadlines on the socket
//	tls                                     off         true, false, skip-verify, preferred,
//	                                                    a mysql.RegisterTLSConfig name, *tls.Config
//	ssl, ssl_mode, ssl_ca, ssl_cert,        off         the Python drivers' TLS options (below)
//	ssl_key, ssl_check_hostname
//	(ssl_verify_identity), ssl_verify_cert,
//	ssl_disabled
//	clientFoundRows (client_found_rows)     true        UPDATE counts matched rows, as SQLAlchemy
//	interpolateParams                       false       bind values client-side, one round trip
//	multiStatements                         false       several statements in one string
//	allowNativePasswords                    true        mysql_native_password
//	allowCleartextPasswords                 false       cleartext plugin (use with TLS)
//	allowOldPasswords                       false       pre-4.1 passwords
//	allowFallbackToPlaintext                false       TLS if the server has it
//	allowAllFiles (local_infile)            false       LOAD DATA LOCAL INFILE of any file
//	checkConnLiveness                       true        check the socket before reuse
//	columnsWithAlias, rejectReadOnly,       driver's    the Go driver's options of those names
//	compress, maxAllowedPacket,
//	serverPubKey, timeTruncate,
//	connectionAttributes
//	program_name                            none        connection attribute program_name
//	host, port, user (username),            the URL     override the URL's parts
//	password (passwd), database (db)
//	autocommit, use_unicode, binary_prefix  accepted    Python-only; true is the Go behaviour
//	logger (connect arguments only)         stderr      a mysql.Logger for the driver's messages
//
// Timeouts take seconds as PyMySQL does ("10", "2.5") or a Go duration ("1m30s").
// A read_timeout also bounds every long query: prefer a context deadline.
//
// multiStatements stays off by default: with it, a value spliced into SQL by mistake
// can run a second statement, and alchemy reads only the first result set.
//
// loc is the zone the driver gives DATETIME values it scans and assumes for
// time.Time values it sends; it does not change the server's session time zone.
// Set that with the system variable time_zone.
//
// TLS through the Python drivers' options follows MySQL's ssl_mode: DISABLED,
// PREFERRED, REQUIRED (encrypted, not verified), VERIFY_CA (chain verified) or
// VERIFY_IDENTITY (chain and host name verified). Without ssl_mode, asking for TLS
// (ssl=true, ssl_ca, ssl_cert) verifies fully, against ssl_ca or the system's roots;
// ssl_check_hostname=false lowers that to VERIFY_CA and ssl_verify_cert=false to
// REQUIRED. (PyMySQL does not verify at all without ssl_ca: alchemy is stricter.)
// The tls option and the ssl_* options are two ways to say one thing; a URL uses one.
//
// # System variables
//
// Any other name that is a plain identifier is a session system variable, set when
// each connection opens, as the Go driver does:
//
//	mysql://u@h/db?sql_mode=TRADITIONAL&wait_timeout=600&time_zone=%2B00:00
//
// Numbers and bare words (ON, TRADITIONAL) are sent as they are; a value already in
// single quotes as it is; anything else is quoted ("+00:00" becomes '+00:00'). A
// value holding a backslash or a control character is refused. An unknown variable
// fails when the first connection opens, with the server's error 1193.
//
// Options the Go driver cannot honour (init_command, client_flag, read_default_file,
// ssl_capath, ssl_cipher...) are errors naming the option, never silently dropped.
// No error contains the password.
//
// # Errors
//
// IsDisconnect, IsSerializationFailure (deadlock 1213, lock wait timeout 1205),
// IsUniqueViolation (1062, 1586), ErrorCode (the error number) and SQLState classify
// the driver's errors; see IsDisconnect for the list and for why 1317 (query
// interrupted) is not a disconnect.
//
// # Server version
//
// ServerVersion runs SELECT VERSION(); IsMariaDB tells MariaDB ("10.11.19-MariaDB-...")
// from MySQL by that string, whichever of the two dialects connected.
package mysql
