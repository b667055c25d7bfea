package dialect

import "strings"

// Quoter quotes identifiers for one dialect: it is a ready implementation of
// Dialect.QuoteIdentifier that concrete dialects embed or call.
//
// An identifier is left bare when it is a legal unquoted name (a letter or underscore,
// then letters, digits, underscores or dollars), is not a reserved word and, when
// LowerCaseOnly is set, has no upper-case letter (PostgreSQL folds bare names to lower
// case, so a mixed-case name must be quoted to keep its case). Otherwise it is wrapped
// in Open and Close, with every Close inside it doubled so that no name can end its
// quotes early.
type Quoter struct {
	// Open and Close are the quote characters: `"` `"`, "`" "`", or "[" "]".
	Open, Close byte
	// Reserved holds the dialect's reserved words, in lower case.
	Reserved map[string]bool
	// LowerCaseOnly quotes any name with an upper-case letter.
	LowerCaseOnly bool
}

// QuoteIdentifier returns name quoted when it must be, and as it is otherwise.
func (q Quoter) QuoteIdentifier(name string) string {
	if q.legalBare(name) {
		return name
	}
	return q.Quote(name)
}

// Quote always quotes name, doubling each closing quote character inside it.
func (q Quoter) Quote(name string) string {
	var b strings.Builder
	b.Grow(len(name) + 2)
	b.WriteByte(q.Open)
	for i := 0; i < len(name); i++ {
		c := name[i]
		if c == q.Close {
			b.WriteByte(c)
		}
		b.WriteByte(c)
	}
	b.WriteByte(q.Close)
	return b.String()
}

func (q Quoter) legalBare(name string) bool {
	if name == "" {
		return false
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		switch {
		case c >= 'a' && c <= 'z', c == '_':
		case c >= 'A' && c <= 'Z':
			if q.LowerCaseOnly {
				return false
			}
		case (c >= '0' && c <= '9') || c == '$':
			if i == 0 {
				return false
			}
		default:
			return false
		}
	}
	return !q.Reserved[strings.ToLower(name)]
}

// Words builds a reserved-word set from a space-separated list.
func Words(list string) map[string]bool {
	m := make(map[string]bool)
	for _, w := range strings.Fields(list) {
		m[strings.ToLower(w)] = true
	}
	return m
}
