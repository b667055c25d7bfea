package expr

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"sync"
)

// ErrNoSuchTable is wrapped by the error of an Inspector method asked about a table
// (or view) that the database does not have.
var ErrNoSuchTable = errors.New("alchemy: no such table")

// ColumnInfo is a column as the database's catalog describes it.
type ColumnInfo struct {
	// Name is the column's name.
	Name string
	// Type is the column's type, normalised onto this package's types: int4, int and
	// integer are Integer, character varying(50) is String(50), numeric(10,2) is
	// Numeric(10, 2). A type the package does not have keeps the catalog's name
	// (upper-cased, with its length or precision): CHAR(36), REAL, TINYINT.
	Type SQLType
	// Nullable reports whether the column takes NULL.
	Nullable bool
	// Default is the server default, normalised (see the package's reflection notes
	// on Inspector), or nil when the column has none. A default that makes the column
	// autoincrement (PostgreSQL's nextval of its own sequence) is nil, with
	// Autoincrement set.
	Default *string
	// Comment is the column's comment ("" for none; SQLite keeps none).
	Comment string
	// Autoincrement reports whether the database gives the column its values:
	// SERIAL or IDENTITY on PostgreSQL, AUTO_INCREMENT on MySQL, IDENTITY on SQL
	// Server, the rowid alias (a lone INTEGER PRIMARY KEY) on SQLite.
	Autoincrement bool
}

// PrimaryKeyInfo is a table's primary key: its columns in key order, and the
// constraint's name where the database keeps one ("" on SQLite and MySQL, whose
// primary keys are unnamed or always PRIMARY).
type PrimaryKeyInfo struct {
	Name    string
	Columns []string
}

// ForeignKeyInfo is a foreign key constraint of a table.
type ForeignKeyInfo struct {
	// Name is the constraint's name ("" where the database keeps none: an unnamed
	// foreign key on SQLite).
	Name string
	// Columns are the referring columns, in key order.
	Columns []string
	// ReferredSchema is the referred table's schema when it differs from the
	// inspected table's, "" when both are in the same schema.
	ReferredSchema string
	// ReferredTable is the referred table's name.
	ReferredTable string
	// ReferredColumns are the referred columns, one per column of Columns.
	ReferredColumns []string
	// OnDelete and OnUpdate are the actions, upper-case ("CASCADE", "SET NULL",
	// "SET DEFAULT", "RESTRICT"), or "" for the default, NO ACTION (on MySQL and
	// MariaDB RESTRICT too, which is the same action there).
	OnDelete, OnUpdate string
}

// IndexInfo is an index of a table that no constraint owns (the indexes behind a
// primary key or a unique constraint are reported by PrimaryKey and
// UniqueConstraints). On MySQL and MariaDB, where a unique index and a unique
// constraint are one thing, every unique index is a UniqueConstraint.
type IndexInfo struct {
	// Name is the index's name.
	Name string
	// Columns are the indexed columns in order; an expression is "".
	Columns []string
	// Unique reports a unique index.
	Unique bool
}

// UniqueConstraintInfo is a UNIQUE constraint: its name ("" where the database
// keeps none) and its columns in order.
type UniqueConstraintInfo struct {
	Name    string
	Columns []string
}

// CheckConstraintInfo is a CHECK constraint: its name ("" where the database keeps
// none) and its condition as SQL text, without the CHECK keyword and without the
// parentheses around the whole (the database's own spelling: PostgreSQL writes
// "(price > (0)::numeric)" as "price > (0)::numeric").
type CheckConstraintInfo struct {
	Name    string
	SQLText string
}

