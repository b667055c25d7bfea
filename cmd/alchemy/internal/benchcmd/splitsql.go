package benchcmd

import (
	"strings"
)

// splitSQL splits a script into statements at the semicolons that are not
// inside quotes ('...', "...", `...`), comments (-- to the end of the line,
// /* */) or PostgreSQL dollar quotes ($$...$$, $tag$...$tag$). Statements
// holding nothing but blanks and comments are dropped; the others are
// trimmed.
func splitSQL(src string) []string {
	var out []string
	start := 0
	emit := func(end int) {
		q := strings.TrimSpace(src[start:end])
		if q != "" && !onlyComments(q) {
			out = append(out, q)
		}
	}
	for i := 0; i < len(src); {
		switch c := src[i]; {
		case c == '\'' || c == '"' || c == '`':
			i = skipQuoted(src, i, c)
		case c == '-' && strings.HasPrefix(src[i:], "--"):
			i = skipLine(src, i)
		case c == '/' && strings.HasPrefix(src[i:], "/*"):
			i = skipBlock(src, i)
		case c == '$':
			i = skipDollar(src, i)
		case c == ';':
			emit(i)
			i++
			start = i
		default:
			i++
		}
	}
	emit(len(src))
	return out
}

// skipQuoted returns the index past the quote opened at i; a doubled quote
// stays inside.
func skipQuoted(src string, i int, q byte) int {
	for j := i + 1; j < len(src); j++ {
		if src[j] == q {
			if j+1 < len(src) && src[j+1] == q {
				j++
				continue
			}
			return j + 1
		}
	}
	return len(src)
}

func skipLine(src string, i int) int {
	if j := strings.IndexByte(src[i:], '\n'); j >= 0 {
		return i + j + 1
	}
	return len(src)
}

func skipBlock(src string, i int) int {
	if j := strings.Index(src[i+2:], "*/"); j >= 0 {
		return i + 2 + j + 2
	}
	return len(src)
}

// skipDollar returns the index past a dollar-quoted string opened at i, or
// i+1 when the $ opens none ($1, a $ inside a name).
func skipDollar(src string, i int) int {
	if i > 0 && isWordByte(src[i-1]) {
		return i + 1
	}
	j := i + 1
	for j < len(src) && src[j] != '$' {
		if !isWordByte(src[j]) || (j == i+1 && src[j] >= '0' && src[j] <= '9') {
			return i + 1
		}
		j++
	}
	if j >= len(src) {
		return i + 1
	}
	tag := src[i : j+1]
	if k := strings.Index(src[j+1:], tag); k >= 0 {
		return j + 1 + k + len(tag)
	}
	return len(src)
}

func isWordByte(c byte) bool {
	return c == '_' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= 0x80
}

// onlyComments reports whether q holds nothing but comments and blanks.
func onlyComments(q string) bool {
	for i := 0; i < len(q); {
		switch {
		case strings.HasPrefix(q[i:], "--"):
			i = skipLine(q, i)
		case strings.HasPrefix(q[i:], "/*"):
			i = skipBlock(q, i)
		case q[i] == ' ' || q[i] == '\t' || q[i] == '\n' || q[i] == '\r':
			i++
		default:
			return false
		}
	}
	return true
}
