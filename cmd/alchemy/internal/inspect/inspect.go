// Package inspect is the alchemy command's inspect subcommand: it describes the
// tables of a live database (columns, keys, indexes, constraints) as a table, CSV
// or JSON, and draws them as an entity-relationship diagram (Mermaid, Graphviz
// DOT, or SVG and PNG rendered by Graphviz's dot program).
package inspect

import (
	"bytes"
	"fmt"
	"os"

	"github.com/mattn/go-isatty"
	"github.com/spf13/cobra"

	"github.com/go-alchemy/alchemy/cmd/alchemy/internal/cli"
	"github.com/go-alchemy/alchemy/expr"
)

// Formats are the values of --format that inspect takes.
var Formats = []string{"table", "csv", "json", "mermaid", "dot", "svg", "png"}

// flags are inspect's own flags.
type flags struct {
	schema string
	views  bool
	output string
}

// Command returns the inspect subcommand.
func Command(app *cli.App) *cobra.Command {
	var f flags
	cmd := &cobra.Command{
		Use:   "inspect [table...]",
		Short: "describe the tables of the database, or draw them as an ER diagram",
		Long: `inspect reads the catalog of the database and describes its tables: the
columns (type, nullable, default, autoincrement, comment), the primary key,
foreign keys, indexes, unique and check constraints. Name tables to describe
only those (a foreign key to a table left out still shows where it points).

--format table, csv or json describes them (json: one document of all tables);
--format mermaid writes an ER diagram in Mermaid (erDiagram), --format dot in
Graphviz DOT, and --format svg or png renders the DOT with Graphviz's dot
program, which must be installed (apt-get install graphviz, brew install
graphviz). A PNG is not written to a terminal: give -o.`,
		Example: `  alchemy inspect --url postgresql://app@db/prod
  alchemy inspect users posts --format json
  alchemy inspect --format mermaid > schema.mmd
  alchemy inspect --format png -o schema.png`,
		RunE: func(cmd *cobra.Command, args []string) error {
			return run(cmd, app, f, args)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.schema, "schema", "", "the schema to read (a database on MySQL; default: the connection's)")
	fl.BoolVar(&f.views, "views", false, "describe the views too (their columns)")
	fl.StringVarP(&f.output, "output", "o", "", "write to this file instead of standard output")
	return cmd
}

// run reads the schema and writes it in the format asked for.
func run(cmd *cobra.Command, app *cli.App, f flags, tables []string) error {
	if err := app.CheckFormat(Formats...); err != nil {
		return err
	}
	if app.Format == "png" && f.output == "" && isTerminal(app.Out) {
		return cli.Usagef("a PNG is binary: write it to a file with -o schema.png (or redirect the output)")
	}
	var dot string
	if app.Format == "svg" || app.Format == "png" {
		// before connecting: without the program there is nothing to do
		var err error
		if dot, err = findDot(); err != nil {
			return err
		}
	}
	ctx := cmd.Context()
	eng, err := app.Open(ctx)
	if err != nil {
		return err
	}
	defer eng.Dispose()
	s, err := Read(ctx, expr.Inspect(eng), Options{Schema: f.schema, Tables: tables, Views: f.views})
	if err != nil {
		return fmt.Errorf("inspect: %w", err)
	}
	var out bytes.Buffer
	switch app.Format {
	case "json":
		err = WriteJSON(&out, s)
	case "table", "csv":
		err = WriteDescription(&out, app.Format, s)
	case "mermaid":
		err = WriteMermaid(&out, s)
	case "dot":
		err = WriteDOT(&out, s)
	case "svg", "png":
		var src bytes.Buffer
		if err = WriteDOT(&src, s); err == nil {
			err = Render(ctx, dot, app.Format, src.Bytes(), &out)
		}
	}
	if err != nil {
		return fmt.Errorf("inspect: %w", err)
	}
	if f.output != "" {
		if err := os.WriteFile(f.output, out.Bytes(), 0o644); err != nil {
			return fmt.Errorf("inspect: %w", err)
		}
		return nil
	}
	_, err = app.Out.Write(out.Bytes())
	return err
}

// isTerminal reports whether w is a terminal.
func isTerminal(w any) bool {
	f, ok := w.(*os.File)
	return ok && (isatty.IsTerminal(f.Fd()) || isatty.IsCygwinTerminal(f.Fd()))
}
