package alchemy_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"log/slog"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	gomysql "github.com/go-sql-driver/mysql"
	"go.uber.org/goleak"

	"github.com/go-alchemy/alchemy"
	_ "github.com/go-alchemy/alchemy/dialect/mysql"
	_ "github.com/go-alchemy/alchemy/dialect/postgresql"
	_ "github.com/go-alchemy/alchemy/dialect/sqlite"
	"github.com/go-alchemy/alchemy/internal/fakedriver"
	"github.com/go-alchemy/alchemy/internal/testdb"
)

func TestMain(m *testing.M) {
	// go-sql-driver logs "unexpected EOF" when the tests kill sessions on purpose.
	gomysql.SetLogger(log.New(io.Discard, "", 0))
	goleak.VerifyTestMain(m)
}

// newEngine makes an engine that is disposed when the test ends. At that point no
// connection may still be checked out: a test that leaks one fails.
func newEngine(t testing.TB, url string, opts ...alchemy.Option) *alchemy.Engine {
	t.Helper()
	// Quiet by default; a test's own Logger option comes later and wins.
	opts = append([]alchemy.Option{alchemy.Logger(quiet)}, opts...)
	eng, err := alchemy.CreateEngine(url, opts...)
	if err != nil {
		t.Fatalf("CreateEngine(%s): %v", redactURL(url), err)
	}
	t.Cleanup(func() {
		if st := eng.PoolStatus(); st.CheckedOut != 0 {
			t.Errorf("engine %s: %d connection(s) still checked out at the end of the test (%+v)", eng, st.CheckedOut, st)
		}
		if err := eng.Dispose(); err != nil {
			t.Errorf("Dispose: %v", err)
		}
	})
	return eng
}

var quiet = slog.New(slog.DiscardHandler)

func redactURL(u string) string {
	if i, j := strings.Index(u, "://"), strings.LastIndex(u, "@"); i >= 0 && j > i {
		return u[:i+3] + "***" + u[j:]
	}
	return u
}

// newFake makes a fake database and an engine on it.
func newFake(t testing.TB, opts ...alchemy.Option) (*fakedriver.Driver, *alchemy.Engine) {
	t.Helper()
	d := fakedriver.New()
	t.Cleanup(d.Close)
	return d, newEngine(t, d.URL(), opts...)
}

var nameSeq atomic.Int64

// uniqueName returns a table name no other test, in this process or another, uses.
func uniqueName(prefix string) string {
	return fmt.Sprintf("alc_%s_%d_%d", prefix, os.Getpid(), nameSeq.Add(1))
}

// mustExec runs a statement that returns no rows (or whose rows do not matter).
func mustExec(t testing.TB, ex alchemy.Executor, sql string, args ...any) *alchemy.Result {
	t.Helper()
	res, err := ex.Execute(context.Background(), alchemy.Text(sql), args...)
	if err != nil {
		t.Fatalf("Execute(%q): %v", sql, err)
	}
	if err := res.Close(); err != nil {
		t.Fatalf("Close of the result of %q: %v", sql, err)
	}
	return res
}

// scalarInt runs a query returning one integer.
func scalarInt(t testing.TB, ex alchemy.Executor, sql string, args ...any) int64 {
	t.Helper()
	res, err := ex.Execute(context.Background(), alchemy.Text(sql), args...)
	if err != nil {
		t.Fatalf("Execute(%q): %v", sql, err)
	}
	n, err := alchemy.Scalar[int64](res)
	if err != nil {
		t.Fatalf("Scalar(%q): %v", sql, err)
	}
	return n
}

// idColumn is an auto-generated integer primary key in each database's words.
func idColumn(tg testdb.Target) string {
	switch tg.Name {
	case testdb.PostgreSQL:
		return "id serial primary key"
	case testdb.MySQL:
		return "id integer auto_increment primary key"
	}
	return "id integer primary key"
}

// makeTable creates a table with the given column definitions, dropped when the
// test ends, and returns its name.
func makeTable(t testing.TB, eng *alchemy.Engine, cols string) string {
	t.Helper()
	name := uniqueName("t")
	mustExec(t, eng, "create table "+name+" ("+cols+")")
	t.Cleanup(func() {
		ctx := context.Background()
		if _, err := eng.Execute(ctx, alchemy.Text("drop table if exists "+name)); err != nil {
			t.Errorf("drop table %s: %v", name, err)
		}
	})
	return name
}

// itemsTable creates the (id, name) table most tests use.
func itemsTable(t testing.TB, eng *alchemy.Engine, tg testdb.Target) string {
	return makeTable(t, eng, idColumn(tg)+", name varchar(50)")
}

// countFromOther counts the rows of table on a connection of its own: what another
// session sees (committed rows only).
func countFromOther(t testing.TB, eng *alchemy.Engine, table string) int64 {
	t.Helper()
	c, err := eng.Connect(context.Background())
	if err != nil {
		t.Fatalf("Connect for a second connection: %v", err)
	}
	defer c.Close()
	return scalarInt(t, c, "select count(*) from "+table)
}

// serverID returns what identifies the server session of c: the backend pid on
// PostgreSQL, the connection id on MariaDB, and nothing on SQLite (-1).
func serverID(t testing.TB, tg testdb.Target, c alchemy.Executor) int64 {
	t.Helper()
	switch tg.Name {
	case testdb.PostgreSQL:
		return scalarInt(t, c, "select pg_backend_pid()")
	case testdb.MySQL:
		return scalarInt(t, c, "select connection_id()")
	}
	scalarInt(t, c, "select 1")
	return -1
}

// fakeConn returns the fake driver connection under c.
func fakeConn(t testing.TB, c *alchemy.Conn) *fakedriver.Conn {
	t.Helper()
	var fc *fakedriver.Conn
	if err := c.Raw(func(dc any) error {
		var ok bool
		fc, ok = dc.(*fakedriver.Conn)
		if !ok {
			return fmt.Errorf("driver connection is a %T", dc)
		}
		return nil
	}); err != nil {
		t.Fatalf("Raw: %v", err)
	}
	return fc
}

// logCapture is an slog handler target that keeps every record as a JSON object.
type logCapture struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *logCapture) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *logCapture) logger() *slog.Logger {
	return slog.New(slog.NewJSONHandler(l, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

// records returns the records logged so far.
func (l *logCapture) records(t testing.TB) []map[string]any {
	t.Helper()
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []map[string]any
	for _, line := range bytes.Split(l.buf.Bytes(), []byte("\n")) {
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		var m map[string]any
		if err := json.Unmarshal(line, &m); err != nil {
			t.Fatalf("log line %q: %v", line, err)
		}
		out = append(out, m)
	}
	return out
}

// withMsg returns the records whose message is msg.
func withMsg(recs []map[string]any, msg string) []map[string]any {
	var out []map[string]any
	for _, r := range recs {
		if r["msg"] == msg {
			out = append(out, r)
		}
	}
	return out
}

func (l *logCapture) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

// placeholder returns the first bind marker of the target's paramstyle.
func placeholder(tg testdb.Target) string {
	if tg.Name == testdb.PostgreSQL {
		return "$1"
	}
	return "?"
}
