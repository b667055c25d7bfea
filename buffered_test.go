package alchemy_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/go-alchemy/alchemy"
	"github.com/go-alchemy/alchemy/internal/testdb"
)

// readNames reads the rest of a Result of one string column; the row it is on, when
// onRow, comes first.
func readNames(res *alchemy.Result, onRow bool) ([]string, error) {
	var out []string
	if onRow {
		var s string
		if err := res.Scan(&s); err != nil {
			return nil, fmt.Errorf("scan of the current row: %w", err)
		}
		out = append(out, s)
	}
	for res.Next() {
		var s string
		if err := res.Scan(&s); err != nil {
			return out, fmt.Errorf("scan: %w", err)
		}
		out = append(out, s)
	}
	return out, res.Err()
}

// TestEndTxWithUnreadResult: a Result of a transaction's connection read not at all,
// or one row, when the transaction commits or rolls back still gives every one of its
// rows afterwards, the current row included, with no error; for Conn.Begin,
// Engine.RunInTx and Transact (whose connection has gone back to the pool by then).
func TestEndTxWithUnreadResult(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, tg testdb.Target) {
		t.Parallel()
		eng := newEngine(t, tg.URL)
		table := itemsTable(t, eng, tg)
		fillItems(t, eng, table, "a", "b", "c", "d")
		ctx := context.Background()
		committed := []string{"a", "b", "c", "d"}
		sel := alchemy.Text("select name from " + table + " order by id")
		insert := alchemy.Text("insert into " + table + " (id, name) values (:id, :name)")
		nextID := 100

		check := func(t *testing.T, what string, res *alchemy.Result, read int, want []string) {
			t.Helper()
			got, err := readNames(res, read > 0)
			if err != nil {
				t.Errorf("%s: reading after the end of the transaction: %v (rows %v)", what, err, got)
			}
			if want = want[max(read-1, 0):]; !slices.Equal(got, want) {
				t.Errorf("%s: rows after the end of the transaction %v, want %v", what, got, want)
			}
			res.Close()
		}
		// readFirst reads n (0 or 1) rows and checks the first.
		readFirst := func(t *testing.T, res *alchemy.Result, n int) {
			t.Helper()
			if n == 0 {
				return
			}
			if !res.Next() {
				t.Fatalf("no first row: %v", res.Err())
			}
		}

		for _, commit := range []bool{true, false} {
			for _, read := range []int{0, 1} {
				what := fmt.Sprintf("commit=%v read=%d", commit, read)
				t.Run("Conn.Begin "+what, func(t *testing.T) {
					nextID++
					name := fmt.Sprintf("tx%d", nextID)
					c, err := eng.Connect(ctx)
					if err != nil {
						t.Fatal(err)
					}
					defer c.Close()
					tx, err := c.Begin(ctx)
					if err != nil {
						t.Fatal(err)
					}
					mustExec(t, c, insert.SQL(), alchemy.Params{"id": nextID, "name": name})
					res, err := c.Execute(ctx, sel)
					if err != nil {
						t.Fatal(err)
					}
					readFirst(t, res, read)
					if commit {
						err = tx.Commit(ctx)
					} else {
						err = tx.Rollback(ctx)
					}
					if err != nil {
						t.Fatalf("end of the transaction with a Result open: %v", err)
					}
					want := append(slices.Clone(committed), name)
					check(t, what, res, read, want)
					if commit {
						committed = want
					}
					// The connection is usable after.
					if n := scalarInt(t, c, "select count(*) from "+table); n != int64(len(committed)) {
						t.Errorf("%d rows after, want %d", n, len(committed))
					}
				})
				t.Run("Engine.RunInTx "+what, func(t *testing.T) {
					nextID++
					name := fmt.Sprintf("eb%d", nextID)
					var res *alchemy.Result
					boom := fmt.Errorf("rolled back on purpose")
					err := eng.RunInTx(ctx, func(c *alchemy.Conn) error {
						mustExec(t, c, insert.SQL(), alchemy.Params{"id": nextID, "name": name})
						var err error
						if res, err = c.Execute(ctx, sel); err != nil {
							return err
						}
						readFirst(t, res, read)
						if !commit {
							return boom
						}
						return nil
					})
					if commit && err != nil || !commit && err != boom {
						t.Fatalf("Engine.RunInTx: %v", err)
					}
					want := append(slices.Clone(committed), name)
					check(t, what, res, read, want)
					if commit {
						committed = want
					}
				})
				t.Run("Transact "+what, func(t *testing.T) {
					nextID++
					name := fmt.Sprintf("ta%d", nextID)
					var res *alchemy.Result
					boom := fmt.Errorf("rolled back on purpose")
					err := alchemy.Transact(ctx, eng, func(ctx context.Context) error {
						if _, err := eng.Execute(ctx, insert, alchemy.Params{"id": nextID, "name": name}); err != nil {
							return err
						}
						var err error
						if res, err = eng.Execute(ctx, sel); err != nil {
							return err
						}
						readFirst(t, res, read)
						if !commit {
							return boom
						}
						return nil
					})
					if commit && err != nil || !commit && err != boom {
						t.Fatalf("Transact: %v", err)
					}
					if st := eng.PoolStatus(); st.CheckedOut != 0 {
						t.Errorf("the Result kept Transact's connection checked out: %+v", st)
					}
					want := append(slices.Clone(committed), name)
					check(t, what, res, read, want)
					if commit {
						committed = want
					}
				})
			}
		}
		if got := namesFromOther(t, eng, table); !slices.Equal(got, sortedCopy(committed)) {
			t.Errorf("rows in the end %v, want %v", got, sortedCopy(committed))
		}
	})
}

