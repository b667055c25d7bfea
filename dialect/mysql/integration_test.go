package mysql_test

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-alchemy/alchemy/dialect"
	"github.com/go-alchemy/alchemy/dialect/mysql"
	"github.com/go-alchemy/alchemy/internal/testdb"
	gomysql "github.com/go-sql-driver/mysql"
)

// serverURL is the test MariaDB's URL (skips outside CI when it is not set).
func serverURL(t *testing.T) dialect.URL {
	t.Helper()
	u, err := dialect.ParseURL(testdb.URL(t, testdb.MySQL))
	if err != nil {
		t.Fatalf("ALCHEMY_TEST_MYSQL_URL: %v", err)
	}
	return u
}

// open opens a *sql.DB through the dialect that u names, closed at the end of the test.
func open(t *testing.T, u dialect.URL, args map[string]any) *sql.DB {
	t.Helper()
	d, err := dialect.ForURL(u)
	if err != nil {
		t.Fatal(err)
	}
	c, err := d.Connector(u, args)
	if err != nil {
		t.Fatal(err)
	}
	db := sql.OpenDB(c)
	t.Cleanup(func() { db.Close() })
	return db
}

// tempTable creates a table with a fresh name, dropped at the end of the test.
func tempTable(t *testing.T, db *sql.DB, columns string) string {
	t.Helper()
	b := make([]byte, 4)
	rand.Read(b)
	name := "alchemy_t_" + hex.EncodeToString(b)
	ctx := context.Background()
	if _, err := db.ExecContext(ctx, "CREATE TABLE "+name+" ("+columns+") ENGINE=InnoDB"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.ExecContext(context.Background(), "DROP TABLE IF EXISTS "+name) })
	return name
}

func queryString(t *testing.T, db *sql.DB, q string) string {
	t.Helper()
	var s string
	if err := db.QueryRowContext(context.Background(), q).Scan(&s); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return s
}

func TestIntegrationRoundTrip(t *testing.T) {
	u := serverURL(t)
	for _, name := range []string{"mariadb", "mysql+pymysql", "mariadb+mariadbconnector"} {
		t.Run(name, func(t *testing.T) {
			db := open(t, u.WithDrivername(name), nil)
			ctx := context.Background()
			if err := db.PingContext(ctx); err != nil {
				t.Fatal(err)
			}
			tbl := tempTable(t, db, "id INT PRIMARY KEY, name VARCHAR(50)")
			if _, err := db.ExecContext(ctx, "INSERT INTO "+tbl+" (id, name) VALUES (?, ?), (?, ?)", 1, "ed", 2, "Zoë 🍣"); err != nil {
				t.Fatal(err)
			}
			var got string
			if err := db.QueryRowContext(ctx, "SELECT name FROM "+tbl+" WHERE id = ?", 2).Scan(&got); err != nil {
				t.Fatal(err)
			}
			if got != "Zoë 🍣" {
				t.Errorf("round trip gave %q", got)
			}
		})
	}
}

