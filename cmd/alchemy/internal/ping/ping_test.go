package ping

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/spf13/cobra"

	"github.com/go-alchemy/alchemy/cmd/alchemy/internal/cli"
	"github.com/go-alchemy/alchemy/dialect"
	"github.com/go-alchemy/alchemy/internal/testdb"
)

// runPing runs "alchemy ping args..." under a root command as main builds it
// (the global flags, usage errors as exit 2) and returns the exit code,
// standard output and standard error.
func runPing(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	app := cli.New()
	app.Out, app.Err = &out, &errb
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
	root.SetArgs(append([]string{"ping"}, args...))
	root.SetOut(&out)
	root.SetErr(&errb)
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

// password returns the password of url ("" for none).
func password(t *testing.T, url string) string {
	u, err := dialect.ParseURL(url)
	if err != nil {
		t.Fatal(err)
	}
	return u.Password
}

// TestPingJSON: the JSON report has the server's version, sane round-trip
// times, the pool's defaults, and the URL without its password.
func TestPingJSON(t *testing.T) {
	testdb.Each(t, func(t *testing.T, tg testdb.Target) {
		code, out, errs := runPing(t, "--url", tg.URL, "--format", "json", "--count", "4")
		if code != 0 {
			t.Fatalf("exit %d: %s", code, errs)
		}
		var r report
		if err := json.Unmarshal([]byte(out), &r); err != nil {
			t.Fatalf("not JSON: %v\n%s", err, out)
		}
		if !r.OK || r.Error != "" || r.ServerVersion == "" || r.Version == "" || r.URLFrom != "--url" || r.Probe != "SELECT 1" {
			t.Errorf("report: %+v", r)
		}
		want := map[string]string{testdb.SQLite: "sqlite", testdb.PostgreSQL: "postgresql", testdb.MySQL: "mysql"}[tg.Name]
		if r.Dialect != want || r.Driver == "" || !strings.HasPrefix(r.URL, want+"://") {
			t.Errorf("dialect %q driver %q url %q, want %s", r.Dialect, r.Driver, r.URL, want)
		}
		if pw := password(t, tg.URL); pw != "" && strings.Contains(out+errs, pw) {
			t.Errorf("the password is printed: %s", out)
		}
		if r.RTT == nil || r.Count != 4 || len(r.RTT.SamplesMS) != 4 {
			t.Fatalf("round trips: %+v", r.RTT)
		}
		if !(0 < r.RTT.MinMS && r.RTT.MinMS <= r.RTT.MedianMS && r.RTT.MedianMS <= r.RTT.MaxMS) || r.ConnectMS <= 0 {
			t.Errorf("times: connect %v, %+v", r.ConnectMS, r.RTT)
		}
		for _, s := range r.RTT.SamplesMS {
			if s < r.RTT.MinMS || s > r.RTT.MaxMS {
				t.Errorf("sample %v outside [%v, %v]", s, r.RTT.MinMS, r.RTT.MaxMS)
			}
		}
		p := r.Pool
		if p == nil || p.Kind != "QueuePool" || p.Size != 5 || p.MaxOverflow != 10 || p.TimeoutS != 30 || p.RecycleS != 0 || p.Recycle || p.PrePing {
			t.Errorf("pool: %+v", p)
		}
		if p != nil && p.MaxIdleTimeS != 300 {
			t.Errorf("max idle time %vs, want alchemy's default 300s", p.MaxIdleTimeS)
		}
		if p != nil && (p.From["size"] != "default" || p.From["pre_ping"] != "default" || p.From["max_idle_time"] != "default") {
			t.Errorf("pool settings' sources: %v", p.From)
		}
	}, testdb.SQLite, testdb.PostgreSQL, testdb.MySQL)
}

// TestPingTable: the table report names each thing, and where the URL came
// from ($ALCHEMY_URL here).
func TestPingTable(t *testing.T) {
	testdb.Each(t, func(t *testing.T, tg testdb.Target) {
		t.Setenv(cli.URLEnv, tg.URL)
		code, out, errs := runPing(t)
		if code != 0 {
			t.Fatalf("exit %d: %s", code, errs)
		}
		for _, want := range []string{"(from $ALCHEMY_URL)", "Server ", "Round trip", "median", "5 × SELECT 1", "QueuePool", "max overflow   10", "timeout        30s", "recycle        off", "max idle time  5m0s\n", "pre-ping       off"} {
			if !strings.Contains(out, want) {
				t.Errorf("%q is not in:\n%s", want, out)
			}
		}
	}, testdb.SQLite, testdb.PostgreSQL)
}

// TestPingConfig: the pool settings of the config file are the ones shown,
// marked as coming from it.
func TestPingConfig(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "alchemy.toml")
	url := testdb.URL(t, testdb.PostgreSQL)
	toml := fmt.Sprintf("url = %q\n[pool]\nsize = 3\nmax_overflow = 2\ntimeout = \"7s\"\nrecycle = 300\nmax_idle_time = \"90s\"\npre_ping = true\n", url)
	if err := os.WriteFile(cfg, []byte(toml), 0o600); err != nil {
		t.Fatal(err)
	}
	code, out, errs := runPing(t, "--config", cfg, "--format", "json", "-n", "1")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var r report
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatal(err)
	}
	p := r.Pool
	if r.URLFrom != "config file" || p.Size != 3 || p.MaxOverflow != 2 || p.TimeoutS != 7 || p.RecycleS != 300 || !p.Recycle || p.MaxIdleTimeS != 90 || !p.PrePing {
		t.Errorf("from %q, pool %+v", r.URLFrom, p)
	}
	for _, k := range []string{"size", "max_overflow", "timeout", "recycle", "max_idle_time", "pre_ping"} {
		if p.From[k] != "config" {
			t.Errorf("%s comes from %q", k, p.From[k])
		}
	}
	code, out, _ = runPing(t, "--config", cfg, "-n", "1")
	if code != 0 || !strings.Contains(out, "pre-ping       on (config file)") || !strings.Contains(out, "recycle        5m0s (config file)") ||
		!strings.Contains(out, "max idle time  1m30s (config file)") {
		t.Errorf("table: %s", out)
	}
}

