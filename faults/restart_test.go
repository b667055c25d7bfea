package faults_test

import (
	"context"
	"errors"
	"math/rand/v2"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-alchemy/alchemy"
	"github.com/go-alchemy/alchemy/internal/testdb"
)

// maxOutageAttemptsPerSec bounds connect attempts per second, all callers together,
// while the server is down: the pool backs off failed connects (PoolConnectBackoff),
// where it used to let every checkout dial (about 1,200 to 7,500 attempts/s here).
const maxOutageAttemptsPerSec = 50

// The load on the restarted cluster: 8 goroutines through a pool that may open 8.
const (
	restartWorkers  = 8
	restartSize     = 5
	restartOverflow = 3
)

// TestRestart stops the suite's own PostgreSQL cluster (ALCHEMY_TEST_PGRESTART_URL,
// restarted with pg_ctlcluster) for ~2s under a load of 8 goroutines, then starts it.
// The first request succeeds within 1s of pg_isready saying the server is back (the
// pool backs off failed connects, so requests in between fail fast), and every
// request sent after that first success succeeds; the sessions
// the server shows for the pool's application_name, polled every 20ms from another
// session, never exceed pool_size + max_overflow. The same again with a random
// context cancellation on a third of the requests (a cancelled request may fail, with
// its context's error only). It logs, in one RESTART line per variant, the connect
// attempts per second during the outage, the failure window, and the time from the
// server's return to the first success.
func TestRestart(t *testing.T) {
	t.Parallel()
	base := testdb.URL(t, testdb.PgRestart)
	version, cluster := restartCluster(t)
	port := strconv.Itoa(mustParse(t, base).Port)
	t.Cleanup(func() { ensureClusterUp(t, version, cluster, port) })

	for _, v := range []struct {
		name   string
		outage time.Duration
		cancel bool
	}{
		{"plain", 2 * time.Second, false},
		{"random-cancel", 2 * time.Second, true},
	} {
		// One after the other: both restart the same cluster.
		t.Run(v.name, func(t *testing.T) {
			tg := newTarget(t, testdb.PgRestart, "restart-"+v.name)
			var attempts atomic.Int64
			eng := newEngine(t, tg.url, alchemy.PoolSize(restartSize), alchemy.MaxOverflow(restartOverflow),
				alchemy.PoolTimeout(5*time.Second), countingCreator(t, tg.url, &attempts))
			limit := int64(restartSize + restartOverflow)

			var rec recorder
			stop := make(chan struct{})
			var wg sync.WaitGroup
			for range restartWorkers {
				wg.Add(1)
				go func() {
					defer wg.Done()
					restartLoad(eng, v.cancel, stop, &rec)
				}()
			}
			mon := startMonitor(tg, 20*time.Millisecond)
			stopAll := sync.OnceFunc(func() { close(stop); wg.Wait(); mon.stop() })
			defer stopAll()

			time.Sleep(500 * time.Millisecond)
			stopAt := time.Now()
			if out, err := pgctl(version, cluster, "stop", "-m", "fast"); err != nil {
				t.Fatalf("pg_ctlcluster stop: %v\n%s", err, out)
			}
			down := time.Now()
			a0 := attempts.Load()
			time.Sleep(v.outage)
			a1 := attempts.Load()
			outage := time.Since(down) // the interval a0..a1 counts
			upAt := time.Now()
			started := make(chan error, 1)
			var startOut []byte
			go func() {
				var err error
				startOut, err = pgctl(version, cluster, "start")
				started <- err
			}()
			backAt, ok := waitReady(port, 30*time.Second)
			if err := <-started; err != nil {
				t.Fatalf("pg_ctlcluster start: %v\n%s", err, startOut)
			}
			if !ok {
				t.Fatalf("pg_isready does not say the cluster is back 30s after its start")
			}
			time.Sleep(1500 * time.Millisecond)
			stopping := time.Now()
			stopAll()
			stopTook := time.Since(stopping)

			attemptsPerSec := float64(a1-a0) / outage.Seconds()
			reqs := rec.all()
			var errs []error
			for _, q := range reqs {
				if q.err != nil {
					errs = append(errs, q.err)
				}
			}
			reportPanics(t, errs)
			// The pool learns that the server is back at its first connect after
			// pg_isready (its back-off retries within ConnectBackoffMax): from that
			// first success on, every request must succeed.
			var firstOK time.Time
			for _, q := range reqs {
				if q.err == nil && q.end.After(backAt) && (firstOK.IsZero() || q.end.Before(firstOK)) {
					firstOK = q.end
				}
			}
			readyAt := firstOK
			if readyAt.IsZero() {
				readyAt = backAt
			}
			var firstFail, lastFail time.Time
			var failedAfter, cancelledBad []error
			failed, cancelled := 0, 0
			for _, q := range reqs {
				if q.cancelled {
					cancelled++
				}
				if q.err == nil {
					continue
				}
				auditErr(t, "request during the restart", q.err)
				var pe *panicError
				if errors.As(q.err, &pe) {
					continue // reported above
				}
				if q.cancelled {
					// The caller's own deadline may end a request anywhere, but then its
					// error must say so (errors.Is with the context's error).
					ctxErr := errors.Is(q.err, context.DeadlineExceeded) || errors.Is(q.err, context.Canceled)
					if !ctxErr && !q.start.Before(readyAt) {
						cancelledBad = append(cancelledBad, q.err)
					}
					if ctxErr || !q.start.Before(readyAt) {
						continue
					}
				}
				failed++
				if firstFail.IsZero() || q.end.Before(firstFail) {
					firstFail = q.end
				}
				if q.end.After(lastFail) {
					lastFail = q.end
				}
				if !q.start.Before(readyAt) {
					failedAfter = append(failedAfter, q.err)
				}
			}
			samples, samplesAfter, maxSessions, over := mon.result(backAt, limit)

			window := lastFail.Sub(firstFail)
			toFirst := firstOK.Sub(backAt)
			figure(t, "RESTART variant=%s outage=%.2fs connect_attempts=%d attempts_per_s=%.0f failure_window=%s "+
				"back_to_first_success=%s stop_took=%s start_took=%s requests=%d failed=%d cancelled=%d "+
				"max_server_sessions=%d limit=%d samples=%d load_stop_took=%s",
				v.name, outage.Seconds(), a1-a0, attemptsPerSec, window.Round(time.Millisecond),
				toFirst.Round(time.Microsecond), down.Sub(stopAt).Round(time.Millisecond), backAt.Sub(upAt).Round(time.Millisecond),
				len(reqs), failed, cancelled, maxSessions, limit, samples, stopTook.Round(time.Millisecond))

			if failed == 0 {
				t.Errorf("no request failed during a %s outage: did the server stop?", v.outage)
			}
			if len(failedAfter) > 0 {
				t.Errorf("%d request(s) sent after the first success since the server came back failed:%s", len(failedAfter), errSummary(failedAfter))
			}
			if toFirst > time.Second {
				t.Errorf("the first request succeeded %s after pg_isready said the server was back, want within 1s", toFirst)
			}
			if len(cancelledBad) > 0 {
				t.Errorf("%d request(s) sent after the server was back and cut off by their context's deadline failed with an error that does not satisfy errors.Is(err, context.DeadlineExceeded):%s",
					len(cancelledBad), errSummary(cancelledBad))
			}
			if firstOK.IsZero() {
				t.Errorf("no request succeeded after the server came back")
			}
			if samplesAfter < 20 {
				t.Errorf("only %d session counts were read after the restart: the bound below is not shown", samplesAfter)
			}
			for _, o := range over {
				t.Errorf("the server showed %d sessions of the pool at %s (%s after the server came back), more than pool_size + max_overflow = %d",
					o.n, o.at.Format("15:04:05.000"), o.at.Sub(backAt).Round(time.Millisecond), limit)
			}
			if attemptsPerSec > maxOutageAttemptsPerSec {
				t.Errorf("%.0f connect attempts/s while the server was down, want at most %d (connect back-off)", attemptsPerSec, maxOutageAttemptsPerSec)
			}
		})
	}
}

