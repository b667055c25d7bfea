package postgresql_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-alchemy/alchemy/dialect"
	"github.com/go-alchemy/alchemy/dialect/postgresql"
	"github.com/go-alchemy/alchemy/internal/testdb"
)

// serverURL is the test server's URL, or a skip (a failure in CI).
func serverURL(t *testing.T, target string) dialect.URL {
	t.Helper()
	u, err := dialect.ParseURL(testdb.URL(t, target))
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// open opens a *sql.DB over the dialect's connector, closed when the test ends.
func open(t *testing.T, u dialect.URL, args map[string]any) *sql.DB {
	t.Helper()
	d, err := dialect.ForURL(u)
	if err != nil {
		t.Fatal(err)
	}
	c, err := d.Connector(u, args)
	if err != nil {
		t.Fatalf("Connector(%s): %v", u, err)
	}
	db := sql.OpenDB(c)
	t.Cleanup(func() { db.Close() })
	return db
}

func conn(t *testing.T, db *sql.DB) *sql.Conn {
	t.Helper()
	c, err := db.Conn(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func scan[T any](t *testing.T, q interface {
	QueryRowContext(context.Context, string, ...any) *sql.Row
}, query string, args ...any) T {
	t.Helper()
	var v T
	if err := q.QueryRowContext(context.Background(), query, args...).Scan(&v); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return v
}

func TestRoundTrip(t *testing.T) {
	base := serverURL(t, testdb.PostgreSQL)
	for _, name := range postgresql.Names() {
		t.Run(name, func(t *testing.T) {
			db := open(t, base.WithDrivername(name), nil)
			if got := scan[string](t, db, "select $1::text || $2::text", "al", "chemy"); got != "alchemy" {
				t.Errorf("got %q", got)
			}
		})
	}
}

func TestOptionsReachTheServer(t *testing.T) {
	base := serverURL(t, testdb.PostgreSQL)
	app := fmt.Sprintf("alchemy-test-%d", time.Now().UnixNano())
	u := base.WithQueryValues(map[string][]string{
		"application_name":  {app},
		"search_path":       {"alchemy_nowhere, public"},
		"statement_timeout": {"150ms"},
		"options":           {"-c lock_timeout=1234"},
	})
	db := open(t, u, map[string]any{"runtime_params": map[string]string{"work_mem": "8MB"}})
	c := conn(t, db)

	if got := scan[string](t, c, "select application_name from pg_stat_activity where pid = pg_backend_pid()"); got != app {
		t.Errorf("pg_stat_activity.application_name = %q, want %q", got, app)
	}
	for setting, want := range map[string]string{
		"search_path":       "alchemy_nowhere, public",
		"statement_timeout": "150ms",
		"lock_timeout":      "1234ms",
		"work_mem":          "8MB",
	} {
		if got := scan[string](t, c, "SHOW "+setting); got != want {
			t.Errorf("SHOW %s = %q, want %q", setting, got, want)
		}
	}
	// The statement timeout acts: a slow statement is canceled (57014), and the
	// connection stays usable, so it is not a disconnect.
	_, err := c.ExecContext(context.Background(), "select pg_sleep(2)")
	if postgresql.ErrorCode(err) != "57014" {
		t.Fatalf("pg_sleep under statement_timeout: %v, want SQLSTATE 57014", err)
	}
	if postgresql.IsDisconnect(err) {
		t.Errorf("a canceled statement is classified as a disconnect: %v", err)
	}
	if got := scan[int](t, c, "select 1"); got != 1 {
		t.Error("connection unusable after a statement timeout")
	}

	// Connect arguments override the query.
	other := open(t, u, map[string]any{"application_name": app + "-args", "statement_timeout": 3 * time.Second})
	if got := scan[string](t, other, "select current_setting('application_name')"); got != app+"-args" {
		t.Errorf("application_name from connect args = %q", got)
	}
	if got := scan[string](t, other, "SHOW statement_timeout"); got != "3s" {
		t.Errorf("statement_timeout from a typed connect arg = %q", got)
	}
}

func TestUnknownSettingIsNamedByTheServer(t *testing.T) {
	u := serverURL(t, testdb.PostgreSQL).WithQuery("alchemy_no_such_setting", "1")
	err := open(t, u, nil).PingContext(context.Background())
	if err == nil || !strings.Contains(err.Error(), "alchemy_no_such_setting") {
		t.Fatalf("connect with an unknown setting: %v, want an error naming it", err)
	}
	if postgresql.ErrorCode(err) != "42704" || postgresql.IsDisconnect(err) {
		t.Errorf("refused connection misclassified: code %q, disconnect %v", postgresql.ErrorCode(err), postgresql.IsDisconnect(err))
	}
}

func TestServerVersion(t *testing.T) {
	db := open(t, serverURL(t, testdb.PostgreSQL), nil)
	v, err := (postgresql.Dialect{}).ServerVersion(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	num := scan[string](t, db, "select current_setting('server_version_num')")
	n, _ := strconv.Atoi(num)
	if v.Major != n/10000 || v.Minor != n%10000 || v.Raw != scan[string](t, db, "SHOW server_version") {
		t.Errorf("ServerVersion = %+v, server_version_num %s", v, num)
	}
	if !v.AtLeast(12, 0) {
		t.Errorf("ServerVersion = %v, older than any supported server", v)
	}
}

// TestRealDisconnect terminates a session from another one, and checks that the
// errors the victim then sees are classified as disconnects.
func TestRealDisconnect(t *testing.T) {
	ctx := context.Background()
	db := open(t, serverURL(t, testdb.PostgreSQL), nil)
	victim, killer := conn(t, db), conn(t, db)
	pid := scan[int](t, victim, "select pg_backend_pid()")
	if !scan[bool](t, killer, "select pg_terminate_backend($1)", pid) {
		t.Fatal("pg_terminate_backend returned false")
	}
	deadline := time.Now().Add(5 * time.Second)
	for scan[int](t, killer, "select count(*) from pg_stat_activity where pid = $1", pid) > 0 {
		if time.Now().After(deadline) {
			t.Fatal("the terminated backend is still there")
		}
		time.Sleep(10 * time.Millisecond)
	}
	_, err := victim.ExecContext(ctx, "select 1")
	if err == nil {
		t.Fatal("statement on a terminated session succeeded")
	}
	t.Logf("first error after termination: %v (%T)", err, err)
	if !postgresql.IsDisconnect(err) {
		t.Errorf("IsDisconnect(%v) = false", err)
	}
	if postgresql.IsSerializationFailure(err) {
		t.Errorf("IsSerializationFailure(%v) = true", err)
	}
	_, err = victim.ExecContext(ctx, "select 1")
	t.Logf("second error: %v (%T)", err, err)
	if err == nil || !postgresql.IsDisconnect(err) {
		t.Errorf("second statement on the dead connection: IsDisconnect(%v) = false", err)
	}
}

func TestRealSerializationFailure(t *testing.T) {
	ctx := context.Background()
	db := open(t, serverURL(t, testdb.PostgreSQL), nil)
	table := fmt.Sprintf("alchemy_ser_%d", time.Now().UnixNano())
	if _, err := db.ExecContext(ctx, "create table "+table+" (id int primary key, v int)"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.ExecContext(context.Background(), "drop table "+table) })
	if _, err := db.ExecContext(ctx, "insert into "+table+" values (1, 0), (2, 0)"); err != nil {
		t.Fatal(err)
	}

	// Write skew: each reads both rows and writes one; SSI lets only one commit.
	opts := &sql.TxOptions{Isolation: sql.LevelSerializable}
	tx1, err := db.BeginTx(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	defer tx1.Rollback()
	tx2, err := db.BeginTx(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	defer tx2.Rollback()
	scan[int](t, tx1, "select sum(v) from "+table)
	scan[int](t, tx2, "select sum(v) from "+table)
	if _, err := tx1.ExecContext(ctx, "update "+table+" set v = v + 1 where id = 1"); err != nil {
		t.Fatal(err)
	}
	_, err2 := tx2.ExecContext(ctx, "update "+table+" set v = v + 1 where id = 2")
	if err := tx1.Commit(); err != nil {
		t.Fatal(err)
	}
	if err2 == nil {
		err2 = tx2.Commit()
	}
	if err2 == nil {
		t.Fatal("both serializable transactions committed")
	}
	if !postgresql.IsSerializationFailure(err2) || postgresql.ErrorCode(err2) != "40001" {
		t.Errorf("IsSerializationFailure(%v) = false", err2)
	}
	if postgresql.IsDisconnect(err2) || postgresql.IsUniqueViolation(err2) {
		t.Errorf("serialization failure misclassified: %v", err2)
	}
}

func TestRealDeadlock(t *testing.T) {
	ctx := context.Background()
	db := open(t, serverURL(t, testdb.PostgreSQL), nil)
	table := fmt.Sprintf("alchemy_dl_%d", time.Now().UnixNano())
	if _, err := db.ExecContext(ctx, "create table "+table+" (id int primary key)"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.ExecContext(context.Background(), "drop table "+table) })
	if _, err := db.ExecContext(ctx, "insert into "+table+" values (1), (2)"); err != nil {
		t.Fatal(err)
	}
	lock := "update " + table + " set id = id where id = $1"
	tx1, err := db.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx1.Rollback()
	tx2, err := db.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx2.Rollback()
	if _, err := tx1.ExecContext(ctx, lock, 1); err != nil {
		t.Fatal(err)
	}
	if _, err := tx2.ExecContext(ctx, lock, 2); err != nil {
		t.Fatal(err)
	}
	errs := make(chan error, 2)
	go func() { _, err := tx1.ExecContext(ctx, lock, 2); errs <- err }()
	time.Sleep(100 * time.Millisecond) // let tx1 wait for row 2 first
	_, err = tx2.ExecContext(ctx, lock, 1)
	if err != nil {
		tx2.Rollback() // frees row 2 for tx1
	}
	errs <- err
	var deadlock error
	for range 2 {
		if err := <-errs; err != nil {
			deadlock = err
		}
	}
	if !postgresql.IsSerializationFailure(deadlock) || postgresql.ErrorCode(deadlock) != "40P01" {
		t.Errorf("deadlock: %v, want SQLSTATE 40P01 classified as a serialization failure", deadlock)
	}
}

func TestRealUniqueViolation(t *testing.T) {
	ctx := context.Background()
	c := conn(t, open(t, serverURL(t, testdb.PostgreSQL), nil))
	if _, err := c.ExecContext(ctx, "create temporary table uv (id int primary key, name text unique)"); err != nil {
		t.Fatal(err)
	}
	if _, err := c.ExecContext(ctx, "insert into uv values (1, 'a')"); err != nil {
		t.Fatal(err)
	}
	for _, stmt := range []string{"insert into uv values (1, 'b')", "insert into uv values (2, 'a')"} {
		_, err := c.ExecContext(ctx, stmt)
		if !postgresql.IsUniqueViolation(err) || postgresql.ErrorCode(err) != "23505" {
			t.Errorf("%s: %v, want a unique violation", stmt, err)
		}
		if postgresql.IsDisconnect(err) || postgresql.IsSerializationFailure(err) {
			t.Errorf("%s: misclassified %v", stmt, err)
		}
	}
	_, err := c.ExecContext(ctx, "insert into uv values (3, null), (3, null)")
	if !postgresql.IsUniqueViolation(err) {
		t.Errorf("duplicate in one statement: %v", err)
	}
}

// TestTooManyConnections makes the server refuse a connection with 53300 and checks
// that it is not taken for a disconnect. Superusers are exempt from the limit.
func TestTooManyConnections(t *testing.T) {
	ctx := context.Background()
	base := serverURL(t, testdb.PostgreSQL)
	db := open(t, base, nil)
	var super, createdb bool
	if err := db.QueryRowContext(ctx, "select rolsuper, rolcreatedb from pg_roles where rolname = current_user").
		Scan(&super, &createdb); err != nil {
		t.Fatal(err)
	}
	if super || !createdb {
		msg := fmt.Sprintf("needs a role with CREATEDB that is not a superuser (superuser %v, createdb %v), as scripts/test-servers.sh makes", super, createdb)
		if testdb.InCI() {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	name := fmt.Sprintf("alchemy_limit_%d", time.Now().UnixNano())
	if _, err := db.ExecContext(ctx, "create database "+name+" connection limit 0"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.ExecContext(context.Background(), "drop database "+name) })
	err := open(t, base.WithDatabase(name), nil).PingContext(ctx)
	if postgresql.ErrorCode(err) != postgresql.CodeTooManyConnections {
		t.Fatalf("connect past the limit: %v, want 53300", err)
	}
	if postgresql.IsDisconnect(err) {
		t.Errorf("IsDisconnect(%v) = true: a refused new connection says nothing of the others", err)
	}
}

func TestPgBouncer(t *testing.T) {
	u := serverURL(t, testdb.PgBouncer).WithQuery("pgbouncer", "true")
	db := open(t, u, nil)
	db.SetMaxOpenConns(4)
	ctx := context.Background()
	var wg sync.WaitGroup
	errs := make(chan error, 4*20)
	for g := range 4 {
		wg.Go(func() {
			for i := range 20 {
				var sum int
				if err := db.QueryRowContext(ctx, "select $1::int + $2::int", g, i).Scan(&sum); err != nil {
					errs <- fmt.Errorf("goroutine %d, query %d: %w", g, i, err)
					return
				}
				if sum != g+i {
					errs <- fmt.Errorf("goroutine %d, query %d: sum %d", g, i, sum)
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	// A transaction keeps its server connection: a temporary table lives through it.
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, "create temporary table bt (x int) on commit drop"); err != nil {
		t.Fatal(err)
	}
	if _, err := tx.ExecContext(ctx, "insert into bt values ($1)", 5); err != nil {
		t.Fatal(err)
	}
	if got := scan[int](t, tx, "select x from bt where x = $1", 5); got != 5 {
		t.Errorf("got %d", got)
	}
	if err := tx.Commit(); err != nil && !errors.Is(err, sql.ErrTxDone) {
		t.Fatal(err)
	}
}
