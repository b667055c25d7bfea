// Package dbfields names the fields of Go structs by their db tags, for both floors
// that need it: binding a struct's values to a statement (expr) and scanning rows
// into structs (the root package).
package dbfields

import (
	"database/sql"
	"database/sql/driver"
	"reflect"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode"
)

var (
	timeType    = reflect.TypeFor[time.Time]()
	valuerType  = reflect.TypeFor[driver.Valuer]()
	scannerType = reflect.TypeFor[sql.Scanner]()
)

// Arg reports whether a is a struct, or a pointer to one, to bind by field: one
// that the driver does not take as a single value.
func Arg(a any) (reflect.Value, bool) {
	switch a.(type) {
	case nil, int, int64, int32, uint, uint64, float64, bool, string, []byte,
		time.Time, *time.Time, driver.Valuer:
		return reflect.Value{}, false
	}
	t := reflect.TypeOf(a)
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct || IsValueType(t) {
		return reflect.Value{}, false
	}
	return reflect.ValueOf(a), true
}

// IsValueType reports whether the struct type t is a value for the driver rather than
// a set of fields.
func IsValueType(t reflect.Type) bool {
	p := reflect.PointerTo(t)
	return t == timeType || p.Implements(valuerType) || p.Implements(scannerType)
}

// Fields maps bind names to the field index paths of one struct type.
type Fields struct {
	// ByName maps a name to the index path of its field.
	ByName map[string][]int
	// Ambiguous holds the names of several fields at the same depth, none tagged alone.
	Ambiguous map[string]bool
}

// structCache holds a *Fields per reflect.Type.
var structCache sync.Map

// Of returns the bindable fields of the struct type t.
func Of(t reflect.Type) *Fields {
	if f, ok := structCache.Load(t); ok {
		return f.(*Fields)
	}
	type candidate struct {
		index  []int
		tagged bool
	}
	// candidates per name at the shallowest depth seen so far, as encoding/json does.
	depthOf := map[string]int{}
	cands := map[string][]candidate{}
	var walk func(t reflect.Type, index []int, visiting []reflect.Type)
	walk = func(t reflect.Type, index []int, visiting []reflect.Type) {
		if slices.Contains(visiting, t) {
			return
		}
		visiting = append(visiting, t)
		for i := range t.NumField() {
			sf := t.Field(i)
			tag := sf.Tag.Get("db")
			if tag == "-" {
				continue
			}
			name, _, _ := strings.Cut(tag, ",")
			path := append(slices.Clip(index), i)
			if sf.Anonymous && name == "" {
				ft := sf.Type
				if ft.Kind() == reflect.Pointer {
					ft = ft.Elem()
				}
				if ft.Kind() == reflect.Struct && !IsValueType(ft) {
					walk(ft, path, visiting)
					continue
				}
			}
			if !sf.IsExported() {
				continue
			}
			tagged := name != ""
			if !tagged {
				name = SnakeCase(sf.Name)
			}
			d, seen := depthOf[name]
			switch {
			case !seen || len(path) < d:
				depthOf[name] = len(path)
				cands[name] = []candidate{{path, tagged}}
			case len(path) == d:
				cands[name] = append(cands[name], candidate{path, tagged})
			}
		}
	}
	walk(t, nil, nil)
	f := &Fields{ByName: map[string][]int{}, Ambiguous: map[string]bool{}}
	for name, cs := range cands {
		if len(cs) == 1 {
			f.ByName[name] = cs[0].index
			continue
		}
		var tagged []candidate
		for _, c := range cs {
			if c.tagged {
				tagged = append(tagged, c)
			}
		}
		if len(tagged) == 1 {
			f.ByName[name] = tagged[0].index
		} else {
			f.Ambiguous[name] = true
		}
	}
	got, _ := structCache.LoadOrStore(t, f)
	return got.(*Fields)
}

// SnakeCase turns a Go field name into lower snake_case: UserID → user_id,
// HTTPServer → http_server, CreatedAt → created_at.
func SnakeCase(s string) string {
	r := []rune(s)
	var b strings.Builder
	b.Grow(len(s) + 4)
	for i, c := range r {
		if unicode.IsUpper(c) {
			if i > 0 && (unicode.IsLower(r[i-1]) || unicode.IsDigit(r[i-1]) ||
				unicode.IsUpper(r[i-1]) && i+1 < len(r) && unicode.IsLower(r[i+1])) {
				b.WriteByte('_')
			}
			c = unicode.ToLower(c)
		}
		b.WriteRune(c)
	}
	return b.String()
}