func TestIntegrationOptionsReachDriver(t *testing.T) {
	u := serverURL(t)
	ctx := context.Background()

	t.Run("default charset utf8mb4", func(t *testing.T) {
		db := open(t, u, nil)
		if got := queryString(t, db, "SELECT @@character_set_connection"); got != "utf8mb4" {
			t.Errorf("character_set_connection = %q", got)
		}
	})
	t.Run("charset and collation from the URL", func(t *testing.T) {
		db := open(t, u.WithQuery("charset", "latin1").WithQuery("collation", "latin1_bin"), nil)
		if got := queryString(t, db, "SELECT @@character_set_connection"); got != "latin1" {
			t.Errorf("character_set_connection = %q", got)
		}
		if got := queryString(t, db, "SELECT @@collation_connection"); got != "latin1_bin" {
			t.Errorf("collation_connection = %q", got)
		}
	})
	t.Run("parseTime on by default", func(t *testing.T) {
		db := open(t, u, nil)
		var v any
		if err := db.QueryRowContext(ctx, "SELECT NOW()").Scan(&v); err != nil {
			t.Fatal(err)
		}
		if _, ok := v.(time.Time); !ok {
			t.Errorf("NOW() scanned as %T, want time.Time", v)
		}
	})
	t.Run("parseTime=false", func(t *testing.T) {
		db := open(t, u.WithQuery("parseTime", "false"), nil)
		var v any
		if err := db.QueryRowContext(ctx, "SELECT NOW()").Scan(&v); err != nil {
			t.Fatal(err)
		}
		if _, ok := v.([]byte); !ok {
			t.Errorf("NOW() scanned as %T, want []byte", v)
		}
	})
	t.Run("loc", func(t *testing.T) {
		loc, err := time.LoadLocation("America/New_York")
		if err != nil {
			t.Fatalf("time zone database (embedded by time/tzdata): %v", err)
		}
		for _, db := range []*sql.DB{
			open(t, u.WithQuery("loc", "America/New_York"), nil),
			open(t, u, map[string]any{"loc": loc}),
		} {
			var ts time.Time
			if err := db.QueryRowContext(ctx, "SELECT CAST('2024-01-02 03:04:05' AS DATETIME)").Scan(&ts); err != nil {
				t.Fatal(err)
			}
			if ts.Location().String() != "America/New_York" || ts.Hour() != 3 {
				t.Errorf("DATETIME scanned as %v in %v", ts, ts.Location())
			}
		}
	})
	t.Run("system variables", func(t *testing.T) {
		q := u.WithQuery("sql_mode", "TRADITIONAL").WithQuery("wait_timeout", "600").
			WithQuery("time_zone", "+03:00").WithQuery("innodb_lock_wait_timeout", "7")
		db := open(t, q, map[string]any{"max_statement_time": 0.5})
		db.SetMaxOpenConns(1)
		if got := queryString(t, db, "SELECT @@SESSION.max_statement_time + 0"); got != "0.5" {
			t.Errorf("max_statement_time from a connect argument = %q, want 0.5", got)
		}
		if got := queryString(t, db, "SELECT @@SESSION.sql_mode"); !strings.Contains(got, "STRICT_TRANS_TABLES") {
			t.Errorf("sql_mode = %q, want TRADITIONAL's flags", got)
		}
		for q, want := range map[string]string{
			"SELECT @@SESSION.wait_timeout":             "600",
			"SELECT @@SESSION.time_zone":                "+03:00",
			"SELECT @@SESSION.innodb_lock_wait_timeout": "7",
		} {
			if got := queryString(t, db, q); got != want {
				t.Errorf("%s = %q, want %q", q, got, want)
			}
		}
	})
	t.Run("unknown system variable fails at connect", func(t *testing.T) {
		db := open(t, u.WithQuery("no_such_variable", "1"), nil)
		err := db.PingContext(ctx)
		var me *gomysql.MySQLError
		if !errors.As(err, &me) || me.Number != 1193 {
			t.Errorf("Ping = %v, want error 1193", err)
		}
	})
	t.Run("clientFoundRows counts matched rows", func(t *testing.T) {
		for _, tc := range []struct {
			found string
			want  int64
		}{{"true", 1}, {"false", 0}} {
			db := open(t, u.WithQuery("clientFoundRows", tc.found), nil)
			tbl := tempTable(t, db, "id INT PRIMARY KEY, v INT")
			if _, err := db.ExecContext(ctx, "INSERT INTO "+tbl+" VALUES (1, 5)"); err != nil {
				t.Fatal(err)
			}
			res, err := db.ExecContext(ctx, "UPDATE "+tbl+" SET v = 5 WHERE id = 1") // changes nothing
			if err != nil {
				t.Fatal(err)
			}
			if n, _ := res.RowsAffected(); n != tc.want {
				t.Errorf("clientFoundRows=%s: RowsAffected = %d, want %d", tc.found, n, tc.want)
			}
		}
	})
}

