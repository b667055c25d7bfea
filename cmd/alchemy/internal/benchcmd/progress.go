package benchcmd

import (
	"fmt"
	"io"
	"os"
	"time"

	"github.com/mattn/go-isatty"
	"github.com/schollz/progressbar/v3"

	"github.com/go-alchemy/alchemy/cmd/alchemy/internal/cli"
)

// Values of --progress.
const (
	progressAuto  = "auto"  // a bar when stdout and stderr are terminals, else nothing
	progressLines = "lines" // a line per second on stderr
	progressNone  = "none"  // nothing live
)

// progressView shows a run while it goes: update gets a snapshot every
// sampleEvery, finish the last one at the end of the run (from the same
// goroutine).
type progressView interface {
	update(s snapshot)
	finish(s snapshot)
}

// newProgress returns the view --progress asks for, writing to the App's
// stderr; label names the run, total is its --duration (or 0).
func newProgress(mode string, app *cli.App, label string, total time.Duration) progressView {
	switch mode {
	case progressLines:
		return &lineView{w: app.Err, label: label}
	case progressAuto:
		if terminal(app.Out) && terminal(app.Err) {
			return newBarView(app.Err, label, total)
		}
	}
	return noView{}
}

// terminal reports whether w is a terminal.
func terminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && (isatty.IsTerminal(f.Fd()) || isatty.IsCygwinTerminal(f.Fd()))
}

type noView struct{}

func (noView) update(snapshot) {}
func (noView) finish(snapshot) {}

// lineView writes a line per second: elapsed time, committed transactions,
// the last second's throughput, errors, and the pool's checkouts and waiters.
type lineView struct {
	w     io.Writer
	label string
	next  time.Duration
}

func (v *lineView) update(s snapshot) {
	if v.next == 0 {
		v.next = time.Second
	}
	if s.elapsed < v.next {
		return
	}
	v.next += time.Second
	v.print(s)
}

func (v *lineView) print(s snapshot) {
	fmt.Fprintf(v.w, "bench%s: %5.1fs %9d tx %9.0f tx/s %6d errors  pool: %d checked out, %d waiting\n",
		v.label, s.elapsed.Seconds(), s.done, s.rate, s.failed, s.pool.CheckedOut, s.pool.Waiters)
}

// finish prints the last line, with the run's totals and its average
// throughput.
func (v *lineView) finish(s snapshot) {
	if s.elapsed > 0 {
		s.rate = float64(s.done) / s.elapsed.Seconds()
	}
	fmt.Fprintf(v.w, "bench%s: %5.1fs %9d tx %9.0f tx/s %6d errors  done\n", v.label, s.elapsed.Seconds(), s.done, s.rate, s.failed)
}

// barView is a progress bar on a terminal, with the counts and the
// throughput beside it; it clears itself at the end.
type barView struct {
	bar   *progressbar.ProgressBar
	label string
	total time.Duration // the --duration, or 0
}

// barSteps is the bar's resolution.
const barSteps = 1000

func newBarView(w io.Writer, label string, total time.Duration) *barView {
	bar := progressbar.NewOptions64(barSteps,
		progressbar.OptionSetWriter(w),
		progressbar.OptionSetWidth(30),
		progressbar.OptionThrottle(100*time.Millisecond),
		progressbar.OptionSetPredictTime(false),
		progressbar.OptionSetElapsedTime(false),
		progressbar.OptionClearOnFinish(),
		progressbar.OptionSetRenderBlankState(true),
		progressbar.OptionSetDescription("bench"+label),
	)
	return &barView{bar: bar, label: label, total: total}
}

func (v *barView) update(s snapshot) {
	at := fmt.Sprintf("%.1fs", s.elapsed.Seconds())
	if v.total > 0 {
		at += "/" + v.total.String()
	}
	v.bar.Describe(fmt.Sprintf("bench%s %s %d tx %.0f tx/s %d errors", v.label, at, s.done, s.rate, s.failed))
	_ = v.bar.Set64(int64(s.fraction * barSteps))
}

func (v *barView) finish(snapshot) {
	_ = v.bar.Finish()
	_ = v.bar.Clear()
}
