package expr

import (
	"database/sql"
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"github.com/go-alchemy/alchemy/dialect"
	"github.com/go-alchemy/alchemy/internal/dbfields"
)

// Params binds values by name: Params{"id": 5}.
type Params map[string]any

// Compiled is a statement compiled for one dialect and server version: its SQL with
// numbered placeholders, whether it returns rows, and how to bind the caller's
// arguments (Bind). It holds no argument values, so one Compiled serves every
// execution of its statement: an engine caches it. It is immutable and safe for
// concurrent use.
type Compiled struct {
	// SQL is the statement in the dialect's paramstyle.
	SQL string
	// Style is the paramstyle of SQL.
	Style dialect.Paramstyle
	// ReturnsRows reports whether the statement returns rows: as it stated, or
	// guessed from SQL for the dialect when it stated nothing.
	ReturnsRows bool
	// Columns are the names of the columns the statement stated it returns, or nil.
	// The Compiled may be shared through a cache: never modify it.
	Columns []string
	// NeedsVersion reports that the statement asked for a server feature
	// (Compiler.Require) while the server's version was not known, and was let
	// through: compile it again once the version is known.
	NeedsVersion bool

	plan bindPlan
}

// bindPlan is how arguments become driver values.
type bindPlan struct {
	names  []string       // distinct binds, in placeholder-number order
	args   []string       // the names the caller gives values for, in order of first appearance
	index  map[string]int // caller's name → index in names
	refs   []int          // per placeholder: index in names
	repeat bool           // some bind has several placeholders
	fixed  []bool         // per bind: its value is values[i], or the statement's value lit[i]; nil when none is
	values []any
	argPos []int // per bind: the position of its caller's value (with fixed only)
	lit    []int // per bind: the index of its value among the statement's own (Prepared), or -1; nil when none is
	nlit   int   // how many values of the statement's own it reads
	pure   bool  // every bind is a value of the statement's own (lit), nothing else is set
}

// BindNames returns the names the caller gives values for, in order of first
// appearance (the order of positional arguments).
func (c *Compiled) BindNames() []string { return slices.Clone(c.plan.args) }

// Bind returns the driver's arguments, in placeholder order, for the caller's args:
//
//   - nothing, for a statement without binds;
//   - one Params or map[string]any, by name (other map types are single positional values);
//   - one struct or pointer to struct, bound by field: a `db:"name"` tag names the field,
//     an untagged exported field binds as its name in lower snake_case (UserID → user_id),
//     `db:"-"` and unexported fields are skipped, embedded structs are flattened (Go's
//     rules pick between equal names: the shallowest, then the only tagged one). Fields
//     that no bind uses are ignored. A struct the driver takes as one value (time.Time,
//     a driver.Valuer or sql.Scanner such as sql.NullString) is a positional value
//     instead; to bind another struct as one value, name it with Params or sql.Named;
//   - sql.NamedArg values (sql.Named("id", 5)), by name;
//   - positional values, one per distinct bind name in order of first appearance.
//
// With the Question paramstyle a name that occurs twice has its value twice; with
// Dollar and AtP each name is bound once and every occurrence refers to its number. A
// bind without a value, a value for no bind (except struct fields) and a wrong
// number of positional values are errors wrapping ErrBindParameter. A statement
// without binds gives nil; positional values may share args' backing array.
func (c *Compiled) Bind(args []any) ([]any, error) { return c.bind(nil, args) }

