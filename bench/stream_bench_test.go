package bench

import (
	"context"
	"fmt"
	"runtime"
	"testing"

	"github.com/go-alchemy/alchemy"
)

// streamBenchRows is how many rows BenchmarkPostgresStream reads per operation.
const streamBenchRows = 100_000

// BenchmarkPostgresStream reads 100,000 rows of (int, 100-character string) inside
// a transaction on PostgreSQL: as a plain query streamed by pgx (yield_per=0) and
// through a server-side cursor in batches (yield_per=N, ExecutionOptions.YieldPer).
// mid=true runs SELECT 1 on the same connection after the first 1,000 rows, which
// makes the plain query read its other 99,000 rows into memory, and the cursor the
// rest of its current batch only. Besides ns/op it reports rows/s and peak-MiB,
// the most the heap grew (HeapAlloc, sampled every 1,000 rows) in one operation.
func BenchmarkPostgresStream(b *testing.B) {
	ctx := context.Background()
	eng, err := alchemy.CreateEngine(serverURL(b, pgURLEnv), alchemy.PoolSize(1))
	if err != nil {
		b.Fatal(err)
	}
	defer eng.Dispose()
	q := alchemy.Text(fmt.Sprintf("select g, repeat('x', 100) from generate_series(1, %d) g", streamBenchRows))
	one := alchemy.Text("select 1")
	for _, mid := range []bool{false, true} {
		for _, per := range []int{0, 100, 1000, 10000} {
			b.Run(fmt.Sprintf("yield_per=%d/mid=%v", per, mid), func(b *testing.B) {
				b.ReportAllocs()
				var peak uint64
				for b.Loop() {
					p, err := streamOnce(ctx, eng, q, one, per, mid)
					if err != nil {
						b.Fatal(err)
					}
					peak = max(peak, p)
				}
				b.ReportMetric(float64(streamBenchRows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
				b.ReportMetric(float64(peak)/(1<<20), "peak-MiB")
			})
		}
	}
}

// streamOnce reads q in a transaction with YieldPer per, and returns the heap's
// peak growth.
func streamOnce(ctx context.Context, eng *alchemy.Engine, q, one *alchemy.TextClause, per int, mid bool) (uint64, error) {
	var base, s runtime.MemStats
	runtime.ReadMemStats(&base)
	var peak uint64
	err := eng.RunInTx(ctx, func(conn *alchemy.Conn) error {
		o := conn.ExecutionOptions()
		o.YieldPer = per
		if err := conn.SetExecutionOptions(o); err != nil {
			return err
		}
		res, err := conn.Execute(ctx, q)
		if err != nil {
			return err
		}
		defer res.Close()
		var g int64
		var str string
		n := 0
		for res.Next() {
			if err := res.Scan(&g, &str); err != nil {
				return err
			}
			n++
			if n%1000 == 0 {
				if mid && n == 1000 {
					r, err := conn.Execute(ctx, one)
					if err != nil {
						return err
					}
					if err := r.Close(); err != nil {
						return err
					}
				}
				runtime.ReadMemStats(&s)
				if s.HeapAlloc > base.HeapAlloc {
					peak = max(peak, s.HeapAlloc-base.HeapAlloc)
				}
			}
		}
		if err := res.Err(); err != nil {
			return err
		}
		if n != streamBenchRows || g != streamBenchRows {
			return fmt.Errorf("read %d rows, the last %d; want %d", n, g, streamBenchRows)
		}
		return nil
	})
	return peak, err
}
