package sqlite_test

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/go-alchemy/alchemy/dialect"
	"github.com/go-alchemy/alchemy/dialect/sqlite"
	"github.com/go-alchemy/alchemy/internal/testdb"
)

func pragma(t *testing.T, q interface {
	QueryRowContext(context.Context, string, ...any) *sql.Row
}, name string) string {
	t.Helper()
	var v string
	if err := q.QueryRowContext(context.Background(), "PRAGMA "+name).Scan(&v); err != nil {
		t.Fatalf("PRAGMA %s: %v", name, err)
	}
	return v
}

func TestRoundTrip(t *testing.T) {
	for _, name := range sqlite.Names() {
		t.Run(name, func(t *testing.T) {
			db := open(t, name+":///"+filepath.Join(t.TempDir(), "rt.db"), nil)
			var got string
			if err := db.QueryRowContext(context.Background(), "select ? || ?", "al", "chemy").Scan(&got); err != nil {
				t.Fatal(err)
			}
			if got != "alchemy" {
				t.Errorf("got %q", got)
			}
		})
	}
}

func TestForeignKeys(t *testing.T) {
	for _, tt := range []struct {
		value  string
		pragma string
	}{{"on", "1"}, {"true", "1"}, {"1", "1"}, {"off", "0"}, {"false", "0"}} {
		t.Run(tt.value, func(t *testing.T) {
			db := open(t, testdb.SQLiteURL(t)+"?foreign_keys="+tt.value, nil)
			db.SetMaxOpenConns(3)
			// Every new connection gets the pragma, not only the first.
			c1, c2 := conn(t, db), conn(t, db)
			for _, c := range []*sql.Conn{c1, c2} {
				if got := pragma(t, c, "foreign_keys"); got != tt.pragma {
					t.Errorf("PRAGMA foreign_keys = %s, want %s", got, tt.pragma)
				}
			}
			exec(t, c1, "create table p (id integer primary key)",
				"create table c (id integer primary key, p_id integer references p(id))")
			_, err := c2.ExecContext(context.Background(), "insert into c values (1, 42)")
			if tt.pragma == "1" {
				if sqlite.ErrorCode(err) != "787" {
					t.Errorf("insert of an orphan: %v, want SQLITE_CONSTRAINT_FOREIGNKEY (787)", err)
				}
			} else if err != nil {
				t.Errorf("insert of an orphan with foreign keys off: %v", err)
			}
		})
	}
}

func TestJournalModeAndSynchronous(t *testing.T) {
	db := open(t, testdb.SQLiteURL(t)+"?journal_mode=wal&synchronous=normal", nil)
	c1, c2 := conn(t, db), conn(t, db)
	for _, c := range []*sql.Conn{c1, c2} {
		if got := pragma(t, c, "journal_mode"); got != "wal" {
			t.Errorf("PRAGMA journal_mode = %s, want wal", got)
		}
		if got := pragma(t, c, "synchronous"); got != "1" {
			t.Errorf("PRAGMA synchronous = %s, want 1 (normal)", got)
		}
	}
	// The default is not WAL, so the option did it.
	plain := open(t, testdb.SQLiteURL(t), nil)
	if got := pragma(t, plain, "journal_mode"); got != "delete" {
		t.Errorf("default journal_mode = %s, want delete", got)
	}
}

func TestBusyTimeout(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		query    string
		args     map[string]any
		pragma   string
		min, max time.Duration
	}{
		{"", nil, "5000", 0, 0}, // the default; not waited for
		{"?busy_timeout=0", nil, "0", 0, 150 * time.Millisecond},
		{"?busy_timeout=300", nil, "300", 250 * time.Millisecond, 3 * time.Second},
		{"?timeout=0.3", nil, "300", 250 * time.Millisecond, 3 * time.Second},
		{"?busy_timeout=5000", map[string]any{"busy_timeout": 300 * time.Millisecond}, "300", 250 * time.Millisecond, 3 * time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.query+tt.pragma, func(t *testing.T) {
			db := open(t, testdb.SQLiteURL(t)+tt.query, tt.args)
			c1, c2 := conn(t, db), conn(t, db)
			if got := pragma(t, c2, "busy_timeout"); got != tt.pragma {
				t.Fatalf("PRAGMA busy_timeout = %s, want %s", got, tt.pragma)
			}
			if tt.max == 0 {
				return
			}
			exec(t, c1, "begin immediate")
			defer exec(t, c1, "rollback")
			start := time.Now()
			_, err := c2.ExecContext(ctx, "begin immediate")
			waited := time.Since(start)
			if !sqlite.IsSerializationFailure(err) {
				t.Fatalf("second writer: %v, want SQLITE_BUSY", err)
			}
			if waited < tt.min || waited > tt.max {
				t.Errorf("second writer waited %v, want between %v and %v", waited, tt.min, tt.max)
			}
		})
	}
}

