package expr

import (
	"database/sql"
	"encoding/json"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"time"
)

// SQLType is a SQL data type, rendered for each dialect by DDL and by CAST. The
// types of this package (Integer, String(50), Numeric(10, 2), ...) implement it, and
// a type of its own may: a dialect it does not know is an error that names both.
type SQLType interface {
	// TypeName is the type's generic name, as in SQLAlchemy ("VARCHAR(50)").
	TypeName() string
	// SQLFor returns the type's name in dialect's SQL ("sqlite", "postgresql",
	// "mysql", "mariadb", "mssql" or a dialect of its own).
	SQLFor(dialect string) (string, error)
}

// Type is a SQL type bound to the Go type T its values have: a Column[T] compares
// with T values and reads its values into a T. The package's types come with a
// usual T (Integer is a Type[int64], String(n) a Type[string]); Typed gives one
// another T.
type Type[T any] struct {
	sql  SQLType
	bind func(T) (any, error)        // a value to the driver's; nil passes it as it is
	scan func(src any, dst *T) error // a driver's value to T; nil uses database/sql's conversions
}

// SQL returns the SQL type.
func (t Type[T]) SQL() SQLType { return t.sql }

// Typed returns the SQL type st with values of the Go type T, read and written
// through database/sql's conversions: Typed[float64](Numeric(10, 2)) reads a
// NUMERIC into a float64, Typed[*string](String(20)) a nullable VARCHAR into a
// *string (nil for NULL).
func Typed[T any](st SQLType) Type[T] { return Type[T]{sql: st} }

// sqlType is the SQL type of the package: a name and its spellings per dialect.
type sqlType struct {
	name string            // generic
	per  map[string]string // dialect name → SQL; "" for unsupported; missing: name
	no   string            // why a dialect lacks it, for the error
}

func (t *sqlType) TypeName() string { return t.name }

func (t *sqlType) SQLFor(d string) (string, error) {
	if s, ok := t.per[d]; ok {
		if s == "" {
			return "", fmt.Errorf("%w: type %s has no %s equivalent%s", ErrUnsupported, t.name, d, t.no)
		}
		return s, nil
	}
	return t.name, nil
}

func newType(name string, per map[string]string) *sqlType { return &sqlType{name: name, per: per} }

// The types without arguments. Their Go types follow what the drivers of all four
// dialects scan them into.
var (
	// Integer is a 32-bit integer column (INTEGER), read as int64.
	Integer = Type[int64]{sql: newType("INTEGER", map[string]string{"mssql": "INT"})}
	// BigInteger is a 64-bit integer (BIGINT).
	BigInteger = Type[int64]{sql: newType("BIGINT", map[string]string{"sqlite": "BIGINT"})}
	// SmallInteger is a 16-bit integer (SMALLINT).
	SmallInteger = Type[int16]{sql: newType("SMALLINT", nil)}
	// Boolean is a truth value: BOOLEAN, BOOL on MySQL, BIT on SQL Server.
	Boolean = Type[bool]{sql: newType("BOOLEAN", map[string]string{"mysql": "BOOL", "mariadb": "BOOL", "mssql": "BIT"})}
	// Float is a double-precision float.
	Float = Type[float64]{sql: newType("FLOAT", map[string]string{"postgresql": "DOUBLE PRECISION", "mysql": "DOUBLE", "mariadb": "DOUBLE", "sqlite": "FLOAT", "mssql": "FLOAT"})}
	// TextType is unbounded text (TEXT; NVARCHAR(max) on SQL Server). Not Text,
	// which is SQLAlchemy's text() construct.
	TextType = Type[string]{sql: newType("TEXT", map[string]string{"mssql": "NVARCHAR(max)"})}
	// Date is a calendar date.
	Date = Type[time.Time]{sql: newType("DATE", nil)}
	// Time is a time of day, read as its text ("15:04:05").
	Time = Type[string]{sql: newType("TIME", nil)}
	// Interval is a span of time, read as its text; PostgreSQL only.
	Interval = Type[string]{sql: &sqlType{name: "INTERVAL", per: map[string]string{"sqlite": "", "mysql": "", "mariadb": "", "mssql": ""}, no: " (INTERVAL is PostgreSQL's)"}}
	// LargeBinary is a byte string of any length.
	LargeBinary = Type[[]byte]{sql: newType("BLOB", map[string]string{"postgresql": "BYTEA", "mysql": "LONGBLOB", "mariadb": "LONGBLOB", "mssql": "VARBINARY(max)"})}
	// JSON is a JSON document, read and written as its encoded bytes (see JSONOf).
	JSON = Type[json.RawMessage]{sql: newType("JSON", map[string]string{"postgresql": "JSONB", "mssql": "NVARCHAR(max)", "sqlite": "JSON"}),
		bind: func(v json.RawMessage) (any, error) { return []byte(v), nil }}
	// UUID is a universally unique identifier in its text form: UUID on PostgreSQL,
	// UNIQUEIDENTIFIER on SQL Server, CHAR(36) elsewhere (MariaDB has UUID from 10.7,
	// but CHAR(36) works with every version).
	UUID = Type[string]{sql: newType("UUID", map[string]string{"sqlite": "CHAR(36)", "mysql": "CHAR(36)", "mariadb": "CHAR(36)", "mssql": "UNIQUEIDENTIFIER"})}
)

