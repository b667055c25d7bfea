package bench

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"testing"

	"github.com/go-alchemy/alchemy"
	"github.com/go-alchemy/alchemy/dialect/mysql"
	"github.com/go-alchemy/alchemy/dialect/postgresql"
	gomysql "github.com/go-sql-driver/mysql"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
)

// The servers' URLs, as scripts/test-servers.sh prints them; a benchmark whose URL
// is unset skips.
const (
	pgURLEnv    = "ALCHEMY_TEST_POSTGRESQL_URL"
	mysqlURLEnv = "ALCHEMY_TEST_MYSQL_URL"
)

// serverGoroutines are the client counts of the server benchmarks, over a pool of
// conns (10) connections.
var serverGoroutines = []int{2, 16, 64}

func serverURL(b *testing.B, env string) string {
	u := os.Getenv(env)
	if u == "" {
		b.Skipf("%s is not set (see scripts/test-servers.sh urls)", env)
	}
	return u
}

// rowsReader is what the rows of database/sql, pgx and alchemy share.
type rowsReader interface {
	Next() bool
	Scan(dest ...any) error
	Err() error
}

// mustReadOne reads the rows of SELECT 1, panicking on an error or another value.
func mustReadOne(rows rowsReader) {
	var n int
	for rows.Next() {
		if err := rows.Scan(&n); err != nil {
			panic(err)
		}
	}
	if err := rows.Err(); err != nil {
		panic(err)
	}
	if n != 1 {
		panic(fmt.Sprintf("select 1 gave %d", n))
	}
}

// selectOneAlchemy runs SELECT 1 connectionless: the connection goes back to the
// pool when the rows are exhausted.
func selectOneAlchemy(ctx context.Context, eng *alchemy.Engine, stmt *alchemy.TextClause) {
	res, err := eng.Execute(ctx, stmt)
	if err != nil {
		panic(err)
	}
	mustReadOne(res)
}

// selectOneDB runs SELECT 1 through database/sql's pool.
func selectOneDB(ctx context.Context, db *sql.DB) {
	rows, err := db.QueryContext(ctx, "select 1")
	if err != nil {
		panic(err)
	}
	defer rows.Close()
	mustReadOne(rows)
}

// openWarmEngine makes an engine with a QueuePool of conns connections and
// no overflow, all opened; it is disposed when b ends.
func openWarmEngine(b *testing.B, url string, opts ...alchemy.Option) *alchemy.Engine {
	eng, err := alchemy.CreateEngine(url, append([]alchemy.Option{alchemy.PoolSize(conns), alchemy.MaxOverflow(0)}, opts...)...)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = eng.Dispose() })
	ctx := context.Background()
	warm(b, conns, func() (*alchemy.Conn, error) { return eng.Connect(ctx) }, (*alchemy.Conn).Close)
	return eng
}

// openWarmDB limits db to conns connections, opens them all, and closes db
// when b ends.
func openWarmDB(b *testing.B, db *sql.DB) *sql.DB {
	b.Cleanup(func() { _ = db.Close() })
	db.SetMaxOpenConns(conns)
	db.SetMaxIdleConns(conns)
	ctx := context.Background()
	warm(b, conns, func() (*sql.Conn, error) { return db.Conn(ctx) }, (*sql.Conn).Close)
	return db
}

// openWarmPgxpool makes a pgxpool of conns connections with the pgx.ConnConfig
// alchemy's postgresql dialect builds from the URL, all opened; it is closed
// when b ends.
func openWarmPgxpool(b *testing.B) *pgxpool.Pool {
	cfg, err := postgresql.ConnConfig(mustParseURL(b, serverURL(b, pgURLEnv)), nil)
	if err != nil {
		b.Fatal(err)
	}
	pcfg, err := pgxpool.ParseConfig("")
	if err != nil {
		b.Fatal(err)
	}
	pcfg.ConnConfig = cfg
	pcfg.MaxConns, pcfg.MinConns = conns, 0
	ctx := context.Background()
	p, err := pgxpool.NewWithConfig(ctx, pcfg)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(p.Close)
	warm(b, conns, func() (*pgxpool.Conn, error) { return p.Acquire(ctx) },
		func(c *pgxpool.Conn) error { c.Release(); return nil })
	return p
}

// selectOnePgxpool runs SELECT 1 through pgxpool.
func selectOnePgxpool(ctx context.Context, p *pgxpool.Pool) {
	rows, err := p.Query(ctx, "select 1")
	if err != nil {
		panic(err)
	}
	mustReadOne(rows)
}

