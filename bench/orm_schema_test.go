package bench

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	gomysql "github.com/go-sql-driver/mysql"
	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" database/sql driver
)

// The ORM benchmarks' tables and sizes: ormFlushTable is truncated and refilled
// by every iteration of BenchmarkORMFlush100k, ormLoadTable is filled once with
// ormLoadRows rows and only read by BenchmarkORMLoad10k.
const (
	ormFlushTable = "bench_orm_items"
	ormLoadTable  = "bench_orm_load"
	ormFlushRows  = 100_000
	ormLoadRows   = 10_000
	ormBatch      = 1000
)

// ormLoadQuery is the statement the load peers run (or, for the ORMs, the one
// they generate an equivalent of).
const ormLoadQuery = "SELECT id, name, qty, price, created_at, note FROM " + ormLoadTable + " ORDER BY id"

// Item is the row of both ORM tables, one struct for every peer: each library
// reads its own tags (GORM needs none, its conventions map these fields to the
// columns; bun needs the primary key marked; sqlx needs the column names).
type Item struct {
	ID        int64     `bun:"id,pk,autoincrement" db:"id"`
	Name      string    `bun:"name" db:"name"`
	Qty       int32     `bun:"qty" db:"qty"`
	Price     float64   `bun:"price" db:"price"`
	CreatedAt time.Time `bun:"created_at" db:"created_at"`
	Note      *string   `bun:"note" db:"note"` // nullable; set for even rows
}

// ormEpoch is row 0's created_at; row i is ormEpoch + i seconds (whole seconds,
// so that MariaDB's TIMESTAMP(0) keeps them exactly).
var ormEpoch = time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)

// ormItem is row i as the benchmarks build it; its ID is left zero.
func ormItem(i int) Item {
	it := Item{
		Name:      "item-" + strconv.Itoa(i),
		Qty:       int32(i % 1000),
		Price:     float64(i) * 0.25,
		CreatedAt: ormEpoch.Add(time.Duration(i) * time.Second),
	}
	if i%2 == 0 {
		note := "note-" + strconv.Itoa(i)
		it.Note = &note
	}
	return it
}

// ormItems builds rows 0..n-1 with zero IDs: the new objects a flush inserts.
func ormItems(n int) []Item {
	items := make([]Item, n)
	for i := range items {
		items[i] = ormItem(i)
	}
	return items
}

// ormServer is one real server of the ORM benchmarks and how database/sql reaches it.
type ormServer struct {
	url    string // the server's URL, as alchemy takes it
	name   string // "postgresql" or "mariadb", the sub-benchmark's name
	pg     bool   // PostgreSQL, else MariaDB
	driver string // database/sql driver name: "pgx" or "mysql"
	dsn    string // that driver's DSN
}

// ormServers are the servers, in benchmark order, with the environment variable
// holding each one's URL.
var ormServers = []struct{ name, env string }{
	{"postgresql", pgURLEnv},
	{"mariadb", mysqlURLEnv},
}

// newORMServer reads the server's URL from env (skipping when unset) and turns it
// into a DSN: pgx takes the postgresql:// URL as it is; go-sql-driver gets
// user:pw@tcp(host:port)/db?parseTime=true (times read back as time.Time, UTC).
func newORMServer(b *testing.B, name, env string) ormServer {
	raw := serverURL(b, env)
	if name == "postgresql" {
		return ormServer{url: raw, name: name, pg: true, driver: "pgx", dsn: raw}
	}
	u, err := url.Parse(raw)
	if err != nil {
		b.Fatal(err)
	}
	cfg := gomysql.NewConfig()
	cfg.User = u.User.Username()
	cfg.Passwd, _ = u.User.Password()
	cfg.Net = "tcp"
	cfg.Addr = u.Host
	cfg.DBName = strings.TrimPrefix(u.Path, "/")
	cfg.ParseTime = true
	return ormServer{url: raw, name: name, driver: "mysql", dsn: cfg.FormatDSN()}
}

// open opens a database/sql handle on the server, closed when b ends.
func (s ormServer) open(b *testing.B) *sql.DB {
	db, err := sql.Open(s.driver, s.dsn)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	return db
}

// createTable drops and creates table with the ORM benchmarks' shape.
func (s ormServer) createTable(b *testing.B, db *sql.DB, table string) {
	ddl := "CREATE TABLE " + table + ` (
	id BIGSERIAL PRIMARY KEY,
	name VARCHAR(100) NOT NULL,
	qty INTEGER NOT NULL,
	price DOUBLE PRECISION NOT NULL,
	created_at TIMESTAMP NOT NULL,
	note VARCHAR(200) NULL)`
	if !s.pg {
		ddl = strings.Replace(ddl, "BIGSERIAL PRIMARY KEY", "BIGINT AUTO_INCREMENT PRIMARY KEY", 1) + " ENGINE=InnoDB"
	}
	for _, q := range []string{"DROP TABLE IF EXISTS " + table, ddl} {
		if _, err := db.Exec(q); err != nil {
			b.Fatalf("%s: %v", q, err)
		}
	}
}

// truncate empties table and restarts its keys at 1.
func (s ormServer) truncate(ctx context.Context, db *sql.DB, table string) error {
	q := "TRUNCATE TABLE " + table
	if s.pg {
		q += " RESTART IDENTITY"
	}
	_, err := db.ExecContext(ctx, q)
	return err
}

