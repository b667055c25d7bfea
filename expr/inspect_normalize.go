package expr

import (
	"fmt"
	"strconv"
	"strings"
)

// catalogType is a type the catalog names that this package has no type for
// (CHAR(36), REAL, TINYINT, a PostgreSQL array or user type): it keeps the catalog's
// spelling, upper-cased, and writes it as it is for every dialect.
type catalogType struct{ name string }

func (t catalogType) TypeName() string              { return t.name }
func (t catalogType) SQLFor(string) (string, error) { return t.name, nil }

// typeSpec is a catalog type name taken apart: "character varying(50)" is the base
// "character varying" with the argument 50; "int(10) unsigned" is "int unsigned"
// with 10. An argument "max" is -1.
type typeSpec struct {
	base string
	args []int
}

// parseTypeSpec takes a catalog type name apart. Malformed parentheses or an
// argument that is neither a number nor max are errors.
func parseTypeSpec(s string) (typeSpec, error) {
	s = strings.Join(strings.Fields(strings.ToLower(s)), " ")
	open := strings.IndexByte(s, '(')
	if open < 0 {
		if strings.ContainsRune(s, ')') {
			return typeSpec{}, fmt.Errorf("unbalanced parentheses")
		}
		return typeSpec{base: s}, nil
	}
	end := strings.IndexByte(s[open:], ')')
	if end < 0 {
		return typeSpec{}, fmt.Errorf("unbalanced parentheses")
	}
	end += open
	rest := strings.TrimSpace(s[end+1:])
	if strings.ContainsAny(rest, "()") {
		return typeSpec{}, fmt.Errorf("more than one argument list")
	}
	base := strings.TrimSpace(s[:open])
	if base == "" {
		return typeSpec{}, fmt.Errorf("no type name before the arguments")
	}
	if rest != "" {
		base += " " + rest
	}
	sp := typeSpec{base: base}
	for _, a := range strings.Split(s[open+1:end], ",") {
		a = strings.TrimSpace(a)
		if a == "max" {
			sp.args = append(sp.args, -1)
			continue
		}
		n, err := strconv.Atoi(a)
		if err != nil || n < 0 {
			return typeSpec{}, fmt.Errorf("argument %q is not a length, precision or scale", a)
		}
		sp.args = append(sp.args, n)
	}
	return sp, nil
}

// arg returns the i-th argument, or def when there is none.
func (sp typeSpec) arg(i, def int) int {
	if i < len(sp.args) {
		return sp.args[i]
	}
	return def
}

// raw is sp spelled back, upper-case, as a catalogType.
func (sp typeSpec) raw() SQLType {
	name := strings.ToUpper(sp.base)
	if len(sp.args) > 0 {
		parts := make([]string, len(sp.args))
		for i, a := range sp.args {
			if a < 0 {
				parts[i] = "max"
			} else {
				parts[i] = strconv.Itoa(a)
			}
		}
		// the arguments go after the type's name: CHAR(36), INT(10) UNSIGNED,
		// TIMESTAMP(3) WITH TIME ZONE, CHARACTER VARYING(5)
		words := strings.Fields(name)
		n := 1
		if len(words) > 1 && (words[1] == "VARYING" || words[1] == "PRECISION") {
			n = 2
		}
		name = strings.Join(words[:n], " ") + "(" + strings.Join(parts, ",") + ")"
		if len(words) > n {
			name += " " + strings.Join(words[n:], " ")
		}
	}
	return catalogType{name: name}
}

