package pool

import (
	"fmt"
	"runtime"
	"strings"
)

// leakCleanup runs (via runtime.AddCleanup, registered once per raw
// connection) when a Conn becomes unreachable. It only acts if the Conn was
// still checked out: then the caller lost it without Put. Closing a network
// connection may block, and cleanups share one goroutine, so the work runs on a
// goroutine of its own.
func leakCleanup(r *Record) {
	go r.b.reclaimLeaked(r)
}

// reclaimLeaked closes a leaked connection (never reused: its state is unknown),
// then frees its slot (a detached one kept its slot too), then reports it, so
// that a reported leak is already closed and freed. A Conn that was checked
// in before it became unreachable is not a leak; a detached one never checked
// in is.
func (b *base) reclaimLeaked(r *Record) {
	if !r.state.CompareAndSwap(stateOut, stateGone) {
		return
	}
	detached := r.detached.Load()
	if !detached {
		b.st.out.Add(-1)
	}
	_ = b.closeRaw(r) // before the slot is freed: never more raw connections than slots
	b.slots.releaseSlot()
	b.reportLeak(r)
}

// reportLeak logs SQLAlchemy's "garbage collector is trying to clean up
// non-checked-in connection" warning, with the checkout stack if tracked, and
// then counts it: a leak seen in Status has been logged.
func (b *base) reportLeak(r *Record) {
	defer b.st.leaked.Add(1)
	attrs := []any{"pool", b.cfg.Name, "created", r.created}
	if r.nstack > 0 {
		attrs = append(attrs, "checkout_stack", formatStack(r.stack[:r.nstack]))
	} else {
		attrs = append(attrs, "hint", "set Config.TrackCheckouts to log where it was checked out")
	}
	b.logger().Warn("alchemy: pool: the garbage collector is cleaning up a connection that was never returned with Put; it is closed, not reused", attrs...)
}

// formatStack renders program counters as "function\n\tfile:line" lines.
func formatStack(pcs []uintptr) string {
	var sb strings.Builder
	frames := runtime.CallersFrames(pcs)
	for {
		f, more := frames.Next()
		fmt.Fprintf(&sb, "%s\n\t%s:%d\n", f.Function, f.File, f.Line)
		if !more {
			break
		}
	}
	return sb.String()
}
