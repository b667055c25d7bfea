// Package benchcmd is the alchemy command's bench subcommand: a pgbench-like
// load generator over alchemy's engine and pool. `bench init` makes and
// fills its tables, `bench` runs a script from many clients for a duration
// or a number of transactions and reports throughput, latency percentiles,
// errors and the pool's counters, `bench --compare` runs the same load under
// two pool configurations, and `bench drop` removes the tables.
package benchcmd

import (
	"github.com/spf13/cobra"

	"github.com/go-alchemy/alchemy/cmd/alchemy/internal/cli"
)

// flags are the bench command's flags.
type flags struct {
	prefix string

	script       string
	file         string
	inTx         bool
	ids          int
	clients      int
	duration     string
	transactions int64
	compare      []string
	progress     string

	poolSize    int
	maxOverflow int
	poolTimeout string
	prePing     bool

	scale int
}

// noArgs refuses positional arguments as a usage error (exit 2).
func noArgs(cmd *cobra.Command, args []string) error {
	if len(args) > 0 {
		return cli.Usagef("%s takes no arguments, got %q (see --help)", cmd.CommandPath(), args)
	}
	return nil
}

// Command returns the bench subcommand, with init and drop beneath it.
func Command(app *cli.App) *cobra.Command {
	var f flags
	cmd := &cobra.Command{
		Use:   "bench",
		Short: "load the database from many clients and measure throughput, latency and the pool",
		Long: `bench is a pgbench-like load generator over alchemy's engine and pool.

  alchemy bench init --scale 1      create and fill the tables (10,000 accounts per scale)
  alchemy bench --clients 8 --duration 10s
  alchemy bench --script read-write --transactions 5000
  alchemy bench --file script.sql --clients 4
  alchemy bench --compare pool_size=5,max_overflow=0 --compare pool_size=20
  alchemy bench drop                drop the tables

Scripts (one run of a script is one transaction):
  read-only    SELECT balance FROM <prefix>accounts WHERE id = :id
  read-write   in one transaction: UPDATE the account's balance by :delta,
               SELECT it, INSERT (:id, :delta, :client) into <prefix>history
  --file F     the statements of F (";"-separated; "-" reads stdin) on one
               connection, each committing on its own, or in one transaction
               with --tx. Binds: :id (a random account id), :delta (-5000 to
               5000), :client (1 to --clients), drawn once per transaction.

Each client checks a connection out of the engine's pool per transaction,
so the pool settings (--pool-size, --max-overflow, --pool-timeout,
--pre-ping, over the config file's) shape the results. A failed transaction
counts as an error and the client goes on; the first distinct messages are
reported. Ctrl-C stops the run and prints what was measured.

--compare takes a pool configuration, key=value pairs separated by commas
(pool_size, max_overflow, pool_timeout, pool_recycle, pre_ping, use_lifo), and
is given twice: the same load runs under A, then under B, over the flags'
settings, and both are printed side by side with B/A for throughput and p99.

Exit codes: 0 every transaction committed, 1 some failed (the results are
still printed) or the database cannot be reached, 2 a bad flag.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runBench(cmd, app, &f)
		},
	}
	pf := cmd.PersistentFlags()
	pf.StringVar(&f.prefix, "prefix", DefaultPrefix, "start of the bench's table names (<prefix>accounts, <prefix>history)")

	fl := cmd.Flags()
	fl.StringVar(&f.script, "script", ReadOnly, "built-in script: read-only or read-write")
	fl.StringVarP(&f.file, "file", "f", "", "run the SQL statements of this file instead (- for stdin)")
	fl.BoolVar(&f.inTx, "tx", false, "run the --file statements in one transaction (else each commits on its own)")
	fl.IntVar(&f.ids, "ids", 0, "draw :id from 1 to this (default: the accounts' largest id)")
	fl.IntVarP(&f.clients, "clients", "c", 4, "concurrent clients (goroutines)")
	fl.StringVarP(&f.duration, "duration", "T", "", "run this long, e.g. 10s (default 10s unless --transactions)")
	fl.Int64VarP(&f.transactions, "transactions", "t", 0, "run this many transactions in all, failed ones included")
	fl.StringArrayVar(&f.compare, "compare", nil, "a pool configuration to compare, as pool_size=5,max_overflow=0; give it twice (A, then B)")
	fl.StringVar(&f.progress, "progress", progressAuto, "live progress: auto (a bar when on a terminal), lines (a line per second on stderr), none")
	fl.Lookup("progress").NoOptDefVal = progressLines
	fl.IntVar(&f.poolSize, "pool-size", 0, "pool_size (default the config's, else 5)")
	fl.IntVar(&f.maxOverflow, "max-overflow", 0, "max_overflow, -1 for no limit (default the config's, else 10)")
	fl.StringVar(&f.poolTimeout, "pool-timeout", "", "pool_timeout, e.g. 30s (default the config's, else 30s)")
	fl.BoolVar(&f.prePing, "pre-ping", false, "pool_pre_ping (default the config's)")

	cmd.AddCommand(initCommand(app, &f), dropCommand(app, &f))
	return cmd
}
