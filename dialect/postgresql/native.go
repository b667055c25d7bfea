package postgresql

import (
	"context"
	"database/sql/driver"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/go-alchemy/alchemy/dialect"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgtype"
)

var _ dialect.Native = Dialect{}

// NativePath reports whether an engine for u runs its statements on the pgx
// connection itself (the default), rather than through database/sql's Rows
// (the URL option native=false). Both give the same values, errors and
// behaviour; the native path costs fewer allocations and instructions per
// statement.
func (Dialect) NativePath(u dialect.URL) bool {
	for k, vs := range u.Query {
		if strings.EqualFold(k, "native") && len(vs) > 0 {
			on, _ := dialect.ParseBool(vs[len(vs)-1]) // validated by Connector
			return on
		}
	}
	return true
}

// NativeConn returns the native side of a pgx connection: driverConn is the
// *stdlib.Conn that sql.Conn.Raw hands out.
func (Dialect) NativeConn(driverConn any) (dialect.NativeConn, error) {
	pc, err := pgxConn(driverConn)
	if err != nil {
		return nil, fmt.Errorf("alchemy: postgresql: %w", err)
	}
	return &nativeConn{pc: pc}, nil
}

// resultFormats asks for the result formats pgx's database/sql adapter asks for
// (binary for these types, text for the others), so that the native path decodes
// the same bytes the same way.
var resultFormats = pgx.QueryResultFormatsByOID{
	pgtype.BoolOID: 1, pgtype.ByteaOID: 1, pgtype.CIDOID: 1, pgtype.DateOID: 1,
	pgtype.Float4OID: 1, pgtype.Float8OID: 1, pgtype.Int2OID: 1, pgtype.Int4OID: 1,
	pgtype.Int8OID: 1, pgtype.OIDOID: 1, pgtype.TimestampOID: 1,
	pgtype.TimestamptzOID: 1, pgtype.XIDOID: 1,
}

// nativeConn runs statements as pgx's database/sql adapter (stdlib.Conn) does,
// with the same pgx calls and the same errors, but hands the rows out without
// wrapping them per statement: its Rows is reused from one query to the next.
type nativeConn struct {
	pc   *pgx.Conn
	args []any // resultFormats and the statement's arguments, reused
	rows nativeRows
}

// Query runs the statement and reads its first row, as the adapter does, so
// that an error in it is the statement's error.
func (c *nativeConn) Query(ctx context.Context, query string, args []any) (dialect.Rows, error) {
	if c.pc.IsClosed() {
		return nil, driver.ErrBadConn
	}
	c.args = append(append(c.args[:0], resultFormats), args...)
	rows, err := c.pc.Query(ctx, query, c.args...)
	clear(c.args) // holds no argument past the call
	if err != nil {
		if pgconn.SafeToRetry(err) {
			return nil, driver.ErrBadConn
		}
		return nil, err
	}
	more := rows.Next()
	if err := rows.Err(); err != nil {
		rows.Close()
		return nil, err
	}
	r := &c.rows
	if r.rows != nil { // still open: the caller broke the one-Rows rule; do not share
		r = &nativeRows{}
	}
	r.start(c.pc.TypeMap(), rows, more)
	return r, nil
}

// Exec runs a statement without rows.
func (c *nativeConn) Exec(ctx context.Context, query string, args []any) (driver.Result, error) {
	if c.pc.IsClosed() {
		return nil, driver.ErrBadConn
	}
	tag, err := c.pc.Exec(ctx, query, args...)
	if err != nil {
		if pgconn.SafeToRetry(err) {
			return nil, driver.ErrBadConn
		}
		return nil, err
	}
	return driver.RowsAffected(tag.RowsAffected()), nil
}

// decoding is how one column's bytes become the value database/sql is given.
type decoding uint8

const (
	asString decoding = iota // any type the adapter gives as text
	asBool
	asBytes // bytea, json, jsonb, xml
	asUint32
	asDate
	asFloat4
	asFloat8
	asInt2
	asInt4
	asInt8
	asTimestamp
	asTimestamptz
)

type column struct {
	dec  decoding
	plan pgtype.ScanPlan
}

// nativeRows decodes each column into the value pgx's database/sql adapter
// gives for it (int64 for the integers, float64, bool, time.Time, []byte,
// string), planned once per query.
type nativeRows struct {
	m       *pgtype.Map
	rows    pgx.Rows
	cols    []column
	first   bool // the first row was read by Query
	more    bool // and whether there was one
	planned bool
	scratch struct { // the decoding targets, here so that decoding allocates nothing of its own
		b    bool
		by   []byte
		u32  pgtype.Uint32
		date pgtype.Date
		f4   float32
		f8   float64
		i2   int16
		i4   int32
		i8   int64
		ts   pgtype.Timestamp
		tstz pgtype.Timestamptz
		s    string
	}
}

func (r *nativeRows) start(m *pgtype.Map, rows pgx.Rows, more bool) {
	r.m, r.rows, r.first, r.more, r.planned = m, rows, true, more, false
	r.cols = r.cols[:0]
}

