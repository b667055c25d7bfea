package doctor

import (
	"context"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/go-alchemy/alchemy"
	"github.com/go-alchemy/alchemy/dialect"
)

// bouncer is what the doctor learnt of a PgBouncer between it and the server.
type bouncer struct {
	// transaction: one client connection's transactions ran on different server
	// backends, so a pooler hands out server connections per transaction
	// (PgBouncer's pool_mode transaction or statement).
	transaction bool
	// pids are the backend pids one client connection saw.
	pids []int
	// config is PgBouncer's SHOW CONFIG (key → value), nil when unreadable;
	// configErr says why.
	config    map[string]string
	configErr error
}

const pidQuery = "SELECT pg_backend_pid()"

// detectPooler looks for a pooler in transaction mode. A direct connection keeps
// its backend for life; through PgBouncer in transaction mode a client's
// connection gets a server connection per transaction, most recently used
// first. So: a asks for its backend, b holds a transaction open (taking that
// server connection, being PgBouncer's most recently used), and a asks again:
// a different pid means a's transactions move between backends.
func detectPooler(ctx context.Context, eng *alchemy.Engine) (*bouncer, error) {
	a, err := eng.Connect(ctx)
	if err != nil {
		return nil, err
	}
	defer a.Close()
	b, err := eng.Connect(ctx)
	if err != nil {
		return nil, err
	}
	defer b.Close()
	pid := func(c *alchemy.Conn) (int, error) {
		res, err := c.Execute(ctx, alchemy.Text(pidQuery))
		if err != nil {
			return 0, err
		}
		return alchemy.Scalar[int](res)
	}
	out := &bouncer{}
	first, err := pid(a)
	if err != nil {
		return nil, err
	}
	out.pids = append(out.pids, first)
	for range 4 {
		tx, err := b.Begin(ctx)
		if err != nil {
			return nil, err
		}
		if _, err := pid(b); err != nil {
			_ = tx.Rollback(ctx)
			return nil, err
		}
		p, err := pid(a)
		_ = tx.Rollback(ctx)
		if err != nil {
			return nil, err
		}
		if p != out.pids[len(out.pids)-1] {
			out.pids = append(out.pids, p)
		}
		if p != first {
			out.transaction = true
			return out, nil
		}
	}
	return out, nil
}

// readBouncerConfig reads SHOW CONFIG from PgBouncer's admin console: the
// database "pgbouncer" on the same host and port, as the same user (who must be
// in its admin_users or stats_users). The console speaks only the simple
// query protocol.
func readBouncerConfig(ctx context.Context, u dialect.URL, b *bouncer) {
	// The console refuses unknown startup parameters: keep only how to reach it.
	var drop []string
	for k := range u.Query {
		if !strings.HasPrefix(k, "ssl") && k != "connect_timeout" && k != "channel_binding" && k != "passfile" {
			drop = append(drop, k)
		}
	}
	cu := u.WithDatabase("pgbouncer").WithoutQuery(drop...)
	eng, err := alchemy.CreateEngineURL(cu, alchemy.PoolSize(1), alchemy.MaxOverflow(0),
		alchemy.PoolConnectBackoff(0, 0), alchemy.Logger(slog.New(slog.DiscardHandler)),
		alchemy.ConnectArgs(map[string]any{"default_query_exec_mode": "simple_protocol"}))
	if err != nil {
		b.configErr = err
		return
	}
	defer eng.Dispose()
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	res, err := eng.Execute(ctx, alchemy.Text("SHOW CONFIG"))
	if err != nil {
		b.configErr = err
		return
	}
	rows, err := alchemy.All[alchemy.Row](res)
	if err != nil {
		b.configErr = err
		return
	}
	b.config = map[string]string{}
	for _, r := range rows {
		k, _ := r.Get("key")
		v, _ := r.Get("value")
		b.config[fmt.Sprint(k)] = fmt.Sprint(v)
	}
}

// setting returns PgBouncer's setting key as evidence, and whether it was read.
func (b *bouncer) setting(key string) (Evidence, bool) {
	v, ok := b.config[key]
	return Evidence{Setting: key, Value: v, Source: "PgBouncer (SHOW CONFIG on its admin console)"}, ok
}

// number returns PgBouncer's numeric setting key (seconds, counts) as evidence
// and its value; ok is false when it was not read or is no number.
func (b *bouncer) number(key string) (Evidence, int, bool) {
	ev, ok := b.setting(key)
	if !ok {
		return ev, 0, false
	}
	n, err := strconv.Atoi(strings.TrimSpace(ev.Value))
	return ev, n, err == nil
}

