package faults_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	toxiproxy "github.com/Shopify/toxiproxy/v2"
	"github.com/rs/zerolog"
	"golang.org/x/sync/errgroup"

	"github.com/go-alchemy/alchemy"
	"github.com/go-alchemy/alchemy/internal/testdb"
)

// slack is what a call may take beyond its deadline or timeout on this busy machine (2
// cores, the race detector, the other tests).
const slack = 1500 * time.Millisecond

// toxiTargets are the servers the network faults are tried on. PgBouncer's sessions
// cannot be told apart on PostgreSQL, so its session count is not checked.
var toxiTargets = []string{testdb.PostgreSQL, testdb.MySQL, testdb.PgBouncer}

// proxy is a toxiproxy proxy run in this process, on loopback, in front of a server.
type proxy struct {
	p *toxiproxy.Proxy
}

// newProxy starts a proxy to upstream (host:port) on a free loopback port; it stops,
// closing every connection through it, when the test ends.
func newProxy(t testing.TB, upstream string) *proxy {
	t.Helper()
	srv := toxiproxy.NewServer(toxiproxy.NewMetricsContainer(nil), zerolog.Nop())
	p := toxiproxy.NewProxy(srv, strings.ReplaceAll(t.Name(), "/", "_"), "127.0.0.1:0", upstream)
	if err := p.Start(); err != nil {
		t.Fatalf("starting toxiproxy: %v", err)
	}
	t.Cleanup(func() {
		p.Toxics.ResetToxics(context.Background()) // a slow_close would hold its links for its delay
		p.Stop()
	})
	return &proxy{p: p}
}

// url returns rawURL with its host and port replaced by the proxy's.
func (p *proxy) url(t testing.TB, rawURL string) string {
	t.Helper()
	host, port, err := net.SplitHostPort(p.p.Listen)
	if err != nil {
		t.Fatal(err)
	}
	n, _ := strconv.Atoi(port)
	return mustParse(t, rawURL).WithHost(host).WithPort(n).RenderWithPassword()
}

// add adds a toxic on stream ("upstream": client to server, "downstream": back).
func (p *proxy) add(t testing.TB, name, typ, stream string, attrs string) {
	t.Helper()
	js := fmt.Sprintf(`{"name":%q,"type":%q,"stream":%q,"toxicity":1,"attributes":%s}`, name, typ, stream, attrs)
	if _, err := p.p.Toxics.AddToxicJson(strings.NewReader(js)); err != nil {
		t.Fatalf("adding toxic %s: %v", name, err)
	}
}

func (p *proxy) remove(t testing.TB, name string) {
	t.Helper()
	if err := p.p.Toxics.RemoveToxic(context.Background(), name); err != nil {
		t.Fatalf("removing toxic %s: %v", name, err)
	}
}

// upstreamOf returns the host:port a target's URL points at.
func upstreamOf(t testing.TB, rawURL string) string {
	u := mustParse(t, rawURL)
	return net.JoinHostPort(u.Host, strconv.Itoa(u.Port))
}

// toxiSetup makes, for one target, the test's target, a proxy in front of its server
// and an engine through the proxy. When the test ends the engine is disposed, the proxy
// stopped, and the server must show none of the test's sessions (PgBouncer aside).
func toxiSetup(t *testing.T, name, label string, opts ...alchemy.Option) (*target, *proxy, *alchemy.Engine) {
	t.Helper()
	tg := newTarget(t, name, label, "connect_timeout", "10")
	p := newProxy(t, upstreamOf(t, tg.url))
	eng := newEngine(t, p.url(t, tg.url), opts...)
	return tg, p, eng
}

// doubleSQL returns the statement that doubles :n on a target.
func doubleSQL(name string) string {
	if name == testdb.MySQL {
		return "select cast(:n as signed) * 2"
	}
	return "select cast(:n as bigint) * 2"
}

// TestToxicLatency: with 100ms added to every answer, statements from 8 goroutines take
// at least that long and still return their own right result; without it, they are fast
// again.
func TestToxicLatency(t *testing.T) {
	t.Parallel()
	const latency = 100 * time.Millisecond
	for _, name := range toxiTargets {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			_, p, eng := toxiSetup(t, name, "lat", alchemy.PoolSize(4), alchemy.MaxOverflow(4))
			ctx := context.Background()
			q := doubleSQL(name)
			fillPool(t, eng, 4)
			p.add(t, "lat", "latency", "downstream", fmt.Sprintf(`{"latency":%d,"jitter":0}`, latency.Milliseconds()))
			var g errgroup.Group
			for w := range 8 {
				g.Go(func() error {
					for i := range 4 {
						n := int64(w*100 + i)
						start := time.Now()
						got, err := scalar[int64](ctx, eng, q, alchemy.Params{"n": n})
						took := time.Since(start)
						if err != nil {
							return fmt.Errorf("statement under latency: %w", err)
						}
						if got != 2*n {
							return fmt.Errorf("statement for %d under latency returned %d, want %d", n, got, 2*n)
						}
						if took < latency-5*time.Millisecond {
							return fmt.Errorf("statement took %s with %s of latency on every answer", took, latency)
						}
					}
					return nil
				})
			}
			if err := g.Wait(); err != nil {
				auditErr(t, "latency", err)
				t.Fatal(err)
			}
			p.remove(t, "lat")
			// The fastest of a few statements shows the latency gone (one alone may be
			// slow on a loaded machine, which is not what this checks).
			fastest := time.Hour
			for range 5 {
				start := time.Now()
				if got, err := scalar[int64](ctx, eng, q, alchemy.Params{"n": 21}); err != nil || got != 42 {
					t.Fatalf("after removing the latency: %d, %v", got, err)
				}
				fastest = min(fastest, time.Since(start))
				if fastest < latency/2 {
					break
				}
			}
			if fastest >= latency {
				t.Errorf("the fastest of 5 statements took %s after the latency was removed", fastest)
			}
		})
	}
}