// normalizeType maps a type name from dialect's catalog (PostgreSQL's format_type,
// MySQL's COLUMN_TYPE, SQLite's declared type, SQL Server's type with its length)
// onto this package's types, keeping length, precision and scale. A type the package
// lacks is kept by its name (see catalogType). A name that cannot be read is an
// error naming it.
func normalizeType(dialect, catalog string) (SQLType, error) {
	if strings.TrimSpace(catalog) == "" {
		if dialect == "sqlite" { // a column declared without a type
			return catalogType{}, nil
		}
		return nil, fmt.Errorf("alchemy: reflect (%s): a column without a type name", dialect)
	}
	if dialect == "mysql" || dialect == "mariadb" {
		if vals, ok, err := parseEnum(catalog); ok || err != nil {
			if err != nil {
				return nil, fmt.Errorf("alchemy: reflect (%s): type %q: %w", dialect, catalog, err)
			}
			return Enum("", vals...).sql, nil
		}
	}
	sp, err := parseTypeSpec(catalog)
	if err != nil {
		return nil, fmt.Errorf("alchemy: reflect (%s): type %q: %w", dialect, catalog, err)
	}
	var t SQLType
	switch dialect {
	case "postgresql":
		t = pgType(sp)
	case "mysql", "mariadb":
		t = mysqlType(sp)
	case "sqlite":
		t = sqliteType(sp)
	case "mssql":
		t = mssqlType(sp)
	default:
		return nil, fmt.Errorf("%w: reflect: no type names known for dialect %q", ErrUnsupported, dialect)
	}
	if t == nil {
		t = sp.raw()
	}
	return t, nil
}

// pgType maps PostgreSQL's names (format_type's and their aliases).
func pgType(sp typeSpec) SQLType {
	switch sp.base {
	case "integer", "int", "int4", "serial", "serial4":
		return Integer.sql
	case "bigint", "int8", "bigserial", "serial8":
		return BigInteger.sql
	case "smallint", "int2", "smallserial", "serial2":
		return SmallInteger.sql
	case "boolean", "bool":
		return Boolean.sql
	case "double precision", "float8":
		return Float.sql
	case "float":
		if sp.arg(0, 53) > 24 {
			return Float.sql
		}
		return catalogType{name: "REAL"}
	case "real", "float4":
		return catalogType{name: "REAL"}
	case "text":
		return TextType.sql
	case "character varying", "varchar":
		return String(sp.arg(0, 0)).sql
	case "character", "char", "bpchar":
		return catalogType{name: "CHAR(" + strconv.Itoa(sp.arg(0, 1)) + ")"}
	case "numeric", "decimal":
		return Numeric(sp.arg(0, 0), sp.arg(1, 0)).sql
	case "date":
		return Date.sql
	case "time", "time without time zone":
		if len(sp.args) == 0 {
			return Time.sql
		}
	case "timestamp", "timestamp without time zone":
		if len(sp.args) == 0 {
			return DateTime(false).sql
		}
	case "timestamptz", "timestamp with time zone":
		if len(sp.args) == 0 {
			return DateTime(true).sql
		}
	case "interval":
		if len(sp.args) == 0 {
			return Interval.sql
		}
	case "bytea":
		return LargeBinary.sql
	case "jsonb":
		return JSON.sql
	case "uuid":
		return UUID.sql
	}
	return nil
}

// mysqlType maps MySQL's and MariaDB's COLUMN_TYPE (an integer's display width is
// no part of its type; TINYINT(1) is MySQL's BOOL).
func mysqlType(sp typeSpec) SQLType {
	switch sp.base {
	case "int", "integer":
		return Integer.sql
	case "bigint":
		return BigInteger.sql
	case "smallint":
		return SmallInteger.sql
	case "tinyint":
		if sp.arg(0, 0) == 1 {
			return Boolean.sql
		}
		return catalogType{name: "TINYINT"}
	case "bool", "boolean":
		return Boolean.sql
	case "double", "double precision", "real":
		if len(sp.args) == 0 {
			return Float.sql
		}
	case "varchar", "character varying":
		if len(sp.args) == 1 {
			return String(sp.args[0]).sql
		}
	case "char", "character":
		return catalogType{name: "CHAR(" + strconv.Itoa(sp.arg(0, 1)) + ")"}
	case "text":
		if len(sp.args) == 0 {
			return TextType.sql
		}
	case "decimal", "numeric", "dec", "fixed":
		return Numeric(sp.arg(0, 10), sp.arg(1, 0)).sql
	case "date":
		return Date.sql
	case "time":
		if len(sp.args) == 0 {
			return Time.sql
		}
	case "datetime":
		if sp.arg(0, 0) == 6 {
			return DateTime(false).sql
		}
	case "longblob":
		return LargeBinary.sql
	case "json":
		return JSON.sql
	case "mediumint", "int unsigned", "integer unsigned", "bigint unsigned", "smallint unsigned", "tinyint unsigned", "mediumint unsigned":
		return catalogType{name: strings.ToUpper(sp.base)}
	}
	return nil
}

