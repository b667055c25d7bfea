package dialect

import (
	"errors"
	"fmt"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
)

// This file holds what every concrete dialect needs to read its connection options:
// a Setting (one option as the caller gave it, from the URL query or from connect
// arguments), readers that turn its value into a bool, a whole number, a duration or
// a name, one error type that names the option and never shows a secret, and a table
// of named options with aliases.

// ErrInvalidOption is wrapped by every OptionError: errors.Is(err, ErrInvalidOption)
// tells an option the dialect refused from a failure to connect.
var ErrInvalidOption = errors.New("alchemy: invalid connection option")

// Origin says where a Setting came from, for messages.
type Origin int

const (
	// FromEither is an option whose origin is not told apart: a dialect that merges
	// the query and the connect arguments before it checks them.
	FromEither Origin = iota
	// FromQuery is an option of the URL query.
	FromQuery
	// FromArgs is a connect argument.
	FromArgs
)

// String returns "option", "query option" or "connect argument".
func (o Origin) String() string {
	switch o {
	case FromQuery:
		return "query option"
	case FromArgs:
		return "connect argument"
	}
	return "option"
}

// OptionError is an error about one option. Its message is
//
//	alchemy: <dialect>: <origin> "<key>": <what is wrong>
//
// as in `alchemy: mysql: query option "parseTime": want a boolean ..., not "maybe"`.
// It wraps ErrInvalidOption and the cause, if the cause wraps an error.
type OptionError struct {
	Dialect string // the dialect's name, as "mysql"
	Origin  Origin
	Key     string // the option's name as the caller spelled it
	Err     error  // what is wrong; never holds a secret value
}

func (e *OptionError) Error() string {
	return fmt.Sprintf("alchemy: %s: %s %q: %v", e.Dialect, e.Origin, e.Key, e.Err)
}

// Unwrap returns ErrInvalidOption and the cause.
func (e *OptionError) Unwrap() []error { return []error{ErrInvalidOption, e.Err} }

// Setting is one option as the caller gave it: a string from the URL query, or a
// value of any type from connect arguments. Its readers (Text, NonEmpty, Bool, Int,
// Port, Duration) return an *OptionError naming the option when the value does not
// fit; a Secret value is never shown.
type Setting struct {
	Dialect string // the dialect's name, which starts every message
	Key     string // as spelled by the caller
	Value   any
	Origin  Origin
	Secret  bool // hide Value from messages
}

// Settings lists the options that u's query and the connect arguments give, for the
// dialect named dialectName: one Setting per query key, in key order, holding the
// key's last value ("" for a key without one), then one per connect argument, in key
// order. Names are as the caller spelled them; matching them to options, and telling
// which are secret, is the caller's.
func Settings(dialectName string, u URL, connectArgs map[string]any) []Setting {
	out := make([]Setting, 0, len(u.Query)+len(connectArgs))
	for _, k := range slices.Sorted(maps.Keys(u.Query)) {
		v := ""
		if vs := u.Query[k]; len(vs) > 0 {
			v = vs[len(vs)-1]
		}
		out = append(out, Setting{Dialect: dialectName, Key: k, Value: v, Origin: FromQuery})
	}
	for _, k := range slices.Sorted(maps.Keys(connectArgs)) {
		out = append(out, Setting{Dialect: dialectName, Key: k, Value: connectArgs[k], Origin: FromArgs})
	}
	return out
}

// Errorf returns an *OptionError about s. format and a are fmt.Errorf's, so %w
// wraps a cause. Show the value with Shown, never with %v, so that a secret stays
// hidden.
func (s Setting) Errorf(format string, a ...any) error {
	return &OptionError{Dialect: s.Dialect, Origin: s.Origin, Key: s.Key, Err: fmt.Errorf(format, a...)}
}