// Inspector reads the schema of a live database from its catalog, SQLAlchemy's
// Inspector. Get one with Inspect. Its methods run catalog queries, with the names
// asked about bound as values, through the Executor it was given; each call asks the
// database again (nothing is cached but the default schema's name and, on MySQL,
// whether the server is MariaDB).
//
// A schema argument of "" means the connection's default schema (PostgreSQL's
// current_schema(), MySQL's current database, SQL Server's default schema, SQLite's
// "main").
//
// Supported dialects: sqlite, postgresql, mysql, mariadb (a mysql:// URL on a
// MariaDB server is recognised by its version) and mssql.
//
// Server defaults are normalised so that the same default reads the same on every
// database: a string literal is single-quoted, a quote inside it doubled; casts
// of literals are dropped (PostgreSQL's 'a'::character varying is 'a', '-1'::integer
// is -1), parentheses around the whole are dropped (SQL Server's ((0)) is 0), NULL is
// no default (nil), and now(), current_timestamp() and CURRENT_TIMESTAMP are all
// CURRENT_TIMESTAMP. Anything else is kept as the catalog spells it.
type Inspector struct {
	dialect string // the catalog's flavour: sqlite, postgresql, mysql, mariadb, mssql
	q       querier
	cat     catalog
	err     error // why the Inspector cannot work (no executor, an unknown dialect)

	mu       sync.Mutex
	resolved bool // the flavour is known (MySQL or MariaDB)
}

// querier runs sql with params and returns its rows, each of ncols values as the
// driver gave them.
type querier func(ctx context.Context, sql string, params Params, ncols int) ([][]any, error)

// catalog is one dialect's catalog queries.
type catalog interface {
	defaultSchema(ctx context.Context) (string, error)
	schemaNames(ctx context.Context) ([]string, error)
	relationNames(ctx context.Context, schema string, views bool) ([]string, error)
	exists(ctx context.Context, table, schema string) (bool, error)
	columns(ctx context.Context, table, schema string) ([]ColumnInfo, error)
	primaryKey(ctx context.Context, table, schema string) (PrimaryKeyInfo, error)
	foreignKeys(ctx context.Context, table, schema string) ([]ForeignKeyInfo, error)
	indexes(ctx context.Context, table, schema string) ([]IndexInfo, error)
	uniqueConstraints(ctx context.Context, table, schema string) ([]UniqueConstraintInfo, error)
	checkConstraints(ctx context.Context, table, schema string) ([]CheckConstraintInfo, error)
	tableComment(ctx context.Context, table, schema string) (string, error)
}

// Inspect returns an Inspector over e (an *alchemy.Engine or *alchemy.Conn): the
// catalog queries are chosen by e.Dialect().Name(). An Executor that is nil, or
// whose dialect is nil or unknown, gives an Inspector whose every method returns the
// error saying so.
func Inspect[R Rows](e Executor[R]) *Inspector {
	in := &Inspector{}
	if e == nil || reflect.ValueOf(e).Kind() == reflect.Pointer && reflect.ValueOf(e).IsNil() {
		in.err = errors.New("alchemy: Inspect needs an executor (an Engine or a Conn), got nil")
		return in
	}
	d := e.Dialect()
	if d == nil {
		in.err = fmt.Errorf("alchemy: Inspect: the executor %T has no dialect", e)
		return in
	}
	in.dialect = d.Name()
	in.q = func(ctx context.Context, sql string, params Params, ncols int) (out [][]any, err error) {
		res, err := e.Execute(ctx, Text(sql).Columns(), params)
		if err != nil {
			return nil, fmt.Errorf("alchemy: inspect (%s): %w", in.dialect, err)
		}
		defer func() {
			if cerr := res.Close(); cerr != nil && err == nil {
				err = fmt.Errorf("alchemy: inspect (%s): %w", in.dialect, cerr)
			}
		}()
		for res.Next() {
			row := make([]any, ncols)
			dest := make([]any, ncols)
			for i := range row {
				dest[i] = &row[i]
			}
			if err := res.Scan(dest...); err != nil {
				return nil, fmt.Errorf("alchemy: inspect (%s): %w", in.dialect, err)
			}
			out = append(out, row)
		}
		if err := res.Err(); err != nil {
			return nil, fmt.Errorf("alchemy: inspect (%s): %w", in.dialect, err)
		}
		return out, nil
	}
	switch in.dialect {
	case "sqlite":
		in.cat = &sqliteCatalog{q: in.q}
	case "postgresql":
		in.cat = &pgCatalog{q: in.q}
	case "mysql", "mariadb":
		in.cat = &mysqlCatalog{q: in.q, mariadb: in.dialect == "mariadb"}
	case "mssql":
		in.cat = &mssqlCatalog{q: in.q}
	default:
		in.err = fmt.Errorf("%w: Inspect knows the catalogs of sqlite, postgresql, mysql, mariadb and mssql, not of dialect %q", ErrUnsupported, in.dialect)
	}
	return in
}

