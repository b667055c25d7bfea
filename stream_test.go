package alchemy_test

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/go-alchemy/alchemy"
	"github.com/go-alchemy/alchemy/internal/testdb"
)

// streamRows is how many rows the streaming tests read.
const streamRows = 1_000_000

// rowsFor returns how many rows a streaming test reads on tg: streamRows, except
// under the race detector, where only PostgreSQL's cursor path (full) reads them
// all and the rest read a tenth, so that the suite stays within its timeout.
func rowsFor(tg testdb.Target, full bool) int64 {
	if raceBuild && !(full && tg.Name == testdb.PostgreSQL) {
		return streamRows / 10
	}
	return streamRows
}

// heapBound is the most the heap may grow while a million rows stream. What stays
// live is one batch (1,000 rows of an int and a 100-byte string: about 0.2 MiB,
// twice that while a batch is being replaced) and the drivers' read buffers (pgx's
// and go-sql-driver/mysql's grow to a few hundred KiB at most). What HeapAlloc also
// counts is garbage not yet collected: the rows already read, which the collector
// lets pile up to GOGC=100 per cent of the live heap, at least its 4 MiB floor,
// before it runs. The test binary's live heap is a few MiB, so a stream peaks some
// 4 to 12 MiB above where it started (measured: see the report in the test log).
// 32 MiB leaves room for a busier collector, and is still a sixth of what the same
// rows take once buffered (about 200 MiB: TestStreamStatementMidRead).
const heapBound = 32 << 20

// streamSQL returns a query of rows rows (n, a 100-character string), in order,
// with no table.
func streamSQL(tg testdb.Target, rows int64) string {
	switch tg.Name {
	case testdb.PostgreSQL:
		return fmt.Sprintf("select g, repeat('x', 100) from generate_series(1, %d) g", rows)
	case testdb.MySQL:
		return fmt.Sprintf("select seq, repeat('x', 100) from seq_1_to_%d", rows)
	}
	return fmt.Sprintf("with recursive g(n) as (select 1 union all select n + 1 from g where n < %d) "+
		"select n, substr(hex(zeroblob(50)), 1, 100) from g", rows)
}

// heapMeter samples the heap's growth since it was made.
type heapMeter struct {
	base           runtime.MemStats
	alloc, inuse   uint64 // the peak growth of HeapAlloc and HeapInuse
	samples        int
	lastAllocDelta uint64
}

func newHeapMeter() *heapMeter {
	runtime.GC()
	m := &heapMeter{}
	runtime.ReadMemStats(&m.base)
	return m
}

func (m *heapMeter) sample() {
	var s runtime.MemStats
	runtime.ReadMemStats(&s)
	m.samples++
	m.lastAllocDelta = 0
	if s.HeapAlloc > m.base.HeapAlloc {
		m.lastAllocDelta = s.HeapAlloc - m.base.HeapAlloc
		m.alloc = max(m.alloc, m.lastAllocDelta)
	}
	if s.HeapInuse > m.base.HeapInuse {
		m.inuse = max(m.inuse, s.HeapInuse-m.base.HeapInuse)
	}
}

func (m *heapMeter) String() string {
	return fmt.Sprintf("peak heap growth: HeapAlloc %.1f MiB, HeapInuse %.1f MiB (%d samples)",
		mib(m.alloc), mib(m.inuse), m.samples)
}

func mib(n uint64) float64 { return float64(n) / (1 << 20) }

// readStream reads the rest of a Result of (n, 100-character string) rows,
// checking that n runs on from from, and calls at every 10,000th row. It returns
// the last n read.
func readStream(t *testing.T, res *alchemy.Result, from int64, at func(n int64)) int64 {
	t.Helper()
	n := from
	var s string
	for res.Next() {
		var g int64
		if err := res.Scan(&g, &s); err != nil {
			t.Fatalf("Scan after row %d: %v", n, err)
		}
		if g != n+1 || len(s) != 100 {
			t.Fatalf("row %d: got (%d, %d characters), want (%d, 100): a row lost or out of order", n+1, g, len(s), n+1)
		}
		n = g
		if n%10_000 == 0 && at != nil {
			at(n)
		}
	}
	if err := res.Err(); err != nil {
		t.Fatalf("reading after row %d: %v", n, err)
	}
	return n
}

// yieldPer sets the connection's YieldPer.
func yieldPer(t *testing.T, conn *alchemy.Conn, n int) {
	t.Helper()
	o := conn.ExecutionOptions()
	o.YieldPer = n
	if err := conn.SetExecutionOptions(o); err != nil {
		t.Fatalf("SetExecutionOptions(YieldPer %d): %v", n, err)
	}
}

