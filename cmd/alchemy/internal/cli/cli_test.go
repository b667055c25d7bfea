package cli

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// Where the URL comes from, in order: --url, $ALCHEMY_URL, the config file, the
// default SQLite file.
func TestURLPrecedence(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "a.toml")
	if err := os.WriteFile(cfg, []byte("url = \"sqlite:///from-config.db\"\n[pool]\nsize = 7\nrecycle = \"90s\"\ntimeout = \"5\"\npre_ping = true\nprocesses = 3\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv(URLEnv, "")
	a := New()
	if u, from := a.URL(); u != DefaultURL || from != "default" {
		t.Errorf("no URL given: %s from %s", u, from)
	}
	a.ConfigFlag = cfg
	if err := a.LoadConfig(); err != nil {
		t.Fatal(err)
	}
	if u, from := a.URL(); u != "sqlite:///from-config.db" || from != "config file" {
		t.Errorf("config: %s from %s", u, from)
	}
	p := a.Config.Pool
	if p.Size != 7 || p.Recycle.Duration != 90*time.Second || p.Timeout.Duration != 5*time.Second || !p.PrePing || p.Processes != 3 {
		t.Errorf("pool settings read: %+v", p)
	}
	if a.ConfigSets("pool", "max_overflow") || !a.ConfigSets("pool", "size") {
		t.Errorf("ConfigSets: max_overflow %v, size %v", a.ConfigSets("pool", "max_overflow"), a.ConfigSets("pool", "size"))
	}
	t.Setenv(URLEnv, "sqlite:///from-env.db")
	if u, from := a.URL(); u != "sqlite:///from-env.db" || from != "$"+URLEnv {
		t.Errorf("env: %s from %s", u, from)
	}
	a.URLFlag = "sqlite:///from-flag.db"
	if u, from := a.URL(); u != "sqlite:///from-flag.db" || from != "--url" {
		t.Errorf("flag: %s from %s", u, from)
	}
	bad := filepath.Join(dir, "bad.toml")
	if err := os.WriteFile(bad, []byte("[pool]\nrecycle = \"soon\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	b := New()
	b.ConfigFlag = bad
	if err := b.LoadConfig(); Code(err) != ExitUsage || !strings.Contains(err.Error(), "soon") {
		t.Errorf("a bad config: %v", err)
	}
}

// Rows print as a table, CSV or JSON; NULL, bytes and times are readable.
func TestPrintRows(t *testing.T) {
	cols := []string{"id", "name", "at"}
	at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	rows := [][]any{{int64(1), []byte("ed"), at}, {int64(2), nil, at}}
	var b bytes.Buffer
	if err := PrintRows(&b, "table", cols, rows); err != nil || !strings.Contains(b.String(), "NULL") || !strings.Contains(b.String(), "ed") {
		t.Errorf("table: %v\n%s", err, b.String())
	}
	b.Reset()
	if err := PrintRows(&b, "csv", cols, rows); err != nil || !strings.HasPrefix(b.String(), "id,name,at\n1,ed,2026-01-02T03:04:05Z") {
		t.Errorf("csv: %v\n%s", err, b.String())
	}
	b.Reset()
	if err := PrintRows(&b, "json", cols, rows); err != nil {
		t.Fatal(err)
	}
	var got []map[string]any
	if err := json.Unmarshal(b.Bytes(), &got); err != nil || len(got) != 2 || got[0]["name"] != "ed" || got[1]["name"] != nil {
		t.Errorf("json: %v %v\n%s", err, got, b.String())
	}
	if err := PrintRows(&b, "xml", cols, rows); Code(err) != ExitUsage {
		t.Errorf("an unknown format: %v", err)
	}
}