func TestIntegrationServerVersion(t *testing.T) {
	db := open(t, serverURL(t), nil)
	v, err := mysql.MariaDB.ServerVersion(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	if !mysql.IsMariaDB(v) || v.Major != 10 || v.Minor != 11 {
		t.Errorf("ServerVersion = %+v (%q), want MariaDB 10.11", v, v.Raw)
	}
	if v.Raw != queryString(t, db, "SELECT @@version") {
		t.Errorf("Raw %q is not the server's @@version", v.Raw)
	}
}

// TestIntegrationKilledConnection kills a connection from a second one: the killed
// connection's next statement fails with an error that IsDisconnect recognises,
// whether it was held all along or went back to database/sql's pool first. With
// checkConnLiveness (the default) the driver instead finds a pooled connection dead
// when it is taken again, and database/sql quietly opens a new one.
func TestIntegrationKilledConnection(t *testing.T) {
	u := serverURL(t)
	for _, tc := range []struct {
		name     string
		liveness string
		pooled   bool
		wantErr  bool
	}{
		{"held", "true", false, true},
		{"pooled, checkConnLiveness=true", "true", true, false},
		{"pooled, checkConnLiveness=false", "false", true, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			// The driver logs the lost connection; keep the test's output clean.
			quiet := map[string]any{"logger": &gomysql.NopLogger{}}
			db := open(t, u.WithQuery("checkConnLiveness", tc.liveness), quiet)
			db.SetMaxOpenConns(1) // the pooled case gets the same connection back
			victim, err := db.Conn(ctx)
			if err != nil {
				t.Fatal(err)
			}
			defer victim.Close()
			var id int64
			if err := victim.QueryRowContext(ctx, "SELECT CONNECTION_ID()").Scan(&id); err != nil {
				t.Fatal(err)
			}
			if tc.pooled {
				victim.Close()
			}
			killer := open(t, u, nil)
			if _, err := killer.ExecContext(ctx, "KILL CONNECTION ?", id); err != nil {
				t.Fatal(err)
			}
			waitGone(t, killer, id)
			if tc.pooled {
				if victim, err = db.Conn(ctx); err != nil {
					t.Fatal(err)
				}
				defer victim.Close()
			}
			var id2 int64
			err = victim.QueryRowContext(ctx, "SELECT CONNECTION_ID()").Scan(&id2)
			if !tc.wantErr {
				if err != nil || id2 == id {
					t.Fatalf("after the kill: connection %d, %v; want a fresh connection", id2, err)
				}
				return
			}
			if err == nil {
				t.Fatal("a killed connection ran a statement")
			}
			t.Logf("killed connection's error: %v", err)
			if !mysql.MariaDB.IsDisconnect(err) {
				t.Errorf("IsDisconnect(%v) = false", err)
			}
		})
	}
}

// TestIntegrationQueryInterrupted shows why 1317 is not a disconnect: KILL QUERY stops
// the statement and the connection goes on working.
func TestIntegrationQueryInterrupted(t *testing.T) {
	u := serverURL(t)
	ctx := context.Background()
	db := open(t, u, nil)
	victim, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer victim.Close()
	var id int64
	if err := victim.QueryRowContext(ctx, "SELECT CONNECTION_ID()").Scan(&id); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() {
		var n int64
		// A join of two sequences that matches nothing runs for hours unless stopped.
		done <- victim.QueryRowContext(ctx,
			"SELECT COUNT(*) FROM seq_1_to_1000000 a JOIN seq_1_to_1000000 b ON a.seq + b.seq < 0").Scan(&n)
	}()
	killer := open(t, u, nil)
	waitRunning(t, killer, id)
	if _, err := killer.ExecContext(ctx, "KILL QUERY ?", id); err != nil {
		t.Fatal(err)
	}
	select {
	case err = <-done:
	case <-time.After(30 * time.Second):
		t.Fatal("the statement was not interrupted")
	}
	if mysql.MariaDB.ErrorCode(err) != "1317" {
		t.Fatalf("interrupted statement: %v, want error 1317", err)
	}
	if mysql.MariaDB.IsDisconnect(err) {
		t.Error("1317 classified as a disconnect")
	}
	var one int
	if err := victim.QueryRowContext(ctx, "SELECT 1").Scan(&one); err != nil || one != 1 {
		t.Errorf("connection after KILL QUERY: %v", err)
	}
}

