package pool_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/go-alchemy/alchemy/pool"
)

// exampleConn stands in for a database connection.
type exampleConn struct{ id int }

func (c *exampleConn) Close() error                   { return nil }
func (c *exampleConn) Ping(ctx context.Context) error { return nil }
func (c *exampleConn) Reset(ctx context.Context, mode pool.ResetMode) error {
	fmt.Printf("conn %d: %s on return\n", c.id, mode)
	return nil
}

func Example() {
	n := 0
	create := func(ctx context.Context) (*exampleConn, error) {
		n++
		return &exampleConn{id: n}, nil
	}
	cfg := pool.DefaultConfig()
	cfg.Size, cfg.MaxOverflow, cfg.Timeout = 1, 0, 10*time.Millisecond
	p, err := pool.NewQueuePool(create, cfg)
	if err != nil {
		panic(err)
	}
	defer p.Dispose()

	ctx := context.Background()
	c, err := p.Get(ctx)
	if err != nil {
		panic(err)
	}
	fmt.Println("fresh:", c.Fresh(), "raw:", c.Connection().id)

	// The only slot is taken: a second checkout times out.
	_, err = p.Get(ctx)
	fmt.Println(errors.Is(err, pool.ErrTimeout))

	if err := p.Put(c); err != nil {
		panic(err)
	}
	c, _ = p.Get(ctx)
	fmt.Println("fresh:", c.Fresh(), "raw:", c.Connection().id)
	_ = p.Put(c)
	fmt.Println(p.Status())
	// Output:
	// fresh: true raw: 1
	// true
	// conn 1: rollback on return
	// fresh: false raw: 1
	// conn 1: rollback on return
	// Pool size: 1  Connections in pool: 1 Current Overflow: 0 Current Checked out connections: 0 Waiters: 0
}
