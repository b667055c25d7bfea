package sqlite_test

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"testing"

	"github.com/go-alchemy/alchemy/dialect/sqlite"
	"github.com/go-alchemy/alchemy/internal/testdb"
)

// realErrors produces the driver's own errors by running statements that fail.
func realErrors(t *testing.T) map[string]error {
	t.Helper()
	ctx := context.Background()
	out := map[string]error{}

	db := open(t, testdb.SQLiteURL(t)+"?busy_timeout=0&foreign_keys=on&journal_mode=wal", nil)
	exec(t, db,
		"create table p (id integer primary key, name text unique)",
		"create table c (id integer primary key, p_id integer references p(id))",
		"insert into p values (1, 'a')")
	_, out["unique"] = db.ExecContext(ctx, "insert into p values (2, 'a')")
	_, out["primary key"] = db.ExecContext(ctx, "insert into p values (1, 'b')")
	_, out["foreign key"] = db.ExecContext(ctx, "insert into c values (1, 99)")
	_, out["syntax"] = db.ExecContext(ctx, "selec 1")

	// SQLITE_BUSY: a second writer while the first holds the write lock.
	c1, c2 := conn(t, db), conn(t, db)
	exec(t, c1, "begin immediate")
	_, out["busy"] = c2.ExecContext(ctx, "begin immediate")
	exec(t, c1, "rollback")

	// SQLITE_BUSY_SNAPSHOT: a WAL reader whose snapshot went stale tries to write.
	exec(t, c1, "begin")
	var n int
	if err := c1.QueryRowContext(ctx, "select count(*) from p").Scan(&n); err != nil {
		t.Fatal(err)
	}
	exec(t, c2, "insert into p values (3, 'c')")
	_, out["busy snapshot"] = c1.ExecContext(ctx, "insert into p values (4, 'd')")
	exec(t, c1, "rollback")

	// SQLITE_LOCKED: dropping a table that a statement on the same connection reads.
	rows, err := c1.QueryContext(ctx, "select id from p")
	if err != nil {
		t.Fatal(err)
	}
	if !rows.Next() {
		t.Fatal("no row")
	}
	_, out["locked"] = c1.ExecContext(ctx, "drop table c")
	if err := rows.Close(); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestClassifyRealErrors(t *testing.T) {
	errs := realErrors(t)
	tests := []struct {
		name          string
		code          string
		unique, retry bool
	}{
		{"unique", "2067", true, false},
		{"primary key", "1555", true, false},
		{"foreign key", "787", false, false},
		{"syntax", "1", false, false},
		{"busy", "5", false, true},
		{"busy snapshot", "517", false, true},
		{"locked", "6", false, true},
	}
	d := sqlite.Dialect{}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := errs[tt.name]
			if err == nil {
				t.Fatalf("the statement for %s did not fail", tt.name)
			}
			for _, e := range []error{err, fmt.Errorf("wrapped: %w", err)} {
				if got := d.ErrorCode(e); got != tt.code {
					t.Errorf("ErrorCode(%v) = %q, want %q", e, got, tt.code)
				}
				if got := d.IsUniqueViolation(e); got != tt.unique {
					t.Errorf("IsUniqueViolation(%v) = %v", e, got)
				}
				if got := d.IsSerializationFailure(e); got != tt.retry {
					t.Errorf("IsSerializationFailure(%v) = %v", e, got)
				}
				if d.IsDisconnect(e) {
					t.Errorf("IsDisconnect(%v) = true", e)
				}
			}
		})
	}
}

func TestIsDisconnect(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want bool
	}{
		{"nil", nil, false},
		{"ErrBadConn", driver.ErrBadConn, true},
		{"wrapped ErrBadConn", fmt.Errorf("exec: %w", driver.ErrBadConn), true},
		{"joined ErrBadConn", errors.Join(errors.New("x"), driver.ErrBadConn), true},
		{"EOF is not SQLite's", io.EOF, false},
		{"context", context.Canceled, false},
		{"other", errors.New("database is locked"), false},
	}
	for _, tt := range tests {
		if got := sqlite.IsDisconnect(tt.err); got != tt.want {
			t.Errorf("%s: IsDisconnect = %v, want %v", tt.name, got, tt.want)
		}
	}
	if sqlite.ErrorCode(errors.New("plain")) != "" || sqlite.ErrorCode(nil) != "" {
		t.Error("ErrorCode of an error without a code must be empty")
	}
}