// Shown renders the value for a message: a string quoted, another value with its
// type, as `5 (int)`, and a secret as "(hidden)".
func (s Setting) Shown() string {
	if s.Secret {
		return "(hidden)"
	}
	if str, ok := s.Value.(string); ok {
		return strconv.Quote(str)
	}
	return fmt.Sprintf("%v (%T)", s.Value, s.Value)
}

// Text returns a string value; any other type is an error.
func (s Setting) Text() (string, error) {
	v, ok := s.Value.(string)
	if !ok {
		return "", s.Errorf("want a string, not %T", s.Value)
	}
	return v, nil
}

// NonEmpty is Text, and an empty string is an error too.
func (s Setting) NonEmpty() (string, error) {
	v, err := s.Text()
	if err == nil && v == "" {
		err = s.Errorf("is empty")
	}
	return v, err
}

// ParseBool reads the spellings of a boolean that URLs use, in any case: 1, t, true,
// y, yes, on and 0, f, false, n, no, off. It does not trim spaces. ok is false for
// anything else.
func ParseBool(s string) (v, ok bool) {
	switch strings.ToLower(s) {
	case "1", "t", "true", "y", "yes", "on":
		return true, true
	case "0", "f", "false", "n", "no", "off":
		return false, true
	}
	return false, false
}

// Bool reads a Go bool, the int 0 or 1, or a string that ParseBool reads, around
// spaces.
func (s Setting) Bool() (bool, error) {
	switch v := s.Value.(type) {
	case bool:
		return v, nil
	case int:
		if v == 0 || v == 1 {
			return v == 1, nil
		}
	case string:
		if b, ok := ParseBool(strings.TrimSpace(v)); ok {
			return b, nil
		}
	}
	return false, s.Errorf("want a boolean (true/false, 1/0, yes/no, on/off), not %s", s.Shown())
}

// Int reads a whole number: a decimal string, around spaces, or a Go int, int32,
// int64 (that fits an int), uint16 or uint32.
func (s Setting) Int() (int, error) {
	switch v := s.Value.(type) {
	case int:
		return v, nil
	case int32:
		return int(v), nil
	case int64:
		if v >= math.MinInt && v <= math.MaxInt {
			return int(v), nil
		}
	case uint16:
		return int(v), nil
	case uint32:
		return int(v), nil
	case string:
		if n, err := strconv.Atoi(strings.TrimSpace(v)); err == nil {
			return n, nil
		}
	}
	return 0, s.Errorf("want a whole number, not %s", s.Shown())
}

// Port is Int, from 1 to 65535. The number is returned with a range error too.
func (s Setting) Port() (int, error) {
	n, err := s.Int()
	if err == nil && (n < 1 || n > 65535) {
		err = s.Errorf("port %d is not from 1 to 65535", n)
	}
	return n, err
}

// SecondsSyntax says which spellings of a bare number of seconds Setting.Duration
// reads from a string.
type SecondsSyntax int

const (
	// AnySeconds reads what strconv.ParseFloat reads: "30", "2.5", ".5", "+5", "1e3".
	AnySeconds SecondsSyntax = iota
	// DecimalSeconds reads plain decimals only, as PyMySQL does: "10", "2.5", "-1".
	// Anything else must be a Go duration.
	DecimalSeconds
)

// maxSeconds bounds a number of seconds, well inside time.Duration's range.
const maxSeconds = 1e9

