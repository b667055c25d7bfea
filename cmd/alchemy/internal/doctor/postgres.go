package doctor

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/go-alchemy/alchemy"
)

// pgSettingNames are the PostgreSQL settings the doctor reads. Those a server
// version lacks (idle_session_timeout before 14, reserved_connections before
// 16) are simply absent.
var pgSettingNames = []string{
	"idle_session_timeout", "idle_in_transaction_session_timeout",
	"tcp_keepalives_idle", "tcp_keepalives_interval", "tcp_keepalives_count", "tcp_user_timeout",
	"statement_timeout", "lock_timeout",
	"max_connections", "superuser_reserved_connections", "reserved_connections",
}

// pgSetting is one row of pg_settings, as this session sees it.
type pgSetting struct {
	Name    string `db:"name"`
	Setting string `db:"setting"`
	Unit    string `db:"unit"`
	Source  string `db:"source"`
	Shown   string `db:"shown"`
	// From says where the value comes from, in words (filled in by describe).
	From string `db:"-"`
}

// duration is a time setting's value (0: off); ok is false for a setting that
// is no duration.
func (s pgSetting) duration() (time.Duration, bool) {
	n, err := strconv.ParseInt(s.Setting, 10, 64)
	if err != nil {
		return 0, false
	}
	switch s.Unit {
	case "ms":
		return ms(n), true
	case "s":
		return time.Duration(n) * time.Second, true
	case "min":
		return time.Duration(n) * time.Minute, true
	}
	return 0, false
}

// number is an integer setting's value.
func (s pgSetting) number() (int, bool) {
	n, err := strconv.Atoi(s.Setting)
	return n, err == nil
}

func (s pgSetting) evidence() Evidence {
	return Evidence{Setting: s.Name, Value: s.Shown, Source: s.From}
}

// pgRoleSetting is one setting of pg_db_role_setting that applies to this
// session: Role and Database are "" for "all".
type pgRoleSetting struct {
	Database string `db:"database"`
	Role     string `db:"role"`
	Name     string `db:"name"`
	Value    string `db:"value"`
}

// pgFacts is what the doctor read from a PostgreSQL server.
type pgFacts struct {
	Version        string
	User, Database string
	Super          bool
	RoleConnLimit  int // -1: none
	DBConnLimit    int // -1: none
	Settings       map[string]*pgSetting
	RoleSettings   []pgRoleSetting
	// Connections open now: to every database, to this one, of this role,
	// the doctor's own excluded.
	Open, OpenDB, OpenRole int
	OpenKnown              bool
}

const pgSettingsQuery = `SELECT name, setting, COALESCE(unit, '') AS unit, source, current_setting(name) AS shown
FROM pg_settings WHERE name IN (%s)`

const pgRoleSettingsQuery = `SELECT COALESCE(d.datname, '') AS database, COALESCE(r.rolname, '') AS role,
       split_part(c.cfg, '=', 1) AS name, substr(c.cfg, strpos(c.cfg, '=') + 1) AS value
FROM pg_db_role_setting s
LEFT JOIN pg_database d ON d.oid = s.setdatabase
LEFT JOIN pg_roles r ON r.oid = s.setrole
CROSS JOIN LATERAL unnest(s.setconfig) AS c(cfg)
WHERE (s.setdatabase = 0 OR d.datname = current_database())
  AND (s.setrole = 0 OR r.rolname = session_user)`

const pgWhoQuery = `SELECT session_user AS "user", current_database() AS database,
       COALESCE((SELECT rolsuper FROM pg_roles WHERE rolname = session_user), false) AS super,
       COALESCE((SELECT rolconnlimit FROM pg_roles WHERE rolname = session_user), -1) AS role_limit,
       COALESCE((SELECT datconnlimit FROM pg_database WHERE datname = current_database()), -1) AS db_limit,
       current_setting('server_version') AS version`

// pgOpenQuery counts the client connections open now. pg_stat_database counts
// every database's backends for anyone; pg_stat_activity shows this role's own.
const pgOpenQuery = `SELECT
  (SELECT COALESCE(sum(numbackends), 0) FROM pg_stat_database) AS open,
  (SELECT COALESCE(sum(numbackends), 0) FROM pg_stat_database WHERE datname = current_database()) AS open_db,
  (SELECT count(*) FROM pg_stat_activity WHERE usename = session_user) AS open_role`

