// Package doctor is the alchemy command's doctor subcommand.
package doctor

import (
	"errors"

	"github.com/spf13/cobra"

	"github.com/go-alchemy/alchemy/cmd/alchemy/internal/cli"
)

// Command returns the doctor subcommand.
func Command(app *cli.App) *cobra.Command {
	return &cobra.Command{
		Use:   "doctor",
		Short: "not built yet",
		RunE: func(cmd *cobra.Command, args []string) error {
			return errors.New("doctor: not built yet")
		},
	}
}
