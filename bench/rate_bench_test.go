package bench

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-alchemy/alchemy"
)

// The closed-loop benchmarks (run) let each implementation go as fast as it
// can, so their latencies are not comparable between implementations of
// different speed: with g goroutines and no think time, the mean latency is
// g divided by the throughput (Little's law), and on this machine, where the
// server shares the client's two cores, a faster client also keeps more
// server processes runnable at once. The benchmarks below offer every
// implementation the same load instead, a fixed number of SELECTs per second
// spread over g goroutines, below what any of them can sustain, and compare
// the latency of each SELECT, checkout to checkin.

// rateEnv overrides the offered load of the fixed-rate benchmarks (SELECTs
// per second); the default is defaultRate.
const (
	rateEnv     = "ALCHEMY_BENCH_RATE"
	defaultRate = 25000
)

func offeredRate(b *testing.B) float64 {
	s := os.Getenv(rateEnv)
	if s == "" {
		return defaultRate
	}
	r, err := strconv.ParseFloat(s, 64)
	if err != nil || r <= 0 {
		b.Fatalf("%s=%q: want a positive number of operations per second", rateEnv, s)
	}
	return r
}

// runAtRate runs b.N calls of op over g goroutines, the k-th due k/rate
// after the start: a goroutine takes the next due call, sleeps until it is
// due, and times it from when it actually starts (a late wake-up is the
// scheduler's, not the library's). It reports the p50, p99 and p99.9
// latencies and the share of calls that started more than a millisecond
// late, which stays near zero while the load is sustained.
func runAtRate(b *testing.B, g int, rate float64, op func()) {
	interval := time.Duration(float64(time.Second) / rate)
	lat := make([]time.Duration, b.N)
	var next, late atomic.Int64
	var wg sync.WaitGroup
	b.ResetTimer()
	start := time.Now()
	for range g {
		wg.Go(func() {
			for {
				k := next.Add(1) - 1
				if k >= int64(b.N) {
					return
				}
				due := start.Add(time.Duration(k) * interval)
				if d := time.Until(due); d > 0 {
					time.Sleep(d)
				}
				t0 := time.Now()
				if t0.Sub(due) > time.Millisecond {
					late.Add(1)
				}
				op()
				lat[k] = time.Since(t0)
			}
		})
	}
	wg.Wait()
	b.StopTimer()
	slices.Sort(lat)
	b.ReportMetric(float64(lat[len(lat)/2].Nanoseconds()), "p50-ns")
	b.ReportMetric(float64(lat[len(lat)*99/100].Nanoseconds()), "p99-ns")
	b.ReportMetric(float64(lat[len(lat)*999/1000].Nanoseconds()), "p999-ns")
	b.ReportMetric(float64(late.Load())/float64(b.N), "late")
}

// BenchmarkPostgresSelectOneAtRate is BenchmarkPostgresSelectOne's SELECT 1 at
// a fixed offered load (ALCHEMY_BENCH_RATE, default 25000/s) over 10
// connections, from 16 and 64 goroutines: alchemy's default and FIFO pools,
// pgxpool, and database/sql over pgx.
func BenchmarkPostgresSelectOneAtRate(b *testing.B) {
	ctx := context.Background()
	rate := offeredRate(b)
	for _, g := range []int{16, 64} {
		b.Run(fmt.Sprintf("impl=database-sql-pgx/g=%d", g), func(b *testing.B) {
			db := openWarmDB(b, openPgxDB(b))
			runAtRate(b, g, rate, func() { selectOneDB(ctx, db) })
		})
		b.Run(fmt.Sprintf("impl=pgxpool/g=%d", g), func(b *testing.B) {
			p := openWarmPgxpool(b)
			runAtRate(b, g, rate, func() { selectOnePgxpool(ctx, p) })
		})
		b.Run(fmt.Sprintf("impl=alchemy/g=%d", g), func(b *testing.B) {
			eng := openWarmEngine(b, serverURL(b, pgURLEnv))
			stmt := alchemy.Text("select 1")
			runAtRate(b, g, rate, func() { selectOneAlchemy(ctx, eng, stmt) })
		})
		b.Run(fmt.Sprintf("impl=alchemy-fifo/g=%d", g), func(b *testing.B) {
			eng := openWarmEngine(b, serverURL(b, pgURLEnv), alchemy.PoolUseLIFO(false))
			stmt := alchemy.Text("select 1")
			runAtRate(b, g, rate, func() { selectOneAlchemy(ctx, eng, stmt) })
		})
	}
}

// BenchmarkMariaDBSelectOneAtRate is the same on MariaDB: alchemy's default
// and FIFO pools against database/sql over go-sql-driver/mysql.
func BenchmarkMariaDBSelectOneAtRate(b *testing.B) {
	ctx := context.Background()
	rate := offeredRate(b)
	for _, g := range []int{16, 64} {
		b.Run(fmt.Sprintf("impl=database-sql-mysql/g=%d", g), func(b *testing.B) {
			db := openWarmDB(b, openMySQLDB(b))
			runAtRate(b, g, rate, func() { selectOneDB(ctx, db) })
		})
		b.Run(fmt.Sprintf("impl=alchemy/g=%d", g), func(b *testing.B) {
			eng := openWarmEngine(b, serverURL(b, mysqlURLEnv))
			stmt := alchemy.Text("select 1")
			runAtRate(b, g, rate, func() { selectOneAlchemy(ctx, eng, stmt) })
		})
		b.Run(fmt.Sprintf("impl=alchemy-fifo/g=%d", g), func(b *testing.B) {
			eng := openWarmEngine(b, serverURL(b, mysqlURLEnv), alchemy.PoolUseLIFO(false))
			stmt := alchemy.Text("select 1")
			runAtRate(b, g, rate, func() { selectOneAlchemy(ctx, eng, stmt) })
		})
	}
}
