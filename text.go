package alchemy

import "github.com/go-alchemy/alchemy/expr"

// Text is textual SQL with :name binds, SQLAlchemy's text() (expr.Text, whose doc
// gives the bind syntax). It is parsed at its first compile and cached under its
// SQL, so a Text built per request costs an allocation, not a parse.
func Text(sql string) *TextClause { return expr.Text(sql) }

// TextClause is expr.TextClause.
type TextClause = expr.TextClause

// Params binds values by name: alchemy.Params{"id": 5}.
type Params = expr.Params

// ErrBindParameter (expr.ErrBindParameter) is wrapped by every bind error: a
// missing or extra value, SQL that cannot be searched for binds (an unterminated
// quote, a driver placeholder), a fragment's bind colliding with the statement's.
var ErrBindParameter = expr.ErrBindParameter

// ErrUnsupported (expr.ErrUnsupported) is wrapped by the error of a statement
// needing a feature the dialect or server version lacks (RETURNING on MySQL).
var ErrUnsupported = expr.ErrUnsupported
