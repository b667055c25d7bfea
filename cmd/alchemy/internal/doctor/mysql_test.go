package doctor

import (
	"fmt"
	"strings"
	"testing"

	"github.com/go-alchemy/alchemy"
	"github.com/go-alchemy/alchemy/cmd/alchemy/internal/cli"
	"github.com/go-alchemy/alchemy/internal/testdb"
)

// The session's wait_timeout is what ends this connection: set low by the
// URL it is an error whose evidence says "session" and names the URL's
// option; the server's own (global) value is said to be global. Neither
// changes anything on the shared server.
func TestMySQLWaitTimeoutSessionAndGlobal(t *testing.T) {
	url := testdb.URL(t, testdb.MySQL)
	sep := "?"
	if strings.Contains(url, "?") {
		sep = "&"
	}

	// A session value of 5s, with a pool that recycles only after an hour.
	code, r := doctorJSON(t, url+sep+"wait_timeout=5", "--pool-recycle", "1h")
	f := r.only(t, checkWaitTimeout)
	ev := f.evidence(t, "@@session.wait_timeout")
	if code != cli.ExitFindings || f.Severity != SevError || ev.Value != "5" ||
		!strings.HasPrefix(ev.Source, "session: set at connect by the URL's wait_timeout option") || !strings.Contains(ev.Source, "@@global.wait_timeout is") {
		t.Errorf("session wait_timeout 5: exit %d, %s, %+v", code, f.Severity, ev)
	}
	if !strings.Contains(f.Fix, "below 5s") {
		t.Errorf("fix: %s", f.Fix)
	}
	// With pre-ping it is covered.
	if code, r = doctorJSON(t, url+sep+"wait_timeout=5", "--pre-ping"); code != cli.ExitOK || r.only(t, checkWaitTimeout).Severity != SevInfo {
		t.Errorf("session wait_timeout 5 with pre-ping: exit %d, %+v", code, r.only(t, checkWaitTimeout))
	}

	// The global value (the server's), which an hour's recycle stays below
	// when it is the default 8h; either way the source says global.
	_, r = doctorJSON(t, url, "--pool-recycle", "1h")
	f = r.only(t, checkWaitTimeout)
	ev = f.evidence(t, "@@session.wait_timeout")
	if !strings.HasPrefix(ev.Source, "global") {
		t.Errorf("global wait_timeout: %+v", ev)
	}
	if ev.Value == "28800" && f.Severity != SevInfo {
		t.Errorf("8h wait_timeout, recycle 1h: %s %s", f.Severity, f.Summary)
	}
	// alchemy's default pool closes connections idle for 5 min, long before 8h.
	_, r = doctorJSON(t, url)
	if f := r.only(t, checkWaitTimeout); ev.Value == "28800" && f.Severity != SevInfo {
		t.Errorf("8h wait_timeout, default pool_max_idle_time: %s %s", f.Severity, f.Summary)
	}
	// With no recycle and no idle limit at all, 8h still ends idle
	// connections: a warning (idle nights and weekends), not an error.
	_, r = doctorJSON(t, url, "--pool-max-idle-time", "0")
	if f := r.only(t, checkWaitTimeout); ev.Value == "28800" && f.Severity != SevWarning {
		t.Errorf("8h wait_timeout, no recycle, no idle limit: %s", f.Severity)
	}
}

// The test user cannot read mysql.user: the doctor says so (info) and reads
// the account's limit another way; max_connections against the pools.
func TestMySQLLimitsAndUnreadable(t *testing.T) {
	url := testdb.URL(t, testdb.MySQL)
	code, r := doctorJSON(t, url, "--pool-size", "100", "--processes", "2", "--pre-ping")
	f := r.only(t, checkMaxConnections)
	if code != cli.ExitFindings || f.Severity != SevError || !strings.Contains(f.Summary, "= 220") || f.evidence(t, "@@global.max_connections").Value == "" {
		t.Errorf("100+10 × 2: exit %d, %+v", code, f)
	}
	if len(r.findings(checkOpenConnections)) != 1 {
		t.Errorf("no open-connections info: %+v", r.Findings)
	}
	var unread *Finding
	for _, u := range r.findings(checkUnreadable) {
		if strings.Contains(u.Summary, "mysql.user") {
			unread = &u
		}
	}
	if unread == nil || unread.Severity != SevInfo || !strings.Contains(unread.Summary, "denied") {
		t.Errorf("want an info finding that mysql.user could not be read: %+v", r.Findings)
	}
	if code, r = doctorJSON(t, url, "--pool-size", "3", "--max-overflow", "2", "--pre-ping"); code != cli.ExitOK || r.only(t, checkMaxConnections).Severity != SevInfo {
		t.Errorf("3+2: exit %d, %+v", code, r.Findings)
	}
}

// An account WITH MAX_USER_CONNECTIONS: the pools must fit it.
func TestMySQLUserLimit(t *testing.T) {
	u, err := alchemy.ParseURL(testdb.URL(t, testdb.MySQL))
	if err != nil {
		t.Fatal(err)
	}
	root := mysqlRoot(t)
	user := uniqueName("doc")
	exec(t, root,
		fmt.Sprintf("CREATE USER '%s'@'127.0.0.1' IDENTIFIED BY 'doc-pw' WITH MAX_USER_CONNECTIONS 4", user),
		fmt.Sprintf("GRANT SELECT ON %s.* TO '%s'@'127.0.0.1'", u.Database, user))
	t.Cleanup(func() { exec(t, root, fmt.Sprintf("DROP USER IF EXISTS '%s'@'127.0.0.1'", user)) })
	url := u.WithUsername(user).WithPassword("doc-pw").WithHost("127.0.0.1").RenderWithPassword()

	code, r := doctorJSON(t, url, "--pre-ping")
	f := r.only(t, checkUserLimit)
	ev := f.evidence(t, "max_user_connections")
	if code != 1 || f.Severity != SevError || ev.Value != "4" || !strings.Contains(ev.Source, user+"@127.0.0.1") {
		t.Errorf("5+10 against 4: exit %d, %+v", code, f)
	}
	if code, r = doctorJSON(t, url, "--pre-ping", "--pool-size", "2", "--max-overflow", "1"); code != 0 || r.only(t, checkUserLimit).Severity != SevInfo {
		t.Errorf("2+1 within 4: exit %d, %+v", code, r.Findings)
	}
}

// mysqlRoot is MariaDB's root over its Unix socket, for creating users.
func mysqlRoot(t *testing.T) *alchemy.Engine {
	t.Helper()
	var last string
	for _, sock := range []string{"/run/mysqld/mysqld.sock", "/var/run/mysqld/mysqld.sock", "/tmp/mysql.sock"} {
		eng, err := alchemy.CreateEngine("mysql://root@localhost/?unix_socket="+sock, alchemy.PoolSize(1))
		if err != nil {
			t.Fatal(err)
		}
		var res *alchemy.Result
		if res, err = eng.Execute(t.Context(), alchemy.Text("SELECT 1")); err == nil {
			_ = res.Close()
			t.Cleanup(func() { _ = eng.Dispose() })
			return eng
		}
		last = err.Error()
		_ = eng.Dispose()
	}
	if testdb.InCI() {
		t.Fatalf("MariaDB as root over its socket: %s", last)
	}
	t.Skipf("MariaDB as root over its socket: %s", last)
	return nil
}
