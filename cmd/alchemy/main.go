// Command alchemy is the everyday tool of the alchemy database toolkit: ping a
// database, run SQL, inspect a schema and draw it, generate typed Go tables
// from it, check a pool's settings against the server (doctor), and load it
// (bench). It runs on an SQLite file in the working directory unless given a
// URL (--url, $ALCHEMY_URL or the config file alchemy.toml); SQLAlchemy URLs
// pasted from Python configs work as they are.
//
// Exit codes: 0 done, 1 a failure or findings, 2 a mistake in the command line
// or config.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"strings"

	"github.com/spf13/cobra"

	"github.com/go-alchemy/alchemy/cmd/alchemy/internal/benchcmd"
	"github.com/go-alchemy/alchemy/cmd/alchemy/internal/cli"
	"github.com/go-alchemy/alchemy/cmd/alchemy/internal/doctor"
	"github.com/go-alchemy/alchemy/cmd/alchemy/internal/gen"
	"github.com/go-alchemy/alchemy/cmd/alchemy/internal/inspect"
	"github.com/go-alchemy/alchemy/cmd/alchemy/internal/ping"
	"github.com/go-alchemy/alchemy/cmd/alchemy/internal/sqlcmd"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := run(ctx, cli.New(), os.Args[1:])
	stop()
	os.Exit(code)
}

// run runs the command line args and returns the exit code.
func run(ctx context.Context, app *cli.App, args []string) int {
	root := rootCommand(app)
	root.SetArgs(args)
	root.SetOut(app.Out)
	root.SetErr(app.Err)
	root.SetIn(app.In)
	err := root.ExecuteContext(ctx)
	if err != nil && cli.Code(err) == cli.ExitFailure && cobraUsage(err) {
		err = &cli.ExitError{Code: cli.ExitUsage, Err: err}
	}
	if err != nil && err != cli.Findings {
		fmt.Fprintln(app.Err, "alchemy:", err)
	}
	return cli.Code(err)
}

// cobraUsage reports whether err is one of cobra's own usage errors (an unknown
// command, a wrong number of arguments), which it does not type.
func cobraUsage(err error) bool {
	msg := err.Error()
	for _, p := range []string{"unknown command", "unknown flag", "unknown shorthand", "accepts ", "requires at least", "requires at most", "invalid argument"} {
		if strings.HasPrefix(msg, p) {
			return true
		}
	}
	return false
}

func rootCommand(app *cli.App) *cobra.Command {
	root := &cobra.Command{
		Use:   "alchemy",
		Short: "ping, query, inspect, generate code for, check and load a database",
		Long: `alchemy works on the database of --url, $ALCHEMY_URL, the url of the config
file (alchemy.toml, or --config), or else an SQLite file alchemy.db in the
working directory. URLs are SQLAlchemy's: dialect[+driver]://user:pass@host/db.

Exit codes: 0 done, 1 a failure or findings, 2 a usage or config mistake.`,
		SilenceUsage:  true,
		SilenceErrors: true,
		PersistentPreRunE: func(cmd *cobra.Command, args []string) error {
			return app.LoadConfig()
		},
	}
	root.SetFlagErrorFunc(func(cmd *cobra.Command, err error) error { return cli.Usagef("%v", err) })
	f := root.PersistentFlags()
	f.StringVar(&app.URLFlag, "url", "", "database URL (default $ALCHEMY_URL, the config's url, or "+cli.DefaultURL+")")
	f.StringVar(&app.ConfigFlag, "config", "", "config file (default "+cli.DefaultConfig+" when it exists)")
	f.StringVar(&app.Format, "format", "table", "output format: table, csv or json")
	root.AddCommand(
		ping.Command(app),
		sqlcmd.Command(app),
		inspect.Command(app),
		gen.Command(app),
		doctor.Command(app),
		benchcmd.Command(app),
	)
	return root
}
