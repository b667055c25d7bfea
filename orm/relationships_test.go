package orm_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/go-alchemy/alchemy"
	"github.com/go-alchemy/alchemy/internal/testdb"
	"github.com/go-alchemy/alchemy/orm"
)

func countRows(t testing.TB, eng *alchemy.Engine, table string) int64 {
	t.Helper()
	res, err := eng.Execute(context.Background(), alchemy.Text("SELECT COUNT(*) FROM "+table))
	must(t, err)
	n, err := alchemy.Scalar[int64](res)
	must(t, err)
	return n
}

// Relationships: one-to-many and many-to-one filled by SelectIn and Joined,
// many-to-many through the association table, raise-on-lazy for the rest.
func TestRelationshipsLoadAndWrite(t *testing.T) {
	testdb.Each(t, func(t *testing.T, tg testdb.Target) {
		m := newModel(t, tg.URL)
		ctx := context.Background()
		s := m.sm.New()
		defer s.Close()
		ed, wendy := &User{Name: "ed"}, &User{Name: "wendy"}
		news, golang := &Tag{Label: "news"}, &Tag{Label: "go"}
		p1 := &Post{Title: "one"}
		p1.Tags.Set(news, golang)
		p2 := &Post{Title: "two"}
		p2.Tags.Set(golang)
		ed.Posts.Set(p1, p2) // one-to-many: the posts' author_id comes from ed
		must(t, s.Add(ed, wendy))
		must(t, s.Commit(ctx))
		if p1.AuthorID != ed.ID || p2.AuthorID != ed.ID {
			t.Fatalf("author ids %d %d, want %d", p1.AuthorID, p2.AuthorID, ed.ID)
		}
		if n := countRows(t, m.eng, m.postTags.Name()); n != 3 {
			t.Fatalf("%d association rows, want 3", n)
		}

		// A new session: nothing loaded, and reading a relationship says so.
		s2 := m.sm.New()
		defer s2.Close()
		users, err := orm.Select[User]().OrderBy(m.users.C("id").Asc()).All(ctx, s2)
		must(t, err)
		if _, err := users[0].Posts.Items(); !errors.Is(err, orm.ErrNotLoaded) {
			t.Errorf("Posts not loaded: %v, want ErrNotLoaded", err)
		}
		m.trace.reset()
		users, err = orm.Select[User]().OrderBy(m.users.C("id").Asc()).
			Options(orm.SelectIn("Posts.Tags"), orm.SelectIn("Posts.Author")).All(ctx, s2)
		must(t, err)
		// users, posts (once for both paths), tags; the authors are in the identity map.
		if q := m.trace.statements("SELECT"); len(q) != 3 {
			t.Errorf("SELECTs for users, posts, tags: %d, want 3:\n%s", len(q), strings.Join(q, "\n"))
		}
		posts, err := users[0].Posts.Items()
		must(t, err)
		if len(posts) != 2 || posts[0].Title != "one" || posts[1].Title != "two" {
			t.Fatalf("ed's posts: %v", posts)
		}
		if wp, err := users[1].Posts.Items(); err != nil || len(wp) != 0 {
			t.Errorf("wendy's posts: %v %v, want none, loaded", wp, err)
		}
		author, err := posts[0].Author.Get()
		must(t, err)
		if author != users[0] {
			t.Errorf("the post's author is not the session's ed")
		}
		tags, err := posts[0].Tags.Items()
		must(t, err)
		if labels := tagLabels(tags); labels != "go,news" {
			t.Errorf("tags of post one: %s", labels)
		}

		// Joined: the author in the same SELECT.
		s3 := m.sm.New()
		defer s3.Close()
		m.trace.reset()
		ps, err := orm.Select[Post]().OrderBy(m.posts.C("id").Asc()).Options(orm.Joined("Author")).All(ctx, s3)
		must(t, err)
		if q := m.trace.statements("SELECT"); len(q) != 1 || !strings.Contains(strings.ToUpper(q[0]), "LEFT OUTER JOIN") {
			t.Errorf("Joined sent %q", q)
		}
		a0, err := ps[0].Author.Get()
		must(t, err)
		a1, _ := ps[1].Author.Get()
		if a0 == nil || a0.Name != "ed" || a0 != a1 {
			t.Errorf("joined authors: %+v %+v, want one ed", a0, a1)
		}
		if _, err := orm.Select[User]().Options(orm.Joined("Posts")).All(ctx, s3); err == nil {
			t.Errorf("Joined of a collection: no error")
		}
		must(t, s3.Close()) // SQLite: its read transaction would keep s2's COMMIT waiting

		// Many-to-many: take a tag off, put another on.
		p1s := posts[0]
		p1s.Tags.Remove(tags[0])
		must(t, s2.Commit(ctx))
		if n := countRows(t, m.eng, m.postTags.Name()); n != 2 {
			t.Errorf("after removing a tag: %d association rows, want 2", n)
		}
	}, testdb.SQLite, testdb.PostgreSQL, testdb.MySQL)
}

