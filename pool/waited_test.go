package pool

import (
	"context"
	"testing"
)

// TestConnWaited: Conn.Waited is true exactly for a checkout that waited for
// a connection (handed over by a checkin) or for a slot (freed by a close),
// and false again at the next checkout that did not wait.
func TestConnWaited(t *testing.T) {
	bothModes(t, func(t *testing.T, lifo bool) {
		p, _ := newQueue(t, modeConfig(lifo, 1, 0))
		c := mustGet(t, p)
		if c.Waited() {
			t.Fatal("the first checkout of an empty pool says it waited")
		}
		for _, how := range []string{"checkin", "detach"} {
			got := make(chan *Conn[*fakeConn])
			go func() {
				c, err := p.Get(context.Background())
				if err != nil {
					t.Error(err)
				}
				got <- c
			}()
			eventually(t, "a waiter", func() bool { return p.Status().Waiters == 1 })
			if how == "detach" {
				c.Detach() // its slot goes to the waiter, which makes a new connection
			}
			mustPut(t, p, c)
			c = <-got
			if c == nil {
				return
			}
			if !c.Waited() {
				t.Fatalf("a checkout that waited for a %s says it did not", how)
			}
		}
		mustPut(t, p, c)
		c = mustGet(t, p)
		if c.Waited() {
			t.Fatal("a checkout of an idle connection says it waited (left from the last one)")
		}
		mustPut(t, p, c)
	})
}
