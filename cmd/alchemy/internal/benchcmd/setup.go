package benchcmd

import (
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/go-alchemy/alchemy/cmd/alchemy/internal/cli"
)

// maxScale bounds --scale (a billion accounts).
const maxScale = 100_000

// initCommand is `bench init`: drop the bench's tables if they exist, create
// them and fill the accounts.
func initCommand(app *cli.App, f *flags) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "init",
		Short: "create the bench's tables and fill the accounts (--scale × 10,000 rows)",
		Long: `init drops the bench's tables if they exist, then creates
  <prefix>accounts (id INTEGER PRIMARY KEY, balance INTEGER, filler CHAR(84))
                   with --scale × 10,000 rows, ids 1 to N, balances 0
  <prefix>history  (account_id INTEGER, delta INTEGER, client INTEGER), empty
The prefix is alchemy_bench_ unless --prefix says otherwise.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := app.CheckFormat("table", "json"); err != nil {
				return err
			}
			t, err := tablesFor(f.prefix)
			if err != nil {
				return err
			}
			if f.scale < 1 || f.scale > maxScale {
				return cli.Usagef("--scale %d: give 1 to %d", f.scale, maxScale)
			}
			ctx := cmd.Context()
			eng, err := open(ctx, app)
			if err != nil {
				return err
			}
			defer eng.Dispose()
			start := time.Now()
			rows := f.scale * RowsPerScale
			if err := t.create(ctx, eng, rows); err != nil {
				return fmt.Errorf("bench init: %w", err)
			}
			secs := round3(time.Since(start).Seconds())
			if app.Format == "json" {
				return printJSON(app.Out, struct {
					tables
					Rows    int     `json:"rows"`
					Seconds float64 `json:"seconds"`
				}{t, rows, secs})
			}
			fmt.Fprintf(app.Out, "created %s (%d rows) and %s on %s in %.3f s\n", t.Accounts, rows, t.History, eng.URL(), secs)
			return nil
		},
	}
	cmd.Flags().IntVarP(&f.scale, "scale", "s", 1, "accounts to make, in 10,000s")
	return cmd
}

// dropCommand is `bench drop`: drop the bench's tables, if they exist.
func dropCommand(app *cli.App, f *flags) *cobra.Command {
	return &cobra.Command{
		Use:   "drop",
		Short: "drop the bench's tables (<prefix>accounts and <prefix>history)",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := app.CheckFormat("table", "json"); err != nil {
				return err
			}
			t, err := tablesFor(f.prefix)
			if err != nil {
				return err
			}
			ctx := cmd.Context()
			eng, err := open(ctx, app)
			if err != nil {
				return err
			}
			defer eng.Dispose()
			if err := t.drop(ctx, eng); err != nil {
				return fmt.Errorf("bench drop: %w", err)
			}
			if app.Format == "json" {
				return printJSON(app.Out, struct {
					Dropped tables `json:"dropped"`
				}{t})
			}
			fmt.Fprintf(app.Out, "dropped %s and %s on %s\n", t.Accounts, t.History, eng.URL())
			return nil
		},
	}
}