// sqliteType maps SQLite's declared types, which are as the DDL wrote them.
func sqliteType(sp typeSpec) SQLType {
	switch sp.base {
	case "integer", "int":
		return Integer.sql
	case "bigint":
		return BigInteger.sql
	case "smallint":
		return SmallInteger.sql
	case "boolean", "bool":
		return Boolean.sql
	case "float", "double", "double precision", "real":
		return Float.sql
	case "text", "clob":
		return TextType.sql
	case "varchar", "character varying", "nvarchar":
		return String(sp.arg(0, 0)).sql
	case "char", "character", "nchar":
		return catalogType{name: "CHAR(" + strconv.Itoa(sp.arg(0, 1)) + ")"}
	case "numeric", "decimal":
		return Numeric(sp.arg(0, 0), sp.arg(1, 0)).sql
	case "date":
		return Date.sql
	case "time":
		return Time.sql
	case "timestamp", "datetime":
		return DateTime(false).sql
	case "blob":
		return LargeBinary.sql
	case "json":
		return JSON.sql
	case "uuid":
		return UUID.sql
	}
	return nil
}

// mssqlType maps SQL Server's type names with their lengths (in characters; max
// is -1).
func mssqlType(sp typeSpec) SQLType {
	switch sp.base {
	case "int", "integer":
		return Integer.sql
	case "bigint":
		return BigInteger.sql
	case "smallint":
		return SmallInteger.sql
	case "bit":
		return Boolean.sql
	case "float":
		if sp.arg(0, 53) > 24 {
			return Float.sql
		}
		return catalogType{name: "REAL"}
	case "nvarchar":
		if sp.arg(0, -1) < 0 {
			return TextType.sql
		}
		return String(sp.args[0]).sql
	case "decimal", "numeric":
		return Numeric(sp.arg(0, 18), sp.arg(1, 0)).sql
	case "date":
		return Date.sql
	case "time":
		if len(sp.args) == 0 || sp.args[0] == 7 {
			return Time.sql
		}
	case "datetime2":
		if len(sp.args) == 0 || sp.args[0] == 7 {
			return DateTime(false).sql
		}
	case "datetimeoffset":
		if len(sp.args) == 0 || sp.args[0] == 7 {
			return DateTime(true).sql
		}
	case "varbinary":
		if sp.arg(0, 1) < 0 {
			return LargeBinary.sql
		}
	case "uniqueidentifier":
		return UUID.sql
	}
	return nil
}

// parseEnum reads MySQL's enum('a','b') into its values; ok is false for another
// type.
func parseEnum(s string) (vals []string, ok bool, err error) {
	s = strings.TrimSpace(s)
	if len(s) < 5 || !strings.EqualFold(s[:5], "enum(") {
		return nil, false, nil
	}
	body := s[5:]
	for i := 0; ; {
		for i < len(body) && body[i] == ' ' {
			i++
		}
		if i >= len(body) || body[i] != '\'' {
			return nil, true, fmt.Errorf("enum values must be quoted")
		}
		var b strings.Builder
		j := i + 1
		for ; j < len(body); j++ {
			if body[j] == '\'' {
				if j+1 < len(body) && body[j+1] == '\'' {
					b.WriteByte('\'')
					j++
					continue
				}
				break
			}
			if body[j] == '\\' && j+1 < len(body) {
				j++
			}
			b.WriteByte(body[j])
		}
		if j >= len(body) {
			return nil, true, fmt.Errorf("unterminated enum value")
		}
		vals = append(vals, b.String())
		i = j + 1
		for i < len(body) && body[i] == ' ' {
			i++
		}
		switch {
		case i < len(body) && body[i] == ',':
			i++
		case i < len(body) && body[i] == ')' && strings.TrimSpace(body[i+1:]) == "":
			return vals, true, nil
		default:
			return nil, true, fmt.Errorf("malformed enum value list")
		}
	}
}