func sortedCopy(s []string) []string {
	s = slices.Clone(s)
	slices.Sort(s)
	return s
}

// TestUpdatePerRowWhileReading: a loop over a Result that runs an UPDATE per row on
// the same connection, in a transaction (Conn.Begin, and Transact through the
// context), reads every row and updates every row.
func TestUpdatePerRowWhileReading(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, tg testdb.Target) {
		t.Parallel()
		eng := newEngine(t, tg.URL)
		table := itemsTable(t, eng, tg)
		const rows = 20
		names := make([]string, rows)
		for i := range names {
			names[i] = fmt.Sprintf("n%02d", i)
		}
		fillItems(t, eng, table, names...)
		ctx := context.Background()
		sel := alchemy.Text("select id, name from " + table + " order by id")
		upd := alchemy.Text("update " + table + " set name = :name where id = :id")

		loop := func(ex alchemy.Executor, ctx context.Context, suffix string) (int, error) {
			res, err := ex.Execute(ctx, sel)
			if err != nil {
				return 0, err
			}
			defer res.Close()
			n := 0
			for res.Next() {
				var id int64
				var name string
				if err := res.Scan(&id, &name); err != nil {
					return n, fmt.Errorf("row %d: scan: %w", n, err)
				}
				if _, err := ex.Execute(ctx, upd, alchemy.Params{"id": id, "name": name + suffix}); err != nil {
					return n, fmt.Errorf("row %d: update: %w", n, err)
				}
				n++
			}
			return n, res.Err()
		}
		checkAll := func(t *testing.T, suffix string) {
			t.Helper()
			got := namesFromOther(t, eng, table)
			if len(got) != rows {
				t.Fatalf("%d rows, want %d", len(got), rows)
			}
			for _, g := range got {
				if !strings.HasSuffix(g, suffix) {
					t.Errorf("row %q was not updated (want suffix %q): %v", g, suffix, got)
					return
				}
			}
		}

		t.Run("Conn.Begin", func(t *testing.T) {
			c, err := eng.Connect(ctx)
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			tx, err := c.Begin(ctx)
			if err != nil {
				t.Fatal(err)
			}
			n, err := loop(c, ctx, "!")
			if err != nil || n != rows {
				t.Fatalf("loop read %d rows of %d: %v", n, rows, err)
			}
			if err := tx.Commit(ctx); err != nil {
				t.Fatal(err)
			}
			checkAll(t, "!")
		})
		t.Run("Transact", func(t *testing.T) {
			var n int
			err := alchemy.Transact(ctx, eng, func(ctx context.Context) error {
				var err error
				n, err = loop(eng, ctx, "?")
				return err
			})
			if err != nil || n != rows {
				t.Fatalf("loop read %d rows of %d: %v", n, rows, err)
			}
			checkAll(t, "!?")
		})
	})
}

// TestResultReadWhileOtherGoroutineExecutes: one goroutine reads a Result of a Conn
// while another runs statements on the same Conn (which read that Result into
// memory): every row arrives, in order, and under -race nothing races.
func TestResultReadWhileOtherGoroutineExecutes(t *testing.T) {
	// Not parallel with the other tests: the race detector fails every test running
	// when it finds a race, and a race here should name this test only.
	d, eng := newFake(t)
	const rows = 200
	d.OnQuery(func(q string, _ []any) ([]string, [][]any, error) {
		if strings.Contains(q, "many") {
			out := make([][]any, rows)
			for i := range out {
				out[i] = []any{int64(i)}
			}
			return []string{"n"}, out, nil
		}
		return []string{"v"}, [][]any{{int64(1)}}, nil
	})
	ctx := context.Background()
	c, err := eng.Connect(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	for range 20 {
		res, err := c.Execute(ctx, alchemy.Text("select many"))
		if err != nil {
			t.Fatal(err)
		}
		errs := fanOut(2, func(g int) error {
			if g == 1 {
				for range 5 {
					r, err := c.Execute(ctx, alchemy.Text("select 1"))
					if err != nil {
						return err
					}
					if _, err := alchemy.Scalar[int64](r); err != nil {
						return err
					}
				}
				return nil
			}
			want := int64(0)
			for res.Next() {
				var n int64
				if err := res.Scan(&n); err != nil {
					return err
				}
				if n != want {
					return fmt.Errorf("row %d, want %d", n, want)
				}
				want++
			}
			if err := res.Err(); err != nil {
				return err
			}
			if want != rows {
				return fmt.Errorf("%d rows, want %d", want, rows)
			}
			return nil
		})
		for _, err := range errs {
			t.Error(err)
		}
	}
}