// restartLoad sends requests until stop is closed, pausing 1ms after a failure. With
// cancel, a third of them get a context that ends after a random 0-5ms.
func restartLoad(eng *alchemy.Engine, cancel bool, stop <-chan struct{}, rec *recorder) {
	for {
		select {
		case <-stop:
			return
		default:
		}
		ctx, done := context.Background(), context.CancelFunc(func() {})
		q := request{start: time.Now()}
		if cancel && rand.IntN(3) == 0 {
			ctx, done = context.WithTimeout(ctx, time.Duration(rand.Int64N(int64(5*time.Millisecond))))
			q.cancelled = true
		}
		q.err = guarded(func() error {
			_, err := scalar[int64](ctx, eng, "select 1 from pg_sleep(0.002)")
			return err
		})
		q.end = time.Now()
		done()
		rec.add(q)
		if q.err != nil {
			// As a client retrying would: a checkout that fails fast during the
			// pool's connect back-off would otherwise spin, and the run would
			// record (and audit) hundreds of thousands of errors.
			time.Sleep(time.Millisecond)
		}
	}
}

// monitor polls the server's count of the test's sessions from the admin engine (its
// own application_name), skipping the polls that fail while the server is down.
type monitor struct {
	stop func()

	mu      sync.Mutex
	samples []sample
}

