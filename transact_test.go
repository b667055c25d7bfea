package alchemy_test

import (
	"context"
	"errors"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-alchemy/alchemy"
	"github.com/go-alchemy/alchemy/internal/fakedriver"
	"github.com/go-alchemy/alchemy/internal/testdb"
)

// TestTransactJoinsThroughContext: the seed's threadlocal strategy in Go: code below
// Transact executes on the engine with the same ctx and lands in its transaction.
func TestTransactJoinsThroughContext(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, tg testdb.Target) {
		t.Parallel()
		eng := newEngine(t, tg.URL)
		table := itemsTable(t, eng, tg)
		ctx := context.Background()
		callOperation1 := func(ctx context.Context) error {
			_, err := eng.Execute(ctx, alchemy.Text("insert into "+table+" (name) values (:n)"), "john")
			return err
		}
		callOperation2 := func(ctx context.Context) error {
			_, err := eng.Execute(ctx, alchemy.Text("update "+table+" set name = :n where name = 'john'"), alchemy.Params{"n": "ed"})
			return err
		}
		if _, ok := alchemy.ConnFromContext(ctx, eng); ok {
			t.Fatal("ConnFromContext finds a connection in a bare context")
		}
		err := alchemy.Transact(ctx, eng, func(ctx context.Context) error {
			c, ok := alchemy.ConnFromContext(ctx, eng)
			if !ok || !c.InTransaction() {
				t.Fatalf("ConnFromContext inside Transact: %v, %v", c, ok)
			}
			if err := callOperation1(ctx); err != nil {
				return err
			}
			if err := callOperation2(ctx); err != nil {
				return err
			}
			// The same ctx sees the transaction's uncommitted rows...
			if n := scalarInt(t, eng, "select count(*) from "+table+" where name = 'ed'"); n != 0 {
				// (scalarInt uses context.Background: a connection of its own)
				t.Errorf("a connection outside the transaction sees %d uncommitted rows", n)
			}
			res, err := eng.Execute(ctx, alchemy.Text("select count(*) from "+table+" where name = 'ed'"))
			if err != nil {
				return err
			}
			n, err := alchemy.Scalar[int64](res)
			if err != nil {
				return err
			}
			if n != 1 {
				t.Errorf("engine.Execute with the transaction's ctx sees %d rows, want its own uncommitted 1", n)
			}
			// ...on the transaction's own connection: nothing else is checked out.
			if st := eng.PoolStatus(); st.CheckedOut != 1 {
				t.Errorf("%d connections checked out inside Transact, want 1", st.CheckedOut)
			}
			// A Conn of its own, from eng.Connect, is outside the transaction.
			if n := countFromOther(t, eng, table); n != 0 {
				t.Errorf("a second connection sees %d uncommitted rows", n)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if got := namesFromOther(t, eng, table); !slices.Equal(got, []string{"ed"}) {
			t.Fatalf("after Transact: %v", got)
		}
		if st := eng.PoolStatus(); st.CheckedOut != 0 {
			t.Fatalf("Transact kept its connection: %+v", st)
		}
	})
}

// TestTransactNesting: a nested Transact joins; WithSavepoint opens a savepoint
// whose failure rolls back only its own work; an error or a panic rolls back.
func TestTransactNesting(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, tg testdb.Target) {
		t.Parallel()
		eng := newEngine(t, tg.URL)
		table := itemsTable(t, eng, tg)
		ctx := context.Background()
		insert := func(ctx context.Context, name string) error {
			_, err := eng.Execute(ctx, alchemy.Text("insert into "+table+" (name) values (:n)"), name)
			return err
		}
		boom := errors.New("boom")

		// Joined: the inner one's Commit commits nothing; the outer's does.
		var outerConn *alchemy.Conn
		err := alchemy.Transact(ctx, eng, func(ctx context.Context) error {
			outerConn, _ = alchemy.ConnFromContext(ctx, eng)
			if err := insert(ctx, "outer"); err != nil {
				return err
			}
			return alchemy.Transact(ctx, eng, func(ctx context.Context) error {
				if c, _ := alchemy.ConnFromContext(ctx, eng); c != outerConn {
					t.Error("the nested Transact runs on another connection")
				}
				if err := insert(ctx, "inner"); err != nil {
					return err
				}
				return nil
			})
		})
		if err != nil {
			t.Fatal(err)
		}
		if got := namesFromOther(t, eng, table); !slices.Equal(got, []string{"inner", "outer"}) {
			t.Fatalf("joined: %v", got)
		}

		// Joined, the inner one fails: everything is rolled back, and an outer fn
		// that swallows the error still cannot commit.
		err = alchemy.Transact(ctx, eng, func(ctx context.Context) error {
			if err := insert(ctx, "lost-outer"); err != nil {
				return err
			}
			if err := alchemy.Transact(ctx, eng, func(ctx context.Context) error {
				insert(ctx, "lost-inner")
				return boom
			}); !errors.Is(err, boom) {
				t.Errorf("inner Transact returned %v", err)
			}
			return nil // swallowed
		})
		if !rolledBackInside(err) {
			t.Fatalf("outer Transact after a failed joined one: %v, want the ErrTxDone of an inner rollback", err)
		}
		if n := countFromOther(t, eng, table); n != 2 {
			t.Fatalf("%d rows after a failed joined Transact, want 2", n)
		}

		// WithSavepoint: only the inner part is rolled back.
		err = alchemy.Transact(ctx, eng, func(ctx context.Context) error {
			if err := insert(ctx, "sp-outer"); err != nil {
				return err
			}
			if err := alchemy.Transact(ctx, eng, func(ctx context.Context) error {
				insert(ctx, "sp-inner-lost")
				return boom
			}, alchemy.WithSavepoint()); !errors.Is(err, boom) {
				t.Errorf("savepoint Transact returned %v", err)
			}
			return alchemy.Transact(ctx, eng, func(ctx context.Context) error {
				return insert(ctx, "sp-inner-kept")
			}, alchemy.WithSavepoint())
		})
		if err != nil {
			t.Fatal(err)
		}
		if got := namesFromOther(t, eng, table); !slices.Equal(got, []string{"inner", "outer", "sp-inner-kept", "sp-outer"}) {
			t.Fatalf("with savepoints: %v", got)
		}

		// A panic rolls back and panics again.
		func() {
			defer func() {
				if p := recover(); p != "kaboom" {
					t.Errorf("recovered %v", p)
				}
			}()
			alchemy.Transact(ctx, eng, func(ctx context.Context) error {
				insert(ctx, "panicked")
				panic("kaboom")
			})
		}()
		if n := countFromOther(t, eng, table); n != 4 {
			t.Fatalf("%d rows after a panic, want 4", n)
		}
		if st := eng.PoolStatus(); st.CheckedOut != 0 {
			t.Fatalf("a connection left checked out: %+v", st)
		}
	})
}