// TestToxicBlackHole: the network swallows everything the client sends (toxiproxy's
// timeout toxic, which never closes). Nothing deadlocks: statements end at their
// context's deadline, a checkout of the full pool ends at PoolTimeout (ErrPoolTimeout) or
// at its context's earlier deadline, a new connection ends at its context's deadline,
// each within slack; Dispose returns; and after the toxic is removed a request succeeds.
func TestToxicBlackHole(t *testing.T) {
	t.Parallel()
	const (
		size        = 2
		poolTimeout = 500 * time.Millisecond
		stmtTimeout = 800 * time.Millisecond
		ctxTimeout  = 200 * time.Millisecond
		connTimeout = 500 * time.Millisecond
	)
	for _, name := range toxiTargets {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			_, p, eng := toxiSetup(t, name, "hole", alchemy.PoolSize(size), alchemy.MaxOverflow(0), alchemy.PoolTimeout(poolTimeout))
			fillPool(t, eng, size)
			p.add(t, "hole", "timeout", "upstream", `{"timeout":0}`)

			// within runs fn, which must return within limit + slack, and returns how long
			// it took and its error. It may run on any goroutine (it never calls t.Fatal).
			within := func(what string, limit time.Duration, fn func() error) (time.Duration, error) {
				start := time.Now()
				done := make(chan error, 1)
				go func() { done <- fn() }()
				select {
				case err := <-done:
					took := time.Since(start)
					auditErr(t, what, err)
					if took > limit+slack {
						t.Errorf("%s took %s, limit %s + slack %s", what, took, limit, slack)
					}
					return took, err
				case <-time.After(limit + 10*time.Second):
					t.Errorf("%s has not returned %s after its limit of %s: deadlock", what, 10*time.Second, limit)
					return 0, errors.New("deadlock")
				}
			}

			// Both pooled connections go into statements that never get an answer.
			var holders sync.WaitGroup
			holderErrs := make([]error, size)
			holderTook := make([]time.Duration, size)
			var poolTook, ctxTook time.Duration
			for i := range size {
				c, err := eng.Connect(context.Background())
				if err != nil {
					t.Fatalf("checkout of an idle connection: %v", err)
				}
				holders.Add(1)
				go func() {
					defer holders.Done()
					defer c.Close()
					holderTook[i], holderErrs[i] = within("statement into the black hole", stmtTimeout, func() error {
						ctx, cancel := context.WithTimeout(context.Background(), stmtTimeout)
						defer cancel()
						_, err := scalar[int64](ctx, c, "select 1")
						return err
					})
				}()
			}

			// Meanwhile the pool is exhausted: PoolTimeout, or an earlier ctx deadline, ends a checkout.
			var g errgroup.Group
			g.Go(func() error {
				took, err := within("checkout of the exhausted pool", poolTimeout, func() error {
					c, err := eng.Connect(context.Background())
					if err == nil {
						c.Close()
					}
					return err
				})
				poolTook = took
				if !errors.Is(err, alchemy.ErrPoolTimeout) {
					return fmt.Errorf("checkout of the exhausted pool: %v, want ErrPoolTimeout", err)
				}
				if took < poolTimeout-50*time.Millisecond {
					return fmt.Errorf("checkout of the exhausted pool gave up after %s, before PoolTimeout %s", took, poolTimeout)
				}
				return nil
			})
			g.Go(func() error {
				took, err := within("checkout with a ctx deadline before PoolTimeout", ctxTimeout, func() error {
					ctx, cancel := context.WithTimeout(context.Background(), ctxTimeout)
					defer cancel()
					c, err := eng.Connect(ctx)
					if err == nil {
						c.Close()
					}
					return err
				})
				ctxTook = took
				if !errors.Is(err, context.DeadlineExceeded) {
					return fmt.Errorf("checkout with a %s deadline: %v, want context.DeadlineExceeded", ctxTimeout, err)
				}
				return nil
			})
			if err := g.Wait(); err != nil {
				t.Error(err)
			}
			holders.Wait()
			for i, err := range holderErrs {
				if !errors.Is(err, context.DeadlineExceeded) {
					t.Errorf("statement %d into the black hole: %v, want context.DeadlineExceeded", i, err)
				}
			}

			// The held connections are gone (cut off mid-statement); a new one cannot be made.
			connTook, err := within("connect through the black hole", connTimeout, func() error {
				ctx, cancel := context.WithTimeout(context.Background(), connTimeout)
				defer cancel()
				_, err := scalar[int64](ctx, eng, "select 1")
				return err
			})
			if !errors.Is(err, context.DeadlineExceeded) {
				t.Errorf("a request needing a new connection through the black hole: %v, want context.DeadlineExceeded", err)
			}
			if st := eng.PoolStatus(); st.CheckedOut != 0 {
				t.Errorf("after every call returned: %+v", st)
			}

			p.remove(t, "hole")
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			if _, err := scalar[int64](ctx, eng, "select 1"); err != nil {
				auditErr(t, "after the black hole", err)
				t.Errorf("first request after the black hole was removed: %v", err)
			}
			disposeTook, _ := within("Dispose", 0, eng.Dispose)
			figure(t, "BLACKHOLE server=%s statement=%s/%s checkout_pool_timeout=%s/%s checkout_ctx=%s/%s connect=%s/%s dispose=%s",
				name, slices.Max(holderTook).Round(time.Millisecond), stmtTimeout, poolTook.Round(time.Millisecond), poolTimeout,
				ctxTook.Round(time.Millisecond), ctxTimeout, connTook.Round(time.Millisecond), connTimeout, disposeTook.Round(time.Millisecond))
		})
	}
}

