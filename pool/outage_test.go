package pool

import (
	"context"
	"errors"
	"regexp"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"
)

// outage is what one simulated database outage measured.
type outage struct {
	attempts int64         // creator calls while the server was down
	failFast int64         // checkouts that failed without calling the creator
	recovery time.Duration // from the server's return to the first checkout that succeeded
}

// simulateOutage runs, in a synctest bubble (fake time), workers that hammer
// Get in a loop, pausing pause between calls, through a 2s outage of a server
// whose connects take dial to be refused, then for 1.5s after it is back. It
// checks that every error reaches the driver's error, that no count moves
// during the outage, and that the pool adds up at the end.
func simulateOutage(t *testing.T, cfg Config, workers int, dial time.Duration) outage {
	const down = 2 * time.Second
	const pause = time.Millisecond
	var m outage
	synctest.Test(t, func(t *testing.T) {
		p, db := newQueue(t, cfg)
		start := time.Now()
		back := start.Add(down)
		var attempts atomic.Int64
		refused := &dialError{"db:5432"}
		db.hook = func(context.Context) error {
			isDown := time.Now().Before(back) // a connect started during the outage is refused
			if dial > 0 {
				time.Sleep(dial)
			}
			if isDown {
				attempts.Add(1)
				return refused
			}
			return nil
		}
		before := p.Status()

		// The outage: every checkout fails, with the driver's error inside.
		var failFast, bad atomic.Int64
		var firstBad atomic.Pointer[string]
		hammer := func(until time.Time, each func(c *Conn[*fakeConn], err error)) {
			var wg sync.WaitGroup
			for range workers {
				wg.Go(func() {
					for time.Now().Before(until) {
						c, err := p.Get(context.Background())
						each(c, err)
						time.Sleep(pause)
					}
				})
			}
			wg.Wait()
		}
		hammer(back, func(c *Conn[*fakeConn], err error) {
			var de *dialError
			switch {
			case err == nil:
				_ = p.Put(c)
				if bad.Add(1) == 1 {
					msg := "a checkout succeeded during the outage"
					firstBad.Store(&msg)
				}
			case !errors.As(err, &de):
				if bad.Add(1) == 1 {
					msg := "an error does not reach the driver's: " + err.Error()
					firstBad.Store(&msg)
				}
			case errors.Is(err, ErrConnectBackoff):
				failFast.Add(1)
			}
		})
		if n := bad.Load(); n > 0 {
			t.Fatalf("%d bad checkouts during the outage, first: %s", n, *firstBad.Load())
		}
		m.attempts, m.failFast = attempts.Load(), failFast.Load()
		after := p.Status()
		sameCounts(t, before, after)
		if db.open.Load() != 0 || after.ConnectFailFast != m.failFast {
			t.Fatalf("after the outage: %+v, %d raw connections open", after, db.open.Load())
		}

		// The server is back: the first success comes within the cap.
		var first atomic.Int64 // nanoseconds after back, +1; 0 until a success
		hammer(back.Add(1500*time.Millisecond), func(c *Conn[*fakeConn], err error) {
			if err != nil {
				return
			}
			first.CompareAndSwap(0, int64(time.Since(back))+1)
			_ = p.Put(c)
		})
		if first.Load() == 0 {
			t.Fatal("no checkout succeeded within 1.5s of the server's return")
		}
		m.recovery = time.Duration(first.Load() - 1)
		s := p.Status()
		if s.CheckedOut != 0 || s.Waiters != 0 || s.Open != s.CheckedIn || int64(s.Open) != db.open.Load() || s.Waits != 0 {
			t.Fatalf("final status does not add up: %+v (%d raw open)", s, db.open.Load())
		}
	})
	return m
}

// TestBackoffOutageStorm is the 2.2s PostgreSQL outage, which drew
// ~2,700 connects from 8 workers: with the default back-off it must draw a
// handful, and the first checkout after the server is back must succeed
// within 1s. Time is simulated (testing/synctest), so the bounds hold on any
// machine, however loaded.
func TestBackoffOutageStorm(t *testing.T) {
	cases := []struct {
		name    string
		workers int
		dial    time.Duration // how long a refused connect takes
	}{
		{"8 workers, 1ms refusals", 8, time.Millisecond},
		{"16 workers, instant refusals", 16, 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cfg := testConfig(4, tc.workers-4) // a slot for every worker: nobody waits
			cfg.ConnectBackoff, cfg.ConnectBackoffMax = DefaultConnectBackoff, DefaultConnectBackoffMax
			m := simulateOutage(t, cfg, tc.workers, tc.dial)
			t.Logf("%d connect attempts in the 2s outage (%.1f/s), %d checkouts failed fast; first success %v after the server came back",
				m.attempts, float64(m.attempts)/2, m.failFast, m.recovery)
			// The connects in flight when the outage starts (at most one per
			// worker) all fail; after that only probes dial, one per window,
			// and windows of at least 25, 50, 100, 200, then 250ms leave room
			// for at most 10 probes in 2s. With 8 workers that is at most 18.
			if limit := int64(tc.workers + 10); m.attempts > limit {
				t.Errorf("%d connect attempts in a 2s outage, want at most %d", m.attempts, limit)
			}
			if m.recovery > time.Second {
				t.Errorf("first success %v after the server came back, want within 1s", m.recovery)
			}
		})
	}
	// Without the back-off the same storm is what the issue saw: the test
	// above can tell the difference.
	t.Run("back-off off", func(t *testing.T) {
		cfg := testConfig(4, 4)
		cfg.ConnectBackoff = 0
		m := simulateOutage(t, cfg, 8, time.Millisecond)
		t.Logf("without back-off: %d connect attempts in the 2s outage (%.1f/s)", m.attempts, float64(m.attempts)/2)
		if m.attempts < 1000 || m.failFast != 0 {
			t.Errorf("%d attempts, %d failed fast: the simulation does not reproduce the storm", m.attempts, m.failFast)
		}
	})
}

// TestBackoffErrorMessage: the fail-fast error as a user reads it.
func TestBackoffErrorMessage(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		p, db := newQueue(t, testConfig(1, 1))
		db.hook = func(context.Context) error { return &dialError{"db:5432"} }
		_, _ = p.Get(context.Background())
		time.Sleep(10 * time.Millisecond)
		_, err := p.Get(context.Background())
		re := regexp.MustCompile(`^alchemy: pool: backing off after failed connects \(1 in a row, next attempt in (\d+)ms\): dial db:5432: connection refused$`)
		m := re.FindStringSubmatch(err.Error())
		if m == nil {
			t.Fatalf("message %q", err)
		}
		// The first window is in (25ms, 50ms]; 10ms of it have passed.
		if ms, _ := strconv.Atoi(m[1]); ms < 15 || ms > 40 {
			t.Fatalf("next attempt in %dms, want 15ms to 40ms", ms)
		}
	})
}
