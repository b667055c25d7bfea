// Package expr is the floor under alchemy's engine: the Compiler that statements
// write their SQL into, the compiled form an engine caches, TextClause (textual SQL
// with :name binds), and on them the SQL expression language, SQLAlchemy Core's:
// tables of typed columns, SELECT, INSERT, UPDATE, DELETE, DDL and reflection.
// It needs nothing outside this module but the standard library.
//
// # Tables and statements
//
// Declare a table as a struct of typed columns that embeds *Table:
//
//	type Users struct {
//		*expr.Table
//		ID   expr.Column[int64]
//		Name expr.Column[string]
//	}
//
//	md := expr.NewMetaData()
//	t := md.NewTable("users")
//	users := Users{Table: t,
//		ID:   expr.NewColumn(t, "id", expr.Integer, expr.PrimaryKey()),
//		Name: expr.NewColumn(t, "name", expr.String(50), expr.NotNull()),
//	}
//
// Build statements from it. Every method returns a new statement, so one built
// halfway can be finished in several ways:
//
//	users.Select(users.ID, users.Name).Where(users.Name.In("ed", "wendy")).
//		OrderBy(users.ID.Asc()).Limit(10)
//	users.Insert().Values(expr.Params{"name": "ed"})
//	users.Update().Set(users.Name, "ed").Where(users.ID.Eq(5))
//	users.Delete().Where(users.ID.Eq(5))
//
// Conditions are typed by Go generics: users.ID.Eq(5) compiles, users.ID.Eq("five")
// does not, and EqExpr compares only expressions of the same Go type. Values are
// bound, never spliced into the SQL. The FROM clause is the columns' table, or
// what From and Join give; a column of a table the FROM clause lacks is an error,
// not a cartesian product. An UPDATE or DELETE without Where is an error: say All
// to mean every row. A Text nests wherever an expression goes (As types it), its
// :name binds taken from the arguments of Execute.
//
// # Dialects and the cache
//
// A statement compiles for the engine's dialect and server version, which decide
// the placeholders (?, $1, @p1) and quoting; LIMIT and OFFSET, or TOP and OFFSET
// ... FETCH on SQL Server; RETURNING, or OUTPUT on SQL Server; OnConflict as ON
// CONFLICT, ON DUPLICATE KEY UPDATE or MERGE; a boolean column as a condition on
// SQL Server (active = 1); an empty In, which no row matches. What the server
// lacks (RETURNING on MySQL) is an error wrapping ErrUnsupported.
//
// The compiled form holds no values, and its cache key is the statement's shape:
// a statement rebuilt per request with other values is compiled once per engine
// (see Prepared). An In of another length is another shape.
//
// # DDL, reflection and reading
//
// CreateAll and DropAll create and drop a MetaData's tables in foreign-key order;
// CreateTable, CreateIndex and the like are the single statements. Inspect reads
// a live database's catalog; Reflect declares its tables in a MetaData, with
// untyped columns found by name (t.C("name")).
//
// Read a row's values through their columns' types with Column[T].Into, or
// IntoNull for a column that may be NULL, as Scan destinations (a JSONOf column
// unmarshals); or read rows into structs by `db` tags with alchemy.All[T].
//
//	err := res.Scan(users.ID.Into(&id), users.Name.Into(&name))
//
// # The Compiler seam
//
// Anything with WriteSQL(*Compiler) error is a Statement, so a statement of
// another package runs on an engine beside these. It writes text, quoted names
// and binds; placeholders are numbered when the compiler finishes, so that
// fragments (a Text, a subquery) nest.
//
//	type countWhere struct{ table string; cond *expr.TextClause }
//
//	func (s countWhere) WriteSQL(c *expr.Compiler) error {
//		c.WriteString("select count(*) from ")
//		c.WriteIdent(s.table)
//		c.WriteString(" where ")
//		if err := c.Write(s.cond); err != nil { // its binds become the statement's
//			return err
//		}
//		c.SetReturnsRows(true, "count")
//		return nil
//	}
//
// An engine caches its compiled form under its CacheKey (see CacheKeyer), and
// binds each execution's arguments anew.
package expr