// TestStreamMillionRows: a million rows read with YieldPer 1000 inside a
// transaction keep the heap's growth under heapBound, on every database: through a
// cursor on PostgreSQL, straight from the driver elsewhere.
func TestStreamMillionRows(t *testing.T) {
	testdb.Each(t, func(t *testing.T, tg testdb.Target) {
		eng := newEngine(t, tg.URL)
		ctx := context.Background()
		var m *heapMeter
		rows := rowsFor(tg, true)
		err := eng.RunInTx(ctx, func(conn *alchemy.Conn) error {
			yieldPer(t, conn, 1000)
			m = newHeapMeter()
			res, err := conn.Execute(ctx, alchemy.Text(streamSQL(tg, rows)))
			if err != nil {
				return err
			}
			defer res.Close()
			if last := readStream(t, res, 0, func(int64) { m.sample() }); last != rows {
				t.Errorf("read %d rows, want %d", last, rows)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("%s, %d rows, YieldPer 1000: %v", tg.Name, rows, m)
		if int64(m.samples) != rows/10_000 {
			t.Errorf("%d heap samples, want %d", m.samples, rows/10_000)
		}
		if m.alloc > heapBound || m.inuse > heapBound {
			t.Errorf("%v: over the bound of %.0f MiB", m, mib(heapBound))
		}
	})
}

// TestStreamStatementMidRead: a statement run on the same Conn after 10,000 of a
// million rows (a tenth under -race). Without YieldPer the others are read into
// memory (the heap grows by at least their 100-byte strings); with it, on
// PostgreSQL, only the rest of the current batch is, and the heap stays under
// heapBound. On MariaDB and SQLite, which have
// no cursor to stream through, YieldPer leaves buffering as it was (documented:
// stream.go). In every case every row arrives, in order.
func TestStreamStatementMidRead(t *testing.T) {
	testdb.Each(t, func(t *testing.T, tg testdb.Target) {
		eng := newEngine(t, tg.URL)
		ctx := context.Background()
		rows := rowsFor(tg, false)
		for _, per := range []int{0, 1000} {
			var m *heapMeter
			var atStatement uint64
			err := eng.RunInTx(ctx, func(conn *alchemy.Conn) error {
				yieldPer(t, conn, per)
				m = newHeapMeter()
				res, err := conn.Execute(ctx, alchemy.Text(streamSQL(tg, rows)))
				if err != nil {
					return err
				}
				defer res.Close()
				defer func() {
					if res.Err() == nil && m.samples != int(rows/10_000) {
						t.Errorf("%d samples, want %d: rows were lost", m.samples, rows/10_000)
					}
				}()
				readStream(t, res, 0, func(n int64) {
					if n == 10_000 {
						if got := scalarInt(t, conn, "select 1"); got != 1 {
							t.Errorf("the statement mid-read gave %d, want 1", got)
						}
						m.sample()
						atStatement = m.lastAllocDelta
						return
					}
					m.sample()
				})
				return nil
			})
			if err != nil {
				t.Fatalf("YieldPer %d: %v", per, err)
			}
			t.Logf("%s, YieldPer %d, a statement after 10,000 rows: growth %.1f MiB after it; %v",
				tg.Name, per, mib(atStatement), m)
			// Buffered, each remaining row holds at least its 100-byte string.
			buffered := uint64(100 * (rows - 10_000))
			bounded := per > 0 && tg.Name == testdb.PostgreSQL
			switch {
			case bounded && (m.alloc > heapBound || m.inuse > heapBound || atStatement >= buffered):
				t.Errorf("YieldPer %d: %v, %.1f MiB after the statement: over the bound of %.0f MiB, or the rest buffered",
					per, m, mib(atStatement), mib(heapBound))
			case !bounded && atStatement < buffered:
				t.Errorf("YieldPer %d: the heap grew %.1f MiB after the statement, want the rest of the rows buffered (over %.1f MiB)",
					per, mib(atStatement), mib(buffered))
			}
		}
	})
}

// openCursors counts the cursors of this engine open in conn's session. The query
// begins with WITH, so that it is not itself read through a cursor.
func openCursors(t *testing.T, conn *alchemy.Conn) int64 {
	t.Helper()
	return scalarInt(t, conn, "with c as (select name from pg_cursors where name like 'alchemy_cursor_%') select count(*) from c")
}

// TestStreamCursorLifecycle: on PostgreSQL a YieldPer Result reads through a cursor
// that is open while it reads and gone from pg_cursors once it is exhausted or
// closed early; one left open when its transaction commits, rolls back, or rolls
// back to the savepoint it was declared in still gives all its rows.
func TestStreamCursorLifecycle(t *testing.T) {
	eng := newEngine(t, testdb.URL(t, testdb.PostgreSQL))
	ctx := context.Background()
	const rows = 1000
	q := alchemy.Text(fmt.Sprintf("select g, repeat('x', 100) from generate_series(1, %d) g", rows))
	start := func(t *testing.T, conn *alchemy.Conn, read int64) *alchemy.Result {
		t.Helper()
		yieldPer(t, conn, 100)
		res, err := conn.Execute(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		for n := int64(1); n <= read; n++ {
			var g int64
			var s string
			if !res.Next() {
				t.Fatalf("no row %d: %v", n, res.Err())
			}
			if err := res.Scan(&g, &s); err != nil || g != n {
				t.Fatalf("row %d: %d, %v", n, g, err)
			}
		}
		return res
	}

	t.Run("exhausted", func(t *testing.T) {
		err := eng.RunInTx(ctx, func(conn *alchemy.Conn) error {
			res := start(t, conn, 150)
			if n := openCursors(t, conn); n != 1 {
				t.Errorf("%d cursors open while reading, want 1", n)
			}
			if last := readStream(t, res, 150, nil); last != rows {
				t.Errorf("read up to %d, want %d", last, rows)
			}
			if n := openCursors(t, conn); n != 0 {
				t.Errorf("%d cursors open after the Result was exhausted, want 0", n)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	})

	t.Run("closed early", func(t *testing.T) {
		err := eng.RunInTx(ctx, func(conn *alchemy.Conn) error {
			res := start(t, conn, 150) // mid-batch: the batch is still arriving
			if err := res.Close(); err != nil {
				t.Errorf("Close: %v", err)
			}
			if n := openCursors(t, conn); n != 0 {
				t.Errorf("%d cursors open after an early Close, want 0", n)
			}
			res = start(t, conn, 150)
			_ = openCursors(t, conn) // the rest of the batch is read into memory
			if err := res.Close(); err != nil {
				t.Errorf("Close between batches: %v", err)
			}
			if n := openCursors(t, conn); n != 0 {
				t.Errorf("%d cursors open after a Close between batches, want 0", n)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	})

	for _, fail := range []bool{false, true} {
		t.Run(fmt.Sprintf("left open, block fails %v", fail), func(t *testing.T) {
			var res *alchemy.Result
			errFail := errors.New("the block fails")
			err := eng.RunInTx(ctx, func(conn *alchemy.Conn) error {
				res = start(t, conn, 150)
				if fail {
					return errFail
				}
				return nil
			})
			if fail && !errors.Is(err, errFail) || !fail && err != nil {
				t.Fatalf("RunInTx: %v", err)
			}
			if last := readStream(t, res, 150, nil); last != rows {
				t.Errorf("after the transaction ended, read up to %d, want %d", last, rows)
			}
		})
	}

	t.Run("rollback to savepoint", func(t *testing.T) {
		err := eng.RunInTx(ctx, func(conn *alchemy.Conn) error {
			sp, err := conn.BeginNested(ctx)
			if err != nil {
				return err
			}
			res := start(t, conn, 150)
			if err := sp.Rollback(ctx); err != nil {
				return err
			}
			if n := openCursors(t, conn); n != 0 {
				t.Errorf("%d cursors open after the savepoint rolled back, want 0", n)
			}
			if last := readStream(t, res, 150, nil); last != rows {
				t.Errorf("after the savepoint rolled back, read up to %d, want %d", last, rows)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	})

	t.Run("not a select", func(t *testing.T) {
		err := eng.RunInTx(ctx, func(conn *alchemy.Conn) error {
			yieldPer(t, conn, 100)
			for _, q := range []string{"show server_version", "with x as (select 1 as a) select a from x"} {
				res, err := conn.Execute(ctx, alchemy.Text(q))
				if err != nil {
					return fmt.Errorf("%s: %w", q, err)
				}
				if n := openCursors(t, conn); n != 0 {
					t.Errorf("%s: %d cursors open, want none", q, n)
				}
				if _, err := alchemy.Scalar[string](res); err != nil {
					return fmt.Errorf("%s: %w", q, err)
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	})
}

// TestStreamCancelInvalidates: on PostgreSQL, a cursor's context cancelled while
// its rows are read ends the Result with the context's error and invalidates the
// connection, whether the reader goes on (Next) or closes it: the statement after
// the rollback runs on a new server session.
func TestStreamCancelInvalidates(t *testing.T) {
	eng := newEngine(t, testdb.URL(t, testdb.PostgreSQL))
	bg := context.Background()
	for _, how := range []string{"next", "close"} {
		t.Run(how, func(t *testing.T) {
			conn, err := eng.Connect(bg)
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			pid := scalarInt(t, conn, "select pg_backend_pid()")
			tx, err := conn.Begin(bg)
			if err != nil {
				t.Fatal(err)
			}
			yieldPer(t, conn, 100)
			ctx, cancel := context.WithCancel(bg)
			defer cancel()
			res, err := conn.Execute(ctx, alchemy.Text("select g from generate_series(1, 100000) g"))
			if err != nil {
				t.Fatal(err)
			}
			read := 0
			for read < 150 && res.Next() {
				read++
			}
			cancel()
			if how == "next" {
				for res.Next() {
					read++
				}
				if err := res.Err(); !errors.Is(err, context.Canceled) {
					t.Errorf("Err after the cancel: %v, want context.Canceled", err)
				}
			}
			_ = res.Close()
			if read >= 100000 {
				t.Fatalf("all %d rows read despite the cancel", read)
			}
			if !conn.Invalidated() {
				t.Errorf("the connection was not invalidated")
			}
			if err := tx.Rollback(bg); err != nil {
				t.Errorf("Rollback: %v", err)
			}
			if again := scalarInt(t, conn, "select pg_backend_pid()"); again == pid {
				t.Errorf("the same server session %d after the cancel, want a new one", pid)
			}
		})
	}
}

// countEnds is an ExecuteTracer that counts end hooks and their rows by SQL.
type countEnds struct {
	mu   sync.Mutex
	ends map[string][]int64
}

func (c *countEnds) TraceExecuteStart(ctx context.Context, _ *alchemy.Conn, _ alchemy.ExecuteStart) context.Context {
	return ctx
}

func (c *countEnds) TraceExecuteEnd(_ context.Context, _ *alchemy.Conn, d alchemy.ExecuteEnd) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.ends[d.SQL] = append(c.ends[d.SQL], d.Rows)
}

// TestStreamTraceEndsOnce: the end hook of a statement read through a cursor runs
// once, when it is exhausted or closed, with every row read counted, however many
// batches and statements in between there were.
func TestStreamTraceEndsOnce(t *testing.T) {
	tr := &countEnds{ends: map[string][]int64{}}
	eng := newEngine(t, testdb.URL(t, testdb.PostgreSQL), alchemy.Tracer(tr))
	ctx := context.Background()
	full := "select g, repeat('x', 100) from generate_series(1, 1000) g"
	early := "select g, repeat('x', 100) from generate_series(1, 999) g"
	err := eng.RunInTx(ctx, func(conn *alchemy.Conn) error {
		yieldPer(t, conn, 100)
		res, err := conn.Execute(ctx, alchemy.Text(full))
		if err != nil {
			return err
		}
		readStream(t, res, 0, nil)
		res, err = conn.Execute(ctx, alchemy.Text(early))
		if err != nil {
			return err
		}
		for i := 0; i < 250 && res.Next(); i++ {
			if i == 120 {
				scalarInt(t, conn, "select 1")
			}
		}
		if n := len(tr.ends[early]); n != 0 {
			t.Errorf("%d end hooks before the Result closed, want 0", n)
		}
		return res.Close()
	})
	if err != nil {
		t.Fatal(err)
	}
	tr.mu.Lock()
	defer tr.mu.Unlock()
	for q, want := range map[string][]int64{full: {1000}, early: {250}, "select 1": {1}} {
		if got := tr.ends[q]; fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("end hooks of %q: rows %v, want %v", q, got, want)
		}
	}
	for q := range tr.ends {
		if strings.Contains(q, "alchemy_cursor_") {
			t.Errorf("the cursor's own statement %q was traced", q)
		}
	}
}

// TestYieldPerNegative: a negative YieldPer is refused.
func TestYieldPerNegative(t *testing.T) {
	eng := newEngine(t, testdb.SQLiteURL(t))
	conn, err := eng.Connect(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	o := conn.ExecutionOptions()
	o.YieldPer = -1
	if err := conn.SetExecutionOptions(o); err == nil || !strings.Contains(err.Error(), "YieldPer") {
		t.Errorf("SetExecutionOptions(YieldPer -1): %v, want an error naming YieldPer", err)
	}
}
