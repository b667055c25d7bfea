package doctor

import (
	"context"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/go-alchemy/alchemy"
	"github.com/go-alchemy/alchemy/dialect"
)

// myVariableNames are the MySQL and MariaDB system variables the doctor reads
// (max_execution_time is MySQL's, max_statement_time MariaDB's).
var myVariableNames = []string{
	"wait_timeout", "interactive_timeout", "init_connect",
	"max_connections", "max_user_connections", "extra_max_connections",
	"max_execution_time", "max_statement_time", "innodb_lock_wait_timeout",
}

// myGlobalOnly are the variables that have no session value of their own
// (SHOW SESSION VARIABLES shows the global one).
var myGlobalOnly = map[string]bool{"max_connections": true, "extra_max_connections": true, "init_connect": true}

// myFacts is what the doctor read from a MySQL or MariaDB server.
type myFacts struct {
	Version string
	Account string // CURRENT_USER(): user@host
	// Session and Global are the variables as this session sees them and
	// their global values.
	Session, Global map[string]string
	// AccountLimit is the account's own max_user_connections (0: none), from
	// AccountLimitFrom; AccountLimitKnown is false when neither mysql.user nor
	// SHOW GRANTS told it.
	AccountLimit      int
	AccountLimitFrom  string
	AccountLimitKnown bool
	// Open and OpenUser are the connections open now (all, and this user's),
	// the doctor's own excluded.
	Open, OpenUser int
	OpenKnown      bool
	// url is the URL connected with, to tell a variable it set.
	url dialect.URL
}

var maxUserConnsGrant = regexp.MustCompile(`(?i)MAX_USER_CONNECTIONS\s+(\d+)`)

// readMySQL reads the session's and the global variables, the account's
// connection limit and the connections open now.
func readMySQL(ctx context.Context, c *alchemy.Conn, u dialect.URL, fs *findings) (*myFacts, error) {
	f := &myFacts{url: u, Session: map[string]string{}, Global: map[string]string{}}
	who, err := queryOne[struct {
		Version string `db:"version"`
		Account string `db:"account"`
	}](ctx, c, "SELECT VERSION() AS version, CURRENT_USER() AS account")
	if err != nil {
		return nil, fmt.Errorf("reading the server's version and the account: %w", err)
	}
	f.Version, f.Account = who.Version, who.Account

	quoted := make([]string, len(myVariableNames))
	for i, n := range myVariableNames {
		quoted[i] = "'" + n + "'"
	}
	in := strings.Join(quoted, ", ")
	for _, scope := range []struct {
		kw  string
		dst map[string]string
	}{{"SESSION", f.Session}, {"GLOBAL", f.Global}} {
		rows, err := queryAll[alchemy.Row](ctx, c, fmt.Sprintf("SHOW %s VARIABLES WHERE Variable_name IN (%s)", scope.kw, in))
		if err != nil {
			fs.unreadable("@@"+strings.ToLower(scope.kw)+".*", "the "+strings.ToLower(scope.kw)+" variables (SHOW "+scope.kw+" VARIABLES)", err)
			continue
		}
		for _, r := range rows {
			v := r.Values()
			if len(v) >= 2 {
				scope.dst[strings.ToLower(cellText(v[0]))] = cellText(v[1])
			}
		}
	}

	// The account's own limit: mysql.user needs SELECT on it; SHOW GRANTS
	// (MariaDB prints WITH MAX_USER_CONNECTIONS there) needs nothing.
	lim, err := queryOne[struct {
		N int `db:"max_user_connections"`
	}](ctx, c, "SELECT max_user_connections FROM mysql.user WHERE CONCAT(User, '@', Host) = CURRENT_USER()")
	if err == nil {
		f.AccountLimit, f.AccountLimitFrom, f.AccountLimitKnown = lim.N, "account "+f.Account+" (mysql.user.max_user_connections)", true
	} else {
		fs.add(SevInfo, checkUnreadable, fmt.Sprintf("could not read mysql.user.max_user_connections for %s: %s; read the account's limit from SHOW GRANTS and @@session.max_user_connections instead", f.Account, oneLine(err)),
			"", Evidence{Setting: "mysql.user.max_user_connections", Value: "unknown", Source: "mysql.user (needs SELECT on mysql.user)"})
		grants, gerr := queryAll[alchemy.Row](ctx, c, "SHOW GRANTS")
		if gerr == nil {
			f.AccountLimitKnown, f.AccountLimitFrom = true, "account "+f.Account+" (SHOW GRANTS)"
			for _, g := range grants {
				for _, v := range g.Values() {
					if m := maxUserConnsGrant.FindStringSubmatch(cellText(v)); m != nil {
						f.AccountLimit, _ = strconv.Atoi(m[1])
					}
				}
			}
		} else {
			fs.unreadable("max_user_connections", "SHOW GRANTS", gerr)
		}
	}

	open, err := queryAll[alchemy.Row](ctx, c, "SHOW GLOBAL STATUS LIKE 'Threads_connected'")
	mine, err2 := queryOne[struct {
		N int `db:"n"`
	}](ctx, c, "SELECT COUNT(*) AS n FROM information_schema.PROCESSLIST WHERE USER = SUBSTRING_INDEX(CURRENT_USER(), '@', 1)")
	if err == nil && err2 == nil && len(open) == 1 && len(open[0].Values()) >= 2 {
		n, _ := strconv.Atoi(cellText(open[0].Values()[1]))
		f.Open, f.OpenUser, f.OpenKnown = max(n-1, 0), max(mine.N-1, 0), true
	} else if err != nil || err2 != nil {
		if err == nil {
			err = err2
		}
		fs.unreadable("Threads_connected", "the connections open now (SHOW GLOBAL STATUS, information_schema.PROCESSLIST)", err)
	}
	return f, nil
}

