package benchcmd

import (
	"encoding/json"
	"fmt"
	"io"
	"strconv"

	"github.com/jedib0t/go-pretty/v6/table"
	"github.com/jedib0t/go-pretty/v6/text"
)

// metric is one row of the results table.
type metric struct {
	name  string
	value func(r *Result) string
	// ratio, when set, is B's figure over A's under --compare.
	ratio func(a, b *Result) float64
}

func msText(v float64) string { return strconv.FormatFloat(v, 'f', 3, 64) + " ms" }

// latencyText is a latency, or "-" when no transaction committed.
func latencyText(r *Result, v float64) string {
	if r.Transactions == 0 {
		return "-"
	}
	return msText(v)
}

var metrics = []metric{
	{name: "script", value: func(r *Result) string { return r.Script }},
	{name: "clients", value: func(r *Result) string { return strconv.Itoa(r.Clients) }},
	{name: "pool settings", value: func(r *Result) string {
		s := r.PoolSettings
		return fmt.Sprintf("size %d, overflow %d, timeout %s, pre-ping %t", s.Size, s.MaxOverflow, s.TimeoutText, s.PrePing)
	}},
	{name: "transactions", value: func(r *Result) string { return strconv.FormatInt(r.Transactions, 10) }},
	{name: "errors", value: func(r *Result) string { return strconv.FormatInt(r.Errors, 10) }},
	{name: "duration", value: func(r *Result) string { return strconv.FormatFloat(r.Seconds, 'f', 3, 64) + " s" }},
	{name: "throughput", value: func(r *Result) string { return strconv.FormatFloat(r.Throughput, 'f', 1, 64) + " tx/s" },
		ratio: func(a, b *Result) float64 { return ratio(b.Throughput, a.Throughput) }},
	{name: "latency min", value: func(r *Result) string { return latencyText(r, r.Latency.Min) }},
	{name: "latency avg", value: func(r *Result) string { return latencyText(r, r.Latency.Avg) }},
	{name: "latency p50", value: func(r *Result) string { return latencyText(r, r.Latency.P50) }},
	{name: "latency p95", value: func(r *Result) string { return latencyText(r, r.Latency.P95) }},
	{name: "latency p99", value: func(r *Result) string { return latencyText(r, r.Latency.P99) },
		ratio: func(a, b *Result) float64 { return ratio(b.Latency.P99, a.Latency.P99) }},
	{name: "latency max", value: func(r *Result) string { return latencyText(r, r.Latency.Max) }},
	{name: "pool", value: func(r *Result) string {
		return fmt.Sprintf("%s, %d open, %d checked out", r.Pool.Kind, r.Pool.Open, r.Pool.CheckedOut)
	}},
	{name: "pool peak checked out", value: func(r *Result) string { return strconv.Itoa(r.Pool.PeakCheckedOut) }},
	{name: "pool peak open", value: func(r *Result) string { return strconv.Itoa(r.Pool.PeakOpen) }},
	{name: "pool peak overflow", value: func(r *Result) string { return strconv.Itoa(max(r.Pool.PeakOverflow, 0)) }},
	{name: "pool peak waiting", value: func(r *Result) string { return strconv.Itoa(r.Pool.PeakWaiters) }},
	{name: "pool waits", value: func(r *Result) string {
		return fmt.Sprintf("%d (%s in all)", r.Pool.Waits, msText(r.Pool.WaitMS))
	}},
	{name: "pool timeouts", value: func(r *Result) string { return strconv.FormatInt(r.Pool.Timeouts, 10) }},
	{name: "pool connections made", value: func(r *Result) string {
		return fmt.Sprintf("%d (%d closed, %d invalidated)", r.Pool.Created, r.Pool.Closed, r.Pool.Invalidated)
	}},
	{name: "pool pre-pings failed", value: func(r *Result) string { return strconv.FormatInt(r.Pool.PingsFailed, 10) }},
}

// printJSON writes v as indented JSON.
func printJSON(w io.Writer, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return fmt.Errorf("bench: %w", err)
	}
	_, err = fmt.Fprintf(w, "%s\n", b)
	return err
}

// printTable writes one run's results as a table, then its errors.
func printTable(w io.Writer, title string, r *Result) {
	t := newTable(w, title)
	for _, m := range metrics {
		t.AppendRow(table.Row{m.name, m.value(r)})
	}
	if r.Interrupted {
		t.AppendRow(table.Row{"interrupted", "yes (Ctrl-C): the figures are of the part that ran"})
	}
	t.Render()
	printErrors(w, "", r)
}

// printComparison writes both runs side by side with the ratios of B to A,
// then their errors. b is nil when Ctrl-C stopped the comparison before it.
func printComparison(w io.Writer, title string, a, b *Result) {
	t := newTable(w, title)
	t.AppendHeader(table.Row{"", "A: " + a.Label, "B: " + label(b), "B / A"})
	for _, m := range metrics {
		row := table.Row{m.name, m.value(a), "", ""}
		if b != nil {
			row[2] = m.value(b)
			if m.ratio != nil {
				row[3] = strconv.FormatFloat(m.ratio(a, b), 'f', 2, 64) + "×"
			}
		}
		t.AppendRow(row)
	}
	if a.Interrupted || b == nil || b.Interrupted {
		t.AppendRow(table.Row{"interrupted", yesNo(a.Interrupted), yesNo(b == nil || b.Interrupted), ""})
	}
	t.SetColumnConfigs([]table.ColumnConfig{{Number: 4, Align: text.AlignRight}})
	t.Render()
	printErrors(w, "A: ", a)
	if b != nil {
		printErrors(w, "B: ", b)
	}
}

func label(r *Result) string {
	if r == nil {
		return "(not run)"
	}
	return r.Label
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

func newTable(w io.Writer, title string) table.Writer {
	t := table.NewWriter()
	t.SetOutputMirror(w)
	t.SetStyle(table.StyleLight)
	t.Style().Format.Header = text.FormatDefault
	fmt.Fprintln(w, title)
	return t
}

// printErrors lists the first distinct error messages of a run.
func printErrors(w io.Writer, prefix string, r *Result) {
	if r.Errors == 0 {
		return
	}
	fmt.Fprintf(w, "%s%d failed transactions; first distinct errors:\n", prefix, r.Errors)
	for _, e := range r.ErrorMsgs {
		fmt.Fprintf(w, "  %6d× %s\n", e.Count, e.Message)
	}
}