func TestTxLock(t *testing.T) {
	ctx := context.Background()
	db := open(t, testdb.SQLiteURL(t)+"?txlock=immediate&busy_timeout=0", nil)
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = tx.Rollback() }()
	// BEGIN IMMEDIATE took the write lock already: another writer is refused.
	c := conn(t, db)
	if _, err := c.ExecContext(ctx, "begin immediate"); !sqlite.IsSerializationFailure(err) {
		t.Fatalf("second writer under txlock=immediate: %v, want SQLITE_BUSY", err)
	}
}

func TestMemoryDatabase(t *testing.T) {
	ctx := context.Background()
	for _, raw := range []string{"sqlite://", "sqlite:///:memory:"} {
		t.Run(raw, func(t *testing.T) {
			u := dialect.MustParseURL(raw)
			if !(sqlite.Dialect{}).SingleConnection(u) {
				t.Fatal("a memory database must ask for a single connection")
			}
			db := open(t, raw, nil)
			c1, c2 := conn(t, db), conn(t, db)
			exec(t, c1, "create table t (x)", "insert into t values (7)")
			var x int
			if err := c1.QueryRowContext(ctx, "select x from t").Scan(&x); err != nil || x != 7 {
				t.Fatalf("select on the same connection: %d, %v", x, err)
			}
			// Why SingleConnection matters: another connection has another database.
			if _, err := c2.ExecContext(ctx, "select x from t"); err == nil {
				t.Error("a second connection sees the first one's memory database")
			}
			if files, _ := filepath.Glob(":memory:*"); len(files) > 0 {
				t.Errorf("a memory database made files: %v", files)
			}
		})
	}
}

func TestFilePaths(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	ctx := context.Background()
	tests := []struct {
		url, file string
	}{
		{"sqlite:///relative.db", filepath.Join(dir, "relative.db")},
		{"sqlite:///sub/dir.db", filepath.Join(dir, "sub", "dir.db")},
		{"sqlite:///" + filepath.Join(dir, "absolute.db"), filepath.Join(dir, "absolute.db")},
		{"sqlite:///" + filepath.Join(dir, "odd name %3F #1.db"), filepath.Join(dir, "odd name ? #1.db")},
		{"sqlite:///file:viauri.db?uri=true", filepath.Join(dir, "viauri.db")},
	}
	if err := os.Mkdir(filepath.Join(dir, "sub"), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, tt := range tests {
		t.Run(tt.url, func(t *testing.T) {
			u := dialect.MustParseURL(tt.url)
			if (sqlite.Dialect{}).SingleConnection(u) {
				t.Error("a file database must not ask for a single connection")
			}
			db := open(t, tt.url, nil)
			exec(t, db, "create table t (x)")
			if err := db.Close(); err != nil {
				t.Fatal(err)
			}
			if _, err := os.Stat(tt.file); err != nil {
				t.Fatalf("database file: %v", err)
			}
			// Opened again, it is the same database.
			again := open(t, tt.url, nil)
			var n int
			if err := again.QueryRowContext(ctx, "select count(*) from t").Scan(&n); err != nil {
				t.Fatalf("reopened: %v", err)
			}
		})
	}
}

func TestReadOnly(t *testing.T) {
	path := filepath.Join(t.TempDir(), "ro.db")
	rw := open(t, "sqlite:///"+path, nil)
	exec(t, rw, "create table t (x)")
	for _, raw := range []string{"sqlite:///" + path + "?mode=ro", "sqlite:///file:" + path + "?mode=ro&uri=true"} {
		ro := open(t, raw, nil)
		var n int
		if err := ro.QueryRowContext(context.Background(), "select count(*) from t").Scan(&n); err != nil {
			t.Fatalf("%s: read: %v", raw, err)
		}
		if _, err := ro.ExecContext(context.Background(), "insert into t values (1)"); sqlite.ErrorCode(err) != "8" {
			t.Errorf("%s: write: %v, want SQLITE_READONLY (8)", raw, err)
		}
	}
	// mode=ro does not create a missing file.
	missing := open(t, "sqlite:///"+filepath.Join(t.TempDir(), "missing.db")+"?mode=ro", nil)
	if err := missing.PingContext(context.Background()); err == nil {
		t.Error("mode=ro opened a file that does not exist")
	}
}

func TestServerVersion(t *testing.T) {
	db := open(t, "sqlite://", nil)
	v, err := (sqlite.Dialect{}).ServerVersion(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	var raw string
	if err := db.QueryRowContext(context.Background(), "select sqlite_version()").Scan(&raw); err != nil {
		t.Fatal(err)
	}
	if v.Raw != raw || v.Major != 3 || !v.AtLeast(3, 35) {
		t.Errorf("ServerVersion = %+v (sqlite_version %s)", v, raw)
	}
	// A closed database gives an error, not a zero version.
	closed := open(t, "sqlite://", nil)
	_ = closed.Close()
	if _, err := (sqlite.Dialect{}).ServerVersion(context.Background(), closed); err == nil {
		t.Error("ServerVersion on a closed database: nil error")
	}
}
