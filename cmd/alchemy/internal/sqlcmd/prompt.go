package sqlcmd

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"

	"github.com/chzyer/readline"

	"github.com/go-alchemy/alchemy/cmd/alchemy/internal/cli"
)

// interactive runs the prompt on the terminal in: line editing and history
// (readline), statements that end at ";" over as many lines as they take,
// meta-commands. A failing statement is printed and the prompt goes on;
// Ctrl-C cancels the running statement, or drops the statement being typed;
// \q or Ctrl-D quits, rolling back an open transaction.
func interactive(ctx context.Context, app *cli.App, params map[string]any, in *os.File) error {
	u, _, err := app.CheckURL()
	if err != nil {
		return err
	}
	eng, err := open(ctx, app)
	if err != nil {
		return err
	}
	defer eng.Dispose()
	// The root context ends at the first Ctrl-C; at the prompt a Ctrl-C
	// cancels one statement only.
	base := context.WithoutCancel(ctx)

	s := newSession(eng, app, params)
	hist := newHistory(s.dialect)
	hist.load()
	out := app.Out
	if _, ok := terminal(out); !ok {
		out = app.Err // keep prompts out of redirected results
	}
	rl, err := readline.NewEx(&readline.Config{
		Prompt:                 s.prompt(),
		Stdin:                  readline.NewCancelableStdin(in),
		Stdout:                 out,
		Stderr:                 app.Err,
		HistoryLimit:           historyLimit,
		DisableAutoSaveHistory: true,
		InterruptPrompt:        "^C",
		EOFPrompt:              `\q`,
	})
	if err != nil {
		return fmt.Errorf("starting the prompt: %w", err)
	}
	defer rl.Close()
	hist.apply(rl)

	version := ""
	if v, err := eng.ServerVersion(base); err == nil {
		version = " " + v.String()
	}
	fmt.Fprintf(app.Err, "%s%s at %s. \\help for help, \\q to quit.\n", s.dialect, version, u)

	var typed []string // the lines of the statement being typed
	for lineno := 1; !s.quit; lineno++ {
		rl.SetPrompt(s.prompt())
		line, err := rl.Readline()
		switch {
		case errors.Is(err, readline.ErrInterrupt):
			s.split.discard()
			typed = nil
			hist.apply(rl)
			continue
		case errors.Is(err, io.EOF):
			s.quit = true
			continue
		case err != nil:
			s.close(base)
			return fmt.Errorf("reading the prompt: %w", err)
		}
		w := s.read(line, lineno)
		switch {
		case w.meta != "":
			hist.add([]string{line}) // an entry of its own, even amid a statement
		case !s.split.pending() && !s.split.inside():
			hist.add(append(typed, line))
			typed = nil
		default:
			typed = append(typed, line)
		}
		hist.apply(rl) // before the work, while no key is being read
		sctx, stop := interruptible(base)
		_ = s.run(sctx, w) // prints its failures
		stop()
	}
	return s.close(base)
}

// prompt returns the prompt: the dialect's name, then "=>", or "*>" while a
// transaction is open; "->" (or "*->") in the middle of a statement.
func (s *session) prompt() string {
	tx := ""
	if s.tx != nil {
		tx = "*"
	}
	switch {
	case s.split.pending() || s.split.inside():
		return s.dialect + tx + "-> "
	case tx != "":
		return s.dialect + "*> "
	}
	return s.dialect + "=> "
}

// interruptible returns a context that a Ctrl-C (SIGINT) cancels, until
// stop is called.
func interruptible(ctx context.Context) (context.Context, func()) {
	ctx, cancel := context.WithCancel(ctx)
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, os.Interrupt)
	done := make(chan struct{})
	go func() {
		defer close(done)
		select {
		case <-ch:
			cancel()
		case <-ctx.Done():
		}
	}()
	return ctx, func() {
		signal.Stop(ch)
		cancel()
		<-done
	}
}