// Duration reads a time.Duration; seconds as a Go int, int64 or float64; or a
// string of seconds (in syntax) or a Go duration ("1m30s"). It may not be negative.
func (s Setting) Duration(syntax SecondsSyntax) (time.Duration, error) {
	var d time.Duration
	ok := false
	switch v := s.Value.(type) {
	case time.Duration:
		d, ok = v, true
	case int:
		d, ok = time.Duration(v)*time.Second, true
	case int64:
		d, ok = time.Duration(v)*time.Second, true
	case float64:
		if math.Abs(v) < maxSeconds { // false for NaN and the infinities
			d, ok = time.Duration(v*float64(time.Second)), true
		}
	case string:
		t := strings.TrimSpace(v)
		if f, err := strconv.ParseFloat(t, 64); err == nil && (syntax == AnySeconds || IsDecimal(t)) {
			if math.Abs(f) < maxSeconds {
				d, ok = time.Duration(f*float64(time.Second)), true
			}
		} else if pd, err := time.ParseDuration(t); err == nil {
			d, ok = pd, true
		}
	}
	if !ok {
		return 0, s.Errorf("want seconds (10, 2.5) or a Go duration (1m30s), not %s", s.Shown())
	}
	if d < 0 {
		return 0, s.Errorf("may not be negative")
	}
	return d, nil
}

// IsDecimal reports whether s is a plain decimal number: an optional "-", digits,
// and at most one "." with digits on both sides, as "60", "-1" or "0.5".
func IsDecimal(s string) bool {
	t := strings.TrimPrefix(s, "-")
	if t == "" {
		return false
	}
	dot := false
	for i := 0; i < len(t); i++ {
		switch c := t[i]; {
		case c >= '0' && c <= '9':
		case c == '.' && !dot && i > 0 && i < len(t)-1:
			dot = true
		default:
			return false
		}
	}
	return true
}

// FormatArg renders a connect argument of a basic type as the string its option
// would have in a URL query: a string as it is, a bool as "true" or "false", an
// integer in decimal and a float in the shortest form that reads back the same.
// ok is false for any other type, time.Duration included: its spelling depends on
// the option.
func FormatArg(v any) (s string, ok bool) {
	switch x := v.(type) {
	case string:
		return x, true
	case bool:
		return strconv.FormatBool(x), true
	case int, int8, int16, int32, int64, uint, uint8, uint16, uint32, uint64:
		return fmt.Sprint(x), true
	case float32:
		return strconv.FormatFloat(float64(x), 'f', -1, 32), true
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64), true
	}
	return "", false
}

// Option is one named connection option of a dialect whose options change a
// builder of type B.
type Option[B any] struct {
	Name    string   // the spelling the dialect's Options reports
	Aliases []string // other names for it
	Secret  bool     // its value is never shown in a message
	Apply   func(b B, s Setting) error
}

// OptionSet is a dialect's table of options, found by any of their names after fold
// (strings.ToLower, for one). It is read-only once built, so safe for concurrent use.
type OptionSet[B any] struct {
	options []*Option[B]
	fold    func(string) string
	lookup  map[string]*Option[B]
	byName  map[string]*Option[B]
}

// NewOptionSet builds the table. It panics if two options fold to one name: that
// is a bug in the dialect.
func NewOptionSet[B any](fold func(string) string, options ...*Option[B]) *OptionSet[B] {
	t := &OptionSet[B]{
		options: options,
		fold:    fold,
		lookup:  make(map[string]*Option[B]),
		byName:  make(map[string]*Option[B]),
	}
	for _, o := range options {
		t.byName[o.Name] = o
		for _, n := range append([]string{o.Name}, o.Aliases...) {
			k := fold(n)
			if prev, dup := t.lookup[k]; dup && prev != o {
				panic("dialect: options " + prev.Name + " and " + o.Name + " share the name " + k)
			}
			t.lookup[k] = o
		}
	}
	return t
}

// Lookup finds the option that key names, in any of its spellings.
func (t *OptionSet[B]) Lookup(key string) (*Option[B], bool) {
	o, ok := t.lookup[t.fold(key)]
	return o, ok
}

// Get returns the option whose Name is name, or nil.
func (t *OptionSet[B]) Get(name string) *Option[B] { return t.byName[name] }

// Names returns every option's name and aliases, unsorted.
func (t *OptionSet[B]) Names() []string {
	var names []string
	for _, o := range t.options {
		names = append(names, o.Name)
		names = append(names, o.Aliases...)
	}
	return names
}
