package faults_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/go-alchemy/alchemy"
	"github.com/go-alchemy/alchemy/internal/testdb"
)

// The server's idle timeout, and the gap the tests leave: long enough for every pooled
// session to be ended, short enough for twenty rounds in the suite's budget.
const (
	idleTimeout = time.Second
	idleGap     = 1500 * time.Millisecond
	idlePool    = 5
)

// TestIdleTermination: the server ends every session idle for 1s (PostgreSQL's
// idle_session_timeout, MariaDB's wait_timeout, both set from the URL's query). Each
// round fills the pool of 5 (5 checkouts at once), leaves it idle ~1.5s — until the
// server shows none of the pool's sessions left — and sends requests:
//   - with PoolPrePing(true), 5 at once: none fails;
//   - with PoolRecycle(500ms), shorter than the timeout, 5 at once: none fails (a
//     connection's idle time never exceeds its age, and the age is checked at checkout);
//   - with neither, 5 one at a time: exactly the first fails, with ErrDisconnect; the
//     pool-wide invalidation it causes spares the other four (10 rounds, not 20, to fit
//     the suite's budget: each round costs a gap whatever the case).
func TestIdleTermination(t *testing.T) {
	t.Parallel()
	servers := []struct{ name, key, value string }{
		{testdb.PostgreSQL, "idle_session_timeout", "1s"},
		{testdb.MySQL, "wait_timeout", "1"},
	}
	cases := []struct {
		name     string
		rounds   int
		opts     []alchemy.Option
		together bool // the requests after a gap run at once, else one after another
		failures int  // per gap
	}{
		{"pre-ping", 20, []alchemy.Option{alchemy.PoolPrePing(true)}, true, 0},
		{"recycle", 20, []alchemy.Option{alchemy.PoolRecycle(idleTimeout / 2)}, true, 0},
		{"neither", 10, nil, false, 1},
	}
	for _, srv := range servers {
		t.Run(srv.name, func(t *testing.T) {
			t.Parallel()
			for _, c := range cases {
				t.Run(c.name, func(t *testing.T) {
					t.Parallel()
					tg := newTarget(t, srv.name, "idle_"+c.name[:3], srv.key, srv.value)
					opts := append([]alchemy.Option{alchemy.PoolSize(idlePool), alchemy.MaxOverflow(0), alchemy.PoolTimeout(10 * time.Second)}, c.opts...)
					eng := newEngine(t, tg.url, opts...)
					ctx := context.Background()
					failed := 0
					for round := 0; round < c.rounds; round++ {
						fillPool(t, eng, idlePool)
						time.Sleep(idleGap)
						// Proof that the fault happened: the server ended every session.
						if n, ok, err := tg.pollSessions(0, 3*time.Second); !ok {
							t.Fatalf("round %d: %d session(s) still on the server %s after the idle timeout (error %v)", round, n, idleGap+3*time.Second, err)
						}
						errs := idleRequests(ctx, eng, idlePool, c.together)
						var got []int
						for i, err := range errs {
							if err == nil {
								continue
							}
							got = append(got, i)
							auditErr(t, "idle request", err)
							if !errors.Is(err, alchemy.ErrDisconnect) {
								t.Errorf("round %d, request %d: %v, want an error satisfying ErrDisconnect", round, i, err)
							}
						}
						failed += len(got)
						switch {
						case c.failures == 0 && len(got) > 0:
							t.Errorf("round %d: requests %v failed after the idle gap, want none", round, got)
						case c.failures == 1 && (len(got) != 1 || got[0] != 0):
							t.Errorf("round %d: requests %v failed after the idle gap, want exactly the first ([0])", round, got)
						}
					}
					st := eng.PoolStatus()
					figure(t, "IDLE server=%s case=%s rounds=%d failed=%d created=%d pings_failed=%d invalidated=%d",
						srv.name, c.name, c.rounds, failed, st.Created, st.PingsFailed, st.Invalidated)
				})
			}
		})
	}
}

// idleRequests sends n connectionless requests, at once or one after another, and
// returns their errors in order.
func idleRequests(ctx context.Context, eng *alchemy.Engine, n int, together bool) []error {
	errs := make([]error, n)
	one := func(i int) {
		v, err := scalar[int64](ctx, eng, "select 1")
		if err == nil && v != 1 {
			err = errors.New("select 1 returned something else")
		}
		errs[i] = err
	}
	if !together {
		for i := range n {
			one(i)
		}
		return errs
	}
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() { defer wg.Done(); one(i) }()
	}
	wg.Wait()
	return errs
}
