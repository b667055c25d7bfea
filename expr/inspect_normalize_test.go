package expr

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/go-alchemy/alchemy/dialect"
	_ "github.com/go-alchemy/alchemy/dialect/mssql"
)

// TestNormalizeType: each dialect's catalog names map onto the package's types,
// keeping length, precision and scale; aliases are one type.
func TestNormalizeType(t *testing.T) {
	cases := []struct {
		dialect, catalog string
		want             string // TypeName
		same             SQLType
	}{
		// PostgreSQL: format_type's names and their aliases
		{"postgresql", "integer", "INTEGER", Integer.sql},
		{"postgresql", "int4", "INTEGER", Integer.sql},
		{"postgresql", "INT", "INTEGER", Integer.sql},
		{"postgresql", "serial", "INTEGER", Integer.sql},
		{"postgresql", "bigint", "BIGINT", BigInteger.sql},
		{"postgresql", "int8", "BIGINT", BigInteger.sql},
		{"postgresql", "int2", "SMALLINT", SmallInteger.sql},
		{"postgresql", "boolean", "BOOLEAN", Boolean.sql},
		{"postgresql", "double precision", "FLOAT", Float.sql},
		{"postgresql", "float8", "FLOAT", Float.sql},
		{"postgresql", "real", "REAL", nil},
		{"postgresql", "float(10)", "REAL", nil},
		{"postgresql", "character varying(50)", "VARCHAR(50)", nil},
		{"postgresql", "varchar(7)", "VARCHAR(7)", nil},
		{"postgresql", "character varying", "VARCHAR", nil},
		{"postgresql", "character(36)", "CHAR(36)", nil},
		{"postgresql", "bpchar", "CHAR(1)", nil},
		{"postgresql", "numeric(10,2)", "NUMERIC(10, 2)", nil},
		{"postgresql", "numeric", "NUMERIC", nil},
		{"postgresql", "timestamp without time zone", "TIMESTAMP", nil},
		{"postgresql", "timestamp with time zone", "TIMESTAMP WITH TIME ZONE", nil},
		{"postgresql", "timestamptz", "TIMESTAMP WITH TIME ZONE", nil},
		{"postgresql", "timestamp(3) without time zone", "TIMESTAMP(3) WITHOUT TIME ZONE", nil},
		{"postgresql", "time without time zone", "TIME", Time.sql},
		{"postgresql", "interval", "INTERVAL", Interval.sql},
		{"postgresql", "bytea", "BLOB", LargeBinary.sql},
		{"postgresql", "jsonb", "JSON", JSON.sql},
		{"postgresql", "json", "JSON", nil}, // PostgreSQL's json is not the package's JSON (JSONB)
		{"postgresql", "uuid", "UUID", UUID.sql},
		{"postgresql", "integer[]", "INTEGER[]", nil},
		{"postgresql", "tsvector", "TSVECTOR", nil},
		// MySQL and MariaDB: COLUMN_TYPE
		{"mysql", "int(11)", "INTEGER", Integer.sql},
		{"mariadb", "int", "INTEGER", Integer.sql},
		{"mariadb", "bigint(20)", "BIGINT", BigInteger.sql},
		{"mariadb", "smallint(6)", "SMALLINT", SmallInteger.sql},
		{"mariadb", "tinyint(1)", "BOOLEAN", Boolean.sql},
		{"mariadb", "tinyint(4)", "TINYINT", nil},
		{"mariadb", "int(10) unsigned", "INT UNSIGNED", nil},
		{"mariadb", "double", "FLOAT", Float.sql},
		{"mariadb", "float", "FLOAT", nil}, // single precision: not the package's Float
		{"mariadb", "varchar(50)", "VARCHAR(50)", nil},
		{"mariadb", "char(36)", "CHAR(36)", nil},
		{"mariadb", "text", "TEXT", TextType.sql},
		{"mariadb", "longtext", "LONGTEXT", nil},
		{"mariadb", "decimal(10,2)", "NUMERIC(10, 2)", nil},
		{"mariadb", "datetime(6)", "TIMESTAMP", nil},
		{"mariadb", "datetime", "DATETIME", nil},
		{"mariadb", "longblob", "BLOB", LargeBinary.sql},
		{"mysql", "json", "JSON", JSON.sql},
		{"mariadb", "enum('a','it''s')", "ENUM", nil},
		// SQLite: declared types, as the DDL wrote them
		{"sqlite", "INTEGER", "INTEGER", Integer.sql},
		{"sqlite", "int", "INTEGER", Integer.sql},
		{"sqlite", "VARCHAR(20)", "VARCHAR(20)", nil},
		{"sqlite", "NUMERIC(10, 2)", "NUMERIC(10, 2)", nil},
		{"sqlite", "REAL", "FLOAT", Float.sql},
		{"sqlite", "DATETIME", "TIMESTAMP", nil},
		{"sqlite", "", "", nil},
		{"sqlite", "WHATEVER", "WHATEVER", nil},
		// SQL Server: names with their lengths
		{"mssql", "int", "INTEGER", Integer.sql},
		{"mssql", "bit", "BOOLEAN", Boolean.sql},
		{"mssql", "nvarchar(40)", "VARCHAR(40)", nil},
		{"mssql", "nvarchar(max)", "TEXT", TextType.sql},
		{"mssql", "varchar(40)", "VARCHAR(40)", nil},
		{"mssql", "decimal(12,3)", "NUMERIC(12, 3)", nil},
		{"mssql", "datetime2(7)", "TIMESTAMP", nil},
		{"mssql", "datetimeoffset(7)", "TIMESTAMP WITH TIME ZONE", nil},
		{"mssql", "varbinary(max)", "BLOB", LargeBinary.sql},
		{"mssql", "uniqueidentifier", "UUID", UUID.sql},
	}
	for _, c := range cases {
		t.Run(c.dialect+"/"+c.catalog, func(t *testing.T) {
			got, err := normalizeType(c.dialect, c.catalog)
			if err != nil {
				t.Fatal(err)
			}
			if got.TypeName() != c.want {
				t.Errorf("normalizeType(%s, %q) = %s, want %s", c.dialect, c.catalog, got.TypeName(), c.want)
			}
			if c.same != nil && got != c.same {
				t.Errorf("normalizeType(%s, %q) is not the package's own type value", c.dialect, c.catalog)
			}
		})
	}
}

