package benchcmd

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"slices"
	"time"

	"github.com/spf13/cobra"

	"github.com/go-alchemy/alchemy"
	"github.com/go-alchemy/alchemy/cmd/alchemy/internal/cli"
)

// maxClients bounds --clients.
const maxClients = 10_000

// side is one pool configuration to run the load under.
type side struct {
	label    string // the --compare spec, or ""
	settings PoolSettings
}

// plan is a checked command line: what to run, and under which pools.
type plan struct {
	load   load
	tables tables
	file   *fileScript // nil for a built-in script
	sides  []side
}

// runBench runs the load of the command line and prints the results.
func runBench(cmd *cobra.Command, app *cli.App, f *flags) error {
	if err := app.CheckFormat("table", "json"); err != nil {
		return err
	}
	p, err := makePlan(cmd, app, f)
	if err != nil {
		return err
	}
	ctx := cmd.Context()
	var results []*Result
	var title string
	for i, s := range p.sides {
		if i > 0 && ctx.Err() != nil {
			break // Ctrl-C: B is not run
		}
		r, t, err := runSide(ctx, app, f, p, s, len(p.sides) > 1, i)
		if err != nil {
			return err
		}
		if title == "" {
			title = t
		}
		results = append(results, r)
	}
	if err := printResults(app, title, results, len(p.sides) > 1); err != nil {
		return err
	}
	for _, r := range results {
		if r.Errors > 0 {
			return cli.Findings
		}
	}
	return nil
}

// runSide opens an engine with one side's pool settings, runs the load on it
// and disposes of it. It returns the results and a title naming the run.
func runSide(ctx context.Context, app *cli.App, f *flags, p *plan, s side, compare bool, i int) (*Result, string, error) {
	eng, err := open(ctx, app, s.settings.options()...)
	if err != nil {
		return nil, "", err
	}
	defer eng.Dispose()
	l := p.load
	if p.file != nil {
		if err := p.file.check(fileName(f.file), eng); err != nil {
			return nil, "", err
		}
	}
	if l.ids == 0 && (p.file == nil || p.file.usesID()) {
		n, err := p.tables.accounts(ctx, eng)
		if err != nil {
			if p.file != nil {
				return nil, "", fmt.Errorf("%s binds :id: give --ids N, or make the accounts with `alchemy bench init`: %w", fileName(f.file), err)
			}
			return nil, "", err
		}
		l.ids = n
	}
	if l.ids == 0 {
		l.ids = 1
	}
	label := ""
	if compare {
		label = " " + string(rune('A'+i))
	}
	r := runLoad(ctx, eng, l, newProgress(f.progress, app, label, l.duration))
	r.Label = s.label
	r.PoolSettings = s.settings.withText()
	return r, title(eng, l), nil
}

// open opens the engine. Bound values stay out of the error messages (each
// transaction draws its own, which would make every message distinct), and
// the pool's warnings (connect back-off) out of the output: failures are
// counted, or reported, instead.
func open(ctx context.Context, app *cli.App, opts ...alchemy.Option) (*alchemy.Engine, error) {
	quiet := slog.New(slog.NewTextHandler(app.Err, &slog.HandlerOptions{Level: slog.LevelError}))
	return app.Open(ctx, append(opts, alchemy.HideParameters(true), alchemy.Logger(quiet))...)
}

// title names a run: the script, the database (without its password), the
// clients and how long it ran.
func title(eng *alchemy.Engine, l load) string {
	var until string
	switch {
	case l.transactions > 0 && l.duration > 0:
		until = fmt.Sprintf("%d transactions or %s", l.transactions, l.duration)
	case l.transactions > 0:
		until = fmt.Sprintf("%d transactions", l.transactions)
	default:
		until = l.duration.String()
	}
	return fmt.Sprintf("bench %s on %s: %d clients, %s", l.scriptName, eng.URL(), l.clients, until)
}

// printResults prints one run, or the two of a comparison, in the App's
// format.
func printResults(app *cli.App, title string, results []*Result, compare bool) error {
	if !compare {
		if app.Format == "json" {
			return printJSON(app.Out, results[0])
		}
		printTable(app.Out, title, results[0])
		return nil
	}
	a := results[0]
	var b *Result
	if len(results) > 1 {
		b = results[1]
	}
	if app.Format == "json" {
		c := Comparison{A: a, B: b}
		if b != nil {
			c.Ratio = ratios(a, b)
		}
		return printJSON(app.Out, c)
	}
	printComparison(app.Out, title, a, b)
	return nil
}