// readPostgres reads the settings of the session on c, and where each comes
// from. What it cannot read becomes an info finding.
func readPostgres(ctx context.Context, c *alchemy.Conn, fs *findings) (*pgFacts, error) {
	f := &pgFacts{Settings: map[string]*pgSetting{}, RoleConnLimit: -1, DBConnLimit: -1}
	who, err := queryOne[struct {
		User     string `db:"user"`
		Database string `db:"database"`
		Super    bool   `db:"super"`
		RoleLim  int    `db:"role_limit"`
		DBLim    int    `db:"db_limit"`
		Version  string `db:"version"`
	}](ctx, c, pgWhoQuery)
	if err != nil {
		return nil, fmt.Errorf("reading the session's role and database: %w", err)
	}
	f.User, f.Database, f.Super, f.RoleConnLimit, f.DBConnLimit, f.Version = who.User, who.Database, who.Super, who.RoleLim, who.DBLim, who.Version

	quoted := make([]string, len(pgSettingNames))
	for i, n := range pgSettingNames {
		quoted[i] = "'" + n + "'"
	}
	rows, err := queryAll[pgSetting](ctx, c, fmt.Sprintf(pgSettingsQuery, strings.Join(quoted, ", ")))
	if err != nil {
		fs.unreadable("pg_settings", "pg_settings", err)
	}
	for i := range rows {
		f.Settings[rows[i].Name] = &rows[i]
	}

	f.RoleSettings, err = queryAll[pgRoleSetting](ctx, c, pgRoleSettingsQuery)
	if err != nil {
		fs.unreadable("pg_db_role_setting", "pg_db_role_setting (per-role and per-database settings; sources are given from pg_settings.source alone)", err)
	}
	for _, s := range f.Settings {
		s.From = f.describe(s)
	}

	open, err := queryOne[struct {
		Open   int `db:"open"`
		OpenDB int `db:"open_db"`
		Role   int `db:"open_role"`
	}](ctx, c, pgOpenQuery)
	if err != nil {
		fs.unreadable("numbackends", "the connections open now (pg_stat_database, pg_stat_activity)", err)
	} else {
		// Take the doctor's own connection off each count.
		f.Open, f.OpenDB, f.OpenRole, f.OpenKnown = max(open.Open-1, 0), max(open.OpenDB-1, 0), max(open.Role-1, 0), true
	}
	return f, nil
}

// describe says where a setting's value comes from, from pg_settings.source
// and the matching pg_db_role_setting entry.
func (f *pgFacts) describe(s *pgSetting) string {
	find := func(role, db string) (pgRoleSetting, bool) {
		for _, r := range f.RoleSettings {
			if r.Name == s.Name && r.Role == role && r.Database == db {
				return r, true
			}
		}
		return pgRoleSetting{}, false
	}
	var from string
	var used *pgRoleSetting
	switch s.Source {
	case "user":
		from = fmt.Sprintf("role %s (ALTER ROLE %s SET %s; pg_db_role_setting)", f.User, f.User, s.Name)
		if r, ok := find(f.User, ""); ok {
			used = &r
		}
	case "database user":
		from = fmt.Sprintf("role %s in database %s (ALTER ROLE %s IN DATABASE %s SET %s; pg_db_role_setting)", f.User, f.Database, f.User, f.Database, s.Name)
		if r, ok := find(f.User, f.Database); ok {
			used = &r
		}
	case "database":
		from = fmt.Sprintf("database %s (ALTER DATABASE %s SET %s; pg_db_role_setting)", f.Database, f.Database, s.Name)
		if r, ok := find("", f.Database); ok {
			used = &r
		}
	case "global":
		from = fmt.Sprintf("all roles (ALTER ROLE ALL SET %s; pg_db_role_setting)", s.Name)
		if r, ok := find("", ""); ok {
			used = &r
		}
	case "configuration file":
		from = "the server's configuration file (postgresql.conf, or ALTER SYSTEM)"
	case "default":
		from = "the server's built-in default"
	case "client":
		from = "this connection's startup parameters (an option of the URL, a connect argument or PGOPTIONS)"
	case "session":
		from = "session (SET)"
	case "command line":
		from = "the server's command line (-c)"
	case "environment variable":
		from = "the server's environment"
	default:
		from = s.Source
	}
	from += " [pg_settings.source: " + s.Source + "]"
	// Entries of pg_db_role_setting that a higher-precedence source overrides.
	var shadowed []string
	for _, r := range f.RoleSettings {
		if r.Name != s.Name || (used != nil && r == *used) {
			continue
		}
		shadowed = append(shadowed, fmt.Sprintf("%s = %s for %s", r.Name, r.Value, roleSettingScope(r)))
	}
	if len(shadowed) > 0 {
		from += "; overrides " + strings.Join(shadowed, ", ")
	}
	return from
}

