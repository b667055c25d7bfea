package mysql

import (
	"context"
	"errors"
	"io"
	"net"
	"sync/atomic"
	"syscall"
	"time"
)

// quitWait bounds how long closing a connection waits for the server to end the
// session after COM_QUIT: long enough for a server that answers, short enough that
// a slow or broken network does not hold the caller up.
const quitWait = 200 * time.Millisecond

// quitWaitDial dials as the driver would, and wraps the connection so that a
// graceful close waits for the server to end the session.
func quitWaitDial(ctx context.Context, network, addr string) (net.Conn, error) {
	var d net.Dialer
	c, err := d.DialContext(ctx, network, addr)
	if err != nil {
		return nil, err
	}
	if tc, ok := c.(*net.TCPConn); ok { // as the driver's own dialer does
		_ = tc.SetKeepAlive(true)
	}
	return &quitWaitConn{Conn: c}, nil
}

// quitWaitConn is a connection to the server that, when closed right after the
// driver sent COM_QUIT, waits (at most quitWait) until the server has closed its end:
// the server has then ended the session, so a pool that counts a connection until
// its Close returns never has more sessions on the server than it allows. A close
// without COM_QUIT (a statement cut off by its context, where the server may still
// be running it) does not wait. Over TLS the command cannot be seen and nothing waits.
type quitWaitConn struct {
	net.Conn
	quit atomic.Bool
}

// comQuit is the whole COM_QUIT packet: payload length 1, sequence 0, command 0x01.
var comQuit = [5]byte{1, 0, 0, 0, 1}

func (c *quitWaitConn) Write(b []byte) (int, error) {
	c.quit.Store(len(b) == len(comQuit) && [5]byte(b) == comQuit)
	return c.Conn.Write(b)
}

func (c *quitWaitConn) Close() error {
	if c.quit.Load() {
		if hc, ok := c.Conn.(interface{ CloseWrite() error }); ok {
			_ = hc.CloseWrite()
		}
		_ = c.Conn.SetReadDeadline(time.Now().Add(quitWait))
		_, _ = io.Copy(io.Discard, c.Conn) // ends at the server's close (or the deadline)
	}
	return c.Conn.Close()
}

// SyscallConn hands out the socket, which the driver's liveness check reads.
func (c *quitWaitConn) SyscallConn() (syscall.RawConn, error) {
	sc, ok := c.Conn.(syscall.Conn)
	if !ok {
		return nil, errors.ErrUnsupported
	}
	return sc.SyscallConn()
}
