package bench

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-alchemy/alchemy/pool"
	"github.com/jackc/puddle/v2"
)

const conns = 10

// sampleEvery: one checkout in this many has its wait timed, for p50/p99.
const sampleEvery = 4

// noopPoolConn is an alchemy pool.Connection that does nothing. The pool is
// typed by a pointer to it, as the engine's pool is by a pointer to its own
// connection type.
type noopPoolConn struct{}

func (noopPoolConn) Close() error                                { return nil }
func (noopPoolConn) Ping(context.Context) error                  { return nil }
func (noopPoolConn) Reset(context.Context, pool.ResetMode) error { return nil }

// run spreads b.N checkout+checkin pairs over g goroutines and reports
// ops/s and the p50 and p99 time spent in get.
func run[T any](b *testing.B, g int, get func() T, put func(T)) {
	b.ReportAllocs()
	per := b.N/g + 1
	samples := make([][]time.Duration, g)
	for i := range samples {
		samples[i] = make([]time.Duration, 0, per/sampleEvery+1)
	}
	var left atomic.Int64
	left.Store(int64(b.N))
	var ready, wg sync.WaitGroup
	start := make(chan struct{})
	ready.Add(g)
	for i := range g {
		wg.Go(func() {
			s := samples[i]
			ready.Done()
			<-start
			for n := 0; left.Add(-1) >= 0; n++ {
				if n%sampleEvery == 0 {
					t0 := time.Now()
					r := get()
					s = append(s, time.Since(t0))
					put(r)
				} else {
					put(get())
				}
			}
			samples[i] = s
		})
	}
	ready.Wait()
	b.ResetTimer()
	close(start)
	wg.Wait()
	b.StopTimer()
	var all []time.Duration
	for _, s := range samples {
		all = append(all, s...)
	}
	slices.Sort(all)
	if len(all) > 0 {
		b.ReportMetric(float64(all[len(all)/2].Nanoseconds()), "p50-ns")
		b.ReportMetric(float64(all[len(all)*99/100].Nanoseconds()), "p99-ns")
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "ops/s")
}

// BenchmarkCheckout measures checkout+checkin over 10 connections with 1, 8
// and 64 goroutines, for alchemy's QueuePool (default LIFO, and FIFO) and its
// peers.
func BenchmarkCheckout(b *testing.B) {
	ctx := context.Background()
	for _, g := range []int{1, 8, 64} {
		b.Run(fmt.Sprintf("impl=alchemy/g=%d", g), func(b *testing.B) {
			benchQueuePool(b, g, true)
		})
		b.Run(fmt.Sprintf("impl=alchemy-fifo/g=%d", g), func(b *testing.B) {
			benchQueuePool(b, g, false)
		})
		b.Run(fmt.Sprintf("impl=database-sql/g=%d", g), func(b *testing.B) {
			db := sql.OpenDB(NoopConnector{})
			defer db.Close()
			db.SetMaxOpenConns(conns)
			db.SetMaxIdleConns(conns)
			warm(b, conns, func() (*sql.Conn, error) { return db.Conn(ctx) }, func(c *sql.Conn) error { return c.Close() })
			run(b, g, func() *sql.Conn {
				c, err := db.Conn(ctx)
				if err != nil {
					panic(err)
				}
				return c
			}, func(c *sql.Conn) { _ = c.Close() })
		})
		b.Run(fmt.Sprintf("impl=puddle/g=%d", g), func(b *testing.B) {
			p, err := puddle.NewPool(&puddle.Config[*Resource]{
				Constructor: func(context.Context) (*Resource, error) { return &Resource{}, nil },
				Destructor:  func(*Resource) {},
				MaxSize:     conns,
			})
			if err != nil {
				b.Fatal(err)
			}
			defer p.Close()
			warm(b, conns, func() (*puddle.Resource[*Resource], error) { return p.Acquire(ctx) },
				func(r *puddle.Resource[*Resource]) error { r.Release(); return nil })
			run(b, g, func() *puddle.Resource[*Resource] {
				r, err := p.Acquire(ctx)
				if err != nil {
					panic(err)
				}
				return r
			}, func(r *puddle.Resource[*Resource]) { r.Release() })
		})
		b.Run(fmt.Sprintf("impl=mutex-floor/g=%d", g), func(b *testing.B) {
			p := NewMutexPool(conns)
			run(b, g, p.Get, p.Put)
		})
		b.Run(fmt.Sprintf("impl=chan-floor/g=%d", g), func(b *testing.B) {
			p := NewChanPool(conns)
			run(b, g, p.Get, p.Put)
		})
	}
}

// benchQueuePool runs checkout+checkin on alchemy's QueuePool with its
// default config (LIFO idle order, MaxIdleTime on), or FIFO when lifo is off.
func benchQueuePool(b *testing.B, g int, lifo bool) {
	ctx := context.Background()
	cfg := pool.DefaultConfig()
	cfg.Size, cfg.MaxOverflow, cfg.LIFO = conns, 0, lifo
	p, err := pool.NewQueuePool(func(context.Context) (*noopPoolConn, error) { return &noopPoolConn{}, nil }, cfg)
	if err != nil {
		b.Fatal(err)
	}
	defer p.Dispose()
	warm(b, conns, func() (*pool.Conn[*noopPoolConn], error) { return p.Get(ctx) },
		func(c *pool.Conn[*noopPoolConn]) error { return p.Put(c) })
	run(b, g, func() *pool.Conn[*noopPoolConn] {
		c, err := p.Get(ctx)
		if err != nil {
			panic(err)
		}
		return c
	}, func(c *pool.Conn[*noopPoolConn]) {
		if err := p.Put(c); err != nil {
			panic(err)
		}
	})
}

// warm opens all n connections before the timer starts.
func warm[T any](b *testing.B, n int, get func() (T, error), put func(T) error) {
	held := make([]T, 0, n)
	for range n {
		c, err := get()
		if err != nil {
			b.Fatal(err)
		}
		held = append(held, c)
	}
	for _, c := range held {
		if err := put(c); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkChanFloorCounted is the channel floor at 64 goroutines with k
// shared counters updated on each checkout and k on each checkin, each on a
// cache line of its own: what the bookkeeping a real pool keeps (its
// checked-out and waiting counts, the state of the connection moved, the
// idle structure) costs by itself when two cores take turns at it. It puts
// the pool's distance from the bare floor in proportion (BENCHMARKS.md).
func BenchmarkChanFloorCounted(b *testing.B) {
	for _, k := range []int{0, 2, 4, 8} {
		b.Run(fmt.Sprintf("k=%d/g=64", k), func(b *testing.B) {
			var ctr [8]struct {
				n atomic.Int64
				_ [56]byte
			}
			p := NewChanPool(conns)
			run(b, 64, func() *Resource {
				for i := range k {
					ctr[i].n.Add(1)
				}
				return p.Get()
			}, func(r *Resource) {
				for i := range k {
					ctr[i].n.Add(-1)
				}
				p.Put(r)
			})
		})
	}
}