func tagLabels(tags []*Tag) string {
	var ls []string
	for _, t := range tags {
		ls = append(ls, t.Label)
	}
	slices.Sort(ls)
	return strings.Join(ls, ",")
}

// Cascades: delete takes the posts with their user; delete-orphan deletes a
// post taken out of its user's collection.
func TestCascadeDeleteAndOrphans(t *testing.T) {
	testdb.Each(t, func(t *testing.T, tg testdb.Target) {
		m := newModel(t, tg.URL)
		ctx := context.Background()
		s := m.sm.New()
		defer s.Close()
		ed := &User{Name: "ed"}
		a, b, c := &Post{Title: "a"}, &Post{Title: "b"}, &Post{Title: "c"}
		ed.Posts.Set(a, b, c)
		must(t, s.Add(ed))
		must(t, s.Commit(ctx))

		// delete-orphan: b leaves the collection, and the table.
		ed.Posts.Remove(b)
		must(t, s.Commit(ctx))
		if n := countRows(t, m.eng, m.posts.Name()); n != 2 {
			t.Fatalf("after orphaning b: %d posts, want 2", n)
		}
		// delete: ed's posts go with ed, even when a new session never loaded them.
		s2 := m.sm.New()
		defer s2.Close()
		var u *User
		must(t, s2.Get(ctx, &u, ed.ID))
		must(t, s2.Delete(u))
		must(t, s2.Commit(ctx))
		if n := countRows(t, m.eng, m.posts.Name()); n != 0 {
			t.Errorf("after deleting ed: %d posts, want 0", n)
		}
		if n := countRows(t, m.eng, m.users.Name()); n != 0 {
			t.Errorf("after deleting ed: %d users", n)
		}
	}, testdb.SQLite, testdb.PostgreSQL, testdb.MySQL)
}

// A table referring to itself: a tree of employees is inserted parents first
// and deleted children first.
func TestSelfReferentialFlushOrder(t *testing.T) {
	testdb.Each(t, func(t *testing.T, tg testdb.Target) {
		m := newModel(t, tg.URL)
		ctx := context.Background()
		s := m.sm.New()
		defer s.Close()
		boss := &Employee{Name: "boss"}
		mid := &Employee{Name: "mid"}
		low := &Employee{Name: "low"}
		low.Manager.Set(mid)  // many-to-one
		boss.Reports.Set(mid) // one-to-many, the same foreign key
		must(t, s.Add(low))   // boss comes through mid? no: add both ends
		must(t, s.Add(boss))
		must(t, s.Commit(ctx))
		if mid.ManagerID == nil || *mid.ManagerID != boss.ID || low.ManagerID == nil || *low.ManagerID != mid.ID {
			t.Fatalf("manager ids: mid %v (boss %d), low %v (mid %d)", mid.ManagerID, boss.ID, low.ManagerID, mid.ID)
		}
		for _, e := range []*Employee{low, mid, boss} {
			must(t, s.Delete(e))
		}
		must(t, s.Commit(ctx))
		if n := countRows(t, m.eng, m.employees.Name()); n != 0 {
			t.Errorf("%d employees left", n)
		}
	}, testdb.SQLite, testdb.PostgreSQL, testdb.MySQL)
}

