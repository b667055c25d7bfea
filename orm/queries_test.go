package orm_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/go-alchemy/alchemy"
	"github.com/go-alchemy/alchemy/internal/testdb"
	"github.com/go-alchemy/alchemy/orm"
)

// SelectIn splits a large IN list into chunks and matches children to their
// parents by key: 1200 users with two posts each.
func TestSelectInChunksLargeINLists(t *testing.T) {
	testdb.Each(t, func(t *testing.T, tg testdb.Target) {
		m := newModel(t, tg.URL)
		ctx := context.Background()
		s := m.sm.New()
		defer s.Close()
		const n = 1200
		for i := range n {
			u := &User{Name: fmt.Sprintf("user%04d", i)}
			u.Posts.Set(&Post{Title: fmt.Sprintf("a%d", i)}, &Post{Title: fmt.Sprintf("b%d", i)})
			must(t, s.Add(u))
		}
		must(t, s.Commit(ctx))
		s2 := m.sm.New()
		defer s2.Close()
		m.trace.reset()
		users, err := orm.Select[User]().Options(orm.SelectIn("Posts")).All(ctx, s2)
		must(t, err)
		if len(users) != n {
			t.Fatalf("%d users", len(users))
		}
		if q := m.trace.statements("SELECT"); len(q) != 1+3 {
			t.Errorf("%d SELECTs, want 1 for the users and 3 chunks of 500 keys for the posts", len(q))
		}
		for _, u := range users {
			posts, err := u.Posts.Items()
			must(t, err)
			num := strings.TrimPrefix(u.Name, "user")
			num = strings.TrimLeft(num, "0")
			if num == "" {
				num = "0"
			}
			if len(posts) != 2 || posts[0].Title != "a"+num || posts[1].Title != "b"+num || posts[0].AuthorID != u.ID {
				t.Fatalf("posts of %s: %+v", u.Name, posts)
			}
		}
	}, testdb.SQLite, testdb.PostgreSQL, testdb.MySQL)
}

// Autoflush: a query sees what the session added and changed; without it, it
// does not.
func TestAutoflushBeforeQueries(t *testing.T) {
	testdb.Each(t, func(t *testing.T, tg testdb.Target) {
		m := newModel(t, tg.URL)
		ctx := context.Background()
		s := m.sm.New()
		defer s.Close()
		must(t, s.Add(&User{Name: "ed"}))
		got, err := orm.Select[User]().Where(m.users.C("name").Eq("ed")).One(ctx, s)
		must(t, err)
		if got.ID == 0 {
			t.Errorf("the autoflushed user has no key")
		}
		got.Name = "eddie"
		n, err := alchemy.Scalar[int64](must2(s.Execute(ctx, alchemy.Text("SELECT COUNT(*) FROM "+m.users.Name()+" WHERE name = 'eddie'"))))
		must(t, err)
		if n != 1 {
			t.Errorf("a Core query after a change sees %d eddies, want 1", n)
		}

		must(t, s.Close()) // SQLite: its write transaction would keep the next CREATE TABLE waiting
		m2 := newModel(t, tg.URL, orm.Autoflush(false))
		s2 := m2.sm.New()
		defer s2.Close()
		must(t, s2.Add(&User{Name: "ed"}))
		if _, err := orm.Select[User]().One(ctx, s2); !errors.Is(err, alchemy.ErrNoRows) {
			t.Errorf("without autoflush a query found the pending user: %v", err)
		}
	}, testdb.SQLite, testdb.PostgreSQL, testdb.MySQL)
}

