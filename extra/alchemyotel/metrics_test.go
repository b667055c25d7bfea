package alchemyotel_test

import (
	"context"
	"errors"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/go-alchemy/alchemy"
	"github.com/go-alchemy/alchemy/extra/alchemyotel"
	"github.com/go-alchemy/alchemy/internal/testdb"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
)

// TestPoolMetrics loads a pool of one connection with a short timeout: three
// checkouts wait while the connection is held (pending_requests 3, count used
// 1 idle 0) and time out (timeouts 3, three failed alchemy.checkout spans);
// then ten statements run. Every instrument is checked against the known counts.
func TestPoolMetrics(t *testing.T) {
	testdb.Each(t, func(t *testing.T, tg testdb.Target) {
		const name = "otel-test-pool"
		r := newRig(t, tg, []alchemyotel.Option{alchemyotel.WithPoolName(name)},
			alchemy.PoolSize(1), alchemy.MaxOverflow(0), alchemy.PoolTimeout(750*time.Millisecond))
		pool := attribute.String("db.client.connection.pool.name", name)
		ctx := context.Background()

		held, err := r.eng.Connect(ctx)
		if err != nil {
			t.Fatal(err)
		}
		const waiters = 3
		var wg sync.WaitGroup
		errs := make(chan error, waiters)
		for range waiters {
			wg.Go(func() {
				c, err := r.eng.Connect(ctx)
				if err == nil {
					_ = c.Close()
				}
				errs <- err
			})
		}
		waitFor(t, "three waiters", func() bool { return r.eng.PoolStatus().Waiters == waiters })
		rm := r.collect(t)
		for _, c := range []struct {
			metric string
			want   int64
			attrs  []attribute.KeyValue
		}{
			{"db.client.connection.pending_requests", waiters, nil},
			{"db.client.connection.count", 1, []attribute.KeyValue{attribute.String("db.client.connection.state", "used")}},
			{"db.client.connection.count", 0, []attribute.KeyValue{attribute.String("db.client.connection.state", "idle")}},
			{"db.client.connection.max", 1, nil},
			{"db.client.connection.idle.max", 1, nil},
			{"db.client.connection.idle.min", 0, nil},
			{"db.client.connection.timeouts", 0, nil},
		} {
			m := findMetric(t, rm, c.metric)
			if got := sumValue(t, m, append(c.attrs, pool)...); got != c.want {
				t.Errorf("while waiting: %s%v = %d, want %d", c.metric, c.attrs, got, c.want)
			}
			if s := m.Data.(metricdata.Sum[int64]); s.IsMonotonic != (c.metric == "db.client.connection.timeouts") {
				t.Errorf("%s: monotonic %v", c.metric, s.IsMonotonic)
			}
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if !errors.Is(err, alchemy.ErrPoolTimeout) {
				t.Errorf("waiter: %v, want a pool timeout", err)
			}
		}
		if err := held.Close(); err != nil {
			t.Fatal(err)
		}
		const statements = 10
		for range statements {
			drain(t)(r.eng.Execute(ctx, alchemy.Text("SELECT 1")))
		}

		rm = r.collect(t)
		st := r.eng.PoolStatus()
		for _, c := range []struct {
			metric string
			want   int64
			attrs  []attribute.KeyValue
		}{
			{"db.client.connection.pending_requests", 0, nil},
			{"db.client.connection.timeouts", waiters, nil},
			{"db.client.connection.count", 0, []attribute.KeyValue{attribute.String("db.client.connection.state", "used")}},
			{"db.client.connection.count", 1, []attribute.KeyValue{attribute.String("db.client.connection.state", "idle")}},
		} {
			if got := sumValue(t, findMetric(t, rm, c.metric), append(c.attrs, pool)...); got != c.want {
				t.Errorf("after: %s%v = %d, want %d", c.metric, c.attrs, got, c.want)
			}
		}
		// Checkouts: the held one, three timed out, one per statement.
		checkouts := uint64(1 + waiters + statements)
		if got := histCount(t, findMetric(t, rm, "db.client.connection.wait_time"), pool); got != checkouts {
			t.Errorf("wait_time count %d, want %d", got, checkouts)
		}
		// Checkins: the held one and one per statement.
		if got := histCount(t, findMetric(t, rm, "db.client.connection.use_time"), pool); got != 1+statements {
			t.Errorf("use_time count %d, want %d", got, 1+statements)
		}
		if got := histCount(t, findMetric(t, rm, "db.client.connection.create_time"), pool); got != uint64(st.Created) {
			t.Errorf("create_time count %d, want %d (connections made)", got, st.Created)
		}
		if got := histCount(t, findMetric(t, rm, "db.client.operation.duration"), attribute.String("db.query.summary", "SELECT")); got != statements {
			t.Errorf("operation.duration count %d, want %d", got, statements)
		}
		for _, n := range []string{"db.client.operation.duration", "db.client.connection.wait_time", "db.client.connection.use_time", "db.client.connection.create_time"} {
			m := findMetric(t, rm, n)
			if m.Unit != "s" {
				t.Errorf("%s: unit %q", n, m.Unit)
			}
			h := m.Data.(metricdata.Histogram[float64])
			if b := h.DataPoints[0].Bounds; len(b) != 9 || b[0] != 0.001 || b[8] != 10 {
				t.Errorf("%s: bounds %v, want the conventions' advice", n, b)
			}
		}
		// The timed-out checkouts waited: a failed checkout span each.
		failed := 0
		for _, s := range r.ended() {
			if s.Name() == "alchemy.checkout" && attrMap(t, s)["error.type"].AsString() == "alchemy.ErrPoolTimeout" {
				failed++
			}
		}
		if failed != waiters {
			t.Errorf("%d failed checkout spans, want %d", failed, waiters)
		}
	}, allTargets...)
}

