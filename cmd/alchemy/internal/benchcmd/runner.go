package benchcmd

import (
	"context"
	"errors"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"time"

	"github.com/go-alchemy/alchemy"
	"github.com/go-alchemy/alchemy/pool"
)

// cutoffGrace is how long after the end of a --duration run a transaction
// still running may go on before it is cut off (and not counted).
const cutoffGrace = 2 * time.Second

// sampleEvery is how often the monitor reads the pool's status and the
// counts, for the peaks and the live progress.
const sampleEvery = 50 * time.Millisecond

// backoffPause is how long a client pauses after a checkout failed at once
// because the pool is backing off from failed connects.
const backoffPause = 10 * time.Millisecond

func sleep(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	}
}

// load is the work of one run: which script, how many clients, until when.
type load struct {
	script       script
	scriptName   string
	clients      int
	duration     time.Duration // 0: until transactions are done
	transactions int64         // 0: until duration is over
	ids          int           // :id is drawn from 1 to ids
}

// counts are the live counts of a run, read by the monitor while the clients
// add to them.
type counts struct {
	issued, done, failed atomic.Int64
}

// snapshot is the state of a run, for the live progress.
type snapshot struct {
	elapsed  time.Duration
	done     int64
	failed   int64
	rate     float64 // committed transactions per second over the last second
	fraction float64 // how much of the run is over, 0 to 1
	pool     pool.Status
}

// peaks are the highest pool counts seen while the load ran.
type peaks struct {
	checkedOut, open, overflow, waiters int
}

func (p *peaks) see(s pool.Status) {
	p.checkedOut = max(p.checkedOut, s.CheckedOut)
	p.open = max(p.open, s.Open)
	p.overflow = max(p.overflow, s.Overflow)
	p.waiters = max(p.waiters, s.Waiters)
}

// runLoad runs l on eng with its clients until the transactions are done, the
// duration is over or ctx ends (Ctrl-C), and measures it. A transaction that
// fails counts as an error and its client goes on; one cut off by the end of
// ctx or by the grace after the duration counts for nothing.
func runLoad(ctx context.Context, eng *alchemy.Engine, l load, view progressView) *Result {
	var c counts
	var tally errTally
	recs := make([]*recorder, l.clients)
	lastEnd := make([]time.Time, l.clients)
	seed := rand.Uint64()

	start := time.Now()
	var deadline time.Time
	runCtx, cancel := context.WithCancel(ctx)
	if l.duration > 0 {
		deadline = start.Add(l.duration)
		runCtx, cancel = context.WithDeadline(ctx, deadline.Add(cutoffGrace))
	}
	defer cancel()

	var wg sync.WaitGroup
	for i := range l.clients {
		recs[i] = newRecorder(maxSamples/l.clients, seed+uint64(i))
		wg.Go(func() {
			rnd := rand.New(rand.NewPCG(seed, uint64(i)))
			rec := recs[i]
			for {
				if l.transactions > 0 && c.issued.Add(1) > l.transactions {
					return
				}
				if !deadline.IsZero() && !time.Now().Before(deadline) || runCtx.Err() != nil {
					return
				}
				b := draw(rnd, l.ids, i+1)
				t0 := time.Now()
				err := l.script.run(runCtx, eng, b)
				t1 := time.Now()
				if err != nil && runCtx.Err() != nil {
					return // cut off: neither committed nor failed on its own
				}
				lastEnd[i] = t1
				if err != nil {
					tally.add(err)
					c.failed.Add(1)
					if errors.Is(err, alchemy.ErrConnectBackoff) {
						// The server is down and the pool fails at once:
						// pause rather than spin through failures.
						sleep(runCtx, backoffPause)
					}
					continue
				}
				rec.add(t1.Sub(t0))
				c.done.Add(1)
			}
		})
	}

	var pk peaks
	stop := make(chan struct{})
	monitored := make(chan struct{})
	go func() {
		defer close(monitored)
		monitor(stop, eng, l, start, &c, &pk, view)
	}()
	wg.Wait()
	close(stop)
	<-monitored

	end := start
	for _, t := range lastEnd {
		if t.After(end) {
			end = t
		}
	}
	if end.Equal(start) {
		end = time.Now()
	}
	st := eng.PoolStatus()
	pk.see(st)
	elapsed := end.Sub(start)
	r := &Result{
		Script:       l.scriptName,
		Dialect:      eng.Dialect().Name(),
		Clients:      l.clients,
		Transactions: c.done.Load(),
		Errors:       c.failed.Load(),
		ErrorMsgs:    tally.messages(),
		Seconds:      round3(elapsed.Seconds()),
		Latency:      summarize(recs),
		Pool:         poolCounters(st, pk),
		Interrupted:  ctx.Err() != nil,
	}
	if elapsed > 0 {
		r.Throughput = round3(float64(r.Transactions) / elapsed.Seconds())
	}
	return r
}

// monitor samples the pool and the counts until stop closes: it keeps the
// pool's peaks and feeds the live progress.
func monitor(stop <-chan struct{}, eng *alchemy.Engine, l load, start time.Time, c *counts, pk *peaks, view progressView) {
	type mark struct {
		at   time.Time
		done int64
	}
	window := []mark{{start, 0}}
	tick := time.NewTicker(sampleEvery)
	defer tick.Stop()
	for {
		select {
		case <-stop:
			now := time.Now()
			view.finish(snapshot{elapsed: now.Sub(start), done: c.done.Load(), failed: c.failed.Load(), pool: eng.PoolStatus()})
			return
		case now := <-tick.C:
			st := eng.PoolStatus()
			pk.see(st)
			s := snapshot{elapsed: now.Sub(start), done: c.done.Load(), failed: c.failed.Load(), pool: st}
			window = append(window, mark{now, s.done})
			for len(window) > 2 && now.Sub(window[1].at) >= time.Second {
				window = window[1:]
			}
			if dt := now.Sub(window[0].at); dt > 0 {
				s.rate = float64(s.done-window[0].done) / dt.Seconds()
			}
			if l.transactions > 0 {
				s.fraction = float64(s.done+s.failed) / float64(l.transactions)
			}
			if l.duration > 0 {
				s.fraction = max(s.fraction, float64(s.elapsed)/float64(l.duration))
			}
			s.fraction = min(s.fraction, 1)
			view.update(s)
		}
	}
}
