package doctor

import (
	"regexp"
	"strconv"
	"strings"
)

// Layers an error comes from, as --explain names them.
const (
	layerServerIdle    = "server: idle timeout"
	layerServerAdmin   = "server: administrator, restart or failover"
	layerServerLimit   = "server: connection limit"
	layerServerTimeout = "server: statement or lock timeout"
	layerPgBouncer     = "middlebox: PgBouncer"
	layerMiddlebox     = "middlebox or network"
	layerNetwork       = "network"
	layerPool          = "pool"
	layerDriver        = "driver"
	layerApplication   = "application"
)

// Explanation is what --explain says of an error message: its code, the layer
// it comes from, the likely cause and the fix.
type Explanation struct {
	Code    string `json:"code"`
	Layer   string `json:"layer"`
	Cause   string `json:"cause"`
	Fix     string `json:"fix"`
	Matched string `json:"matched"`
}

type explainRule struct {
	Explanation
	re *regexp.Regexp
	// not, when set, keeps the rule from matching a message it also matches:
	// another rule explains that one.
	not *regexp.Regexp
}

// rx builds a case-insensitive pattern matching any of alts (regular
// expressions).
func rx(alts ...string) *regexp.Regexp {
	return regexp.MustCompile(`(?i)(?:` + strings.Join(alts, `|`) + `)`)
}

// num is the pattern of an error number or an all-digit SQLSTATE as messages
// print it: "Error 2006 (HY000)", "(2006, ...)", "SQLSTATE 53300", "errno: 1040",
// or alone. Bare, the digits would match years, ports and durations.
func num(n int) string {
	d := strconv.Itoa(n)
	return `(?:sqlstate|errno|error|code|state)[\s:=#"']*` + d + `\b|\(` + d + `,|\b` + d + ` \([0-9A-Z]{5}\)|^\s*` + d + `\s*$`
}

// Fixes several rules share.
const (
	fixIdle = "keep the pool's connections younger than the idle limit (pool_recycle below it: `alchemy doctor` reads the limit and says where it is set) or turn on pool_pre_ping, which replaces a dead connection at checkout; retry the request once on a disconnect"
	fixDrop = "turn on pool_pre_ping, and set pool_recycle below the idle limit of whatever sits between the application and the server (`alchemy doctor --probe` measures it); TCP keepalives shorter than that limit also keep such connections alive"
)

// rule makes a rule of an explanation, the pattern it answers to, and one it
// must not also match.
func rule(e Explanation, re *regexp.Regexp, not ...*regexp.Regexp) explainRule {
	r := explainRule{Explanation: e, re: re}
	if len(not) > 0 {
		r.not = not[0]
	}
	return r
}

