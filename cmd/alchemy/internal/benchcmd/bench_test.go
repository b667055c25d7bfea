package benchcmd

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/spf13/cobra"

	"github.com/go-alchemy/alchemy"
	"github.com/go-alchemy/alchemy/cmd/alchemy/internal/cli"
	"github.com/go-alchemy/alchemy/internal/testdb"
)

// bench runs the bench command on url with --format format and args, as the
// alchemy command would, and returns the exit code, stdout and stderr.
func bench(t *testing.T, ctx context.Context, url, format string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	app := &cli.App{URLFlag: url, Format: format, Out: &out, Err: &errb, In: strings.NewReader("")}
	cmd := Command(app)
	cmd.SilenceUsage, cmd.SilenceErrors = true, true
	cmd.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return cli.Usagef("%v", err) })
	cmd.SetArgs(args)
	cmd.SetOut(&out)
	cmd.SetErr(&errb)
	err := cmd.ExecuteContext(ctx)
	if err != nil && err != cli.Findings {
		fmt.Fprintln(&errb, "alchemy:", err)
	}
	return cli.Code(err), out.String(), errb.String()
}

var prefixes atomic.Int64

// uniquePrefix is a table prefix no other test (nor suite running at the same
// time) uses.
func uniquePrefix() string {
	return fmt.Sprintf("bt%d_%d_", os.Getpid(), prefixes.Add(1))
}

func decode[T any](t *testing.T, out string) T {
	t.Helper()
	var v T
	if err := json.Unmarshal([]byte(out), &v); err != nil {
		t.Fatalf("output is not the JSON expected: %v\n%s", err, out)
	}
	return v
}

// checkSane checks what every run that committed its transactions must
// report.
func checkSane(t *testing.T, r *Result, transactions int64) {
	t.Helper()
	if r.Transactions != transactions || r.Errors != 0 {
		t.Errorf("transactions %d errors %d (%v), want %d and 0", r.Transactions, r.Errors, r.ErrorMsgs, transactions)
	}
	l := r.Latency
	if !(0 < l.Min && l.Min <= l.P50 && l.P50 <= l.P95 && l.P95 <= l.P99 && l.P99 <= l.Max && l.Avg <= l.Max) || !l.Exact {
		t.Errorf("latencies out of order: %+v", l)
	}
	if r.Throughput <= 0 || r.Seconds <= 0 {
		t.Errorf("throughput %v over %v s", r.Throughput, r.Seconds)
	}
	p := r.Pool
	if p.Kind != "QueuePool" || p.Created < 1 || p.PeakOpen < 1 || p.CheckedOut != 0 || p.Open < 1 || p.ConnectAttempts < p.Created {
		t.Errorf("pool counters: %+v", p)
	}
	if p.PeakCheckedOut > r.Clients || p.PeakOpen > p.Size+max(p.MaxOverflow, 0) {
		t.Errorf("pool peaks beyond the clients or the pool's limit: %+v", p)
	}
}

