// Package doctor is the alchemy command's doctor subcommand: it reads the
// server's settings as the application's own role sees them (idle timeouts,
// connection limits, statement timeouts, a PgBouncer in between) and compares
// them with the application's pool settings, finding what will fail requests
// and how to fix it. With --explain it says, offline, which layer an error
// message comes from and what to do about it; with --probe it measures after
// how long an idle connection dies on the way to the server.
package doctor

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/go-alchemy/alchemy"
	"github.com/go-alchemy/alchemy/cmd/alchemy/internal/cli"
	"github.com/go-alchemy/alchemy/dialect"
)

// readTimeout bounds the reading of the server's settings.
const readTimeout = 30 * time.Second

// Command returns the doctor subcommand.
func Command(app *cli.App) *cobra.Command {
	var (
		pf       poolFlags
		explainS string
		doProbe  bool
		probeMax time.Duration
	)
	cmd := &cobra.Command{
		Use:   "doctor",
		Short: "check the pool's settings against the server's, or explain an error message",
		Long: `doctor connects as the application does (same URL, same role) and reads what
the server will do to its connections: end them when idle (PostgreSQL
idle_session_timeout and idle_in_transaction_session_timeout, MySQL wait_timeout,
PgBouncer client_idle_timeout), refuse them (max_connections, reserved slots,
per-role, per-database and per-user limits), cancel statements (statement_timeout,
lock_timeout, max_execution_time), and whether a pooler in transaction mode sits in
between. It compares that with the pool settings of the flags or of the config
file's [pool] (flags win) and prints each finding with its severity, the evidence
(setting, value, and where the value comes from) and the fix.

--explain "message" says which layer an error message comes from (server idle
timeout, administrator, PgBouncer, middlebox, network, pool, driver) and what to do,
without a database. --probe idles a connection for 1s, 2s, 4s... up to --probe-max
and measures after how long this path kills idle connections.

Exit codes: 0 nothing worse than info, 1 a warning or an error (or an unknown
message for --explain), 2 a usage mistake.`,
		Example: `  alchemy doctor --url postgresql://app@db/prod --pool-size 20 --processes 8
  alchemy doctor --pool-recycle 30m --pre-ping --format json
  alchemy doctor --probe --probe-max 10m
  alchemy doctor --explain "FATAL: terminating connection due to idle-session timeout (SQLSTATE 57P05)"`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := app.CheckFormat("table", "json"); err != nil {
				return err
			}
			if cmd.Flags().Changed("explain") {
				return runExplain(app, explainS)
			}
			pool, err := resolvePool(app, cmd, &pf)
			if err != nil {
				return err
			}
			if doProbe && probeMax < probeStart {
				return cli.Usagef("--probe-max %s: give at least %s", probeMax, probeStart)
			}
			if !doProbe {
				probeMax = 0
			}
			return runDoctor(cmd.Context(), app, pool, probeMax)
		},
	}
	pf.register(cmd)
	f := cmd.Flags()
	f.StringVar(&explainS, "explain", "", `explain an error message ("-" reads it from standard input); needs no database`)
	f.BoolVar(&doProbe, "probe", false, "measure after how long an idle connection dies on this path (takes up to --probe-max and more)")
	f.DurationVar(&probeMax, "probe-max", 2*time.Minute, "the longest idle interval --probe tries")
	return cmd
}

// runExplain prints what is known of an error message; an unknown one is a
// failure (exit 1).
func runExplain(app *cli.App, msg string) error {
	if msg == "-" {
		b, err := io.ReadAll(app.In)
		if err != nil {
			return fmt.Errorf("reading the message from standard input: %w", err)
		}
		msg = string(b)
	}
	if strings.TrimSpace(msg) == "" {
		return cli.Usagef("--explain: give the error message")
	}
	r := explainReport{Message: msg, Matches: explain(msg)}
	r.Known = len(r.Matches) > 0
	if r.Matches == nil {
		r.Matches = []Explanation{}
	}
	if err := r.write(app.Out, app.Format); err != nil {
		return err
	}
	if !r.Known {
		return cli.Findings
	}
	return nil
}