// bind is Bind, with the values the statement carries (Prepared) in vals.
func (c *Compiled) bind(vals, args []any) ([]any, error) {
	p := &c.plan
	if len(vals) < p.nlit {
		return nil, fmt.Errorf("%w: the statement carries %d values, its compiled form needs %d", ErrBindParameter, len(vals), p.nlit)
	}
	if p.pure {
		if len(args) > 0 {
			return nil, fmt.Errorf("%w count: got %d arguments, the statement has no binds of the caller's (its values are its own)", ErrBindParameter, len(args))
		}
		if c.Style.Numbered() || !p.repeat {
			out := make([]any, len(p.lit))
			for i, l := range p.lit {
				out[i] = vals[l]
			}
			return out, nil
		}
		out := make([]any, len(p.refs))
		for i, r := range p.refs {
			out[i] = vals[p.lit[r]]
		}
		return out, nil
	}
	style := c.Style
	if len(args) == 0 && len(p.args) > 0 {
		return nil, p.missingError(0, func(string) (any, bool) { return nil, false })
	}
	if len(args) == 0 && len(p.names) > 0 {
		return p.fill(style, vals, func(int, string) (any, bool) { return nil, false })
	}
	if len(args) == 1 {
		switch a := args[0].(type) {
		case Params:
			return p.fromMap(style, vals, a)
		case map[string]any:
			return p.fromMap(style, vals, a)
		case sql.NamedArg:
			return p.fromNamed(style, vals, args)
		}
		if v, ok := dbfields.Arg(args[0]); ok {
			return p.fromStruct(style, vals, v)
		}
	}
	named := 0
	for _, a := range args {
		switch a.(type) {
		case sql.NamedArg:
			named++
		case Params, map[string]any:
			return nil, fmt.Errorf("%w: a %T must be the only argument, got %d arguments",
				ErrBindParameter, a, len(args))
		}
	}
	if named > 0 {
		if named < len(args) {
			return nil, fmt.Errorf("%w: %d sql.NamedArg values mixed with %d positional values",
				ErrBindParameter, named, len(args)-named)
		}
		return p.fromNamed(style, vals, args)
	}
	return p.fromPositional(style, vals, args)
}

// fromPositional binds one value per distinct name, in order of first appearance.
func (p *bindPlan) fromPositional(style dialect.Paramstyle, vals, args []any) ([]any, error) {
	if len(args) != len(p.args) {
		return nil, fmt.Errorf("%w count: got %d positional values, the SQL has %d distinct binds%s",
			ErrBindParameter, len(args), len(p.args), p.listNames())
	}
	if len(p.names) == 0 {
		return nil, nil
	}
	if p.fixed == nil {
		if style.Numbered() || !p.repeat {
			return args[:len(args):len(args)], nil
		}
		return p.fill(style, vals, func(i int, _ string) (any, bool) { return args[i], true })
	}
	return p.fill(style, vals, func(i int, _ string) (any, bool) { return args[p.argPos[i]], true })
}

// listNames returns " (a, b)" naming the binds, or "".
func (p *bindPlan) listNames() string {
	if len(p.args) == 0 {
		return ""
	}
	return " (" + strings.Join(p.args, ", ") + ")"
}

// fromMap binds by name from m; a key that names no bind is an error.
func (p *bindPlan) fromMap(style dialect.Paramstyle, vals []any, m map[string]any) ([]any, error) {
	out, err := p.fill(style, vals, func(_ int, name string) (any, bool) {
		v, ok := m[name]
		return v, ok
	})
	if err != nil {
		return nil, err
	}
	if len(m) > len(p.args) { // every name was found, so some key is extra
		var extra []string
		for k := range m {
			if _, ok := p.index[k]; !ok {
				extra = append(extra, k)
			}
		}
		return nil, extraError(extra)
	}
	return out, nil
}

