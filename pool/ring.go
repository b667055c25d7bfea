package pool

// ring is a fixed-capacity deque of idle connections. Slots are cleared when
// popped so that a checked-out Conn is referenced only by its caller.
type ring struct {
	buf  []*Conn
	head int
	n    int
}

func newRing(capacity int) ring { return ring{buf: make([]*Conn, capacity)} }

func (q *ring) full() bool { return q.n == len(q.buf) }

func (q *ring) push(c *Conn) {
	i := q.head + q.n
	if i >= len(q.buf) {
		i -= len(q.buf)
	}
	q.buf[i] = c
	q.n++
}

// pop takes the oldest (FIFO) or the newest (LIFO) connection, or nil.
func (q *ring) pop(lifo bool) *Conn {
	if q.n == 0 {
		return nil
	}
	var i int
	if lifo {
		i = q.head + q.n - 1
		if i >= len(q.buf) {
			i -= len(q.buf)
		}
	} else {
		i = q.head
		q.head++
		if q.head == len(q.buf) {
			q.head = 0
		}
	}
	c := q.buf[i]
	q.buf[i] = nil
	q.n--
	return c
}

// drain empties the ring and returns what it held.
func (q *ring) drain() []*Conn {
	out := make([]*Conn, 0, q.n)
	for c := q.pop(false); c != nil; c = q.pop(false) {
		out = append(out, c)
	}
	q.head = 0
	return out
}
