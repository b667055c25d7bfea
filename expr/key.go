package expr

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/maphash"
	"reflect"
	"slices"
	"sync"

	"github.com/go-alchemy/alchemy/dialect"
	"github.com/go-alchemy/alchemy/internal/mapkey"
)

// keyer is implemented by the expression language's statements and their parts:
// appendKey writes the part's shape into k, and the values it carries, in the order
// it visits them. Two parts that write the same key compile to the same SQL.
type keyer interface {
	appendKey(k *keyWriter)
}

// keyWriter builds a statement's structural cache key (the same shape with other
// values gives the same key) and collects the values the statement carries.
type keyWriter struct {
	buf   []byte
	extra []any // comparable cache keys of foreign statements, with their types
	vals  []any // the statement's values, in key order
	nodes []litNode
	index map[any]int // node → its index in nodes, once nodes is long
	err   error       // a value that could not be converted for its column
	noKey bool        // some part cannot be keyed: compile each time
}

// litNode is a part of the statement that carries values: its first value's index in
// vals.
type litNode struct {
	node any
	base int
}

// op writes a one-byte tag.
func (k *keyWriter) op(b byte) { k.buf = append(k.buf, b) }

// str writes s, its length first.
func (k *keyWriter) str(s string) {
	k.buf = binary.AppendUvarint(k.buf, uint64(len(s)))
	k.buf = append(k.buf, s...)
}

// num writes n.
func (k *keyWriter) num(n int) { k.buf = binary.AppendVarint(k.buf, int64(n)) }

// flag writes a bool.
func (k *keyWriter) flag(b bool) {
	if b {
		k.op(1)
	} else {
		k.op(0)
	}
}

// values records that node carries vs. A node met again (a condition used twice) is
// written as a reference to its first place, so that statements whose parts are
// shared differently have different keys.
func (k *keyWriter) values(node any, vs ...any) {
	if k.begin(node) {
		k.num(len(vs)) // the count is part of the shape: In(1, 2) is not In(1, 2, 3)
		k.vals = append(k.vals, vs...)
	}
}

// begin records that node's values follow, appended to vals by the caller, and
// reports whether they do: a node met again is written as a reference instead
// (see values), and its values must not be appended again.
func (k *keyWriter) begin(node any) bool {
	if i, ok := k.find(node); ok {
		k.op('@')
		k.num(i)
		return false
	}
	k.op('$')
	k.add(node, len(k.vals))
	return true
}

// find returns the index of node in nodes.
func (k *keyWriter) find(node any) (int, bool) {
	if k.index != nil {
		i, ok := k.index[node]
		return i, ok
	}
	for i, n := range k.nodes {
		if n.node == node {
			return i, true
		}
	}
	return 0, false
}

func (k *keyWriter) add(node any, base int) {
	k.nodes = append(k.nodes, litNode{node, base})
	switch {
	case k.index != nil:
		k.index[node] = len(k.nodes) - 1
	case len(k.nodes) > 16:
		k.index = make(map[any]int, 32)
		for i, n := range k.nodes {
			k.index[n.node] = i
		}
	}
}

// expr writes the key of an expression.
func (k *keyWriter) expr(e Expression) {
	if e == nil {
		k.op(0)
		return
	}
	e.appendKey(k)
}

// part writes the key of a part that may not be the package's own.
func (k *keyWriter) part(s Statement) {
	switch p := s.(type) {
	case nil:
		k.op(0)
	case keyer:
		p.appendKey(k)
	case CacheKeyer:
		key := p.CacheKey()
		if !mapkey.Usable(key) {
			k.noKey = true
			return
		}
		k.op('X')
		k.extra = append(k.extra, reflect.TypeOf(s), key)
	default:
		k.noKey = true
	}
}

// fail records the first error of a value.
func (k *keyWriter) fail(err error) {
	if k.err == nil {
		k.err = err
	}
}

func (k *keyWriter) reset() {
	k.buf = k.buf[:0]
	clear(k.extra)
	k.extra = k.extra[:0]
	clear(k.vals)
	k.vals = k.vals[:0]
	clear(k.nodes)
	k.nodes = k.nodes[:0]
	k.index = nil
	k.err, k.noKey = nil, false
}

// Prepared is a statement of the expression language made ready to run: its cache
// key, which is the same for every statement of the same shape, and the values it
// carries, which are bound, never written into the SQL. An engine looks the key up
// in its cache of compiled statements, compiles on a miss (Compile), and binds this
// statement's values (Bind). Release it when the statement has run.
type Prepared struct {
	stmt Statement
	k    keyWriter
	err  error
}

var preparedPool = sync.Pool{New: func() any { return new(Prepared) }}

