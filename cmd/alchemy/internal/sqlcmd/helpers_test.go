package sqlcmd

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/spf13/cobra"

	"github.com/go-alchemy/alchemy"
	"github.com/go-alchemy/alchemy/cmd/alchemy/internal/cli"
)

// runCmd runs "alchemy sql args..." with the sql subcommand under a root command
// as main builds it (the global flags, usage errors as exit 2), with stdin in,
// and returns the exit code, standard output and standard error.
func runCmd(t *testing.T, in io.Reader, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	app := cli.New()
	if in == nil {
		in = strings.NewReader("")
	}
	app.Out, app.Err, app.In = &out, &errb, in
	root := &cobra.Command{
		Use:           "alchemy",
		SilenceUsage:  true,
		SilenceErrors: true,
		PersistentPreRunE: func(cmd *cobra.Command, args []string) error {
			return app.LoadConfig()
		},
	}
	root.SetFlagErrorFunc(func(cmd *cobra.Command, err error) error { return cli.Usagef("%v", err) })
	f := root.PersistentFlags()
	f.StringVar(&app.URLFlag, "url", "", "")
	f.StringVar(&app.ConfigFlag, "config", "", "")
	f.StringVar(&app.Format, "format", "table", "")
	root.AddCommand(Command(app))
	root.SetArgs(append([]string{"sql"}, args...))
	root.SetOut(&out)
	root.SetErr(&errb)
	root.SetIn(in)
	err := root.ExecuteContext(context.Background())
	if err != nil && err != cli.Findings {
		fmt.Fprintln(&errb, "alchemy:", err)
	}
	for _, s := range []string{out.String(), errb.String()} {
		if strings.Contains(s, "goroutine ") || strings.Contains(s, "panic:") {
			t.Fatalf("a stack trace in the output: %s", s)
		}
	}
	return cli.Code(err), out.String(), errb.String()
}

var tableSeq atomic.Int64

// tableName returns a table name no other test or suite uses.
func tableName(prefix string) string {
	return fmt.Sprintf("%s_%d_%d", prefix, os.Getpid(), tableSeq.Add(1))
}

// engine returns an engine on url of its own, disposed at the end of the test.
func engine(t *testing.T, url string) *alchemy.Engine {
	t.Helper()
	eng, err := alchemy.CreateEngine(url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { eng.Dispose() })
	return eng
}

// dropAtEnd drops the tables at the end of the test.
func dropAtEnd(t *testing.T, eng *alchemy.Engine, tables ...string) {
	t.Cleanup(func() {
		for _, tb := range tables {
			if res, err := eng.Execute(context.Background(), alchemy.Text("DROP TABLE IF EXISTS "+tb)); err == nil {
				res.Close()
			}
		}
	})
}

// ids returns the ids in table, in order.
func ids(t *testing.T, eng *alchemy.Engine, table string) []int64 {
	t.Helper()
	res, err := eng.Execute(context.Background(), alchemy.Text("SELECT id FROM "+table+" ORDER BY id"))
	if err != nil {
		t.Fatal(err)
	}
	v, err := alchemy.Scalars[int64](res)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// eventually polls cond until it holds or the timeout passes.
func eventually(t *testing.T, what string, timeout time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not after %s", what, timeout)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// textf is alchemy.Text of a formatted statement.
func textf(format string, a ...any) *alchemy.TextClause {
	return alchemy.Text(fmt.Sprintf(format, a...))
}
