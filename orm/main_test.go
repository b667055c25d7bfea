package orm_test

import (
	"context"
	"fmt"
	"io"
	"log"
	"log/slog"
	"os"
	"sync/atomic"
	"testing"

	gomysql "github.com/go-sql-driver/mysql"
	"go.uber.org/goleak"

	"github.com/go-alchemy/alchemy"
	_ "github.com/go-alchemy/alchemy/dialect/mysql"
	_ "github.com/go-alchemy/alchemy/dialect/postgresql"
	_ "github.com/go-alchemy/alchemy/dialect/sqlite"
)

func TestMain(m *testing.M) {
	gomysql.SetLogger(log.New(io.Discard, "", 0))
	goleak.VerifyTestMain(m)
}

var quiet = slog.New(slog.DiscardHandler)

// newEngine makes an engine disposed when the test ends, when no connection may
// still be checked out: a session that keeps one fails the test.
func newEngine(t testing.TB, url string, opts ...alchemy.Option) *alchemy.Engine {
	t.Helper()
	opts = append([]alchemy.Option{alchemy.Logger(quiet)}, opts...)
	eng, err := alchemy.CreateEngine(url, opts...)
	if err != nil {
		t.Fatalf("CreateEngine: %v", err)
	}
	t.Cleanup(func() {
		if st := eng.PoolStatus(); st.CheckedOut != 0 {
			t.Errorf("%d connection(s) still checked out at the end of the test (%+v)", st.CheckedOut, st)
		}
		if err := eng.Dispose(); err != nil {
			t.Errorf("Dispose: %v", err)
		}
	})
	return eng
}

var nameSeq atomic.Int64

// uniqueName returns a table name no other test, in this process or another, uses.
func uniqueName(prefix string) string {
	return fmt.Sprintf("alc_orm_%s_%d_%d", prefix, os.Getpid(), nameSeq.Add(1))
}

// newTable creates a table (id, name) dropped when the test ends.
func newTable(t testing.TB, eng *alchemy.Engine, prefix string) string {
	t.Helper()
	name := uniqueName(prefix)
	mustExec(t, eng, fmt.Sprintf("CREATE TABLE %s (id INTEGER NOT NULL PRIMARY KEY, name VARCHAR(50) NOT NULL)", name))
	t.Cleanup(func() { mustExec(t, eng, "DROP TABLE "+name) })
	return name
}

func mustExec(t testing.TB, ex alchemy.Executor, sql string, args ...any) {
	t.Helper()
	res, err := ex.Execute(context.Background(), alchemy.Text(sql), args...)
	if err != nil {
		t.Fatalf("Execute(%q): %v", sql, err)
	}
	if err := res.Close(); err != nil {
		t.Fatalf("Close of the result of %q: %v", sql, err)
	}
}

// insert adds the row (id, name) to table through ex.
func insert(ctx context.Context, ex alchemy.Executor, table string, id int, name string) error {
	res, err := ex.Execute(ctx, alchemy.Text("INSERT INTO "+table+" (id, name) VALUES (:id, :name)"),
		alchemy.Params{"id": id, "name": name})
	if err != nil {
		return err
	}
	return res.Close()
}

// ids returns the ids in table, in order, read through the engine (outside any
// session: only committed rows).
func ids(t testing.TB, eng *alchemy.Engine, table string) []int64 {
	t.Helper()
	res, err := eng.Execute(context.Background(), alchemy.Text("SELECT id FROM "+table+" ORDER BY id"))
	if err != nil {
		t.Fatalf("select: %v", err)
	}
	got, err := alchemy.Scalars[int64](res)
	if err != nil {
		t.Fatalf("select: %v", err)
	}
	return got
}

func wantIDs(t testing.TB, eng *alchemy.Engine, table string, want ...int64) {
	t.Helper()
	got := ids(t, eng, table)
	if fmt.Sprint(got) != fmt.Sprint(want) && !(len(got) == 0 && len(want) == 0) {
		t.Errorf("ids in %s = %v, want %v", table, got, want)
	}
}
