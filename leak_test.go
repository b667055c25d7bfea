package alchemy_test

import (
	"context"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/go-alchemy/alchemy"
	"github.com/go-alchemy/alchemy/internal/testdb"
)

// leakConnInTx checks a connection out, writes a row inside a transaction, and
// drops the connection without Close or Commit.
//
//go:noinline
func leakConnInTx(t *testing.T, eng *alchemy.Engine, table string) {
	ctx := context.Background()
	c, err := eng.Connect(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Begin(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Execute(ctx, alchemy.Text("insert into "+table+" (id) values (1)")); err != nil {
		t.Fatal(err)
	}
}

// TestLeakedConnIsReclaimedWithoutCommitting drops a Conn in the middle of a
// transaction. The garbage collector's report must come with the slot freed, the
// transaction rolled back (its row never visible) and a warning that says where the
// connection was checked out.
func TestLeakedConnIsReclaimedWithoutCommitting(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, tg testdb.Target) {
		t.Parallel()
		logs := &logCapture{}
		eng := newEngine(t, tg.URL, alchemy.PoolSize(1), alchemy.MaxOverflow(0),
			alchemy.PoolTimeout(5*time.Second), alchemy.PoolTrackCheckouts(true),
			alchemy.Logger(logs.logger()))
		table := makeTable(t, eng, "id int primary key")
		leakConnInTx(t, eng, table)

		deadline := time.Now().Add(10 * time.Second)
		for eng.PoolStatus().Leaked == 0 {
			if time.Now().After(deadline) {
				t.Fatalf("the leaked connection was never reclaimed: %v", eng.PoolStatus())
			}
			runtime.GC()
			time.Sleep(5 * time.Millisecond)
		}
		if st := eng.PoolStatus(); st.CheckedOut != 0 {
			t.Fatalf("after the reclaim: %+v", st)
		}
		// The pool's only slot is free again, and the abandoned row was never committed.
		if n := countFromOther(t, eng, table); n != 0 {
			t.Fatalf("%d rows: the leaked transaction was committed", n)
		}
		var warned bool
		for _, r := range logs.records(t) {
			stack, _ := r["checkout_stack"].(string)
			msg, _ := r["msg"].(string)
			if r["level"] == "WARN" && strings.Contains(msg, "never returned") && strings.Contains(stack, "leakConnInTx") {
				warned = true
			}
		}
		if !warned {
			t.Fatalf("no warning with the message and the checkout stack: %v", logs.records(t))
		}
	})
}