// TestToxicResetPeer: the network resets every connection as soon as the client sends
// anything. Requests fail with ErrDisconnect; once the toxic is removed the very next
// request succeeds, and so do the ones after it.
func TestToxicResetPeer(t *testing.T) {
	t.Parallel()
	for _, name := range toxiTargets {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			_, p, eng := toxiSetup(t, name, "reset", alchemy.PoolSize(3), alchemy.MaxOverflow(0))
			fillPool(t, eng, 3)
			p.add(t, "reset", "reset_peer", "upstream", `{"timeout":0}`)
			for i := range 4 {
				ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
				_, err := scalar[int64](ctx, eng, "select 1")
				cancel()
				auditErr(t, "reset_peer", err)
				if !errors.Is(err, alchemy.ErrDisconnect) {
					t.Errorf("request %d through a resetting network: %v, want an error satisfying ErrDisconnect", i, err)
				}
			}
			p.remove(t, "reset")
			// The pool backs off the connects that failed while the network reset
			// them (at most ConnectBackoffMax, 500ms): the first request succeeds
			// within a second, and every one after it.
			recovered := false
			for deadline := time.Now().Add(time.Second); !recovered && time.Now().Before(deadline); {
				ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
				_, err := scalar[int64](ctx, eng, "select 1")
				cancel()
				if recovered = err == nil; !recovered {
					auditErr(t, "recovering after reset_peer", err)
					time.Sleep(10 * time.Millisecond)
				}
			}
			if !recovered {
				t.Errorf("no request succeeded within 1s of removing the reset toxic")
			}
			for i := range 5 {
				ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
				_, err := scalar[int64](ctx, eng, "select 1")
				cancel()
				if err != nil {
					auditErr(t, "after reset_peer", err)
					t.Errorf("request %d after the reset toxic was removed: %v", i, err)
				}
			}
			if st := eng.PoolStatus(); st.Invalidated == 0 {
				t.Errorf("no connection was invalidated: %+v", st)
			}
		})
	}
}

// TestToxicSlowClose: closing a connection takes the network 2s (slow_close on both
// streams). Neither an invalidation nor Dispose waits for it: the request after an
// invalidation and Dispose return at once, and the server's sessions still end.
func TestToxicSlowClose(t *testing.T) {
	t.Parallel()
	const delay = 2 * time.Second
	for _, name := range toxiTargets {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			tg, p, eng := toxiSetup(t, name, "slow", alchemy.PoolSize(3), alchemy.MaxOverflow(0))
			fillPool(t, eng, 3)
			for _, stream := range []string{"upstream", "downstream"} {
				p.add(t, "slow_"+stream, "slow_close", stream, fmt.Sprintf(`{"delay":%d}`, delay.Milliseconds()))
			}
			ctx := context.Background()
			c, err := eng.Connect(ctx)
			if err != nil {
				t.Fatal(err)
			}
			start := time.Now()
			if err := c.Invalidate(); err != nil {
				t.Fatal(err)
			}
			c.Close()
			if _, err := scalar[int64](ctx, eng, "select 1"); err != nil {
				t.Fatalf("request after an invalidation: %v", err)
			}
			if took := time.Since(start); took > delay/2 {
				t.Errorf("invalidating a connection and the next request took %s: the slow close (%s) was waited for", took, delay)
			}
			start = time.Now()
			if err := eng.Dispose(); err != nil {
				t.Errorf("Dispose: %v", err)
			}
			if took := time.Since(start); took > delay/2 {
				t.Errorf("Dispose took %s: the slow close (%s) was waited for", took, delay)
			}
			if tg.admin != nil {
				tg.waitSessions(t, 0, delay+10*time.Second)
			}
		})
	}
}
