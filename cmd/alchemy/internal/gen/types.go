package gen

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/go-alchemy/alchemy/expr"
)

// goType is how generated code declares a column of a reflected SQL type.
type goType struct {
	// Go is the Go type of the column's values: int64, string, time.Time.
	Go string
	// Expr is the expr.Type expression: expr.Integer, expr.String(50), or
	// expr.Typed[int64](sqlType("TINYINT")) for a type expr has no constructor for.
	Expr string
	// Raw reports that Expr uses the generated sqlType.
	Raw bool
	// Fallback reports a type gen knows nothing of, read as its text.
	Fallback bool
}

// dialects are the dialects whose spellings decide whether a reflected type is one
// of expr's own.
var dialects = []string{"sqlite", "postgresql", "mysql", "mariadb", "mssql"}

// sameType reports whether a and b are the same SQL type: the same name, and the
// same spelling (or the same lack of one) for every dialect.
func sameType(a, b expr.SQLType) bool {
	if a.TypeName() != b.TypeName() {
		return false
	}
	for _, d := range dialects {
		sa, ea := a.SQLFor(d)
		sb, eb := b.SQLFor(d)
		if sa != sb || (ea == nil) != (eb == nil) {
			return false
		}
	}
	return true
}

var (
	varcharName = regexp.MustCompile(`^VARCHAR(?:\((\d+)\))?$`)
	numericName = regexp.MustCompile(`^NUMERIC(?:\((\d+), (\d+)\))?$`)
	typeArgs    = regexp.MustCompile(`\([^)]*\)`)
)

// mapType maps a reflected type (normalised by expr's Inspector) onto expr's typed
// constructors, with the Go type of its values. A type expr has no constructor for
// (CHAR(36), TINYINT, DATETIME, a PostgreSQL array) is declared with Typed and the
// generated sqlType, which writes its name as the catalog gives it, and given the
// Go type its drivers read it into; one gen does not know at all is read as its
// text (a string), with Fallback set.
func mapType(st expr.SQLType, dialect string) goType {
	if st == nil {
		return raw("any", "")
	}
	name := st.TypeName()
	plain := map[string]struct {
		goType string
		expr   string
		typ    expr.SQLType
	}{
		"INTEGER":                  {"int64", "expr.Integer", expr.Integer.SQL()},
		"BIGINT":                   {"int64", "expr.BigInteger", expr.BigInteger.SQL()},
		"SMALLINT":                 {"int16", "expr.SmallInteger", expr.SmallInteger.SQL()},
		"BOOLEAN":                  {"bool", "expr.Boolean", expr.Boolean.SQL()},
		"FLOAT":                    {"float64", "expr.Float", expr.Float.SQL()},
		"TEXT":                     {"string", "expr.TextType", expr.TextType.SQL()},
		"DATE":                     {"time.Time", "expr.Date", expr.Date.SQL()},
		"TIME":                     {"string", "expr.Time", expr.Time.SQL()},
		"INTERVAL":                 {"string", "expr.Interval", expr.Interval.SQL()},
		"BLOB":                     {"[]byte", "expr.LargeBinary", expr.LargeBinary.SQL()},
		"JSON":                     {"json.RawMessage", "expr.JSON", expr.JSON.SQL()},
		"UUID":                     {"string", "expr.UUID", expr.UUID.SQL()},
		"TIMESTAMP":                {"time.Time", "expr.DateTime(false)", expr.DateTime(false).SQL()},
		"TIMESTAMP WITH TIME ZONE": {"time.Time", "expr.DateTime(true)", expr.DateTime(true).SQL()},
	}
	if p, ok := plain[name]; ok && sameType(st, p.typ) {
		return goType{Go: p.goType, Expr: p.expr}
	}
	if m := varcharName.FindStringSubmatch(name); m != nil {
		n, _ := strconv.Atoi(m[1]) // "" (no length) is 0
		if sameType(st, expr.String(n).SQL()) {
			return goType{Go: "string", Expr: fmt.Sprintf("expr.String(%d)", n)}
		}
	}
	if m := numericName.FindStringSubmatch(name); m != nil {
		p, _ := strconv.Atoi(m[1])
		s, _ := strconv.Atoi(m[2])
		if sameType(st, expr.Numeric(p, s).SQL()) {
			return goType{Go: "string", Expr: fmt.Sprintf("expr.Numeric(%d, %d)", p, s)}
		}
	}
	if vals, ok := expr.EnumValues(st); ok {
		args := []string{`""`}
		for _, v := range vals {
			args = append(args, strconv.Quote(v))
		}
		return goType{Go: "string", Expr: "expr.Enum(" + strings.Join(args, ", ") + ")"}
	}
	return catalog(name, dialect)
}

// catalog maps a type expr has no constructor for, by its name, onto the Go type
// the drivers read it into.
func catalog(name, dialect string) goType {
	base := strings.Join(strings.Fields(typeArgs.ReplaceAllString(name, " ")), " ")
	switch {
	case name == "":
		return raw("any", name) // an SQLite column declared without a type
	case base == "BIGINT UNSIGNED":
		return raw("uint64", name)
	case strings.HasSuffix(base, " UNSIGNED"), inList(base, "TINYINT", "MEDIUMINT", "INT", "INT2", "INT4", "INT8", "YEAR"):
		return raw("int64", name)
	case inList(base, "REAL", "FLOAT", "FLOAT4", "FLOAT8", "DOUBLE", "DOUBLE PRECISION"):
		return raw("float64", name)
	case strings.HasPrefix(base, "TIMESTAMP"), inList(base, "DATETIME", "DATETIME2", "SMALLDATETIME", "DATETIMEOFFSET", "TIMESTAMPTZ"):
		return raw("time.Time", name)
	case base == "BIT" && (dialect == "mysql" || dialect == "mariadb"):
		return raw("[]byte", name)
	case inList(base, "BINARY", "VARBINARY", "TINYBLOB", "MEDIUMBLOB", "LONGBLOB", "BLOB", "BYTEA", "IMAGE"):
		return raw("[]byte", name)
	case base == "JSON":
		return raw("json.RawMessage", name)
	case strings.HasPrefix(base, "TIME"), strings.HasPrefix(base, "INTERVAL"),
		inList(base, "CHAR", "CHARACTER", "NCHAR", "BPCHAR", "VARCHAR", "CHARACTER VARYING", "NVARCHAR", "VARCHAR2",
			"TINYTEXT", "MEDIUMTEXT", "LONGTEXT", "NTEXT", "CLOB", "CITEXT", "NAME", "SET", "XML", "INET", "CIDR",
			"MACADDR", "MACADDR8", "TSVECTOR", "TSQUERY", "MONEY", "SMALLMONEY", "DECIMAL", "NUMERIC", "UUID",
			"BIT", "VARBIT", "BIT VARYING", "SYSNAME", "UNIQUEIDENTIFIER"),
		strings.HasPrefix(base, "SET"):
		return raw("string", name)
	}
	t := raw("string", name)
	t.Fallback = true
	return t
}

// raw declares a type of the catalog's name with values of the Go type g.
func raw(g, name string) goType {
	return goType{Go: g, Expr: fmt.Sprintf("expr.Typed[%s](sqlType(%s))", g, strconv.Quote(name)), Raw: true}
}

func inList(s string, list ...string) bool {
	for _, l := range list {
		if s == l {
			return true
		}
	}
	return false
}
