package alchemy

import (
	"container/list"
	"context"
	"fmt"
	"reflect"
	"sync"

	"github.com/go-alchemy/alchemy/dialect"
	"github.com/go-alchemy/alchemy/expr"
	"github.com/go-alchemy/alchemy/internal/mapkey"
)

// defaultQueryCacheSize is SQLAlchemy's query_cache_size default.
const defaultQueryCacheSize = 500

// QueryCacheStats counts the work of the compiled-statement cache (QueryCacheSize).
type QueryCacheStats struct {
	Hits      uint64 // found compiled
	Misses    uint64 // compiled (statements without a cache key are not counted)
	Evictions uint64 // dropped, least recently used first, to stay within Capacity
	Size      int    // held now
	Capacity  int    // 0 when the cache is off
}

// compiledKey is what a compiled statement is cached under: the statement's own key,
// and what else the compiled form depends on.
type compiledKey struct {
	typ                 reflect.Type // the statement's own: a wrapper that embeds a Text is not that Text
	stmt                any
	style               dialect.Paramstyle
	major, minor, patch int
	raw                 string // MariaDB and MySQL differ by it, not by the numbers
}

type compiledEntry struct {
	key      compiledKey
	compiled *expr.Compiled
	// An expression-language statement's entry is found by the hash of its key
	// (expr.Prepared) and checked against the key itself and the server version
	// it was compiled for (the engine's knownVersion pointer: nil, then set once).
	hashed   bool
	hash     uint64
	ver      *dialect.Version
	prepared expr.PreparedKey
}

// compiledCache is a bounded LRU of compiled statements, SQLAlchemy's compiled cache.
type compiledCache struct {
	mu     sync.Mutex
	max    int
	order  list.List // of *compiledEntry, most recently used first
	byKey  map[compiledKey]*list.Element
	byHash map[uint64]*list.Element // expression-language statements, by their key's hash
	stats  QueryCacheStats
}

func newCompiledCache(size int) *compiledCache {
	return &compiledCache{max: size, byKey: make(map[compiledKey]*list.Element, min(size, 64)),
		byHash: make(map[uint64]*list.Element, min(size, 64))}
}

// compile returns stmt compiled for the engine's dialect and the server version it
// knows, from the cache when it is there, and for a statement of the expression
// language the values it carries (expr.Prepared; release it once the statement has
// run, with releasePrepared). A statement that asks for a server feature while the
// version is not known yet makes c (the Conn it is about to run on; the caller holds
// its turn) read the version, once per engine, and is compiled again for it.
func (e *Engine) compile(ctx context.Context, c *Conn, stmt expr.Statement) (*expr.Compiled, *expr.Prepared, error) {
	p := expr.Prepare(stmt)
	if p != nil && p.Err() != nil {
		err := p.Err()
		p.Release()
		return nil, nil, err
	}
	compiled, err := e.compileFor(stmt, p)
	if err != nil || !compiled.NeedsVersion || e.knownVersion.Load() != nil || c == nil || c.dc == nil {
		return compiled, p, e.failed(err, p)
	}
	v, verr := e.dialect.ServerVersion(ctx, c.dc.sc)
	if verr != nil {
		c.checkAlive()          // a query cut off by its context may have closed the connection
		return compiled, p, nil // the server decides
	}
	e.knownVersion.CompareAndSwap(nil, &v)
	compiled, err = e.compileFor(stmt, p)
	return compiled, p, e.failed(err, p)
}

// failed releases p when err is not nil, and returns err.
func (e *Engine) failed(err error, p *expr.Prepared) error {
	if err != nil && p != nil {
		p.Release()
	}
	return err
}

// releasePrepared releases p, if there is one.
func releasePrepared(p *expr.Prepared) {
	if p != nil {
		p.Release()
	}
}

// bindArgs returns the driver's arguments of compiled for args, and the values the
// statement carries (p, for a statement of the expression language).
func bindArgs(compiled *expr.Compiled, p *expr.Prepared, args []any) ([]any, error) {
	if p != nil {
		return p.Bind(compiled, args)
	}
	return compiled.Bind(args)
}