// runDoctor reads the server, checks it against pool, probes when probeMax is
// set, and prints the report.
func runDoctor(ctx context.Context, app *cli.App, pool poolSettings, probeMax time.Duration) error {
	raw, from := app.URL()
	u, err := alchemy.ParseURL(raw)
	if err != nil {
		return cli.Usagef("database URL: %v", err)
	}
	r := &report{Server: serverInfo{URL: u.String(), URLFrom: from, Dialect: u.Backend()}, Pool: pool.all()}
	fs := &r.Findings

	switch u.Backend() {
	case "postgresql", "mysql", "mariadb":
		if err := examine(ctx, app, u, pool, probeMax, r); err != nil {
			return err
		}
	case "sqlite":
		fs.add(SevInfo, checkNotChecked, "SQLite runs inside the process: no server ends its connections or limits them, so there is nothing to check", "")
	default:
		if _, err := dialect.ForURL(u); err != nil {
			return fmt.Errorf("%s: %w", u, err)
		}
		fs.add(SevInfo, checkNotChecked, fmt.Sprintf("doctor has no checks for %s yet: only the URL was checked", u.Backend()), "")
	}
	r.finish()
	if err := r.write(app.Out, app.Format, cli.Color(app.Out)); err != nil {
		return err
	}
	if r.Findings.failed() {
		return cli.Findings
	}
	return nil
}

// examine connects to a PostgreSQL, MySQL or MariaDB server as the URL says,
// reads it, checks it, and probes it when probeMax is set.
func examine(ctx context.Context, app *cli.App, u dialect.URL, pool poolSettings, probeMax time.Duration, r *report) error {
	// The doctor's own engine: a few connections of its own, no recycling or
	// pinging that would hide what the server does, no driver or pool logging
	// on the terminal, and for PostgreSQL the simple protocol, which works
	// through PgBouncer whatever the URL says.
	opts := []alchemy.Option{
		alchemy.PoolSize(2), alchemy.MaxOverflow(1), alchemy.PoolRecycle(0), alchemy.PoolPrePing(false),
		alchemy.PoolTimeout(15 * time.Second), alchemy.PoolConnectBackoff(0, 0),
		alchemy.Logger(slog.New(slog.DiscardHandler)),
	}
	if u.Backend() == "postgresql" {
		opts = append(opts, alchemy.ConnectArgs(map[string]any{"default_query_exec_mode": "simple_protocol"}))
	} else {
		opts = append(opts, alchemy.ConnectArgs(map[string]any{"logger": quietLogger{}}))
	}
	eng, err := app.Open(ctx, opts...)
	if err != nil {
		return err
	}
	defer eng.Dispose()

	rctx, cancel := context.WithTimeout(ctx, readTimeout)
	defer cancel()
	conn, err := eng.Connect(rctx)
	if err != nil {
		return fmt.Errorf("cannot connect to %s: %w", u, err)
	}
	fs := &r.Findings
	if u.Backend() == "postgresql" {
		facts, err := readPostgres(rctx, conn, fs)
		_ = conn.Close()
		if err != nil {
			return err
		}
		r.Server.Version, r.Server.User, r.Server.Database = facts.Version, facts.User, facts.Database
		for _, n := range pgSettingNames {
			if s := facts.setting(n); s != nil {
				r.Settings = append(r.Settings, s.evidence())
			}
		}
		b, err := detectPooler(rctx, eng)
		if err != nil {
			fs.unreadable("pg_backend_pid()", "whether a pooler sits in between (backend pids across transactions)", err)
		}
		if b != nil && b.transaction {
			readBouncerConfig(rctx, u, b)
			r.Server.Pooler = "a pooler in transaction mode (PgBouncer)"
			if m, ok := b.config["pool_mode"]; ok {
				r.Server.Pooler = "PgBouncer, pool_mode " + m
			}
		}
		checkBouncer(b, u, pool, fs)
		checkPostgres(facts, b, pool, fs)
	} else {
		facts, err := readMySQL(rctx, conn, u, fs)
		_ = conn.Close()
		if err != nil {
			return err
		}
		r.Server.Version, r.Server.User = facts.Version, facts.Account
		for _, n := range myVariableNames {
			if ev, _, ok := facts.variable(n); ok {
				r.Settings = append(r.Settings, ev)
			}
		}
		checkMySQL(facts, pool, fs)
	}

	if probeMax > 0 {
		res, err := probe(ctx, eng, probeMax, app.Err)
		r.Probe = res
		if err != nil {
			if errors.Is(err, context.Canceled) {
				return fmt.Errorf("probe interrupted: %w", err)
			}
			fs.add(SevInfo, checkProbe, "the probe could not run: "+oneLine(err), "")
		} else {
			probeFindings(res, pool, fs)
		}
	}
	return nil
}

// quietLogger is a logger for the MySQL driver (its Logger interface) that
// drops the lines it would print about connections the server closed: the
// doctor reports those itself.
type quietLogger struct{}

// Print drops a line of the driver's.
func (quietLogger) Print(...any) {}