// fromNamed binds by name from sql.NamedArg values.
func (p *bindPlan) fromNamed(style dialect.Paramstyle, vals, args []any) ([]any, error) {
	var extra []string
	for i, a := range args {
		name := a.(sql.NamedArg).Name
		if name == "" {
			return nil, fmt.Errorf("%w: sql.NamedArg number %d has no name", ErrBindParameter, i+1)
		}
		for _, b := range args[:i] {
			if b.(sql.NamedArg).Name == name {
				return nil, fmt.Errorf("%w %q is given twice", ErrBindParameter, name)
			}
		}
		if _, ok := p.index[name]; !ok {
			extra = append(extra, name)
		}
	}
	out, err := p.fill(style, vals, func(_ int, name string) (any, bool) {
		for _, a := range args {
			if na := a.(sql.NamedArg); na.Name == name {
				return na.Value, true
			}
		}
		return nil, false
	})
	if err != nil {
		return nil, err
	}
	if len(extra) > 0 {
		return nil, extraError(extra)
	}
	return out, nil
}

// fill builds the driver arguments in placeholder order, the caller's values from
// get, given the index of the bind in names and its name.
func (p *bindPlan) fill(style dialect.Paramstyle, vals []any, get func(i int, name string) (any, bool)) ([]any, error) {
	if len(p.names) == 0 {
		return nil, nil
	}
	value := func(i int) (any, error) {
		if p.fixed != nil && p.fixed[i] {
			if p.lit != nil && p.lit[i] >= 0 {
				return vals[p.lit[i]], nil
			}
			return p.values[i], nil
		}
		v, ok := get(i, p.names[i])
		if !ok {
			return nil, p.missingError(slices.Index(p.args, p.names[i]), func(name string) (any, bool) {
				return get(p.index[name], name)
			})
		}
		return v, nil
	}
	if style.Numbered() || !p.repeat {
		out := make([]any, len(p.names))
		for i := range p.names {
			v, err := value(i)
			if err != nil {
				return nil, err
			}
			out[i] = v
		}
		return out, nil
	}
	out := make([]any, len(p.refs))
	for i, ref := range p.refs {
		v, err := value(ref)
		if err != nil {
			return nil, err
		}
		out[i] = v
	}
	return out, nil
}

// missingError names the bind args[first], which has no value, and any later ones.
func (p *bindPlan) missingError(first int, get func(string) (any, bool)) error {
	var more []string
	for _, name := range p.args[first+1:] {
		if _, ok := get(name); !ok {
			more = append(more, strconv.Quote(name))
		}
	}
	if len(more) > 0 {
		return fmt.Errorf("%w %q has no value (nor have %s)", ErrBindParameter, p.args[first], strings.Join(more, ", "))
	}
	return fmt.Errorf("%w %q has no value", ErrBindParameter, p.args[first])
}

// extraError names values given for names that the SQL does not bind.
func extraError(names []string) error {
	slices.Sort(names)
	if len(names) == 1 {
		return fmt.Errorf("%w %q has a value but the SQL has no such bind", ErrBindParameter, names[0])
	}
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = strconv.Quote(n)
	}
	return fmt.Errorf("%w %s have values but the SQL has no such binds", ErrBindParameter, strings.Join(q, ", "))
}

// fromStruct binds by the fields of the struct v; unused fields are ignored.
func (p *bindPlan) fromStruct(style dialect.Paramstyle, vals []any, v reflect.Value) ([]any, error) {
	if v.Kind() == reflect.Pointer {
		if v.IsNil() {
			return nil, fmt.Errorf("%w: cannot bind from a nil %s", ErrBindParameter, v.Type())
		}
		v = v.Elem()
	}
	fields := dbfields.Of(v.Type())
	for _, name := range p.args {
		if fields.Ambiguous[name] {
			return nil, fmt.Errorf("%w %q is ambiguous: %s has several fields of that name at the same depth",
				ErrBindParameter, name, v.Type())
		}
	}
	return p.fill(style, vals, func(_ int, name string) (any, bool) {
		index, ok := fields.ByName[name]
		if !ok {
			return nil, false
		}
		f := v
		for _, i := range index {
			if f.Kind() == reflect.Pointer {
				if f.IsNil() {
					return nil, false // inside a nil embedded pointer
				}
				f = f.Elem()
			}
			f = f.Field(i)
		}
		return f.Interface(), true
	})
}
