// Package cli holds what the alchemy command's subcommands share: where the
// database URL and the pool settings come from, how an engine is opened, how
// rows and findings are printed, and the exit codes.
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"time"

	"github.com/BurntSushi/toml"
	"github.com/mattn/go-isatty"

	"github.com/go-alchemy/alchemy"
	_ "github.com/go-alchemy/alchemy/dialect/mssql"      // the dialects the command knows
	_ "github.com/go-alchemy/alchemy/dialect/mysql"      //
	_ "github.com/go-alchemy/alchemy/dialect/postgresql" //
	_ "github.com/go-alchemy/alchemy/dialect/sqlite"     //
	"github.com/go-alchemy/alchemy/pool"
)

// DefaultURL is the database used when no URL is given: an SQLite file in the
// working directory.
const DefaultURL = "sqlite:///alchemy.db"

// URLEnv is the environment variable holding the database URL.
const URLEnv = "ALCHEMY_URL"

// DefaultConfig is the config file read when --config is not given, if it exists.
const DefaultConfig = "alchemy.toml"

// Config is the config file (TOML): the URL and the pool settings the
// application uses, which ping shows and doctor checks.
//
//	url = "postgresql://app@db/prod"
//	[pool]
//	size = 10
//	max_overflow = 5
//	timeout = "30s"
//	recycle = "30m"
//	max_idle_time = "5m"   # 0 turns the idle retirement off
//	pre_ping = true
//	processes = 4   # processes (or replicas) each with a pool of their own
type Config struct {
	URL  string     `toml:"url"`
	Pool PoolConfig `toml:"pool"`
}

// PoolConfig are an application's pool settings, as create_engine takes them.
type PoolConfig struct {
	Size        int      `toml:"size"`
	MaxOverflow int      `toml:"max_overflow"`
	Timeout     Duration `toml:"timeout"`
	Recycle     Duration `toml:"recycle"`
	MaxIdleTime Duration `toml:"max_idle_time"`
	PrePing     bool     `toml:"pre_ping"`
	Processes   int      `toml:"processes"`
}

// Duration is a time.Duration read from TOML as "30s" or a number of seconds.
type Duration struct{ time.Duration }

// UnmarshalText reads "30s", "5m" or "1800" (seconds).
func (d *Duration) UnmarshalText(b []byte) error {
	v, err := ParseDuration(string(b))
	d.Duration = v
	return err
}

// ParseDuration reads a Go duration ("30s") or a number of seconds ("1800").
func ParseDuration(s string) (time.Duration, error) {
	if d, err := time.ParseDuration(s); err == nil {
		return d, nil
	}
	var secs float64
	if _, err := fmt.Sscanf(s, "%g", &secs); err != nil || secs < 0 {
		return 0, fmt.Errorf("%q is not a duration (give 30s, 5m or a number of seconds)", s)
	}
	return time.Duration(secs * float64(time.Second)), nil
}

// App is the state every subcommand shares: the global flags, the config and
// where output goes.
type App struct {
	// URLFlag, ConfigFlag and Format are the global flags.
	URLFlag    string
	ConfigFlag string
	Format     string
	// Config is the config file read (zero when there is none).
	Config Config
	// configMeta says which keys the config file set (a max_overflow of 0 is a
	// setting, not an absence); configFile is the file read, "" for none.
	configMeta toml.MetaData
	configFile string
	// Out and Err are where output and errors go.
	Out, Err io.Writer
	// In is where interactive input comes from.
	In io.Reader
}

// New returns an App writing to the process's standard streams.
func New() *App { return &App{Out: os.Stdout, Err: os.Stderr, In: os.Stdin, Format: "table"} }

// LoadConfig reads the config file: --config, else alchemy.toml when it exists.
func (a *App) LoadConfig() error {
	path := a.ConfigFlag
	if path == "" {
		if _, err := os.Stat(DefaultConfig); err != nil {
			return nil
		}
		path = DefaultConfig
	}
	md, err := toml.DecodeFile(path, &a.Config)
	if err != nil {
		return Usagef("config file %s: %v", path, err)
	}
	a.configMeta, a.configFile = md, path
	return nil
}

