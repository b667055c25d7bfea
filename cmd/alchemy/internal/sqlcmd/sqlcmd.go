// Package sqlcmd is the alchemy command's sql subcommand.
package sqlcmd

import (
	"errors"

	"github.com/spf13/cobra"

	"github.com/go-alchemy/alchemy/cmd/alchemy/internal/cli"
)

// Command returns the sql subcommand.
func Command(app *cli.App) *cobra.Command {
	return &cobra.Command{
		Use:   "sql",
		Short: "not built yet",
		RunE: func(cmd *cobra.Command, args []string) error {
			return errors.New("sql: not built yet")
		},
	}
}
