package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/go-alchemy/alchemy/cmd/alchemy/internal/cli"
	"github.com/go-alchemy/alchemy/internal/testdb"
)

// runArgs runs the command line args and returns the exit code, standard
// output and standard error.
func runArgs(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	app := cli.New()
	app.Out, app.Err, app.In = &out, &errb, strings.NewReader("")
	code := run(context.Background(), app, args)
	return code, out.String(), errb.String()
}

func TestUsageAndHelp(t *testing.T) {
	code, out, _ := runArgs(t, "--help")
	if code != 0 || !strings.Contains(out, "Exit codes") {
		t.Errorf("--help: %d %q", code, out)
	}
	for _, sub := range []string{"ping", "sql", "inspect", "gen", "doctor", "bench"} {
		if code, out, _ := runArgs(t, sub, "--help"); code != 0 || !strings.Contains(out, sub) {
			t.Errorf("%s --help: %d %q", sub, code, out)
		}
	}
	if code, _, errs := runArgs(t, "nosuch"); code != cli.ExitUsage || !strings.Contains(errs, "nosuch") {
		t.Errorf("an unknown command: %d %q", code, errs)
	}
	if code, _, errs := runArgs(t, "ping", "--nosuch"); code != cli.ExitUsage || !strings.Contains(errs, "nosuch") {
		t.Errorf("an unknown flag: %d %q", code, errs)
	}
	if code, out, _ := runArgs(t, "completion", "bash"); code != 0 || !strings.Contains(out, "bash completion") {
		t.Errorf("completion bash: %d", code)
	}
}

// TestPingMaxIdleTime runs ping through main's root command: the max idle time
// is alchemy's 5 minutes by default, else the config file's [pool]
// max_idle_time, with its source, in the table and in JSON.
func TestPingMaxIdleTime(t *testing.T) {
	url := testdb.SQLiteURL(t)
	code, out, errs := runArgs(t, "ping", "--url", url, "-n", "1")
	if code != 0 || !strings.Contains(out, "max idle time  5m0s\n") {
		t.Errorf("default, exit %d: %s%s", code, out, errs)
	}
	cfg := filepath.Join(t.TempDir(), "alchemy.toml")
	if err := os.WriteFile(cfg, []byte(fmt.Sprintf("url = %q\n[pool]\nmax_idle_time = \"2m\"\n", url)), 0o600); err != nil {
		t.Fatal(err)
	}
	code, out, errs = runArgs(t, "ping", "--config", cfg, "-n", "1")
	if code != 0 || !strings.Contains(out, "max idle time  2m0s (config file)\n") {
		t.Errorf("config file, exit %d: %s%s", code, out, errs)
	}
	code, out, errs = runArgs(t, "ping", "--config", cfg, "-n", "1", "--format", "json")
	var r struct {
		Pool struct {
			MaxIdleTimeS *float64          `json:"max_idle_time_s"`
			From         map[string]string `json:"from"`
		} `json:"pool"`
	}
	if err := json.Unmarshal([]byte(out), &r); err != nil || code != 0 {
		t.Fatalf("json, exit %d, %v: %s%s", code, err, out, errs)
	}
	if r.Pool.MaxIdleTimeS == nil || *r.Pool.MaxIdleTimeS != 120 || r.Pool.From["max_idle_time"] != "config" {
		t.Errorf("json: max_idle_time_s %v from %q: %s", r.Pool.MaxIdleTimeS, r.Pool.From["max_idle_time"], out)
	}
	if code, out, _ := runArgs(t, "ping", "--help"); code != 0 || !strings.Contains(out, "max idle time") {
		t.Errorf("ping --help does not name the max idle time: %s", out)
	}
	// A pool setting out of range is a mistake in the config file: exit 2, naming it.
	bad := filepath.Join(t.TempDir(), "bad.toml")
	if err := os.WriteFile(bad, []byte(fmt.Sprintf("url = %q\n[pool]\nmax_idle_time = \"5ms\"\n", url)), 0o600); err != nil {
		t.Fatal(err)
	}
	if code, _, errs := runArgs(t, "ping", "--config", bad, "-n", "1"); code != cli.ExitUsage || !strings.Contains(errs, "MaxIdleTime") {
		t.Errorf("max_idle_time = 5ms: exit %d, want %d naming it: %s", code, cli.ExitUsage, errs)
	}
}
