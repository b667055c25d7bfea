package doctor

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-alchemy/alchemy"
	"github.com/go-alchemy/alchemy/cmd/alchemy/internal/cli"
	"github.com/go-alchemy/alchemy/internal/testdb"
)

// run runs the doctor subcommand as the alchemy command would, with the
// global flags given as fields, and returns the exit code, standard output and
// standard error (with the line main prints for an error).
func run(t *testing.T, url, format string, args ...string) (int, string, string) {
	t.Helper()
	return runApp(t, &cli.App{URLFlag: url, Format: format}, args...)
}

func runApp(t *testing.T, app *cli.App, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	app.Out, app.Err, app.In = &out, &errb, strings.NewReader("")
	if app.Format == "" {
		app.Format = "table"
	}
	err := app.LoadConfig()
	if err == nil {
		cmd := Command(app)
		cmd.SetArgs(args)
		cmd.SetOut(&out)
		cmd.SetErr(&errb)
		cmd.SilenceUsage, cmd.SilenceErrors = true, true
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		defer cancel()
		err = cmd.ExecuteContext(ctx)
	}
	if err != nil && err != cli.Findings {
		fmt.Fprintln(&errb, "alchemy:", err)
	}
	return cli.Code(err), out.String(), errb.String()
}

// jsonReport is the doctor's JSON output, read back.
type jsonReport struct {
	Server struct {
		URL      string `json:"url"`
		URLFrom  string `json:"url_from"`
		Dialect  string `json:"dialect"`
		Version  string `json:"version"`
		User     string `json:"user"`
		Database string `json:"database"`
		Pooler   string `json:"pooler"`
	} `json:"server"`
	Pool     []Evidence `json:"pool"`
	Settings []Evidence `json:"settings"`
	Probe    *struct {
		Survived string `json:"survived"`
		Failed   string `json:"failed"`
		Error    string `json:"error"`
		Steps    []struct {
			Idle  string `json:"idle"`
			OK    bool   `json:"ok"`
			Error string `json:"error"`
		} `json:"steps"`
	} `json:"probe"`
	Findings []Finding      `json:"findings"`
	Counts   map[string]int `json:"counts"`
}

// doctorJSON runs the doctor with --format json and reads its report.
func doctorJSON(t *testing.T, url string, args ...string) (int, jsonReport) {
	t.Helper()
	code, out, errs := run(t, url, "json", args...)
	var r jsonReport
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatalf("doctor %v: exit %d, output is not JSON (%v):\n%s\nstderr: %s", args, code, err, out, errs)
	}
	return code, r
}

// findings returns the findings of a check.
func (r jsonReport) findings(check string) []Finding {
	var out []Finding
	for _, f := range r.Findings {
		if f.Check == check {
			out = append(out, f)
		}
	}
	return out
}

// only returns the one finding of a check, failing the test unless there is
// exactly one.
func (r jsonReport) only(t *testing.T, check string) Finding {
	t.Helper()
	fs := r.findings(check)
	if len(fs) != 1 {
		t.Fatalf("want one %s finding, got %d: %+v", check, len(fs), r.Findings)
	}
	return fs[0]
}

// evidence returns the evidence of setting in f.
func (f Finding) evidence(t *testing.T, setting string) Evidence {
	t.Helper()
	for _, e := range f.Evidence {
		if e.Setting == setting {
			return e
		}
	}
	t.Fatalf("finding %s has no evidence of %s: %+v", f.Check, setting, f.Evidence)
	return Evidence{}
}

var nameSeq atomic.Int64

// uniqueName is a role, user or database name no other test run uses.
func uniqueName(prefix string) string {
	return fmt.Sprintf("%s_%d_%d", prefix, os.Getpid(), nameSeq.Add(1))
}

// admin opens an engine on rawURL for the test's own setup, skipping the test
// outside CI (failing it in CI) when the server cannot be reached that way.
func admin(t *testing.T, rawURL, what string) *alchemy.Engine {
	t.Helper()
	eng, err := alchemy.CreateEngine(rawURL, alchemy.PoolSize(1))
	if err == nil {
		var c *alchemy.Conn
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if c, err = eng.Connect(ctx); err == nil {
			_ = c.Close()
		}
	}
	if err != nil {
		if testdb.InCI() {
			t.Fatalf("%s: %v", what, err)
		}
		t.Skipf("%s: %v", what, err)
	}
	t.Cleanup(func() { _ = eng.Dispose() })
	return eng
}

// exec runs statements on eng, failing the test on an error.
func exec(t *testing.T, eng *alchemy.Engine, stmts ...string) {
	t.Helper()
	for _, s := range stmts {
		if _, err := eng.Execute(context.Background(), alchemy.Text(s)); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
}

// pgSuper is the PostgreSQL test server as its superuser, postgres (trusted
// over TCP on the project's machines).
func pgSuper(t *testing.T) (*alchemy.Engine, alchemy.URL) {
	t.Helper()
	u, err := alchemy.ParseURL(testdb.URL(t, testdb.PostgreSQL))
	if err != nil {
		t.Fatal(err)
	}
	su := u.WithUsername("postgres").WithPassword("")
	return admin(t, su.RenderWithPassword(), "PostgreSQL as its superuser postgres"), u
}

// pgRole creates a login role of its own for the test, runs setup (with %[1]s
// standing for the role's name) as the superuser, and drops the role at the
// end. It returns the role's name and a URL that connects as it.
func pgRole(t *testing.T, setup ...string) (string, string) {
	t.Helper()
	su, u := pgSuper(t)
	name := uniqueName("doc")
	exec(t, su, fmt.Sprintf("CREATE ROLE %s LOGIN PASSWORD 'doc-pw'", name))
	t.Cleanup(func() {
		ctx := context.Background()
		for range 50 { // its sessions first, then the role
			res, err := su.Execute(ctx, alchemy.Text("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE usename = :r"), alchemy.Params{"r": name})
			n, _ := alchemy.Scalar[int](res)
			if err == nil && n == 0 {
				break
			}
			time.Sleep(100 * time.Millisecond)
		}
		if _, err := su.Execute(ctx, alchemy.Text("DROP ROLE IF EXISTS "+name)); err != nil {
			t.Errorf("dropping role %s: %v", name, err)
		}
	})
	for _, s := range setup {
		exec(t, su, fmt.Sprintf(s, name))
	}
	return name, u.WithUsername(name).WithPassword("doc-pw").RenderWithPassword()
}
