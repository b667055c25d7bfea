package sqlcmd

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/go-alchemy/alchemy/cmd/alchemy/internal/cli"
)

// metaHelp lists the meta-commands.
const metaHelp = `Statements end with ";" and may span lines. Outside a transaction each
statement commits on its own. Meta-commands (a line starting with \):
  \begin              open a transaction: nothing commits until \commit
  \commit             commit it
  \rollback           undo it
  \format [F]         show or set the output format: table, csv or json
  \set [NAME[:TYPE] VALUE]
                      list the :name binds, or set one (TYPE: string, int,
                      float, bool, null)
  \unset NAME         forget a bind
  \help, \?           this help
  \q                  quit (an open transaction is rolled back)
BEGIN and START TRANSACTION as statements of their own do what \begin does,
and then COMMIT (END) and ROLLBACK what \commit and \rollback do.`

// meta runs a meta-command line (it starts with a backslash).
func (s *session) meta(ctx context.Context, line string) error {
	line = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(line), ";"))
	name, rest, _ := strings.Cut(line, " ")
	rest = strings.TrimSpace(rest)
	args := strings.Fields(rest)
	switch name {
	case `\q`, `\quit`, `\exit`:
		s.quit = true
		return nil
	case `\begin`:
		return s.begin(ctx)
	case `\commit`:
		return s.commit(ctx)
	case `\rollback`:
		return s.rollback(ctx)
	case `\format`:
		switch {
		case len(args) == 0:
			fmt.Fprintf(s.errw, "format: %s\n", s.format)
		case len(args) == 1 && slices.Contains(cli.Formats, args[0]):
			s.format = args[0]
		default:
			return fmt.Errorf(`\format %s: give one of %s`, rest, strings.Join(cli.Formats, ", "))
		}
		return nil
	case `\set`:
		return s.set(rest)
	case `\unset`:
		if len(args) != 1 {
			return fmt.Errorf(`\unset: give one name`)
		}
		delete(s.params, args[0])
		return nil
	case `\help`, `\?`, `\h`:
		fmt.Fprintln(s.errw, metaHelp)
		return nil
	}
	return fmt.Errorf(`unknown meta-command %s (\help lists them)`, name)
}

// set lists the binds, or sets one: \set name[:type] value.
func (s *session) set(rest string) error {
	if rest == "" {
		names := make([]string, 0, len(s.params))
		for n := range s.params {
			names = append(names, n)
		}
		sort.Strings(names)
		for _, n := range names {
			fmt.Fprintf(s.errw, ":%s = %s\n", n, cli.Text(s.params[n]))
		}
		return nil
	}
	spec, value, _ := strings.Cut(rest, " ")
	name, typ, typed := strings.Cut(spec, ":")
	if !validName(name) {
		return fmt.Errorf(`\set: %q is not a bind name`, name)
	}
	if !typed {
		typ = "string"
	}
	v, err := convert(typ, strings.TrimSpace(value))
	if err != nil {
		return fmt.Errorf(`\set %s: %w`, name, err)
	}
	s.params[name] = v
	return nil
}

// txCommand returns the meta-command a bare transaction statement stands for
// (BEGIN → \begin), or "" for any other statement. BEGIN with options (an
// isolation level) is not one: it goes to the server as it is.
func txCommand(text string) string {
	switch strings.Join(strings.Fields(strings.ToUpper(text)), " ") {
	case "BEGIN", "BEGIN TRANSACTION", "BEGIN WORK", "BEGIN TRAN", "START TRANSACTION":
		return `\begin`
	case "COMMIT", "COMMIT TRANSACTION", "COMMIT WORK", "COMMIT TRAN", "END", "END TRANSACTION", "END WORK":
		return `\commit`
	case "ROLLBACK", "ROLLBACK TRANSACTION", "ROLLBACK WORK", "ROLLBACK TRAN", "ABORT":
		return `\rollback`
	}
	return ""
}

// returnsRowsUnguessed reports a statement that returns rows although its
// first words do not say so to alchemy's guess (MySQL's table maintenance
// statements answer with a row per table).
func returnsRowsUnguessed(dialect, text string) bool {
	if dialect != "mysql" && dialect != "mariadb" {
		return false
	}
	f := strings.Fields(strings.ToUpper(text))
	if len(f) < 2 || f[1] != "TABLE" && f[1] != "TABLES" && f[1] != "NO_WRITE_TO_BINLOG" && f[1] != "LOCAL" {
		return false
	}
	switch f[0] {
	case "CHECK", "ANALYZE", "OPTIMIZE", "REPAIR", "CHECKSUM":
		return true
	}
	return false
}
