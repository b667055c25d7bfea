package bench

import (
	"context"
	"testing"

	"github.com/jmoiron/sqlx"
	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect/mysqldialect"
	"github.com/uptrace/bun/dialect/pgdialect"
	gormmysql "gorm.io/driver/mysql"
	gormpostgres "gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"
)

// flushFunc inserts all items in one transaction and leaves each one's ID set to
// its generated key.
type flushFunc func(ctx context.Context, items []Item) error

// loadFunc reads every row of ormLoadTable, ordered by id, into a fresh []Item.
type loadFunc func(ctx context.Context) ([]Item, error)

// A peer is one contender of a workload: open runs before the timer, connects to
// srv (closing what it opened in b.Cleanup) and returns what the timer measures.
// Adding a contender is one more entry in flushPeers or loadPeers.
type (
	flushPeer struct {
		name string
		open func(b *testing.B, srv ormServer) flushFunc
	}
	loadPeer struct {
		name string
		open func(b *testing.B, srv ormServer) loadFunc
	}
)

// flushPeers are the contenders of BenchmarkORMFlush100k.
var flushPeers = []flushPeer{
	{"alchemy", alchemyFlush},
	{"gorm", gormFlush},
	{"bun", bunFlush},
	{"raw-multirow", rawFlush},
}

// loadPeers are the contenders of BenchmarkORMLoad10k.
var loadPeers = []loadPeer{
	{"alchemy", alchemyLoad},
	{"gorm", gormLoad},
	{"bun", bunLoad},
	{"sqlx", sqlxLoad},
	{"raw", rawLoad},
}

// BenchmarkORMFlush100k builds 100k new Items and inserts them in one
// transaction, in batches of 1000, every Item ending with its generated ID; on
// PostgreSQL and MariaDB. Building the Items is timed (identically for all);
// the TRUNCATE before each iteration is not. After the last iteration it checks
// the IDs (nonzero, distinct) and the table's row count.
func BenchmarkORMFlush100k(b *testing.B) {
	for _, s := range ormServers {
		b.Run(s.name, func(b *testing.B) {
			srv := newORMServer(b, s.name, s.env)
			srv.createTable(b, srv.open(b), ormFlushTable)
			for _, p := range flushPeers {
				b.Run(p.name, func(b *testing.B) { benchFlush(b, srv, p) })
			}
		})
	}
}

func benchFlush(b *testing.B, srv ormServer, p flushPeer) {
	ctx := context.Background()
	admin := srv.open(b)
	flush := p.open(b, srv)
	var items []Item
	b.ReportAllocs()
	for b.Loop() {
		b.StopTimer()
		if err := srv.truncate(ctx, admin, ormFlushTable); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		items = ormItems(ormFlushRows)
		if err := flush(ctx, items); err != nil {
			b.Fatal(err)
		}
	}
	srv.checkFlushed(b, admin, items)
}

// BenchmarkORMLoad10k reads the 10k rows of bench_orm_load (filled once per
// server) into a fresh []Item per iteration, on PostgreSQL and MariaDB, and
// checks each load cheaply.
func BenchmarkORMLoad10k(b *testing.B) {
	for _, s := range ormServers {
		b.Run(s.name, func(b *testing.B) {
			srv := newORMServer(b, s.name, s.env)
			srv.fillLoadTable(b)
			for _, p := range loadPeers {
				b.Run(p.name, func(b *testing.B) { benchLoad(b, srv, p) })
			}
		})
	}
}

func benchLoad(b *testing.B, srv ormServer, p loadPeer) {
	ctx := context.Background()
	load := p.open(b, srv)
	b.ReportAllocs()
	for b.Loop() {
		items, err := load(ctx)
		if err != nil {
			b.Fatal(err)
		}
		checkLoaded(b, items)
	}
}

// ---- GORM: gorm.io/gorm with its postgres (pgx) and mysql drivers ----

// openGORM opens GORM on srv with its defaults, but silent and without its own
// transaction around each write (the flush opens one itself).
func openGORM(b *testing.B, srv ormServer) *gorm.DB {
	dialector := gormmysql.Open(srv.dsn)
	if srv.pg {
		dialector = gormpostgres.Open(srv.dsn)
	}
	db, err := gorm.Open(dialector, &gorm.Config{SkipDefaultTransaction: true, Logger: logger.Discard})
	if err != nil {
		b.Fatal(err)
	}
	sqlDB, err := db.DB()
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { sqlDB.Close() })
	return db
}

