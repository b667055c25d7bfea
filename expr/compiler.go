package expr

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"sync"

	"github.com/go-alchemy/alchemy/dialect"
)

// Statement is anything that writes SQL into a Compiler: a TextClause, or a statement
// of the expression language. WriteSQL writes the statement's text and binds in
// order, nests fragments with Compiler.Write, and may state whether the statement
// returns rows (Compiler.SetReturnsRows). It must not keep the compiler.
type Statement interface {
	WriteSQL(c *Compiler) error
}

// CacheKeyer is an optional interface of a Statement whose compiled form may be
// cached. CacheKey returns a comparable value that is equal for two statements
// exactly when they compile to the same SQL, binds and rows for every dialect and
// server version (the cache adds those), or nil for "do not cache". A statement that
// binds values of its own (BindValue) must make them part of its key.
type CacheKeyer interface {
	CacheKey() any
}

// ErrBindParameter is wrapped by every error about bind parameters: a bind without a
// value, a value for no bind, a wrong number of positional values, SQL text that
// cannot be searched for binds (an unterminated quote or comment, or a placeholder
// written in the driver's own syntax), and a fragment whose bind collides with the
// statement's.
var ErrBindParameter = errors.New("alchemy: bind parameter")

// ErrUnsupported is wrapped by the error of a statement that asks for something the
// dialect or the connected server version does not have (Compiler.Require).
var ErrUnsupported = errors.New("alchemy: unsupported")

// Compiler is where a statement writes its SQL: it carries the dialect, the server's
// version (zero when unknown), the SQL written so far, and the binds in order.
// Placeholders are numbered only by Finish, so that a fragment (a Text, a subquery, a
// common table expression) nests anywhere: its binds are numbered in the whole
// statement. A Compiler is for one statement and one goroutine.
type Compiler struct {
	d       dialect.Dialect
	style   dialect.Paramstyle
	version dialect.Version

	buf   []byte
	cuts  []int  // per placeholder: its offset in buf
	refs  []int  // per placeholder: its bind's index in binds
	binds []bind // distinct binds, in order of first appearance
	index map[string]int
	fixed bool // some bind has a value of the statement's own

	rows         rowsMode
	columns      []string
	frags        []Statement // the fragments being written, outermost first
	noGuess      bool
	versionAsked bool // Require was asked without knowing the server's version

	flav    flavor // flavor(): known once asked
	flavSet bool
	dname   string    // the dialect's name, once asked
	prep    *Prepared // the values the statement carries, and where
	litBind []int     // per value of the statement's: its bind's index + 1, or 0
	scopes  []*scope  // the FROM clauses being written, innermost last
	bake    bool      // the statement's values go into the Compiled (Compile), not Prepared.Bind

	bareColumns bool   // columns unqualified: INSERT's list, UPDATE's SET, a compound's ORDER BY
	lockHint    bool   // SQL Server: tables get UPDLOCK hints
	lockMode    string // with lockHint: the SELECT's lock mode
	inWith      bool   // the WITH clause is being written, or was

	scratch []byte // Finish's numbering buffer, kept by a pooled compiler
	pooled  bool   // from compilerPool: Finish copies what the Compiled keeps
}

var compilerPool = sync.Pool{New: func() any { return new(Compiler) }}

// acquireCompiler returns a compiler from the pool, for compiles of this package
// (a Compiler handed to a caller, NewCompiler's, is never reused).
func acquireCompiler(d dialect.Dialect, v dialect.Version) *Compiler {
	c := compilerPool.Get().(*Compiler)
	c.d, c.version, c.pooled = d, v, true
	if d != nil {
		c.style = d.Paramstyle()
	}
	if c.buf == nil {
		c.buf = make([]byte, 0, 256)
	}
	return c
}