// TestPoolNameDefault: without WithPoolName the pool is named by the engine's
// LoggingName, or else server.address:server.port/db.namespace.
func TestPoolNameDefault(t *testing.T) {
	testdb.Each(t, func(t *testing.T, tg testdb.Target) {
		r := newRig(t, tg, nil)
		u, err := alchemy.ParseURL(tg.URL)
		if err != nil {
			t.Fatal(err)
		}
		want := u.Host + ":" + strconv.Itoa(u.Port) + "/" + u.Database
		rm := r.collect(t)
		if got := sumValue(t, findMetric(t, rm, "db.client.connection.max"), attribute.String("db.client.connection.pool.name", want)); got != 15 {
			t.Errorf("max %d, want 15 (5 + overflow 10)", got)
		}
		named := newRig(t, tg, nil, alchemy.LoggingName("primary"))
		rm = named.collect(t)
		sumValue(t, findMetric(t, rm, "db.client.connection.idle.max"), attribute.String("db.client.connection.pool.name", "primary"))
	}, testdb.PostgreSQL, testdb.MySQL)
}

// TestStaticPoolConcurrent: a SQLite memory engine's StaticPool checks its one
// connection out to many callers at once; the listeners and hooks stay
// race-free (run with -race) and every statement is measured.
func TestStaticPoolConcurrent(t *testing.T) {
	r := newRig(t, testdb.Target{Name: testdb.SQLite, URL: "sqlite:///:memory:"}, nil)
	if k := r.eng.PoolStatus().Kind; k != "StaticPool" {
		t.Fatalf("pool %s, want a StaticPool", k)
	}
	const goroutines, each = 8, 25
	var wg sync.WaitGroup
	for range goroutines {
		wg.Go(func() {
			for range each {
				res, err := r.eng.Execute(context.Background(), alchemy.Text("SELECT 1"))
				if err != nil {
					t.Error(err)
					return
				}
				if _, err := alchemy.Scalar[int](res); err != nil {
					t.Error(err)
				}
			}
		})
	}
	wg.Wait()
	rm := r.collect(t)
	if n := histCount(t, findMetric(t, rm, "db.client.operation.duration")); n != goroutines*each {
		t.Errorf("%d measurements, want %d", n, goroutines*each)
	}
	if n := histCount(t, findMetric(t, rm, "db.client.connection.use_time")); n == 0 || n > goroutines*each {
		t.Errorf("use_time count %d", n)
	}
}
