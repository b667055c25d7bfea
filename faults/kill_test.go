package faults_test

import (
	"context"
	"errors"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/go-alchemy/alchemy"
	"github.com/go-alchemy/alchemy/internal/testdb"
)

// TestKillEveryConnection: 32 goroutines run 20ms statements through a pool of 5 +
// overflow 3, and the server ends every one of the pool's sessions at once
// (pg_terminate_backend; KILL). Only statements in flight at that moment fail — each
// failure returned after the kill began and was sent before the server showed the
// sessions gone, there are no more failures than killed sessions, and each satisfies
// ErrDisconnect — and every request sent after the kill succeeds.
func TestKillEveryConnection(t *testing.T) {
	t.Parallel()
	for _, name := range []string{testdb.PostgreSQL, testdb.MySQL} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			const workers, size, overflow = 32, 5, 3
			tg := newTarget(t, name, "kill")
			eng := newEngine(t, tg.url, alchemy.PoolSize(size), alchemy.MaxOverflow(overflow), alchemy.PoolTimeout(10*time.Second))
			ctx := context.Background()
			stmt := sleepSQL(name, 20*time.Millisecond)

			var rec recorder
			stop := make(chan struct{})
			var wg sync.WaitGroup
			for range workers {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for {
						select {
						case <-stop:
							return
						default:
						}
						q := request{start: time.Now()}
						q.err = guarded(func() error {
							_, err := scalar[int64](ctx, eng, stmt)
							return err
						})
						q.end = time.Now()
						rec.add(q)
					}
				}()
			}
			defer func() { close(stop); wg.Wait() }()

			time.Sleep(400 * time.Millisecond) // every pooled connection is busy by now
			killStart := time.Now()
			ids, err := tg.killAll(ctx)
			if err != nil {
				auditErr(t, "kill", err)
				t.Fatalf("killing the pool's sessions: %v", err)
			}
			if len(ids) == 0 || len(ids) > size+overflow {
				t.Fatalf("killed %d sessions of the pool, want 1 to %d", len(ids), size+overflow)
			}
			killEnd := time.Now()
			// The kill has taken effect when the server lists none of those sessions.
			var settled time.Time
			for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(5 * time.Millisecond) {
				now, err := tg.sessionIDs(ctx)
				if err == nil && !slices.ContainsFunc(now, func(id int64) bool { return slices.Contains(ids, id) }) {
					settled = time.Now()
					break
				}
				if time.Now().After(deadline) {
					t.Fatalf("killed sessions still listed 5s after the kill: %v (error %v)", now, err)
				}
			}
			// Let the workers go on until each could have sent a request after the kill
			// took effect (a loaded machine is slow, not wrong: no fixed window).
			for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
				ok := 0
				for _, q := range rec.all() {
					if q.err == nil && q.start.After(settled) {
						ok++
					}
				}
				if ok >= 2*workers {
					break
				}
			}
			close(stop)
			wg.Wait()
			stop = make(chan struct{}) // for the deferred close

			reqs := rec.all()
			var errs []error
			for _, q := range reqs {
				if q.err != nil {
					errs = append(errs, q.err)
				}
			}
			reportPanics(t, errs)
			var failures []error
			after := 0
			for _, q := range reqs {
				if q.err == nil {
					if q.start.After(settled) {
						after++
					}
					continue
				}
				auditErr(t, "request during the kill", q.err)
				var pe *panicError
				if errors.As(q.err, &pe) {
					continue // reported above
				}
				failures = append(failures, q.err)
				switch {
				case !errors.Is(q.err, alchemy.ErrDisconnect):
					t.Errorf("a request failed with %v, want an error satisfying ErrDisconnect", q.err)
				case q.start.After(settled):
					t.Errorf("a request sent %s after the kill took effect failed: %v", q.start.Sub(settled), q.err)
				case q.end.Before(killStart):
					t.Errorf("a request failed %s before the kill: %v", killStart.Sub(q.end), q.err)
				}
			}
			if len(failures) == 0 {
				t.Errorf("no request failed: nothing was in flight when %d sessions were killed?", len(ids))
			}
			if len(failures) > len(ids) {
				t.Errorf("%d requests failed for %d killed sessions: a killed session was used twice, or a fresh one failed:%s",
					len(failures), len(ids), errSummary(failures))
			}
			if after < workers {
				t.Errorf("only %d requests were sent (and succeeded) after the kill took effect", after)
			}
			st := eng.PoolStatus()
			figure(t, "KILL server=%s killed=%d requests=%d failed=%d ok_after=%d kill_took=%s settle_took=%s invalidated=%d created=%d",
				name, len(ids), len(reqs), len(failures), after, killEnd.Sub(killStart).Round(time.Microsecond),
				settled.Sub(killStart).Round(time.Microsecond), st.Invalidated, st.Created)
		})
	}
}
