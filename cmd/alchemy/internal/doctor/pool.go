package doctor

import (
	"fmt"
	"strconv"
	"time"

	"github.com/spf13/cobra"

	"github.com/go-alchemy/alchemy/cmd/alchemy/internal/cli"
	"github.com/go-alchemy/alchemy/pool"
)

// alchemy's own pool defaults (see alchemy.PoolSize, MaxOverflow, PoolTimeout).
const (
	defaultPoolSize    = 5
	defaultMaxOverflow = 10
	defaultPoolTimeout = 30 * time.Second
	defaultMaxIdleTime = pool.DefaultMaxIdleTime
)

// poolSettings are the application's pool settings the doctor checks, each with
// where it came from.
type poolSettings struct {
	Size, MaxOverflow, Processes int
	Timeout, Recycle             time.Duration
	// MaxIdleTime: an idle connection older than this is closed, never
	// handed out (alchemy's PoolMaxIdleTime; 0: never).
	MaxIdleTime time.Duration
	PrePing     bool
	// from holds each setting's source, by its SQLAlchemy name.
	from map[string]string
}

// poolFlags are the command line's pool flags.
type poolFlags struct {
	size, maxOverflow, processes int
	timeout, recycle, maxIdle    time.Duration
	prePing                      bool
}

func (p *poolFlags) register(cmd *cobra.Command) {
	fs := cmd.Flags()
	fs.IntVar(&p.size, "pool-size", defaultPoolSize, "the application's pool_size (when not given: the config file's [pool] size, else alchemy's)")
	fs.IntVar(&p.maxOverflow, "max-overflow", defaultMaxOverflow, "the application's max_overflow, -1 for no limit (when not given: the config file's, else alchemy's)")
	fs.DurationVar(&p.timeout, "pool-timeout", defaultPoolTimeout, "the application's pool_timeout (when not given: the config file's, else alchemy's)")
	fs.DurationVar(&p.recycle, "pool-recycle", 0, "the application's pool_recycle, 0 for never (when not given: the config file's)")
	fs.DurationVar(&p.maxIdle, "pool-max-idle-time", defaultMaxIdleTime, "the application's PoolMaxIdleTime, 0 for never (when not given: the config file's max_idle_time, else alchemy's)")
	fs.BoolVar(&p.prePing, "pre-ping", false, "the application uses pool_pre_ping (when not given: the config file's pre_ping)")
	fs.IntVar(&p.processes, "processes", 1, "how many processes (or replicas) each hold a pool of their own (when not given: the config file's)")
}

