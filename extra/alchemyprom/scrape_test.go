package alchemyprom_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/go-alchemy/alchemy"
	"github.com/go-alchemy/alchemy/extra/alchemyprom"
	"github.com/go-alchemy/alchemy/internal/testdb"
)

// families are every metric family the collector reports for a QueuePool with
// a limit, and their types.
var families = map[string]string{
	alchemyprom.MetricConnections:     "gauge",
	alchemyprom.MetricOpen:            "gauge",
	alchemyprom.MetricOverflow:        "gauge",
	alchemyprom.MetricMax:             "gauge",
	alchemyprom.MetricIdleMax:         "gauge",
	alchemyprom.MetricPendingRequests: "gauge",
	alchemyprom.MetricCreated:         "counter",
	alchemyprom.MetricClosed:          "counter",
	alchemyprom.MetricInvalidated:     "counter",
	alchemyprom.MetricPrePingFailures: "counter",
	alchemyprom.MetricWaits:           "counter",
	alchemyprom.MetricWaitTime:        "counter",
	alchemyprom.MetricTimeouts:        "counter",
	alchemyprom.MetricLeaked:          "counter",
	alchemyprom.MetricConnectAttempts: "counter",
	alchemyprom.MetricConnectFailures: "counter",
	alchemyprom.MetricConnectFailFast: "counter",
}

// expectedPoolName is the default pool name, spelled out from the URL's parts.
func expectedPoolName(u alchemy.URL) string {
	if u.Host == "" { // SQLite: a file path
		return u.Drivername + ":///" + u.Database
	}
	return fmt.Sprintf("%s://%s:%d/%s", u.Drivername, u.Host, u.Port, u.Database)
}

// TestScrapeAfterLoad scrapes a real registry over HTTP after a known load on
// a pool of 2 without overflow: two connections held and a third checkout
// timed out, then both returned.
func TestScrapeAfterLoad(t *testing.T) {
	testdb.Each(t, func(t *testing.T, tg testdb.Target) {
		u, err := alchemy.ParseURL(tg.URL)
		if err != nil {
			t.Fatal(err)
		}
		if tg.Name != testdb.SQLite && u.Password == "" {
			t.Fatalf("the %s URL has no password: the test needs one to prove it is not exported", tg.Name)
		}
		eng := newEngine(t, tg.URL, alchemy.PoolSize(2), alchemy.MaxOverflow(0), alchemy.PoolTimeout(100*time.Millisecond))
		reg := prometheus.NewRegistry()
		reg.MustRegister(alchemyprom.NewCollector(eng, alchemyprom.WithConstLabels(prometheus.Labels{"target": tg.Name})))
		url := serve(t, reg)
		pool := map[string]string{"pool_name": expectedPoolName(u), "target": tg.Name}
		idle, used := with(pool, "state", "idle"), with(pool, "state", "used")

		// Before any checkout: nothing open, the limits there.
		s := scrape(t, url)
		for name, want := range map[string]float64{
			alchemyprom.MetricOpen: 0, alchemyprom.MetricOverflow: -2, alchemyprom.MetricMax: 2,
			alchemyprom.MetricIdleMax: 2, alchemyprom.MetricCreated: 0,
		} {
			if got := s.must(t, name, pool); got != want {
				t.Errorf("before any checkout: %s = %v, want %v", name, got, want)
			}
		}

		ctx := context.Background()
		var held []*alchemy.Conn
		for range 2 {
			c, err := eng.Connect(ctx)
			if err != nil {
				t.Fatalf("Connect: %v", err)
			}
			defer c.Close()
			if _, err := c.Execute(ctx, alchemy.Text("select 1")); err != nil {
				t.Fatalf("select 1: %v", err)
			}
			held = append(held, c)
		}
		t0 := time.Now()
		if c, err := eng.Connect(ctx); !errors.Is(err, alchemy.ErrPoolTimeout) {
			if c != nil {
				c.Close()
			}
			t.Fatalf("third Connect on a full pool: %v, want ErrPoolTimeout", err)
		}
		waited := time.Since(t0)

		s = scrape(t, url)
		for name, want := range map[string]float64{
			alchemyprom.MetricOpen: 2, alchemyprom.MetricOverflow: 0, alchemyprom.MetricPendingRequests: 0,
			alchemyprom.MetricCreated: 2, alchemyprom.MetricClosed: 0, alchemyprom.MetricConnectAttempts: 2,
			alchemyprom.MetricConnectFailures: 0, alchemyprom.MetricConnectFailFast: 0,
			alchemyprom.MetricLeaked: 0, alchemyprom.MetricInvalidated: 0,
		} {
			if got := s.must(t, name, pool); got != want {
				t.Errorf("2 held: %s = %v, want %v", name, got, want)
			}
		}
		if got := s.must(t, alchemyprom.MetricConnections, used); got != 2 {
			t.Errorf("2 held: used = %v, want 2", got)
		}
		if got := s.must(t, alchemyprom.MetricConnections, idle); got != 0 {
			t.Errorf("2 held: idle = %v, want 0", got)
		}
		if got := s.must(t, alchemyprom.MetricTimeouts, pool); got < 1 {
			t.Errorf("timeouts_total = %v, want >= 1", got)
		}
		if got := s.must(t, alchemyprom.MetricWaits, pool); got < 1 {
			t.Errorf("waits_total = %v, want >= 1", got)
		}
		// The checkout waited its pool timeout, 100ms; the pool measured it.
		if got := s.must(t, alchemyprom.MetricWaitTime, pool); got < 0.05 || got > waited.Seconds()+0.001 {
			t.Errorf("wait_time_seconds_total = %v, want between 0.05 and the %v the caller waited", got, waited)
		}
		t.Logf("%s: timed-out checkout waited %v; wait_time_seconds_total %v", tg.Name, waited, s.must(t, alchemyprom.MetricWaitTime, pool))

		for _, c := range held {
			if err := c.Close(); err != nil {
				t.Fatalf("Close: %v", err)
			}
		}
		eventually(t, "idle == 2 and used == 0 after the release", func() (bool, string) {
			s = scrape(t, url)
			i, _ := s.value(t, alchemyprom.MetricConnections, idle)
			u, _ := s.value(t, alchemyprom.MetricConnections, used)
			return i == 2 && u == 0, fmt.Sprintf("idle %v used %v", i, u)
		})
		if got := s.must(t, alchemyprom.MetricCreated, pool); got != 2 {
			t.Errorf("after the release: created_total = %v, want 2", got)
		}

		checkText(t, s, tg.Name)
		if u.Password != "" && strings.Contains(s.body, u.Password) {
			t.Errorf("the scrape holds the URL's password:\n%s", s.body)
		}
		if strings.Contains(s.body, "***") || (u.Username != "" && strings.Contains(s.body, u.Username+"@")) {
			t.Errorf("the scrape holds the URL's user part:\n%s", s.body)
		}
	}, testdb.SQLite, testdb.PostgreSQL, testdb.MySQL)
}