// Dialect returns the catalog's flavour: "sqlite", "postgresql", "mysql",
// "mariadb" (also for a mysql:// URL on a MariaDB server, once a method has run) or
// "mssql".
func (in *Inspector) Dialect() string {
	in.mu.Lock()
	defer in.mu.Unlock()
	return in.dialect
}

// ready returns the Inspector's error, and finds out MariaDB on first use.
func (in *Inspector) ready(ctx context.Context) error {
	if in.err != nil {
		return in.err
	}
	if ctx == nil {
		return errors.New("alchemy: inspect: nil context")
	}
	in.mu.Lock()
	defer in.mu.Unlock()
	if in.resolved {
		return nil
	}
	if m, ok := in.cat.(*mysqlCatalog); ok && !m.mariadb {
		rows, err := in.q(ctx, "select version()", nil, 1)
		if err != nil {
			return err
		}
		if len(rows) == 1 && strings.Contains(strings.ToLower(str(rows[0][0])), "mariadb") {
			m.mariadb = true
			in.dialect = "mariadb"
		}
	}
	in.resolved = true
	return nil
}

// SchemaNames returns the names of the schemas (databases, on MySQL), sorted,
// without the database's own (pg_catalog, information_schema, mysql, sys, ...).
func (in *Inspector) SchemaNames(ctx context.Context) ([]string, error) {
	if err := in.ready(ctx); err != nil {
		return nil, err
	}
	return in.cat.schemaNames(ctx)
}

// DefaultSchemaName returns the name of the schema that "" stands for.
func (in *Inspector) DefaultSchemaName(ctx context.Context) (string, error) {
	if err := in.ready(ctx); err != nil {
		return "", err
	}
	return in.cat.defaultSchema(ctx)
}

// TableNames returns the names of the tables of schema ("" for the default), sorted.
// Views are not tables: see ViewNames.
func (in *Inspector) TableNames(ctx context.Context, schema string) ([]string, error) {
	if err := in.ready(ctx); err != nil {
		return nil, err
	}
	return in.cat.relationNames(ctx, schema, false)
}

// ViewNames returns the names of the views of schema ("" for the default), sorted
// (PostgreSQL's materialized views included).
func (in *Inspector) ViewNames(ctx context.Context, schema string) ([]string, error) {
	if err := in.ready(ctx); err != nil {
		return nil, err
	}
	return in.cat.relationNames(ctx, schema, true)
}

// HasTable reports whether schema ("" for the default) has a table or view named
// table.
func (in *Inspector) HasTable(ctx context.Context, table, schema string) (bool, error) {
	if err := in.ready(ctx); err != nil {
		return false, err
	}
	if table == "" {
		return false, errors.New("alchemy: inspect: empty table name")
	}
	return in.cat.exists(ctx, table, schema)
}

// need checks that table exists, for the methods whose catalog query would give no
// rows for a missing one: their error wraps ErrNoSuchTable and names it.
func (in *Inspector) need(ctx context.Context, table, schema string) error {
	ok, err := in.HasTable(ctx, table, schema)
	if err != nil {
		return err
	}
	if !ok {
		where := "the default schema"
		if schema != "" {
			where = "schema " + strconv.Quote(schema)
		}
		return fmt.Errorf("%w: %q in %s", ErrNoSuchTable, table, where)
	}
	return nil
}

// Columns returns the columns of table (or view) in schema ("" for the default), in
// their order. A missing table is an error wrapping ErrNoSuchTable.
func (in *Inspector) Columns(ctx context.Context, table, schema string) ([]ColumnInfo, error) {
	if err := in.need(ctx, table, schema); err != nil {
		return nil, err
	}
	return in.cat.columns(ctx, table, schema)
}

// PrimaryKey returns the table's primary key; a table without one gives a
// PrimaryKeyInfo without columns.
func (in *Inspector) PrimaryKey(ctx context.Context, table, schema string) (PrimaryKeyInfo, error) {
	if err := in.need(ctx, table, schema); err != nil {
		return PrimaryKeyInfo{}, err
	}
	return in.cat.primaryKey(ctx, table, schema)
}