// explainRules are tried in order; more specific rules come first.
var explainRules = []explainRule{
	// PostgreSQL server.
	rule(Explanation{Code: "57P05", Layer: layerServerIdle,
		Cause: "PostgreSQL ended a session left idle longer than idle_session_timeout (set for the server, the database or the role); a pooled connection sat idle past it, and the first statement after that found it gone",
		Fix:   fixIdle}, rx(`\b57P05\b`, `idle[- ]session timeout`)),
	rule(Explanation{Code: "25P03", Layer: layerServerIdle,
		Cause: "PostgreSQL ended a session whose transaction stayed open and idle longer than idle_in_transaction_session_timeout: the application began a transaction and then waited (a remote call, a user, a slow loop) without sending statements",
		Fix:   "keep transactions short: do slow work before BEGIN or after COMMIT; or raise idle_in_transaction_session_timeout for the role (ALTER ROLE ... SET). The pool cannot help: the connection was checked out"}, rx(`\b25P03\b`, `idle[- ]in[- ]transaction (session )?timeout`)),
	rule(Explanation{Code: "57P01", Layer: layerServerAdmin,
		Cause: "PostgreSQL ended the session on an administrator's command: pg_terminate_backend() (often a job that kills idle or long sessions), a fast or smart shutdown, a restart or a failover",
		Fix:   "turn on pool_pre_ping so that the pool replaces connections killed while idle, and retry a request that failed on a disconnect; find who terminates sessions (a cron job, a cloud provider's maintenance) and, if it kills idle ones, keep pool_recycle below its limit"}, rx(`\b57P01\b`, `terminating connection due to administrator command`, `admin_shutdown`)),
	rule(Explanation{Code: "57P02", Layer: layerServerAdmin,
		Cause: "another PostgreSQL backend crashed and the server restarted every session",
		Fix:   "retry on a disconnect and turn on pool_pre_ping; read the server's log for the crash"}, rx(`\b57P02\b`, `terminating connection because of crash of another server process`)),
	rule(Explanation{Code: "57P03", Layer: layerServerAdmin,
		Cause: "PostgreSQL is starting up, shutting down or recovering and refuses connections for now",
		Fix:   "wait and reconnect (alchemy's PoolConnectBackoff spaces the attempts)"}, rx(`\b57P03\b`, `the database system is (starting up|shutting down|in recovery mode)`)),
	rule(Explanation{Code: "08P01", Layer: layerPgBouncer,
		Cause: "a protocol violation: most often PgBouncer in transaction mode meeting a driver's prepared statements (\"bind message supplies N parameters, but prepared statement requires M\"), or PgBouncer refusing a startup parameter it does not know (\"unsupported startup parameter\")",
		Fix:   "behind PgBouncer add ?pgbouncer=true to the URL (no named prepared statements); for a startup parameter, add it to PgBouncer's ignore_startup_parameters or leave it out of the URL"}, rx(`\b08P01\b`, `protocol violation`, `unsupported startup parameter`, `bind message supplies \d+ parameters`)),
	rule(Explanation{Code: "42P05", Layer: layerPgBouncer,
		Cause: "\"prepared statement ... already exists\": the driver prepared a named statement on a server connection that another client had already prepared it on; PgBouncer in transaction mode hands server connections from client to client",
		Fix:   "add ?pgbouncer=true to the URL (pgx then uses no named prepared statements that outlive a transaction)"}, rx(`\b42P05\b`, `prepared statement \S+ already exists`)),
	rule(Explanation{Code: "26000", Layer: layerPgBouncer,
		Cause: "\"prepared statement ... does not exist\": the statement was prepared on one server connection and run on another; PgBouncer in transaction mode moves a client between server connections at each transaction",
		Fix:   "add ?pgbouncer=true to the URL (pgx then uses no named prepared statements that outlive a transaction)"}, rx(num(26000), `prepared statement \S+ does not exist`)),
	rule(Explanation{Code: "53300", Layer: layerServerLimit,
		Cause: "the server refused a new connection: every slot is taken (max_connections less the reserved ones), or the role's or database's CONNECTION LIMIT is reached. The pools of all processes together may open more than the server allows",
		Fix:   "make (pool_size + max_overflow) × processes fit the limit (`alchemy doctor --pool-size N --max-overflow M --processes P` checks it), close leaked connections, or put PgBouncer in front"}, rx(num(53300), `too many connections for (role|database)`, `sorry, too many clients already`, `remaining connection slots are reserved`)),
	rule(Explanation{Code: "57014", Layer: layerServerTimeout,
		Cause: "PostgreSQL cancelled the statement: statement_timeout (\"due to statement timeout\") or a cancel request (\"due to user request\": a context deadline or an explicit cancel from the client)",
		Fix:   "make the statement faster, or raise statement_timeout for it (SET LOCAL statement_timeout); for a user request, look at the context deadline the application set"}, rx(num(57014), `canceling statement due to (statement timeout|user request)`)),
	rule(Explanation{Code: "55P03", Layer: layerServerTimeout,
		Cause: "a statement waited longer than lock_timeout for a lock (or NOWAIT found it taken): another transaction holds it",
		Fix:   "find the blocker (pg_locks, pg_blocking_pids()) and shorten the transactions that hold locks; raise lock_timeout if the wait is expected"}, rx(`\b55P03\b`, `canceling statement due to lock timeout`, `could not obtain lock`)),

	// MySQL and MariaDB.
	rule(Explanation{Code: "4031", Layer: layerServerIdle,
		Cause: "MySQL (8.0.24 and later) disconnected a client that stayed idle longer than wait_timeout (interactive_timeout for interactive clients)",
		Fix:   fixIdle}, rx(num(4031), `disconnected by the server because of inactivity`)),
	rule(Explanation{Code: "2006", Layer: layerServerIdle,
		Cause: "\"MySQL server has gone away\": the server closed the connection before this statement, most often because it sat idle longer than wait_timeout (8h by default, often lowered), else because it was killed, the server restarted, or a packet exceeded max_allowed_packet",
		Fix:   fixIdle + "; if it happens on large statements, raise max_allowed_packet"}, rx(num(2006), `server has gone away`)),
	rule(Explanation{Code: "2013", Layer: layerMiddlebox,
		Cause: "\"Lost connection to MySQL server during query\": the connection broke while a statement ran: a proxy or load balancer timeout, net_read_timeout / net_write_timeout, the statement killed (KILL, max_execution_time), or the server crashed",
		Fix:   "look at what sits between (ProxySQL, a load balancer's idle timeout), at the server's error log, and at long statements; pool_pre_ping and a retry cover connections already dead at checkout"}, rx(num(2013), `lost connection to (mysql |mariadb )?server`)),
	rule(Explanation{Code: "2055", Layer: layerMiddlebox,
		Cause: "the connection to the MySQL server was lost at some stage (reading a packet, the handshake): the network or something between broke it",
		Fix:   fixDrop}, rx(num(2055))),
	rule(Explanation{Code: "1927", Layer: layerServerAdmin,
		Cause: "MariaDB killed the connection (KILL CONNECTION, or a shutdown)",
		Fix:   "turn on pool_pre_ping and retry on a disconnect; find who kills sessions"}, rx(num(1927), `connection was killed`)),
	rule(Explanation{Code: "1040", Layer: layerServerLimit,
		Cause: "the server refused a new connection: max_connections connections are open (MySQL's error 1040; PostgreSQL says \"too many clients\", 53300). The pools of all processes together may open more than the server allows",
		Fix:   "make (pool_size + max_overflow) × processes fit max_connections (`alchemy doctor` checks it) or raise max_connections; close leaked connections"}, rx(num(1040), `too many connections`), rx(`for (role|database)|53300|max_user_connections`)),
	rule(Explanation{Code: "1203", Layer: layerServerLimit,
		Cause: "the account already has max_user_connections connections open (the account's limit or the global one)",
		Fix:   "make (pool_size + max_overflow) × processes fit the account's limit (`alchemy doctor` reads it), or raise it (ALTER USER ... WITH MAX_USER_CONNECTIONS)"}, rx(num(1203), `more than 'max_user_connections'`, `exceeded the .max_user_connections. resource`)),
	rule(Explanation{Code: "1205", Layer: layerServerTimeout,
		Cause: "a statement waited longer than innodb_lock_wait_timeout for a row lock another transaction holds",
		Fix:   "shorten the transactions that hold the locks, or retry the transaction (alchemy.WithRetry does for 1205)"}, rx(num(1205), `lock wait timeout exceeded`)),
	rule(Explanation{Code: "3024", Layer: layerServerTimeout,
		Cause: "MySQL stopped a SELECT that ran longer than max_execution_time",
		Fix:   "make the query faster or raise max_execution_time for it (the MAX_EXECUTION_TIME hint)"}, rx(num(3024), `maximum statement execution time exceeded`)),
	rule(Explanation{Code: "1969", Layer: layerServerTimeout,
		Cause: "MariaDB stopped a statement that ran longer than max_statement_time",
		Fix:   "make the statement faster or raise max_statement_time for it (SET STATEMENT max_statement_time=N FOR ...)"}, rx(num(1969), `max_statement_time exceeded`)),

	// ODBC (SQL Server, and any ODBC driver).
	rule(Explanation{Code: "08S01", Layer: layerMiddlebox,
		Cause: "ODBC's \"communication link failure\": the connection broke under the driver, most often because the server, a firewall or a load balancer ended it while it sat idle in the pool (TCP error 0x68 / 104 and 10054 are \"connection reset by peer\")",
		Fix:   fixDrop}, rx(`\b08S01\b`, `communications? link failure`)),
	rule(Explanation{Code: "HYT00", Layer: layerNetwork,
		Cause: "ODBC's \"timeout expired\": the driver gave up waiting. A login timeout means the server did not answer the connection in time (host down or unreachable, a firewall dropping packets, DNS, an overloaded server); a query timeout means a statement ran past the driver's limit",
		Fix:   "for a login timeout check that the host and port are reachable from here and raise the connection timeout if the network is slow; for a query timeout make the statement faster or raise the limit"}, rx(`\bHYT00\b`, `login timeout expired`, `query timeout expired`)),

	// PgBouncer's own messages.
	rule(Explanation{Code: "client_idle_timeout", Layer: layerPgBouncer,
		Cause: "PgBouncer closed a client connection idle longer than its client_idle_timeout",
		Fix:   "set pool_recycle below PgBouncer's client_idle_timeout, or turn on pool_pre_ping"}, rx(`client_idle_timeout`, `client close request`)),
	rule(Explanation{Code: "query_wait_timeout", Layer: layerPgBouncer,
		Cause: "PgBouncer gave up waiting for a free server connection for this client (query_wait_timeout): its pool to the server is too small for the load, or long transactions hold it",
		Fix:   "raise PgBouncer's default_pool_size (within the server's max_connections), shorten transactions, or lower the application's concurrency"}, rx(`query_wait_timeout`)),
	rule(Explanation{Code: "max_client_conn", Layer: layerPgBouncer,
		Cause: "PgBouncer refused the connection: max_client_conn clients are connected",
		Fix:   "make (pool_size + max_overflow) × processes fit PgBouncer's max_client_conn, or raise it"}, rx(`no more connections allowed \(max_client_conn\)`)),
	rule(Explanation{Code: "idle_transaction_timeout", Layer: layerPgBouncer,
		Cause: "PgBouncer closed a client that left a transaction open and idle longer than its idle_transaction_timeout",
		Fix:   "keep transactions short; raise PgBouncer's idle_transaction_timeout if long idle transactions are intended"}, rx(`idle transaction timeout`)),

	// The pool.
	rule(Explanation{Code: "pool timeout", Layer: layerPool,
		Cause: "every connection of the pool (pool_size + max_overflow) was checked out for all of pool_timeout: the load needs more, or connections are held too long or leaked (a Result or Conn never closed)",
		Fix:   "close Results and Conns (defer), shorten what runs while a connection is held, then size the pool (`alchemy doctor` checks the server can take it) or raise pool_timeout"}, rx(`limit of size \d+ overflow -?\d+ reached`, `pool: connection timed out`)),

	// Drivers and the network, the least specific.
	rule(Explanation{Code: "ErrBadConn", Layer: layerDriver,
		Cause: "the Go driver found the connection already closed before it sent the statement (database/sql's driver.ErrBadConn): the server or something between ended it while it sat idle",
		Fix:   fixIdle}, rx(`driver: bad connection`, `\binvalid connection\b`)),
	rule(Explanation{Code: "server closed the connection", Layer: layerMiddlebox,
		Cause: "libpq (psycopg2) found the connection closed by the other side: the server (an idle timeout, a terminated backend, a restart) or a middlebox that dropped it",
		Fix:   fixDrop}, rx(`server closed the connection unexpectedly`, `SSL SYSCALL error: EOF detected`, `SSL connection has been closed unexpectedly`)),
	rule(Explanation{Code: "ECONNRESET", Layer: layerMiddlebox,
		Cause: "\"connection reset by peer\": the other end answered with a TCP reset: the server's process is gone, or a NAT, load balancer or firewall forgot the idle connection and rejects it",
		Fix:   fixDrop}, rx(`connection reset by peer`, `forcibly closed by the remote host`, `\bECONNRESET\b`, `error code 0x68\b`, `error code 0x2746\b`)),
	rule(Explanation{Code: "EPIPE", Layer: layerMiddlebox,
		Cause: "\"broken pipe\": the application wrote to a connection the other end had already closed, typically one that sat idle in the pool past a server's or middlebox's limit",
		Fix:   fixDrop}, rx(`broken pipe`, `\bEPIPE\b`)),
	rule(Explanation{Code: "i/o timeout", Layer: layerNetwork,
		Cause: "a read or write deadline passed with no answer: the driver's read_timeout or write_timeout, or packets silently dropped (a firewall or NAT that forgot an idle connection drops rather than resets)",
		Fix:   "if it follows idle periods, " + fixDrop + "; if it hits long statements, raise the driver's read_timeout or use a context deadline instead"}, rx(`i/o timeout`, `connection timed out`, `\bETIMEDOUT\b`), rx(`pool: connection timed out|limit of size`)),
	rule(Explanation{Code: "ECONNREFUSED", Layer: layerNetwork,
		Cause: "nothing listens on that host and port: the server is down or restarting, or the URL's host or port is wrong",
		Fix:   "check the server is up and the URL's host and port (`alchemy ping`)"}, rx(`connection refused`, `\bECONNREFUSED\b`)),
	rule(Explanation{Code: "EOF", Layer: layerMiddlebox,
		Cause: "the connection ended in the middle of the conversation (unexpected EOF, pgx's \"conn closed\"): the other end closed it, idle or not",
		Fix:   fixDrop}, rx(`unexpected EOF`, `\bconn closed\b`)),
	rule(Explanation{Code: "context deadline exceeded", Layer: layerApplication,
		Cause: "the application's own context ran out (a request deadline, StatementTimeout) while waiting for the pool or the database",
		Fix:   "find which wait took the time: a checkout (pool too small or connections held long), a connect, or a slow statement"}, rx(`context deadline exceeded`)),
}

// explain returns what is known of an error message: every rule that matches,
// the most specific first.
func explain(msg string) []Explanation {
	var out []Explanation
	for _, r := range explainRules {
		if m := r.re.FindString(msg); m != "" && (r.not == nil || !r.not.MatchString(msg)) {
			e := r.Explanation
			e.Matched = m
			out = append(out, e)
		}
	}
	return out
}

// knownCodes lists the codes --explain knows, in its order.
func knownCodes() []string {
	out := make([]string, len(explainRules))
	for i, r := range explainRules {
		out[i] = r.Code
	}
	return out
}
