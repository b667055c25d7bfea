package orm_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/go-alchemy/alchemy"
	"github.com/go-alchemy/alchemy/expr"
	"github.com/go-alchemy/alchemy/internal/testdb"
	"github.com/go-alchemy/alchemy/orm"
)

// Goroutines sharing a session (an errgroup fanning out in a request) add and
// query through it one at a time: every object is written once, and -race is
// quiet.
func TestSessionSharedByGoroutines(t *testing.T) {
	testdb.Each(t, func(t *testing.T, tg testdb.Target) {
		m := newModel(t, tg.URL)
		ctx := context.Background()
		s := m.sm.New()
		defer s.Close()
		g, gctx := errgroup.WithContext(ctx)
		for i := range 8 {
			g.Go(func() error {
				for j := range 10 {
					if err := s.Add(&User{Name: fmt.Sprintf("g%d-%d", i, j)}); err != nil {
						return err
					}
					if _, err := orm.Select[User]().Limit(5).All(gctx, s); err != nil {
						return err
					}
				}
				return nil
			})
		}
		must(t, g.Wait())
		must(t, s.Commit(ctx))
		if n := countRows(t, m.eng, m.users.Name()); n != 80 {
			t.Errorf("%d users, want 80", n)
		}
	}, testdb.SQLite, testdb.PostgreSQL, testdb.MySQL)
}

// Nothing lost: sessions whose commits are cut off at random either committed
// all their objects or none, and a commit reported successful is in the
// database. Thousands of iterations on the real servers.
func TestCommitUnderRandomCancellationLosesNothing(t *testing.T) {
	testdb.Each(t, func(t *testing.T, tg testdb.Target) {
		m := newModel(t, tg.URL, orm.ExpireOnCommit(false))
		iters := 1500
		if testing.Short() {
			iters = 200
		}
		var committed, unknown []int
		for i := range iters {
			s := m.sm.New()
			a := &User{Name: fmt.Sprintf("a%d", i)}
			b := &User{Name: fmt.Sprintf("b%d", i)}
			must(t, s.Add(a, b))
			ctx, cancel := context.WithTimeout(context.Background(), time.Duration(rand.IntN(3000))*time.Microsecond)
			err := s.Commit(ctx)
			cancel()
			switch {
			case err == nil:
				committed = append(committed, i)
			case errors.Is(err, alchemy.ErrCommitUnknown):
				unknown = append(unknown, i)
			}
			if err != nil {
				_ = s.Rollback(context.Background())
			}
			must(t, s.Close())
		}
		// Every pair is whole or absent; every reported commit is there.
		res, err := m.eng.Execute(context.Background(), alchemy.Text("SELECT name FROM "+m.users.Name()))
		must(t, err)
		names, err := alchemy.Scalars[string](res)
		must(t, err)
		have := map[string]bool{}
		for _, n := range names {
			have[n] = true
		}
		for i := range iters {
			a, b := have[fmt.Sprintf("a%d", i)], have[fmt.Sprintf("b%d", i)]
			if a != b {
				t.Fatalf("iteration %d: half a transaction in the database (a %v, b %v)", i, a, b)
			}
		}
		for _, i := range committed {
			if !have[fmt.Sprintf("a%d", i)] {
				t.Fatalf("iteration %d: Commit returned nil, the rows are not there", i)
			}
		}
		if len(committed) == 0 || len(committed) == iters {
			t.Logf("committed %d of %d: the timeouts did not mix outcomes", len(committed), iters)
		}
		if n := m.eng.PoolStatus().CheckedOut; n != 0 {
			t.Errorf("%d connections checked out", n)
		}
		t.Logf("%d committed, %d unknown, %d failed", len(committed), len(unknown), iters-len(committed)-len(unknown))
	}, testdb.SQLite, testdb.PostgreSQL, testdb.MySQL)
}

// Binds: a mapped type bound to an engine of its own is written and read
// there (a vertical split); the rest goes to the Sessionmaker's engine.
func TestBindsPerTypeAndTable(t *testing.T) {
	ctx := context.Background()
	main := newModel(t, testdb.SQLiteURL(t))
	other := newEngine(t, testdb.URL(t, testdb.PostgreSQL))
	md := expr.NewMetaData()
	audit := md.NewTable(uniqueName("audit"))
	expr.NewColumn(audit, "id", expr.BigInteger, expr.PrimaryKey())
	expr.NewColumn(audit, "what", expr.String(50), expr.NotNull())
	must(t, expr.CreateAll(ctx, other, md))
	t.Cleanup(func() { _ = expr.DropAll(context.Background(), other, md) })
	type Audit struct {
		ID   int64
		What string
	}
	must(t, orm.Map[Audit](main.reg, audit))
	sm := orm.NewSessionmaker(main.eng, orm.WithRegistry(main.reg), orm.BindMapped[Audit](other))
	s := sm.New()
	defer s.Close()
	if s.GetBind(&Audit{}) != other || s.GetBind(&User{}) != main.eng || s.GetBind(audit) != main.eng {
		t.Errorf("GetBind: audit %v, user %v", s.GetBind(&Audit{}), s.GetBind(&User{}))
	}
	must(t, s.Add(&User{Name: "ed"}, &Audit{What: "ed joined"}))
	must(t, s.Commit(ctx))
	if n := countRows(t, other, audit.Name()); n != 1 {
		t.Errorf("%d audit rows on the bound engine", n)
	}
	if n := countRows(t, main.eng, main.users.Name()); n != 1 {
		t.Errorf("%d users on the main engine", n)
	}
	got, err := orm.Select[Audit]().One(ctx, s)
	must(t, err)
	if got.What != "ed joined" {
		t.Errorf("read back %+v", got)
	}
	sm2 := orm.NewSessionmaker(main.eng, orm.WithRegistry(main.reg), orm.BindTable(audit, other))
	if sm2.New().GetBind(&Audit{}) != other {
		t.Errorf("BindTable did not bind the type mapped onto the table")
	}
}
