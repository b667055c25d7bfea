package doctor

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/go-alchemy/alchemy"
	"github.com/go-alchemy/alchemy/cmd/alchemy/internal/cli"
	"github.com/go-alchemy/alchemy/internal/testdb"
)

// Bad input: a clear message and exit 2 for usage mistakes, 1 for failures;
// never the password.
func TestDoctorErrors(t *testing.T) {
	pg := testdb.URL(t, testdb.PostgreSQL)
	u, err := alchemy.ParseURL(pg)
	if err != nil {
		t.Fatal(err)
	}
	wrong := u.WithPassword("not-the-password-9x").RenderWithPassword()
	for _, c := range []struct {
		name, url, format string
		args              []string
		code              int
		want              string
	}{
		{"wrong password", wrong, "table", nil, cli.ExitFailure, "password authentication failed"},
		{"wrong password, json", wrong, "json", nil, cli.ExitFailure, "cannot connect"},
		{"unreachable", "postgresql://app:secret-pw-1@127.0.0.1:1/db?connect_timeout=2", "table", nil, cli.ExitFailure, "cannot connect"},
		{"unreachable mysql", "mysql://app:secret-pw-1@127.0.0.1:1/db?connect_timeout=2", "table", nil, cli.ExitFailure, "cannot connect"},
		{"unknown dialect", "nosuch://app:secret-pw-1@host/db", "table", nil, cli.ExitFailure, "unknown dialect"},
		{"bad url", "postgresql://app:secret-pw-1@host:notaport/db", "table", nil, cli.ExitUsage, "database URL"},
		{"csv", pg, "csv", nil, cli.ExitUsage, "--format"},
		{"pool size 0", pg, "table", []string{"--pool-size", "0"}, cli.ExitUsage, "pool_size"},
		{"processes 0", pg, "table", []string{"--processes", "0"}, cli.ExitUsage, "processes"},
		{"overflow -2", pg, "table", []string{"--max-overflow", "-2"}, cli.ExitUsage, "max_overflow"},
		{"an argument", pg, "table", []string{"extra"}, cli.ExitFailure, "unknown command"},
	} {
		code, out, errs := run(t, c.url, c.format, c.args...)
		if code != c.code || !strings.Contains(errs, c.want) {
			t.Errorf("%s: exit %d (want %d), stderr %q", c.name, code, c.code, errs)
		}
		for _, secret := range []string{"not-the-password-9x", "secret-pw-1", u.Password} {
			if secret != "" && (strings.Contains(out, secret) || strings.Contains(errs, secret)) {
				t.Errorf("%s: the password %q shows:\n%s\n%s", c.name, secret, out, errs)
			}
		}
	}
}

// SQLite has no server: nothing to check, exit 0, and no file is made.
func TestDoctorSQLite(t *testing.T) {
	dir := t.TempDir()
	url := "sqlite:///" + filepath.Join(dir, "app.db")
	code, r := doctorJSON(t, url)
	if code != 0 || r.only(t, checkNotChecked).Severity != SevInfo || r.Server.Dialect != "sqlite" {
		t.Errorf("sqlite: exit %d, %+v", code, r)
	}
	if _, err := os.Stat(filepath.Join(dir, "app.db")); err == nil {
		t.Errorf("doctor created the SQLite file")
	}
}

// The config file's [pool] is checked, said to come from the config file;
// the flags win over it; max_overflow = 0 written there counts as 0.
func TestDoctorConfigFile(t *testing.T) {
	_, url := pgRole(t, "ALTER ROLE %s SET idle_session_timeout = '10s'")
	cfg := filepath.Join(t.TempDir(), "alchemy.toml")
	toml := "url = \"" + url + "\"\n[pool]\nsize = 3\nmax_overflow = 0\nrecycle = \"8s\"\nprocesses = 2\n"
	if err := os.WriteFile(cfg, []byte(toml), 0o600); err != nil {
		t.Fatal(err)
	}
	app := &cli.App{ConfigFlag: cfg, Format: "json"}
	code, out, errs := runApp(t, app)
	r := decode(t, out, errs)
	if code != 0 {
		t.Errorf("exit %d: %+v", code, r.Findings)
	}
	f := r.only(t, checkIdleSession)
	if rc := f.evidence(t, "pool_recycle"); f.Severity != SevInfo || rc.Value != "8s" || !strings.Contains(rc.Source, "config file "+cfg+" [pool] recycle") {
		t.Errorf("recycle from the config: %+v", f)
	}
	mc := r.only(t, checkMaxConnections)
	if !strings.Contains(mc.Summary, "(pool_size 3 + max_overflow 0) × 2 processes = 6") || !strings.Contains(mc.evidence(t, "max_overflow").Source, "config file") {
		t.Errorf("sizes from the config: %+v", mc)
	}
	if r.Server.URLFrom != "config file" {
		t.Errorf("url from: %q", r.Server.URLFrom)
	}

	app = &cli.App{ConfigFlag: cfg, Format: "json"}
	code, out, errs = runApp(t, app, "--pool-recycle", "1m", "--max-overflow", "4")
	r = decode(t, out, errs)
	f = r.only(t, checkIdleSession)
	if code != 1 || f.Severity != SevError || f.evidence(t, "pool_recycle").Source != "--pool-recycle" {
		t.Errorf("flag over config: exit %d, %+v", code, f)
	}
	if ev := r.only(t, checkMaxConnections).evidence(t, "max_overflow"); ev.Value != "4" || ev.Source != "--max-overflow" {
		t.Errorf("max_overflow flag: %+v", ev)
	}
}

func decode(t *testing.T, out, errs string) jsonReport {
	t.Helper()
	var r jsonReport
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatalf("not JSON (%v): %s\n%s", err, out, errs)
	}
	return r
}

// The helpers that turn durations into advice.
func TestSuggestRecycleAndHuman(t *testing.T) {
	for _, c := range []struct {
		t    time.Duration
		want string
	}{
		{5 * time.Second, "4.5s"}, {2 * time.Second, "1.8s"}, {8 * time.Hour, "7h12m"},
		{10 * time.Minute, "9m"}, {time.Hour, "54m"}, {500 * time.Millisecond, "450ms"},
	} {
		if got := human(suggestRecycle(c.t)); got != c.want {
			t.Errorf("suggestRecycle(%s) = %s, want %s", c.t, got, c.want)
		}
	}
	if human(2*time.Hour) != "2h" || human(90*time.Second) != "1m30s" {
		t.Errorf("human: %s %s", human(2*time.Hour), human(90*time.Second))
	}
}
