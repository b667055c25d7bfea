// Package gen is the alchemy command's gen subcommand.
package gen

import (
	"errors"

	"github.com/spf13/cobra"

	"github.com/go-alchemy/alchemy/cmd/alchemy/internal/cli"
)

// Command returns the gen subcommand.
func Command(app *cli.App) *cobra.Command {
	return &cobra.Command{
		Use:   "gen",
		Short: "not built yet",
		RunE: func(cmd *cobra.Command, args []string) error {
			return errors.New("gen: not built yet")
		},
	}
}