type sample struct {
	at time.Time
	n  int64
}

func startMonitor(tg *target, every time.Duration) *monitor {
	m := &monitor{}
	done := make(chan struct{})
	finished := make(chan struct{})
	m.stop = sync.OnceFunc(func() { close(done); <-finished })
	go func() {
		defer close(finished)
		tick := time.NewTicker(every)
		defer tick.Stop()
		for {
			select {
			case <-done:
				return
			case <-tick.C:
			}
			ctx, cancel := context.WithTimeout(context.Background(), time.Second)
			n, err := tg.sessions(ctx)
			cancel()
			if err == nil {
				m.mu.Lock()
				m.samples = append(m.samples, sample{time.Now(), n})
				m.mu.Unlock()
			}
		}
	}()
	return m
}

// result returns the number of counts read, those read after back, the highest count,
// and the counts above limit.
func (m *monitor) result(back time.Time, limit int64) (samples, after int, highest int64, over []sample) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, s := range m.samples {
		if s.at.After(back) {
			after++
		}
		highest = max(highest, s.n)
		if s.n > limit {
			over = append(over, s)
		}
	}
	return len(m.samples), after, highest, over
}

// restartCluster reads ALCHEMY_TEST_PGRESTART_CLUSTER ("15 alchemyfault"). Unset, it
// fails the test in CI and skips it elsewhere, as testdb.URL does.
func restartCluster(t *testing.T) (version, name string) {
	t.Helper()
	v := os.Getenv(testdb.PgRestartClusterVar)
	f := strings.Fields(v)
	if len(f) != 2 {
		msg := testdb.PgRestartClusterVar + ` is not set to "VERSION CLUSTER"`
		if testdb.InCI() {
			t.Fatalf("%s: the restart cluster is required in CI", msg)
		}
		t.Skipf("%s; %s", msg, testdb.StartHint)
	}
	if _, err := exec.LookPath("pg_ctlcluster"); err != nil {
		t.Fatalf("pg_ctlcluster: %v (the restart test runs where scripts/test-servers.sh made the cluster)", err)
	}
	return f[0], f[1]
}

// pgctl runs pg_ctlcluster on the cluster (which waits until the action is done).
func pgctl(version, cluster, action string, args ...string) ([]byte, error) {
	argv := append([]string{"--skip-systemctl-redirect", version, cluster, action}, args...)
	return exec.Command("pg_ctlcluster", argv...).CombinedOutput()
}

// ready reports whether pg_isready says the server on port accepts connections.
func ready(port string) bool {
	return exec.Command("pg_isready", "-q", "-h", "127.0.0.1", "-p", port).Run() == nil
}

// waitReady polls pg_isready every 10ms and returns when it first said yes.
func waitReady(port string, timeout time.Duration) (time.Time, bool) {
	for deadline := time.Now().Add(timeout); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if ready(port) {
			return time.Now(), true
		}
	}
	return time.Time{}, false
}

// ensureClusterUp starts the cluster again if a failed test left it down.
func ensureClusterUp(t *testing.T, version, cluster, port string) {
	if ready(port) {
		return
	}
	if out, err := pgctl(version, cluster, "start"); err != nil && !ready(port) {
		t.Errorf("starting %s/%s again after the test: %v\n%s", version, cluster, err, out)
	}
}
