package faults_test

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"os"
	"runtime/debug"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/go-alchemy/alchemy"
	"github.com/go-alchemy/alchemy/dialect"
	"github.com/go-alchemy/alchemy/internal/testdb"
)

var pid = os.Getpid()

// executor is what Engine and Conn both offer.
type executor interface {
	Execute(ctx context.Context, stmt alchemy.Executable, args ...any) (*alchemy.Result, error)
}

// scalar runs a query that returns one value, reading it (a failure can surface while
// reading) and closing the result, which gives a connectionless execution's connection
// back.
func scalar[T any](ctx context.Context, ex executor, sql string, args ...any) (T, error) {
	res, err := ex.Execute(ctx, alchemy.Text(sql), args...)
	if err != nil {
		var zero T
		return zero, err
	}
	return alchemy.Scalar[T](res)
}

// run runs a statement whose rows, if any, do not matter.
func run(ctx context.Context, ex executor, sql string, args ...any) error {
	res, err := ex.Execute(ctx, alchemy.Text(sql), args...)
	if err != nil {
		return err
	}
	return res.Close()
}

// mustParse parses a URL from the environment; the failure never shows the URL.
func mustParse(t testing.TB, raw string) dialect.URL {
	t.Helper()
	u, err := dialect.ParseURL(raw)
	if err != nil {
		auditErr(t, "ParseURL", err)
		t.Fatalf("a test URL does not parse: %v", err)
	}
	return u
}

// newEngine makes an engine that logs everything it can (Echo, EchoPool, at Debug) into
// an audited sink, and is disposed when the test ends. By then no connection may be
// checked out, Dispose must return promptly, and Connect must say ErrClosed.
func newEngine(t testing.TB, rawURL string, opts ...alchemy.Option) *alchemy.Engine {
	t.Helper()
	audit.addURL(rawURL)
	sink := newLogSink(t, t.Name()+" engine")
	opts = append([]alchemy.Option{alchemy.Logger(sink.logger()), alchemy.Echo(true), alchemy.EchoPool(true)}, opts...)
	eng, err := alchemy.CreateEngine(rawURL, opts...)
	if err != nil {
		auditErr(t, "CreateEngine", err)
		t.Fatalf("CreateEngine: %v", err)
	}
	auditValue(t, "Engine", eng)
	auditValue(t, "Engine.URL()", eng.URL())
	t.Cleanup(func() { disposeEngine(t, eng) })
	return eng
}

