package expr

import (
	"context"

	"github.com/go-alchemy/alchemy/dialect"
)

// Rows is what DDL and reflection read from a statement they run: alchemy's *Result.
type Rows interface {
	Next() bool
	Scan(dest ...any) error
	Err() error
	Close() error
}

// Executor runs the statements of DDL and reflection (CreateAll, Inspect, Reflect):
// *alchemy.Engine and *alchemy.Conn are Executors, so is a Session. R is the type of
// its results, which Go infers: expr.CreateAll(ctx, eng, md).
type Executor[R Rows] interface {
	Execute(ctx context.Context, stmt Statement, args ...any) (R, error)
	Dialect() dialect.Dialect
}
