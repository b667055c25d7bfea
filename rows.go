package alchemy

import (
	"database/sql"
	"fmt"
)

// rowReader is what a Result reads its rows through: database/sql's *sql.Rows
// (sqlRows), or the rows of a dialect's native path (nativeRows), which scan
// by database/sql's rules as well. Result's logic is written once, against it.
type rowReader interface {
	Next() bool
	Scan(dest ...any) error
	Err() error
	Close() error
	Columns() ([]string, error)
	// typeNames returns the columns' database type names ("INT4", "BYTEA").
	typeNames() []string
}

// sqlRows is database/sql's rows as a rowReader.
type sqlRows struct{ *sql.Rows }

func (r sqlRows) typeNames() []string {
	types, err := r.ColumnTypes()
	if err != nil {
		return nil
	}
	names := make([]string, len(types))
	for i, t := range types {
		names[i] = t.DatabaseTypeName()
	}
	return names
}

// scanCurrent scans the current row of rows into dest. It calls the concrete Scan
// of each kind of rows, not the interface's, so that dest does not escape: the
// slice a caller's variadic Scan(&a, &b) makes stays on its stack.
func scanCurrent(rows rowReader, dest []any) error {
	switch rr := rows.(type) {
	case sqlRows:
		return rr.Rows.Scan(dest...)
	case *nativeRows:
		return rr.Scan(dest...)
	}
	return fmt.Errorf("alchemy: scan: rows of unknown kind %T", rows)
}
