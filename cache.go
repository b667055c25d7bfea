package alchemy

import (
	"container/list"
	"context"
	"reflect"
	"sync"

	"github.com/go-alchemy/alchemy/dialect"
	"github.com/go-alchemy/alchemy/expr"
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
}

// compiledCache is a bounded LRU of compiled statements, SQLAlchemy's compiled cache.
type compiledCache struct {
	mu    sync.Mutex
	max   int
	order list.List // of *compiledEntry, most recently used first
	byKey map[compiledKey]*list.Element
	stats QueryCacheStats
}

func newCompiledCache(size int) *compiledCache {
	return &compiledCache{max: size, byKey: make(map[compiledKey]*list.Element, min(size, 64))}
}

// compile returns stmt compiled for the engine's dialect and the server version it
// knows, from the cache when it is there. A statement that asks for a server
// feature while the version is not known yet makes c (the Conn it is about to run
// on; the caller holds its turn) read the version, once per engine, and is compiled
// again for it.
func (e *Engine) compile(ctx context.Context, c *Conn, stmt expr.Statement) (*expr.Compiled, error) {
	compiled, err := e.compileFor(stmt)
	if err != nil || !compiled.NeedsVersion || e.knownVersion.Load() != nil || c == nil || c.dc == nil {
		return compiled, err
	}
	v, verr := e.dialect.ServerVersion(ctx, c.dc.sc)
	if verr != nil {
		c.checkAlive()       // a query cut off by its context may have closed the connection
		return compiled, nil // the server decides
	}
	e.knownVersion.CompareAndSwap(nil, &v)
	return e.compileFor(stmt)
}

// compileFor compiles stmt for the version the engine knows, through the cache.
func (e *Engine) compileFor(stmt expr.Statement) (*expr.Compiled, error) {
	var v dialect.Version
	if p := e.knownVersion.Load(); p != nil {
		v = *p
	}
	cache := e.cache
	if cache == nil {
		return expr.Compile(e.dialect, v, stmt)
	}
	ck, ok := stmt.(expr.CacheKeyer)
	if !ok {
		return expr.Compile(e.dialect, v, stmt)
	}
	k := ck.CacheKey()
	if k == nil || !reflect.ValueOf(k).Comparable() { // the value: an interface field may hold a slice
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
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.byKey[key]; ok { // compiled meanwhile by another goroutine
		c.order.MoveToFront(el)
		return
	}
	c.byKey[key] = c.order.PushFront(&compiledEntry{key, compiled})
	for c.order.Len() > c.max {
		last := c.order.Back()
		c.order.Remove(last)
		delete(c.byKey, last.Value.(*compiledEntry).key)
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
