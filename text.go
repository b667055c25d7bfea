package alchemy

import "github.com/go-alchemy/alchemy/expr"

// Text returns the statement for textual SQL with :name binds, SQLAlchemy's text():
//
//	res, err := eng.Execute(ctx, alchemy.Text("select name from users where id = :id"), alchemy.Params{"id": 5})
//
// It is expr.Text: the SQL is parsed when the statement is first compiled, and an
// engine caches the compiled form under its SQL, so building a Text afresh for every
// request costs an allocation, not a parse. See expr.TextClause for the syntax of
// binds, and Conn.Execute for the arguments.
func Text(sql string) *TextClause { return expr.Text(sql) }

// TextClause is the statement Text returns (expr.TextClause).
type TextClause = expr.TextClause

// Params binds values by name: alchemy.Params{"id": 5}.
type Params = expr.Params

// ErrBindParameter is wrapped by every error about bind parameters: a bind without a
// value, a value for no bind, a wrong number of positional values, SQL text that
// cannot be searched for binds (an unterminated quote or comment, or a placeholder
// written in the driver's own syntax), and a fragment whose bind collides with the
// statement's. It is expr.ErrBindParameter.
var ErrBindParameter = expr.ErrBindParameter

// ErrUnsupported is wrapped by the error of a statement that asks for a feature the
// dialect or the connected server's version lacks (RETURNING on MySQL, say). It is
// expr.ErrUnsupported.
var ErrUnsupported = expr.ErrUnsupported