// ForeignKeys returns the table's foreign keys, ordered by name.
func (in *Inspector) ForeignKeys(ctx context.Context, table, schema string) ([]ForeignKeyInfo, error) {
	if err := in.need(ctx, table, schema); err != nil {
		return nil, err
	}
	return in.cat.foreignKeys(ctx, table, schema)
}

// Indexes returns the table's indexes that no constraint owns, ordered by name (see
// IndexInfo).
func (in *Inspector) Indexes(ctx context.Context, table, schema string) ([]IndexInfo, error) {
	if err := in.need(ctx, table, schema); err != nil {
		return nil, err
	}
	return in.cat.indexes(ctx, table, schema)
}

// UniqueConstraints returns the table's unique constraints, ordered by name.
func (in *Inspector) UniqueConstraints(ctx context.Context, table, schema string) ([]UniqueConstraintInfo, error) {
	if err := in.need(ctx, table, schema); err != nil {
		return nil, err
	}
	return in.cat.uniqueConstraints(ctx, table, schema)
}

// CheckConstraints returns the table's check constraints, ordered by name. On
// MariaDB the check that its JSON type adds (json_valid of the column) is not one:
// it makes the column's type JSON.
func (in *Inspector) CheckConstraints(ctx context.Context, table, schema string) ([]CheckConstraintInfo, error) {
	if err := in.need(ctx, table, schema); err != nil {
		return nil, err
	}
	return in.cat.checkConstraints(ctx, table, schema)
}

// TableComment returns the table's comment, "" for none (SQLite keeps none).
func (in *Inspector) TableComment(ctx context.Context, table, schema string) (string, error) {
	if err := in.need(ctx, table, schema); err != nil {
		return "", err
	}
	return in.cat.tableComment(ctx, table, schema)
}

// str reads a catalog value as text: drivers give strings, []byte or nil.
func str(v any) string {
	switch s := v.(type) {
	case nil:
		return ""
	case string:
		return s
	case []byte:
		return string(s)
	}
	return fmt.Sprint(v)
}

// strp reads a catalog value as text, nil for NULL.
func strp(v any) *string {
	if v == nil {
		return nil
	}
	s := str(v)
	return &s
}

// num reads a catalog value as an integer (drivers give int64, int32, uint64,
// []byte, ...); NULL and text that is not a number are 0.
func num(v any) int64 {
	switch n := v.(type) {
	case int64:
		return n
	case int32:
		return int64(n)
	case int16:
		return int64(n)
	case int8:
		return int64(n)
	case int:
		return int64(n)
	case uint64:
		return int64(n)
	case uint32:
		return int64(n)
	case uint16:
		return int64(n)
	case uint8:
		return int64(n)
	case bool:
		if n {
			return 1
		}
		return 0
	case float64:
		return int64(n)
	}
	i, _ := strconv.ParseInt(strings.TrimSpace(str(v)), 10, 64)
	return i
}

// truth reads a catalog value as a truth value: true, 1, "YES", "t".
func truth(v any) bool {
	if b, ok := v.(bool); ok {
		return b
	}
	switch strings.ToUpper(strings.TrimSpace(str(v))) {
	case "1", "YES", "Y", "T", "TRUE":
		return true
	}
	return false
}

// groupKeys folds rows, each of a key (constraint name) and one column, into
// ordered lists of columns by key, keeping the keys' first-seen order.
func groupKeys(rows [][]any, key func(r []any) string, each func(k string, r []any)) []string {
	var order []string
	seen := map[string]bool{}
	for _, r := range rows {
		k := key(r)
		if !seen[k] {
			seen[k] = true
			order = append(order, k)
		}
		each(k, r)
	}
	return order
}

// firstColumn returns the first value of each row as text.
func firstColumn(rows [][]any) []string {
	out := make([]string, 0, len(rows))
	for _, r := range rows {
		out = append(out, str(r[0]))
	}
	return out
}

// errNoDefaultSchema is the error of a connection without a default schema (no
// database chosen on MySQL, an empty search_path on PostgreSQL).
var errNoDefaultSchema = errors.New("alchemy: inspect: the connection has no default schema; name one")