func TestIntegrationDeadlock(t *testing.T) {
	u := serverURL(t)
	ctx := context.Background()
	db := open(t, u.WithQuery("innodb_lock_wait_timeout", "20"), nil)
	tbl := tempTable(t, db, "id INT PRIMARY KEY, v INT")
	if _, err := db.ExecContext(ctx, "INSERT INTO "+tbl+" VALUES (1, 0), (2, 0)"); err != nil {
		t.Fatal(err)
	}
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
	update := "UPDATE " + tbl + " SET v = v + 1 WHERE id = ?"
	if _, err := tx1.ExecContext(ctx, update, 1); err != nil {
		t.Fatal(err)
	}
	if _, err := tx2.ExecContext(ctx, update, 2); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make([]error, 2)
	wg.Add(1)
	go func() {
		defer wg.Done()
		_, errs[0] = tx1.ExecContext(ctx, update, 2) // waits for tx2
	}()
	time.Sleep(200 * time.Millisecond)           // let tx1 start waiting
	_, errs[1] = tx2.ExecContext(ctx, update, 1) // closes the cycle
	if errs[1] != nil {
		tx2.Rollback() // release tx1 if tx2 was the victim
	}
	wg.Wait()
	victims := 0
	for _, err := range errs {
		if err == nil {
			continue
		}
		t.Logf("deadlock error: %v", err)
		if !mysql.MariaDB.IsSerializationFailure(err) || mysql.MariaDB.ErrorCode(err) != "1213" {
			t.Errorf("error %v: want a serialization failure numbered 1213", err)
		}
		if mysql.MariaDB.IsDisconnect(err) || mysql.MariaDB.IsUniqueViolation(err) {
			t.Errorf("deadlock misclassified: %v", err)
		}
		victims++
	}
	if victims != 1 {
		t.Errorf("%d transactions failed, want exactly one deadlock victim", victims)
	}
}

func TestIntegrationLockWaitTimeout(t *testing.T) {
	u := serverURL(t)
	ctx := context.Background()
	db := open(t, u, map[string]any{"innodb_lock_wait_timeout": 1})
	tbl := tempTable(t, db, "id INT PRIMARY KEY, v INT")
	if _, err := db.ExecContext(ctx, "INSERT INTO "+tbl+" VALUES (1, 0)"); err != nil {
		t.Fatal(err)
	}
	tx1, err := db.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx1.Rollback()
	if _, err := tx1.ExecContext(ctx, "UPDATE "+tbl+" SET v = 1 WHERE id = 1"); err != nil {
		t.Fatal(err)
	}
	_, err = db.ExecContext(ctx, "UPDATE "+tbl+" SET v = 2 WHERE id = 1")
	if !mysql.MariaDB.IsSerializationFailure(err) || mysql.MariaDB.ErrorCode(err) != "1205" {
		t.Errorf("blocked update: %v, want lock wait timeout 1205", err)
	}
}

func TestIntegrationDuplicateKey(t *testing.T) {
	db := open(t, serverURL(t), nil)
	ctx := context.Background()
	tbl := tempTable(t, db, "id INT PRIMARY KEY, email VARCHAR(50) UNIQUE")
	if _, err := db.ExecContext(ctx, "INSERT INTO "+tbl+" VALUES (1, 'a@example.com')"); err != nil {
		t.Fatal(err)
	}
	for _, stmt := range []string{
		"INSERT INTO " + tbl + " VALUES (1, 'b@example.com')", // primary key
		"INSERT INTO " + tbl + " VALUES (2, 'a@example.com')", // unique key
	} {
		_, err := db.ExecContext(ctx, stmt)
		if !mysql.MariaDB.IsUniqueViolation(err) {
			t.Errorf("%s: %v, want a unique violation", stmt, err)
		}
		if mysql.MariaDB.ErrorCode(err) != "1062" || mysql.SQLState(err) != "23000" {
			t.Errorf("code %q, SQLSTATE %q", mysql.MariaDB.ErrorCode(err), mysql.SQLState(err))
		}
		if mysql.MariaDB.IsDisconnect(err) || mysql.MariaDB.IsSerializationFailure(err) {
			t.Errorf("duplicate key misclassified: %v", err)
		}
	}
}

