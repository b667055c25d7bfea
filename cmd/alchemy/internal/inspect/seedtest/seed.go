// Package seedtest creates, for the tests of inspect and gen, a small schema in
// a real database: users, posts (a foreign key to users), tags, and post_tags (a
// composite primary key of two foreign keys), with an index, unique and check
// constraints, comments, a server default and a few rows. Its tables' names start
// with a prefix unique to the test, so that suites sharing a server do not meet.
package seedtest

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"sync/atomic"
	"testing"

	"github.com/go-alchemy/alchemy"
	"github.com/go-alchemy/alchemy/expr"

	_ "github.com/go-alchemy/alchemy/dialect/mysql"      // the test servers' dialects
	_ "github.com/go-alchemy/alchemy/dialect/postgresql" //
	_ "github.com/go-alchemy/alchemy/dialect/sqlite"     //
)

// Names are the seeded tables' names.
type Names struct {
	Prefix, Users, Posts, Tags, PostTags string
}

// All are the names in foreign-key order.
func (n Names) All() []string { return []string{n.Users, n.Posts, n.Tags, n.PostTags} }

var counter atomic.Int64

// Seed creates the schema and its rows in the database of url, and drops the tables
// when the test ends.
func Seed(t testing.TB, url string) Names {
	t.Helper()
	p := fmt.Sprintf("s%d_%d_", os.Getpid(), counter.Add(1))
	n := Names{Prefix: p, Users: p + "users", Posts: p + "posts", Tags: p + "tags", PostTags: p + "post_tags"}
	ctx := context.Background()
	eng, err := alchemy.CreateEngine(url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = eng.Dispose() })
	md := expr.NewMetaData()

	ut := md.NewTable(n.Users, expr.TableComment("people who write"))
	uid := expr.NewColumn(ut, "id", expr.Integer, expr.PrimaryKey())
	uname := expr.NewColumn(ut, "name", expr.String(50), expr.NotNull(), expr.Unique(), expr.Comment("the login"))
	uemail := expr.NewColumn(ut, "email", expr.String(100))
	ukarma := expr.NewColumn(ut, "karma", expr.Integer, expr.NotNull(), expr.ServerDefault("0"))
	uactive := expr.NewColumn(ut, "active", expr.Boolean, expr.NotNull())
	expr.NewColumn(ut, "created_at", expr.DateTime(false))

	pt := md.NewTable(n.Posts,
		expr.CheckConstraint("ck_"+p+"posts_score", "score >= 0"),
		expr.Index("ix_"+p+"posts_user_title", "user_id", "title"))
	pid := expr.NewColumn(pt, "id", expr.Integer, expr.PrimaryKey())
	puser := expr.NewColumn(pt, "user_id", expr.Integer, expr.NotNull(), expr.References(uid, expr.OnDelete("CASCADE")))
	ptitle := expr.NewColumn(pt, "title", expr.String(200), expr.NotNull())
	expr.NewColumn(pt, "body", expr.TextType)
	pscore := expr.NewColumn(pt, "score", expr.Numeric(10, 2))
	pmeta := expr.NewColumn(pt, "meta", expr.JSON)

	tt := md.NewTable(n.Tags, expr.UniqueConstraint("uq_"+p+"tags_name", "name"))
	tid := expr.NewColumn(tt, "id", expr.Integer, expr.PrimaryKey())
	tname := expr.NewColumn(tt, "name", expr.String(30), expr.NotNull())

	ptt := md.NewTable(n.PostTags)
	ptpost := expr.NewColumn(ptt, "post_id", expr.Integer, expr.PrimaryKey(), expr.References(pid))
	pttag := expr.NewColumn(ptt, "tag_id", expr.Integer, expr.PrimaryKey(), expr.References(tid))

	if err := expr.CreateAll(ctx, eng, md); err != nil {
		t.Fatalf("seed: %v", err)
	}
	t.Cleanup(func() {
		if err := expr.DropAll(context.Background(), eng, md); err != nil {
			t.Errorf("seed: dropping the tables: %v", err)
		}
	})
	run := func(s expr.Statement) {
		t.Helper()
		res, err := eng.Execute(ctx, s)
		if err != nil {
			t.Fatalf("seed: %v", err)
		}
		res.Close()
	}
	run(ut.Insert().Columns(uid, uname, uemail, ukarma, uactive).
		Row(int64(1), "ed", "ed@example.com", int64(3), true).
		Row(int64(2), "wendy", nil, int64(0), false))
	run(pt.Insert().Columns(pid, puser, ptitle, pscore, pmeta).
		Row(int64(1), int64(1), "hello", "1.50", json.RawMessage(`{"draft":false}`)).
		Row(int64(2), int64(2), "second", nil, nil))
	run(tt.Insert().Columns(tid, tname).Row(int64(1), "go").Row(int64(2), "sql"))
	run(ptt.Insert().Columns(ptpost, pttag).Row(int64(1), int64(1)).Row(int64(1), int64(2)).Row(int64(2), int64(2)))
	return n
}

// SeedSchema creates, on PostgreSQL, a schema of its own holding a table items
// (id, label, and user_id referring to the seeded users of the default schema) with
// one row, and drops the schema when the test ends. It returns the schema's name
// and the default schema's.
func SeedSchema(t testing.TB, url string, n Names) (schema, defaultSchema string) {
	t.Helper()
	ctx := context.Background()
	eng, err := alchemy.CreateEngine(url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = eng.Dispose() })
	res, err := eng.Execute(ctx, alchemy.Text("select current_schema()"))
	if err != nil {
		t.Fatal(err)
	}
	if defaultSchema, err = alchemy.Scalar[string](res); err != nil {
		t.Fatal(err)
	}
	schema = n.Prefix + "sch"
	for _, q := range []string{
		"create schema " + schema,
		"create table " + schema + ".items (id serial primary key, label varchar(20) not null, user_id integer references " + n.Users + " (id))",
		"insert into " + schema + ".items (label, user_id) values ('pen', 1)",
	} {
		res, err := eng.Execute(ctx, alchemy.Text(q))
		if err != nil {
			t.Fatalf("seed: %s: %v", q, err)
		}
		res.Close()
	}
	t.Cleanup(func() {
		res, err := eng.Execute(context.Background(), alchemy.Text("drop schema "+schema+" cascade"))
		if err != nil {
			t.Errorf("seed: dropping the schema: %v", err)
			return
		}
		res.Close()
	})
	return schema, defaultSchema
}
