package sqlcmd

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/go-alchemy/alchemy"
)

// inputError is a failure at a line of the input: a statement the server
// refused, a meta-command that failed. It exits 1.
type inputError struct {
	src  string // "-c", a file name, "stdin"
	line int    // 0 when it is about the input as a whole
	err  error
}

func (e *inputError) Error() string {
	if e.line > 0 {
		return fmt.Sprintf("%s:%d: %s", e.src, e.line, message(e.err))
	}
	return fmt.Sprintf("%s: %s", e.src, message(e.err))
}

func (e *inputError) Unwrap() error { return e.err }

// message renders a failure for a person at a prompt: the server's own
// message (with its SQLSTATE or error number), without alchemy's repetition of
// the statement and its parameters, which they have just typed.
func message(err error) string {
	var ae *alchemy.Error
	var lost *txLostError
	switch {
	case errors.As(err, &lost):
		return lost.Error()
	case errors.Is(err, context.Canceled):
		return "canceled"
	case errors.As(err, &ae) && ae.Err != nil:
		msg := ae.Err.Error()
		if ae.Disconnect {
			msg += " (the connection was lost; the next statement connects again)"
		}
		if ae.Hint != "" {
			msg += " (hint: " + ae.Hint + ")"
		}
		return msg
	}
	return strings.TrimPrefix(err.Error(), "alchemy: ")
}

// txLostError is a failure that broke the open transaction: none of it was
// committed, and the session is out of transaction mode.
type txLostError struct{ err error }

func (e *txLostError) Error() string {
	return message(e.err) + " (the open transaction is lost: none of it was committed)"
}

func (e *txLostError) Unwrap() error { return e.err }
