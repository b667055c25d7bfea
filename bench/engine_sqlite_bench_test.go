package bench

import (
	"context"
	"database/sql"
	"fmt"
	"testing"

	"github.com/go-alchemy/alchemy"
	"github.com/go-alchemy/alchemy/dialect"
	"github.com/go-alchemy/alchemy/dialect/sqlite"
	_ "modernc.org/sqlite" // the "sqlite" database/sql driver, for the raw peer
)

// item is one row of the benchmarks' 10-row table.
type item struct {
	ID    int64   `db:"id"`
	Name  string  `db:"name"`
	Score float64 `db:"score"`
}

const (
	itemsDDL    = "create table items (id integer primary key, name text not null, score real not null)"
	itemsInsert = "insert into items (id, name, score) values (?, ?, ?)"
	// The same 10-row SELECT, with one bind, for alchemy (":n") and the driver ("?").
	itemsAlchemy = "select id, name, score from items where id <= :n order by id"
	itemsRaw     = "select id, name, score from items where id <= ? order by id"
	itemRows     = 10
)

// sqliteURL is an SQLite memory database: alchemy's engine gives it a StaticPool
// (one shared connection), and the raw peer gets one connection too.
const sqliteURL = "sqlite://"

// fillItems creates and fills the table on a database/sql connection.
func fillItems(ctx context.Context, exec func(ctx context.Context, q string, args ...any) (sql.Result, error)) error {
	if _, err := exec(ctx, itemsDDL); err != nil {
		return err
	}
	for i := 1; i <= itemRows; i++ {
		if _, err := exec(ctx, itemsInsert, i, fmt.Sprintf("item-%02d", i), float64(i)*1.5); err != nil {
			return err
		}
	}
	return nil
}

// BenchmarkSQLiteSelect10 executes and scans a 10-row, 3-column SELECT on an SQLite
// memory database (modernc.org/sqlite), every implementation appending the rows to
// a fresh []item: alchemy connectionless (Engine.Execute, Next/Scan), alchemy on a
// held Conn (Conn.Execute), alchemy's All[item] (connectionless), and raw
// database/sql (DB.QueryContext, Next/Scan) on the same driver and DSN.
func BenchmarkSQLiteSelect10(b *testing.B) {
	ctx := context.Background()
	stmt := alchemy.Text(itemsAlchemy)

	newEngine := func(b *testing.B) *alchemy.Engine {
		eng, err := alchemy.CreateEngine(sqliteURL)
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { eng.Dispose() })
		conn, err := eng.Connect(ctx)
		if err != nil {
			b.Fatal(err)
		}
		defer conn.Close()
		_, err = conn.Execute(ctx, alchemy.Text(itemsDDL))
		ins := alchemy.Text("insert into items (id, name, score) values (:id, :name, :score)")
		for i := 1; err == nil && i <= itemRows; i++ {
			_, err = conn.Execute(ctx, ins, alchemy.Params{"id": i, "name": fmt.Sprintf("item-%02d", i), "score": float64(i) * 1.5})
		}
		if err != nil {
			b.Fatal(err)
		}
		return eng
	}
	check := func(b *testing.B, rows []item) {
		if len(rows) != itemRows || rows[9].Name != "item-10" || rows[9].Score != 15 {
			b.Fatalf("got %d rows: %+v", len(rows), rows)
		}
	}

	b.Run("impl=database-sql", func(b *testing.B) {
		dsn, err := sqlite.DSN(mustParseURL(b, sqliteURL), nil) // the DSN alchemy's engine uses
		if err != nil {
			b.Fatal(err)
		}
		db, err := sql.Open("sqlite", dsn)
		if err != nil {
			b.Fatal(err)
		}
		defer db.Close()
		db.SetMaxOpenConns(1) // one memory database
		db.SetMaxIdleConns(1)
		db.SetConnMaxLifetime(0)
		if err := fillItems(ctx, db.ExecContext); err != nil {
			b.Fatal(err)
		}
		var rows []item
		b.ReportAllocs()
		for b.Loop() {
			rs, err := db.QueryContext(ctx, itemsRaw, itemRows)
			if err != nil {
				b.Fatal(err)
			}
			rows = nil
			for rs.Next() {
				var it item
				if err := rs.Scan(&it.ID, &it.Name, &it.Score); err != nil {
					b.Fatal(err)
				}
				rows = append(rows, it)
			}
			if err := rs.Err(); err != nil {
				b.Fatal(err)
			}
			rs.Close()
		}
		check(b, rows)
	})

	b.Run("impl=alchemy-engine", func(b *testing.B) {
		eng := newEngine(b)
		var rows []item
		b.ReportAllocs()
		for b.Loop() {
			res, err := eng.Execute(ctx, stmt, itemRows)
			if err != nil {
				b.Fatal(err)
			}
			rows = nil
			for res.Next() {
				var it item
				if err := res.Scan(&it.ID, &it.Name, &it.Score); err != nil {
					b.Fatal(err)
				}
				rows = append(rows, it)
			}
			if err := res.Err(); err != nil {
				b.Fatal(err)
			}
		}
		check(b, rows)
	})

	b.Run("impl=alchemy-conn", func(b *testing.B) {
		eng := newEngine(b)
		conn, err := eng.Connect(ctx)
		if err != nil {
			b.Fatal(err)
		}
		defer conn.Close()
		var rows []item
		b.ReportAllocs()
		for b.Loop() {
			res, err := conn.Execute(ctx, stmt, itemRows)
			if err != nil {
				b.Fatal(err)
			}
			rows = nil
			for res.Next() {
				var it item
				if err := res.Scan(&it.ID, &it.Name, &it.Score); err != nil {
					b.Fatal(err)
				}
				rows = append(rows, it)
			}
			if err := res.Err(); err != nil {
				b.Fatal(err)
			}
		}
		check(b, rows)
	})

	b.Run("impl=alchemy-scanall", func(b *testing.B) {
		eng := newEngine(b)
		var rows []item
		b.ReportAllocs()
		for b.Loop() {
			res, err := eng.Execute(ctx, stmt, itemRows)
			if err != nil {
				b.Fatal(err)
			}
			if rows, err = alchemy.All[item](res); err != nil {
				b.Fatal(err)
			}
		}
		check(b, rows)
	})

}

func mustParseURL(b *testing.B, raw string) dialect.URL {
	u, err := dialect.ParseURL(raw)
	if err != nil {
		b.Fatal(err)
	}
	return u
}
