package benchcmd

import (
	"context"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/go-alchemy/alchemy"
	"github.com/go-alchemy/alchemy/cmd/alchemy/internal/cli"
)

// DefaultPrefix starts the names of the bench's tables.
const DefaultPrefix = "alchemy_bench_"

// RowsPerScale is how many accounts one unit of --scale makes.
const RowsPerScale = 10_000

// fillBatch is how many rows one INSERT of the fill writes (SQL Server takes
// at most 1000 rows in a VALUES list).
const fillBatch = 500

// fillerWidth is the width of the accounts' filler column, which pads a row
// to about pgbench's size.
const fillerWidth = 84

var prefixPattern = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]{0,39}$`)

// tables names the bench's tables.
type tables struct {
	Accounts string `json:"accounts"`
	History  string `json:"history"`
}

// tablesFor returns the tables of a --prefix, refusing a prefix that is not a
// plain identifier (the names go into SQL unquoted).
func tablesFor(prefix string) (tables, error) {
	if !prefixPattern.MatchString(prefix) {
		return tables{}, cli.Usagef("--prefix %q: give letters, digits and underscores (at most 40), not starting with a digit", prefix)
	}
	return tables{Accounts: prefix + "accounts", History: prefix + "history"}, nil
}

// drop removes the tables, if they exist.
func (t tables) drop(ctx context.Context, eng *alchemy.Engine) error {
	for _, name := range []string{t.History, t.Accounts} {
		res, err := eng.Execute(ctx, alchemy.Text("DROP TABLE IF EXISTS "+name).NoRows())
		if err != nil {
			return fmt.Errorf("drop %s: %w", name, err)
		}
		_ = res.Close()
	}
	return nil
}

// create makes the tables afresh and fills the accounts with rows accounts
// (ids 1 to rows, balance 0): the history starts empty.
func (t tables) create(ctx context.Context, eng *alchemy.Engine, rows int) error {
	if err := t.drop(ctx, eng); err != nil {
		return err
	}
	ddl := []string{
		"CREATE TABLE " + t.Accounts + " (id INTEGER NOT NULL PRIMARY KEY, balance INTEGER NOT NULL, filler CHAR(" + strconv.Itoa(fillerWidth) + ") NOT NULL)",
		"CREATE TABLE " + t.History + " (account_id INTEGER NOT NULL, delta INTEGER NOT NULL, client INTEGER NOT NULL)",
	}
	for _, q := range ddl {
		res, err := eng.Execute(ctx, alchemy.Text(q).NoRows())
		if err != nil {
			return fmt.Errorf("create table: %w", err)
		}
		_ = res.Close()
	}
	return eng.RunInTx(ctx, func(conn *alchemy.Conn) error {
		var b strings.Builder
		for first := 1; first <= rows; first += fillBatch {
			last := min(first+fillBatch-1, rows)
			b.Reset()
			b.WriteString("INSERT INTO " + t.Accounts + " (id, balance, filler) VALUES ")
			for id := first; id <= last; id++ {
				if id > first {
					b.WriteString(", ")
				}
				b.WriteString("(")
				b.WriteString(strconv.Itoa(id))
				b.WriteString(", 0, '')")
			}
			res, err := conn.Execute(ctx, alchemy.Text(b.String()).NoRows())
			if err != nil {
				return fmt.Errorf("fill %s: %w", t.Accounts, err)
			}
			_ = res.Close()
		}
		return nil
	})
}

// accounts returns the largest account id, the upper end of the random ids.
// A missing table is an error telling to run bench init.
func (t tables) accounts(ctx context.Context, eng *alchemy.Engine) (int, error) {
	res, err := eng.Execute(ctx, alchemy.Text("SELECT MAX(id) FROM "+t.Accounts).Columns("max"))
	if err != nil {
		return 0, fmt.Errorf("table %s: %w (run `alchemy bench init` first)", t.Accounts, err)
	}
	n, err := alchemy.Scalar[*int64](res)
	if err != nil {
		return 0, fmt.Errorf("table %s: %w", t.Accounts, err)
	}
	if n == nil || *n < 1 {
		return 0, fmt.Errorf("table %s is empty (run `alchemy bench init` to fill it)", t.Accounts)
	}
	return int(*n), nil
}