// disposeEngine disposes eng (again, if the test did) and checks that it is done for.
func disposeEngine(t testing.TB, eng *alchemy.Engine) {
	t.Helper()
	st := eng.PoolStatus()
	auditValue(t, "Engine.PoolStatus()", st)
	if st.CheckedOut != 0 {
		t.Errorf("engine %s: %d connection(s) still checked out at the end of the test (%+v)", eng, st.CheckedOut, st)
	}
	done := make(chan error, 1)
	go func() { done <- eng.Dispose() }()
	select {
	case err := <-done:
		if err != nil {
			auditErr(t, "Dispose", err)
			t.Errorf("Dispose: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Errorf("Dispose of %s has not returned after 10s", eng)
		return
	}
	if st := eng.PoolStatus(); st.CheckedIn != 0 {
		t.Errorf("%d idle connection(s) left in the pool after Dispose (%+v)", st.CheckedIn, st)
	}
	if _, err := eng.Connect(context.Background()); !errors.Is(err, alchemy.ErrClosed) {
		t.Errorf("Connect after Dispose: %v, want ErrClosed", err)
	}
}

// fillPool checks out n connections at once, runs a statement on each, and returns them,
// so that n connections are idle in the pool.
func fillPool(t *testing.T, eng *alchemy.Engine, n int) {
	t.Helper()
	ctx := context.Background()
	var all sync.WaitGroup
	all.Add(n)
	release := make(chan struct{})
	var g errgroup.Group
	for range n {
		g.Go(func() error {
			// Setup, not what is measured: a connect slower than a test's short
			// PoolTimeout on a loaded machine (another suite on the same servers)
			// is tried again, for a while.
			var c *alchemy.Conn
			var err error
			for deadline := time.Now().Add(15 * time.Second); ; time.Sleep(100 * time.Millisecond) {
				if c, err = eng.Connect(ctx); err == nil || time.Now().After(deadline) {
					break
				}
			}
			if err == nil {
				_, err = scalar[int64](ctx, c, "select 1")
			}
			all.Done()
			<-release
			if c != nil {
				c.Close()
			}
			return err
		})
	}
	all.Wait()
	close(release)
	if err := g.Wait(); err != nil {
		auditErr(t, "fill", err)
		t.Fatalf("filling the pool: %v", err)
	}
	if st := eng.PoolStatus(); st.CheckedIn != n || st.CheckedOut != 0 {
		t.Fatalf("after filling the pool: %+v, want %d idle connections", st, n)
	}
}

// request is one request of a load test: when it was sent, when it returned, and how.
type request struct {
	start, end time.Time
	err        error
	cancelled  bool // its context was cancelled on purpose (restart test)
}

// recorder collects the requests of many goroutines.
type recorder struct {
	mu   sync.Mutex
	reqs []request
}

func (r *recorder) add(q request) {
	r.mu.Lock()
	r.reqs = append(r.reqs, q)
	r.mu.Unlock()
}

func (r *recorder) all() []request {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.reqs)
}

// target is a database server as one test uses it: a URL whose sessions the test can
// find on the server (by application_name on PostgreSQL, by a database of the test's
// own on MariaDB), and an admin engine that counts and kills them.
type target struct {
	name  string // testdb.PostgreSQL, testdb.MySQL, testdb.PgBouncer, testdb.PgRestart
	url   string // for the engine under test, password included
	ident string // the application_name or database that marks the test's sessions
	admin *alchemy.Engine
}

// newTarget prepares target name for the test's case label. query adds options to the
// URL (key, value, key, value...). When the test ends — after the engines the test made
// afterwards are disposed — the server must show none of the test's sessions within 15s.
// A PgBouncer target has no admin: its sessions cannot be told apart on the server.
func newTarget(t testing.TB, name, label string, query ...string) *target {
	t.Helper()
	base := testdb.URL(t, name)
	audit.addURL(base)
	u := mustParse(t, base)
	for i := 0; i+1 < len(query); i += 2 {
		u = u.WithQuery(query[i], query[i+1])
	}
	tg := &target{name: name}
	switch name {
	case testdb.MySQL:
		tg.ident = fmt.Sprintf("alchemy_test_f_%s_%d", label, pid) // the test user may create alchemy_test_%
		if len(tg.ident) > 64 {
			t.Fatalf("database name %q too long", tg.ident)
		}
		tg.admin = newEngine(t, base, alchemy.PoolSize(2), alchemy.PoolPrePing(true))
		ctx := context.Background()
		if err := run(ctx, tg.admin, "drop database if exists "+tg.ident); err != nil {
			t.Fatal(err)
		}
		if err := run(ctx, tg.admin, "create database "+tg.ident); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			if err := run(context.Background(), tg.admin, "drop database if exists "+tg.ident); err != nil {
				t.Errorf("drop database %s: %v", tg.ident, err)
			}
		})
		u = u.WithDatabase(tg.ident)
	default:
		// The target's name too: PgBouncer hands a client's application_name on to its
		// pooled server sessions, which outlive the client.
		tg.ident = fmt.Sprintf("faults-%s-%s-%d", label, name, pid)
		u = u.WithQuery("application_name", tg.ident)
		if name != testdb.PgBouncer {
			adminURL := mustParse(t, base).WithQuery("application_name", fmt.Sprintf("faults-admin-%d", pid))
			tg.admin = newEngine(t, adminURL.RenderWithPassword(), alchemy.PoolSize(2), alchemy.PoolPrePing(true))
		}
	}
	tg.url = u.RenderWithPassword()
	if tg.admin != nil {
		t.Cleanup(func() { tg.waitSessions(t, 0, 15*time.Second) })
	}
	return tg
}

// sessions counts the test's sessions on the server.
func (tg *target) sessions(ctx context.Context) (int64, error) {
	q := "select count(*) from pg_stat_activity where application_name = :id"
	if tg.name == testdb.MySQL {
		q = "select count(*) from information_schema.processlist where db = :id"
	}
	return scalar[int64](ctx, tg.admin, q, alchemy.Params{"id": tg.ident})
}

// sessionIDs lists the server's ids (backend pid, connection id) of the test's sessions.
func (tg *target) sessionIDs(ctx context.Context) ([]int64, error) {
	q := "select pid from pg_stat_activity where application_name = :id"
	if tg.name == testdb.MySQL {
		q = "select id from information_schema.processlist where db = :id"
	}
	res, err := tg.admin.Execute(ctx, alchemy.Text(q), alchemy.Params{"id": tg.ident})
	if err != nil {
		return nil, err
	}
	return alchemy.Scalars[int64](res)
}

// killAll ends every session of the test on the server and returns their ids: one
// statement on PostgreSQL (pg_terminate_backend), one KILL per session on MariaDB (the
// test user may KILL its own sessions, and others' with CONNECTION ADMIN).
func (tg *target) killAll(ctx context.Context) ([]int64, error) {
	if tg.name != testdb.MySQL {
		res, err := tg.admin.Execute(ctx, alchemy.Text(
			// Materialized first: pg_terminate_backend must see the test's sessions only.
			"with s as materialized (select pid from pg_stat_activity where application_name = :id) "+
				"select pid from s where pg_terminate_backend(pid)"),
			alchemy.Params{"id": tg.ident})
		if err != nil {
			return nil, err
		}
		return alchemy.Scalars[int64](res)
	}
	ids, err := tg.sessionIDs(ctx)
	if err != nil {
		return nil, err
	}
	// All at once, one KILL per goroutine: killed one after another, the first kill's
	// failure would have the pool close the rest before their turn.
	var mu sync.Mutex
	var killed []int64
	var g errgroup.Group
	for _, id := range ids {
		g.Go(func() error {
			err := run(ctx, tg.admin, fmt.Sprintf("kill %d", id))
			var ae *alchemy.Error
			if errors.As(err, &ae) && ae.Code == "1094" {
				return nil // unknown thread id: the session ended on its own since it was listed
			}
			if err == nil {
				mu.Lock()
				killed = append(killed, id)
				mu.Unlock()
			}
			return err
		})
	}
	err = g.Wait()
	return killed, err
}