// gormFlush is CreateInBatches(items, 1000) in a transaction: GORM sets the IDs
// from RETURNING "id" on both servers (its mysql driver uses RETURNING on
// MariaDB >= 10.5).
func gormFlush(b *testing.B, srv ormServer) flushFunc {
	db := openGORM(b, srv)
	return func(ctx context.Context, items []Item) error {
		return db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
			return tx.Table(ormFlushTable).CreateInBatches(&items, ormBatch).Error
		})
	}
}

// gormLoad is Table(...).Order("id").Find: GORM runs SELECT * (the same six
// columns).
func gormLoad(b *testing.B, srv ormServer) loadFunc {
	db := openGORM(b, srv)
	return func(ctx context.Context) ([]Item, error) {
		var items []Item
		err := db.WithContext(ctx).Table(ormLoadTable).Order("id").Find(&items).Error
		return items, err
	}
}

// ---- bun: github.com/uptrace/bun over database/sql (pgx stdlib, go-sql-driver) ----

// openBun opens bun with the server's dialect over a database/sql handle.
// mysqldialect asks the server's version and, on MariaDB >= 10.5, inserts with
// RETURNING like pgdialect does.
func openBun(b *testing.B, srv ormServer) *bun.DB {
	if srv.pg {
		return bun.NewDB(srv.open(b), pgdialect.New())
	}
	return bun.NewDB(srv.open(b), mysqldialect.New())
}

// bunFlush inserts each batch of 1000 with NewInsert().Model(&batch) in RunInTx.
// bun writes DEFAULT for the zero ID (and for nil notes) and reads both back with
// RETURNING "id"(, "note"), so the IDs are set on both servers. Without RETURNING
// (MySQL, MariaDB < 10.5) it would set them from LastInsertId, counting up by
// one per row. bun writes the values into the SQL text (no placeholders), so
// every batch is a statement the server has not seen before.
func bunFlush(b *testing.B, srv ormServer) flushFunc {
	db := openBun(b, srv)
	return func(ctx context.Context, items []Item) error {
		return db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
			for start := 0; start < len(items); start += ormBatch {
				batch := items[start:min(start+ormBatch, len(items))]
				if _, err := tx.NewInsert().Model(&batch).ModelTableExpr(ormFlushTable).Exec(ctx); err != nil {
					return err
				}
			}
			return nil
		})
	}
}

// bunLoad is NewSelect().Model(&items).Scan; the table keeps bun's alias for
// Item ("item"), which qualifies the columns it selects.
func bunLoad(b *testing.B, srv ormServer) loadFunc {
	db := openBun(b, srv)
	return func(ctx context.Context) ([]Item, error) {
		var items []Item
		err := db.NewSelect().Model(&items).ModelTableExpr(ormLoadTable + " AS item").Order("id").Scan(ctx)
		return items, err
	}
}

// ---- sqlx: github.com/jmoiron/sqlx over database/sql ----

// sqlxLoad is Select(&items, ormLoadQuery), mapping columns by the db tags.
func sqlxLoad(b *testing.B, srv ormServer) loadFunc {
	db := sqlx.NewDb(srv.open(b), srv.driver)
	return func(ctx context.Context) ([]Item, error) {
		var items []Item
		err := db.SelectContext(ctx, &items, ormLoadQuery)
		return items, err
	}
}

// ---- raw: database/sql by hand ----

// rawFlush is insertMultirow in a transaction.
func rawFlush(b *testing.B, srv ormServer) flushFunc {
	db := srv.open(b)
	return func(ctx context.Context, items []Item) error {
		tx, err := db.BeginTx(ctx, nil)
		if err != nil {
			return err
		}
		if err := srv.insertMultirow(ctx, tx, ormFlushTable, items); err != nil {
			tx.Rollback()
			return err
		}
		return tx.Commit()
	}
}

// rawLoad is Query(ormLoadQuery) and Scan into the fields of a new Item per row,
// appended to a nil slice.
func rawLoad(b *testing.B, srv ormServer) loadFunc {
	db := srv.open(b)
	return func(ctx context.Context) ([]Item, error) {
		rows, err := db.QueryContext(ctx, ormLoadQuery)
		if err != nil {
			return nil, err
		}
		defer rows.Close()
		var items []Item
		for rows.Next() {
			var it Item
			if err := rows.Scan(&it.ID, &it.Name, &it.Qty, &it.Price, &it.CreatedAt, &it.Note); err != nil {
				return nil, err
			}
			items = append(items, it)
		}
		return items, rows.Err()
	}
}
