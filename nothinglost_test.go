package alchemy_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-alchemy/alchemy"
	"github.com/go-alchemy/alchemy/internal/testdb"
)

// cancelPlan is how one transaction of TestNothingLostUnderCancellation meets its
// context's end.
type cancelPlan int

const (
	neverCancelled  cancelPlan = iota // its context never ends: it must commit
	cancelAnyTime                     // a timer ends it at a random moment
	cancelAtCommit                    // fn ends it just before returning nil
	cancelAfterFail                   // fn ends it, then fails: the rollback runs with an ended context
)

func randomPlan(r *rand.Rand) cancelPlan {
	switch n := r.IntN(16); {
	case n < 4:
		return neverCancelled
	case n < 11:
		return cancelAnyTime
	case n < 14:
		return cancelAtCommit
	default:
		return cancelAfterFail
	}
}

// TestNothingLostUnderCancellation runs thousands of two-row transactions on
// PostgreSQL and MariaDB whose contexts end at random moments: before BEGIN, inside
// a statement, between statements, just before COMMIT, during COMMIT, and before a
// rollback. Afterwards every transaction for which Begin (or Commit) returned nil has
// both its rows and every other has none; no transaction whose context never ended
// failed (so no earlier cancellation left a dead connection behind); and the server
// never saw more sessions than the pool's size plus overflow.
func TestNothingLostUnderCancellation(t *testing.T) {
	t.Parallel()
	n := 4000
	if testing.Short() {
		n = 400
	}
	for _, target := range []string{testdb.PostgreSQL, testdb.MySQL} {
		t.Run(target, func(t *testing.T) {
			t.Parallel()
			nothingLost(t, target, n)
		})
	}
}

