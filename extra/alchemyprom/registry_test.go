package alchemyprom_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/go-alchemy/alchemy"
	"github.com/go-alchemy/alchemy/extra/alchemyprom"
	"github.com/go-alchemy/alchemy/internal/testdb"
)

// TestSeveralEngines registers a collector per engine in one registry: engines
// named apart register and report their own figures; a second collector with a
// pool name already registered is refused by the registry.
func TestSeveralEngines(t *testing.T) {
	testdb.Each(t, func(t *testing.T, tg testdb.Target) {
		primary := newEngine(t, tg.URL, alchemy.PoolSize(3))
		replica := newEngine(t, tg.URL, alchemy.PoolSize(4), alchemy.LoggingName("replica"))
		reg := prometheus.NewRegistry()
		if err := reg.Register(alchemyprom.NewCollector(primary, alchemyprom.WithPoolName("primary"))); err != nil {
			t.Fatalf("registering primary: %v", err)
		}
		if err := reg.Register(alchemyprom.NewCollector(replica)); err != nil { // named by its logging name
			t.Fatalf("registering replica: %v", err)
		}

		// The same name again, from WithPoolName or from a logging name: refused.
		for _, c := range []prometheus.Collector{
			alchemyprom.NewCollector(replica, alchemyprom.WithPoolName("primary")),
			alchemyprom.NewCollector(primary, alchemyprom.WithPoolName("replica")),
		} {
			err := reg.Register(c)
			var already prometheus.AlreadyRegisteredError
			if !errors.As(err, &already) {
				t.Errorf("registering a second collector with a taken pool name: %v, want AlreadyRegisteredError", err)
			}
		}
		// Two engines on one URL share the default name: the second is refused too.
		a, b := newEngine(t, tg.URL), newEngine(t, tg.URL)
		if err := reg.Register(alchemyprom.NewCollector(a)); err != nil {
			t.Fatalf("registering the default-named engine: %v", err)
		}
		var already prometheus.AlreadyRegisteredError
		if err := reg.Register(alchemyprom.NewCollector(b)); !errors.As(err, &already) {
			t.Errorf("a second engine on the same URL, default names: %v, want AlreadyRegisteredError", err)
		}
		// A constant label the other collectors lack: the registry wants one set of
		// label names per metric name.
		if err := reg.Register(alchemyprom.NewCollector(b, alchemyprom.WithConstLabels(prometheus.Labels{"shard": "2"}))); err == nil ||
			errors.As(err, &already) || !strings.Contains(err.Error(), "different label names") {
			t.Errorf("a collector with an extra constant label: %v, want the registry's different-label-names error", err)
		}
		// With the same label names, the same pool name under another value of a
		// constant label is another series: accepted.
		sharded := prometheus.NewRegistry()
		for _, shard := range []string{"1", "2"} {
			c := alchemyprom.NewCollector(a, alchemyprom.WithPoolName("p"), alchemyprom.WithConstLabels(prometheus.Labels{"shard": shard}))
			if err := sharded.Register(c); err != nil {
				t.Errorf("pool p, shard %s: %v", shard, err)
			}
		}
		if n := len(scrape(t, serve(t, sharded)).families[alchemyprom.MetricOpen].GetMetric()); n != 2 {
			t.Errorf("sharded registry: %d samples of %s, want 2", n, alchemyprom.MetricOpen)
		}

		ctx := context.Background()
		c, err := primary.Connect(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		s := scrape(t, serve(t, reg))
		for _, tc := range []struct {
			pool       string
			used, size float64
		}{{"primary", 1, 3}, {"replica", 0, 4}} {
			pool := map[string]string{"pool_name": tc.pool}
			if v := s.must(t, alchemyprom.MetricConnections, with(pool, "state", "used")); v != tc.used {
				t.Errorf("%s: used = %v, want %v", tc.pool, v, tc.used)
			}
			if v := s.must(t, alchemyprom.MetricIdleMax, pool); v != tc.size {
				t.Errorf("%s: idle_max = %v, want %v", tc.pool, v, tc.size)
			}
		}
		// 3 collectors, two samples of db_client_connections each.
		if n := len(s.families[alchemyprom.MetricConnections].GetMetric()); n != 6 {
			t.Errorf("%d samples of %s, want 6:\n%s", n, alchemyprom.MetricConnections, s.body)
		}
	}, testdb.SQLite, testdb.PostgreSQL, testdb.MySQL)
}

// TestRegisterErrors: a nil engine and bad options do not panic; Register
// returns the reason, and the registry stays usable.
func TestRegisterErrors(t *testing.T) {
	eng := newEngine(t, testdb.SQLiteURL(t))
	for _, tc := range []struct {
		name string
		c    prometheus.Collector
		want string
	}{
		{"nil engine", alchemyprom.NewCollector(nil), "alchemyprom: NewCollector: nil engine"},
		{"empty pool name", alchemyprom.NewCollector(eng, alchemyprom.WithPoolName("")), "empty pool name"},
		{"const pool_name", alchemyprom.NewCollector(eng, alchemyprom.WithConstLabels(prometheus.Labels{"pool_name": "x"})), `"pool_name" is the collector's own`},
		{"const state", alchemyprom.NewCollector(eng, alchemyprom.WithConstLabels(prometheus.Labels{"state": "x"})), `"state" is the collector's own`},
		{"reserved label", alchemyprom.NewCollector(eng, alchemyprom.WithConstLabels(prometheus.Labels{"__name__": "x"})), "__name__"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			reg := prometheus.NewRegistry()
			err := reg.Register(tc.c)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Register: %v, want an error with %q", err, tc.want)
			}
			// Gathering a registry that refused it still works.
			if _, err := reg.Gather(); err != nil {
				t.Errorf("Gather after a refused Register: %v", err)
			}
		})
	}
	// The error of a bad collector also comes out of an unchecked Gather.
	reg := prometheus.NewRegistry()
	reg.MustRegister(unchecked{alchemyprom.NewCollector(nil)})
	if _, err := reg.Gather(); err == nil || !strings.Contains(err.Error(), "nil engine") {
		t.Errorf("Gather with a nil-engine collector: %v", err)
	}
}

// unchecked hides a collector's descriptions, so that the registry registers
// it unchecked and only Collect can report its error.
type unchecked struct{ prometheus.Collector }

func (unchecked) Describe(chan<- *prometheus.Desc) {}
