package alchemyprom_test

import (
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/go-alchemy/alchemy"
	"github.com/go-alchemy/alchemy/extra/alchemyprom"
	"github.com/go-alchemy/alchemy/internal/testdb"
)

// TestLint runs promlint over what the collector reports, for each kind of
// pool, after a checkout so that every counter has moved from nothing.
func TestLint(t *testing.T) {
	testdb.Each(t, func(t *testing.T, tg testdb.Target) {
		for _, kind := range []struct {
			name string
			opts []alchemy.Option
		}{
			{"QueuePool", nil},
			{"QueuePool unlimited", []alchemy.Option{alchemy.MaxOverflow(-1)}},
			{"NullPool", []alchemy.Option{alchemy.PoolClass(alchemy.NullPool)}},
			{"StaticPool", []alchemy.Option{alchemy.PoolClass(alchemy.StaticPool)}},
		} {
			t.Run(kind.name, func(t *testing.T) {
				eng := newEngine(t, tg.URL, kind.opts...)
				selectOne(t, eng)
				c := alchemyprom.NewCollector(eng, alchemyprom.WithConstLabels(prometheus.Labels{"service": "billing"}))
				problems, err := testutil.CollectAndLint(c)
				if err != nil {
					t.Fatalf("CollectAndLint: %v", err)
				}
				for _, p := range problems {
					t.Errorf("promlint: %s: %s", p.Metric, p.Text)
				}
				// promlint does not check the registry's consistency rules: register too.
				if err := prometheus.NewPedanticRegistry().Register(c); err != nil {
					t.Errorf("pedantic registry: %v", err)
				}
			})
		}
	}, testdb.SQLite, testdb.PostgreSQL, testdb.MySQL)
}

// TestPoolKinds: the size metrics (max, idle_max, overflow) are there for a
// QueuePool with a limit only; max goes away with MaxOverflow -1; the other
// pools report the rest.
func TestPoolKinds(t *testing.T) {
	sizeOnly := []string{alchemyprom.MetricMax, alchemyprom.MetricIdleMax, alchemyprom.MetricOverflow}
	for _, tc := range []struct {
		name string
		opts []alchemy.Option
		want map[string]bool // the size metrics present
	}{
		{"QueuePool", []alchemy.Option{alchemy.PoolSize(3), alchemy.MaxOverflow(4)},
			map[string]bool{alchemyprom.MetricMax: true, alchemyprom.MetricIdleMax: true, alchemyprom.MetricOverflow: true}},
		{"QueuePool unlimited", []alchemy.Option{alchemy.PoolSize(3), alchemy.MaxOverflow(-1)},
			map[string]bool{alchemyprom.MetricIdleMax: true, alchemyprom.MetricOverflow: true}},
		{"NullPool", []alchemy.Option{alchemy.PoolClass(alchemy.NullPool)}, nil},
		{"StaticPool", []alchemy.Option{alchemy.PoolClass(alchemy.StaticPool)}, nil},
		{"AssertionPool", []alchemy.Option{alchemy.PoolClass(alchemy.AssertionPool)}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			eng := newEngine(t, testdb.SQLiteURL(t), tc.opts...)
			selectOne(t, eng)
			reg := prometheus.NewPedanticRegistry()
			reg.MustRegister(alchemyprom.NewCollector(eng, alchemyprom.WithPoolName("p")))
			s := scrape(t, serve(t, reg))
			pool := map[string]string{"pool_name": "p"}
			for _, name := range sizeOnly {
				if _, ok := s.value(t, name, pool); ok != tc.want[name] {
					t.Errorf("%s present: %v, want %v", name, ok, tc.want[name])
				}
			}
			if v, ok := s.value(t, alchemyprom.MetricMax, pool); ok && v != 7 {
				t.Errorf("max = %v, want 3+4", v)
			}
			if v := s.must(t, alchemyprom.MetricCreated, pool); v != 1 {
				t.Errorf("created_total = %v, want 1", v)
			}
			if v := s.must(t, alchemyprom.MetricConnections, with(pool, "state", "used")); v != 0 {
				t.Errorf("used = %v, want 0", v)
			}
			if n := len(s.families); n != len(families)-len(sizeOnly)+len(tc.want) {
				t.Errorf("%d families:\n%s", n, s.body)
			}
		})
	}
}

// TestDefaultPoolName: the logging name when there is one, else the URL
// without user name, password and query. An engine does not connect until its
// first checkout, so these need no server.
func TestDefaultPoolName(t *testing.T) {
	const secret = "s3cr3t-pw"
	for _, tc := range []struct {
		url  string
		opts []alchemy.Option
		want string
	}{
		{"postgresql://scott:" + secret + "@db.example:5432/app?sslmode=require&sslpassword=" + secret, nil,
			"postgresql://db.example:5432/app"},
		{"mysql://scott:" + secret + "@db.example/app", nil, "mysql://db.example/app"},
		{"postgresql+pgx://scott:" + secret + "@[2001:db8::1]:6432/app", nil, "postgresql+pgx://[2001:db8::1]:6432/app"},
		{"postgresql://scott:" + secret + "@db.example/app", []alchemy.Option{alchemy.LoggingName("billing")}, "billing"},
	} {
		eng := newEngine(t, tc.url, tc.opts...)
		for _, c := range []struct {
			collector prometheus.Collector
			want      string
		}{
			{alchemyprom.NewCollector(eng), tc.want},
			{alchemyprom.NewCollector(eng, alchemyprom.WithPoolName("mine")), "mine"},
		} {
			reg := prometheus.NewRegistry()
			reg.MustRegister(c.collector)
			s := scrape(t, serve(t, reg))
			if _, ok := s.value(t, alchemyprom.MetricOpen, map[string]string{"pool_name": c.want}); !ok {
				t.Errorf("%s: no pool_name %q:\n%s", eng, c.want, s.body)
			}
			if strings.Contains(s.body, secret) || strings.Contains(s.body, "scott") {
				t.Errorf("%s: the scrape holds the URL's user part:\n%s", eng, s.body)
			}
		}
	}
}