// TestNormalizeTypeSQL: a normalised type writes the dialect's DDL back as the
// catalog spelled it, up to its spelling of aliases.
func TestNormalizeTypeSQL(t *testing.T) {
	cases := []struct{ dialect, catalog, want string }{
		{"postgresql", "character varying(50)", "VARCHAR(50)"},
		{"postgresql", "int4", "INTEGER"},
		{"postgresql", "jsonb", "JSONB"},
		{"mariadb", "enum('a','it''s')", "ENUM('a', 'it''s')"},
		{"mariadb", "decimal(10,2)", "DECIMAL(10, 2)"},
		{"mariadb", "datetime(6)", "DATETIME(6)"},
		{"mysql", "char(36)", "CHAR(36)"},
		{"mssql", "nvarchar(40)", "NVARCHAR(40)"},
		{"mssql", "datetimeoffset(7)", "DATETIMEOFFSET"},
	}
	for _, c := range cases {
		typ, err := normalizeType(c.dialect, c.catalog)
		if err != nil {
			t.Fatal(err)
		}
		if got, err := typ.SQLFor(c.dialect); err != nil || got != c.want {
			t.Errorf("SQLFor(%s) of %q = %q, %v; want %q", c.dialect, c.catalog, got, err, c.want)
		}
	}
}

// TestNormalizeTypeErrors: a name that cannot be read is an error naming it, and
// an unknown dialect is ErrUnsupported.
func TestNormalizeTypeErrors(t *testing.T) {
	for _, c := range []struct{ dialect, catalog, msg string }{
		{"postgresql", "varchar(abc)", `"abc"`},
		{"postgresql", "numeric(10,2", "unbalanced"},
		{"mysql", "int)", "unbalanced"},
		{"mariadb", "enum(a,b)", "quoted"},
		{"mariadb", "enum('a'", "malformed"},
		{"mariadb", "enum('a", "unterminated"},
		{"postgresql", "(5)", "no type name"},
		{"postgresql", "", "without a type"},
		{"oracle", "number", "oracle"},
	} {
		_, err := normalizeType(c.dialect, c.catalog)
		if err == nil || !strings.Contains(err.Error(), c.msg) || !strings.Contains(err.Error(), c.dialect) {
			t.Errorf("normalizeType(%s, %q) = %v; want an error naming the dialect and saying %q", c.dialect, c.catalog, err, c.msg)
		}
	}
	if _, err := normalizeType("oracle", "number"); !errors.Is(err, ErrUnsupported) {
		t.Errorf("unknown dialect: %v, want ErrUnsupported", err)
	}
}

