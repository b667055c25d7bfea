// Package benchcmd is the alchemy command's bench subcommand.
package benchcmd

import (
	"errors"

	"github.com/spf13/cobra"

	"github.com/go-alchemy/alchemy/cmd/alchemy/internal/cli"
)

// Command returns the bench subcommand.
func Command(app *cli.App) *cobra.Command {
	return &cobra.Command{
		Use:   "bench",
		Short: "not built yet",
		RunE: func(cmd *cobra.Command, args []string) error {
			return errors.New("bench: not built yet")
		},
	}
}
