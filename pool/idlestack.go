package pool

import "sync/atomic"

// idleStack holds the idle connections of a QueuePool in LIFO order (most
// recently returned on top) without a lock, so that no goroutine is ever
// parked, or descheduled while holding a lock, to push or pop one: the
// sync.Mutex convoy described in lifoQueue cannot form.
//
// It is two lock-free stacks over a fixed array of Size cells: idle links the
// cells that hold a connection, newest first; free links the others. Storing
// a connection first takes a free cell, so the stack never holds more than
// Size, and the free count is the number of idle connections exactly. A cell
// may also be taken to travel with a connection handed to a waiter (see
// lifoQueue.hand), so that a connection in transit counts as idle too.
type idleStack[C Connection] struct {
	idle, free cellList
	next       []atomic.Uint32 // per cell: the cell below it plus one, 0 at the bottom
	conn       []*Conn[C]      // per cell: its connection while on idle
}

func (s *idleStack[C]) init(size int) {
	s.next = make([]atomic.Uint32, size)
	s.conn = make([]*Conn[C], size)
	for i := range size {
		s.free.push(s.next, uint32(i))
	}
}

// takeCell takes a free cell, or reports that Size connections are idle.
func (s *idleStack[C]) takeCell() (uint32, bool) { return s.free.pop(s.next) }

// freeCell gives back a cell taken by takeCell or take.
func (s *idleStack[C]) freeCell(i uint32) { s.free.push(s.next, i) }

// push puts c on top, in cell i taken by takeCell.
func (s *idleStack[C]) push(c *Conn[C], i uint32) {
	s.conn[i] = c
	s.idle.push(s.next, i)
}

// take removes the connection on top and returns it with its cell, which the
// caller now holds; nil if none is idle.
func (s *idleStack[C]) take() (*Conn[C], uint32) {
	i, ok := s.idle.pop(s.next)
	if !ok {
		return nil, 0
	}
	c := s.conn[i]
	s.conn[i] = nil // a checked-out Conn is referenced only by its caller
	return c, i
}

// pop removes the connection on top, or returns nil.
func (s *idleStack[C]) pop() *Conn[C] {
	c, i := s.take()
	if c != nil {
		s.freeCell(i)
	}
	return c
}

// held counts the cells taken: idle connections, and those on their way to a
// waiter.
func (s *idleStack[C]) held() int { return len(s.conn) - s.free.len() }

// Layout of a cellList head: the index of the top cell plus one (0: empty) in
// the low bits, the number of cells in the list above it, and in the high
// bits a version bumped by every change, so that a pop that read a link
// before another goroutine popped and pushed the same cell fails its
// compare-and-swap instead of corrupting the list (the ABA problem).
const (
	cellBits   = 17 // MaxSize < 1<<17
	cellMask   = 1<<cellBits - 1
	countShift = cellBits
	verShift   = 2 * cellBits
)

// cellList is a lock-free (Treiber) stack of cell indices, linked through a
// next array shared with the other list.
type cellList struct{ head atomic.Uint64 }

func (l *cellList) pop(next []atomic.Uint32) (uint32, bool) {
	for {
		old := l.head.Load()
		top := old & cellMask
		if top == 0 {
			return 0, false
		}
		below := uint64(next[top-1].Load())
		n := (old>>verShift+1)<<verShift | (old>>countShift&cellMask-1)<<countShift | below
		if l.head.CompareAndSwap(old, n) {
			return uint32(top - 1), true
		}
	}
}

func (l *cellList) push(next []atomic.Uint32, i uint32) {
	for {
		old := l.head.Load()
		next[i].Store(uint32(old & cellMask))
		n := (old>>verShift+1)<<verShift | (old>>countShift&cellMask+1)<<countShift | uint64(i+1)
		if l.head.CompareAndSwap(old, n) {
			return
		}
	}
}

func (l *cellList) len() int { return int(l.head.Load() >> countShift & cellMask) }