// compileFor compiles stmt (prepared as p, for a statement of the expression
// language) for the version the engine knows, through the cache.
func (e *Engine) compileFor(stmt expr.Statement, p *expr.Prepared) (*expr.Compiled, error) {
	var v dialect.Version
	kv := e.knownVersion.Load()
	if kv != nil {
		v = *kv
	}
	cache := e.cache
	if p != nil {
		if cache == nil || !p.Cacheable() {
			return p.Compile(e.dialect, v)
		}
		hash := p.Hash(e.cacheSeed)
		if c := cache.getPrepared(hash, kv, p); c != nil {
			return c, nil
		}
		c, err := p.Compile(e.dialect, v)
		if err != nil {
			return nil, err
		}
		cache.putEntry(&compiledEntry{compiled: c, hashed: true, hash: hash, ver: kv, prepared: p.Key()})
		return c, nil
	}
	if cache == nil {
		return expr.Compile(e.dialect, v, stmt)
	}
	ck, ok := stmt.(expr.CacheKeyer)
	if !ok {
		return expr.Compile(e.dialect, v, stmt)
	}
	k := ck.CacheKey()
	if !mapkey.Usable(k) { // the value: an interface field may hold a slice
		return expr.Compile(e.dialect, v, stmt)
	}
	key := compiledKey{typ: reflect.TypeOf(stmt), stmt: k, style: e.style, major: v.Major, minor: v.Minor, patch: v.Patch, raw: v.Raw}
	if c := cache.get(key); c != nil {
		return c, nil
	}
	c, err := expr.Compile(e.dialect, v, stmt)
	if err != nil {
		return nil, err
	}
	cache.put(key, c)
	return c, nil
}

// getPrepared returns the compiled statement of p's key, or nil. Two keys of one
// hash (which a 64-bit hash makes all but impossible) are told apart by comparing
// the keys: the second is then compiled each time.
func (c *compiledCache) getPrepared(hash uint64, ver *dialect.Version, p *expr.Prepared) *expr.Compiled {
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.byHash[hash]
	if ok {
		en := el.Value.(*compiledEntry)
		if en.ver == ver && p.SameKey(en.prepared) {
			c.stats.Hits++
			c.order.MoveToFront(el)
			return en.compiled
		}
	}
	c.stats.Misses++
	return nil
}

func (c *compiledCache) get(key compiledKey) *expr.Compiled {
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.byKey[key]
	if !ok {
		c.stats.Misses++
		return nil
	}
	c.stats.Hits++
	c.order.MoveToFront(el)
	return el.Value.(*compiledEntry).compiled
}

func (c *compiledCache) put(key compiledKey, compiled *expr.Compiled) {
	c.putEntry(&compiledEntry{key: key, compiled: compiled})
}

func (c *compiledCache) putEntry(en *compiledEntry) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if en.hashed {
		if el, ok := c.byHash[en.hash]; ok { // compiled meanwhile, for an older version, or a colliding key
			el.Value = en
			c.order.MoveToFront(el)
			return
		}
		c.byHash[en.hash] = c.order.PushFront(en)
	} else {
		if el, ok := c.byKey[en.key]; ok { // compiled meanwhile by another goroutine
			c.order.MoveToFront(el)
			return
		}
		c.byKey[en.key] = c.order.PushFront(en)
	}
	for c.order.Len() > c.max {
		last := c.order.Back()
		c.order.Remove(last)
		if old := last.Value.(*compiledEntry); old.hashed {
			delete(c.byHash, old.hash)
		} else {
			delete(c.byKey, old.key)
		}
		c.stats.Evictions++
	}
}

// CacheStats returns the compiled-statement cache's counts.
func (e *Engine) CacheStats() QueryCacheStats {
	if e.cache == nil {
		return QueryCacheStats{}
	}
	e.cache.mu.Lock()
	defer e.cache.mu.Unlock()
	s := e.cache.stats
	s.Size, s.Capacity = e.cache.order.Len(), e.cache.max
	return s
}

// Render returns the SQL and the driver's arguments that Execute would send for stmt
// and args, without running it, through the engine's cache of compiled statements:
// SQLAlchemy's stmt.compile(engine), for logs, tests and tools. A statement that
// depends on the server's version is rendered for the version the engine knows (none
// before its first use of such a statement).
func (e *Engine) Render(stmt Executable, args ...any) (query string, driverArgs []any, err error) {
	if stmt == nil {
		return "", nil, fmt.Errorf("alchemy: Render of a nil statement")
	}
	p := expr.Prepare(stmt)
	if p != nil {
		defer p.Release()
		if err := p.Err(); err != nil {
			return "", nil, err
		}
	}
	compiled, err := e.compileFor(stmt, p)
	if err != nil {
		return "", nil, err
	}
	driverArgs, err = bindArgs(compiled, p, args)
	if err != nil {
		return "", nil, err
	}
	return compiled.SQL, driverArgs, nil
}