// TestNormalizeDefault: the same default reads the same from every catalog.
func TestNormalizeDefault(t *testing.T) {
	cases := []struct {
		dialect, raw string
		stringy      bool
		want         any // string, or nil
	}{
		{"postgresql", "'abc'::character varying", true, "'abc'"},
		{"postgresql", "'it''s'::text", true, "'it''s'"},
		{"postgresql", "'-1'::integer", false, "-1"},
		{"postgresql", "'1.5'::numeric", false, "1.5"},
		{"postgresql", "'10'::text", true, "'10'"}, // a string that looks like a number stays a string
		{"postgresql", "'{}'::jsonb", false, "'{}'"},
		{"postgresql", "now()", false, "CURRENT_TIMESTAMP"},
		{"postgresql", "CURRENT_TIMESTAMP", false, "CURRENT_TIMESTAMP"},
		{"postgresql", "true", false, "true"},
		{"postgresql", "NULL::character varying", true, nil},
		{"mariadb", "'abc'", true, "'abc'"},
		{"mariadb", "'it''s'", true, "'it''s'"},
		{"mariadb", "NULL", true, nil},
		{"mariadb", "current_timestamp()", false, "CURRENT_TIMESTAMP"},
		{"mariadb", "1.50", false, "1.50"},
		{"mysql", "abc", true, "'abc'"},
		{"mysql", "it's", true, "'it''s'"},
		{"mysql", "0", false, "0"},
		{"mysql", "CURRENT_TIMESTAMP", true, "CURRENT_TIMESTAMP"},
		{"sqlite", "'abc'", false, "'abc'"},
		{"sqlite", "(datetime('now'))", false, "datetime('now')"},
		{"sqlite", "CURRENT_TIMESTAMP", false, "CURRENT_TIMESTAMP"},
		{"mssql", "((0))", false, "0"},
		{"mssql", "('abc')", false, "'abc'"},
		{"mssql", "(getdate())", false, "CURRENT_TIMESTAMP"},
		{"mssql", "(('a')+('b'))", false, "('a')+('b')"},
	}
	for _, c := range cases {
		raw := c.raw
		got := normalizeDefault(c.dialect, &raw, c.stringy)
		var g any
		if got != nil {
			g = *got
		}
		if g != c.want {
			t.Errorf("normalizeDefault(%s, %q) = %v, want %v", c.dialect, c.raw, g, c.want)
		}
	}
	if normalizeDefault("postgresql", nil, false) != nil {
		t.Error("no default became one")
	}
}

// TestNormalizeAction: NO ACTION is the default, spelled "", everywhere.
func TestNormalizeAction(t *testing.T) {
	for _, c := range []struct{ dialect, in, want string }{
		{"postgresql", "a", ""}, {"postgresql", "c", "CASCADE"}, {"postgresql", "n", "SET NULL"},
		{"postgresql", "d", "SET DEFAULT"}, {"postgresql", "r", "RESTRICT"},
		{"mariadb", "RESTRICT", ""}, {"mysql", "NO ACTION", ""}, {"mariadb", "CASCADE", "CASCADE"},
		{"sqlite", "NO ACTION", ""}, {"sqlite", "RESTRICT", "RESTRICT"}, {"sqlite", "SET NULL", "SET NULL"},
		{"mssql", "NO_ACTION", ""}, {"mssql", "SET_NULL", "SET NULL"},
	} {
		if got := normalizeAction(c.dialect, c.in); got != c.want {
			t.Errorf("normalizeAction(%s, %q) = %q, want %q", c.dialect, c.in, got, c.want)
		}
	}
}

// TestParseSQLiteTable: checks and constraint names come out of CREATE TABLE text.
func TestParseSQLiteTable(t *testing.T) {
	sql := `CREATE TABLE "t" (
  id integer constraint pk_t primary key,
  "a b" varchar(10) constraint nn not null check (length("a b") > 0) unique,
  c integer constraint c_ref references other (id) on delete cascade,
  d text default 'x, (y)', -- a comment, with a comma
  CONSTRAINT uq_cd UNIQUE (c, "d"),
  constraint ck_c check (c in (1, 2)),
  check (d <> ''),
  FOREIGN KEY (c, d) REFERENCES other2 (x, y),
  constraint fk_named foreign key (d) references other3 (z)
)`
	p := parseSQLiteTable(sql)
	wantChecks := []CheckConstraintInfo{{"", `length("a b") > 0`}, {"ck_c", "c in (1, 2)"}, {"", "d <> ''"}}
	if fmt.Sprint(p.checks) != fmt.Sprint(wantChecks) {
		t.Errorf("checks = %q, want %q", p.checks, wantChecks)
	}
	for _, c := range []struct {
		kind string
		cols []string
		want string
	}{
		{"primary key", []string{"id"}, "pk_t"},
		{"unique", []string{"a b"}, ""},
		{"unique", []string{"C", "d"}, "uq_cd"},
		{"foreign key", []string{"c"}, "c_ref"},
		{"foreign key", []string{"c", "d"}, ""},
		{"foreign key", []string{"d"}, "fk_named"},
	} {
		if got := p.name(c.kind, c.cols); got != c.want {
			t.Errorf("name(%s, %v) = %q, want %q", c.kind, c.cols, got, c.want)
		}
	}
	if len(p.named) != 6 {
		t.Errorf("named = %+v, want 6 constraints", p.named)
	}
	// what cannot be read gives nothing, never a panic
	for _, bad := range []string{"", "create table t", "create table t (a int, check (", "create table t as select 1", `create table "t (a int)`} {
		_ = parseSQLiteTable(bad)
	}
}

