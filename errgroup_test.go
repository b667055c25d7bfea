package alchemy_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/go-alchemy/alchemy"
	"github.com/go-alchemy/alchemy/internal/testdb"
)

// TestTransactErrgroup is the fan-out Go users write: inside Transact, an
// errgroup.WithContext of 16 goroutines writing through the shared context. When all
// succeed, every row commits. When one fails, errgroup cancels the others' context
// in the middle of their statements: Transact returns that first error, none of the
// rows is kept, nothing stays checked out, and the next request on the engine
// succeeds at once.
func TestTransactErrgroup(t *testing.T) {
	testdb.Each(t, func(t *testing.T, tg testdb.Target) {
		t.Parallel()
		eng := newEngine(t, tg.URL, alchemy.PoolSize(2), alchemy.MaxOverflow(0))
		table := makeTable(t, eng, "g integer, i integer, batch varchar(20)")
		insert := alchemy.Text("insert into " + table + " (g, i, batch) values (:g, :i, :b)")
		errBoom := errors.New("errgroup: a worker fails")
		for _, tc := range []struct {
			batch string
			fail  bool
		}{{"all", false}, {"one-fails", true}} {
			err := alchemy.Transact(context.Background(), eng, func(ctx context.Context) error {
				g, gctx := errgroup.WithContext(ctx)
				for w := range 16 {
					g.Go(func() error {
						for i := range 20 {
							if _, err := eng.Execute(gctx, insert, alchemy.Params{"g": w, "i": i, "b": tc.batch}); err != nil {
								return fmt.Errorf("worker %d insert %d: %w", w, i, err)
							}
							if tc.fail && w == 5 && i == 10 {
								return errBoom
							}
						}
						return nil
					})
				}
				return g.Wait()
			})
			want := int64(16 * 20)
			if tc.fail {
				want = 0
				if !errors.Is(err, errBoom) {
					t.Errorf("%s: Transact returned %v, want the first worker error", tc.batch, err)
				}
			} else if err != nil {
				t.Errorf("%s: Transact: %v", tc.batch, err)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			res, err := eng.Execute(ctx, alchemy.Text("select count(*) from "+table+" where batch = :b"), alchemy.Params{"b": tc.batch})
			if err != nil {
				cancel()
				t.Fatalf("%s: the request after Transact: %v", tc.batch, err)
			}
			n, err := alchemy.Scalar[int64](res)
			cancel()
			if err != nil || n != want {
				t.Errorf("%s: %d rows after Transact (%v), want %d", tc.batch, n, err, want)
			}
			if st := eng.PoolStatus(); st.CheckedOut != 0 {
				t.Errorf("%s: %d checked out after Transact", tc.batch, st.CheckedOut)
			}
		}
	})
}
