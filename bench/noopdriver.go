package bench

import (
	"context"
	"database/sql/driver"
	"errors"
)

// NoopConnector is a database/sql connector whose connections do nothing, so
// that a benchmark measures database/sql's pool alone.
type NoopConnector struct{}

// Connect returns a connection that does nothing.
func (NoopConnector) Connect(context.Context) (driver.Conn, error) { return noopConn{}, nil }

// Driver returns the connector's driver.
func (NoopConnector) Driver() driver.Driver { return noopDriver{} }

type noopDriver struct{}

func (noopDriver) Open(string) (driver.Conn, error) { return noopConn{}, nil }

type noopConn struct{}

var errNotSupported = errors.New("bench: noop driver runs no statements")

func (noopConn) Prepare(string) (driver.Stmt, error) { return nil, errNotSupported }
func (noopConn) Close() error                        { return nil }
func (noopConn) Begin() (driver.Tx, error)           { return nil, errNotSupported }
