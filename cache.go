package alchemy

import (
	"context"
	"fmt"
	"reflect"
	"sync"
	"sync/atomic"

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
	Evictions uint64 // dropped to stay within Capacity, those not used for longest first (CLOCK)
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

	used atomic.Bool // looked up since the clock's hand last passed it
	slot int         // its index in compiledCache.ring
}

// compiledCache is a bounded cache of compiled statements, SQLAlchemy's compiled
// cache. Every Execute looks a statement up in it, from however many goroutines, so a
// hit takes the read side of a lock and writes nothing shared but the hit count and,
// once, the entry's used mark: no goroutine is ever parked behind another's hit. (A
// sync.Mutex and an LRU list moved on every hit did park them: under 64 goroutines it
// was the library's only contended lock; BENCHMARKS.md, issue 17.) Eviction is the
// CLOCK approximation of least recently used: entries sit in a ring; a hand passes
// over them, clearing the used mark of each entry used since its last pass and
// evicting the first it finds unused. An entry starts unused, so a statement run once
// goes before one run again.
type compiledCache struct {
	mu        sync.RWMutex // read: lookups; write: insertions and evictions
	max       int
	ring      []*compiledEntry // at most max entries, in the order the hand visits them
	hand      int
	byKey     map[compiledKey]*compiledEntry
	byHash    map[uint64]*compiledEntry // expression-language statements, by their key's hash
	hits      atomic.Uint64
	misses    atomic.Uint64
	evictions uint64 // under mu
}

func newCompiledCache(size int) *compiledCache {
	return &compiledCache{max: size, byKey: make(map[compiledKey]*compiledEntry, min(size, 64)),
		byHash: make(map[uint64]*compiledEntry, min(size, 64))}
}

// hit counts a hit on en and marks it used, writing the mark only when it is not set.
func (c *compiledCache) hit(en *compiledEntry) *expr.Compiled {
	if !en.used.Load() {
		en.used.Store(true)
	}
	c.hits.Add(1)
	return en.compiled
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
	c.mu.RLock()
	en := c.byHash[hash]
	c.mu.RUnlock()
	if en != nil && en.ver == ver && p.SameKey(en.prepared) {
		return c.hit(en)
	}
	c.misses.Add(1)
	return nil
}

func (c *compiledCache) get(key compiledKey) *expr.Compiled {
	c.mu.RLock()
	en := c.byKey[key]
	c.mu.RUnlock()
	if en == nil {
		c.misses.Add(1)
		return nil
	}
	return c.hit(en)
}

func (c *compiledCache) put(key compiledKey, compiled *expr.Compiled) {
	c.putEntry(&compiledEntry{key: key, compiled: compiled})
}

func (c *compiledCache) putEntry(en *compiledEntry) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if en.hashed {
		if old := c.byHash[en.hash]; old != nil { // compiled meanwhile, for an older version, or a colliding key
			en.slot, c.ring[old.slot] = old.slot, en
			c.byHash[en.hash] = en
			return
		}
		c.byHash[en.hash] = en
	} else {
		if c.byKey[en.key] != nil { // compiled meanwhile by another goroutine
			return
		}
		c.byKey[en.key] = en
	}
	if len(c.ring) < c.max {
		en.slot = len(c.ring)
		c.ring = append(c.ring, en)
		return
	}
	// The clock: clear used marks until an unused entry comes under the hand. Hits
	// mark entries without the lock, so one that is hit again as fast as the hand
	// clears it could keep every entry marked: after two turns the hand evicts
	// whatever is under it.
	for step := 0; ; step++ {
		old := c.ring[c.hand]
		if old.used.Load() && step < 2*len(c.ring) {
			old.used.Store(false)
			c.hand = (c.hand + 1) % len(c.ring)
			continue
		}
		if old.hashed {
			delete(c.byHash, old.hash)
		} else {
			delete(c.byKey, old.key)
		}
		c.evictions++
		en.slot, c.ring[c.hand] = c.hand, en
		c.hand = (c.hand + 1) % len(c.ring)
		return
	}
}

// CacheStats returns the compiled-statement cache's counts.
func (e *Engine) CacheStats() QueryCacheStats {
	if e.cache == nil {
		return QueryCacheStats{}
	}
	c := e.cache
	c.mu.RLock()
	defer c.mu.RUnlock()
	return QueryCacheStats{Hits: c.hits.Load(), Misses: c.misses.Load(), Evictions: c.evictions, Size: len(c.ring), Capacity: c.max}
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
