package alchemy_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/go-alchemy/alchemy"
	"github.com/go-alchemy/alchemy/expr"
	"github.com/go-alchemy/alchemy/internal/testdb"
)

// TestExecutemanyInsertColumns: SQLAlchemy's executemany of an insert,
// conn.execute(users.insert(), [{...}, {...}]), is Execute with the insert's Columns
// and a slice of parameter sets; a column with a client-side default the sets leave
// out takes it, and a set without a named column is an error naming it.
func TestExecutemanyInsertColumns(t *testing.T) {
	testdb.Each(t, func(t *testing.T, tg testdb.Target) {
		ctx := context.Background()
		eng := newEngine(t, tg.URL)
		md := expr.NewMetaData()
		name := uniqueName("em_users")
		users := md.NewTable(name)
		id := expr.NewColumn(users, "id", expr.Integer, expr.PrimaryKey())
		uname := expr.NewColumn(users, "name", expr.String(40), expr.NotNull())
		kind := expr.NewColumn(users, "kind", expr.String(10), expr.Default("member"))
		if err := expr.CreateAll(ctx, eng, md); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { expr.DropAll(context.Background(), eng, md) })

		ins := users.Insert().Columns(uname)
		sets := []expr.Params{{"name": "ed"}, {"name": "wendy"}, {"name": "mary"}}
		if _, err := eng.Execute(ctx, ins, sets); err != nil {
			t.Fatal(err)
		}
		if _, err := eng.Execute(ctx, ins, []expr.Params{{"name": "jack"}, {"nom": "x"}}); err == nil {
			t.Fatal("a parameter set without the named column: no error")
		}
		res, err := eng.Execute(ctx, users.Select(uname, kind).OrderBy(id.Asc()))
		if err != nil {
			t.Fatal(err)
		}
		type row struct {
			Name string `db:"name"`
			Kind string `db:"kind"`
		}
		got, err := alchemy.All[row](res)
		if err != nil {
			t.Fatal(err)
		}
		want := []row{{"ed", "member"}, {"wendy", "member"}, {"mary", "member"}}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("rows %v, want %v (a refused executemany inserts none of its sets)", got, want)
		}
	}, testdb.SQLite, testdb.PostgreSQL, testdb.MySQL)
}