// releaseCompiler returns c to the pool, keeping only its buffers.
func releaseCompiler(c *Compiler) {
	if cap(c.buf) > 16<<10 || cap(c.binds) > 1024 {
		return
	}
	clear(c.binds)
	clear(c.frags)
	scopes := c.scopes[:cap(c.scopes)] // kept, with their tables slices, for pushScope
	*c = Compiler{
		buf: c.buf[:0], cuts: c.cuts[:0], refs: c.refs[:0], binds: c.binds[:0],
		frags: c.frags[:0], scopes: scopes[:0], scratch: c.scratch[:0], litBind: c.litBind[:0],
	}
	compilerPool.Put(c)
}

// bind is one distinct bind of a statement.
type bind struct {
	name  string
	fixed bool // bound to value, not to the caller's arguments
	value any
	owner Statement // the fragment that bound it first, for errors
	top   bool      // owner is the statement itself
	lit   int       // with fixed: the index of the statement's own value (Prepared) plus one; 0 for value
}

// NewCompiler returns a compiler for dialect d and server version v (the zero
// Version when it is not known).
func NewCompiler(d dialect.Dialect, v dialect.Version) *Compiler {
	c := &Compiler{d: d, version: v, buf: make([]byte, 0, 256)}
	if d != nil {
		c.style = d.Paramstyle()
	}
	return c
}

// Compile compiles s for dialect d and server version v (zero when unknown).
func Compile(d dialect.Dialect, v dialect.Version, s Statement) (*Compiled, error) {
	if p := Prepare(s); p != nil {
		defer p.Release()
		if p.err != nil {
			return nil, p.err
		}
		return p.compile(d, v, true)
	}
	return compile(d, v, s, true, nil, false)
}

// compile is Compile; without guess, a statement that says nothing about rows is
// taken for one without (Render has no use for the guess). A statement of the
// expression language comes with its Prepared p, whose values go into the Compiled
// with bake, or are bound by Prepared.Bind without it.
func compile(d dialect.Dialect, v dialect.Version, s Statement, guess bool, p *Prepared, bake bool) (*Compiled, error) {
	if d == nil {
		return nil, fmt.Errorf("%w: compiling needs a dialect, got nil", ErrBindParameter)
	}
	if s == nil {
		return nil, errors.New("alchemy: compile of a nil statement")
	}
	c := acquireCompiler(d, v)
	defer releaseCompiler(c)
	c.prep, c.bake = p, bake
	c.frags = append(c.frags, s)
	if err := s.WriteSQL(c); err != nil {
		return nil, err
	}
	c.noGuess = !guess
	return c.Finish(), nil
}

// Dialect returns the dialect being compiled for.
func (c *Compiler) Dialect() dialect.Dialect { return c.d }

// Version returns the server's version: the zero Version when it is not known.
func (c *Compiler) Version() dialect.Version { return c.version }

// Paramstyle returns the dialect's placeholder style.
func (c *Compiler) Paramstyle() dialect.Paramstyle { return c.style }

// WriteString writes SQL text.
func (c *Compiler) WriteString(s string) { c.buf = append(c.buf, s...) }

// WriteByte writes one byte of SQL text.
func (c *Compiler) WriteByte(b byte) error { c.buf = append(c.buf, b); return nil }

// WriteIdent writes name quoted as the dialect wants it.
func (c *Compiler) WriteIdent(name string) { c.WriteString(c.d.QuoteIdentifier(name)) }

// Write writes the fragment s (a Text, a subquery) at this point: its binds become
// binds of the whole statement, numbered in it. What the fragment states about rows
// is the outer statement's business and is ignored. An error of the fragment names
// it.
func (c *Compiler) Write(s Statement) error {
	if s == nil {
		return errors.New("alchemy: a nil fragment")
	}
	c.frags = append(c.frags, s)
	err := s.WriteSQL(c)
	c.frags = c.frags[:len(c.frags)-1]
	if err != nil && !errors.Is(err, errNamed) {
		return fmt.Errorf("%w (in fragment %s)", err, fragmentName(s))
	}
	return err
}

// errNamed marks an error that already names its fragment.
var errNamed = errors.New("")

// nested reports whether a fragment is being written.
func (c *Compiler) nested() bool { return len(c.frags) > 1 }

