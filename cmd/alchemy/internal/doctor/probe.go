package doctor

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/go-alchemy/alchemy"
)

// probeStart is the first idle interval the probe tries.
const probeStart = time.Second

// probeStep is one idle interval tried, and how it ended.
type probeStep struct {
	Idle Duration `json:"idle"`
	OK   bool     `json:"ok"`
	Err  string   `json:"error,omitempty"`
}

// probeResult is what the probe measured: connections idle for Survived lived,
// idle for Failed died (0: none did, up to Max).
type probeResult struct {
	Max      Duration    `json:"max"`
	Survived Duration    `json:"survived"`
	Failed   Duration    `json:"failed,omitempty"`
	Err      string      `json:"error,omitempty"`
	Steps    []probeStep `json:"steps"`
	// lastErr is the failure, for the classifier.
	lastErr error
}

// Duration is a time.Duration that JSON shows as "1.5s".
type Duration time.Duration

// MarshalText writes the duration as Go spells it.
func (d Duration) MarshalText() ([]byte, error) { return []byte(human(time.Duration(d))), nil }

// probe idles a connection for growing intervals (1s, 2s, 4s... up to max) and
// runs a statement after each, to find after how long idle connections die on
// this path (server, PgBouncer, NAT, load balancer, firewall). After the first
// failure it tries the middle of the last gap, to narrow it. Progress goes to
// w.
func probe(ctx context.Context, eng *alchemy.Engine, maxIdle time.Duration, w io.Writer) (*probeResult, error) {
	r := &probeResult{Max: Duration(maxIdle)}
	var conn *alchemy.Conn
	defer func() {
		if conn != nil {
			_ = conn.Close()
		}
	}()
	// try idles a connection for d; ok reports whether it lived.
	try := func(d time.Duration) (bool, error) {
		// The idle time starts with a statement that works. A pooled connection
		// may have died idle already: the second attempt gets a new one.
		var err error
		for attempt := 0; attempt < 2; attempt++ {
			if conn == nil {
				if conn, err = eng.Connect(ctx); err != nil {
					return false, err
				}
			}
			if err = ping(ctx, conn); err == nil {
				break
			}
			_ = conn.Close()
			conn = nil
		}
		if err != nil {
			return false, err
		}
		fmt.Fprintf(w, "probe: idle %s... ", human(d))
		select {
		case <-time.After(d):
		case <-ctx.Done():
			fmt.Fprintln(w)
			return false, ctx.Err()
		}
		err = ping(ctx, conn)
		step := probeStep{Idle: Duration(d), OK: err == nil}
		if err != nil {
			if ctx.Err() != nil {
				fmt.Fprintln(w)
				return false, ctx.Err()
			}
			step.Err = oneLine(err)
			r.lastErr = err
			fmt.Fprintln(w, "dead:", step.Err)
			_ = conn.Close()
			conn = nil
		} else {
			fmt.Fprintln(w, "alive")
		}
		r.Steps = append(r.Steps, step)
		return err == nil, nil
	}
	var survived, failed time.Duration
	for d := probeStart; ; d *= 2 {
		if d > maxIdle {
			d = maxIdle
		}
		ok, err := try(d)
		if err != nil {
			return r, err
		}
		if !ok {
			failed = d
			break
		}
		survived = d
		if d == maxIdle {
			break
		}
	}
	// Narrow the gap once or twice, to within a third of the failing interval.
	for failed > 0 && failed-survived > max(failed/3, 500*time.Millisecond) {
		mid := (survived + failed) / 2
		ok, err := try(mid)
		if err != nil {
			return r, err
		}
		if ok {
			survived = mid
		} else {
			failed = mid
		}
	}
	r.Survived, r.Failed = Duration(survived), Duration(failed)
	if r.lastErr != nil {
		r.Err = oneLine(r.lastErr)
	}
	return r, nil
}

// ping runs the cheapest statement there is on c.
func ping(ctx context.Context, c *alchemy.Conn) error {
	res, err := c.Execute(ctx, alchemy.Text("SELECT 1"))
	if err != nil {
		return err
	}
	_, err = alchemy.Scalar[int](res)
	return err
}

// probeFindings turns the probe's measure into findings: connections that die
// idle sooner than the pool recycles them (and without pre-ping) fail.
func probeFindings(r *probeResult, pool poolSettings, fs *findings) {
	if r == nil {
		return
	}
	ev := Evidence{Setting: "idle time a connection survives", Source: "--probe, on this path"}
	if r.Failed == 0 {
		ev.Value = fmt.Sprintf("at least %s", human(time.Duration(r.Survived)))
		fs.add(SevInfo, checkProbe, fmt.Sprintf("a connection left idle for %s still worked: nothing on this path ends idle connections sooner (try a larger --probe-max)", human(time.Duration(r.Survived))), "", ev)
		return
	}
	s, f := time.Duration(r.Survived), time.Duration(r.Failed)
	ev.Value = fmt.Sprintf("more than %s, less than %s", human(s), human(f))
	kill := fmt.Sprintf("on this path a connection idle for %s lived and one idle for %s died", human(s), human(f))
	if m := explain(r.Err); len(m) > 0 {
		kill += fmt.Sprintf(" (%s: %s)", m[0].Layer, m[0].Code)
	}
	died := Evidence{Setting: "error after idling " + human(f), Value: r.Err, Source: "--probe"}
	// The kill lies between s and f: hold the pool to s.
	limit := s
	if limit == 0 {
		limit = f
	}
	idleRule(fs, checkProbe, kill, limit, pool, ev, died)
}
