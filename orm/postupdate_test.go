package orm_test

import (
	"context"
	"testing"

	"github.com/go-alchemy/alchemy/expr"
	"github.com/go-alchemy/alchemy/internal/testdb"
	"github.com/go-alchemy/alchemy/orm"
)

type Widget struct {
	ID         int64
	Name       string
	FavoriteID *int64
	Favorite   orm.One[Entry]
	Entries    orm.Many[Entry]
}

type Entry struct {
	ID       int64
	WidgetID int64
	Body     string
}

// Two tables referring to each other: a widget's favorite entry, an entry's
// widget. PostUpdate breaks the cycle: the widget is inserted without its
// favorite, the entries after it, then an UPDATE sets the favorite; deleting
// both clears the favorite first.
func TestPostUpdateBreaksACycle(t *testing.T) {
	testdb.Each(t, func(t *testing.T, tg testdb.Target) {
		eng := newEngine(t, tg.URL)
		ctx := context.Background()
		p := uniqueName("cyc")
		md := expr.NewMetaData()
		widgets := md.NewTable(p + "_widgets")
		entries := md.NewTable(p + "_entries")
		expr.NewColumn(widgets, "id", expr.BigInteger, expr.PrimaryKey())
		expr.NewColumn(widgets, "name", expr.String(20), expr.NotNull())
		expr.NewColumn(widgets, "favorite_id", expr.BigInteger, expr.References(p+"_entries.id"))
		expr.NewColumn(entries, "id", expr.BigInteger, expr.PrimaryKey())
		expr.NewColumn(entries, "widget_id", expr.BigInteger, expr.NotNull(), expr.References(widgets.C("id")))
		expr.NewColumn(entries, "body", expr.String(20), expr.NotNull())
		must(t, expr.CreateAll(ctx, eng, md))
		t.Cleanup(func() { _ = expr.DropAll(context.Background(), eng, md) })

		reg := orm.NewRegistry()
		must(t, orm.Map[Widget](reg, widgets,
			orm.Relationship("Favorite", orm.PostUpdate()),
			orm.Relationship("Entries", orm.Cascade("all"))))
		must(t, orm.Map[Entry](reg, entries))
		sm := orm.NewSessionmaker(eng, orm.WithRegistry(reg))
		s := sm.New()
		defer s.Close()
		w := &Widget{Name: "w"}
		a, b := &Entry{Body: "a"}, &Entry{Body: "b"}
		w.Entries.Set(a, b)
		w.Favorite.Set(b)
		must(t, s.Add(w))
		must(t, s.Commit(ctx))
		if w.FavoriteID == nil || *w.FavoriteID != b.ID || a.WidgetID != w.ID {
			t.Fatalf("favorite %v (b is %d), a's widget %d (w is %d)", w.FavoriteID, b.ID, a.WidgetID, w.ID)
		}
		var got *Widget
		s2 := sm.New()
		defer s2.Close()
		must(t, s2.Get(ctx, &got, w.ID))
		if got.FavoriteID == nil || *got.FavoriteID != b.ID {
			t.Errorf("the favorite in the database: %v", got.FavoriteID)
		}
		must(t, s2.Delete(got)) // its entries go with it (cascade), after the favorite is cleared
		must(t, s2.Commit(ctx))
		if n := countRows(t, eng, widgets.Name()) + countRows(t, eng, entries.Name()); n != 0 {
			t.Errorf("%d rows left", n)
		}
	}, testdb.SQLite, testdb.PostgreSQL, testdb.MySQL)
}