// roleSettingScope names whom a pg_db_role_setting entry applies to.
func roleSettingScope(r pgRoleSetting) string {
	switch {
	case r.Role != "" && r.Database != "":
		return "role " + r.Role + " in database " + r.Database
	case r.Role != "":
		return "role " + r.Role
	case r.Database != "":
		return "database " + r.Database
	}
	return "all roles"
}

// setting returns a setting read, or nil when the server has none of that name.
func (f *pgFacts) setting(name string) *pgSetting { return f.Settings[name] }

// checkPostgres turns what was read into findings. Behind PgBouncer in
// transaction mode (b.transaction) the server's idle timeouts reach PgBouncer's
// server connections, not the application's.
func checkPostgres(f *pgFacts, b *bouncer, pool poolSettings, fs *findings) {
	behind := b != nil && b.transaction

	// 1. Idle sessions killed.
	if s := f.setting("idle_session_timeout"); s != nil {
		if t, _ := s.duration(); t > 0 {
			if behind {
				fs.add(SevInfo, checkIdleSession, fmt.Sprintf("the server ends sessions idle for %s; behind PgBouncer in transaction mode that reaches PgBouncer's server connections, which it replaces, not the application's connections to PgBouncer (see its client_idle_timeout)", human(t)), "", s.evidence())
			} else {
				idleRule(fs, checkIdleSession, "the server (idle_session_timeout) ends connections idle for "+human(t), t, pool, s.evidence())
			}
		}
	}
	if s := f.setting("idle_in_transaction_session_timeout"); s != nil {
		if t, _ := s.duration(); t > 0 {
			fs.add(SevInfo, checkIdleInTx, fmt.Sprintf("the server ends a session whose transaction stays open and idle for %s (SQLSTATE 25P03); the pool cannot help, since that connection is checked out: the application must not hold a transaction open while it waits (on a remote call, on a user)", human(t)),
				fmt.Sprintf("keep transactions shorter than %s, or raise idle_in_transaction_session_timeout for this role (ALTER ROLE %s SET ...)", human(t), f.User), s.evidence())
		}
	}
	if !behind { // behind PgBouncer they keep PgBouncer's server connections
		keepalives(f, pool, fs)
	}

	// 2. Connection limits.
	pgCapacity(f, b, pool, fs)

	// 4. Statement and lock timeouts against the pool timeout.
	if s := f.setting("statement_timeout"); s != nil {
		t, _ := s.duration()
		ev := []Evidence{s.evidence(), pool.evidence("pool_timeout")}
		switch {
		case t == 0:
			fs.add(SevInfo, checkStatementTime, fmt.Sprintf("no statement_timeout: a statement that hangs holds its connection until it ends; when every connection is held so, checkouts wait pool_timeout (%s) and fail", human(pool.Timeout)),
				"consider a statement_timeout for this role (ALTER ROLE ... SET statement_timeout), or alchemy.StatementTimeout", ev...)
		case t > pool.Timeout:
			fs.add(SevInfo, checkStatementTime, fmt.Sprintf("statement_timeout %s is longer than pool_timeout %s: when every connection runs a long statement, checkouts give up before the server frees one", human(t), human(pool.Timeout)), "", ev...)
		default:
			fs.add(SevInfo, checkStatementTime, fmt.Sprintf("statement_timeout %s ends a runaway statement within pool_timeout %s", human(t), human(pool.Timeout)), "", ev...)
		}
	}
	if s := f.setting("lock_timeout"); s != nil {
		if t, _ := s.duration(); t > 0 {
			fs.add(SevInfo, checkLockTimeout, fmt.Sprintf("lock_timeout %s: a statement waiting that long for a lock fails with 55P03", human(t)), "", s.evidence())
		} else {
			st, _ := f.setting("statement_timeout").durationOr0()
			if st == 0 {
				fs.add(SevInfo, checkLockTimeout, "no lock_timeout and no statement_timeout: a statement blocked on a lock waits for as long as the lock is held", "", s.evidence())
			}
		}
	}
}

// durationOr0 is duration on a setting that may be absent.
func (s *pgSetting) durationOr0() (time.Duration, bool) {
	if s == nil {
		return 0, false
	}
	return s.duration()
}