// writeConfig writes an alchemy.toml of url and the [pool] lines and returns
// its path.
func writeConfig(t *testing.T, url, pool string) string {
	t.Helper()
	cfg := filepath.Join(t.TempDir(), "alchemy.toml")
	if err := os.WriteFile(cfg, []byte(fmt.Sprintf("url = %q\n[pool]\n%s", url, pool)), 0o600); err != nil {
		t.Fatal(err)
	}
	return cfg
}

// pingJSON runs ping on the config file cfg and returns its JSON report.
func pingJSON(t *testing.T, cfg string) *report {
	t.Helper()
	code, out, errs := runPing(t, "--config", cfg, "--format", "json", "-n", "1")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var r report
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	if r.Pool == nil {
		t.Fatalf("no pool: %s", out)
	}
	return &r
}

// TestPingMaxIdleTimeOff: max_idle_time = 0 in the config file turns the idle
// retirement off, which ping shows as 0 (JSON) and off (table), from the
// config file, not as the default's 5 minutes; a number of seconds is read
// too.
func TestPingMaxIdleTimeOff(t *testing.T) {
	url := testdb.SQLiteURL(t)
	cfg := writeConfig(t, url, "max_idle_time = 0\n")
	p := pingJSON(t, cfg).Pool
	if p.MaxIdleTimeS != 0 || p.From["max_idle_time"] != "config" {
		t.Errorf("max_idle_time = 0: %vs from %q", p.MaxIdleTimeS, p.From["max_idle_time"])
	}
	code, out, errs := runPing(t, "--config", cfg, "-n", "1")
	if code != 0 || !strings.Contains(out, "max idle time  off (config file)\n") {
		t.Errorf("table, exit %d: %s%s", code, out, errs)
	}
	p = pingJSON(t, writeConfig(t, url, "max_idle_time = \"600\"\n")).Pool
	if p.MaxIdleTimeS != 600 || p.From["max_idle_time"] != "config" {
		t.Errorf(`max_idle_time = "600": %vs from %q`, p.MaxIdleTimeS, p.From["max_idle_time"])
	}
}

// TestPingMaxIdleTimeStaticPool: an SQLite memory database gets a
// StaticPool, which never retires idle connections, so ping shows the max
// idle time off and says why, whatever the config file set.
func TestPingMaxIdleTimeStaticPool(t *testing.T) {
	cfg := writeConfig(t, "sqlite://", "max_idle_time = \"90s\"\npre_ping = true\n")
	p := pingJSON(t, cfg).Pool
	if p.Kind != "StaticPool" || p.MaxIdleTimeS != 0 || p.From["max_idle_time"] != "pool kind" {
		t.Errorf("pool %+v", p)
	}
	// A StaticPool does not pre-ping either, whatever the file says.
	if p.PrePing || p.From["pre_ping"] != "pool kind" {
		t.Errorf("pre-ping under a StaticPool: %v from %q", p.PrePing, p.From["pre_ping"])
	}
	code, out, errs := runPing(t, "--config", cfg, "-n", "1")
	if code != 0 || !strings.Contains(out, "max idle time  off (StaticPool ignores it)\n") ||
		!strings.Contains(out, "pre-ping       off (StaticPool ignores it)\n") {
		t.Errorf("table, exit %d: %s%s", code, out, errs)
	}
}