// Optimistic concurrency: an update based on a stale version fails with
// ErrStaleData and writes nothing; the session is usable after Rollback.
func TestVersionColumnStaleData(t *testing.T) {
	testdb.Each(t, func(t *testing.T, tg testdb.Target) {
		m := newModel(t, tg.URL)
		ctx := context.Background()
		s := m.sm.New()
		defer s.Close()
		acct := &Account{Owner: "ed", Balance: 100}
		must(t, s.Add(acct))
		must(t, s.Commit(ctx))
		if acct.Version != 1 {
			t.Fatalf("version after insert %d, want 1", acct.Version)
		}
		// Another session moves the row on.
		other := m.sm.New()
		defer other.Close()
		var a2 *Account
		must(t, other.Get(ctx, &a2, acct.ID))
		a2.Balance = 50
		must(t, other.Commit(ctx))
		if a2.Version != 2 {
			t.Errorf("version after update %d, want 2", a2.Version)
		}
		// This one still holds version 1: its update must fail and write nothing.
		acct.Balance = 90
		other2 := &Account{Owner: "x", Balance: 1}
		must(t, s.Add(other2))
		err := s.Commit(ctx)
		if !errors.Is(err, orm.ErrStaleData) {
			t.Fatalf("stale update: %v, want ErrStaleData", err)
		}
		if acct.Version != 1 {
			t.Errorf("a failed versioned UPDATE left the version at %d, want 1", acct.Version)
		}
		if err := s.Add(&Account{Owner: "y"}); !errors.Is(err, orm.ErrPendingRollback) {
			t.Errorf("use after a failed flush: %v, want ErrPendingRollback", err)
		}
		must(t, s.Rollback(ctx))
		if acct.Balance != 100 {
			t.Errorf("after Rollback the balance reads %d, want the database's 100 as of the transaction's start", acct.Balance)
		}
		if n := countRows(t, m.eng, m.accounts.Name()); n != 1 {
			t.Errorf("%d accounts: the failed flush's insert stayed", n)
		}
		if other2.ID != 0 {
			t.Errorf("the account of the failed flush keeps key %d", other2.ID)
		}
		// Usable again: reading refreshes the expired object.
		var a3 *Account
		must(t, s.Get(ctx, &a3, acct.ID))
		if a3 != acct || acct.Balance != 50 || acct.Version != 2 {
			t.Errorf("after Rollback and Get: %+v, want balance 50 version 2", acct)
		}
		acct.Balance = 60
		must(t, s.Commit(ctx))
	}, testdb.SQLite, testdb.PostgreSQL, testdb.MySQL)
}

// A flush that violates a constraint rolls everything back: nothing of it is in
// the database, and after Rollback the session works.
func TestFailedFlushWritesNothing(t *testing.T) {
	testdb.Each(t, func(t *testing.T, tg testdb.Target) {
		m := newModel(t, tg.URL)
		ctx := context.Background()
		s := m.sm.New()
		defer s.Close()
		var objs []any
		for i := range 5 {
			objs = append(objs, &User{Name: fmt.Sprintf("u%d", i)})
		}
		objs = append(objs, &User{Name: "u0"}) // unique violation
		must(t, s.Add(objs...))
		err := s.Commit(ctx)
		if err == nil || !alchemy.IsUniqueViolation(err) {
			t.Fatalf("commit of a duplicate name: %v, want a unique violation", err)
		}
		if n := countRows(t, m.eng, m.users.Name()); n != 0 {
			t.Fatalf("%d users written by a failed flush", n)
		}
		must(t, s.Rollback(ctx))
		for _, o := range objs {
			if o.(*User).ID != 0 {
				t.Errorf("user %s keeps key %d after Rollback", o.(*User).Name, o.(*User).ID)
			}
		}
		must(t, s.Add(objs[:5]...))
		must(t, s.Commit(ctx))
		if n := countRows(t, m.eng, m.users.Name()); n != 5 {
			t.Errorf("%d users after the retry, want 5", n)
		}
		if n := m.eng.PoolStatus().CheckedOut; n != 0 {
			t.Errorf("%d connections checked out after Commit", n)
		}
	}, testdb.SQLite, testdb.PostgreSQL, testdb.MySQL)
}
