package orm_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/go-alchemy/alchemy"
	"github.com/go-alchemy/alchemy/internal/testdb"
)

// A large flush of new objects: on PostgreSQL the keys come from the sequence
// and the rows go by COPY (no INSERT statement); elsewhere by multi-row
// INSERTs with RETURNING. Either way every object has its row's key.
func TestBulkFlushKeysMatchRows(t *testing.T) {
	testdb.Each(t, func(t *testing.T, tg testdb.Target) {
		m := newModel(t, tg.URL)
		ctx := context.Background()
		s := m.sm.New()
		defer s.Close()
		const n = 3000
		users := make([]*User, n)
		for i := range users {
			users[i] = &User{Name: fmt.Sprintf("bulk%05d", i)}
			if i%2 == 0 {
				users[i].Email = ptr(fmt.Sprintf("b%d@x", i))
			}
			must(t, s.Add(users[i]))
		}
		m.trace.reset()
		must(t, s.Commit(ctx))
		inserts := m.trace.statements("INSERT")
		switch tg.Name {
		case testdb.PostgreSQL:
			if len(inserts) != 0 {
				t.Errorf("PostgreSQL: %d INSERTs, want COPY alone", len(inserts))
			}
		default:
			if len(inserts) < 3 || len(inserts) > 10 {
				t.Errorf("%d INSERTs for %d objects, want multi-row statements", len(inserts), n)
			}
		}
		res, err := m.eng.Execute(ctx, alchemy.Text("SELECT id, name, email FROM "+m.users.Name()))
		must(t, err)
		rows, err := alchemy.All[User](res)
		must(t, err)
		byID := map[int64]User{}
		for _, r := range rows {
			byID[r.ID] = r
		}
		if len(byID) != n {
			t.Fatalf("%d rows, want %d", len(byID), n)
		}
		for _, u := range users {
			r, ok := byID[u.ID]
			if !ok || r.Name != u.Name || (r.Email == nil) != (u.Email == nil) {
				t.Fatalf("object %s has key %d, whose row is %+v", u.Name, u.ID, r)
			}
		}
	}, testdb.SQLite, testdb.PostgreSQL, testdb.MySQL)
}

// Bulk flushes cut off at random: all of a session's rows or none.
func TestBulkFlushUnderRandomCancellation(t *testing.T) {
	testdb.Each(t, func(t *testing.T, tg testdb.Target) {
		m := newModel(t, tg.URL)
		iters := 150
		if testing.Short() {
			iters = 30
		}
		const per = 300
		var committed []int
		for i := range iters {
			s := m.sm.New()
			for j := range per {
				must(t, s.Add(&User{Name: fmt.Sprintf("i%d-%d", i, j)}))
			}
			ctx, cancel := context.WithTimeout(context.Background(), time.Duration(rand.IntN(30000))*time.Microsecond)
			err := s.Commit(ctx)
			cancel()
			if err == nil {
				committed = append(committed, i)
			} else if !errors.Is(err, context.DeadlineExceeded) && !errors.Is(err, alchemy.ErrCommitUnknown) && ctx.Err() == nil {
				t.Fatalf("iteration %d: %v", i, err)
			}
			_ = s.Close()
		}
		res, err := m.eng.Execute(context.Background(), alchemy.Text("SELECT name FROM "+m.users.Name()))
		must(t, err)
		names, err := alchemy.Scalars[string](res)
		must(t, err)
		count := map[int]int{}
		for _, nm := range names {
			var i, j int
			fmt.Sscanf(nm, "i%d-%d", &i, &j)
			count[i]++
		}
		for i, c := range count {
			if c != per {
				t.Fatalf("iteration %d left %d of its %d rows", i, c, per)
			}
		}
		for _, i := range committed {
			if count[i] != per {
				t.Fatalf("iteration %d committed, %d rows there", i, count[i])
			}
		}
		t.Logf("%d of %d committed", len(committed), iters)
		if n := m.eng.PoolStatus().CheckedOut; n != 0 {
			t.Errorf("%d connections checked out", n)
		}
	}, testdb.SQLite, testdb.PostgreSQL, testdb.MySQL)
}
