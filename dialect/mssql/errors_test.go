package mssql_test

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"syscall"
	"testing"

	"github.com/go-alchemy/alchemy/dialect"
	"github.com/go-alchemy/alchemy/dialect/mssql"
	mssqldb "github.com/microsoft/go-mssqldb"
)

// serverErr builds go-mssqldb's Error as the driver does: the last error received
// at the top, every error in All.
func serverErr(errs ...mssqldb.Error) error {
	e := errs[len(errs)-1]
	e.All = errs
	return e
}

func num(n int32, class uint8) mssqldb.Error {
	return mssqldb.Error{Number: n, Class: class, Message: fmt.Sprintf("error %d", n)}
}

func TestClassification(t *testing.T) {
	const (
		disc = 1 << iota
		ser
		uniq
	)
	wrap := func(err error) error { return fmt.Errorf("alchemy: execute: %w", err) }
	terminated := num(3621, 0) // "The statement has been terminated."
	tests := []struct {
		name string
		err  error
		want int
		code string
	}{
		{"nil", nil, 0, ""},
		{"plain error", errors.New("boom"), 0, ""},
		{"deadlock victim", serverErr(num(1205, 13)), ser, "1205"},
		{"wrapped deadlock", wrap(serverErr(num(1205, 13))), ser, "1205"},
		{"snapshot conflict", serverErr(num(3960, 16)), ser, "3960"},
		{"snapshot DDL conflict", serverErr(num(3961, 16)), ser, "3961"},
		{"primary key, then statement terminated", serverErr(num(2627, 14), terminated), uniq, "2627"},
		{"unique index, then statement terminated", wrap(serverErr(num(2601, 14), terminated)), uniq, "2601"},
		{"unique violation alone", mssqldb.Error{Number: 2627, Class: 14}, uniq, "2627"},
		{"foreign key", serverErr(num(547, 16), terminated), 0, "3621"},
		{"syntax error", serverErr(num(102, 15)), 0, "102"},
		{"lock timeout is not retried", serverErr(num(1222, 16)), 0, "1222"},
		{"login failed", serverErr(num(18456, 14)), 0, "18456"},
		{"session killed", serverErr(num(596, 21)), disc, "596"},
		{"severity 20", serverErr(num(9001, 20)), disc, "9001"},
		{"severity 25", serverErr(num(0, 25)), disc, "0"},
		{"shutdown", serverErr(num(6005, 14)), disc, "6005"},
		{"pipe", serverErr(num(233, 16)), disc, "233"},
		{"transport reset", serverErr(num(10054, 16)), disc, "10054"},
		{"transport aborted", serverErr(num(10053, 16)), disc, "10053"},
		{"azure reconnect", serverErr(num(40197, 17)), disc, "40197"},
		{"azure database unavailable", serverErr(num(40613, 17)), disc, "40613"},
		{"fatal server error (unwraps to its, here empty, Error)", mssqldb.ServerError{}, disc, "0"},
		{"stream error", mssqldb.StreamError{InnerError: io.ErrUnexpectedEOF}, disc, ""},
		{"wrapped stream error", wrap(mssqldb.StreamError{InnerError: errors.New("bad token")}), disc, ""},
		{"driver.ErrBadConn", driver.ErrBadConn, disc, ""},
		{"retryable bad conn", mssqldb.RetryableError{}, disc, ""},
		{"io.EOF", io.EOF, disc, ""},
		{"io.ErrUnexpectedEOF", wrap(io.ErrUnexpectedEOF), disc, ""},
		{"net.ErrClosed", net.ErrClosed, disc, ""},
		{"reset by peer", &net.OpError{Op: "read", Net: "tcp", Err: os.NewSyscallError("read", syscall.ECONNRESET)}, disc, ""},
		{"dial refused, as go-mssqldb wraps it", fmt.Errorf("unable to open tcp connection with host 'h:1433': %w",
			&net.OpError{Op: "dial", Net: "tcp", Err: os.NewSyscallError("connect", syscall.ECONNREFUSED)}), disc, ""},
		{"broken pipe", wrap(syscall.EPIPE), disc, ""},
		{"failed to send SQL Batch", wrap(errors.New("failed to send SQL Batch: write tcp 10.0.0.1:5000->10.0.0.2:1433: write: broken pipe")), disc, ""},
		{"failed to send RPC", errors.New("failed to send RPC: write: connection reset by peer"), disc, ""},
		{"failed to send CommitXact (sic)", errors.New("faild to send CommitXact: EOF"), disc, ""},
		{"login timeout", errors.New("login error: read tcp 127.0.0.1:5000->127.0.0.1:1433: i/o timeout"), disc, ""},
		{"login cut off", fmt.Errorf("connect: %w", errors.New("login error: EOF")), disc, ""},
		{"login failed is not a disconnect", serverErr(mssqldb.Error{Number: 18456, Class: 14, Message: "login error: Login failed for user 'sa'."}), 0, "18456"},
		{"login error of another kind", errors.New("login error: unexpected token"), 0, ""},
		{"message in a statement is not enough", errors.New("alchemy: execute SELECT 'failed to send RPC': boom"), 0, ""},
		{"context canceled", context.Canceled, 0, ""},
		{"context deadline", wrap(context.DeadlineExceeded), 0, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := mssql.MSSQL
			if got := d.IsDisconnect(tt.err); got != (tt.want&disc != 0) {
				t.Errorf("IsDisconnect = %v", got)
			}
			if got := d.IsSerializationFailure(tt.err); got != (tt.want&ser != 0) {
				t.Errorf("IsSerializationFailure = %v", got)
			}
			if got := d.IsUniqueViolation(tt.err); got != (tt.want&uniq != 0) {
				t.Errorf("IsUniqueViolation = %v", got)
			}
			if got := d.ErrorCode(tt.err); got != tt.code {
				t.Errorf("ErrorCode = %q, want %q", got, tt.code)
			}
		})
	}
}

// TestDisconnectFromRealDial connects through go-mssqldb to a port nobody listens
// on: the driver's own error for it is a disconnect.
func TestDisconnectFromRealDial(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	u := dialect.MustParseURL(fmt.Sprintf("mssql://sa:%s@127.0.0.1:%d/db?dial_timeout=2", secret, port))
	c, err := mssql.MSSQL.Connector(u, nil)
	if err != nil {
		t.Fatal(err)
	}
	conn, err := c.Connect(context.Background())
	if err == nil {
		conn.Close()
		t.Fatal("connected to a closed port")
	}
	t.Logf("driver's error: %v", err)
	if !mssql.IsDisconnect(err) {
		t.Errorf("IsDisconnect(%v) = false", err)
	}
	if mssql.ErrorCode(err) != "" || mssql.IsSerializationFailure(err) {
		t.Errorf("refused connection misclassified: %v", err)
	}
}
