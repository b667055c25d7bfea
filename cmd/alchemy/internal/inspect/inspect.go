// Package inspect is the alchemy command's inspect subcommand.
package inspect

import (
	"errors"

	"github.com/spf13/cobra"

	"github.com/go-alchemy/alchemy/cmd/alchemy/internal/cli"
)

// Command returns the inspect subcommand.
func Command(app *cli.App) *cobra.Command {
	return &cobra.Command{
		Use:   "inspect",
		Short: "not built yet",
		RunE: func(cmd *cobra.Command, args []string) error {
			return errors.New("inspect: not built yet")
		},
	}
}
