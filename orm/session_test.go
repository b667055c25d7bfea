package orm_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/go-alchemy/alchemy"
	"github.com/go-alchemy/alchemy/internal/testdb"
	"github.com/go-alchemy/alchemy/orm"
)

var errBoom = errors.New("boom")

func TestSessionLazy(t *testing.T) {
	testdb.Each(t, func(t *testing.T, tg testdb.Target) {
		eng := newEngine(t, tg.URL)
		table := newTable(t, eng, "lazy")
		ctx := context.Background()
		s := orm.NewSessionmaker(eng).New()
		if s.GetBind(nil) != eng {
			t.Errorf("GetBind is not the engine")
		}
		if n := eng.PoolStatus().CheckedOut; n != 0 || s.InTransaction() {
			t.Fatalf("a new session holds a connection (%d checked out) or a transaction", n)
		}
		if err := insert(ctx, s, table, 1, "a"); err != nil {
			t.Fatal(err)
		}
		if n := eng.PoolStatus().CheckedOut; n != 1 || !s.InTransaction() {
			t.Fatalf("after a statement: %d checked out, in transaction %v", n, s.InTransaction())
		}
		wantIDs(t, eng, table) // not committed yet
		if err := s.Commit(ctx); err != nil {
			t.Fatal(err)
		}
		if n := eng.PoolStatus().CheckedOut; n != 0 {
			t.Errorf("after Commit: %d checked out", n)
		}
		// The session goes on, in a new transaction.
		if err := insert(ctx, s, table, 2, "b"); err != nil {
			t.Fatal(err)
		}
		if err := s.Rollback(ctx); err != nil {
			t.Fatal(err)
		}
		if err := insert(ctx, s, table, 3, "c"); err != nil {
			t.Fatal(err)
		}
		if err := s.Close(); err != nil { // rolls 3 back
			t.Fatal(err)
		}
		wantIDs(t, eng, table, 1)
	}, testdb.SQLite, testdb.PostgreSQL, testdb.MySQL)
}

func TestSessionNestedAndConn(t *testing.T) {
	testdb.Each(t, func(t *testing.T, tg testdb.Target) {
		eng := newEngine(t, tg.URL)
		table := newTable(t, eng, "nested")
		ctx := context.Background()
		s := orm.NewSessionmaker(eng).New()
		defer s.Close()
		conn, err := s.Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if err := insert(ctx, conn, table, 1, "core"); err != nil {
			t.Fatal(err)
		}
		sp, err := s.BeginNested(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if err := insert(ctx, s, table, 2, "in savepoint"); err != nil {
			t.Fatal(err)
		}
		if err := sp.Rollback(ctx); err != nil {
			t.Fatal(err)
		}
		if err := insert(ctx, s, table, 3, "after"); err != nil {
			t.Fatal(err)
		}
		if err := s.Commit(ctx); err != nil {
			t.Fatal(err)
		}
		wantIDs(t, eng, table, 1, 3)
	}, testdb.SQLite, testdb.PostgreSQL, testdb.MySQL)
}

func TestSessionAfterClose(t *testing.T) {
	eng := newEngine(t, testdb.SQLiteURL(t))
	ctx := context.Background()
	s := orm.NewSessionmaker(eng).New()
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	_, err := s.Execute(ctx, alchemy.Text("SELECT 1"))
	if !errors.Is(err, alchemy.ErrClosed) {
		t.Errorf("Execute after Close: %v, want ErrClosed", err)
	}
	for name, f := range map[string]func() error{
		"Commit":      func() error { return s.Commit(ctx) },
		"Rollback":    func() error { return s.Rollback(ctx) },
		"Conn":        func() error { _, err := s.Conn(ctx); return err },
		"BeginNested": func() error { _, err := s.BeginNested(ctx); return err },
	} {
		if err := f(); !errors.Is(err, alchemy.ErrClosed) {
			t.Errorf("%s after Close: %v, want ErrClosed", name, err)
		}
	}
}

// TestSessionConcurrentExecute shares one session between goroutines, as a
// request's handler fanning out does; run with -race.
func TestSessionConcurrentExecute(t *testing.T) {
	testdb.Each(t, func(t *testing.T, tg testdb.Target) {
		eng := newEngine(t, tg.URL)
		table := newTable(t, eng, "conc")
		ctx := context.Background()
		s := orm.NewSessionmaker(eng).New()
		defer s.Close()
		const n = 8
		var wg sync.WaitGroup
		errs := make([]error, n)
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if errs[i] = insert(ctx, s, table, i+1, fmt.Sprint("g", i)); errs[i] != nil {
					return
				}
				res, err := s.Execute(ctx, alchemy.Text("SELECT count(*) FROM "+table))
				if err == nil {
					_, err = alchemy.Scalar[int64](res)
				}
				errs[i] = err
			}()
		}
		wg.Wait()
		if err := errors.Join(errs...); err != nil {
			t.Fatal(err)
		}
		if n := eng.PoolStatus().CheckedOut; n != 1 {
			t.Errorf("the goroutines used %d connections, want the session's one", n)
		}
		if err := s.Commit(ctx); err != nil {
			t.Fatal(err)
		}
		if got := ids(t, eng, table); len(got) != n {
			t.Errorf("%d rows committed, want %d", len(got), n)
		}
	}, testdb.SQLite, testdb.PostgreSQL, testdb.MySQL)
}

func TestScope(t *testing.T) {
	testdb.Each(t, func(t *testing.T, tg testdb.Target) {
		eng := newEngine(t, tg.URL)
		table := newTable(t, eng, "scope")
		sm := orm.NewSessionmaker(eng)
		ctx := context.Background()

		err := sm.Scope(ctx, func(ctx context.Context, s *orm.Session) error {
			if got, ok := orm.SessionFrom(ctx); !ok || got != s {
				t.Errorf("SessionFrom in a scope: %v, %v", got, ok)
			}
			return insert(ctx, s, table, 1, "kept")
		})
		if err != nil {
			t.Fatalf("committing scope: %v", err)
		}

		err = sm.Scope(ctx, func(ctx context.Context, s *orm.Session) error {
			if err := insert(ctx, s, table, 2, "rolled back"); err != nil {
				return err
			}
			return errBoom
		})
		if !errors.Is(err, errBoom) {
			t.Errorf("failing scope: %v, want errBoom", err)
		}

		func() {
			defer func() {
				if r := recover(); r != errBoom {
					t.Errorf("recovered %v, want the scope's panic", r)
				}
			}()
			_ = sm.Scope(ctx, func(ctx context.Context, s *orm.Session) error {
				if err := insert(ctx, s, table, 3, "panicked"); err != nil {
					return err
				}
				panic(errBoom)
			})
		}()
		if n := eng.PoolStatus().CheckedOut; n != 0 {
			t.Errorf("%d connections checked out after the scopes", n)
		}
		wantIDs(t, eng, table, 1)
	}, testdb.SQLite, testdb.PostgreSQL, testdb.MySQL)
}
