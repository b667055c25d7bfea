package sqlite_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/go-alchemy/alchemy/dialect"
	"github.com/go-alchemy/alchemy/dialect/sqlite"
	"modernc.org/libc"
	lib "modernc.org/sqlite/lib"
)

func TestQuoteIdentifier(t *testing.T) {
	tests := []struct{ in, want string }{
		{"users", "users"},
		{"user_id", "user_id"},
		{"UserName", "UserName"}, // SQLite keeps case and compares without it
		{"_x$1", "_x$1"},
		{"select", `"select"`},
		{"SELECT", `"SELECT"`},
		{"Order", `"Order"`},
		{"pragma", `"pragma"`},
		{"user", "user"}, // no key word in SQLite
		{"1abc", `"1abc"`},
		{"has space", `"has space"`},
		{`we"ird`, `"we""ird"`},
		{`"`, `""""`},
		{"", `""`},
		{"dash-ed", `"dash-ed"`},
		{"ünï", `"ünï"`},
	}
	d := sqlite.Dialect{}
	for _, tt := range tests {
		if got := d.QuoteIdentifier(tt.in); got != tt.want {
			t.Errorf("QuoteIdentifier(%q) = %s, want %s", tt.in, got, tt.want)
		}
	}
	if got := d.Quote("plain"); got != `"plain"` {
		t.Errorf("Quote(plain) = %s", got)
	}
}

// keywords asks the linked SQLite library for its key words.
func keywords(t *testing.T) []string {
	tls := libc.NewTLS()
	defer tls.Close()
	buf := tls.Alloc(16)
	defer tls.Free(16)
	n := lib.Xsqlite3_keyword_count(tls)
	words := make([]string, 0, n)
	for i := range n {
		if rc := lib.Xsqlite3_keyword_name(tls, i, buf, buf+8); rc != lib.SQLITE_OK {
			t.Fatalf("sqlite3_keyword_name(%d) = %d", i, rc)
		}
		z, l := libc.AtomicLoadPUintptr(buf), libc.AtomicLoadPInt32(buf+8)
		words = append(words, strings.ToLower(string(libc.GoBytes(z, int(l)))))
	}
	slices.Sort(words)
	return words
}

// TestEveryKeywordIsQuoted checks the reserved list against the SQLite linked in, and
// proves on a real database that each quoted key word works as a column name.
func TestEveryKeywordIsQuoted(t *testing.T) {
	words := keywords(t)
	if len(words) < 140 {
		t.Fatalf("only %d key words from SQLite", len(words))
	}
	d := sqlite.Dialect{}
	cols := make([]string, 0, len(words))
	for _, w := range words {
		q := d.QuoteIdentifier(w)
		if q != `"`+w+`"` {
			t.Errorf("key word %q not quoted: %s", w, q)
		}
		cols = append(cols, q+" integer")
	}
	db := conn(t, open(t, "sqlite://", nil))
	ctx := context.Background()
	exec(t, db, "create table "+d.QuoteIdentifier("table")+" ("+strings.Join(cols, ", ")+")")
	var n int
	if err := db.QueryRowContext(ctx, `select count(*) from pragma_table_info('table')`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != len(words) {
		t.Errorf("table has %d columns, want %d", n, len(words))
	}
}

func TestSavepointSQL(t *testing.T) {
	d := sqlite.Dialect{}
	c, r, rb := d.SavepointSQL("sp_1")
	if c != "SAVEPOINT sp_1" || r != "RELEASE SAVEPOINT sp_1" || rb != "ROLLBACK TO SAVEPOINT sp_1" {
		t.Errorf("SavepointSQL(sp_1) = %q, %q, %q", c, r, rb)
	}
	c, _, _ = d.SavepointSQL("release")
	if c != `SAVEPOINT "release"` {
		t.Errorf("SavepointSQL(release) = %q", c)
	}

	// The statements work: the rolled-back insert is gone, the released one stays.
	db := open(t, "sqlite://", nil)
	cn := conn(t, db)
	ctx := context.Background()
	create, release, rollback := d.SavepointSQL("Save Point")
	exec(t, cn, "create table t (x integer)", "begin", "insert into t values (1)",
		create, "insert into t values (2)", rollback, release, "commit")
	var sum int
	if err := cn.QueryRowContext(ctx, "select sum(x) from t").Scan(&sum); err != nil {
		t.Fatal(err)
	}
	if sum != 1 {
		t.Errorf("sum = %d after rollback to savepoint, want 1", sum)
	}
}

func TestParamstyle(t *testing.T) {
	if p := (sqlite.Dialect{}).Paramstyle(); p != dialect.Question {
		t.Errorf("Paramstyle = %v", p)
	}
}
