package sqlcmd

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/go-alchemy/alchemy"
	"github.com/go-alchemy/alchemy/cmd/alchemy/internal/cli"
)

// session runs statements and meta-commands on one connection, held from
// the first statement to the end, so that session state (SET, temporary
// tables) lasts as it does in psql or mysql. Outside a transaction each
// statement commits on its own; \begin (or a bare BEGIN) opens a transaction
// on it that only \commit keeps.
type session struct {
	eng     *alchemy.Engine
	dialect string
	conn    *alchemy.Conn
	tx      *alchemy.Tx // the transaction \begin opened, or nil

	format string
	params map[string]any  // values of :name binds (-p, \set)
	used   map[string]bool // binds a statement used

	out, errw io.Writer
	split     *splitter
	src       string // where the input comes from, for error messages ("-c", a file, "stdin")

	// stopOnError ends the input at the first failure (scripts); otherwise
	// the failure is printed and the input goes on (the prompt).
	stopOnError bool
	quit        bool // \q was given
	results     int  // result sets printed
}

// newSession returns a session on eng, which it does not own.
func newSession(eng *alchemy.Engine, app *cli.App, params map[string]any) *session {
	if params == nil {
		params = map[string]any{}
	}
	return &session{
		eng:     eng,
		dialect: eng.Dialect().Name(),
		format:  app.Format,
		params:  params,
		used:    map[string]bool{},
		out:     app.Out,
		errw:    app.Err,
		split:   newSplitter(eng.Dialect().Name()),
	}
}

// input handles one line: a meta-command when it starts with a backslash
// (outside a quoted string or comment), else SQL, whose completed statements
// it runs.
func (s *session) input(ctx context.Context, text string, lineno int) error {
	return s.run(ctx, s.read(text, lineno))
}

// work is what one line of input asks for: a meta-command, or the
// statements it completes.
type work struct {
	meta  string
	line  int
	stmts []statement
}