func TestBench(t *testing.T) {
	testdb.Each(t, func(t *testing.T, tg testdb.Target) {
		ctx := context.Background()
		prefix := uniquePrefix()
		eng, err := alchemy.CreateEngine(tg.URL)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			if code, _, errs := bench(t, ctx, tg.URL, "table", "drop", "--prefix", prefix); code != 0 {
				t.Errorf("drop: %d %s", code, errs)
			}
			var left int
			for _, name := range []string{prefix + "accounts", prefix + "history"} {
				if res, err := eng.Execute(ctx, alchemy.Text("SELECT COUNT(*) FROM "+name)); err == nil {
					_ = res.Close()
					left++
				}
			}
			if left > 0 {
				t.Errorf("drop left %d of the tables", left)
			}
			_ = eng.Dispose()
		})
		count := func(q string) int64 {
			t.Helper()
			res, err := eng.Execute(ctx, alchemy.Text(q))
			if err != nil {
				t.Fatal(err)
			}
			n, err := alchemy.Scalar[*int64](res)
			if err != nil {
				t.Fatal(err)
			}
			if n == nil {
				return 0
			}
			return *n
		}

		// init makes 10,000 accounts with balance 0 and an empty history.
		code, out, errs := bench(t, ctx, tg.URL, "json", "init", "--scale", "1", "--prefix", prefix)
		if code != 0 {
			t.Fatalf("init: %d %s", code, errs)
		}
		made := decode[struct {
			Accounts string
			Rows     int
		}](t, out)
		if made.Accounts != prefix+"accounts" || made.Rows != RowsPerScale {
			t.Errorf("init said %+v", made)
		}
		if n := count("SELECT COUNT(*) FROM " + prefix + "accounts"); n != RowsPerScale {
			t.Errorf("init made %d accounts", n)
		}

		t.Run("read-only", func(t *testing.T) {
			code, out, errs := bench(t, ctx, tg.URL, "json", "--prefix", prefix, "--transactions", "200", "--clients", "4")
			if code != 0 {
				t.Fatalf("exit %d: %s", code, errs)
			}
			r := decode[Result](t, out)
			checkSane(t, &r, 200)
			if r.Script != ReadOnly || r.Clients != 4 || r.PoolSettings.Size != 5 || r.Dialect == "" {
				t.Errorf("run described as %+v", r)
			}
			if errs != "" {
				t.Errorf("stderr not empty off a terminal: %q", errs)
			}
		})

		t.Run("read-write keeps the accounts and the history consistent", func(t *testing.T) {
			code, out, errs := bench(t, ctx, tg.URL, "json", "--prefix", prefix, "--script", "read-write", "-t", "200", "-c", "4", "--pool-size", "2", "--max-overflow", "1")
			if code != 0 {
				t.Fatalf("exit %d: %s", code, errs)
			}
			r := decode[Result](t, out)
			checkSane(t, &r, 200)
			if r.PoolSettings.Size != 2 || r.PoolSettings.MaxOverflow != 1 || r.Pool.Size != 2 || r.Pool.PeakOpen > 3 {
				t.Errorf("the pool flags did not apply: %+v %+v", r.PoolSettings, r.Pool)
			}
			if n := count("SELECT COUNT(*) FROM " + prefix + "history"); n != r.Transactions {
				t.Errorf("history has %d rows for %d committed transactions", n, r.Transactions)
			}
			moved := count("SELECT SUM(delta) FROM " + prefix + "history")
			if sum := count("SELECT SUM(balance) FROM " + prefix + "accounts"); sum != moved {
				t.Errorf("balances sum to %d, the history's deltas to %d", sum, moved)
			}
		})

		t.Run("compare", func(t *testing.T) {
			args := []string{"--prefix", prefix, "-t", "200", "-c", "4", "--compare", "pool_size=1,max_overflow=0", "--compare", "pool_size=4"}
			code, out, errs := bench(t, ctx, tg.URL, "json", args...)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, errs)
			}
			c := decode[Comparison](t, out)
			if c.A == nil || c.B == nil {
				t.Fatalf("comparison without both runs: %s", out)
			}
			checkSane(t, c.A, 200)
			checkSane(t, c.B, 200)
			if c.A.Label != "pool_size=1,max_overflow=0" || c.A.PoolSettings.Size != 1 || c.A.PoolSettings.MaxOverflow != 0 || c.A.Pool.PeakOpen != 1 {
				t.Errorf("A ran with %q %+v, pool %+v", c.A.Label, c.A.PoolSettings, c.A.Pool)
			}
			if c.B.Label != "pool_size=4" || c.B.PoolSettings.Size != 4 || c.B.PoolSettings.MaxOverflow != 10 {
				t.Errorf("B ran with %q %+v", c.B.Label, c.B.PoolSettings)
			}
			if c.Ratio.Throughput != ratio(c.B.Throughput, c.A.Throughput) || c.Ratio.P99 != ratio(c.B.Latency.P99, c.A.Latency.P99) || c.Ratio.Throughput <= 0 {
				t.Errorf("ratios %+v for %v/%v and %v/%v", c.Ratio, c.B.Throughput, c.A.Throughput, c.B.Latency.P99, c.A.Latency.P99)
			}

			code, out, errs = bench(t, ctx, tg.URL, "table", args...)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, errs)
			}
			for _, want := range []string{"A: pool_size=1,max_overflow=0", "B: pool_size=4", "B / A", "throughput", "latency p99", "pool waits", "×"} {
				if !strings.Contains(out, want) {
					t.Errorf("comparison table lacks %q:\n%s", want, out)
				}
			}
			if u, err := alchemy.ParseURL(tg.URL); err != nil || u.Password != "" && strings.Contains(out, u.Password) {
				t.Errorf("the table shows the password (%v):\n%s", err, out)
			}
		})

		t.Run("file script", func(t *testing.T) {
			dir := t.TempDir()
			good := filepath.Join(dir, "good.sql")
			script := "-- move money; the history keeps the moves\n" +
				"UPDATE " + prefix + "accounts SET balance = balance - :delta WHERE id = :id;\n" +
				"INSERT INTO " + prefix + "history (account_id, delta, client) VALUES (:id, 0 - :delta, :client);\n" +
				"SELECT ';' AS semicolon_in_a_string;"
			if err := os.WriteFile(good, []byte(script), 0o600); err != nil {
				t.Fatal(err)
			}
			before := count("SELECT COUNT(*) FROM " + prefix + "history")
			code, out, errs := bench(t, ctx, tg.URL, "json", "--prefix", prefix, "--file", good, "--tx", "-t", "50", "-c", "3")
			if code != 0 {
				t.Fatalf("exit %d: %s", code, errs)
			}
			r := decode[Result](t, out)
			checkSane(t, &r, 50)
			if r.Script != good {
				t.Errorf("script %q", r.Script)
			}
			if n := count("SELECT COUNT(*) FROM " + prefix + "history"); n != before+50 {
				t.Errorf("history grew from %d to %d, not by 50", before, n)
			}
			if sum, moved := count("SELECT SUM(balance) FROM "+prefix+"accounts"), count("SELECT SUM(delta) FROM "+prefix+"history"); sum != moved {
				t.Errorf("balances sum to %d, the history's deltas to %d", sum, moved)
			}

			// A failing statement fails its transaction, the run goes on, and
			// the exit code is 1 after the results.
			bad := filepath.Join(dir, "bad.sql")
			if err := os.WriteFile(bad, []byte("SELECT balance FROM "+prefix+"accounts WHERE id = :id;\nSELECT nothing FROM "+prefix+"no_such_table;\n"), 0o600); err != nil {
				t.Fatal(err)
			}
			code, out, errs = bench(t, ctx, tg.URL, "json", "--prefix", prefix, "--file", bad, "-t", "20", "-c", "2")
			if code != cli.ExitFailure {
				t.Fatalf("exit %d, want 1: %s", code, errs)
			}
			r = decode[Result](t, out)
			if r.Transactions != 0 || r.Errors != 20 || len(r.ErrorMsgs) != 1 || r.ErrorMsgs[0].Count != 20 ||
				!strings.Contains(r.ErrorMsgs[0].Message, "statement 2") || !strings.Contains(r.ErrorMsgs[0].Message, "no_such_table") {
				t.Errorf("transactions %d errors %d messages %+v", r.Transactions, r.Errors, r.ErrorMsgs)
			}
			code, out, _ = bench(t, ctx, tg.URL, "table", "--prefix", prefix, "--file", bad, "-t", "5", "-c", "1")
			if code != cli.ExitFailure || !strings.Contains(out, "5 failed transactions") || !strings.Contains(out, "no_such_table") {
				t.Errorf("table of a failing run: exit %d\n%s", code, out)
			}
		})

		t.Run("duration stops on time", func(t *testing.T) {
			start := time.Now()
			code, out, errs := bench(t, ctx, tg.URL, "json", "--prefix", prefix, "--duration", "1s", "-c", "2", "--progress")
			took := time.Since(start)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, errs)
			}
			r := decode[Result](t, out)
			if took > 3*time.Second || r.Seconds < 0.9 || r.Seconds > 2.5 || r.Transactions < 1 || r.Errors != 0 {
				t.Errorf("a 1s run took %v, reported %v s, %d transactions, %d errors", took, r.Seconds, r.Transactions, r.Errors)
			}
			// --progress off a terminal: a line per second on stderr.
			if !strings.Contains(errs, "bench:   1.0s") || !strings.Contains(errs, "tx/s") {
				t.Errorf("--progress printed %q", errs)
			}
		})

		t.Run("table", func(t *testing.T) {
			code, out, errs := bench(t, ctx, tg.URL, "table", "--prefix", prefix, "-t", "50")
			if code != 0 {
				t.Fatalf("exit %d: %s", code, errs)
			}
			for _, want := range []string{"bench read-only on " + tg.Name, "transactions", "│ 50 ", "tx/s", "latency p50", "latency p99", "pool peak checked out", "pool waits"} {
				if !strings.Contains(out, want) {
					t.Errorf("table lacks %q:\n%s", want, out)
				}
			}
		})
	}, testdb.SQLite, testdb.PostgreSQL, testdb.MySQL)
}

