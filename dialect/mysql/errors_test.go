package mysql_test

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
	"github.com/go-alchemy/alchemy/dialect/mysql"
	gomysql "github.com/go-sql-driver/mysql"
)

func myErr(n uint16, state string) error {
	e := &gomysql.MySQLError{Number: n, Message: "test"}
	copy(e.SQLState[:], state)
	return e
}

func TestClassification(t *testing.T) {
	const (
		disc = 1 << iota
		ser
		uniq
	)
	wrap := func(err error) error { return fmt.Errorf("alchemy: execute: %w", err) }
	tests := []struct {
		name string
		err  error
		want int
		code string
	}{
		{"nil", nil, 0, ""},
		{"plain error", errors.New("boom"), 0, ""},
		{"deadlock", myErr(1213, "40001"), ser, "1213"},
		{"wrapped deadlock", wrap(myErr(1213, "40001")), ser, "1213"},
		{"lock wait timeout", myErr(1205, "HY000"), ser, "1205"},
		{"duplicate entry", myErr(1062, "23000"), uniq, "1062"},
		{"duplicate entry with key name", myErr(1586, "23000"), uniq, "1586"},
		{"foreign key", myErr(1452, "23000"), 0, "1452"},
		{"access denied", myErr(1045, "28000"), 0, "1045"},
		{"syntax error", myErr(1064, "42000"), 0, "1064"},
		{"server shutdown", myErr(1053, "08S01"), disc, "1053"},
		{"connection killed (MariaDB)", myErr(1927, "70100"), disc, "1927"},
		{"gone away", myErr(2006, ""), disc, "2006"},
		{"lost during query", wrap(myErr(2013, "")), disc, "2013"},
		{"out of sync", myErr(2014, ""), disc, "2014"},
		{"shared memory", myErr(2045, ""), disc, "2045"},
		{"lost at stage", myErr(2055, ""), disc, "2055"},
		{"inactivity", myErr(4031, "HY000"), disc, "4031"},
		{"query interrupted is not a disconnect", myErr(1317, "70100"), 0, "1317"},
		{"ErrInvalidConn", gomysql.ErrInvalidConn, disc, ""},
		{"wrapped ErrInvalidConn", wrap(gomysql.ErrInvalidConn), disc, ""},
		{"ErrMalformPkt", gomysql.ErrMalformPkt, disc, ""},
		{"ErrPktSync", gomysql.ErrPktSync, disc, ""},
		{"ErrPktSyncMul", gomysql.ErrPktSyncMul, disc, ""},
		{"ErrBusyBuffer", gomysql.ErrBusyBuffer, 0, ""},
		{"driver.ErrBadConn", driver.ErrBadConn, disc, ""},
		{"io.EOF", io.EOF, disc, ""},
		{"io.ErrUnexpectedEOF", wrap(io.ErrUnexpectedEOF), disc, ""},
		{"net.ErrClosed", net.ErrClosed, disc, ""},
		{"reset by peer", &net.OpError{Op: "read", Net: "tcp", Err: os.NewSyscallError("read", syscall.ECONNRESET)}, disc, ""},
		{"broken pipe", wrap(syscall.EPIPE), disc, ""},
		{"refused", wrap(syscall.ECONNREFUSED), disc, ""},
		{"aborted", syscall.ECONNABORTED, disc, ""},
		{"i/o timeout", &net.OpError{Op: "read", Net: "tcp", Err: os.ErrDeadlineExceeded}, disc, ""},
		{"context canceled", context.Canceled, 0, ""},
		{"context deadline", wrap(context.DeadlineExceeded), 0, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, d := range []dialect.Dialect{mysql.MySQL, mysql.MariaDB} {
				if got := d.IsDisconnect(tt.err); got != (tt.want&disc != 0) {
					t.Errorf("%s IsDisconnect = %v", d.Name(), got)
				}
				if got := d.IsSerializationFailure(tt.err); got != (tt.want&ser != 0) {
					t.Errorf("%s IsSerializationFailure = %v", d.Name(), got)
				}
				if got := d.IsUniqueViolation(tt.err); got != (tt.want&uniq != 0) {
					t.Errorf("%s IsUniqueViolation = %v", d.Name(), got)
				}
				if got := d.ErrorCode(tt.err); got != tt.code {
					t.Errorf("%s ErrorCode = %q, want %q", d.Name(), got, tt.code)
				}
			}
		})
	}
}

func TestSQLState(t *testing.T) {
	if got := mysql.SQLState(fmt.Errorf("x: %w", myErr(1213, "40001"))); got != "40001" {
		t.Errorf("SQLState = %q, want 40001", got)
	}
	if got := mysql.SQLState(myErr(2006, "")); got != "" {
		t.Errorf("SQLState without one = %q", got)
	}
	if got := mysql.SQLState(io.EOF); got != "" {
		t.Errorf("SQLState(io.EOF) = %q", got)
	}
}

// TestDisconnectFromRealDial connects through the driver to a port nobody listens on:
// the driver's own error for a refused connection is a disconnect.
func TestDisconnectFromRealDial(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().(*net.TCPAddr)
	ln.Close()
	u := dialect.MustParseURL(fmt.Sprintf("mysql://scott:%s@127.0.0.1:%d/db?connect_timeout=2", secret, addr.Port))
	c, err := mysql.MySQL.Connector(u, nil)
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Connect(context.Background())
	if err == nil {
		t.Fatal("connected to a closed port")
	}
	if !mysql.MySQL.IsDisconnect(err) {
		t.Errorf("IsDisconnect(%v) = false", err)
	}
	if mysql.MySQL.IsSerializationFailure(err) || mysql.MySQL.ErrorCode(err) != "" {
		t.Errorf("refused connection misclassified: %v", err)
	}
}