// resolvePool merges the flags given, the config file's [pool] and alchemy's
// defaults, in that order of precedence.
func resolvePool(app *cli.App, cmd *cobra.Command, p *poolFlags) (poolSettings, error) {
	fs := cmd.Flags()
	s := poolSettings{
		Size: defaultPoolSize, MaxOverflow: defaultMaxOverflow, Timeout: defaultPoolTimeout, MaxIdleTime: defaultMaxIdleTime, Processes: 1,
		from: map[string]string{},
	}
	const def = "alchemy's default"
	for _, k := range []string{"pool_size", "max_overflow", "pool_timeout", "pool_recycle", "pool_max_idle_time", "pool_pre_ping", "processes"} {
		s.from[k] = def
	}
	c := app.Config.Pool
	fromFile := "config file " + app.ConfigFile() + " [pool] "
	if c.Size > 0 {
		s.Size, s.from["pool_size"] = c.Size, fromFile+"size"
	}
	if c.MaxOverflow != 0 || app.ConfigSets("pool", "max_overflow") {
		s.MaxOverflow, s.from["max_overflow"] = c.MaxOverflow, fromFile+"max_overflow"
	}
	if c.Timeout.Duration > 0 {
		s.Timeout, s.from["pool_timeout"] = c.Timeout.Duration, fromFile+"timeout"
	}
	if c.Recycle.Duration > 0 {
		s.Recycle, s.from["pool_recycle"] = c.Recycle.Duration, fromFile+"recycle"
	}
	if c.MaxIdleTime.Duration != 0 || app.ConfigSets("pool", "max_idle_time") {
		s.MaxIdleTime, s.from["pool_max_idle_time"] = c.MaxIdleTime.Duration, fromFile+"max_idle_time"
	}
	if c.PrePing {
		s.PrePing, s.from["pool_pre_ping"] = true, fromFile+"pre_ping"
	}
	if c.Processes > 0 {
		s.Processes, s.from["processes"] = c.Processes, fromFile+"processes"
	}
	set := func(name, key string, apply func()) {
		if fs.Changed(name) {
			apply()
			s.from[key] = "--" + name
		}
	}
	set("pool-size", "pool_size", func() { s.Size = p.size })
	set("max-overflow", "max_overflow", func() { s.MaxOverflow = p.maxOverflow })
	set("pool-timeout", "pool_timeout", func() { s.Timeout = p.timeout })
	set("pool-recycle", "pool_recycle", func() { s.Recycle = p.recycle })
	set("pool-max-idle-time", "pool_max_idle_time", func() { s.MaxIdleTime = p.maxIdle })
	set("pre-ping", "pool_pre_ping", func() { s.PrePing = p.prePing })
	set("processes", "processes", func() { s.Processes = p.processes })

	switch {
	case s.Size < 1:
		return s, cli.Usagef("pool_size %d: give 1 or more", s.Size)
	case s.MaxOverflow < -1:
		return s, cli.Usagef("max_overflow %d: give 0 or more, or -1 for no limit", s.MaxOverflow)
	case s.Processes < 1:
		return s, cli.Usagef("processes %d: give 1 or more", s.Processes)
	case s.Timeout < 0 || s.Recycle < 0 || s.MaxIdleTime < 0:
		return s, cli.Usagef("pool_timeout, pool_recycle and pool_max_idle_time cannot be negative")
	}
	return s, nil
}

// evidence returns the setting named (pool_size, pool_recycle...) as evidence.
func (s poolSettings) evidence(key string) Evidence {
	var v string
	switch key {
	case "pool_size":
		v = strconv.Itoa(s.Size)
	case "max_overflow":
		v = strconv.Itoa(s.MaxOverflow)
		if s.MaxOverflow < 0 {
			v = "-1 (no limit)"
		}
	case "pool_timeout":
		v = human(s.Timeout)
	case "pool_recycle":
		v = "never"
		if s.Recycle > 0 {
			v = human(s.Recycle)
		}
	case "pool_max_idle_time":
		v = "never"
		if s.MaxIdleTime > 0 {
			v = human(s.MaxIdleTime)
		}
	case "pool_pre_ping":
		v = strconv.FormatBool(s.PrePing)
	case "processes":
		v = strconv.Itoa(s.Processes)
	}
	return Evidence{Setting: key, Value: v, Source: s.from[key]}
}

// all returns every setting as evidence, for the report.
func (s poolSettings) all() []Evidence {
	var ev []Evidence
	for _, k := range []string{"pool_size", "max_overflow", "pool_timeout", "pool_recycle", "pool_max_idle_time", "pool_pre_ping", "processes"} {
		ev = append(ev, s.evidence(k))
	}
	return ev
}

// demand is how many connections the application may open at most, all
// processes together; -1 when max_overflow sets no limit.
func (s poolSettings) demand() int {
	if s.MaxOverflow < 0 {
		return -1
	}
	return (s.Size + s.MaxOverflow) * s.Processes
}

// describe is the demand spelled out: "(5 + 10) × 4 processes = 60".
func (s poolSettings) describe() string {
	if s.MaxOverflow < 0 {
		return fmt.Sprintf("pool_size %d with no max_overflow limit, × %d", s.Size, s.Processes)
	}
	return fmt.Sprintf("(pool_size %d + max_overflow %d) × %d %s = %d",
		s.Size, s.MaxOverflow, s.Processes, plural(s.Processes, "process", "processes"), s.demand())
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
