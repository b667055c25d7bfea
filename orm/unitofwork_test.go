package orm_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/go-alchemy/alchemy"
	"github.com/go-alchemy/alchemy/internal/testdb"
	"github.com/go-alchemy/alchemy/orm"
)

// The identity map: one object per row; Get answers from it without a query, and
// a query returning a loaded row gives the same object.
func TestIdentityMap(t *testing.T) {
	testdb.Each(t, func(t *testing.T, tg testdb.Target) {
		m := newModel(t, tg.URL)
		ctx := context.Background()
		s := m.sm.New()
		defer s.Close()
		u := &User{Name: "ed"}
		must(t, s.Add(u))
		must(t, s.Flush(ctx))
		if u.ID == 0 {
			t.Fatal("the flush gave the new user no key")
		}
		m.trace.reset()
		var got *User
		must(t, s.Get(ctx, &got, u.ID))
		if got != u {
			t.Errorf("Get returned another object for the same row")
		}
		if q := m.trace.statements(""); len(q) != 0 {
			t.Errorf("Get of a loaded object sent %q", q)
		}
		all, err := orm.Select[User]().Where(m.users.C("name").Eq("ed")).All(ctx, s)
		must(t, err)
		if len(all) != 1 || all[0] != u {
			t.Errorf("a query returned %v, not the session's object", all)
		}
		// A key of another type (int for an int64 field) finds it too.
		got = nil
		must(t, s.Get(ctx, &got, int(u.ID)))
		if got != u {
			t.Errorf("Get with an int key missed the object")
		}
		// Not found.
		err = s.Get(ctx, &got, int64(987654))
		if !errors.Is(err, alchemy.ErrNoRows) {
			t.Errorf("Get of a missing row: %v, want ErrNoRows", err)
		}
		must(t, s.Commit(ctx))
		// After Commit the objects are expired: Get reads the row again, into the same object.
		mustExec(t, m.eng, "UPDATE "+m.users.Name()+" SET name = 'edward'")
		m.trace.reset()
		got = nil
		must(t, s.Get(ctx, &got, u.ID))
		if got != u || u.Name != "edward" {
			t.Errorf("Get after Commit: same object %v, name %q, want the row's new name", got == u, u.Name)
		}
		if q := m.trace.statements("SELECT"); len(q) != 1 {
			t.Errorf("Get of an expired object sent %d SELECTs, want 1", len(q))
		}
	}, testdb.SQLite, testdb.PostgreSQL, testdb.MySQL)
}

// An UPDATE writes exactly the columns whose fields changed, zero values included.
func TestDirtyTrackingWritesExactlyTheChangedColumns(t *testing.T) {
	testdb.Each(t, func(t *testing.T, tg testdb.Target) {
		m := newModel(t, tg.URL)
		ctx := context.Background()
		s := m.sm.New()
		defer s.Close()
		u := &User{Name: "ed"}
		p := &Post{Title: "hello", Score: 7, Draft: true}
		p.Author.Set(u)
		must(t, s.Add(p)) // the author comes along (save-update), and is inserted first
		must(t, s.Commit(ctx))
		if p.AuthorID != u.ID || u.ID == 0 {
			t.Fatalf("post's author_id %d, user's id %d", p.AuthorID, u.ID)
		}
		m.trace.reset()
		p.Score = 0       // a zero value that changed: written
		p.Draft = false   // another
		p.Title = "hello" // unchanged: not written
		must(t, s.Flush(ctx))
		ups := m.trace.statements("UPDATE")
		if len(ups) != 1 {
			t.Fatalf("UPDATEs sent: %q, want one", ups)
		}
		set := strings.ToLower(ups[0][:strings.Index(strings.ToUpper(ups[0]), "WHERE")])
		if !strings.Contains(set, "score") || !strings.Contains(set, "draft") || strings.Contains(set, "title") || strings.Contains(set, "author_id") {
			t.Errorf("UPDATE %q: want score and draft set, nothing else", ups[0])
		}
		m.trace.reset()
		must(t, s.Flush(ctx))
		if ups := m.trace.statements(""); len(ups) != 0 {
			t.Errorf("a flush with nothing changed sent %q", ups)
		}
		must(t, s.Commit(ctx))
		var score int64
		res, err := m.eng.Execute(ctx, alchemy.Text("SELECT score FROM "+m.posts.Name()))
		must(t, err)
		score, err = alchemy.Scalar[int64](res)
		must(t, err)
		if score != 0 {
			t.Errorf("score in the database %d, want 0", score)
		}
	}, testdb.SQLite, testdb.PostgreSQL, testdb.MySQL)
}

// Regressions found by the example: a JSON cycle is an error (not a stack
// overflow), Append to a collection not loaded still reads ErrNotLoaded, and a
// locking query with a Joined load works on every server.
func TestRelationshipEdges(t *testing.T) {
	testdb.Each(t, func(t *testing.T, tg testdb.Target) {
		m := newModel(t, tg.URL)
		ctx := context.Background()
		s := m.sm.New()
		defer s.Close()
		ed := &User{Name: "ed"}
		ed.Posts.Set(&Post{Title: "one"})
		must(t, s.Add(ed))
		must(t, s.Commit(ctx))

		s2 := m.sm.New()
		defer s2.Close()
		posts, err := orm.Select[Post]().Options(orm.Joined("Author")).All(ctx, s2)
		must(t, err)
		users, err := orm.Select[User]().Options(orm.SelectIn("Posts")).All(ctx, s2)
		must(t, err)
		if _, err := json.Marshal(users[0]); err == nil || !strings.Contains(err.Error(), "cycle") {
			t.Errorf("marshalling a cycle of loaded relationships: %v", err)
		}
		if b, err := json.Marshal(posts[0].Tags); err != nil || string(b) != "null" {
			t.Errorf("a collection not loaded marshals as %s (%v)", b, err)
		}
		must(t, s2.Close()) // SQLite: its read transaction would keep the next COMMIT waiting

		s3 := m.sm.New()
		defer s3.Close()
		var u *User
		must(t, s3.Get(ctx, &u, ed.ID))
		u.Posts.Append(&Post{Title: "two"})
		if _, err := u.Posts.Items(); !errors.Is(err, orm.ErrNotLoaded) {
			t.Errorf("Items of a collection not loaded, after Append: %v", err)
		}
		must(t, s3.Commit(ctx)) // the appended post is written all the same
		if n := countRows(t, m.eng, m.posts.Name()); n != 2 {
			t.Errorf("%d posts after Append, want 2", n)
		}

		s4 := m.sm.New()
		defer s4.Close()
		locked, err := orm.Select[Post]().Options(orm.Joined("Author")).ForUpdate("").All(ctx, s4)
		must(t, err)
		if a, err := locked[0].Author.Get(); err != nil || a == nil {
			t.Errorf("the author of a locked post: %v %v", a, err)
		}
	}, testdb.SQLite, testdb.PostgreSQL, testdb.MySQL)
}