func nothingLost(t *testing.T, target string, n int) {
	ctx := context.Background()
	admin := newEngine(t, testdb.URL(t, target))
	db := "alchemy_test_" + uniqueName("lost")
	mustExec(t, admin, "create database "+db)
	t.Cleanup(func() { mustExec(t, admin, "drop database if exists "+db) })
	u, err := alchemy.ParseURL(testdb.URL(t, target))
	if err != nil {
		t.Fatal(err)
	}
	const size, overflow = 4, 4
	eng, err := alchemy.CreateEngineURL(u.WithDatabase(db), alchemy.PoolSize(size), alchemy.MaxOverflow(overflow),
		alchemy.PoolTimeout(20*time.Second), alchemy.Logger(quiet))
	if err != nil {
		t.Fatal(err)
	}
	defer eng.Dispose() // before the database is dropped (cleanups run after)
	mustExec(t, eng, "create table rows_written (tx integer not null, k integer not null, primary key (tx, k))")

	// Watch the server's own count of sessions on the test's database.
	stop := make(chan struct{})
	var peak atomic.Int64
	var watch sync.WaitGroup
	watch.Add(1)
	go func() {
		defer watch.Done()
		for {
			select {
			case <-stop:
				return
			case <-time.After(5 * time.Millisecond):
			}
			if c := serverConnCount(t, admin, target, db); c > peak.Load() {
				peak.Store(c)
			}
		}
	}()

	committed := make([]bool, n)
	plans := make([]cancelPlan, n)
	var neverCancelledFailures atomic.Int64
	var firstFailure atomic.Value
	const workers = 12
	var wg sync.WaitGroup
	next := atomic.Int64{}
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := rand.New(rand.NewPCG(uint64(w), 42))
			for {
				i := int(next.Add(1)) - 1
				if i >= n {
					return
				}
				plan := randomPlan(r)
				plans[i] = plan
				err := oneTransaction(ctx, eng, i, plan, r)
				committed[i] = err == nil
				if plan == neverCancelled && err != nil {
					neverCancelledFailures.Add(1)
					firstFailure.CompareAndSwap(nil, fmt.Sprintf("transaction %d: %v", i, err))
				}
			}
		}()
	}
	wg.Wait()
	close(stop)
	watch.Wait()

	if f := neverCancelledFailures.Load(); f > 0 {
		t.Errorf("%d transactions whose context never ended failed; the first: %v", f, firstFailure.Load())
	}
	res, err := eng.Execute(ctx, alchemy.Text("select tx, count(*) from rows_written group by tx"))
	if err != nil {
		t.Fatal(err)
	}
	counts := make([]int, n)
	for res.Next() {
		var tx, c int
		if err := res.Scan(&tx, &c); err != nil {
			t.Fatal(err)
		}
		counts[tx] = c
	}
	if err := res.Err(); err != nil {
		t.Fatal(err)
	}
	var lost, ghosts, ok, failed int
	perPlan := map[cancelPlan][2]int{}
	for i := range n {
		pp := perPlan[plans[i]]
		switch {
		case committed[i] && counts[i] != 2:
			lost++
			if lost <= 5 {
				t.Errorf("transaction %d (plan %d) was reported committed but has %d of its 2 rows", i, plans[i], counts[i])
			}
		case !committed[i] && counts[i] != 0:
			ghosts++
			if ghosts <= 5 {
				t.Errorf("transaction %d (plan %d) was reported failed but has %d rows", i, plans[i], counts[i])
			}
		case committed[i]:
			ok++
			pp[0]++
		default:
			failed++
			pp[1]++
		}
		perPlan[plans[i]] = pp
	}
	if lost+ghosts > 0 {
		t.Errorf("%d committed transactions lost rows, %d failed ones left rows", lost, ghosts)
	}
	// PostgreSQL drops a session's row as its backend exits, before the socket
	// closes; MariaDB lists a thread for a moment after its client has closed the
	// socket (docs/RELIABILITY.md), so its peak is only logged.
	if p := peak.Load(); p > size+overflow && target == testdb.PostgreSQL {
		t.Errorf("the server saw %d sessions at once for a pool of %d + %d", p, size, overflow)
	}
	st := eng.PoolStatus()
	t.Logf("%s: %d committed, %d failed (committed/failed by plan: never %v, any time %v, at commit %v, after fail %v); peak server sessions %d; pool %+v",
		target, ok, failed, perPlan[neverCancelled], perPlan[cancelAnyTime], perPlan[cancelAtCommit], perPlan[cancelAfterFail], peak.Load(), st)
	if ok == 0 || failed == 0 {
		t.Errorf("the run did not exercise both outcomes: %d committed, %d failed", ok, failed)
	}
}

var errPlanned = errors.New("planned failure")

// oneTransaction writes rows (i, 1) and (i, 2) in one transaction, its context ended
// as plan says. Alternately it uses Engine.RunInTx and an explicit Conn.Begin/Commit.
func oneTransaction(parent context.Context, eng *alchemy.Engine, i int, plan cancelPlan, r *rand.Rand) error {
	ctx, cancel := context.WithCancel(parent)
	defer cancel()
	if plan == cancelAnyTime {
		t := time.AfterFunc(time.Duration(r.IntN(3000))*time.Microsecond, cancel)
		defer t.Stop()
	}
	insert := alchemy.Text("insert into rows_written (tx, k) values (:tx, :k)")
	body := func(c *alchemy.Conn) error {
		for k := 1; k <= 2; k++ {
			if _, err := c.Execute(ctx, insert, alchemy.Params{"tx": i, "k": k}); err != nil {
				return err
			}
		}
		switch plan {
		case cancelAtCommit:
			cancel()
		case cancelAfterFail:
			cancel()
			return errPlanned
		}
		return nil
	}
	if i%2 == 0 {
		return eng.RunInTx(ctx, body)
	}
	c, err := eng.Connect(ctx)
	if err != nil {
		return err
	}
	defer c.Close()
	tx, err := c.Begin(ctx)
	if err != nil {
		return err
	}
	if err := body(c); err != nil {
		_ = tx.Rollback(ctx)
		return err
	}
	if err := tx.Commit(ctx); err != nil {
		_ = tx.Rollback(ctx)
		return err
	}
	return nil
}
