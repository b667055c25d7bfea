package dialect

import "strconv"

// Paramstyle is the way a driver marks bind parameters in SQL text.
type Paramstyle int

const (
	// Question marks every parameter with "?" (SQLite, MySQL).
	Question Paramstyle = iota
	// Dollar numbers parameters from 1 as "$1", "$2" (PostgreSQL).
	Dollar
	// AtP numbers parameters from 1 as "@p1", "@p2" (SQL Server).
	AtP
)

// String names the style as SQLAlchemy does.
func (p Paramstyle) String() string {
	switch p {
	case Question:
		return "qmark"
	case Dollar:
		return "numeric_dollar"
	case AtP:
		return "named_at_p"
	}
	return "Paramstyle(" + strconv.Itoa(int(p)) + ")"
}

// Placeholder returns the marker of the n-th parameter, counted from 1.
func (p Paramstyle) Placeholder(n int) string {
	return string(p.AppendPlaceholder(nil, n))
}

// AppendPlaceholder appends the marker of the n-th parameter, counted from 1, to buf.
func (p Paramstyle) AppendPlaceholder(buf []byte, n int) []byte {
	switch p {
	case Dollar:
		return strconv.AppendInt(append(buf, '$'), int64(n), 10)
	case AtP:
		return strconv.AppendInt(append(buf, '@', 'p'), int64(n), 10)
	}
	return append(buf, '?')
}

// Numbered reports whether each placeholder names its position, so that one value
// may be bound once and referred to many times.
func (p Paramstyle) Numbered() bool { return p == Dollar || p == AtP }
