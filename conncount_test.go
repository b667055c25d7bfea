package alchemy_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/go-alchemy/alchemy"
	"github.com/go-alchemy/alchemy/internal/testdb"
)

// serverConnCount counts, on the server, the sessions of a database that only the
// engine under test uses. It reports a failure with t.Error (it also runs on a
// monitoring goroutine, where t.Fatal must not be called) and then returns -1.
func serverConnCount(t *testing.T, admin *alchemy.Engine, target, db string) int64 {
	t.Helper()
	q := map[string]string{
		testdb.PostgreSQL: "select count(*) from pg_stat_activity where datname = :db",
		testdb.MySQL:      "select count(*) from information_schema.processlist where db = :db",
	}[target]
	res, err := admin.Execute(context.Background(), alchemy.Text(q), alchemy.Params{"db": db})
	if err != nil {
		t.Error(err)
		return -1
	}
	n, err := alchemy.Scalar[int64](res)
	if err != nil {
		t.Error(err)
		return -1
	}
	return n
}

// TestServerConnectionsFollowThePool checks the pool against the server's own count
// of connections: under a load of 32 goroutines over size 3 overflow 2 the server
// never sees more than 5 sessions, after the load it sees exactly the pool's open
// connections, and after Dispose none.
func TestServerConnectionsFollowThePool(t *testing.T) {
	t.Parallel()
	for _, target := range []string{testdb.PostgreSQL, testdb.MySQL} {
		t.Run(target, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			admin := newEngine(t, testdb.URL(t, target))
			db := "alchemy_test_" + uniqueName("conns") // the MariaDB user may create alchemy_test_% databases
			if _, err := admin.Execute(ctx, alchemy.Text("create database "+db)); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() {
				// Dropped after the engine under test is disposed (cleanups run last in, first out).
				if _, err := admin.Execute(ctx, alchemy.Text("drop database if exists "+db)); err != nil {
					t.Errorf("drop database: %v", err)
				}
			})
			u, err := alchemy.ParseURL(testdb.URL(t, target))
			if err != nil {
				t.Fatal(err)
			}
			eng, err := alchemy.CreateEngineURL(u.WithDatabase(db), alchemy.PoolSize(3), alchemy.MaxOverflow(2),
				alchemy.PoolTimeout(10*time.Second), alchemy.Logger(quiet))
			if err != nil {
				t.Fatal(err)
			}
			defer eng.Dispose()

			stop := make(chan struct{})
			var maxSeen int64
			var monitor sync.WaitGroup
			monitor.Go(func() {
				for {
					select {
					case <-stop:
						return
					case <-time.After(5 * time.Millisecond):
					}
					maxSeen = max(maxSeen, serverConnCount(t, admin, target, db))
				}
			})
			query := alchemy.Text(map[string]string{
				testdb.PostgreSQL: "select cast(:n as bigint)",
				testdb.MySQL:      "select :n",
			}[target])
			var wg sync.WaitGroup
			for g := range 32 {
				wg.Go(func() {
					for i := range 20 {
						n := g*100 + i
						res, err := eng.Execute(ctx, query, alchemy.Params{"n": n})
						if err != nil {
							t.Error(err)
							return
						}
						if got, err := alchemy.Scalar[int64](res); err != nil || got != int64(n) {
							t.Errorf("select %d: %d, %v", n, got, err)
							return
						}
					}
				})
			}
			wg.Wait()
			close(stop)
			monitor.Wait()
			if maxSeen > 5 || maxSeen == 0 {
				t.Errorf("the server saw up to %d sessions of the engine; its pool allows 5", maxSeen)
			}
			st := eng.PoolStatus()
			if st.CheckedOut != 0 || st.Open != st.CheckedIn || st.Open > 3 {
				t.Errorf("after the load: %+v, want every connection back and at most pool_size kept", st)
			}
			// Overflow connections closed at checkin leave backends that take a
			// moment to exit: poll until the server's count settles.
			if n := settledConnCount(t, admin, target, db, int64(st.Open)); n != int64(st.Open) {
				t.Errorf("the server sees %d sessions, the pool holds %d", n, st.Open)
			}
			if err := eng.Dispose(); err != nil {
				t.Fatal(err)
			}
			if n := settledConnCount(t, admin, target, db, 0); n != 0 {
				t.Fatalf("after Dispose the server still sees %d sessions", n)
			}
		})
	}
}

// settledConnCount polls the server's count of sessions on db until it is want or
// 5 seconds have passed, and returns the last count: sessions closed by the client
// are listed until their backend has exited.
func settledConnCount(t *testing.T, admin *alchemy.Engine, target, db string, want int64) int64 {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		n := serverConnCount(t, admin, target, db)
		if n == want || n < 0 || time.Now().After(deadline) {
			return n
		}
		time.Sleep(20 * time.Millisecond)
	}
}