// NumColumns returns the number of columns.
func (r *nativeRows) NumColumns() int { return len(r.rows.FieldDescriptions()) }

// Columns returns the column names, in a slice of their own.
func (r *nativeRows) Columns() []string {
	fds := r.rows.FieldDescriptions()
	names := make([]string, len(fds))
	for i, fd := range fds {
		names[i] = fd.Name
	}
	return names
}

// ColumnTypeDatabaseTypeName returns the column's type name in upper case, or
// its OID when pgx does not know the type, as the adapter does.
func (r *nativeRows) ColumnTypeDatabaseTypeName(i int) string {
	oid := r.rows.FieldDescriptions()[i].DataTypeOID
	if t, ok := r.m.TypeForOID(oid); ok {
		return strings.ToUpper(t.Name)
	}
	return strconv.FormatInt(int64(oid), 10)
}

// Close closes the rows and returns the error that ended them, if any.
func (r *nativeRows) Close() error {
	if r.rows == nil {
		return nil
	}
	rows := r.rows
	r.rows = nil
	rows.Close()
	return rows.Err()
}

// Next reads the next row into dest.
func (r *nativeRows) Next(dest []driver.Value) error {
	if r.rows == nil {
		return io.EOF
	}
	more := r.more
	if r.first {
		r.first = false
	} else {
		more = r.rows.Next()
	}
	if !more {
		if err := r.rows.Err(); err != nil {
			return err
		}
		return io.EOF
	}
	if !r.planned {
		r.plan()
	}
	for i, raw := range r.rows.RawValues() {
		if raw == nil {
			dest[i] = nil
			continue
		}
		v, err := r.decode(i, raw)
		if err != nil {
			return fmt.Errorf("convert field %d failed: %w", i, err)
		}
		dest[i] = v
	}
	return nil
}

// plan chooses each column's decoding and pgx's scan plan for it.
func (r *nativeRows) plan() {
	r.planned = true
	s := &r.scratch
	for _, fd := range r.rows.FieldDescriptions() {
		var dec decoding
		var target any
		switch fd.DataTypeOID {
		case pgtype.BoolOID:
			dec, target = asBool, &s.b
		case pgtype.ByteaOID, pgtype.JSONOID, pgtype.JSONBOID, pgtype.XMLOID:
			dec, target = asBytes, &s.by
		case pgtype.CIDOID, pgtype.OIDOID, pgtype.XIDOID:
			dec, target = asUint32, &s.u32
		case pgtype.DateOID:
			dec, target = asDate, &s.date
		case pgtype.Float4OID:
			dec, target = asFloat4, &s.f4
		case pgtype.Float8OID:
			dec, target = asFloat8, &s.f8
		case pgtype.Int2OID:
			dec, target = asInt2, &s.i2
		case pgtype.Int4OID:
			dec, target = asInt4, &s.i4
		case pgtype.Int8OID:
			dec, target = asInt8, &s.i8
		case pgtype.TimestampOID:
			dec, target = asTimestamp, &s.ts
		case pgtype.TimestamptzOID:
			dec, target = asTimestamptz, &s.tstz
		default:
			dec, target = asString, &s.s
		}
		r.cols = append(r.cols, column{dec: dec, plan: r.m.PlanScan(fd.DataTypeOID, fd.Format, target)})
	}
}

// decode turns column i's bytes into its database/sql value.
func (r *nativeRows) decode(i int, raw []byte) (driver.Value, error) {
	s := &r.scratch
	c := r.cols[i]
	switch c.dec {
	case asBool:
		err := c.plan.Scan(raw, &s.b)
		return s.b, err
	case asBytes:
		s.by = nil
		err := c.plan.Scan(raw, &s.by)
		v := s.by
		s.by = nil
		if err != nil {
			return nil, err
		}
		return v, nil
	case asUint32:
		if err := c.plan.Scan(raw, &s.u32); err != nil {
			return nil, err
		}
		return s.u32.Value()
	case asDate:
		if err := c.plan.Scan(raw, &s.date); err != nil {
			return nil, err
		}
		return s.date.Value()
	case asFloat4:
		err := c.plan.Scan(raw, &s.f4)
		return float64(s.f4), err
	case asFloat8:
		err := c.plan.Scan(raw, &s.f8)
		return s.f8, err
	case asInt2:
		err := c.plan.Scan(raw, &s.i2)
		return int64(s.i2), err
	case asInt4:
		err := c.plan.Scan(raw, &s.i4)
		return int64(s.i4), err
	case asInt8:
		err := c.plan.Scan(raw, &s.i8)
		return s.i8, err
	case asTimestamp:
		if err := c.plan.Scan(raw, &s.ts); err != nil {
			return nil, err
		}
		return s.ts.Value()
	case asTimestamptz:
		if err := c.plan.Scan(raw, &s.tstz); err != nil {
			return nil, err
		}
		return s.tstz.Value()
	}
	err := c.plan.Scan(raw, &s.s)
	v := s.s
	s.s = ""
	return v, err
}