func TestIntegrationSavepoints(t *testing.T) {
	db := open(t, serverURL(t), nil)
	ctx := context.Background()
	tbl := tempTable(t, db, "id INT PRIMARY KEY")
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	create, release, rollbackTo := mysql.MariaDB.SavepointSQL("sa_savepoint_1")
	for _, stmt := range []string{
		"INSERT INTO " + tbl + " VALUES (1)", create, "INSERT INTO " + tbl + " VALUES (2)", rollbackTo, release,
	} {
		if _, err := tx.ExecContext(ctx, stmt); err != nil {
			t.Fatalf("%s: %v", stmt, err)
		}
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	if got := queryString(t, db, "SELECT GROUP_CONCAT(id) FROM "+tbl); got != "1" {
		t.Errorf("rows after rollback to savepoint: %q, want 1", got)
	}
}

// TestIntegrationReservedWords asks the server which of its keywords cannot be a bare
// column name, and checks that QuoteIdentifier quotes every one, and that the
// quoted form is accepted.
func TestIntegrationReservedWords(t *testing.T) {
	db := open(t, serverURL(t), nil)
	ctx := context.Background()
	conn, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	rows, err := conn.QueryContext(ctx, "SELECT word FROM information_schema.keywords")
	if err != nil {
		t.Fatal(err)
	}
	var words []string
	for rows.Next() {
		var w string
		if err := rows.Scan(&w); err != nil {
			t.Fatal(err)
		}
		words = append(words, w)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	rows.Close()
	if len(words) < 100 {
		t.Fatalf("only %d keywords", len(words))
	}
	tryColumn := func(col string) error {
		_, err := conn.ExecContext(ctx, "CREATE TEMPORARY TABLE alchemy_kw ("+col+" INT)")
		if err == nil {
			_, err = conn.ExecContext(ctx, "DROP TEMPORARY TABLE alchemy_kw")
		}
		return err
	}
	rejected := 0
	for _, w := range words {
		if !dialectIdent(w) {
			continue // operators such as "<=" are keywords too
		}
		quoted := mysql.MariaDB.QuoteIdentifier(w)
		if err := tryColumn(quoted); err != nil {
			t.Errorf("column %s: %v", quoted, err)
		}
		if tryColumn(w) != nil {
			rejected++
			if quoted == w {
				t.Errorf("%q is reserved on this server but QuoteIdentifier leaves it bare", w)
			}
		}
	}
	if rejected < 200 {
		t.Errorf("only %d keywords were rejected as bare column names; the check is not checking", rejected)
	}
	for _, name := range []string{"we`ird name", "Ünïcode", "select"} {
		if err := tryColumn(mysql.MariaDB.QuoteIdentifier(name)); err != nil {
			t.Errorf("column %q quoted as %s: %v", name, mysql.MariaDB.QuoteIdentifier(name), err)
		}
	}
}

func dialectIdent(w string) bool {
	for i := 0; i < len(w); i++ {
		c := w[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' || c >= '0' && c <= '9' && i > 0) {
			return false
		}
	}
	return w != ""
}

// waitGone waits until the server no longer lists connection id.
func waitGone(t *testing.T, db *sql.DB, id int64) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		var n int
		if err := db.QueryRow("SELECT COUNT(*) FROM information_schema.processlist WHERE id = ?", id).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("connection %d is still there after KILL", id)
}

// waitRunning waits until connection id is running a statement.
func waitRunning(t *testing.T, db *sql.DB, id int64) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		var cmd string
		err := db.QueryRow("SELECT command FROM information_schema.processlist WHERE id = ?", id).Scan(&cmd)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			t.Fatal(err)
		}
		if cmd == "Query" {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("connection %d never started its statement", id)
}
