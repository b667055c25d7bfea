package benchcmd

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"

	"github.com/go-alchemy/alchemy"
	"github.com/go-alchemy/alchemy/cmd/alchemy/internal/cli"
)

// Built-in script names (--script).
const (
	ReadOnly  = "read-only"
	ReadWrite = "read-write"
)

// bindNames are the binds a script may use, drawn afresh for each
// transaction: :id a random account id, :delta a random amount from -5000 to
// 5000, :client the client's number (1 to --clients).
var bindNames = []string{"id", "delta", "client"}

// script is what one transaction of the load runs.
type script interface {
	// run runs one transaction with the binds drawn for it.
	run(ctx context.Context, eng *alchemy.Engine, b binds) error
}

// binds are one transaction's bind values.
type binds struct {
	id, delta, client int
}

// draw picks a transaction's binds: an id in 1..ids, a delta in -5000..5000.
func draw(rnd *rand.Rand, ids, client int) binds {
	return binds{id: rnd.IntN(ids) + 1, delta: rnd.IntN(10001) - 5000, client: client}
}

// readOnly is the read-only script: a SELECT of one account by primary key.
type readOnly struct{ sel *alchemy.TextClause }

func newReadOnly(t tables) *readOnly {
	return &readOnly{sel: alchemy.Text("SELECT balance FROM " + t.Accounts + " WHERE id = :id").Columns("balance")}
}

func (s *readOnly) run(ctx context.Context, eng *alchemy.Engine, b binds) error {
	res, err := eng.Execute(ctx, s.sel, alchemy.Params{"id": b.id})
	if err != nil {
		return err
	}
	_, err = alchemy.Scalar[int64](res)
	return err
}

// readWrite is the read-write script, one transaction: move an account's
// balance by delta, read it back, and write the move into the history.
type readWrite struct {
	update, sel, insert *alchemy.TextClause
}

func newReadWrite(t tables) *readWrite {
	return &readWrite{
		update: alchemy.Text("UPDATE " + t.Accounts + " SET balance = balance + :delta WHERE id = :id").NoRows(),
		sel:    alchemy.Text("SELECT balance FROM " + t.Accounts + " WHERE id = :id").Columns("balance"),
		insert: alchemy.Text("INSERT INTO " + t.History + " (account_id, delta, client) VALUES (:id, :delta, :client)").NoRows(),
	}
}

func (s *readWrite) run(ctx context.Context, eng *alchemy.Engine, b binds) error {
	return eng.RunInTx(ctx, func(conn *alchemy.Conn) error {
		if _, err := conn.Execute(ctx, s.update, alchemy.Params{"delta": b.delta, "id": b.id}); err != nil {
			return err
		}
		res, err := conn.Execute(ctx, s.sel, alchemy.Params{"id": b.id})
		if err != nil {
			return err
		}
		if _, err := alchemy.Scalar[int64](res); err != nil {
			return err
		}
		_, err = conn.Execute(ctx, s.insert, alchemy.Params{"id": b.id, "delta": b.delta, "client": b.client})
		return err
	})
}

// fileScript runs the statements of a --file, in order, on one connection:
// each on its own (autocommit), or all in one transaction (--tx). The first
// failing statement fails the transaction and ends it.
type fileScript struct {
	stmts []fileStmt
	inTx  bool
}

type fileStmt struct {
	text  *alchemy.TextClause
	binds []string // names among bindNames
}

// parseFile reads a script's statements and their binds. A bind that is not
// one of bindNames is a usage error.
func parseFile(name, src string, inTx bool) (*fileScript, error) {
	s := &fileScript{inTx: inTx}
	for i, q := range splitSQL(src) {
		t := alchemy.Text(q)
		st := fileStmt{text: t, binds: t.BindNames()}
		for _, b := range st.binds {
			if !slices.Contains(bindNames, b) {
				return nil, cli.Usagef("%s: statement %d: bind :%s: a script may use :%s", name, i+1, b, strings.Join(bindNames, ", :"))
			}
		}
		s.stmts = append(s.stmts, st)
	}
	if len(s.stmts) == 0 {
		return nil, cli.Usagef("%s: no SQL statement in it", name)
	}
	return s, nil
}

// usesID reports whether a statement binds :id.
func (s *fileScript) usesID() bool {
	for _, st := range s.stmts {
		if slices.Contains(st.binds, "id") {
			return true
		}
	}
	return false
}

// check compiles each statement for the engine's dialect, so that one that
// cannot be sent (an unterminated quote, a driver placeholder) is a usage
// error before the run rather than an error per transaction.
func (s *fileScript) check(name string, eng *alchemy.Engine) error {
	for i, st := range s.stmts {
		if _, _, err := eng.Render(st.text, st.args(binds{id: 1, client: 1})...); err != nil {
			return cli.Usagef("%s: statement %d: %v", name, i+1, err)
		}
	}
	return nil
}

// args are the statement's bind values: none, or Params of its binds.
func (st fileStmt) args(b binds) []any {
	if len(st.binds) == 0 {
		return nil
	}
	p := make(alchemy.Params, len(st.binds))
	for _, name := range st.binds {
		switch name {
		case "id":
			p[name] = b.id
		case "delta":
			p[name] = b.delta
		case "client":
			p[name] = b.client
		}
	}
	return []any{p}
}

func (s *fileScript) run(ctx context.Context, eng *alchemy.Engine, b binds) error {
	if s.inTx {
		return eng.RunInTx(ctx, func(conn *alchemy.Conn) error { return s.runOn(ctx, conn, b) })
	}
	conn, err := eng.Connect(ctx)
	if err != nil {
		return err
	}
	err = s.runOn(ctx, conn, b)
	if cerr := conn.Close(); err == nil {
		err = cerr
	}
	return err
}

func (s *fileScript) runOn(ctx context.Context, conn *alchemy.Conn, b binds) error {
	for i, st := range s.stmts {
		res, err := conn.Execute(ctx, st.text, st.args(b)...)
		if err == nil && res.ReturnsRows() {
			for res.Next() {
			}
			err = res.Err()
			_ = res.Close()
		}
		if err != nil {
			return fmt.Errorf("statement %d: %w", i+1, err)
		}
	}
	return nil
}
