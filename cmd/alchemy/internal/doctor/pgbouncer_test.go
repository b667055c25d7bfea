package doctor

import (
	"context"
	"strings"
	"testing"

	"github.com/go-alchemy/alchemy"
	"github.com/go-alchemy/alchemy/cmd/alchemy/internal/cli"
	"github.com/go-alchemy/alchemy/internal/testdb"
)

// Through PgBouncer in transaction mode: detected by the backend pids; an
// error without pgbouncer=true in the URL, none with it; its settings read
// from the admin console.
func TestPgBouncerTransactionMode(t *testing.T) {
	withFlag := testdb.URL(t, testdb.PgBouncer)
	u, err := alchemy.ParseURL(withFlag)
	if err != nil {
		t.Fatal(err)
	}
	if v, _ := u.QueryValue("pgbouncer"); v != "true" {
		t.Fatalf("the test PgBouncer URL should carry pgbouncer=true: %s", u)
	}
	without := u.WithoutQuery("pgbouncer").RenderWithPassword()

	code, r := doctorJSON(t, without)
	f := r.only(t, checkPgBouncer)
	if code != cli.ExitFindings || f.Severity != SevError || !strings.Contains(f.Fix, "pgbouncer=true") {
		t.Errorf("without pgbouncer=true: exit %d, %+v", code, f)
	}
	pids := f.evidence(t, "pg_backend_pid()").Value
	if !strings.Contains(pids, " then ") {
		t.Errorf("pids seen: %q", pids)
	}
	if f.evidence(t, "pgbouncer").Value != "absent" {
		t.Errorf("evidence of the URL: %+v", f.Evidence)
	}
	if mode := f.evidence(t, "pool_mode"); mode.Value != "transaction" || !strings.Contains(mode.Source, "SHOW CONFIG") {
		t.Errorf("pool_mode: %+v", mode)
	}
	if !strings.Contains(r.Server.Pooler, "PgBouncer") {
		t.Errorf("server: %+v", r.Server)
	}
	// Its client_idle_timeout was read; behind it, max_connections means
	// PgBouncer's max_client_conn.
	if ci := r.only(t, checkPgBouncerIdle); !strings.Contains(ci.evidence(t, "client_idle_timeout").Source, "PgBouncer") {
		t.Errorf("client_idle_timeout: %+v", ci)
	}
	if mc := r.only(t, checkMaxConnections); mc.evidence(t, "max_client_conn").Value == "" {
		t.Errorf("max-connections behind PgBouncer: %+v", mc)
	}

	code, r = doctorJSON(t, withFlag)
	f = r.only(t, checkPgBouncer)
	if code != cli.ExitOK || f.Severity != SevInfo || f.evidence(t, "pgbouncer").Value != "true" {
		t.Errorf("with pgbouncer=true: exit %d, %+v (all: %+v)", code, f, r.Findings)
	}
	// exec mode is as good.
	if _, r = doctorJSON(t, u.WithoutQuery("pgbouncer").WithQuery("default_query_exec_mode", "exec").RenderWithPassword()); r.only(t, checkPgBouncer).Severity != SevInfo {
		t.Errorf("default_query_exec_mode=exec: %+v", r.only(t, checkPgBouncer))
	}
}

// Straight to PostgreSQL there is no pooler to find, with or without
// pgbouncer=true.
func TestNoPoolerDirect(t *testing.T) {
	url := testdb.URL(t, testdb.PostgreSQL)
	_, r := doctorJSON(t, url)
	if len(r.findings(checkPgBouncer)) != 0 || r.Server.Pooler != "" {
		t.Errorf("a pooler found on a direct connection: %+v %+v", r.Server, r.Findings)
	}
	eng, err := alchemy.CreateEngine(url)
	if err != nil {
		t.Fatal(err)
	}
	defer eng.Dispose()
	b, err := detectPooler(context.Background(), eng)
	if err != nil || b.transaction || len(b.pids) != 1 {
		t.Errorf("detectPooler direct: %+v, %v", b, err)
	}
}

// PgBouncer's settings that cannot be read are said to be unread, with why,
// and nothing fails. (The test PgBouncer lets its user read the console; the
// PostgreSQL server has no such console, which gives the real refusal.)
func TestPgBouncerConsoleUnreadable(t *testing.T) {
	u, err := alchemy.ParseURL(testdb.URL(t, testdb.PostgreSQL))
	if err != nil {
		t.Fatal(err)
	}
	b := &bouncer{transaction: true, pids: []int{1, 2}}
	readBouncerConfig(context.Background(), u, b)
	if b.config != nil || b.configErr == nil {
		t.Fatalf("read a console from PostgreSQL: %+v", b)
	}
	var fs findings
	checkBouncer(b, u.WithQuery("pgbouncer", "true"), poolSettingsForTest(), &fs)
	var got *Finding
	for i := range fs {
		if fs[i].Check == checkUnreadable {
			got = &fs[i]
		}
	}
	if got == nil || got.Severity != SevInfo || !strings.Contains(got.Summary, "client_idle_timeout") || !strings.Contains(got.Summary, `database "pgbouncer" does not exist`) {
		t.Errorf("unreadable console: %+v", fs)
	}
	if strings.Contains(got.Summary, "alchemy-test-pw") || (u.Password != "" && strings.Contains(got.Summary, u.Password)) {
		t.Errorf("the password shows: %s", got.Summary)
	}
}

// poolSettingsForTest are alchemy's defaults.
func poolSettingsForTest() poolSettings {
	return poolSettings{Size: defaultPoolSize, MaxOverflow: defaultMaxOverflow, Timeout: defaultPoolTimeout, Processes: 1, from: map[string]string{}}
}