// checkText checks the text format as sent: a HELP and a TYPE line for every
// family, and every sample labeled with the pool name and the target.
func checkText(t *testing.T, s scraped, target string) {
	t.Helper()
	for name, typ := range families {
		if !strings.Contains(s.body, "\n# HELP "+name+" ") && !strings.HasPrefix(s.body, "# HELP "+name+" ") {
			t.Errorf("no HELP line for %s", name)
		}
		if !strings.Contains(s.body, "# TYPE "+name+" "+typ+"\n") {
			t.Errorf("no line %q", "# TYPE "+name+" "+typ)
		}
		if s.families[name] == nil {
			t.Errorf("no family %s", name)
		}
	}
	if len(s.families) != len(families) {
		t.Errorf("%d families, want %d:\n%s", len(s.families), len(families), s.body)
	}
	for _, line := range strings.Split(strings.TrimSpace(s.body), "\n") {
		if strings.HasPrefix(line, "#") {
			continue
		}
		if !strings.Contains(line, `pool_name="`) || !strings.Contains(line, `target="`+target+`"`) {
			t.Errorf("sample without its labels: %s", line)
		}
	}
}

// TestPendingRequests watches a checkout wait on a full pool: pending_requests
// is 1 while it waits and 0 once it has the connection.
func TestPendingRequests(t *testing.T) {
	testdb.Each(t, func(t *testing.T, tg testdb.Target) {
		eng := newEngine(t, tg.URL, alchemy.PoolSize(1), alchemy.MaxOverflow(0), alchemy.PoolTimeout(10*time.Second))
		reg := prometheus.NewRegistry()
		reg.MustRegister(alchemyprom.NewCollector(eng, alchemyprom.WithPoolName("waiting")))
		url := serve(t, reg)
		pool := map[string]string{"pool_name": "waiting"}

		ctx := context.Background()
		first, err := eng.Connect(ctx)
		if err != nil {
			t.Fatal(err)
		}
		got := make(chan error, 1)
		second := make(chan *alchemy.Conn, 1)
		go func() {
			c, err := eng.Connect(ctx)
			second <- c
			got <- err
		}()
		eventually(t, "pending_requests == 1 while the second checkout waits", func() (bool, string) {
			v := scrape(t, url).must(t, alchemyprom.MetricPendingRequests, pool)
			return v == 1, fmt.Sprint(v)
		})
		if err := first.Close(); err != nil {
			t.Fatal(err)
		}
		c := <-second
		if err := <-got; err != nil {
			t.Fatalf("second Connect: %v", err)
		}
		s := scrape(t, url)
		if v := s.must(t, alchemyprom.MetricPendingRequests, pool); v != 0 {
			t.Errorf("pending_requests = %v once served, want 0", v)
		}
		if v := s.must(t, alchemyprom.MetricConnections, with(pool, "state", "used")); v != 1 {
			t.Errorf("used = %v, want 1", v)
		}
		if v := s.must(t, alchemyprom.MetricWaits, pool); v != 1 {
			t.Errorf("waits_total = %v, want 1", v)
		}
		if v := s.must(t, alchemyprom.MetricTimeouts, pool); v != 0 {
			t.Errorf("timeouts_total = %v, want 0", v)
		}
		if v := s.must(t, alchemyprom.MetricCreated, pool); v != 1 {
			t.Errorf("created_total = %v, want 1: the waiter got the returned connection", v)
		}
		if err := c.Close(); err != nil {
			t.Fatal(err)
		}
	}, testdb.SQLite, testdb.PostgreSQL, testdb.MySQL)
}