// cellText is a value of a SHOW statement's row as text.
func cellText(v any) string {
	if b, ok := v.([]byte); ok {
		return string(b)
	}
	return fmt.Sprint(v)
}

// variable returns the session value of a variable as evidence, with where it
// comes from, and whether the server has it.
func (f *myFacts) variable(name string) (Evidence, string, bool) {
	v, ok := f.Session[name]
	if !ok || myGlobalOnly[name] {
		v, ok = f.Global[name]
		if !ok {
			return Evidence{}, "", false
		}
		return Evidence{Setting: "@@global." + name, Value: v, Source: "global (the server's configuration or SET GLOBAL)"}, v, true
	}
	return Evidence{Setting: "@@session." + name, Value: v, Source: f.source(name)}, v, true
}

// source says where a session variable's value comes from: the global value it
// starts from, or something that set it at connect.
func (f *myFacts) source(name string) string {
	s, g := f.Session[name], f.Global[name]
	if s == g {
		return fmt.Sprintf("global (@@global.%s: the server's configuration or SET GLOBAL; the session keeps it)", name)
	}
	for k := range f.url.Query {
		if strings.EqualFold(k, name) {
			return fmt.Sprintf("session: set at connect by the URL's %s option (@@global.%s is %s)", k, name, g)
		}
	}
	if ic := f.Global["init_connect"]; strings.Contains(strings.ToLower(ic), name) {
		return fmt.Sprintf("session: set by the server's init_connect (@@global.%s is %s)", name, g)
	}
	if name == "wait_timeout" && s == f.Global["interactive_timeout"] {
		return fmt.Sprintf("session: copied from @@global.interactive_timeout, as for an interactive client (@@global.wait_timeout is %s)", g)
	}
	return fmt.Sprintf("session: set at connect by the client (@@global.%s is %s)", name, g)
}

// seconds reads a variable counted in (possibly fractional) seconds.
func seconds(v string) time.Duration {
	x, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
	if err != nil || x <= 0 {
		return 0
	}
	return time.Duration(x * float64(time.Second))
}

