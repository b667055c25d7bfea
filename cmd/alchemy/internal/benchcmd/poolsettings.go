package benchcmd

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/go-alchemy/alchemy"
	"github.com/go-alchemy/alchemy/cmd/alchemy/internal/cli"
	"github.com/go-alchemy/alchemy/pool"
)

// PoolSettings are the pool settings one run uses: the pool's defaults, then
// the config file's, then the flags', then a --compare side's.
type PoolSettings struct {
	Size        int           `json:"pool_size"`
	MaxOverflow int           `json:"max_overflow"`
	Timeout     time.Duration `json:"-"`
	Recycle     time.Duration `json:"-"`
	PrePing     bool          `json:"pre_ping"`
	LIFO        bool          `json:"use_lifo"`

	// TimeoutText and RecycleText are Timeout and Recycle for JSON ("30s").
	TimeoutText string `json:"pool_timeout"`
	RecycleText string `json:"pool_recycle"`
}

// basePoolSettings returns the pool's defaults overlaid with the config
// file's settings, as cli.App.Open applies them.
func basePoolSettings(cfg cli.PoolConfig) PoolSettings {
	d := pool.DefaultConfig()
	s := PoolSettings{Size: d.Size, MaxOverflow: d.MaxOverflow, Timeout: d.Timeout, Recycle: d.Recycle, PrePing: d.PrePing, LIFO: d.LIFO}
	if cfg.Size > 0 {
		s.Size = cfg.Size
	}
	if cfg.MaxOverflow > 0 {
		s.MaxOverflow = cfg.MaxOverflow
	}
	if cfg.Timeout.Duration > 0 {
		s.Timeout = cfg.Timeout.Duration
	}
	if cfg.Recycle.Duration > 0 {
		s.Recycle = cfg.Recycle.Duration
	}
	if cfg.PrePing {
		s.PrePing = true
	}
	return s
}

// options returns the engine options that set s.
func (s PoolSettings) options() []alchemy.Option {
	return []alchemy.Option{
		alchemy.PoolSize(s.Size),
		alchemy.MaxOverflow(s.MaxOverflow),
		alchemy.PoolTimeout(s.Timeout),
		alchemy.PoolRecycle(s.Recycle),
		alchemy.PoolPrePing(s.PrePing),
		alchemy.PoolUseLIFO(s.LIFO),
	}
}

// withText fills the JSON text of the durations.
func (s PoolSettings) withText() PoolSettings {
	s.TimeoutText = s.Timeout.String()
	s.RecycleText = s.Recycle.String()
	return s
}

// String is the settings as a --compare spec would give them.
func (s PoolSettings) String() string {
	return fmt.Sprintf("pool_size=%d,max_overflow=%d,pool_timeout=%s,pre_ping=%t", s.Size, s.MaxOverflow, s.Timeout, s.PrePing)
}

// check refuses settings the pool would reject, as a usage error naming the
// setting.
func (s PoolSettings) check(what string) error {
	switch {
	case s.Size < 1 || s.Size > pool.MaxSize:
		return cli.Usagef("%s: pool_size %d: give 1 to %d", what, s.Size, pool.MaxSize)
	case s.MaxOverflow < -1 || s.MaxOverflow > pool.MaxSize:
		return cli.Usagef("%s: max_overflow %d: give -1 (no limit) to %d", what, s.MaxOverflow, pool.MaxSize)
	case s.Timeout < 0 || s.Timeout > pool.MaxTimeout:
		return cli.Usagef("%s: pool_timeout %s: give 0 (no limit) to %s", what, s.Timeout, pool.MaxTimeout)
	case s.Recycle < 0:
		return cli.Usagef("%s: pool_recycle %s must not be negative", what, s.Recycle)
	}
	return nil
}

// specKeys are the keys a --compare spec may set, with their setters.
var specKeys = map[string]func(s *PoolSettings, v string) error{
	"pool_size": func(s *PoolSettings, v string) (err error) {
		s.Size, err = strconv.Atoi(v)
		return err
	},
	"max_overflow": func(s *PoolSettings, v string) (err error) {
		s.MaxOverflow, err = strconv.Atoi(v)
		return err
	},
	"pool_timeout": func(s *PoolSettings, v string) (err error) {
		s.Timeout, err = cli.ParseDuration(v)
		return err
	},
	"pool_recycle": func(s *PoolSettings, v string) (err error) {
		s.Recycle, err = cli.ParseDuration(v)
		return err
	},
	"pre_ping": func(s *PoolSettings, v string) (err error) {
		s.PrePing, err = strconv.ParseBool(v)
		return err
	},
	"use_lifo": func(s *PoolSettings, v string) (err error) {
		s.LIFO, err = strconv.ParseBool(v)
		return err
	},
}

// applySpec returns base changed by a --compare spec: comma-separated
// key=value pairs ("pool_size=5,max_overflow=0").
func applySpec(base PoolSettings, spec string) (PoolSettings, error) {
	s := base
	if strings.TrimSpace(spec) == "" {
		return s, cli.Usagef("--compare %q: give key=value pairs, as pool_size=5,max_overflow=0", spec)
	}
	for _, part := range strings.Split(spec, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		k, v, ok := strings.Cut(part, "=")
		k, v = strings.TrimSpace(k), strings.TrimSpace(v)
		set := specKeys[k]
		if !ok || set == nil {
			return s, cli.Usagef("--compare %q: %q is not key=value with a key among %s", spec, part, strings.Join(specKeyNames(), ", "))
		}
		if err := set(&s, v); err != nil {
			return s, cli.Usagef("--compare %q: %s=%q: %v", spec, k, v, err)
		}
	}
	return s, s.check("--compare " + strconv.Quote(spec))
}

func specKeyNames() []string {
	names := make([]string, 0, len(specKeys))
	for k := range specKeys {
		names = append(names, k)
	}
	sort.Strings(names)
	return names
}