// read reads one line of input into the work it asks for.
func (s *session) read(text string, lineno int) work {
	if t := strings.TrimSpace(text); strings.HasPrefix(t, `\`) && !s.split.inside() {
		return work{meta: t, line: lineno}
	}
	return work{stmts: s.split.feed(text, lineno)}
}

// run does the work of one line.
func (s *session) run(ctx context.Context, w work) error {
	if w.meta != "" {
		return s.failed(s.meta(ctx, w.meta), w.line)
	}
	for _, st := range w.stmts {
		if err := s.failed(s.exec(ctx, st), st.line); err != nil || s.quit {
			return err
		}
	}
	return nil
}

// flush runs what is pending as a last statement, as at the end of a script
// whose last statement has no semicolon.
func (s *session) flush(ctx context.Context) error {
	st, ok := s.split.flush()
	if !ok {
		return nil
	}
	return s.failed(s.exec(ctx, st), st.line)
}

// failed places err in the input and, unless the session stops on errors,
// prints it and goes on.
func (s *session) failed(err error, line int) error {
	if err == nil {
		return nil
	}
	if !s.stopOnError {
		fmt.Fprintln(s.errw, message(err))
		return nil
	}
	return &inputError{src: s.src, line: line, err: err}
}

// close ends the session: it rolls back a transaction left open, saying so
// (an error for a script: its work was not kept), and returns the connection.
func (s *session) close(ctx context.Context) error {
	var err error
	if s.tx != nil {
		ctx = context.WithoutCancel(ctx)
		rerr := s.tx.Rollback(ctx)
		s.tx = nil
		msg := `rolled back the open transaction (\commit keeps one)`
		if rerr != nil {
			msg = fmt.Sprintf("rolling back the open transaction: %s", message(rerr))
		}
		if s.stopOnError {
			err = &inputError{src: s.src, err: errors.New("the input ended inside a transaction: " + msg)}
		} else {
			fmt.Fprintln(s.errw, msg)
		}
	}
	if s.conn != nil {
		s.conn.Close()
		s.conn = nil
	}
	return err
}

// connection returns the session's connection, checking it out the first time.
func (s *session) connection(ctx context.Context) (*alchemy.Conn, error) {
	if s.conn == nil {
		c, err := s.eng.Connect(ctx)
		if err != nil {
			return nil, err
		}
		s.conn = c
	}
	return s.conn, nil
}

// exec runs one statement and prints its rows or the rows it changed.
func (s *session) exec(ctx context.Context, st statement) error {
	// A bare COMMIT or ROLLBACK outside \begin goes to the server: it may end
	// a transaction begun in SQL with options (BEGIN ISOLATION LEVEL ...).
	if cmd := txCommand(st.text); cmd == `\begin` || cmd != "" && s.tx != nil {
		return s.meta(ctx, cmd)
	}
	t := alchemy.Text(st.text)
	if returnsRowsUnguessed(s.dialect, st.text) {
		t = t.Columns()
	}
	var args []any
	if names := t.BindNames(); len(names) > 0 {
		p := alchemy.Params{}
		var missing []string
		for _, n := range names {
			v, ok := s.params[n]
			if !ok {
				missing = append(missing, ":"+n)
				continue
			}
			p[n] = v
			s.used[n] = true
		}
		if len(missing) > 0 {
			return fmt.Errorf(`no value for %s: give one with -p name=value (or \set name value)`, strings.Join(missing, ", "))
		}
		args = append(args, p)
	}
	conn, err := s.connection(ctx)
	if err != nil {
		return err
	}
	res, err := conn.Execute(ctx, t, args...)
	if err != nil {
		return s.lost(ctx, err)
	}
	if !res.ReturnsRows() {
		n, err := res.RowsAffected()
		if err != nil || !changesRows(st.text) {
			s.status("OK")
			return nil
		}
		s.status(plural(n, "row") + " affected")
		return nil
	}
	defer res.Close()
	cols := res.Columns()
	rows := [][]any{}
	for res.Next() {
		row, err := res.Row()
		if err != nil {
			return s.lost(ctx, err)
		}
		rows = append(rows, row.Values())
	}
	if err := res.Err(); err != nil {
		return s.lost(ctx, err)
	}
	if len(cols) == 0 {
		s.status("OK")
		return nil
	}
	if s.format == "csv" && s.results > 0 {
		fmt.Fprintln(s.out) // a blank line between CSV tables
	}
	s.results++
	if err := cli.PrintRows(s.out, s.format, cols, rows); err != nil {
		return err
	}
	if s.format == "table" {
		fmt.Fprintf(s.out, "(%s)\n", plural(int64(len(rows)), "row"))
	}
	return nil
}

// lost ends the transaction mode when a failure broke the open transaction
// (a lost connection, a statement cut off by Ctrl-C), and returns err.
func (s *session) lost(ctx context.Context, err error) error {
	if s.tx != nil && (!s.tx.IsActive() || errors.Is(err, alchemy.ErrDisconnect)) {
		_ = s.tx.Rollback(context.WithoutCancel(ctx))
		s.tx = nil
		return &txLostError{err}
	}
	return err
}

// status prints what a statement without rows did: to standard output in a
// table, to standard error in CSV or JSON, whose output stays rows only.
func (s *session) status(msg string) {
	if s.format == "table" {
		fmt.Fprintln(s.out, msg)
		return
	}
	fmt.Fprintln(s.errw, msg)
}

// begin opens a transaction on the session's connection.
func (s *session) begin(ctx context.Context) error {
	if s.tx != nil {
		return errors.New(`a transaction is already open (\commit or \rollback it first)`)
	}
	conn, err := s.connection(ctx)
	if err != nil {
		return err
	}
	tx, err := conn.Begin(ctx)
	if err != nil {
		return err
	}
	s.tx = tx
	s.status("BEGIN")
	return nil
}

// commit commits the open transaction.
func (s *session) commit(ctx context.Context) error {
	if s.tx == nil {
		return errors.New(`no transaction is open (\begin opens one; outside one each statement commits on its own)`)
	}
	err := s.tx.Commit(ctx)
	if err != nil && s.tx.IsActive() {
		return fmt.Errorf(`%w (the transaction is still open: \rollback ends it)`, err)
	}
	s.tx = nil
	if err != nil {
		return err
	}
	s.status("COMMIT")
	return nil
}

// rollback rolls back the open transaction.
func (s *session) rollback(ctx context.Context) error {
	if s.tx == nil {
		return errors.New(`no transaction is open (\begin opens one)`)
	}
	err := s.tx.Rollback(ctx)
	s.tx = nil
	if err != nil && !errors.Is(err, alchemy.ErrTxDone) {
		return err
	}
	s.status("ROLLBACK")
	return nil
}

// unused returns the -p binds no statement used.
func (s *session) unused() []string {
	var names []string
	for n := range s.params {
		if !s.used[n] {
			names = append(names, n)
		}
	}
	return names
}

// plural renders "1 row", "2 rows".
func plural(n int64, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// changesRows reports a statement whose count of rows affected means
// something: INSERT, UPDATE, DELETE, MERGE, REPLACE, UPSERT, COPY, or one of
// these after WITH. For others (CREATE TABLE) drivers report 0.
func changesRows(text string) bool {
	sc := newSplitter("")
	sc.feed(text, 1)
	switch sc.first {
	case "INSERT", "UPDATE", "DELETE", "MERGE", "REPLACE", "UPSERT", "COPY", "WITH":
		return true
	}
	return false
}
