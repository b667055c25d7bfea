package bench

import "sync"

// Resource is what the floor pools hold.
type Resource struct{ ID int }

// MutexPool is the fastest possible pool and an unfair one: a mutex, a slice
// and a condition variable; a woken waiter competes with newcomers.
type MutexPool struct {
	mu   sync.Mutex
	cond sync.Cond
	idle []*Resource
}

// NewMutexPool makes a MutexPool holding n resources.
func NewMutexPool(n int) *MutexPool {
	p := &MutexPool{idle: make([]*Resource, 0, n)}
	p.cond.L = &p.mu
	for i := range n {
		p.idle = append(p.idle, &Resource{ID: i})
	}
	return p
}

// Get takes a resource, waiting for one if needed.
func (p *MutexPool) Get() *Resource {
	p.mu.Lock()
	for len(p.idle) == 0 {
		p.cond.Wait()
	}
	r := p.idle[len(p.idle)-1]
	p.idle = p.idle[:len(p.idle)-1]
	p.mu.Unlock()
	return r
}

// Put returns a resource.
func (p *MutexPool) Put(r *Resource) {
	p.mu.Lock()
	p.idle = append(p.idle, r)
	p.mu.Unlock()
	p.cond.Signal()
}

// ChanPool is a buffered channel of resources: first in, first out for
// waiters, as the Go runtime queues channel receivers.
type ChanPool chan *Resource

// NewChanPool makes a ChanPool holding n resources.
func NewChanPool(n int) ChanPool {
	p := make(ChanPool, n)
	for i := range n {
		p <- &Resource{ID: i}
	}
	return p
}

// Get takes a resource, waiting for one if needed.
func (p ChanPool) Get() *Resource { return <-p }

// Put returns a resource.
func (p ChanPool) Put(r *Resource) { p <- r }
