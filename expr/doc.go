// Package expr is alchemy's expression floor: the Compiler that statements write
// their SQL into, the compiled form an engine caches, and TextClause, textual SQL with
// :name binds. It imports only the dialect package and the standard library.
//
// A statement writes into a Compiler, which carries the dialect, the server's
// version, the SQL and the binds; placeholders are numbered once, when the compiler
// finishes, so that fragments nest: a Text inside another statement is numbered in
// the whole of it.
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
//	compiled, err := expr.Compile(d, version, countWhere{"users", expr.Text("age > :age")})
//	args, err := compiled.Bind([]any{expr.Params{"age": 18}})
//
// The compiled form holds no argument values, so an engine caches it under the
// statement's CacheKey (see CacheKeyer) and binds each execution's arguments anew.
package expr
