package expr

import "strings"

// mysqlCastType returns the type CAST converts to on MySQL and MariaDB, whose CAST
// takes only a few types, none of them the names DDL uses: SIGNED for the
// integers, CHAR(n) for strings, DECIMAL(p, s), DOUBLE, DATE, DATETIME, TIME,
// BINARY, and JSON on MySQL. A type of another package is asked (SQLFor).
func mysqlCastType(t SQLType, d string) (string, error) {
	name := t.TypeName()
	base, args := name, ""
	if i := strings.IndexByte(name, '('); i >= 0 {
		base, args = name[:i], name[i:]
	}
	if _, own := t.(*sqlType); !own {
		if _, enum := t.(*enumType); !enum {
			return t.SQLFor(d)
		}
	}
	switch strings.TrimSpace(strings.ToUpper(base)) {
	case "INTEGER", "BIGINT", "SMALLINT", "BOOLEAN":
		return "SIGNED", nil
	case "VARCHAR", "CHAR", "TEXT", "ENUM", "UUID":
		return "CHAR" + args, nil
	case "NUMERIC", "DECIMAL":
		return "DECIMAL" + args, nil
	case "FLOAT":
		return "DOUBLE", nil
	case "BLOB":
		return "BINARY", nil
	case "JSON":
		if d == "mariadb" { // MariaDB's JSON is LONGTEXT: no CAST to it
			return "CHAR", nil
		}
		return "JSON", nil
	}
	return t.SQLFor(d) // DATE, TIME, DATETIME(6); INTERVAL is refused
}