// fragment names what is being written, for errors.
func (c *Compiler) fragment() string {
	if len(c.frags) == 0 {
		return "the statement"
	}
	if len(c.frags) == 1 {
		return "the statement " + fragmentName(c.frags[0])
	}
	return "fragment " + fragmentName(c.frags[len(c.frags)-1])
}

// Bind writes a placeholder for the bind name, whose value comes from the caller's
// arguments (by name, or by position in order of first appearance). The same name
// bound again by the statement or any fragment of it is the same bind: one value,
// given once. A name that the statement bound to a value of its own (BindValue) is
// an error naming the fragment.
func (c *Compiler) Bind(name string) error { return c.addBind(bind{name: name}) }

// BindValue writes a placeholder for the bind name with value v, carried by the
// statement itself rather than the caller's arguments. The name must not be bound
// elsewhere in the statement, unless to the very same comparable value; a collision
// is an error naming the fragment.
func (c *Compiler) BindValue(name string, v any) error {
	return c.addBind(bind{name: name, fixed: true, value: v})
}

func (c *Compiler) addBind(b bind) error {
	if b.name == "" {
		return fmt.Errorf("%w: a bind needs a name (in %s)", ErrBindParameter, c.fragment())
	}
	i, ok := c.index[b.name]
	if ok {
		if err := c.collides(c.binds[i], b); err != nil {
			return err
		}
	} else {
		if c.index == nil {
			c.index = map[string]int{}
		}
		i = len(c.binds)
		c.index[b.name] = i
		b.owner, b.top = c.frags[len(c.frags)-1], len(c.frags) == 1
		c.binds = append(c.binds, b)
		c.fixed = c.fixed || b.fixed
	}
	c.cuts = append(c.cuts, len(c.buf))
	c.refs = append(c.refs, i)
	return nil
}

// collides returns the error for binding b under the name of old, or nil when they
// are the same bind.
func (c *Compiler) collides(old, b bind) error {
	var why string
	switch {
	case !old.fixed && !b.fixed:
		return nil // both the caller's value of that name
	case old.fixed && b.fixed:
		if t := reflect.TypeOf(old.value); t == reflect.TypeOf(b.value) && (t == nil || t.Comparable()) && old.value == b.value {
			return nil
		}
		why = "a different value"
	case old.fixed:
		why = "the caller's value, where the first is bound to a value of the statement's own"
	default:
		why = "a value of its own, where the first takes the caller's value"
	}
	return fmt.Errorf("%w %q of %s collides with the bind of that name in %s: it binds %s%w",
		ErrBindParameter, b.name, c.fragment(), ownerName(old), why, errNamed)
}

// SetReturnsRows states whether the statement returns rows and, if given, the names of
// its columns. Only the outermost statement's word counts; a statement that says
// nothing is guessed from its SQL (see TextClause.ReturnsRows).
func (c *Compiler) SetReturnsRows(rows bool, columns ...string) {
	if c.nested() {
		return
	}
	c.rows, c.columns = rowsNone, nil
	if rows {
		c.rows, c.columns = rowsReturned, columns
	}
}

// Require refuses a server that lacks a feature: ok is given the server's version
// (zero when unknown) and reports whether the feature is there; when it is not, the
// error, wrapping ErrUnsupported, names the feature, the dialect and the version.
// A predicate should accept an unknown version when the dialect may have the
// feature, and let the server decide.
func (c *Compiler) Require(feature string, ok func(v dialect.Version) bool) error {
	if c.version == (dialect.Version{}) {
		c.versionAsked = true
	}
	if ok(c.version) {
		return nil
	}
	name := "<nil>"
	if c.d != nil {
		name = c.d.Name()
	}
	ver := "of unknown version"
	switch {
	case c.version.Raw != "":
		ver = c.version.Raw
	case c.version != (dialect.Version{}):
		ver = c.version.String()
	}
	return fmt.Errorf("%w: %s (in %s) is not supported by %s server %s%w",
		ErrUnsupported, feature, c.fragment(), name, ver, errNamed)
}