// checkMySQL turns what was read into findings.
func checkMySQL(f *myFacts, pool poolSettings, fs *findings) {
	// 1. Idle connections killed: wait_timeout (the session's: that is what
	// ends this connection).
	if ev, v, ok := f.variable("wait_timeout"); ok {
		if t := seconds(v); t > 0 {
			var more []Evidence
			if iev, _, ok := f.variable("interactive_timeout"); ok {
				iev.Source += "; applies instead of wait_timeout only to clients that connect as interactive, which the Go driver does not"
				more = append(more, iev)
			}
			idleRule(fs, checkWaitTimeout, "the server (wait_timeout) ends connections idle for "+human(t), t, pool, append([]Evidence{ev}, more...)...)
		}
	}

	// 2. Connection limits.
	if ev, v, ok := f.variable("max_connections"); ok {
		n, _ := strconv.Atoi(v)
		ev.Source += "; one more connection is kept for SUPER or CONNECTION ADMIN"
		capacityRule(fs, checkMaxConnections, "max_connections", n, pool, ev)
		if f.OpenKnown {
			fs.add(SevInfo, checkOpenConnections, fmt.Sprintf("other connections open on the server now: %d (%d of user %s), leaving %d of %d; if they are not this application's own, its pools have only those",
				f.Open, f.OpenUser, userPart(f.Account), max(n-f.Open, 0), n), "",
				Evidence{Setting: "Threads_connected", Value: strconv.Itoa(f.Open), Source: "SHOW GLOBAL STATUS, now (the doctor's own connection excluded)"},
				Evidence{Setting: "connections of user " + userPart(f.Account), Value: strconv.Itoa(f.OpenUser), Source: "information_schema.PROCESSLIST, now"})
		}
	}
	userLimit(f, pool, fs)

	// 4. Statement and lock timeouts.
	if ev, v, ok := f.variable("max_statement_time"); ok { // MariaDB, seconds
		statementTime(fs, seconds(v), ev, pool, "max_statement_time", "SET max_statement_time, or ALTER USER ... WITH MAX_STATEMENT_TIME")
	} else if ev, v, ok := f.variable("max_execution_time"); ok { // MySQL, ms, SELECT only
		n, _ := strconv.ParseInt(v, 10, 64)
		statementTime(fs, ms(n), ev, pool, "max_execution_time (SELECT statements only)", "SET max_execution_time, or the MAX_EXECUTION_TIME optimizer hint")
	}
	if ev, v, ok := f.variable("innodb_lock_wait_timeout"); ok {
		fs.add(SevInfo, checkLockTimeout, fmt.Sprintf("a statement waiting %s for a row lock fails with 1205 (lock wait timeout)", human(seconds(v))), "", ev)
	}
}

// statementTime is the info finding on a MySQL or MariaDB statement time limit.
func statementTime(fs *findings, t time.Duration, ev Evidence, pool poolSettings, name, how string) {
	evs := []Evidence{ev, pool.evidence("pool_timeout")}
	if t == 0 {
		fs.add(SevInfo, checkStatementTime, fmt.Sprintf("no %s: a statement that hangs holds its connection until it ends; when every connection is held so, checkouts wait pool_timeout (%s) and fail", name, human(pool.Timeout)),
			"consider a limit ("+how+"), or alchemy.StatementTimeout", evs...)
		return
	}
	fs.add(SevInfo, checkStatementTime, fmt.Sprintf("%s is %s (pool_timeout %s)", name, human(t), human(pool.Timeout)), "", evs...)
}

// userLimit checks the account's max_user_connections, or the global one.
func userLimit(f *myFacts, pool poolSettings, fs *findings) {
	limit, ev := 0, Evidence{}
	if f.AccountLimitKnown && f.AccountLimit > 0 {
		limit = f.AccountLimit
		ev = Evidence{Setting: "max_user_connections", Value: strconv.Itoa(limit), Source: f.AccountLimitFrom}
	} else if sev, v, ok := f.variable("max_user_connections"); ok {
		// The session value is the account's limit when it has one, else the global.
		limit, _ = strconv.Atoi(v)
		ev = sev
		if f.Session["max_user_connections"] != f.Global["max_user_connections"] {
			ev.Source = fmt.Sprintf("account %s (WITH MAX_USER_CONNECTIONS; @@session.max_user_connections; the global is %s)", f.Account, f.Global["max_user_connections"])
		}
	}
	if limit > 0 {
		capacityRule(fs, checkUserLimit, "max_user_connections of "+f.Account, limit, pool, ev)
	}
}

// userPart is the user of "user@host".
func userPart(account string) string {
	if i := strings.LastIndexByte(account, '@'); i >= 0 {
		return account[:i]
	}
	return account
}