// fillLoadTable recreates ormLoadTable with ormLoadRows rows (IDs 1..ormLoadRows).
func (s ormServer) fillLoadTable(b *testing.B) {
	ctx := context.Background()
	db := s.open(b)
	s.createTable(b, db, ormLoadTable)
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		b.Fatal(err)
	}
	if err := s.insertMultirow(ctx, tx, ormLoadTable, ormItems(ormLoadRows)); err != nil {
		tx.Rollback()
		b.Fatal(err)
	}
	if err := tx.Commit(); err != nil {
		b.Fatal(err)
	}
}

// insertMultirow is the hand-written flush: one prepared INSERT ... VALUES
// (...),(...) ... RETURNING id of ormBatch rows (MariaDB has RETURNING since
// 10.5), run once per batch, the ids scanned back into the items in order.
func (s ormServer) insertMultirow(ctx context.Context, tx *sql.Tx, table string, items []Item) error {
	var stmt *sql.Stmt // prepared for stmtRows rows: the full batch, then any shorter tail
	stmtRows := 0
	defer func() {
		if stmt != nil {
			stmt.Close()
		}
	}()
	args := make([]any, 0, 5*ormBatch)
	for start := 0; start < len(items); start += ormBatch {
		batch := items[start:min(start+ormBatch, len(items))]
		if len(batch) != stmtRows {
			if stmt != nil {
				stmt.Close()
				stmt = nil
			}
			var err error
			if stmt, err = tx.PrepareContext(ctx, s.multirowInsert(table, len(batch))); err != nil {
				return err
			}
			stmtRows = len(batch)
		}
		args = args[:0]
		for i := range batch {
			it := &batch[i]
			args = append(args, it.Name, it.Qty, it.Price, it.CreatedAt, it.Note)
		}
		rows, err := stmt.QueryContext(ctx, args...)
		if err != nil {
			return err
		}
		n := 0
		for rows.Next() {
			if n == len(batch) {
				rows.Close()
				return fmt.Errorf("insert returned more than %d ids", len(batch))
			}
			if err := rows.Scan(&batch[n].ID); err != nil {
				rows.Close()
				return err
			}
			n++
		}
		if err := rows.Close(); err != nil {
			return err
		}
		if err := rows.Err(); err != nil {
			return err
		}
		if n != len(batch) {
			return fmt.Errorf("insert returned %d ids for %d rows", n, len(batch))
		}
	}
	return nil
}

// multirowInsert is INSERT INTO table (...) VALUES of rows rows, RETURNING id,
// in the server's placeholder style.
func (s ormServer) multirowInsert(table string, rows int) string {
	var sb strings.Builder
	sb.WriteString("INSERT INTO " + table + " (name, qty, price, created_at, note) VALUES ")
	p := 0
	for r := range rows {
		if r > 0 {
			sb.WriteByte(',')
		}
		sb.WriteByte('(')
		for c := range 5 {
			if c > 0 {
				sb.WriteByte(',')
			}
			p++
			if s.pg {
				sb.WriteString("$" + strconv.Itoa(p))
			} else {
				sb.WriteByte('?')
			}
		}
		sb.WriteByte(')')
	}
	sb.WriteString(" RETURNING id")
	return sb.String()
}

// checkFlushed fails b unless every item has a nonzero ID, no two alike, and the
// table holds exactly len(items) rows.
func (s ormServer) checkFlushed(b *testing.B, db *sql.DB, items []Item) {
	seen := make(map[int64]struct{}, len(items))
	for i, it := range items {
		if it.ID == 0 {
			b.Fatalf("item %d has no ID", i)
		}
		if _, dup := seen[it.ID]; dup {
			b.Fatalf("item %d has ID %d twice", i, it.ID)
		}
		seen[it.ID] = struct{}{}
	}
	var n int
	if err := db.QueryRow("SELECT COUNT(*) FROM " + ormFlushTable).Scan(&n); err != nil {
		b.Fatal(err)
	}
	if n != len(items) {
		b.Fatalf("%s holds %d rows, flushed %d", ormFlushTable, n, len(items))
	}
}

// checkLoaded is the cheap check of one load: ormLoadRows items, IDs ascending,
// and a few rows equal to what fillLoadTable wrote.
func checkLoaded(b *testing.B, items []Item) {
	if len(items) != ormLoadRows {
		b.Fatalf("loaded %d rows, want %d", len(items), ormLoadRows)
	}
	for i := 1; i < len(items); i++ {
		if items[i].ID <= items[i-1].ID {
			b.Fatalf("row %d: id %d after %d", i, items[i].ID, items[i-1].ID)
		}
	}
	for _, i := range []int{0, 1, ormLoadRows/2 + 1, ormLoadRows - 1} {
		got, want := items[i], ormItem(i)
		want.ID = int64(i + 1)
		if got.ID != want.ID || got.Name != want.Name || got.Qty != want.Qty || got.Price != want.Price ||
			!got.CreatedAt.Equal(want.CreatedAt) || (got.Note == nil) != (want.Note == nil) ||
			(got.Note != nil && *got.Note != *want.Note) {
			b.Fatalf("row %d: got %+v, want %+v", i, got, want)
		}
	}
}
