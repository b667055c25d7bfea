package ping

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"text/tabwriter"
	"time"

	"github.com/go-alchemy/alchemy"
	"github.com/go-alchemy/alchemy/cmd/alchemy/internal/cli"
	"github.com/go-alchemy/alchemy/pool"
)

// report is what ping found, as --format json prints it.
type report struct {
	OK            bool    `json:"ok"`
	Error         string  `json:"error,omitempty"`
	URL           string  `json:"url"`      // without the password
	URLFrom       string  `json:"url_from"` // --url, $ALCHEMY_URL, config file or default
	Dialect       string  `json:"dialect"`
	Driver        string  `json:"driver"`
	ServerVersion string  `json:"server_version,omitempty"` // as the server reports it
	Version       string  `json:"version,omitempty"`        // major.minor.patch
	ConnectMS     float64 `json:"connect_ms,omitempty"`     // the first connection, made by Open
	Probe         string  `json:"probe"`
	Count         int     `json:"count,omitempty"`
	RTT           *rtt    `json:"rtt,omitempty"`
	Pool          *pools  `json:"pool,omitempty"`
}

// rtt sums up the round trips.
type rtt struct {
	MinMS     float64   `json:"min_ms"`
	MedianMS  float64   `json:"median_ms"`
	MaxMS     float64   `json:"max_ms"`
	SamplesMS []float64 `json:"samples_ms"`
}

// pools is the pool's kind and the settings in force, each with where it came
// from ("default" or "config"; for max_idle_time also "pool kind", when the
// pool is not a QueuePool, which alone retires idle connections).
type pools struct {
	Kind         string            `json:"kind"`
	Size         int               `json:"size"`
	MaxOverflow  int               `json:"max_overflow"` // -1: no limit
	TimeoutS     float64           `json:"timeout_s"`
	RecycleS     float64           `json:"recycle_s"` // 0: never
	Recycle      bool              `json:"recycle"`
	MaxIdleTimeS float64           `json:"max_idle_time_s"` // 0: off
	PrePing      bool              `json:"pre_ping"`
	From         map[string]string `json:"from"`
}

// fromPoolKind is the source of a max idle time the pool kind turns off.
const fromPoolKind = "pool kind"

// poolReport reads the pool's kind, size and overflow from the engine, and
// the settings it does not report (timeout, recycle, max idle time, pre-ping)
// from the defaults as the config file overrides them, which is how
// cli.App.Open builds the engine. Only a QueuePool retires idle connections
// and pre-pings: under any other kind both are off, whatever was set.
func poolReport(eng *alchemy.Engine, app *cli.App) *pools {
	cfg := app.Config.Pool
	st := eng.PoolStatus()
	def := pool.DefaultConfig()
	p := &pools{
		Kind:        st.Kind,
		Size:        st.Size,
		MaxOverflow: st.MaxOverflow,
		From:        map[string]string{},
	}
	from := func(name string, set bool) {
		p.From[name] = "default"
		if set {
			p.From[name] = "config"
		}
	}
	from("size", cfg.Size > 0)
	from("max_overflow", cfg.MaxOverflow != 0 || app.ConfigSets("pool", "max_overflow"))
	timeout := def.Timeout
	if cfg.Timeout.Duration > 0 {
		timeout = cfg.Timeout.Duration
	}
	from("timeout", cfg.Timeout.Duration > 0)
	recycle := def.Recycle
	if cfg.Recycle.Duration > 0 {
		recycle = cfg.Recycle.Duration
	}
	from("recycle", cfg.Recycle.Duration > 0)
	// A 0 in the file is a setting (off), as cli.App.Open reads it.
	idleSet := cfg.MaxIdleTime.Duration != 0 || app.ConfigSets("pool", "max_idle_time")
	maxIdle := def.MaxIdleTime
	if idleSet {
		maxIdle = cfg.MaxIdleTime.Duration
	}
	from("max_idle_time", idleSet)
	if st.Kind != "QueuePool" {
		maxIdle, p.From["max_idle_time"] = 0, fromPoolKind
	}
	p.MaxIdleTimeS = maxIdle.Seconds()
	p.PrePing = def.PrePing || cfg.PrePing
	from("pre_ping", cfg.PrePing)
	if st.Kind != "QueuePool" {
		p.PrePing, p.From["pre_ping"] = false, fromPoolKind
	}
	p.TimeoutS, p.RecycleS, p.Recycle = timeout.Seconds(), recycle.Seconds(), recycle > 0
	return p
}

// writeJSON prints r as one indented JSON object.
func (r *report) writeJSON(w io.Writer) error {
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(w, "%s\n", b)
	return err
}

// writeTable prints r as aligned lines of a name and a value.
func (r *report) writeTable(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	line := func(name, format string, a ...any) {
		fmt.Fprintf(tw, "%s\t%s\n", name, fmt.Sprintf(format, a...))
	}
	line("URL", "%s (from %s)", r.URL, r.URLFrom)
	line("Dialect", "%s, driver %s", r.Dialect, r.Driver)
	line("Server", "%s", r.ServerVersion)
	line("Connect", "%s", msText(r.ConnectMS))
	line("Round trip", "min %s, median %s, max %s (%d × %s)",
		msText(r.RTT.MinMS), msText(r.RTT.MedianMS), msText(r.RTT.MaxMS), r.Count, r.Probe)
	p := r.Pool
	line("Pool", "%s", p.Kind)
	line("  size", "%d%s", p.Size, note(p.From["size"]))
	overflow := fmt.Sprint(p.MaxOverflow)
	if p.MaxOverflow < 0 {
		overflow = "no limit"
	}
	line("  max overflow", "%s%s", overflow, note(p.From["max_overflow"]))
	line("  timeout", "%s%s", seconds(p.TimeoutS), note(p.From["timeout"]))
	recycle := "off"
	if p.Recycle {
		recycle = seconds(p.RecycleS)
	}
	line("  recycle", "%s%s", recycle, note(p.From["recycle"]))
	maxIdle, idleNote := "off", note(p.From["max_idle_time"])
	if p.MaxIdleTimeS > 0 {
		maxIdle = seconds(p.MaxIdleTimeS)
	}
	if p.From["max_idle_time"] == fromPoolKind {
		idleNote = " (" + p.Kind + " ignores it)"
	}
	line("  max idle time", "%s%s", maxIdle, idleNote)
	preNote := note(p.From["pre_ping"])
	if p.From["pre_ping"] == fromPoolKind {
		preNote = " (" + p.Kind + " ignores it)"
	}
	line("  pre-ping", "%s%s", onOff(p.PrePing), preNote)
	return tw.Flush()
}

// msText renders milliseconds as a duration ("1.234ms", "2.5s").
func msText(v float64) string {
	return (time.Duration(math.Round(v*1000)) * time.Microsecond).String()
}

// seconds renders seconds as a duration ("30s", "1h0m0s").
func seconds(v float64) string {
	return (time.Duration(math.Round(v*1000)) * time.Millisecond).String()
}

// note says where a setting came from, when it was not the default.
func note(from string) string {
	if from == "config" {
		return " (config file)"
	}
	return ""
}

// onOff renders a switch.
func onOff(b bool) string {
	if b {
		return "on"
	}
	return "off"
}
