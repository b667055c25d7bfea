package alchemyotel

import (
	"context"
	"time"

	"github.com/go-alchemy/alchemy/pool"
)

// useKey is the key of a connection's useStamp in its pool.Record's Info.
const useKey = "alchemyotel.use"

// useStamp is when a raw connection was last checked out, and for which engine:
// one per connection, made at its first checkout and reused.
type useStamp struct {
	at time.Time
	ei *engineInfo
}

// PoolListener returns the pool listener that records
// db.client.connection.use_time: the time from each checkout to its checkin.
// It finds the engine through the checkout's context, which the Tracer's
// checkout hook marks, so it needs the Tracer installed too (EngineOptions
// installs both). It never refuses a connection.
func (t *Tracer) PoolListener() pool.Listener {
	return pool.Listener{
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
			info := r.Info()
			st, _ := info[useKey].(*useStamp)
			if st == nil {
				st = &useStamp{}
				info[useKey] = st
			}
			st.at, st.ei = time.Now(), cc.ei
			return nil
		},
		Checkin: func(r *pool.Record) {
			if t == nil || r == nil {
				return
			}
			defer t.contain("pool Checkin")
			st, _ := r.Info()[useKey].(*useStamp)
			if st == nil || st.at.IsZero() {
				return
			}
			t.inst.useTime.Record(context.Background(), time.Since(st.at).Seconds(), st.ei.poolOpts...)
			st.at = time.Time{}
		},
	}
}
