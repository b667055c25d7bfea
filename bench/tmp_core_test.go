package bench

import (
	"context"
	"testing"

	"github.com/go-alchemy/alchemy"
)

func BenchmarkTmpCoreLoad(b *testing.B) {
	srv := newORMServer(b, "postgresql", pgURLEnv)
	eng, _ := alchemy.CreateEngine(srv.url)
	defer eng.Dispose()
	ctx := context.Background()
	q := alchemy.Text(ormLoadQuery)
	for b.Loop() {
		res, err := eng.Execute(ctx, q)
		if err != nil {
			b.Fatal(err)
		}
		var items []Item
		for res.Next() {
			var it Item
			if err := res.Scan(&it.ID, &it.Name, &it.Qty, &it.Price, &it.CreatedAt, &it.Note); err != nil {
				b.Fatal(err)
			}
			items = append(items, it)
		}
		res.Close()
	}
}
