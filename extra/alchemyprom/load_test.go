package alchemyprom_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/go-alchemy/alchemy"
	"github.com/go-alchemy/alchemy/extra/alchemyprom"
	"github.com/go-alchemy/alchemy/internal/testdb"
)

// TestScrapeUnderLoad scrapes over HTTP without pause while 8 goroutines check
// connections out of a pool of 2 plus 2 overflow: every scrape stays within the
// pool's limits, counters never go back, and the checkouts all succeed (under
// -race, this is also the data-race check of Collect against the pool).
func TestScrapeUnderLoad(t *testing.T) {
	testdb.Each(t, func(t *testing.T, tg testdb.Target) {
		const workers, rounds = 8, 25
		eng := newEngine(t, tg.URL, alchemy.PoolSize(2), alchemy.MaxOverflow(2), alchemy.PoolTimeout(30*time.Second))
		reg := prometheus.NewRegistry()
		reg.MustRegister(alchemyprom.NewCollector(eng, alchemyprom.WithPoolName("load")))
		url := serve(t, reg)
		pool := map[string]string{"pool_name": "load"}

		ctx := context.Background()
		errs := make(chan error, workers)
		var wg sync.WaitGroup
		for range workers {
			wg.Go(func() {
				for range rounds {
					c, err := eng.Connect(ctx)
					if err != nil {
						errs <- err
						return
					}
					res, err := c.Execute(ctx, alchemy.Text("select 1"))
					if err == nil {
						err = res.Close()
					}
					if cerr := c.Close(); err == nil {
						err = cerr
					}
					if err != nil {
						errs <- err
						return
					}
				}
			})
		}
		done := make(chan struct{})
		go func() { wg.Wait(); close(done) }()

		counters := []string{alchemyprom.MetricCreated, alchemyprom.MetricWaits, alchemyprom.MetricWaitTime, alchemyprom.MetricConnectAttempts}
		last := map[string]float64{}
		scrapes, maxUsed, maxPending := 0, 0.0, 0.0
		for running := true; running; {
			select {
			case <-done:
				running = false
			default:
			}
			s := scrape(t, url)
			scrapes++
			used := s.must(t, alchemyprom.MetricConnections, with(pool, "state", "used"))
			idle := s.must(t, alchemyprom.MetricConnections, with(pool, "state", "idle"))
			open := s.must(t, alchemyprom.MetricOpen, pool)
			pending := s.must(t, alchemyprom.MetricPendingRequests, pool)
			maxUsed, maxPending = max(maxUsed, used), max(maxPending, pending)
			if used > 4 || idle > 4 || open > 4 || used < 0 || idle < 0 || pending < 0 || pending > workers {
				t.Fatalf("scrape %d out of bounds: used %v idle %v open %v pending %v", scrapes, used, idle, open, pending)
			}
			for _, name := range counters {
				v := s.must(t, name, pool)
				if v < last[name] {
					t.Fatalf("scrape %d: %s went back from %v to %v", scrapes, name, last[name], v)
				}
				last[name] = v
			}
		}
		close(errs)
		for err := range errs {
			t.Errorf("checkout under load: %v", err)
		}
		eventually(t, "used == 0 at the end", func() (bool, string) {
			v := scrape(t, url).must(t, alchemyprom.MetricConnections, with(pool, "state", "used"))
			return v == 0, fmt.Sprint(v)
		})
		st := eng.PoolStatus()
		t.Logf("%s: %d checkouts, %d scrapes during them; max used %v, max pending %v; created %d, waits %d, wait time %v",
			tg.Name, workers*rounds, scrapes, maxUsed, maxPending, st.Created, st.Waits, st.WaitTime)
		if scrapes < 2 {
			t.Errorf("only %d scrapes during the load", scrapes)
		}
	}, testdb.SQLite, testdb.PostgreSQL, testdb.MySQL)
}

// BenchmarkCollect measures one Collect of the 18 samples: a PoolStatus (atomic
// loads) and the const metrics.
func BenchmarkCollect(b *testing.B) {
	eng := newEngine(b, testdb.SQLiteURL(b))
	selectOne(b, eng)
	c := alchemyprom.NewCollector(eng)
	ch := make(chan prometheus.Metric, 32)
	b.ReportAllocs()
	for b.Loop() {
		c.Collect(ch)
		for len(ch) > 0 {
			<-ch
		}
	}
}

// BenchmarkGather measures a registry's Gather over the collector, which is
// what a scrape costs before the text is written.
func BenchmarkGather(b *testing.B) {
	eng := newEngine(b, testdb.SQLiteURL(b))
	selectOne(b, eng)
	reg := prometheus.NewRegistry()
	reg.MustRegister(alchemyprom.NewCollector(eng))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := reg.Gather(); err != nil {
			b.Fatal(err)
		}
	}
}
