package benchcmd

import (
	"math"

	"github.com/go-alchemy/alchemy/pool"
)

// Result is what one run measured, as --format json prints it.
type Result struct {
	// Label is the --compare spec of the run, or "".
	Label   string `json:"label,omitempty"`
	Script  string `json:"script"`
	Dialect string `json:"dialect"`
	Clients int    `json:"clients"`
	// PoolSettings are the settings the run's pool had.
	PoolSettings PoolSettings `json:"pool_settings"`
	// Transactions committed; Errors failed (each counted once, the run went
	// on). With --transactions N, Transactions + Errors = N unless interrupted.
	Transactions int64        `json:"transactions"`
	Errors       int64        `json:"errors"`
	ErrorMsgs    []ErrorCount `json:"error_messages"`
	// Seconds from the start to the end of the last transaction.
	Seconds float64 `json:"seconds"`
	// Throughput is committed transactions per second.
	Throughput float64 `json:"throughput_tps"`
	// Latency of the committed transactions, in milliseconds, checkout
	// included.
	Latency Latency `json:"latency_ms"`
	// Pool is the pool's counters at the end, and its peaks during the run.
	Pool PoolCounters `json:"pool"`
	// Interrupted: Ctrl-C stopped the run early.
	Interrupted bool `json:"interrupted"`
}

// PoolCounters are the pool's figures after a run (pool.Status) and the
// highest counts sampled while it ran.
type PoolCounters struct {
	Kind            string  `json:"kind"`
	Size            int     `json:"size"`
	MaxOverflow     int     `json:"max_overflow"`
	Open            int     `json:"open"`
	CheckedIn       int     `json:"checked_in"`
	CheckedOut      int     `json:"checked_out"`
	Overflow        int     `json:"overflow"`
	PeakCheckedOut  int     `json:"peak_checked_out"`
	PeakOpen        int     `json:"peak_open"`
	PeakOverflow    int     `json:"peak_overflow"`
	PeakWaiters     int     `json:"peak_waiters"`
	Created         int64   `json:"created"`
	Closed          int64   `json:"closed"`
	Invalidated     int64   `json:"invalidated"`
	PingsFailed     int64   `json:"pings_failed"`
	Waits           int64   `json:"waits"`
	WaitMS          float64 `json:"wait_time_ms"`
	Timeouts        int64   `json:"timeouts"`
	Leaked          int64   `json:"leaked"`
	ConnectAttempts int64   `json:"connect_attempts"`
	ConnectFailures int64   `json:"connect_failures"`
	ConnectFailFast int64   `json:"connect_fail_fast"`
}

func poolCounters(s pool.Status, pk peaks) PoolCounters {
	return PoolCounters{
		Kind:            s.Kind,
		Size:            s.Size,
		MaxOverflow:     s.MaxOverflow,
		Open:            s.Open,
		CheckedIn:       s.CheckedIn,
		CheckedOut:      s.CheckedOut,
		Overflow:        s.Overflow,
		PeakCheckedOut:  pk.checkedOut,
		PeakOpen:        pk.open,
		PeakOverflow:    pk.overflow,
		PeakWaiters:     pk.waiters,
		Created:         s.Created,
		Closed:          s.Closed,
		Invalidated:     s.Invalidated,
		PingsFailed:     s.PingsFailed,
		Waits:           s.Waits,
		WaitMS:          ms(s.WaitTime),
		Timeouts:        s.Timeouts,
		Leaked:          s.Leaked,
		ConnectAttempts: s.ConnectAttempts,
		ConnectFailures: s.ConnectFailures,
		ConnectFailFast: s.ConnectFailFast,
	}
}

// Comparison is what --compare prints in JSON: both runs and the ratios of B
// to A.
type Comparison struct {
	A     *Result `json:"a"`
	B     *Result `json:"b"`
	Ratio Ratios  `json:"ratio"`
}

// Ratios are B's figures divided by A's (0 when A's is 0).
type Ratios struct {
	Throughput float64 `json:"throughput"`
	P99        float64 `json:"p99"`
}

func ratios(a, b *Result) Ratios {
	return Ratios{Throughput: ratio(b.Throughput, a.Throughput), P99: ratio(b.Latency.P99, a.Latency.P99)}
}

func ratio(b, a float64) float64 {
	if a == 0 {
		return 0
	}
	return round3(b / a)
}

func round3(x float64) float64 { return math.Round(x*1000) / 1000 }