// TestBenchInterrupt: the end of the command's context (Ctrl-C) stops the run
// early, and what was measured is printed.
func TestBenchInterrupt(t *testing.T) {
	url := testdb.SQLiteURL(t)
	prefix := uniquePrefix()
	if code, _, errs := bench(t, context.Background(), url, "table", "init", "--prefix", prefix); code != 0 {
		t.Fatalf("init: %s", errs)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
	defer cancel()
	start := time.Now()
	code, out, errs := bench(t, ctx, url, "json", "--prefix", prefix, "--duration", "1m", "--compare", "pool_size=1", "--compare", "pool_size=2")
	if took := time.Since(start); took > 3*time.Second {
		t.Errorf("interrupted run took %v", took)
	}
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	c := decode[Comparison](t, out)
	if c.A == nil || !c.A.Interrupted || c.A.Transactions < 1 || c.A.Errors != 0 || c.A.Seconds > 2 || c.B != nil {
		t.Errorf("interrupted comparison: %s", out)
	}
}

func TestBenchUsage(t *testing.T) {
	url := testdb.SQLiteURL(t)
	ctx := context.Background()
	dir := t.TempDir()
	other := filepath.Join(dir, "other.sql")
	if err := os.WriteFile(other, []byte("SELECT :other"), 0o600); err != nil {
		t.Fatal(err)
	}
	empty := filepath.Join(dir, "empty.sql")
	if err := os.WriteFile(empty, []byte("-- nothing\n;\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	unterminated := filepath.Join(dir, "unterminated.sql")
	if err := os.WriteFile(unterminated, []byte("SELECT /* open"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		format string
		args   []string
		want   string
	}{
		{"table", []string{"--clients", "0"}, "--clients"},
		{"table", []string{"--transactions", "-1"}, "--transactions"},
		{"table", []string{"--script", "write-only"}, "read-only or read-write"},
		{"table", []string{"--duration", "soon"}, "--duration"},
		{"table", []string{"--duration", "0s"}, "--duration"},
		{"table", []string{"--compare", "pool_size=5"}, "twice"},
		{"table", []string{"--compare", "pool_size=5", "--compare", "pool_size=6", "--compare", "pool_size=7"}, "twice"},
		{"table", []string{"--compare", "pool_size=five", "--compare", "pool_size=6"}, "pool_size"},
		{"table", []string{"--compare", "size=5", "--compare", "pool_size=6"}, "max_overflow, pool_recycle, pool_size"},
		{"table", []string{"--compare", "pool_size=0", "--compare", "pool_size=6"}, "pool_size 0"},
		{"table", []string{"--pool-size", "0"}, "pool_size 0"},
		{"table", []string{"--max-overflow", "-2"}, "max_overflow -2"},
		{"table", []string{"--pool-timeout", "forever"}, "--pool-timeout"},
		{"table", []string{"--prefix", "a-b"}, "--prefix"},
		{"table", []string{"--progress=bar"}, "--progress"},
		{"table", []string{"--file", filepath.Join(dir, "nosuch.sql")}, "--file"},
		{"table", []string{"--file", other}, ":other"},
		{"table", []string{"--file", empty}, "no SQL statement"},
		{"table", []string{"--file", other, "--script", "read-only"}, "not both"},
		{"table", []string{"--file", unterminated, "--ids", "5"}, "statement 1"},
		{"table", []string{"--tx"}, "--tx"},
		{"table", []string{"--nosuch"}, "nosuch"},
		{"table", []string{"extra"}, "extra"},
		{"csv", []string{"-t", "1"}, "--format"},
		{"table", []string{"init", "--scale", "0"}, "--scale"},
		{"table", []string{"init", "--prefix", "9lives"}, "--prefix"},
		{"table", []string{"drop", "--prefix", "x;y"}, "--prefix"},
	} {
		code, _, errs := bench(t, ctx, url, c.format, c.args...)
		if code != cli.ExitUsage || !strings.Contains(errs, c.want) {
			t.Errorf("%v: exit %d, stderr %q; want 2 and %q", c.args, code, errs, c.want)
		}
	}
}

// TestBenchCannotConnect: a database that cannot be reached and a wrong
// password are clear failures (exit 1), an unknown dialect a usage mistake
// (exit 2), none showing the password; a run without init tells to run it.
func TestBenchCannotConnect(t *testing.T) {
	ctx := context.Background()
	const secret = "s3cret-Pw-XYZ"
	cases := []struct{ url, want string }{
		{"postgresql://alchemy:" + secret + "@127.0.0.1:1/nosuch", "cannot connect"},
		{"nosuchdialect://u:" + secret + "@host/db", "nosuchdialect"},
	}
	if pg := os.Getenv(testdb.Vars[testdb.PostgreSQL]); pg != "" {
		u, err := alchemy.ParseURL(pg)
		if err != nil {
			t.Fatal(err)
		}
		u.Password = secret
		cases = append(cases, struct{ url, want string }{u.RenderWithPassword(), "password authentication failed"})
	} else if testdb.InCI() {
		t.Fatalf("%s is not set", testdb.Vars[testdb.PostgreSQL])
	}
	for _, c := range cases {
		for _, args := range [][]string{{"-t", "1"}, {"init"}, {"drop"}} {
			for _, format := range []string{"table", "json"} {
				code, out, errs := bench(t, ctx, c.url, format, args...)
				want := cli.ExitFailure
				if strings.HasPrefix(c.url, "nosuchdialect") {
					want = cli.ExitUsage
				}
				if code != want || !strings.Contains(errs, c.want) || strings.Contains(out+errs, secret) {
					t.Errorf("%s %v: exit %d, stdout %q, stderr %q; want %d, %q and no password", c.url[:12], args, code, out, errs, want, c.want)
				}
			}
		}
	}

	url := testdb.SQLiteURL(t)
	code, _, errs := bench(t, ctx, url, "json", "--prefix", uniquePrefix(), "-t", "1")
	if code != cli.ExitFailure || !strings.Contains(errs, "alchemy bench init") {
		t.Errorf("a run without tables: exit %d %q", code, errs)
	}
	file := filepath.Join(t.TempDir(), "ids.sql")
	if err := os.WriteFile(file, []byte("SELECT :id"), 0o600); err != nil {
		t.Fatal(err)
	}
	code, _, errs = bench(t, ctx, url, "json", "--prefix", uniquePrefix(), "--file", file, "-t", "1")
	if code != cli.ExitFailure || !strings.Contains(errs, "--ids") {
		t.Errorf("a file binding :id without tables or --ids: exit %d %q", code, errs)
	}
	code, out, errs := bench(t, ctx, url, "json", "--file", file, "--ids", "7", "-t", "10")
	if code != 0 || decode[Result](t, out).Transactions != 10 {
		t.Errorf("a file with --ids and no tables: exit %d %s %s", code, out, errs)
	}
}
