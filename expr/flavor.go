package expr

import (
	"strings"
	"sync/atomic"

	"github.com/go-alchemy/alchemy/dialect"
)

// flavor is the SQL a dialect speaks, as far as statements differ by it.
type flavor uint8

const (
	generic flavor = iota // a dialect alchemy does not know: ANSI SQL with LIMIT/OFFSET
	sqliteSQL
	postgresSQL
	mysqlSQL
	mariadbSQL
	mssqlSQL
)

// flavorOf returns the flavor of the dialect named name, whose server is of version v.
func flavorOf(name string, v dialect.Version) flavor {
	switch name {
	case "sqlite":
		return sqliteSQL
	case "postgresql":
		return postgresSQL
	case "mariadb":
		return mariadbSQL
	case "mysql":
		if strings.Contains(strings.ToLower(v.Raw), "mariadb") {
			return mariadbSQL
		}
		return mysqlSQL
	case "mssql":
		return mssqlSQL
	}
	return generic
}

// mysqlish reports MySQL or MariaDB.
func (f flavor) mysqlish() bool { return f == mysqlSQL || f == mariadbSQL }

// name is the dialect name SQLType.SQLFor is given.
func (c *Compiler) typeDialect() string {
	switch c.flavor() {
	case mariadbSQL:
		return "mariadb"
	case mysqlSQL:
		return "mysql"
	}
	if c.d == nil {
		return ""
	}
	return c.d.Name()
}

// flavor returns the SQL the dialect speaks (asked lazily: a statement of text alone
// never needs it).
func (c *Compiler) flavor() flavor {
	if !c.flavSet {
		c.flavSet = true
		if c.d != nil {
			c.flav = flavorOf(c.d.Name(), c.version)
		}
	}
	return c.flav
}

// identCache keeps a name quoted for the last dialect that wrote it: columns and
// tables are written by every compile of every statement that names them.
type identCache struct{ p atomic.Pointer[quotedName] }

type quotedName struct{ dialect, quoted string }

// writeIdentCached writes name quoted for the dialect, through ic.
func (c *Compiler) writeIdentCached(ic *identCache, name string) {
	if ic == nil {
		c.WriteIdent(name)
		return
	}
	dn := c.dialectName()
	if q := ic.p.Load(); q != nil && q.dialect == dn {
		c.WriteString(q.quoted)
		return
	}
	q := c.d.QuoteIdentifier(name)
	ic.p.Store(&quotedName{dn, q})
	c.WriteString(q)
}

// dialectName returns the dialect's name, asked once per compile.
func (c *Compiler) dialectName() string {
	if c.dname == "" && c.d != nil {
		c.dname = c.d.Name()
	}
	return c.dname
}
