package alchemyotel

import (
	"context"
	"sync/atomic"
	"time"

	"github.com/go-alchemy/alchemy/pool"
)

// useKey is the key of a connection's useStamp in its pool.Record's Info.
const useKey = "alchemyotel.use"

// useStamp is when a raw connection was last checked out, and for which engine.
// The Connect listener puts one in each connection's Info, before any checkout,
// so that later listeners only read the map; its fields are atomic because a
// StaticPool checks its one connection out to several callers at once.
type useStamp struct {
	at atomic.Int64 // UnixNano of the last checkout; 0 when checked in
	ei atomic.Pointer[engineInfo]
}

// PoolListener returns the pool listener that records
// db.client.connection.use_time: the time from each checkout to its checkin.
// It finds the engine through the checkout's context, which the Tracer's
// checkout hook marks, so it needs the Tracer installed too (EngineOptions
// installs both). It never refuses a connection. For a StaticPool's connection
// held by several callers at once, a checkin measures from the latest checkout.
func (t *Tracer) PoolListener() pool.Listener {
	return pool.Listener{
		Connect: func(r *pool.Record) {
			if t == nil || r == nil {
				return
			}
			defer t.contain("pool Connect")
			r.Info()[useKey] = &useStamp{}
		},
		Checkout: func(ctx context.Context, r *pool.Record) error {
			if t == nil || ctx == nil || r == nil {
				return nil
			}
			defer t.contain("pool Checkout")
			cc, ok := ctx.(*checkoutCtx)
			if !ok {
				if cc, ok = ctx.Value(checkoutKey{}).(*checkoutCtx); !ok {
					return nil
				}
			}
			if st, _ := r.Info()[useKey].(*useStamp); st != nil {
				st.ei.Store(cc.ei)
				st.at.Store(time.Now().UnixNano())
			}
			return nil
		},
		Checkin: func(r *pool.Record) {
			if t == nil || r == nil {
				return
			}
			defer t.contain("pool Checkin")
			st, _ := r.Info()[useKey].(*useStamp)
			if st == nil {
				return
			}
			at := st.at.Swap(0)
			ei := st.ei.Load()
			if at == 0 || ei == nil {
				return
			}
			t.inst.useTime.Record(context.Background(), time.Since(time.Unix(0, at)).Seconds(), ei.poolOpts...)
		},
	}
}