// normalizeDefault normalises a server default as the catalog of dialect gives it
// (see Inspector); stringy says the column holds text (MySQL gives a string
// column's literal default unquoted). nil stays nil and so does NULL.
func normalizeDefault(dialect string, raw *string, stringy bool) *string {
	if raw == nil {
		return nil
	}
	s := strings.TrimSpace(*raw)
	if dialect == "mysql" && stringy && !isFuncLike(s) { // MySQL gives literals unquoted; MariaDB quotes them
		s = quoteString(s)
	}
	for len(s) >= 2 && s[0] == '(' && closingParen(s, 0) == len(s)-1 {
		s = strings.TrimSpace(s[1 : len(s)-1])
	}
	if dialect == "postgresql" {
		s = stripPgCast(s)
	}
	switch strings.ToLower(s) {
	case "", "null":
		return nil
	case "now()", "current_timestamp", "current_timestamp()", "getdate()", "sysdatetime()":
		s = "CURRENT_TIMESTAMP"
	}
	return &s
}

// isFuncLike reports a MySQL default that is an expression, not a literal:
// CURRENT_TIMESTAMP and other function calls.
func isFuncLike(s string) bool {
	l := strings.ToLower(s)
	return strings.HasPrefix(l, "current_timestamp") || strings.HasPrefix(l, "now(") || strings.HasSuffix(l, ")") && strings.Contains(l, "(")
}

// closingParen returns the index of the parenthesis closing the one at s[i],
// skipping quoted text, or -1.
func closingParen(s string, i int) int {
	depth := 0
	for j := i; j < len(s); j++ {
		switch s[j] {
		case '\'':
			end, ok := skipQuoted(s, j, false)
			if !ok {
				return -1
			}
			j = end - 1
		case '(':
			depth++
		case ')':
			depth--
			if depth == 0 {
				return j
			}
		}
	}
	return -1
}

// stripPgCast turns PostgreSQL's 'lit'::type into 'lit', and a number literal cast
// to a numeric type ('-1'::integer) into the bare number.
func stripPgCast(s string) string {
	if len(s) > 6 && strings.EqualFold(s[:6], "null::") {
		return "NULL"
	}
	if !strings.HasPrefix(s, "'") {
		return s
	}
	end, ok := skipQuoted(s, 0, false)
	if !ok || end >= len(s) || !strings.HasPrefix(s[end:], "::") {
		return s
	}
	cast := strings.ToLower(s[end+2:])
	lit := s[:end]
	inner := strings.ReplaceAll(lit[1:len(lit)-1], "''", "'")
	if _, err := strconv.ParseFloat(inner, 64); err == nil {
		switch strings.TrimSpace(strings.SplitN(cast, "(", 2)[0]) {
		case "integer", "bigint", "smallint", "numeric", "double precision", "real":
			return inner
		}
	}
	return lit
}

// normalizeAction normalises a foreign key action as dialect's catalog spells it
// (PostgreSQL's one-letter codes, SQL Server's SET_NULL, MySQL's RESTRICT that is
// NO ACTION) to ForeignKeyInfo's form.
func normalizeAction(dialect, a string) string {
	a = strings.ToUpper(strings.TrimSpace(strings.ReplaceAll(a, "_", " ")))
	if dialect == "postgresql" {
		switch a {
		case "A":
			a = ""
		case "R":
			a = "RESTRICT"
		case "C":
			a = "CASCADE"
		case "N":
			a = "SET NULL"
		case "D":
			a = "SET DEFAULT"
		}
	}
	switch {
	case a == "NO ACTION":
		return ""
	case a == "RESTRICT" && (dialect == "mysql" || dialect == "mariadb"):
		return ""
	}
	return a
}

// stripCheck turns a check as the catalog gives it ("CHECK ((a > 0))" or "(a > 0)")
// into its condition alone ("a > 0").
func stripCheck(s string) string {
	s = strings.TrimSpace(s)
	if len(s) >= 5 && strings.EqualFold(s[:5], "check") {
		s = strings.TrimSpace(s[5:])
	}
	if strings.HasSuffix(strings.ToUpper(s), " NOT VALID") {
		s = strings.TrimSpace(s[:len(s)-len(" NOT VALID")])
	}
	for len(s) >= 2 && s[0] == '(' && closingParen(s, 0) == len(s)-1 {
		s = strings.TrimSpace(s[1 : len(s)-1])
	}
	return s
}
