package alchemy

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"log/slog"
	"time"

	"github.com/go-alchemy/alchemy/dialect"
	"github.com/go-alchemy/alchemy/pool"
)

// echo logs one statement (Echo): its SQL, duration, parameters ("[hidden]" with
// HideParameters, nothing when it has none), the number of parameter sets of an
// executemany, and its error.
func (e *Engine) echo(ctx context.Context, sql string, params []any, nparams, many int, d time.Duration, err error) {
	attrs := []slog.Attr{slog.String("sql", sql), slog.Duration("duration", d)}
	if many > 0 {
		attrs = append(attrs, slog.Int("many", many))
	}
	if nparams > 0 && e.cfg.hideParams {
		attrs = append(attrs, slog.String("params", "[hidden]"))
	} else if nparams > 0 {
		attrs = append(attrs, slog.Any("params", params))
	}
	if err != nil {
		attrs = append(attrs, slog.String("error", err.Error()))
	}
	e.logger.LogAttrs(ctx, slog.LevelInfo, "alchemy: execute", attrs...)
}

// poolEchoListener logs the pool's events (echo_pool).
func (e *Engine) poolEchoListener() pool.Listener {
	log := func(level slog.Level, msg string) func(*pool.Record) {
		return func(*pool.Record) { e.logger.Log(context.Background(), level, msg) }
	}
	return pool.Listener{
		Connect:  log(slog.LevelInfo, "alchemy: pool connect"),
		Checkout: func(context.Context, *pool.Record) error { e.logger.Debug("alchemy: pool checkout"); return nil },
		Checkin:  log(slog.LevelDebug, "alchemy: pool checkin"),
		Invalidate: func(_ *pool.Record, reason error) {
			e.logger.Info("alchemy: pool invalidate", "reason", reason)
		},
	}
}

// wrapErr wraps a driver error in *Error, classified by the dialect and by the
// HandleError listeners.
func (e *Engine) wrapErr(c *Conn, op, query string, params []any, err error) *Error {
	var already *Error
	if errors.As(err, &already) {
		return already
	}
	d := e.dialect
	// database/sql's ErrBadConn and ErrConnDone say an established connection is
	// unusable, whatever the dialect says.
	disconnect := d.IsDisconnect(err) ||
		op != "connect" && (errors.Is(err, driver.ErrBadConn) || errors.Is(err, sql.ErrConnDone))
	w := &Error{
		Op:                   op,
		Dialect:              d.Name(),
		Code:                 d.ErrorCode(err),
		Statement:            query,
		Disconnect:           disconnect,
		SerializationFailure: d.IsSerializationFailure(err),
		UniqueViolation:      d.IsUniqueViolation(err),
		Err:                  err,
		invalidatePool:       true,
	}
	if h, ok := d.(dialect.ErrorHinter); ok {
		w.Hint = h.Hint(err)
	}
	if e.cfg.hideParams {
		w.ParamsHidden = len(params) > 0
	} else {
		w.Params = params
	}
	for _, h := range e.cfg.tracers.errs {
		ev := &ErrorEvent{Conn: c, Op: op, Statement: query, Err: err,
			Disconnect: w.Disconnect, InvalidatePool: w.invalidatePool}
		h.HandleError(ev)
		w.Disconnect, w.invalidatePool = ev.Disconnect, ev.InvalidatePool
	}
	return w
}
