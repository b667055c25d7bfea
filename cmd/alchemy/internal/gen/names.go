package gen

import (
	"strconv"
	"strings"
	"unicode"
)

// initialisms are the words Go writes in capitals (as golint's list has them).
var initialisms = map[string]bool{
	"ACL": true, "API": true, "ASCII": true, "CPU": true, "CSS": true, "DNS": true, "EOF": true, "GUID": true,
	"HTML": true, "HTTP": true, "HTTPS": true, "ID": true, "IP": true, "JSON": true, "QPS": true, "RAM": true,
	"RPC": true, "SLA": true, "SMTP": true, "SQL": true, "SSH": true, "TCP": true, "TLS": true, "TTL": true,
	"UDP": true, "UI": true, "UID": true, "UUID": true, "URI": true, "URL": true, "UTF8": true, "VM": true,
	"XML": true, "XMPP": true, "XSRF": true, "XSS": true,
}

// goName turns a SQL name into an exported Go identifier: user_id and userId are
// UserID, post_tags PostTags, "order items" OrderItems. A name that does not start with a
// letter that has a capital gets prefix before it (2fa is T2fa with prefix T).
func goName(sqlName, prefix string) string {
	var words []string
	for _, w := range strings.FieldsFunc(sqlName, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) {
		words = append(words, camelWords(w)...)
	}
	var b strings.Builder
	for _, w := range words {
		if up := strings.ToUpper(w); initialisms[up] {
			b.WriteString(up)
			continue
		}
		r := []rune(w)
		r[0] = unicode.ToUpper(r[0])
		b.WriteString(string(r))
	}
	s := b.String()
	if s == "" || !unicode.IsUpper([]rune(s)[0]) {
		s = prefix + s
	}
	return s
}

// camelWords splits a camelCase word where a lower-case letter meets an upper-case
// one: userId is user and Id.
func camelWords(w string) []string {
	var words []string
	r := []rune(w)
	start := 0
	for i := 1; i < len(r); i++ {
		if unicode.IsLower(r[i-1]) && unicode.IsUpper(r[i]) {
			words = append(words, string(r[start:i]))
			start = i
		}
	}
	return append(words, string(r[start:]))
}

// names hands out identifiers, each once.
type names map[string]bool

// take returns base, or base followed by the first number that makes it free,
// and marks it taken.
func (n names) take(base string) string {
	name := base
	for i := 2; n[name]; i++ {
		name = base + strconv.Itoa(i)
	}
	n[name] = true
	return name
}

// takeAll returns the first of base, base2, ... for which every suffix in
// suffixes makes a free name (base, NewBase and BaseRow for a table), and marks
// them taken.
func (n names) takeAll(base string, affixes ...[2]string) string {
	name := base
	for i := 2; ; i++ {
		free := true
		for _, a := range affixes {
			if n[a[0]+name+a[1]] {
				free = false
				break
			}
		}
		if free {
			break
		}
		name = base + strconv.Itoa(i)
	}
	for _, a := range affixes {
		n[a[0]+name+a[1]] = true
	}
	return name
}

// tableFields are the names a field of a table struct may not have: the embedded
// *expr.Table itself and the methods it gives the struct that a field would hide
// (users.Select() must stay callable). Name is not one: expr's own example hides
// it with a column.
var tableFields = []string{"Table", "Alias", "C", "Columns", "Delete", "Describe", "Insert", "MetaData", "Select", "String", "UnionAll", "Update"}