// keepalives reports the server's TCP keepalives: they do not end healthy
// idle connections, but a middlebox (NAT, load balancer, firewall) that drops
// idle flows before the first keepalive does, silently.
func keepalives(f *pgFacts, pool poolSettings, fs *findings) {
	idle, count, intvl := f.setting("tcp_keepalives_idle"), f.setting("tcp_keepalives_count"), f.setting("tcp_keepalives_interval")
	if idle == nil {
		return
	}
	d, _ := idle.duration()
	ev := []Evidence{idle.evidence()}
	if intvl != nil {
		ev = append(ev, intvl.evidence())
	}
	if count != nil {
		ev = append(ev, count.evidence())
	}
	when := fmt.Sprintf("after %s of silence", human(d))
	if d == 0 {
		when = "after the operating system's default (often 2h) of silence, or not at all over a Unix socket"
	}
	switch {
	case pool.PrePing:
		fs.add(SevInfo, checkKeepalives, fmt.Sprintf("the server sends TCP keepalives %s; a middlebox (NAT, load balancer, firewall) that drops idle connections sooner would be caught by pool_pre_ping", when), "", ev...)
		return
	case pool.Recycle > 0:
		fs.add(SevInfo, checkKeepalives, fmt.Sprintf("the server sends TCP keepalives %s; a middlebox (NAT, load balancer, firewall) that drops idle connections sooner breaks pooled connections silently unless its limit is longer than pool_recycle %s", when, human(pool.Recycle)),
			"if there is such a middlebox, measure its limit with --probe", ev...)
		return
	}
	fs.add(SevInfo, checkKeepalives, fmt.Sprintf("the server sends TCP keepalives %s; a NAT, load balancer or firewall that drops connections idle for less than that (cloud load balancers: 4 to 6 min) breaks pooled connections silently, and the pool neither recycles nor pre-pings", when),
		"if there is such a middlebox, measure its limit with --probe and set pool_recycle below it, or turn on pool_pre_ping", ev...)
}

// pgCapacity compares the pools' demand with the server's slots, the role's
// and the database's limits.
func pgCapacity(f *pgFacts, b *bouncer, pool poolSettings, fs *findings) {
	if b != nil && b.transaction {
		pgBouncerCapacity(b, pool, fs)
	} else if mc := f.setting("max_connections"); mc != nil {
		n, _ := mc.number()
		slots := n
		ev := []Evidence{mc.evidence()}
		name := "max_connections"
		if !f.Super {
			for _, r := range []string{"superuser_reserved_connections", "reserved_connections"} {
				if s := f.setting(r); s != nil {
					k, _ := s.number()
					slots -= k
					name += " - " + r
					ev = append(ev, s.evidence())
				}
			}
		}
		capacityRule(fs, checkMaxConnections, name, slots, pool, ev...)
		if f.OpenKnown {
			left := slots - f.Open
			fs.add(SevInfo, checkOpenConnections, fmt.Sprintf("other connections open on the server now: %d (%d to database %s, %d of role %s), leaving %d of %d slots; if they are not this application's own, its pools have only those",
				f.Open, f.OpenDB, f.Database, f.OpenRole, f.User, max(left, 0), slots), "",
				Evidence{Setting: "numbackends", Value: strconv.Itoa(f.Open), Source: "pg_stat_database, now (the doctor's own connection excluded)"},
				Evidence{Setting: "connections of role " + f.User, Value: strconv.Itoa(f.OpenRole), Source: "pg_stat_activity, now"})
		}
	}
	who := Evidence{Setting: "rolconnlimit", Value: strconv.Itoa(f.RoleConnLimit), Source: fmt.Sprintf("role %s (CREATE/ALTER ROLE ... CONNECTION LIMIT; pg_roles)", f.User)}
	if f.RoleConnLimit >= 0 {
		capacityRule(fs, checkRoleLimit, "role "+f.User+"'s CONNECTION LIMIT", f.RoleConnLimit, pool, who)
	}
	if f.DBConnLimit >= 0 {
		capacityRule(fs, checkDatabaseLimit, "database "+f.Database+"'s CONNECTION LIMIT", f.DBConnLimit, pool,
			Evidence{Setting: "datconnlimit", Value: strconv.Itoa(f.DBConnLimit), Source: fmt.Sprintf("database %s (CREATE/ALTER DATABASE ... CONNECTION LIMIT; pg_database)", f.Database)})
	}
}

// queryAll runs sql on c and reads every row into a T.
func queryAll[T any](ctx context.Context, c *alchemy.Conn, sql string) ([]T, error) {
	res, err := c.Execute(ctx, alchemy.Text(sql))
	if err != nil {
		return nil, err
	}
	return alchemy.All[T](res)
}

// queryOne runs sql on c and reads its one row into a T.
func queryOne[T any](ctx context.Context, c *alchemy.Conn, sql string) (T, error) {
	res, err := c.Execute(ctx, alchemy.Text(sql))
	if err != nil {
		var zero T
		return zero, err
	}
	return alchemy.One[T](res)
}
