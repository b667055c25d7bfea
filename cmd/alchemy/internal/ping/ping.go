// Package ping is the alchemy command's ping subcommand.
package ping

import (
	"errors"

	"github.com/spf13/cobra"

	"github.com/go-alchemy/alchemy/cmd/alchemy/internal/cli"
)

// Command returns the ping subcommand.
func Command(app *cli.App) *cobra.Command {
	return &cobra.Command{
		Use:   "ping",
		Short: "not built yet",
		RunE: func(cmd *cobra.Command, args []string) error {
			return errors.New("ping: not built yet")
		},
	}
}