// makePlan checks the flags: any mistake is a usage error (exit 2).
func makePlan(cmd *cobra.Command, app *cli.App, f *flags) (*plan, error) {
	fl := cmd.Flags()
	p := &plan{}
	var err error
	if p.tables, err = tablesFor(f.prefix); err != nil {
		return nil, err
	}
	if f.clients < 1 || f.clients > maxClients {
		return nil, cli.Usagef("--clients %d: give 1 to %d", f.clients, maxClients)
	}
	if f.transactions < 0 {
		return nil, cli.Usagef("--transactions %d must not be negative", f.transactions)
	}
	if f.ids < 0 {
		return nil, cli.Usagef("--ids %d must not be negative", f.ids)
	}
	if !slices.Contains([]string{progressAuto, progressLines, progressNone}, f.progress) {
		return nil, cli.Usagef("--progress %q: give auto, lines or none", f.progress)
	}
	p.load = load{clients: f.clients, transactions: f.transactions, ids: f.ids}
	if f.duration != "" {
		if p.load.duration, err = cli.ParseDuration(f.duration); err != nil || p.load.duration <= 0 {
			return nil, cli.Usagef("--duration %q: give a positive duration, as 10s or 2m", f.duration)
		}
	} else if f.transactions == 0 {
		p.load.duration = 10 * time.Second
	}

	switch {
	case f.file != "" && fl.Changed("script"):
		return nil, cli.Usagef("give --script or --file, not both")
	case f.file != "":
		src, err := readScript(app, f.file)
		if err != nil {
			return nil, err
		}
		if p.file, err = parseFile(fileName(f.file), src, f.inTx); err != nil {
			return nil, err
		}
		p.load.script, p.load.scriptName = p.file, fileName(f.file)
	case f.inTx:
		return nil, cli.Usagef("--tx applies to --file scripts (read-write runs in a transaction already)")
	case f.script == ReadOnly:
		p.load.script, p.load.scriptName = newReadOnly(p.tables), ReadOnly
	case f.script == ReadWrite:
		p.load.script, p.load.scriptName = newReadWrite(p.tables), ReadWrite
	default:
		return nil, cli.Usagef("--script %q: give %s or %s (or --file)", f.script, ReadOnly, ReadWrite)
	}

	base, err := flagPoolSettings(fl, app, f)
	if err != nil {
		return nil, err
	}
	switch len(f.compare) {
	case 0:
		p.sides = []side{{settings: base}}
	case 2:
		for _, spec := range f.compare {
			s, err := applySpec(base, spec)
			if err != nil {
				return nil, err
			}
			p.sides = append(p.sides, side{label: spec, settings: s})
		}
	default:
		return nil, cli.Usagef("--compare is given twice, A then B (as --compare pool_size=5 --compare pool_size=20); got it %d time(s)", len(f.compare))
	}
	return p, nil
}

// flagSet tells which flags were given.
type flagSet interface{ Changed(name string) bool }

// flagPoolSettings are the config file's pool settings overridden by the
// pool flags that were given.
func flagPoolSettings(fl flagSet, app *cli.App, f *flags) (PoolSettings, error) {
	s := basePoolSettings(app.Config.Pool)
	if fl.Changed("pool-size") {
		s.Size = f.poolSize
	}
	if fl.Changed("max-overflow") {
		s.MaxOverflow = f.maxOverflow
	}
	if fl.Changed("pool-timeout") {
		d, err := cli.ParseDuration(f.poolTimeout)
		if err != nil {
			return s, cli.Usagef("--pool-timeout: %v", err)
		}
		s.Timeout = d
	}
	if fl.Changed("pre-ping") {
		s.PrePing = f.prePing
	}
	return s, s.check("pool flags")
}

// readScript reads a --file, or stdin for "-".
func readScript(app *cli.App, name string) (string, error) {
	var b []byte
	var err error
	if name == "-" {
		b, err = io.ReadAll(app.In)
	} else {
		b, err = os.ReadFile(name)
	}
	if err != nil {
		return "", cli.Usagef("--file: %v", err)
	}
	return string(b), nil
}

func fileName(name string) string {
	if name == "-" {
		return "stdin"
	}
	return name
}
