package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/go-alchemy/alchemy/cmd/alchemy/internal/cli"
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