// benchAlchemySelectOne is the alchemy side of the server benchmarks: an engine
// with a QueuePool of conns connections and no overflow, all of them opened before
// the timer starts.
func benchAlchemySelectOne(b *testing.B, url string, g int, opts ...alchemy.Option) {
	ctx := context.Background()
	eng := openWarmEngine(b, url, opts...)
	stmt := alchemy.Text("select 1")
	run(b, g, func() struct{} { selectOneAlchemy(ctx, eng, stmt); return struct{}{} }, func(struct{}) {})
}

// openPgxDB opens database/sql over pgx's stdlib with the pgx.ConnConfig
// alchemy's postgresql dialect builds from the URL.
func openPgxDB(b *testing.B) *sql.DB {
	cfg, err := postgresql.ConnConfig(mustParseURL(b, serverURL(b, pgURLEnv)), nil)
	if err != nil {
		b.Fatal(err)
	}
	return stdlib.OpenDB(*cfg)
}

// openMySQLDB opens database/sql over go-sql-driver/mysql with the mysql.Config
// alchemy's mysql dialect builds from the URL.
func openMySQLDB(b *testing.B) *sql.DB {
	cfg, err := mysql.Config(mustParseURL(b, serverURL(b, mysqlURLEnv)), nil)
	if err != nil {
		b.Fatal(err)
	}
	c, err := gomysql.NewConnector(cfg)
	if err != nil {
		b.Fatal(err)
	}
	return sql.OpenDB(c)
}

// benchDBSelectOne is the database/sql side: SetMaxOpenConns = SetMaxIdleConns =
// conns, all of them opened before the timer starts.
func benchDBSelectOne(b *testing.B, db *sql.DB, g int) {
	ctx := context.Background()
	openWarmDB(b, db)
	run(b, g, func() struct{} { selectOneDB(ctx, db); return struct{}{} }, func(struct{}) {})
}

// BenchmarkPostgresSelectOne runs SELECT 1 on PostgreSQL over loopback with 2, 16
// and 64 goroutines over 10 connections: database/sql over pgx's stdlib, pgxpool,
// alchemy with its default pool (QueuePool, LIFO with MaxIdleTime) and alchemy
// with PoolUseLIFO(false) (FIFO, SQLAlchemy's default). All connect with the same pgx.ConnConfig, the one alchemy's
// postgresql dialect builds from the URL. Each reports ops/s and the p50/p99
// latency of one whole SELECT, checkout to checkin (sampled one in four).
func BenchmarkPostgresSelectOne(b *testing.B) {
	ctx := context.Background()
	for _, g := range serverGoroutines {
		// alchemy with its default pool on database/sql's path (native=false),
		// beside the native path that impl=alchemy takes by default.
		b.Run(fmt.Sprintf("impl=alchemy-database-sql/g=%d", g), func(b *testing.B) {
			u := mustParseURL(b, serverURL(b, pgURLEnv)).WithQuery("native", "false")
			benchAlchemySelectOne(b, u.RenderWithPassword(), g)
		})
		b.Run(fmt.Sprintf("impl=database-sql-pgx/g=%d", g), func(b *testing.B) {
			benchDBSelectOne(b, openPgxDB(b), g)
		})
		b.Run(fmt.Sprintf("impl=pgxpool/g=%d", g), func(b *testing.B) {
			p := openWarmPgxpool(b)
			run(b, g, func() struct{} { selectOnePgxpool(ctx, p); return struct{}{} }, func(struct{}) {})
		})
		b.Run(fmt.Sprintf("impl=alchemy/g=%d", g), func(b *testing.B) {
			benchAlchemySelectOne(b, serverURL(b, pgURLEnv), g)
		})
		b.Run(fmt.Sprintf("impl=alchemy-fifo/g=%d", g), func(b *testing.B) {
			benchAlchemySelectOne(b, serverURL(b, pgURLEnv), g, alchemy.PoolUseLIFO(false))
		})
	}
}

// BenchmarkMariaDBSelectOne is BenchmarkPostgresSelectOne on MariaDB: alchemy
// (default LIFO and FIFO pool) against database/sql over go-sql-driver/mysql, all
// connecting with the mysql.Config alchemy's mysql dialect builds from the URL.
func BenchmarkMariaDBSelectOne(b *testing.B) {
	for _, g := range serverGoroutines {
		b.Run(fmt.Sprintf("impl=database-sql-mysql/g=%d", g), func(b *testing.B) {
			benchDBSelectOne(b, openMySQLDB(b), g)
		})
		b.Run(fmt.Sprintf("impl=alchemy/g=%d", g), func(b *testing.B) {
			benchAlchemySelectOne(b, serverURL(b, mysqlURLEnv), g)
		})
		b.Run(fmt.Sprintf("impl=alchemy-fifo/g=%d", g), func(b *testing.B) {
			benchAlchemySelectOne(b, serverURL(b, mysqlURLEnv), g, alchemy.PoolUseLIFO(false))
		})
	}
}
