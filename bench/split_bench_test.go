package bench

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-alchemy/alchemy"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// runSplit is run for a checkout, a statement on the connection and its return,
// each timed apart: it reports the p50 and p99 of the checkout (acq) and of the
// statement (query) in microseconds.
func runSplit(b *testing.B, g int, acquire func() any, query func(any), release func(any)) {
	var left atomic.Int64
	left.Store(int64(b.N))
	var mu sync.Mutex
	var wa, qa []time.Duration
	var wg sync.WaitGroup
	b.ResetTimer()
	for range g {
		wg.Go(func() {
			var w, q []time.Duration
			for left.Add(-1) >= 0 {
				t0 := time.Now()
				c := acquire()
				t1 := time.Now()
				query(c)
				t2 := time.Now()
				release(c)
				w, q = append(w, t1.Sub(t0)), append(q, t2.Sub(t1))
			}
			mu.Lock()
			wa, qa = append(wa, w...), append(qa, q...)
			mu.Unlock()
		})
	}
	wg.Wait()
	for _, x := range []struct {
		n string
		s []time.Duration
	}{{"acq", wa}, {"query", qa}} {
		slices.Sort(x.s)
		b.ReportMetric(float64(x.s[len(x.s)/2].Microseconds()), x.n+"-p50-us")
		b.ReportMetric(float64(x.s[len(x.s)*99/100].Microseconds()), x.n+"-p99-us")
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "ops/s")
}

// BenchmarkPostgresCheckoutVsQuery splits BenchmarkPostgresSelectOne's latency
// into the checkout (the pool's wait) and the statement on the connection, at 16
// and 64 goroutines over 10 connections: pgxpool; alchemy's Connect and Execute;
// and pgx's own Query on the *pgx.Conn under alchemy's connection (Conn.Raw), which
// tells the statement path's share of a tail from the server's.
func BenchmarkPostgresCheckoutVsQuery(b *testing.B) {
	ctx := context.Background()
	for _, g := range []int{16, 64} {
		b.Run(fmt.Sprintf("impl=pgxpool/g=%d", g), func(b *testing.B) {
			p := openWarmPgxpool(b)
			runSplit(b, g, func() any {
				c, err := p.Acquire(ctx)
				if err != nil {
					panic(err)
				}
				return c
			}, func(c any) {
				rows, err := c.(*pgxpool.Conn).Query(ctx, "select 1")
				if err != nil {
					panic(err)
				}
				mustReadOne(rows)
			}, func(c any) { c.(*pgxpool.Conn).Release() })
		})
		b.Run(fmt.Sprintf("impl=alchemy/g=%d", g), func(b *testing.B) {
			eng := openWarmEngine(b, serverURL(b, pgURLEnv))
			stmt := alchemy.Text("select 1")
			runSplit(b, g, func() any {
				c, err := eng.Connect(ctx)
				if err != nil {
					panic(err)
				}
				return c
			}, func(c any) {
				res, err := c.(*alchemy.Conn).Execute(ctx, stmt)
				if err != nil {
					panic(err)
				}
				mustReadOne(res)
			}, func(c any) { _ = c.(*alchemy.Conn).Close() })
		})

		b.Run(fmt.Sprintf("impl=alchemy-pgx/g=%d", g), func(b *testing.B) {
			eng := openWarmEngine(b, serverURL(b, pgURLEnv))
			runSplit(b, g, func() any {
				c, err := eng.Connect(ctx)
				if err != nil {
					panic(err)
				}
				return c
			}, func(c any) {
				err := c.(*alchemy.Conn).Raw(func(dc any) error {
					rows, err := dc.(interface{ Conn() *pgx.Conn }).Conn().Query(ctx, "select 1")
					if err != nil {
						return err
					}
					mustReadOne(rows)
					return nil
				})
				if err != nil {
					panic(err)
				}
			}, func(c any) { _ = c.(*alchemy.Conn).Close() })
		})
	}
}