// Finish numbers the placeholders and returns the compiled statement. The compiler
// is spent.
func (c *Compiler) Finish() *Compiled {
	out := &Compiled{Style: c.style, NeedsVersion: c.versionAsked}
	if len(c.cuts) == 0 {
		out.SQL = string(c.buf)
	} else {
		n := len(c.buf) + 4*len(c.cuts)
		buf := c.scratch[:0]
		if cap(buf) < n {
			buf = make([]byte, 0, n)
		}
		numbered := c.style.Numbered()
		prev := 0
		for i, cut := range c.cuts {
			buf = append(buf, c.buf[prev:cut]...)
			prev = cut
			if numbered {
				buf = c.style.AppendPlaceholder(buf, c.refs[i]+1)
			} else {
				buf = c.style.AppendPlaceholder(buf, i+1)
			}
		}
		buf = append(buf, c.buf[prev:]...)
		out.SQL = string(buf)
		c.scratch = buf
	}
	switch c.rows {
	case rowsReturned:
		out.ReturnsRows, out.Columns = true, c.columns
	case rowsUnstated:
		out.ReturnsRows = !c.noGuess && guessReturnsRows(syntaxOf(c.d), out.SQL)
	}
	out.plan = c.plan()
	return out
}

// plan returns how to bind arguments to the binds written.
func (c *Compiler) plan() bindPlan {
	refs := c.refs
	var lit []int
	if c.pooled { // refs and lit in one allocation
		ints := make([]int, len(refs)+len(c.binds))
		copy(ints, refs)
		refs, lit = ints[:len(refs):len(refs)], ints[len(refs):]
	}
	p := bindPlan{refs: refs, repeat: len(c.refs) > len(c.binds)}
	if c.prep != nil && !c.bake {
		p.nlit = len(c.prep.k.vals)
		if len(c.index) == 0 && len(c.binds) > 0 { // every bind is a value of the statement's own
			p.pure = true
			p.lit = lit
			if p.lit == nil {
				p.lit = make([]int, len(c.binds))
			}
			for i, b := range c.binds {
				p.lit[i] = b.lit - 1
			}
			return p
		}
	}
	if len(c.binds) == 0 {
		return p
	}
	p.names = make([]string, len(c.binds))
	for i, b := range c.binds {
		p.names[i] = b.name // "" for a value of the statement's own
	}
	if !c.fixed {
		p.args, p.index = p.names, c.index
		return p
	}
	p.values = make([]any, len(c.binds))
	p.fixed = make([]bool, len(c.binds))
	p.argPos = make([]int, len(c.binds))
	if len(c.index) > 0 {
		p.index = make(map[string]int, len(c.index))
	}
	if len(c.litBind) > 0 && !c.bake {
		p.lit = make([]int, len(c.binds))
	}
	for i, b := range c.binds {
		if p.lit != nil {
			p.lit[i] = b.lit - 1
		}
		if b.fixed {
			p.values[i], p.fixed[i] = b.value, true
			if b.lit > 0 && c.bake {
				p.values[i] = c.prep.k.vals[b.lit-1]
			}
			continue
		}
		p.index[b.name] = i
		p.argPos[i] = len(p.args)
		p.args = append(p.args, b.name)
	}
	return p
}

// fragmentName names a statement in errors: Text("select ...") for a Text, its type
// otherwise.
func fragmentName(s Statement) string {
	if t, ok := s.(*TextClause); ok {
		q := t.sql
		if len(q) > 60 {
			q = strings.ToValidUTF8(q[:57], "") + "..."
		}
		return fmt.Sprintf("Text(%q)", q)
	}
	if d, ok := s.(interface{ describe() string }); ok {
		return d.describe()
	}
	return fmt.Sprintf("%T", s)
}

// ownerName names the fragment that bound b first.
func ownerName(b bind) string {
	if b.top {
		return "the statement " + fragmentName(b.owner)
	}
	return "fragment " + fragmentName(b.owner)
}
