package postgresql_test

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"strings"
	"syscall"
	"testing"

	"github.com/go-alchemy/alchemy/dialect"
	"github.com/go-alchemy/alchemy/dialect/postgresql"
	"github.com/jackc/pgx/v5/pgconn"
)

func pgErr(code, severity string) *pgconn.PgError {
	return &pgconn.PgError{Code: code, Severity: severity, SeverityUnlocalized: severity, Message: "m"}
}

func opErr(op string, errno syscall.Errno) error {
	return &net.OpError{Op: op, Net: "tcp", Err: &os.SyscallError{Syscall: op, Err: errno}}
}

func TestClassify(t *testing.T) {
	tests := []struct {
		name                   string
		err                    error
		disconnect, retry, dup bool
		code                   string
	}{
		{"nil", nil, false, false, false, ""},
		{"plain", errors.New("boom"), false, false, false, ""},
		{"admin shutdown (pg_terminate_backend)", pgErr("57P01", "FATAL"), true, false, false, "57P01"},
		{"crash shutdown", pgErr("57P02", "FATAL"), true, false, false, "57P02"},
		{"cannot connect now", pgErr("57P03", "FATAL"), true, false, false, "57P03"},
		{"database dropped", pgErr("57P04", "FATAL"), true, false, false, "57P04"},
		{"idle session timeout", pgErr("57P05", "FATAL"), true, false, false, "57P05"},
		{"idle in transaction timeout", pgErr("25P03", "FATAL"), true, false, false, "25P03"},
		{"connection failure", pgErr("08006", "ERROR"), true, false, false, "08006"},
		{"connection does not exist", pgErr("08003", "ERROR"), true, false, false, "08003"},
		{"protocol violation", pgErr("08P01", "FATAL"), true, false, false, "08P01"},
		{"other FATAL on a session", pgErr("XX000", "FATAL"), true, false, false, "XX000"},
		{"PANIC", pgErr("XX000", "PANIC"), true, false, false, "XX000"},
		{"too many connections", pgErr("53300", "FATAL"), false, false, false, "53300"},
		{"wrong password", pgErr("28P01", "FATAL"), false, false, false, "28P01"},
		{"no such database", pgErr("3D000", "FATAL"), false, false, false, "3D000"},
		{"query canceled", pgErr("57014", "ERROR"), false, false, false, "57014"},
		{"serialization failure", pgErr("40001", "ERROR"), false, true, false, "40001"},
		{"deadlock", pgErr("40P01", "ERROR"), false, true, false, "40P01"},
		{"other rollback", pgErr("40002", "ERROR"), false, false, false, "40002"},
		{"unique violation", pgErr("23505", "ERROR"), false, false, true, "23505"},
		{"foreign key violation", pgErr("23503", "ERROR"), false, false, false, "23503"},
		{"wrapped admin shutdown", fmt.Errorf("query: %w", pgErr("57P01", "FATAL")), true, false, false, "57P01"},
		{"wrapped serialization", fmt.Errorf("commit: %w", pgErr("40001", "ERROR")), false, true, false, "40001"},
		{"ErrBadConn", driver.ErrBadConn, true, false, false, ""},
		{"wrapped ErrBadConn", fmt.Errorf("x: %w", driver.ErrBadConn), true, false, false, ""},
		{"pgconn conn closed", pgconn.ErrConnClosed, true, false, false, ""},
		{"EOF", io.EOF, true, false, false, ""},
		{"unexpected EOF", fmt.Errorf("receive message failed: %w", io.ErrUnexpectedEOF), true, false, false, ""},
		{"net.ErrClosed", net.ErrClosed, true, false, false, ""},
		{"reset", opErr("read", syscall.ECONNRESET), true, false, false, ""},
		{"broken pipe", opErr("write", syscall.EPIPE), true, false, false, ""},
		{"refused", opErr("dial", syscall.ECONNREFUSED), true, false, false, ""},
		{"bare errno", syscall.ECONNRESET, true, false, false, ""},
		{"read deadline", &net.OpError{Op: "read", Net: "tcp", Err: os.ErrDeadlineExceeded}, false, false, false, ""},
		{"context canceled", context.Canceled, false, false, false, ""},
		{"deadline", fmt.Errorf("timeout: %w", context.DeadlineExceeded), false, false, false, ""},
		{"deadline around a closed conn", errors.Join(context.DeadlineExceeded, io.ErrUnexpectedEOF), false, false, false, ""},
	}
	d := postgresql.Dialect{}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := d.IsDisconnect(tt.err); got != tt.disconnect {
				t.Errorf("IsDisconnect = %v, want %v", got, tt.disconnect)
			}
			if got := d.IsSerializationFailure(tt.err); got != tt.retry {
				t.Errorf("IsSerializationFailure = %v, want %v", got, tt.retry)
			}
			if got := d.IsUniqueViolation(tt.err); got != tt.dup {
				t.Errorf("IsUniqueViolation = %v, want %v", got, tt.dup)
			}
			if got := d.ErrorCode(tt.err); got != tt.code {
				t.Errorf("ErrorCode = %q, want %q", got, tt.code)
			}
		})
	}
}

// TestRealConnectErrors makes pgx fail to connect, for real, without a server.
func TestRealConnectErrors(t *testing.T) {
	cleanEnv(t)
	ctx := context.Background()

	// Nothing listens: ECONNREFUSED inside a *pgconn.ConnectError.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	refused := l.Addr().(*net.TCPAddr).Port
	l.Close()

	// Something listens and hangs up at once: EOF during the handshake.
	hangup, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			c, err := hangup.Accept()
			if err != nil {
				return
			}
			c.Close()
		}
	}()
	t.Cleanup(func() { hangup.Close(); <-done })

	for _, tt := range []struct {
		name string
		port int
	}{{"refused", refused}, {"hang up", hangup.Addr().(*net.TCPAddr).Port}} {
		t.Run(tt.name, func(t *testing.T) {
			u := dialect.MustParseURL(fmt.Sprintf("postgresql://u:pw-SECRET@127.0.0.1:%d/db?sslmode=disable&connect_timeout=5", tt.port))
			c, err := (postgresql.Dialect{}).Connector(u, nil)
			if err != nil {
				t.Fatal(err)
			}
			db := sql.OpenDB(c)
			defer db.Close()
			err = db.PingContext(ctx)
			var ce *pgconn.ConnectError
			if !errors.As(err, &ce) {
				t.Fatalf("ping: %v (%T), want a *pgconn.ConnectError", err, err)
			}
			if !postgresql.IsDisconnect(err) {
				t.Errorf("IsDisconnect(%v) = false", err)
			}
			if strings.Contains(err.Error(), "SECRET") {
				t.Errorf("error shows the password: %v", err)
			}
			if postgresql.IsSerializationFailure(err) || postgresql.ErrorCode(err) != "" {
				t.Errorf("misclassified: %v", err)
			}
		})
	}
}
