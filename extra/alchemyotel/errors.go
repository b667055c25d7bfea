package alchemyotel

import (
	"context"
	"errors"
	"fmt"

	"github.com/go-alchemy/alchemy"
	"go.opentelemetry.io/otel/attribute"
	semconv "go.opentelemetry.io/otel/semconv/v1.43.0"
)

// sentinels name alchemy's own failures for error.type, in the order they are
// tested (a pool timeout before the deadline it may wrap).
var sentinels = []struct {
	err  error
	name string
}{
	{alchemy.ErrPoolTimeout, "alchemy.ErrPoolTimeout"},
	{alchemy.ErrConnectBackoff, "alchemy.ErrConnectBackoff"},
	{alchemy.ErrDisconnect, "alchemy.ErrDisconnect"},
	{alchemy.ErrCommitUnknown, "alchemy.ErrCommitUnknown"},
	{alchemy.ErrRolledBack, "alchemy.ErrRolledBack"},
	{alchemy.ErrPendingRollback, "alchemy.ErrPendingRollback"},
	{alchemy.ErrTxDone, "alchemy.ErrTxDone"},
	{alchemy.ErrClosed, "alchemy.ErrClosed"},
	{alchemy.ErrBindParameter, "alchemy.ErrBindParameter"},
	{alchemy.ErrUnsupported, "alchemy.ErrUnsupported"},
	{context.DeadlineExceeded, "context.DeadlineExceeded"},
	{context.Canceled, "context.Canceled"},
}

// errorAttrs returns the attributes of a failure: error.type always, and
// db.response.status_code when the database gave a code; and the span status
// description. error.type is the database's code (SQLSTATE, MySQL's error
// number) when there is one, as the conventions ask; else the name of an alchemy
// or context sentinel the error matches; else the Go type of the driver's error;
// else "_OTHER". The description is error.type, never the error's text, which
// may quote the statement's values; with WithQueryParameters it is the whole
// text.
func errorAttrs(err error, full bool) (attrs []attribute.KeyValue, desc string) {
	var code, typ string
	var ae *alchemy.Error
	if errors.As(err, &ae) && ae.Code != "" {
		code, typ = ae.Code, ae.Code
	}
	if typ == "" {
		for _, s := range sentinels {
			if errors.Is(err, s.err) {
				typ = s.name
				break
			}
		}
	}
	if typ == "" && ae != nil && ae.Err != nil {
		typ = fmt.Sprintf("%T", ae.Err)
	}
	if typ == "" {
		typ = goType(err)
	}
	attrs = make([]attribute.KeyValue, 0, 2)
	attrs = append(attrs, semconv.ErrorTypeKey.String(typ))
	if code != "" {
		attrs = append(attrs, semconv.DBResponseStatusCodeKey.String(code))
	}
	desc = typ
	if full {
		desc = err.Error()
	}
	return attrs, desc
}

// goType names the type of the first error in err's chain that is more than a
// wrapper or a plain message, or "_OTHER".
func goType(err error) string {
	for err != nil {
		switch name := fmt.Sprintf("%T", err); name {
		case "*errors.errorString", "*fmt.wrapError", "*fmt.wrapErrors", "*errors.joinError":
		default:
			return name
		}
		u, ok := err.(interface{ Unwrap() error })
		if !ok {
			break
		}
		err = u.Unwrap()
	}
	return "_OTHER"
}