// TestStripCheck: the condition alone.
func TestStripCheck(t *testing.T) {
	for in, want := range map[string]string{
		"CHECK ((price > (0)::numeric))":            "price > (0)::numeric",
		"CHECK ((a > 0)) NOT VALID":                 "a > 0",
		"(`price` >= 0)":                            "`price` >= 0",
		"(a > 0) and (b > 0)":                       "(a > 0) and (b > 0)",
		"([a]>(0))":                                 "[a]>(0)",
		"check (x in ('(', ')'))":                   "x in ('(', ')')",
		"CHECK (((a > 0) AND (b IS NOT NULL)))":     "(a > 0) AND (b IS NOT NULL)",
		"CHECK (length((name)::text) > 0)":          "length((name)::text) > 0",
		"CHECK ((kind)::text = ANY ((ARRAY['a'])))": "(kind)::text = ANY ((ARRAY['a']))",
	} {
		if got := stripCheck(in); got != want {
			t.Errorf("stripCheck(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestMSSQLCatalogQueries: SQL Server's catalog queries compile for its dialect,
// with their names bound (@p1, ...), never spliced.
func TestMSSQLCatalogQueries(t *testing.T) {
	d, err := dialect.Lookup("mssql")
	if err != nil {
		t.Fatal(err)
	}
	for name, q := range mssqlQueries {
		c, err := Compile(d, dialect.Version{}, Text(q).Columns())
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		binds := strings.Join(c.BindNames(), ",")
		want := "schema,table"
		if name == "keys" {
			want = "kind,schema,table"
		}
		if binds != want {
			t.Errorf("%s binds %s, want %s", name, binds, want)
		}
		if !strings.Contains(c.SQL, "@p1") || strings.Contains(c.SQL, ":schema") {
			t.Errorf("%s compiled to %s", name, c.SQL)
		}
		args := Params{"schema": "dbo", "table": "t"}
		if name == "keys" {
			args["kind"] = "PK"
		}
		if _, err := c.Bind([]any{args}); err != nil {
			t.Errorf("%s: Bind: %v", name, err)
		}
	}
	for _, tc := range []struct {
		typ                string
		maxLen, prec, scal int64
		want               string
	}{
		{"nvarchar", 80, 0, 0, "nvarchar(40)"}, {"nvarchar", -1, 0, 0, "nvarchar(max)"},
		{"varchar", 40, 0, 0, "varchar(40)"}, {"decimal", 9, 10, 2, "decimal(10,2)"},
		{"datetime2", 8, 27, 7, "datetime2(7)"}, {"int", 4, 10, 0, "int"},
	} {
		if got := mssqlTypeName(tc.typ, tc.maxLen, tc.prec, tc.scal); got != tc.want {
			t.Errorf("mssqlTypeName(%s, %d, %d, %d) = %s, want %s", tc.typ, tc.maxLen, tc.prec, tc.scal, got, tc.want)
		}
	}
}

// EnumValues reads the values of a declared Enum and of a reflected MySQL ENUM,
// and refuses another type.
func TestEnumValues(t *testing.T) {
	if vals, ok := EnumValues(Enum("mood", "sad", "it's ok").SQL()); !ok || len(vals) != 2 || vals[1] != "it's ok" {
		t.Errorf("declared: %v %v", vals, ok)
	}
	st, err := normalizeType("mysql", `enum('a','b''c')`)
	if err != nil {
		t.Fatal(err)
	}
	if vals, ok := EnumValues(st); !ok || len(vals) != 2 || vals[1] != "b'c" {
		t.Errorf("reflected: %v %v", vals, ok)
	}
	if _, ok := EnumValues(String(10).SQL()); ok {
		t.Errorf("a VARCHAR read as an enum")
	}
}
