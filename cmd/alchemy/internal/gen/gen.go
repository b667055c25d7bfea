// Package gen is the alchemy command's gen subcommand: it reads the tables of a
// live database and writes Go code declaring them as typed expr tables (a struct
// of expr.Column[T] fields embedding *expr.Table, and its constructor) with a row
// struct per table for alchemy.All and orm.Map.
package gen

import (
	"fmt"
	"go/token"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/go-alchemy/alchemy"
	"github.com/go-alchemy/alchemy/cmd/alchemy/internal/cli"
	"github.com/go-alchemy/alchemy/cmd/alchemy/internal/inspect"
	"github.com/go-alchemy/alchemy/expr"
)

// flags are gen's own flags.
type flags struct {
	pkg    string
	output string
	schema string
	views  bool
	strict bool
}

// Command returns the gen subcommand.
func Command(app *cli.App) *cobra.Command {
	var f flags
	cmd := &cobra.Command{
		Use:   "gen [table...]",
		Short: "write Go code of typed tables and row structs for the database's tables",
		Long: `gen reads the tables of the database (or the tables named) and writes Go code
for them: per table a struct of typed columns embedding *expr.Table, its
constructor NewXxx(md) declaring the columns with their types, keys, defaults,
indexes and constraints as the catalog has them, and a row struct XxxRow with
db tags (pointers for nullable columns) to read rows into with alchemy.All or
to map with orm.Map; NewTables(md) declares them all.

A column of a type gen knows no Go type for (a PostgreSQL array or a type of
the user's) is generated as text, a string, with a comment, and named on
standard error; --strict makes it an error instead. The code is gofmt-formatted
and says how to regenerate it (the URL without its password).`,
		Example: `  alchemy gen --url postgresql://app@db/prod -o models/tables.go
  alchemy gen --package store users posts > store/tables.go`,
		RunE: func(cmd *cobra.Command, args []string) error {
			return run(cmd, app, f, args)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.pkg, "package", "models", "the generated file's package name")
	fl.StringVarP(&f.output, "output", "o", "", "write to this file instead of standard output")
	fl.StringVar(&f.schema, "schema", "", "the schema to read (a database on MySQL; default: the connection's)")
	fl.BoolVar(&f.views, "views", false, "generate the views too (as tables of their columns)")
	fl.BoolVar(&f.strict, "strict", false, "fail on a column of a type gen cannot map, instead of reading it as text")
	return cmd
}

// run reads the schema and writes the code.
func run(cmd *cobra.Command, app *cli.App, f flags, tables []string) error {
	if !token.IsIdentifier(f.pkg) || f.pkg == "_" {
		return cli.Usagef("--package %q is not a Go package name", f.pkg)
	}
	ctx := cmd.Context()
	eng, err := app.Open(ctx)
	if err != nil {
		return err
	}
	defer eng.Dispose()
	s, err := inspect.Read(ctx, expr.Inspect(eng), inspect.Options{Schema: f.schema, Tables: tables, Views: f.views})
	if err != nil {
		return fmt.Errorf("gen: %w", err)
	}
	if len(s.Tables) == 0 {
		where := "the default schema"
		if f.schema != "" {
			where = "schema " + f.schema
		}
		return fmt.Errorf("gen: %s has no tables", where)
	}
	out, unmapped, err := Generate(s, Options{Package: f.pkg, Schema: f.schema, Command: commandLine(app, f, tables), Strict: f.strict})
	if err != nil {
		return fmt.Errorf("gen: %w", err)
	}
	for _, u := range unmapped {
		fmt.Fprintf(app.Err, "alchemy gen: warning: %s: no Go type known for it, generated as text (string); --strict makes this an error\n", u)
	}
	if f.output != "" {
		if err := os.WriteFile(f.output, out, 0o644); err != nil {
			return fmt.Errorf("gen: %w", err)
		}
		return nil
	}
	_, err = app.Out.Write(out)
	return err
}

// commandLine is the command that regenerates the file, for its header: the URL
// as it was given (--url, $ALCHEMY_URL, --config), without its password.
func commandLine(app *cli.App, f flags, tables []string) string {
	args := []string{"alchemy", "gen"}
	raw, from := app.URL()
	prefix := ""
	switch from {
	case "--url":
		args = append(args, "--url", shellQuote(withoutPassword(raw)))
	case "$" + cli.URLEnv:
		prefix = cli.URLEnv + "=" + shellQuote(withoutPassword(raw)) + " "
	case "config file":
		if app.ConfigFlag != "" {
			args = append(args, "--config", shellQuote(app.ConfigFlag))
		}
	}
	if f.schema != "" {
		args = append(args, "--schema", shellQuote(f.schema))
	}
	if f.pkg != "models" {
		args = append(args, "--package", f.pkg)
	}
	if f.views {
		args = append(args, "--views")
	}
	if f.strict {
		args = append(args, "--strict")
	}
	if f.output != "" {
		args = append(args, "-o", shellQuote(f.output))
	}
	for _, t := range tables {
		args = append(args, shellQuote(t))
	}
	return prefix + strings.Join(args, " ")
}

// withoutPassword is the URL without its password (in the user part or as a
// query option).
func withoutPassword(raw string) string {
	u, err := alchemy.ParseURL(raw)
	if err != nil {
		return "<the database URL>"
	}
	u.Password = ""
	for k := range u.Query {
		switch strings.ToLower(k) {
		case "password", "passwd", "pwd", "sslpassword":
			u.Query.Del(k)
		}
	}
	return u.RenderWithPassword()
}

// shellQuote quotes s for a POSIX shell when it needs it.
func shellQuote(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-./:@,+=") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
