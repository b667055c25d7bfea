package expr_test

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/go-alchemy/alchemy/dialect"
	"github.com/go-alchemy/alchemy/expr"
)

// recorder is an expr.Executor that compiles each statement for its dialect and
// records the SQL and the bound values, instead of running it. A query (a statement
// that returns rows) gets one row when a value bound to it is in exists.
type recorder struct {
	d      dialect.Dialect
	v      dialect.Version
	exists map[string]bool
	out    []string
}

func (r *recorder) Dialect() dialect.Dialect { return r.d }

func (r *recorder) Execute(_ context.Context, stmt expr.Statement, args ...any) (*recordedRows, error) {
	c, err := expr.Compile(r.d, r.v, stmt)
	if err != nil {
		return nil, err
	}
	vals, err := c.Bind(args)
	if err != nil {
		return nil, err
	}
	line := c.SQL
	rows := &recordedRows{}
	if len(vals) > 0 {
		shown := make([]string, len(vals))
		for i, v := range vals {
			if na, ok := v.(sql.NamedArg); ok {
				v = na.Value
			}
			shown[i] = fmt.Sprintf("%q", v)
			if s, ok := v.(string); ok && r.exists[s] {
				rows.n = 1
			}
		}
		line += "\n-- binds: " + strings.Join(shown, ", ")
	}
	r.out = append(r.out, line)
	return rows, nil
}

// script is what was recorded, one statement after another.
func (r *recorder) script() string {
	if len(r.out) == 0 {
		return ""
	}
	return strings.Join(r.out, ";\n\n") + ";\n"
}

// recordedRows is a recorder's result: n rows of nothing.
type recordedRows struct{ n int }

func (r *recordedRows) Next() bool {
	if r.n > 0 {
		r.n--
		return true
	}
	return false
}
func (r *recordedRows) Scan(...any) error { return nil }
func (r *recordedRows) Err() error        { return nil }
func (r *recordedRows) Close() error      { return nil }
