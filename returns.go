package alchemy

// returnsRows decides whether to run a statement as a query (rows) or an exec
// (RowsAffected): the statement's own word when it has one, else its SQL.
func returnsRows(stmt Executable, query string) bool {
	if rr, ok := stmt.(RowsReturner); ok {
		return rr.ReturnsRows()
	}
	return sqlReturnsRows(query)
}

// rowWords are the first words of statements that return rows.
var rowWords = []string{"select", "with", "values", "show", "pragma", "explain", "describe", "desc", "table", "call", "exec", "execute", "fetch"}

// sqlReturnsRows looks at the first word of query, past spaces and comments, and
// for a RETURNING or OUTPUT clause in an INSERT, UPDATE or DELETE.
func sqlReturnsRows(query string) bool {
	i := skipSpaceAndComments(query, 0)
	j := i
	for j < len(query) && isWordByte(query[j]) {
		j++
	}
	first := query[i:j]
	for _, w := range rowWords {
		if equalFoldASCII(first, w) {
			return true
		}
	}
	switch {
	case equalFoldASCII(first, "insert"), equalFoldASCII(first, "update"),
		equalFoldASCII(first, "delete"), equalFoldASCII(first, "merge"), equalFoldASCII(first, "replace"):
		return containsWord(query, "returning") || containsWord(query, "output")
	}
	return false
}

func skipSpaceAndComments(s string, i int) int {
	for i < len(s) {
		switch {
		case s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r' || s[i] == '(':
			i++
		case s[i] == '-' && i+1 < len(s) && s[i+1] == '-':
			for i < len(s) && s[i] != '\n' {
				i++
			}
		case s[i] == '/' && i+1 < len(s) && s[i+1] == '*':
			i += 2
			for i+1 < len(s) && !(s[i] == '*' && s[i+1] == '/') {
				i++
			}
			i += 2
		default:
			return i
		}
	}
	return len(s)
}

func isWordByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_'
}

func equalFoldASCII(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		x, y := a[i], b[i]
		if x >= 'A' && x <= 'Z' {
			x += 'a' - 'A'
		}
		if x != y {
			return false
		}
	}
	return true
}

// containsWord reports whether word (lower case) appears in s as a whole word, in
// any case, outside single-quoted literals.
func containsWord(s, word string) bool {
	inQuote := false
	for i := 0; i+len(word) <= len(s); i++ {
		if s[i] == '\'' {
			inQuote = !inQuote
			continue
		}
		if inQuote || (i > 0 && isWordByte(s[i-1])) {
			continue
		}
		if equalFoldASCII(s[i:i+len(word)], word) && (i+len(word) == len(s) || !isWordByte(s[i+len(word)])) {
			return true
		}
	}
	return false
}