// pollSessions polls until the server shows want sessions of the test (backends take a
// moment to exit after their client has gone), for at most timeout. It returns the last
// count, whether it reached want, and the last error.
func (tg *target) pollSessions(want int64, timeout time.Duration) (int64, bool, error) {
	deadline := time.Now().Add(timeout)
	for {
		n, err := tg.sessions(context.Background())
		if err == nil && n == want {
			return n, true, nil
		}
		if time.Now().After(deadline) {
			return n, false, err
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// waitSessions is pollSessions that fails t when the count does not settle at want.
func (tg *target) waitSessions(t testing.TB, want int64, timeout time.Duration) {
	t.Helper()
	if n, ok, err := tg.pollSessions(want, timeout); !ok {
		t.Errorf("%s: the server shows %d session(s) of %s after %s, want %d (last error: %v)", tg.name, n, tg.ident, timeout, want, err)
	}
}

// countingCreator makes connections with the URL's own dialect connector and counts
// every attempt, failed ones included (a pool.Listener only sees the ones that worked).
func countingCreator(t testing.TB, rawURL string, attempts *atomic.Int64) alchemy.Option {
	t.Helper()
	u := mustParse(t, rawURL)
	d, err := dialect.ForURL(u)
	if err != nil {
		t.Fatal(err)
	}
	c, err := d.Connector(u, nil)
	if err != nil {
		auditErr(t, "Connector", err)
		t.Fatal(err)
	}
	return alchemy.Creator(func(ctx context.Context) (driver.Conn, error) {
		attempts.Add(1)
		return c.Connect(ctx)
	})
}

// sleepSQL is a statement that takes about d on the target's server.
func sleepSQL(name string, d time.Duration) string {
	if name == testdb.MySQL {
		return fmt.Sprintf("select sleep(%.3f) + 1", d.Seconds())
	}
	return fmt.Sprintf("select 1 from pg_sleep(%.3f)", d.Seconds())
}

// errSummary counts errors by message (addresses and numbers vary), for failure output.
func errSummary(errs []error) string {
	counts := map[string]int{}
	var order []string
	for _, e := range errs {
		k := e.Error()
		if len(k) > 900 {
			k = k[:900] + "..."
		}
		if counts[k] == 0 {
			order = append(order, k)
		}
		counts[k]++
	}
	var b strings.Builder
	for i, k := range order {
		if i == 8 {
			fmt.Fprintf(&b, "\n    ... and %d more kinds", len(order)-i)
			break
		}
		fmt.Fprintf(&b, "\n    %dx %s", counts[k], k)
	}
	return b.String()
}

// figures are the measured lines of the run (IDLE, KILL, RESTART ...), each logged with
// t.Log and collected for TestMain, which writes them to $ALCHEMY_FAULTS_REPORT: go test
// shows a passing test's log only with -v.
var figures struct {
	mu    sync.Mutex
	lines []string
}

// figure logs one parseable line of measurements, "KIND key=value ...".
func figure(t testing.TB, format string, args ...any) {
	t.Helper()
	line := fmt.Sprintf(format, args...)
	t.Log(line)
	figures.mu.Lock()
	figures.lines = append(figures.lines, line)
	figures.mu.Unlock()
}

// panicError is a panic recovered from one request. The load tests run requests on
// goroutines of their own, where a panic would end the whole run and hide every other
// result: guarded turns it into this error, which the test reports with its stack.
type panicError struct {
	value any
	stack string
}

func (p *panicError) Error() string { return fmt.Sprintf("panic: %v", p.value) }

// guarded runs fn, recovering a panic into a *panicError.
func guarded(fn func() error) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = &panicError{value: r, stack: string(debug.Stack())}
		}
	}()
	return fn()
}

// reportPanics fails t for each panicking request among errs (the first one's stack in
// full) and returns errs without them.
func reportPanics(t testing.TB, errs []error) []error {
	t.Helper()
	var rest []error
	n := 0
	for _, err := range errs {
		var p *panicError
		if !errors.As(err, &p) {
			rest = append(rest, err)
			continue
		}
		auditString(t, "panic message", p.Error())
		if n == 0 {
			t.Errorf("a request panicked: %v\n%s", p.value, p.stack)
		}
		n++
	}
	if n > 1 {
		t.Errorf("%d requests panicked in all", n)
	}
	return rest
}