// String is a variable-length string of at most n characters (VARCHAR(n);
// NVARCHAR(n) on SQL Server). n = 0 leaves the length out, where the dialect allows.
func String(n int) Type[string] {
	name := "VARCHAR"
	if n > 0 {
		name += "(" + strconv.Itoa(n) + ")"
	}
	ms := "NVARCHAR(" + strconv.Itoa(max(n, 1)) + ")"
	if n == 0 {
		ms = "NVARCHAR(max)"
	}
	per := map[string]string{"mssql": ms}
	if n == 0 {
		per["mysql"], per["mariadb"] = "", ""
	}
	return Type[string]{sql: &sqlType{name: name, per: per, no: " (MySQL needs VARCHAR's length)"}}
}

// Numeric is an exact decimal of precision p and scale s, read as its text
// ("12.50"), which loses nothing; Typed[float64](Numeric(p, s)) reads a float64.
func Numeric(p, s int) Type[string] {
	name := "NUMERIC(" + strconv.Itoa(p) + ", " + strconv.Itoa(s) + ")"
	if p == 0 {
		name = "NUMERIC"
	}
	return Type[string]{sql: newType(name, map[string]string{"mysql": "DECIMAL" + name[7:], "mariadb": "DECIMAL" + name[7:]})}
}

// DateTime is a date and time, with the time zone or without: TIMESTAMP [WITH TIME
// ZONE] on PostgreSQL, DATETIMEOFFSET or DATETIME2 on SQL Server, DATETIME on MySQL
// (which keeps no zone: values are stored as given, in UTC with parseTime's loc).
func DateTime(withTimeZone bool) Type[time.Time] {
	if withTimeZone {
		return Type[time.Time]{sql: newType("TIMESTAMP WITH TIME ZONE", map[string]string{
			"mssql": "DATETIMEOFFSET", "mysql": "DATETIME(6)", "mariadb": "DATETIME(6)", "sqlite": "TIMESTAMP"})}
	}
	return Type[time.Time]{sql: newType("TIMESTAMP", map[string]string{
		"mssql": "DATETIME2", "mysql": "DATETIME(6)", "mariadb": "DATETIME(6)"})}
}

// Enum is a string of a fixed set of values: ENUM('a', 'b') on MySQL, a VARCHAR
// with a CHECK constraint elsewhere (as SQLAlchemy's non-native enum), long enough
// for the longest value. The name names the check constraint.
func Enum(name string, values ...string) Type[string] {
	return Type[string]{sql: &enumType{name: name, values: values}}
}

// JSONOf is a JSON column whose values are T, marshalled with encoding/json on the
// way in and unmarshalled on the way out.
func JSONOf[T any]() Type[T] {
	return Type[T]{sql: JSON.sql,
		bind: func(v T) (any, error) {
			b, err := json.Marshal(v)
			if err != nil {
				return nil, err
			}
			return b, nil
		},
		scan: func(src any, dst *T) error {
			var b []byte
			switch s := src.(type) {
			case nil:
				var zero T
				*dst = zero
				return nil
			case []byte:
				b = s
			case string:
				b = []byte(s)
			default:
				return fmt.Errorf("alchemy: JSON column read a %T, not text", src)
			}
			return json.Unmarshal(b, dst)
		}}
}

// EnumValues returns the values of an Enum type, declared or reflected (MySQL's
// ENUM('a', 'b')); false for any other SQL type.
func EnumValues(st SQLType) ([]string, bool) {
	t, ok := st.(*enumType)
	if !ok {
		return nil, false
	}
	return append([]string(nil), t.values...), true
}

// enumType is Enum's SQL type.
type enumType struct {
	name   string
	values []string
}

func (t *enumType) TypeName() string { return "ENUM" }

func (t *enumType) SQLFor(d string) (string, error) {
	longest := 1
	for _, v := range t.values {
		longest = max(longest, len(v))
	}
	switch d {
	case "mysql", "mariadb":
		s := "ENUM("
		for i, v := range t.values {
			if i > 0 {
				s += ", "
			}
			s += quoteString(strings.ReplaceAll(v, `\`, `\\`)) // MySQL takes a backslash as an escape
		}
		return s + ")", nil
	case "mssql":
		return "NVARCHAR(" + strconv.Itoa(longest) + ")", nil
	}
	return "VARCHAR(" + strconv.Itoa(longest) + ")", nil
}

// quoteString writes s as a SQL string literal (for DDL only: values are bound).
func quoteString(s string) string {
	out := make([]byte, 0, len(s)+2)
	out = append(out, '\'')
	for i := 0; i < len(s); i++ {
		if s[i] == '\'' {
			out = append(out, '\'')
		}
		out = append(out, s[i])
	}
	return string(append(out, '\''))
}

// read converts a driver's value to T.
func (t Type[T]) read(src any, dst *T) error {
	if t.scan != nil {
		return t.scan(src, dst)
	}
	if src == nil {
		var zero T
		if !nullable(reflect.TypeOf(&zero).Elem()) {
			return errNull
		}
		*dst = zero
		return nil
	}
	if v, ok := src.(T); ok {
		*dst = v
		return nil
	}
	var n sql.Null[T] // database/sql's conversions: []byte to string, int64 to int16, ...
	if err := n.Scan(src); err != nil {
		return err
	}
	*dst = n.V
	return nil
}

// errNull is the error of a NULL read into a Go type that cannot hold it.
var errNull = fmt.Errorf("NULL cannot be read into this Go type (declare the column with Typed[*T] or Typed[sql.Null[T]])")

// nullable reports whether NULL is a value of t: a pointer, slice, map, interface or
// a sql.Scanner (sql.NullString) takes it.
func nullable(t reflect.Type) bool {
	switch t.Kind() {
	case reflect.Pointer, reflect.Slice, reflect.Map, reflect.Interface:
		return true
	}
	return reflect.PointerTo(t).Implements(scannerType)
}

var scannerType = reflect.TypeFor[sql.Scanner]()
