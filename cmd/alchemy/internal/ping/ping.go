// Package ping is the alchemy command's ping subcommand: connect, name the
// server and its version, time round trips, and show the pool settings in
// force.
package ping

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"time"

	"github.com/spf13/cobra"

	"github.com/go-alchemy/alchemy"
	"github.com/go-alchemy/alchemy/cmd/alchemy/internal/cli"
)

// probe is the statement each round trip runs.
const probe = "SELECT 1"

// options are the ping subcommand's flags.
type options struct {
	count   int
	timeout time.Duration
}

// Command returns the ping subcommand.
func Command(app *cli.App) *cobra.Command {
	var o options
	cmd := &cobra.Command{
		Use:   "ping",
		Short: "connect, show the server version, round-trip times and pool settings",
		Long: `ping connects to the database, shows the server's version, times --count
round trips of "SELECT 1" on one connection (min, median, max), and shows
the URL (without its password) and where it came from, the dialect and
driver, and the pool settings in force (size, max overflow, timeout,
recycle, max idle time, pre-ping).

--format table (the default) or json (one object). Exit 1 when it cannot
connect, 2 for a mistake in the flags or the URL.`,
		Example: `  alchemy ping --url postgresql://scott:tiger@localhost/shop
  alchemy ping --count 20 --format json`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) > 0 {
				// Not echoed: it may be a URL with its password.
				return cli.Usagef("ping takes no arguments: give the database with --url")
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			return run(cmd.Context(), app, o)
		},
	}
	f := cmd.Flags()
	f.IntVarP(&o.count, "count", "n", 5, "round trips to time")
	f.DurationVar(&o.timeout, "timeout", 10*time.Second, "give up connecting and pinging after this long")
	return cmd
}

// run pings the database and prints the report.
func run(ctx context.Context, app *cli.App, o options) error {
	if err := app.CheckFormat("table", "json"); err != nil {
		return err
	}
	if o.count < 1 || o.count > 100000 {
		return cli.Usagef("--count %d: give a number from 1 to 100000", o.count)
	}
	if o.timeout <= 0 {
		return cli.Usagef("--timeout %s: give a positive duration", o.timeout)
	}
	u, d, err := app.CheckURL()
	if err != nil {
		return err
	}
	_, from := app.URL()
	r := &report{
		URL:     u.String(),
		URLFrom: from,
		Dialect: d.Name(),
		Driver:  d.Driver(),
		Probe:   probe,
	}
	ctx, cancel := context.WithTimeout(ctx, o.timeout)
	defer cancel()
	if err := measure(ctx, app, o.count, r); err != nil {
		r.Error = err.Error()
		if app.Format == "json" {
			if werr := r.writeJSON(app.Out); werr != nil {
				return werr
			}
		}
		return err
	}
	r.OK = true
	if app.Format == "json" {
		return r.writeJSON(app.Out)
	}
	return r.writeTable(app.Out)
}

// measure connects, reads the version, times the round trips and reads the
// pool settings into r.
func measure(ctx context.Context, app *cli.App, count int, r *report) error {
	start := time.Now()
	// The pool's warnings (a failed connect) would repeat the error returned.
	eng, err := app.Open(ctx, alchemy.Logger(slog.New(slog.DiscardHandler)))
	if err != nil {
		return err
	}
	defer eng.Dispose()
	r.ConnectMS = ms(time.Since(start))

	v, err := eng.ServerVersion(ctx)
	if err != nil {
		return fmt.Errorf("reading the server version: %w", err)
	}
	r.ServerVersion = v.Raw
	r.Version = v.String()

	conn, err := eng.Connect(ctx)
	if err != nil {
		return fmt.Errorf("checking out a connection: %w", err)
	}
	defer conn.Close()
	samples := make([]time.Duration, 0, count)
	stmt := alchemy.Text(probe).Columns("one")
	for range count {
		t0 := time.Now()
		res, err := conn.Execute(ctx, stmt)
		if err == nil {
			_, err = alchemy.Scalar[int64](res)
		}
		if err != nil {
			return fmt.Errorf("round trip %d of %d: %w", len(samples)+1, count, err)
		}
		samples = append(samples, time.Since(t0))
	}
	r.Count = count
	r.RTT = summarize(samples)
	r.Pool = poolReport(eng, app)
	return nil
}

// summarize returns the minimum, median and maximum of samples, which it
// sorts, and the samples in the order they were taken.
func summarize(samples []time.Duration) *rtt {
	s := &rtt{SamplesMS: make([]float64, len(samples))}
	for i, d := range samples {
		s.SamplesMS[i] = ms(d)
	}
	sorted := slices.Clone(samples)
	slices.Sort(sorted)
	n := len(sorted)
	s.MinMS, s.MaxMS = ms(sorted[0]), ms(sorted[n-1])
	if n%2 == 1 {
		s.MedianMS = ms(sorted[n/2])
	} else {
		s.MedianMS = ms((sorted[n/2-1] + sorted[n/2]) / 2)
	}
	return s
}

// ms is d in milliseconds, to the microsecond.
func ms(d time.Duration) float64 {
	return float64(d.Microseconds()) / 1000
}