// ConfigFile returns the config file read, "" when there is none.
func (a *App) ConfigFile() string { return a.configFile }

// ConfigSets reports whether the config file set the key at path ("pool",
// "max_overflow").
func (a *App) ConfigSets(path ...string) bool { return a.configMeta.IsDefined(path...) }

// URL returns the database URL and where it came from: --url, $ALCHEMY_URL,
// the config file, or the default SQLite file.
func (a *App) URL() (url, from string) {
	switch {
	case a.URLFlag != "":
		return a.URLFlag, "--url"
	case os.Getenv(URLEnv) != "":
		return os.Getenv(URLEnv), "$" + URLEnv
	case a.Config.URL != "":
		return a.Config.URL, "config file"
	}
	return DefaultURL, "default"
}

// Open makes an engine on the URL with the config's pool settings and opts,
// and checks that the database answers. A URL that can never work is a usage
// mistake (CheckURL); its errors name the URL without its password.
func (a *App) Open(ctx context.Context, opts ...alchemy.Option) (*alchemy.Engine, error) {
	u, _, err := a.CheckURL()
	if err != nil {
		return nil, err
	}
	var all []alchemy.Option
	p := a.Config.Pool
	if p.Size > 0 {
		all = append(all, alchemy.PoolSize(p.Size))
	}
	if p.MaxOverflow != 0 || a.ConfigSets("pool", "max_overflow") {
		all = append(all, alchemy.MaxOverflow(p.MaxOverflow))
	}
	if p.Timeout.Duration > 0 {
		all = append(all, alchemy.PoolTimeout(p.Timeout.Duration))
	}
	if p.Recycle.Duration > 0 {
		all = append(all, alchemy.PoolRecycle(p.Recycle.Duration))
	}
	if p.MaxIdleTime.Duration != 0 || a.ConfigSets("pool", "max_idle_time") {
		all = append(all, alchemy.PoolMaxIdleTime(p.MaxIdleTime.Duration))
	}
	if p.PrePing {
		all = append(all, alchemy.PoolPrePing(true))
	}
	// The command reports failures itself: the engine's own log (the pool's
	// connect back-off, say) would only repeat them.
	all = append([]alchemy.Option{alchemy.Logger(slog.New(slog.DiscardHandler))}, all...)
	eng, err := alchemy.CreateEngineURL(u, append(all, opts...)...)
	if err != nil {
		err = fmt.Errorf("%s: %w", u, err)
		if errors.Is(err, pool.ErrInvalidConfig) { // a [pool] setting out of range: the user's mistake
			return nil, &ExitError{Code: ExitUsage, Err: err}
		}
		return nil, err
	}
	conn, err := eng.Connect(ctx)
	if err == nil {
		err = conn.Close()
	}
	if err != nil {
		_ = eng.Dispose()
		return nil, fmt.Errorf("cannot connect to %s: %w", u, err)
	}
	return eng, nil
}

// Color reports whether w is a terminal, where output may be coloured.
func Color(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && os.Getenv("NO_COLOR") == "" && (isatty.IsTerminal(f.Fd()) || isatty.IsCygwinTerminal(f.Fd()))
}

// Exit codes, as the README documents them.
const (
	ExitOK       = 0 // done, nothing found
	ExitFailure  = 1 // a failure, or findings (doctor)
	ExitUsage    = 2 // a mistake in the command line or the config
	ExitFindings = ExitFailure
)

// ExitError is an error with the exit code it means.
type ExitError struct {
	Code int
	Err  error
}

func (e *ExitError) Error() string { return e.Err.Error() }
func (e *ExitError) Unwrap() error { return e.Err }

// Usagef is a usage error: exit code 2.
func Usagef(format string, a ...any) error {
	return &ExitError{Code: ExitUsage, Err: fmt.Errorf(format, a...)}
}

// Findings is the error of a command that ran and found problems: exit code 1,
// with nothing more to print.
var Findings = &ExitError{Code: ExitFindings, Err: errors.New("findings")}

// Code returns the exit code err means: 0 for nil, its ExitError's, else 1.
func Code(err error) int {
	if err == nil {
		return ExitOK
	}
	var e *ExitError
	if errors.As(err, &e) {
		return e.Code
	}
	return ExitFailure
}
