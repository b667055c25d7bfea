package bench

import (
	"context"
	"testing"

	"github.com/go-alchemy/alchemy"
	"github.com/go-alchemy/alchemy/expr"
	"github.com/go-alchemy/alchemy/orm"
)

// The alchemy contender of the ORM benchmarks: Item mapped onto the table by
// orm.Map, a Session per iteration (as a request would have), Add and Commit
// for the flush, Select[Item] for the load.

// alchemySessions returns a Sessionmaker over srv with Item mapped onto table,
// and the table.
func alchemySessions(b *testing.B, srv ormServer, table string) (*orm.Sessionmaker, *expr.Table) {
	eng, err := alchemy.CreateEngine(srv.url, alchemy.PoolSize(2))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { eng.Dispose() })
	md := expr.NewMetaData()
	t := md.NewTable(table)
	expr.NewColumn(t, "id", expr.BigInteger, expr.PrimaryKey())
	expr.NewColumn(t, "name", expr.String(100), expr.NotNull())
	expr.NewColumn(t, "qty", expr.Integer, expr.NotNull())
	expr.NewColumn(t, "price", expr.Float, expr.NotNull())
	expr.NewColumn(t, "created_at", expr.DateTime(false), expr.NotNull())
	expr.NewColumn(t, "note", expr.String(200))
	reg := orm.NewRegistry()
	if err := orm.Map[Item](reg, t); err != nil {
		b.Fatal(err)
	}
	return orm.NewSessionmaker(eng, orm.WithRegistry(reg)), t
}

func alchemyFlush(b *testing.B, srv ormServer) flushFunc {
	sm, _ := alchemySessions(b, srv, ormFlushTable)
	return func(ctx context.Context, items []Item) error {
		s := sm.New()
		defer s.Close()
		objs := make([]any, len(items))
		for i := range items {
			objs[i] = &items[i]
		}
		if err := s.Add(objs...); err != nil {
			return err
		}
		return s.Commit(ctx)
	}
}

func alchemyLoad(b *testing.B, srv ormServer) loadFunc {
	sm, t := alchemySessions(b, srv, ormLoadTable)
	q := orm.Select[Item]().OrderBy(t.C("id").Asc())
	return func(ctx context.Context) ([]Item, error) {
		s := sm.New()
		defer s.Close()
		objs, err := q.All(ctx, s)
		if err != nil {
			return nil, err
		}
		items := make([]Item, len(objs))
		for i, o := range objs {
			items[i] = *o
		}
		return items, nil
	}
}
