// Package sqlcmd is the alchemy command's sql subcommand: run statements
// given with -c, from a file (-f) or standard input, or at an interactive
// prompt with line editing, history and an explicit transaction mode.
package sqlcmd

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"sort"
	"strings"

	"github.com/mattn/go-isatty"
	"github.com/spf13/cobra"

	"github.com/go-alchemy/alchemy"
	"github.com/go-alchemy/alchemy/cmd/alchemy/internal/cli"
)

// options are the sql subcommand's flags.
type options struct {
	commands []string // -c
	file     string   // -f
	params   []string // -p
	single   bool     // --single-transaction
}

// Command returns the sql subcommand.
func Command(app *cli.App) *cobra.Command {
	var o options
	cmd := &cobra.Command{
		Use:   "sql",
		Short: "run SQL: -c STATEMENTS, -f FILE, a script on standard input, or a prompt",
		Long: `sql runs SQL statements on the database and prints their rows (--format
table, csv or json) or how many rows they changed.

  -c "..."   runs the statements given (several, separated by ";"); repeat -c
             for more
  -f FILE    runs a script ("-" for standard input)
  neither    reads a script from standard input, or, when it is a terminal,
             opens a prompt with line editing and history

Statements end at a ";" outside quotes, quoted names, comments and
dollar-quoted strings (and outside the BEGIN ... END body of a CREATE
TRIGGER, PROCEDURE or FUNCTION); a last statement may omit it. :name in a
statement is a bind, given with -p name=value (a string) or -p
name:TYPE=value (TYPE int, float, bool, string or null).

Outside a transaction each statement commits on its own. \begin (or BEGIN)
opens one on the session's connection, which \commit (COMMIT) keeps and
\rollback (ROLLBACK) undoes; an input that ends with it open rolls it back.
--single-transaction runs a whole script in one transaction.

A script stops at its first failing statement and exits 1 with the server's
message and the line; the prompt prints it and goes on. At the prompt, \help
lists the meta-commands; history is kept in $ALCHEMY_HISTORY (default
~/.alchemy_history; set it empty to keep none), except for lines holding a
password or a URL with one.`,
		Example: `  alchemy sql -c "select * from users where id = :id" -p id:int=5
  alchemy sql -f migrate.sql --single-transaction
  alchemy sql --format csv -c "select * from orders" > orders.csv
  echo "select 1 as x;" | alchemy sql --format json
  alchemy sql --url postgresql://scott@localhost/shop`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) > 0 {
				return cli.Usagef("sql takes no arguments: give statements with -c or a file with -f")
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			return run(cmd.Context(), app, o)
		},
	}
	f := cmd.Flags()
	f.StringArrayVarP(&o.commands, "command", "c", nil, "statements to run (repeatable)")
	f.StringVarP(&o.file, "file", "f", "", `script to run ("-": standard input)`)
	f.StringArrayVarP(&o.params, "param", "p", nil, "a :name bind: name=value or name:TYPE=value (repeatable)")
	f.BoolVar(&o.single, "single-transaction", false, "run the statements in one transaction, rolled back if one fails")
	return cmd
}

// run runs the sql subcommand.
func run(ctx context.Context, app *cli.App, o options) error {
	if err := app.CheckFormat(); err != nil {
		return err
	}
	if len(o.commands) > 0 && o.file != "" {
		return cli.Usagef("give -c or -f, not both")
	}
	params, err := parseParams(o.params)
	if err != nil {
		return err
	}
	var script io.Reader
	src := "stdin"
	switch {
	case o.file == "-":
		script = app.In
	case o.file != "":
		f, err := os.Open(o.file)
		if err != nil {
			return cli.Usagef("-f: %v", err)
		}
		defer f.Close()
		script, src = f, o.file
	case len(o.commands) == 0:
		if in, ok := terminal(app.In); ok {
			if o.single {
				return cli.Usagef("--single-transaction needs -c, -f or a script on standard input")
			}
			return interactive(ctx, app, params, in)
		}
		script = app.In
	}
	if _, _, err := app.CheckURL(); err != nil {
		return err
	}
	eng, err := open(ctx, app)
	if err != nil {
		return err
	}
	defer eng.Dispose()

	s := newSession(eng, app, params)
	s.stopOnError = true
	if o.single {
		conn, err := s.connection(ctx)
		if err == nil {
			s.tx, err = conn.Begin(ctx)
		}
		if err != nil {
			s.close(ctx)
			return err
		}
	}
	if script != nil {
		s.src = src
		err = s.script(ctx, script)
	} else {
		for i, c := range o.commands {
			s.src = "-c"
			if len(o.commands) > 1 {
				s.src = fmt.Sprintf("-c #%d", i+1)
			}
			if err = s.script(ctx, strings.NewReader(c)); err != nil || s.quit {
				break
			}
		}
	}
	if o.single && s.tx != nil {
		if err != nil {
			_ = s.tx.Rollback(context.WithoutCancel(ctx))
			s.tx = nil
			err = fmt.Errorf("%w\nrolled back everything (--single-transaction)", err)
		} else {
			err = s.tx.Commit(ctx)
			s.tx = nil
		}
	}
	if err == nil {
		if unused := s.unused(); len(unused) > 0 {
			sort.Strings(unused)
			fmt.Fprintf(app.Err, "warning: no statement used the binds %s\n", strings.Join(unused, ", "))
		}
	}
	return errors.Join(err, s.close(ctx))
}

// open connects to the database. The pool's own warnings (a failed connect,
// retried) would only repeat the error the command reports.
func open(ctx context.Context, app *cli.App) (*alchemy.Engine, error) {
	return app.Open(ctx, alchemy.Logger(slog.New(slog.DiscardHandler)))
}

// terminal returns v as a file when it is a terminal.
func terminal(v any) (*os.File, bool) {
	f, ok := v.(*os.File)
	if !ok || !(isatty.IsTerminal(f.Fd()) || isatty.IsCygwinTerminal(f.Fd())) {
		return nil, false
	}
	return f, true
}
