package benchcmd

import (
	"math"
	"math/rand/v2"
	"slices"
	"time"
)

// maxSamples bounds the latencies kept over all clients. Up to it every
// latency is kept and the percentiles are exact; past it each client keeps a
// uniform sample of its own latencies (reservoir sampling), weighted by how
// many it stands for when the clients' samples are merged.
const maxSamples = 4 << 20

// recorder keeps one client's latencies. It is used by that client alone.
type recorder struct {
	samples  []time.Duration
	limit    int
	seen     int64
	sum      time.Duration
	min, max time.Duration
	rnd      *rand.Rand
}

func newRecorder(limit int, seed uint64) *recorder {
	return &recorder{limit: max(limit, 1), rnd: rand.New(rand.NewPCG(seed, 0x5eed))}
}

// add records one latency.
func (r *recorder) add(d time.Duration) {
	r.seen++
	r.sum += d
	if r.seen == 1 || d < r.min {
		r.min = d
	}
	if d > r.max {
		r.max = d
	}
	if len(r.samples) < r.limit {
		r.samples = append(r.samples, d)
		return
	}
	if j := r.rnd.Int64N(r.seen); j < int64(r.limit) {
		r.samples[j] = d
	}
}

// Latency sums up the latencies of the committed transactions, in
// milliseconds.
type Latency struct {
	Min float64 `json:"min"`
	Avg float64 `json:"avg"`
	P50 float64 `json:"p50"`
	P95 float64 `json:"p95"`
	P99 float64 `json:"p99"`
	Max float64 `json:"max"`
	// Exact is false when the percentiles come from a sample of the latencies
	// (more than maxSamples transactions); min, avg and max are always exact.
	Exact bool `json:"exact"`
}

type weighted struct {
	d time.Duration
	w float64
}

// summarize merges the clients' recorders. A percentile is the smallest
// latency at or below which that share of the transactions fall (nearest
// rank); each kept sample weighs as many transactions as it stands for.
func summarize(recs []*recorder) Latency {
	var all []weighted
	var seen int64
	var sum time.Duration
	var lo, hi time.Duration
	exact := true
	for _, r := range recs {
		if r.seen == 0 {
			continue
		}
		if seen == 0 || r.min < lo {
			lo = r.min
		}
		hi = max(hi, r.max)
		seen += r.seen
		sum += r.sum
		w := float64(r.seen) / float64(len(r.samples))
		if int64(len(r.samples)) < r.seen {
			exact = false
		}
		for _, d := range r.samples {
			all = append(all, weighted{d, w})
		}
	}
	if seen == 0 {
		return Latency{Exact: true}
	}
	slices.SortFunc(all, func(a, b weighted) int {
		switch {
		case a.d < b.d:
			return -1
		case a.d > b.d:
			return 1
		}
		return 0
	})
	var total float64
	for _, s := range all {
		total += s.w
	}
	pct := func(p float64) time.Duration {
		want := math.Ceil(p / 100 * total)
		var cum float64
		for _, s := range all {
			cum += s.w
			if cum >= want-1e-9 {
				return s.d
			}
		}
		return all[len(all)-1].d
	}
	l := Latency{
		Min:   ms(lo),
		Avg:   ms(sum / time.Duration(seen)),
		P50:   ms(pct(50)),
		P95:   ms(pct(95)),
		P99:   ms(pct(99)),
		Max:   ms(hi),
		Exact: exact,
	}
	return l
}

// ms is d in milliseconds, to the microsecond.
func ms(d time.Duration) float64 {
	return math.Round(float64(d)/float64(time.Microsecond)) / 1000
}
