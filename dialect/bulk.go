package dialect

import (
	"context"
	"errors"
)

// RowSource yields the rows of a bulk load one at a time, in the shape of pgx's
// CopyFromSource: Next advances to the next row and reports whether there is one,
// Values returns the current row's values, one for each column loaded and in the
// order of the columns, and Err reports the error that made Next return false
// early, nil when the rows simply ran out.
//
// A loader may call a source's methods from a goroutine other than the one that
// called the loader (pgx does), though never two at once, and it is done with the
// source when it returns. It is done with a row's values when it next calls Next,
// so a source may hand out the same slice, refilled, for every row.
type RowSource interface {
	// Next advances to the next row; false when there is none or on an error.
	Next() bool
	// Values returns the current row. An error stops the load.
	Values() ([]any, error)
	// Err returns the error, if any, that ended the rows; it stops the load.
	Err() error
}

// BulkLoader is an optional interface of a Dialect whose driver loads many rows
// faster than a multi-row INSERT can, as PostgreSQL's COPY does, and whose database
// can hand out the values of an autoincrementing key before the rows exist (a
// sequence), so that a unit of work learns the keys of new rows first and loads
// them, keys filled in, in one stream.
//
// Both methods take the driver's connection as database/sql's Conn.Raw hands it out
// (alchemy's Conn.Raw gives the same, on the connection the Conn has reserved), and
// work on it: inside its transaction when one is open. A driverConn of another
// driver, or nil, is an error, never a panic. table and column names are given as
// they are, unquoted; the dialect quotes them (every name is quoted, so its case is
// kept). schema "" means the table is found on the connection's search path.
type BulkLoader interface {
	// ReserveKeys takes n values from the sequence behind the column of table (an
	// autoincrementing key: a serial or identity column) and returns them in
	// ascending order. They are the caller's to use: no other session gets them, and
	// they are spent even if the transaction rolls back. Other sessions drawing on
	// the same sequence at the same time may leave gaps between them. n of 0 gives
	// an empty slice without asking the server; a negative n is an error. A column
	// with no sequence behind it is an error naming the table and the column, with
	// ErrNoKeySequence in its chain.
	ReserveKeys(ctx context.Context, driverConn any, schema, table, column string, n int) ([]int64, error)

	// CopyRows loads the rows of src into the columns of table, in one statement,
	// and returns the number of rows loaded. Every row of src must hold one value
	// for each column, in order; nil is NULL. The statement is all or nothing: on an
	// error no row of it is kept. The error names the table; an error of src itself
	// (from Values or Err) is in its chain, for errors.Is and errors.As.
	//
	// A failure inside a transaction leaves it failed, as any failed statement
	// does where the database aborts the transaction (PostgreSQL): the caller rolls
	// it back. When ctx ends during the load the driver may close the connection to
	// stop it; the dialect's documentation says what its driver does.
	CopyRows(ctx context.Context, driverConn any, schema, table string, columns []string, src RowSource) (int64, error)
}

// ErrNoKeySequence is in the chain of the error BulkLoader.ReserveKeys returns for
// a column that has no sequence behind it, so that a caller can fall back to
// letting the database fill in the keys as it inserts.
var ErrNoKeySequence = errors.New("no sequence behind the column")

// SliceRows returns a RowSource over rows, each one row's values.
func SliceRows(rows [][]any) RowSource {
	return FuncRows(len(rows), func(i int) ([]any, error) { return rows[i], nil })
}

// FuncRows returns a RowSource of n rows, row i being what row(i) returns; row is
// called by Next, once for each i, in order. An error from row ends the rows and is
// the source's Err.
func FuncRows(n int, row func(i int) ([]any, error)) RowSource {
	return &funcRows{n: n, row: row, i: -1}
}

type funcRows struct {
	n, i int
	row  func(int) ([]any, error)
	cur  []any
	err  error
}

func (r *funcRows) Next() bool {
	if r.err != nil || r.i+1 >= r.n {
		return false
	}
	r.i++
	r.cur, r.err = r.row(r.i)
	return r.err == nil
}

func (r *funcRows) Values() ([]any, error) {
	if r.i < 0 || r.i >= r.n {
		return nil, errors.New("alchemy: dialect: Values called with no current row")
	}
	return r.cur, nil
}

func (r *funcRows) Err() error { return r.err }
