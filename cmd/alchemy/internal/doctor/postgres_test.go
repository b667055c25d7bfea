package doctor

import (
	"fmt"
	"strings"
	"testing"

	"github.com/go-alchemy/alchemy/cmd/alchemy/internal/cli"
)

// A role's idle_session_timeout is found, said to come from that role, and is
// an error until the pool recycles sooner or pre-pings; the role's
// idle_in_transaction_session_timeout is reported too.
func TestPostgresIdleTimeoutsOfTheRole(t *testing.T) {
	role, url := pgRole(t,
		"ALTER ROLE %s SET idle_session_timeout = '5s'",
		"ALTER ROLE %s SET idle_in_transaction_session_timeout = '3s'")

	code, r := doctorJSON(t, url)
	if code != cli.ExitFindings {
		t.Errorf("exit %d, want 1 (an error finding)", code)
	}
	if r.Server.User != role || r.Server.Dialect != "postgresql" || r.Server.Pooler != "" {
		t.Errorf("server: %+v", r.Server)
	}
	f := r.only(t, checkIdleSession)
	if f.Severity != SevError {
		t.Errorf("idle-session-timeout without recycle or pre-ping: %s, want error", f.Severity)
	}
	// The default idle limit (5 min) is longer than the server's 5 s: the
	// finding says so, with where the setting came from.
	if !strings.Contains(f.Summary, "pool_max_idle_time") || f.evidence(t, "pool_max_idle_time").Source != "alchemy's default" {
		t.Errorf("default pool_max_idle_time not reported: %s %+v", f.Summary, f.Evidence)
	}
	ev := f.evidence(t, "idle_session_timeout")
	if ev.Value != "5s" || !strings.Contains(ev.Source, "role "+role+" ") || !strings.Contains(ev.Source, "ALTER ROLE "+role+" SET") || !strings.Contains(ev.Source, "source: user") {
		t.Errorf("evidence: %+v", ev)
	}
	if !strings.Contains(f.Fix, "pool_max_idle_time below 5s") || !strings.Contains(f.Fix, "4.5s") || !strings.Contains(f.Fix, "pool_recycle") || !strings.Contains(f.Fix, "pool_pre_ping") {
		t.Errorf("fix: %s", f.Fix)
	}
	tx := r.only(t, checkIdleInTx)
	if tx.Severity != SevInfo || !strings.Contains(tx.evidence(t, "idle_in_transaction_session_timeout").Source, "role "+role) {
		t.Errorf("idle-in-transaction: %+v", tx)
	}

	// Recycling below the limit, closing idle connections sooner, or pre-ping
	// covers it: info only, exit 0.
	for _, args := range [][]string{{"--pool-recycle", "3s"}, {"--pool-max-idle-time", "3s"}, {"--pre-ping"}} {
		code, r := doctorJSON(t, url, args...)
		f := r.only(t, checkIdleSession)
		if code != cli.ExitOK || f.Severity != SevInfo || r.Counts["error"]+r.Counts["warning"] != 0 {
			t.Errorf("%v: exit %d, %s: %s (counts %v)", args, code, f.Severity, f.Summary, r.Counts)
		}
	}
	// Recycling just under the limit leaves no margin: a warning.
	code, r = doctorJSON(t, url, "--pool-recycle", "4900ms")
	if f := r.only(t, checkIdleSession); code != cli.ExitFindings || f.Severity != SevWarning {
		t.Errorf("--pool-recycle 4.9s: exit %d, %s", code, f.Severity)
	}
	// Recycling after the limit does not help.
	if code, r = doctorJSON(t, url, "--pool-recycle", "1m"); r.only(t, checkIdleSession).Severity != SevError || code != 1 {
		t.Errorf("--pool-recycle 1m: exit %d, %+v", code, r.only(t, checkIdleSession))
	}

	// The table says the same.
	code, out, _ := run(t, url, "table")
	if code != 1 || !strings.Contains(out, "idle-session-timeout") || !strings.Contains(out, "role "+role) || !strings.Contains(out, "1 error, 0 warnings") {
		t.Errorf("table: exit %d\n%s", code, out)
	}
}

// A role without idle settings gets no idle finding.
func TestPostgresNoIdleTimeout(t *testing.T) {
	_, url := pgRole(t)
	code, r := doctorJSON(t, url, "--pool-size", "2", "--max-overflow", "0")
	if len(r.findings(checkIdleSession)) != 0 || len(r.findings(checkIdleInTx)) != 0 {
		t.Errorf("idle findings for a role without idle settings: %+v", r.Findings)
	}
	if code != cli.ExitOK || r.Counts["error"]+r.Counts["warning"] != 0 {
		t.Errorf("exit %d, counts %v: %+v", code, r.Counts, r.Findings)
	}
	// Every setting read is in the report, with its source.
	var names []string
	for _, s := range r.Settings {
		names = append(names, s.Setting)
		if s.Source == "" {
			t.Errorf("setting %s without a source", s.Setting)
		}
	}
	for _, want := range []string{"idle_session_timeout", "max_connections", "statement_timeout", "tcp_keepalives_idle"} {
		if !strings.Contains(strings.Join(names, " "), want) {
			t.Errorf("settings lack %s: %v", want, names)
		}
	}
}

