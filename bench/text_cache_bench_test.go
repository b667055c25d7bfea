package bench

import (
	"context"
	"fmt"
	"testing"

	"github.com/go-alchemy/alchemy"
	_ "github.com/go-alchemy/alchemy/dialect/sqlite"
)

// The Text benchmarks run the 10-row SELECT of BenchmarkSQLiteSelect10 connectionless
// (Engine.Execute, Next/Scan) with its Text built once and reused (TextReused), built
// afresh on every call as a request handler would (TextRebuilt, which hits the
// engine's compiled cache), and rebuilt on an engine whose cache is off
// (TextRebuiltNoCache: parsed and compiled on every call, what the cache saves).

func BenchmarkTextReused(b *testing.B) {
	stmt := alchemy.Text(itemsAlchemy)
	runText(b, textEngine(b), func() *alchemy.TextClause { return stmt })
}

func BenchmarkTextRebuilt(b *testing.B) {
	runText(b, textEngine(b), func() *alchemy.TextClause { return alchemy.Text(itemsAlchemy) })
}

func BenchmarkTextRebuiltNoCache(b *testing.B) {
	runText(b, textEngine(b, alchemy.QueryCacheSize(0)), func() *alchemy.TextClause { return alchemy.Text(itemsAlchemy) })
}

// runText executes the statement stmt returns and reads its rows, b.N times.
func runText(b *testing.B, eng *alchemy.Engine, stmt func() *alchemy.TextClause) {
	ctx := context.Background()
	n := 0
	b.ReportAllocs()
	for b.Loop() {
		res, err := eng.Execute(ctx, stmt(), itemRows)
		if err != nil {
			b.Fatal(err)
		}
		n = 0
		for res.Next() {
			var it item
			if err := res.Scan(&it.ID, &it.Name, &it.Score); err != nil {
				b.Fatal(err)
			}
			n++
		}
		if err := res.Err(); err != nil {
			b.Fatal(err)
		}
	}
	if n != itemRows {
		b.Fatalf("got %d rows", n)
	}
}

// textEngine is an SQLite memory engine holding the items table.
func textEngine(b *testing.B, opts ...alchemy.Option) *alchemy.Engine {
	ctx := context.Background()
	eng, err := alchemy.CreateEngine(sqliteURL, opts...)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { eng.Dispose() })
	_, err = eng.Execute(ctx, alchemy.Text(itemsDDL))
	ins := alchemy.Text("insert into items (id, name, score) values (:id, :name, :score)")
	for i := 1; err == nil && i <= itemRows; i++ {
		_, err = eng.Execute(ctx, ins, alchemy.Params{"id": i, "name": fmt.Sprintf("item-%02d", i), "score": float64(i) * 1.5})
	}
	if err != nil {
		b.Fatal(err)
	}
	return eng
}