// TestTransactPerEngine: a context carries one transaction per engine; another
// engine's Transact does not join it.
func TestTransactPerEngine(t *testing.T) {
	t.Parallel()
	_, e1 := newFake(t)
	_, e2 := newFake(t)
	ctx := context.Background()
	err := alchemy.Transact(ctx, e1, func(ctx context.Context) error {
		c1, _ := alchemy.ConnFromContext(ctx, e1)
		if _, ok := alchemy.ConnFromContext(ctx, e2); ok {
			t.Error("e2 finds e1's connection")
		}
		return alchemy.Transact(ctx, e2, func(ctx context.Context) error {
			c2, ok := alchemy.ConnFromContext(ctx, e2)
			if !ok || c2 == c1 || c2.Engine() != e2 {
				t.Error("e2's Transact did not open its own connection")
			}
			if c, _ := alchemy.ConnFromContext(ctx, e1); c != c1 {
				t.Error("e1's connection is lost inside e2's Transact")
			}
			return nil
		})
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestRetryFake: WithRetry runs the whole transaction again after a serialization
// failure, up to MaxAttempts, and never after another error.
func TestRetryFake(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	noWait := func(int) time.Duration { return 0 }

	d, eng := newFake(t)
	d.FailNext(fakedriver.OpCommit, fakedriver.Serialization)
	d.FailNext(fakedriver.OpExec, fakedriver.Serialization)
	attempts := 0
	err := eng.RunInTx(ctx, func(c *alchemy.Conn) error {
		attempts++
		_, err := c.Execute(ctx, alchemy.Text("update t set x = 1"))
		return err
	}, alchemy.WithRetry(alchemy.RetryPolicy{MaxAttempts: 5, Backoff: noWait}))
	if err != nil || attempts != 3 {
		t.Fatalf("engine.Begin with retry: %v after %d attempts, want success at the 3rd", err, attempts)
	}
	if n := d.Count(fakedriver.OpCommit); n != 2 {
		t.Errorf("%d COMMITs, want 2 (the first failed)", n)
	}

	attempts = 0
	d.FailNext(fakedriver.OpExec, fakedriver.Serialization)
	d.FailNext(fakedriver.OpExec, fakedriver.Serialization)
	err = alchemy.Transact(ctx, eng, func(ctx context.Context) error {
		attempts++
		_, err := eng.Execute(ctx, alchemy.Text("update t set x = 1"))
		return err
	}, alchemy.WithRetry(alchemy.RetryPolicy{MaxAttempts: 2, Backoff: noWait}))
	if !alchemy.IsSerializationFailure(err) || attempts != 2 {
		t.Fatalf("Transact with 2 attempts and 2 failures: %v after %d attempts", err, attempts)
	}

	attempts = 0
	err = eng.RunInTx(ctx, func(c *alchemy.Conn) error {
		attempts++
		return errors.New("not retryable")
	}, alchemy.WithRetry(alchemy.RetryPolicy{MaxAttempts: 5, Backoff: noWait}))
	if err == nil || attempts != 1 {
		t.Fatalf("a plain error was retried: %d attempts", attempts)
	}

	// A custom Retryable, and the context ending during the backoff.
	attempts = 0
	cctx, cancel := context.WithCancel(ctx)
	err = eng.RunInTx(cctx, func(c *alchemy.Conn) error {
		attempts++
		cancel()
		return errTransient
	}, alchemy.WithRetry(alchemy.RetryPolicy{MaxAttempts: 5, Backoff: func(int) time.Duration { return time.Hour },
		Retryable: func(err error) bool { return errors.Is(err, errTransient) }}))
	if !errors.Is(err, context.Canceled) || !errors.Is(err, errTransient) || attempts != 1 {
		t.Fatalf("retry with the context cancelled: %v after %d attempts", err, attempts)
	}
	if st := eng.PoolStatus(); st.CheckedOut != 0 {
		t.Fatalf("retries left connections checked out: %+v", st)
	}
}

var errTransient = errors.New("transient")

// TestRetrySerializablePostgres: two real SERIALIZABLE transactions that conflict
// (write skew), forced deterministically: both read, both write, then one commits
// and the other fails with 40001 and is retried to success.
func TestRetrySerializablePostgres(t *testing.T) {
	t.Parallel()
	tg := testdb.Target{Name: testdb.PostgreSQL, URL: testdb.URL(t, testdb.PostgreSQL)}
	eng := newEngine(t, tg.URL)
	table := makeTable(t, eng, "id serial primary key, class int, v int")
	mustExec(t, eng, "insert into "+table+" (class, v) values (1, 10), (2, 20)")
	ctx := context.Background()

	var (
		readA, readB   = make(chan struct{}), make(chan struct{})
		wroteA, wroteB = make(chan struct{}), make(chan struct{})
		committedA     = make(chan struct{})
		attempts       [2]atomic.Int32
		mu             sync.Mutex
		seen           []error
	)
	policy := func() alchemy.RetryPolicy {
		return alchemy.RetryPolicy{
			MaxAttempts: 3,
			Backoff:     func(int) time.Duration { return time.Millisecond },
			Retryable: func(err error) bool {
				mu.Lock()
				seen = append(seen, err)
				mu.Unlock()
				return alchemy.IsSerializationFailure(err)
			},
		}
	}
	// Each reads the sum of one class and inserts into the other: the write skew
	// SERIALIZABLE must refuse.
	work := func(ctx context.Context, i int, read, otherRead, wrote, otherWrote chan struct{}) error {
		n := attempts[i].Add(1)
		class, other := 1, 2
		if i == 1 {
			class, other = 2, 1
		}
		res, err := eng.Execute(ctx, alchemy.Text("select coalesce(sum(v), 0) from "+table+" where class = :c"), class)
		if err != nil {
			return err
		}
		sum, err := alchemy.Scalar[int64](res)
		if err != nil {
			return err
		}
		if n == 1 {
			close(read)
			<-otherRead
		}
		if _, err := eng.Execute(ctx, alchemy.Text("insert into "+table+" (class, v) values (:c, :v)"), other, sum); err != nil {
			return err
		}
		if n == 1 {
			close(wrote)
			<-otherWrote
		}
		return nil
	}
	var wg sync.WaitGroup
	var errA, errB error
	wg.Add(2)
	go func() {
		defer wg.Done()
		defer close(committedA) // A has committed (or given up): B may commit
		errA = alchemy.Transact(ctx, eng, func(ctx context.Context) error {
			return work(ctx, 0, readA, readB, wroteA, wroteB)
		}, alchemy.WithIsolation(alchemy.Serializable), alchemy.WithRetry(policy()))
	}()
	go func() {
		defer wg.Done()
		errB = eng.RunInTx(ctx, func(c *alchemy.Conn) error {
			return beginWork(ctx, c, table, &attempts[1], readB, readA, wroteB, wroteA, committedA)
		}, alchemy.WithIsolation(alchemy.Serializable), alchemy.WithRetry(policy()))
	}()
	wg.Wait()
	if errA != nil || errB != nil {
		t.Fatalf("after retries: A %v, B %v", errA, errB)
	}
	if a, b := attempts[0].Load(), attempts[1].Load(); a != 1 || b != 2 {
		t.Fatalf("attempts: A %d, B %d; want A 1 (first committer wins), B 2", a, b)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(seen) != 1 {
		t.Fatalf("errors seen by the policy: %v", seen)
	}
	var ae *alchemy.Error
	if !errors.As(seen[0], &ae) || ae.Code != "40001" || !ae.SerializationFailure || !alchemy.IsSerializationFailure(seen[0]) {
		t.Fatalf("the conflict: %#v, want *alchemy.Error with code 40001", seen[0])
	}
	if n := countFromOther(t, eng, table); n != 4 {
		t.Fatalf("%d rows, want 4 (2 + one insert by each)", n)
	}
}

// beginWork is B's side of the write skew, on engine.Begin's connection. On its first
// attempt it waits for A to commit before committing itself, so that B is the one
// that fails.
func beginWork(ctx context.Context, c *alchemy.Conn, table string, attempts *atomic.Int32,
	read, otherRead, wrote, otherWrote, otherCommitted chan struct{}) error {
	n := attempts.Add(1)
	res, err := c.Execute(ctx, alchemy.Text("select coalesce(sum(v), 0) from "+table+" where class = 2"))
	if err != nil {
		return err
	}
	sum, err := alchemy.Scalar[int64](res)
	if err != nil {
		return err
	}
	if n == 1 {
		close(read)
		<-otherRead
	}
	if _, err := c.Execute(ctx, alchemy.Text("insert into "+table+" (class, v) values (1, :v)"), sum); err != nil {
		return err
	}
	if n == 1 {
		close(wrote)
		<-otherWrote
		<-otherCommitted
	}
	return nil // engine.Begin commits: this COMMIT fails with 40001 on the first attempt
}

// TestRetryDeadlockMariaDB: two transactions that lock two rows in opposite order
// deadlock whatever the timing; InnoDB kills one with 1213, which is retried.
func TestRetryDeadlockMariaDB(t *testing.T) {
	t.Parallel()
	tg := testdb.Target{Name: testdb.MySQL, URL: testdb.URL(t, testdb.MySQL)}
	eng := newEngine(t, tg.URL)
	table := makeTable(t, eng, "id int primary key, v int")
	mustExec(t, eng, "insert into "+table+" values (1, 0), (2, 0)")
	ctx := context.Background()

	var attempts atomic.Int32
	var mu sync.Mutex
	var seen []error
	policy := alchemy.RetryPolicy{
		MaxAttempts: 3,
		Backoff:     func(int) time.Duration { return time.Millisecond },
		Retryable: func(err error) bool {
			mu.Lock()
			seen = append(seen, err)
			mu.Unlock()
			return alchemy.IsSerializationFailure(err)
		},
	}
	locked := [2]chan struct{}{make(chan struct{}), make(chan struct{})}
	run := func(i int) error {
		first, second := 1, 2
		if i == 1 {
			first, second = 2, 1
		}
		try := 0
		return alchemy.Transact(ctx, eng, func(ctx context.Context) error {
			try++
			attempts.Add(1)
			if _, err := eng.Execute(ctx, alchemy.Text("update "+table+" set v = v + 1 where id = :id"), first); err != nil {
				return err
			}
			if try == 1 {
				close(locked[i])
				<-locked[1-i]
			}
			_, err := eng.Execute(ctx, alchemy.Text("update "+table+" set v = v + 1 where id = :id"), second)
			return err
		}, alchemy.WithRetry(policy))
	}
	var wg sync.WaitGroup
	errs := make([]error, 2)
	for i := range 2 {
		wg.Add(1)
		go func() { defer wg.Done(); errs[i] = run(i) }()
	}
	wg.Wait()
	if errs[0] != nil || errs[1] != nil {
		t.Fatalf("after retries: %v, %v", errs[0], errs[1])
	}
	if n := attempts.Load(); n != 3 {
		t.Fatalf("%d attempts, want 3 (one retried)", n)
	}
	mu.Lock()
	defer mu.Unlock()
	var ae *alchemy.Error
	if len(seen) != 1 || !errors.As(seen[0], &ae) || ae.Code != "1213" || !alchemy.IsSerializationFailure(seen[0]) {
		t.Fatalf("errors seen: %v, want one deadlock (1213)", seen)
	}
	if got := scalarInt(t, eng, "select sum(v) from "+table); got != 4 {
		t.Fatalf("sum %d, want 4: both transactions applied once", got)
	}
}