// urlSafeForPooler reports whether the URL keeps pgx away from named prepared
// statements that outlive a transaction: pgbouncer=true, or an exec mode
// without them.
func urlSafeForPooler(u dialect.URL) (bool, Evidence) {
	if v, ok := u.QueryValue("pgbouncer"); ok {
		if on, _ := dialect.ParseBool(v); on {
			return true, Evidence{Setting: "pgbouncer", Value: v, Source: "the URL's query"}
		}
		return false, Evidence{Setting: "pgbouncer", Value: v, Source: "the URL's query"}
	}
	if v, ok := u.QueryValue("default_query_exec_mode"); ok {
		safe := v == "exec" || v == "simple_protocol"
		return safe, Evidence{Setting: "default_query_exec_mode", Value: v, Source: "the URL's query"}
	}
	return false, Evidence{Setting: "pgbouncer", Value: "absent", Source: "the URL's query (connect arguments set in code are not visible to doctor)"}
}

// checkBouncer turns what was learnt of PgBouncer into findings.
func checkBouncer(b *bouncer, u dialect.URL, pool poolSettings, fs *findings) {
	if b == nil || !b.transaction {
		return
	}
	pids := make([]string, len(b.pids))
	for i, p := range b.pids {
		pids[i] = strconv.Itoa(p)
	}
	seen := Evidence{Setting: "pg_backend_pid()", Value: strings.Join(pids, " then "), Source: "one client connection, in successive transactions (the doctor's test)"}
	mode := Evidence{Setting: "pool_mode", Value: "transaction or statement (inferred)", Source: "the backend pids seen"}
	if ev, ok := b.setting("pool_mode"); ok {
		mode = ev
	}
	if safe, ev := urlSafeForPooler(u); !safe {
		fs.add(SevError, checkPgBouncer, "a pooler in transaction mode (PgBouncer) sits between the application and the server, and the URL lets pgx use named prepared statements, which live on one server connection: statements fail with \"prepared statement ... already exists\" (42P05) or \"... does not exist\" (26000)",
			"add ?pgbouncer=true to the URL (or &pgbouncer=true)", seen, mode, ev)
	} else {
		fs.add(SevInfo, checkPgBouncer, "a pooler in transaction mode (PgBouncer) sits between the application and the server; the URL keeps to statements that work through it", "", seen, mode, ev)
	}
	if b.config == nil {
		fs.add(SevInfo, checkUnreadable, fmt.Sprintf("could not read PgBouncer's settings (client_idle_timeout, max_client_conn, pool_mode) from its admin console (database pgbouncer, SHOW CONFIG): %s; the user must be in PgBouncer's admin_users or stats_users. Its client_idle_timeout, if set, ends idle client connections as a server's idle timeout does", oneLine(b.configErr)),
			"", Evidence{Setting: "client_idle_timeout", Value: "unknown", Source: "PgBouncer's admin console"})
		return
	}
	if ev, n, ok := b.number("client_idle_timeout"); ok && n > 0 {
		t := time.Duration(n) * time.Second
		idleRule(fs, checkPgBouncerIdle, "PgBouncer (client_idle_timeout) ends client connections idle for "+human(t), t, pool, ev)
	} else if ok {
		fs.add(SevInfo, checkPgBouncerIdle, "PgBouncer does not end idle client connections (client_idle_timeout = 0)", "", ev)
	}
	if ev, n, ok := b.number("query_wait_timeout"); ok && n > 0 {
		fs.add(SevInfo, checkPgBouncerWait, fmt.Sprintf("PgBouncer fails a query that waits %ds for a server connection (query_wait_timeout); the pool's own checkout waits pool_timeout %s", n, human(pool.Timeout)), "", ev, pool.evidence("pool_timeout"))
	}
}

// pgBouncerCapacity compares the pools' demand with PgBouncer's max_client_conn:
// behind it, the application's connections are PgBouncer's clients, and the
// server sees only PgBouncer's pools.
func pgBouncerCapacity(b *bouncer, pool poolSettings, fs *findings) {
	ev, n, ok := b.number("max_client_conn")
	if !ok {
		fs.add(SevInfo, checkMaxConnections, "behind PgBouncer the application's connections count against PgBouncer's max_client_conn, which could not be read; the server's max_connections limits PgBouncer's own pools", "")
		return
	}
	capacityRule(fs, checkMaxConnections, "PgBouncer's max_client_conn", n, pool, ev)
}
