package sqlite_test

import (
	"context"
	"database/sql"
	"testing"

	"github.com/go-alchemy/alchemy/dialect"
	_ "github.com/go-alchemy/alchemy/dialect/sqlite"
)

// open opens a *sql.DB through the registered dialect for raw, closed when the test ends.
func open(t *testing.T, raw string, args map[string]any) *sql.DB {
	t.Helper()
	u, err := dialect.ParseURL(raw)
	if err != nil {
		t.Fatal(err)
	}
	d, err := dialect.ForURL(u)
	if err != nil {
		t.Fatal(err)
	}
	c, err := d.Connector(u, args)
	if err != nil {
		t.Fatalf("Connector(%s): %v", u, err)
	}
	db := sql.OpenDB(c)
	t.Cleanup(func() {
		if err := db.Close(); err != nil {
			t.Errorf("close: %v", err)
		}
	})
	return db
}

// conn reserves one connection of db, returned when the test ends.
func conn(t *testing.T, db *sql.DB) *sql.Conn {
	t.Helper()
	c, err := db.Conn(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close() })
	return c
}

func exec(t *testing.T, q interface {
	ExecContext(context.Context, string, ...any) (sql.Result, error)
}, stmts ...string) {
	t.Helper()
	for _, s := range stmts {
		if _, err := q.ExecContext(context.Background(), s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
}