// Prepare returns s made ready to run, or nil when s is not a statement of the
// expression language: a TextClause, or a Statement that gives a CacheKey of its
// own; compile those with Compile, cached under their CacheKey.
func Prepare(s Statement) *Prepared {
	ks, ok := s.(keyer)
	if !ok {
		return nil
	}
	if _, own := s.(CacheKeyer); own { // a Text, or a type with a key of its own
		return nil
	}
	p := preparedPool.Get().(*Prepared)
	p.stmt = s
	switch s.(type) {
	case *SelectStmt, *InsertStmt, *UpdateStmt, *DeleteStmt:
	default: // a type that embeds one of them may write other SQL
		p.k.extra = append(p.k.extra, reflect.TypeOf(s))
	}
	ks.appendKey(&p.k)
	p.err = p.k.err
	return p
}

// Err returns the error of a value the statement carries that could not be
// converted for its column (a JSON value that does not marshal, say).
func (p *Prepared) Err() error { return p.err }

// Cacheable reports whether the compiled form may be cached under the key: false
// when some part of the statement is a Statement without a cache key.
func (p *Prepared) Cacheable() bool { return !p.k.noKey && p.err == nil }

// Hash returns the key's hash under seed.
func (p *Prepared) Hash(seed maphash.Seed) uint64 {
	var h maphash.Hash
	h.SetSeed(seed)
	h.Write(p.k.buf)
	for _, e := range p.k.extra {
		maphash.WriteComparable(&h, e)
	}
	return h.Sum64()
}

// Key returns the key, to be kept with the compiled form and compared (SameKey)
// when the hash matches.
func (p *Prepared) Key() PreparedKey {
	return PreparedKey{buf: string(p.k.buf), extra: append([]any(nil), p.k.extra...)}
}

// PreparedKey is a Prepared statement's cache key, kept by a cache.
type PreparedKey struct {
	buf   string
	extra []any
}

// SameKey reports whether p's key is key.
func (p *Prepared) SameKey(key PreparedKey) bool {
	if string(p.k.buf) != key.buf || len(p.k.extra) != len(key.extra) {
		return false
	}
	for i, e := range p.k.extra {
		if e != key.extra[i] {
			return false
		}
	}
	return true
}

// Compile compiles the statement for dialect d and server version v. The compiled
// form holds none of the statement's values: it serves every statement of the same
// key, each bound with Bind.
func (p *Prepared) Compile(d dialect.Dialect, v dialect.Version) (*Compiled, error) {
	if p.err != nil {
		return nil, p.err
	}
	return p.compile(d, v, false)
}

func (p *Prepared) compile(d dialect.Dialect, v dialect.Version, bake bool) (*Compiled, error) {
	return compile(d, v, p.stmt, true, p, bake)
}

// Bind returns the driver's arguments for compiled (Compile of a statement with the
// same key): the statement's own values, and the caller's args for the binds it
// leaves to them (a Text fragment's :name binds), as Compiled.Bind takes them.
func (p *Prepared) Bind(compiled *Compiled, args []any) ([]any, error) {
	if p.err != nil {
		return nil, p.err
	}
	return compiled.bind(p.k.vals, args)
}

// Release returns p to be reused; p must not be used after.
func (p *Prepared) Release() {
	p.stmt, p.err = nil, nil
	if cap(p.k.buf) > 64<<10 || cap(p.k.vals) > 4096 {
		p.k = keyWriter{}
	} else {
		p.k.reset()
	}
	preparedPool.Put(p)
}

// bindLit writes the placeholder of value number i of node, which the statement
// recorded in its key (keyWriter.values).
func (c *Compiler) bindLit(node any, i int) error {
	if c.prep == nil {
		return errors.New("alchemy: a statement of the expression language compiled without Prepare")
	}
	n, ok := c.prep.k.find(node)
	if !ok {
		return fmt.Errorf("alchemy: internal error: %T writes a value it did not key (in %s)", node, c.fragment())
	}
	idx := c.prep.k.nodes[n].base + i
	if len(c.litBind) == 0 {
		nv := len(c.prep.k.vals)
		c.litBind = slices.Grow(c.litBind[:0], nv)[:nv] // bind index + 1 per value; 0 for none yet
		clear(c.litBind)
		if c.binds == nil {
			c.binds = make([]bind, 0, nv)
			c.cuts = make([]int, 0, nv)
			c.refs = make([]int, 0, nv)
		}
	}
	if b := c.litBind[idx]; b > 0 {
		c.cuts = append(c.cuts, len(c.buf))
		c.refs = append(c.refs, b-1)
		return nil
	}
	b := len(c.binds)
	c.litBind[idx] = b + 1
	c.binds = append(c.binds, bind{fixed: true, lit: idx + 1, owner: c.frags[len(c.frags)-1], top: len(c.frags) == 1})
	c.fixed = true
	c.cuts = append(c.cuts, len(c.buf))
	c.refs = append(c.refs, b)
	return nil
}