// TestPingMaxIdleTimeInForce: the max idle time ping reports is the one the
// engine it opens (cli.App.Open, as measure does) runs with: at 50ms from the
// config file, a connection checked in is retired by the pool's idle sweep.
func TestPingMaxIdleTimeInForce(t *testing.T) {
	cfg := writeConfig(t, testdb.SQLiteURL(t), "max_idle_time = \"50ms\"\n")
	if p := pingJSON(t, cfg).Pool; p.MaxIdleTimeS != 0.05 || p.From["max_idle_time"] != "config" {
		t.Fatalf("reported %vs from %q, want 0.05s from config", p.MaxIdleTimeS, p.From["max_idle_time"])
	}
	app := cli.New()
	app.ConfigFlag = cfg
	if err := app.LoadConfig(); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	eng, err := app.Open(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer eng.Dispose()
	conn, err := eng.Connect(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := conn.Close(); err != nil {
		t.Fatal(err)
	}
	// At the default 5 minutes nothing would be retired within the deadline.
	deadline := time.Now().Add(10 * time.Second)
	for eng.PoolStatus().IdleRetired == 0 {
		if time.Now().After(deadline) {
			t.Fatalf("no connection retired after 10s: %+v", eng.PoolStatus())
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// TestPingFailures: an unreachable server and a wrong password exit 1 with a
// message that holds no password (in JSON too); mistakes in the command line
// or the URL exit 2.
func TestPingFailures(t *testing.T) {
	unreachable := "postgresql://x:secretpw@127.0.0.1:1/db"
	code, out, errs := runPing(t, "--url", unreachable)
	if code != cli.ExitFailure || !strings.Contains(errs, "cannot connect to postgresql://x:***@127.0.0.1:1/db") || strings.Contains(out+errs, "secretpw") {
		t.Errorf("unreachable: exit %d: %q %q", code, out, errs)
	}
	code, out, errs = runPing(t, "--url", unreachable, "--format", "json")
	var r report
	if err := json.Unmarshal([]byte(out), &r); err != nil || code != cli.ExitFailure || r.OK || !strings.Contains(r.Error, "connection refused") || strings.Contains(out+errs, "secretpw") {
		t.Errorf("unreachable, json: exit %d, %v: %q %q", code, err, out, errs)
	}

	u, err := dialect.ParseURL(testdb.URL(t, testdb.MySQL))
	if err != nil {
		t.Fatal(err)
	}
	u.Password = "wrong-secretpw"
	code, out, errs = runPing(t, "--url", u.RenderWithPassword())
	if code != cli.ExitFailure || !strings.Contains(errs, "Access denied for user 'alchemy'") || strings.Contains(out+errs, "secretpw") {
		t.Errorf("a wrong password: exit %d: %q %q", code, out, errs)
	}

	sqlite := testdb.SQLiteURL(t)
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--url", "nosuch://u:secretpw@h/db"}, `unknown dialect "nosuch"`},
		{[]string{"--url", "postgresql://u:secretpw@h:notaport/db"}, "database URL"},
		{[]string{"--url", sqlite, "--count", "0"}, "--count 0"},
		{[]string{"--url", sqlite, "--count", "x"}, "--count"},
		{[]string{"--url", sqlite, "--timeout", "-1s"}, "--timeout"},
		{[]string{"--url", sqlite, "--format", "csv"}, `--format "csv"`},
		{[]string{"--url", sqlite, "--nosuch"}, "nosuch"},
		{[]string{"postgresql://u:secretpw@h/db"}, "takes no arguments"},
	} {
		code, out, errs := runPing(t, c.args...)
		if code != cli.ExitUsage || !strings.Contains(errs, c.want) || strings.Contains(out+errs, "secretpw") {
			t.Errorf("%q: exit %d, want 2 with %q: %q %q", c.args, code, c.want, out, errs)
		}
	}
}

// TestPingBinary runs the built command: its exit codes and messages through
// main, with the URL in the environment.
func TestPingBinary(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "alchemy")
	if out, err := exec.Command("go", "build", "-o", bin, "github.com/go-alchemy/alchemy/cmd/alchemy").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	run := func(url string, args ...string) (int, string) {
		cmd := exec.Command(bin, append([]string{"ping"}, args...)...)
		cmd.Env = append(os.Environ(), cli.URLEnv+"="+url)
		out, err := cmd.CombinedOutput()
		if ee, ok := err.(*exec.ExitError); ok {
			return ee.ExitCode(), string(out)
		} else if err != nil {
			t.Fatal(err)
		}
		return 0, string(out)
	}
	if code, out := run(testdb.SQLiteURL(t), "-n", "2"); code != 0 || !strings.Contains(out, "(from $ALCHEMY_URL)") {
		t.Errorf("sqlite: exit %d: %s", code, out)
	}
	if code, out := run("postgresql://x:secretpw@127.0.0.1:1/db"); code != 1 || !strings.HasPrefix(out, "alchemy: cannot connect") || strings.Contains(out, "secretpw") {
		t.Errorf("unreachable: exit %d: %s", code, out)
	}
	if code, out := run("nosuch://x:secretpw@h/db"); code != 2 || strings.Contains(out, "secretpw") {
		t.Errorf("an unknown dialect: exit %d: %s", code, out)
	}
}