func must2[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// Each streams in batches, running SelectIn per batch; the session may be used
// inside the loop.
func TestEachStreamsInBatches(t *testing.T) {
	testdb.Each(t, func(t *testing.T, tg testdb.Target) {
		m := newModel(t, tg.URL)
		ctx := context.Background()
		s := m.sm.New()
		defer s.Close()
		for i := range 250 {
			u := &User{Name: fmt.Sprintf("u%03d", i)}
			u.Posts.Set(&Post{Title: "p"})
			must(t, s.Add(u))
		}
		must(t, s.Commit(ctx))
		m.trace.reset()
		seen := 0
		for u, err := range orm.Select[User]().OrderBy(m.users.C("id").Asc()).Options(orm.SelectIn("Posts")).Each(ctx, s, 100) {
			must(t, err)
			posts, err := u.Posts.Items()
			must(t, err)
			if len(posts) != 1 {
				t.Fatalf("%s has %d posts", u.Name, len(posts))
			}
			if seen%100 == 0 { // the session works inside the loop
				var again *User
				must(t, s.Get(ctx, &again, u.ID))
			}
			seen++
		}
		if seen != 250 {
			t.Errorf("streamed %d users, want 250", seen)
		}
		if q := m.trace.statements("SELECT"); len(q) < 3 { // the users, then the posts of each of 3 batches
			t.Errorf("%d SELECTs", len(q))
		}
		// Stopping early is fine, and leaves the session usable.
		for range orm.Select[User]().Each(ctx, s, 10) {
			break
		}
		if _, err := orm.Select[User]().Limit(1).All(ctx, s); err != nil {
			t.Errorf("after an early break: %v", err)
		}
	}, testdb.SQLite, testdb.PostgreSQL, testdb.MySQL)
}

// Composite keys, Merge, Refresh and Expire.
func TestCompositeKeyMergeRefreshExpire(t *testing.T) {
	testdb.Each(t, func(t *testing.T, tg testdb.Target) {
		m := newModel(t, tg.URL)
		ctx := context.Background()
		s := m.sm.New()
		defer s.Close()
		must(t, s.Add(&Membership{OrgID: 1, UserID: 2, Role: "admin"}, &Membership{OrgID: 1, UserID: 3, Role: "member"}))
		must(t, s.Commit(ctx))
		var ms *Membership
		must(t, s.Get(ctx, &ms, 1, 3))
		if ms.Role != "member" {
			t.Errorf("Get of (1, 3): %+v", ms)
		}
		// Two objects with one key: an error naming it.
		err := s.Add(&Membership{OrgID: 1, UserID: 3, Role: "x"})
		if !errors.Is(err, orm.ErrIdentityConflict) || !strings.Contains(err.Error(), "org_id=1, user_id=3") {
			t.Errorf("a second object for (1, 3): %v", err)
		}
		// Merge copies onto the session's object.
		merged, err := orm.Merge(ctx, s, &Membership{OrgID: 1, UserID: 3, Role: "owner"})
		must(t, err)
		if merged != ms || ms.Role != "owner" {
			t.Errorf("Merge returned %p (session's %p), role %q", merged, ms, ms.Role)
		}
		fresh, err := orm.Merge(ctx, s, &Membership{OrgID: 9, UserID: 9, Role: "new"})
		must(t, err)
		must(t, s.Commit(ctx))
		if n := countRows(t, m.eng, m.membership.Name()); n != 3 || fresh == nil {
			t.Errorf("%d memberships after merging a new one", n)
		}
		// Refresh overwrites; Expire defers to the next load.
		mustExec(t, m.eng, "UPDATE "+m.membership.Name()+" SET role = 'changed' WHERE user_id = 3")
		ms.Role = "local change"
		must(t, s.Refresh(ctx, ms))
		if ms.Role != "changed" {
			t.Errorf("after Refresh: %q", ms.Role)
		}
		must(t, s.Commit(ctx))
		mustExec(t, m.eng, "UPDATE "+m.membership.Name()+" SET role = 'again' WHERE user_id = 3")
		must(t, s.Expire(ms))
		all, err := orm.Select[Membership]().All(ctx, s)
		must(t, err)
		if len(all) != 3 || ms.Role != "again" {
			t.Errorf("after Expire and a query: %q", ms.Role)
		}
	}, testdb.SQLite, testdb.PostgreSQL, testdb.MySQL)
}