// Where a value comes from: the role in one database, and the URL's startup
// parameter overriding the role's own value.
func TestPostgresSettingSources(t *testing.T) {
	role, url := pgRole(t,
		"ALTER ROLE %s SET idle_session_timeout = '5s'",
		"ALTER ROLE %s IN DATABASE alchemy_test SET statement_timeout = '2min'")
	_, r := doctorJSON(t, url)
	st := r.only(t, checkStatementTime).evidence(t, "statement_timeout")
	if st.Value != "2min" || !strings.Contains(st.Source, "role "+role+" in database alchemy_test") || !strings.Contains(st.Source, "database user") {
		t.Errorf("statement_timeout: %+v", st)
	}
	if f := r.only(t, checkStatementTime); !strings.Contains(f.Summary, "longer than pool_timeout") {
		t.Errorf("statement-timeout: %s", f.Summary)
	}

	// The URL sets idle_session_timeout at connect: that wins over the role's.
	_, r = doctorJSON(t, url+"&idle_session_timeout=20s")
	ev := r.only(t, checkIdleSession).evidence(t, "idle_session_timeout")
	if ev.Value != "20s" || !strings.Contains(ev.Source, "startup parameters") || !strings.Contains(ev.Source, "overrides idle_session_timeout = 5s for role "+role) {
		t.Errorf("idle_session_timeout set by the URL: %+v", ev)
	}
}

// The pools' demand against max_connections less the reserved slots, and
// against a role's and a database's CONNECTION LIMIT.
func TestPostgresConnectionLimits(t *testing.T) {
	_, url := pgRole(t)
	code, r := doctorJSON(t, url, "--pool-size", "200", "--processes", "4")
	f := r.only(t, checkMaxConnections)
	if code != cli.ExitFindings || f.Severity != SevError || !strings.Contains(f.Summary, "= 840") {
		t.Errorf("200 × 4: exit %d, %+v", code, f)
	}
	if f.evidence(t, "processes").Source != "--processes" || f.evidence(t, "superuser_reserved_connections").Value == "" {
		t.Errorf("evidence: %+v", f.Evidence)
	}
	if len(r.findings(checkOpenConnections)) != 1 {
		t.Errorf("no open-connections info: %+v", r.Findings)
	}
	code, r = doctorJSON(t, url, "--pool-size", "2", "--max-overflow", "1", "--processes", "2")
	if f := r.only(t, checkMaxConnections); code != cli.ExitOK || f.Severity != SevInfo || !strings.Contains(f.Summary, "= 6 connections, within") {
		t.Errorf("2+1 × 2: exit %d, %+v", code, f)
	}
	if code, r = doctorJSON(t, url, "--max-overflow", "-1"); r.only(t, checkMaxConnections).Severity != SevWarning || code != 1 {
		t.Errorf("no overflow limit: exit %d, %+v", code, r.only(t, checkMaxConnections))
	}

	// A role limited to 3 connections.
	role, url := pgRole(t, "ALTER ROLE %s CONNECTION LIMIT 3")
	code, r = doctorJSON(t, url)
	f = r.only(t, checkRoleLimit)
	if code != 1 || f.Severity != SevError || f.evidence(t, "rolconnlimit").Value != "3" || !strings.Contains(f.evidence(t, "rolconnlimit").Source, "role "+role) {
		t.Errorf("role limit: exit %d, %+v", code, f)
	}
	if _, r = doctorJSON(t, url, "--pool-size", "2", "--max-overflow", "1"); r.only(t, checkRoleLimit).Severity != SevInfo {
		t.Errorf("within the role's limit: %+v", r.only(t, checkRoleLimit))
	}

	// A database limited to 4 connections.
	su, _ := pgSuper(t)
	db := uniqueName("docdb")
	exec(t, su, fmt.Sprintf("CREATE DATABASE %s CONNECTION LIMIT 4", db))
	t.Cleanup(func() { exec(t, su, fmt.Sprintf("DROP DATABASE IF EXISTS %s WITH (FORCE)", db)) })
	dbURL := strings.Replace(url, "/alchemy_test?", "/"+db+"?", 1)
	code, r = doctorJSON(t, dbURL, "--pool-size", "3", "--max-overflow", "0")
	if f := r.only(t, checkDatabaseLimit); code != cli.ExitOK || f.Severity != SevInfo {
		t.Errorf("3 within the database's 4: exit %d, %+v", code, f)
	}
	code, r = doctorJSON(t, dbURL, "--pool-size", "3", "--max-overflow", "0", "--processes", "2")
	if f := r.only(t, checkDatabaseLimit); code != 1 || f.Severity != SevError || f.evidence(t, "datconnlimit").Value != "4" {
		t.Errorf("6 beyond the database's 4: exit %d, %+v", code, f)
	}
}
