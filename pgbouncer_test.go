package alchemy_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/go-alchemy/alchemy"
	"github.com/go-alchemy/alchemy/internal/testdb"
)

// TestPgBouncerEveryPath runs every path of the engine through PgBouncer in
// transaction mode with ?pgbouncer=true, from 64 goroutines at once: Execute with and
// without rows, executemany in a transaction of its own and under AUTOCOMMIT,
// transactions with savepoints, and Transact. Each goroutine checks what it wrote.
func TestPgBouncerEveryPath(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	u, err := alchemy.ParseURL(testdb.URL(t, testdb.PgBouncer))
	if err != nil {
		t.Fatal(err)
	}
	eng := newEngine(t, u.WithQuery("pgbouncer", "true").RenderWithPassword(), alchemy.PoolSize(16), alchemy.MaxOverflow(48))
	table := uniqueName("bouncer")
	mustExec(t, eng, "create table "+table+" (g integer not null, k integer not null, v text)")
	t.Cleanup(func() { mustExec(t, eng, "drop table "+table) })

	const goroutines, rounds = 64, 4
	var wg sync.WaitGroup
	errs := make(chan error, goroutines)
	for g := range goroutines {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := bouncerRounds(ctx, eng, table, g, rounds); err != nil {
				errs <- fmt.Errorf("goroutine %d: %w", g, err)
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	// Each round keeps 2 rows of ExecuteMany, 2 of the autocommit ExecuteMany, 1 of
	// the transaction (its savepoint's row rolled back) and 1 of Transact.
	if got, want := scalarInt(t, eng, "select count(*) from "+table), int64(goroutines*rounds*6); got != want {
		t.Errorf("%d rows in the table, want %d", got, want)
	}
}

func bouncerRounds(ctx context.Context, eng *alchemy.Engine, table string, g, rounds int) error {
	insert := alchemy.Text("insert into " + table + " (g, k, v) values (:g, :k, :v)")
	for r := range rounds {
		k := r * 10
		// Execute with rows and a bound value.
		res, err := eng.Execute(ctx, alchemy.Text("select :x::int + 1"), alchemy.Params{"x": g})
		if err != nil {
			return fmt.Errorf("select: %w", err)
		}
		if n, err := alchemy.Scalar[int](res); err != nil || n != g+1 {
			return fmt.Errorf("select gave %d, %v", n, err)
		}
		// ExecuteMany in a transaction of its own.
		if _, err := eng.Execute(ctx, insert, []any{
			alchemy.Params{"g": g, "k": k + 1, "v": "many"}, alchemy.Params{"g": g, "k": k + 2, "v": "many"},
		}); err != nil {
			return fmt.Errorf("executemany: %w", err)
		}
		// ExecuteMany under AUTOCOMMIT.
		c, err := eng.Connect(ctx)
		if err != nil {
			return err
		}
		if err := c.SetExecutionOptions(alchemy.ExecutionOptions{Isolation: alchemy.Autocommit}); err != nil {
			c.Close()
			return err
		}
		_, err = c.Execute(ctx, insert, []any{
			alchemy.Params{"g": g, "k": k + 3, "v": "auto"}, alchemy.Params{"g": g, "k": k + 4, "v": "auto"},
		})
		c.Close()
		if err != nil {
			return fmt.Errorf("autocommit executemany: %w", err)
		}
		// A transaction with a savepoint rolled back and one released.
		err = eng.RunInTx(ctx, func(c *alchemy.Conn) error {
			if _, err := c.Execute(ctx, insert, alchemy.Params{"g": g, "k": k + 5, "v": "tx"}); err != nil {
				return err
			}
			sp, err := c.BeginNested(ctx)
			if err != nil {
				return err
			}
			if _, err := c.Execute(ctx, insert, alchemy.Params{"g": g, "k": k + 6, "v": "undone"}); err != nil {
				return err
			}
			if err := sp.Rollback(ctx); err != nil {
				return fmt.Errorf("rollback to savepoint: %w", err)
			}
			sp2, err := c.BeginNested(ctx)
			if err != nil {
				return err
			}
			return sp2.Commit(ctx)
		})
		if err != nil {
			return fmt.Errorf("transaction: %w", err)
		}
		// Transact, with a statement through the context.
		err = alchemy.Transact(ctx, eng, func(ctx context.Context) error {
			_, err := eng.Execute(ctx, insert, alchemy.Params{"g": g, "k": k + 7, "v": "transact"})
			return err
		})
		if err != nil {
			return fmt.Errorf("transact: %w", err)
		}
	}
	res, err := eng.Execute(ctx, alchemy.Text("select count(*) from "+table+" where g = :g and v = 'undone'"), alchemy.Params{"g": g})
	if err != nil {
		return err
	}
	if n, err := alchemy.Scalar[int](res); err != nil || n != 0 {
		return fmt.Errorf("%d rows a savepoint rolled back are there (%v)", n, err)
	}
	return nil
}

// TestPgBouncerWithoutOptionHints: through PgBouncer without ?pgbouncer=true, pgx's
// named prepared statements collide on shared server connections; the first such
// error (42P05 or 26000) says which URL option to set.
func TestPgBouncerWithoutOptionHints(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	u, err := alchemy.ParseURL(testdb.URL(t, testdb.PgBouncer))
	if err != nil {
		t.Fatal(err)
	}
	eng := newEngine(t, u.WithoutQuery("pgbouncer").RenderWithPassword(), alchemy.PoolSize(8), alchemy.MaxOverflow(0))
	var (
		mu    sync.Mutex
		first error
		wg    sync.WaitGroup
	)
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 200 {
				res, err := eng.Execute(ctx, alchemy.Text(fmt.Sprintf("select :x::int + %d", i%5)), alchemy.Params{"x": g})
				if err == nil {
					_, err = alchemy.Scalar[int](res)
				}
				if err != nil {
					mu.Lock()
					if first == nil {
						first = err
					}
					mu.Unlock()
					return
				}
			}
		}()
	}
	wg.Wait()
	if first == nil {
		t.Fatal("no prepared-statement error through PgBouncer without pgbouncer=true: the test no longer provokes one")
	}
	var ae *alchemy.Error
	if !errors.As(first, &ae) || (ae.Code != "42P05" && ae.Code != "26000") {
		t.Fatalf("first error through PgBouncer: %v, want SQLSTATE 42P05 or 26000", first)
	}
	if !strings.Contains(first.Error(), "pgbouncer=true") {
		t.Errorf("the error does not name the URL option: %v", first)
	}
}
