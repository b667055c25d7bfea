// Package testdb gives tests the URLs of the real database servers that
// scripts/test-servers.sh starts, and runs one test on every database that is there.
//
// The servers are found through environment variables (see Vars). When one is unset,
// a test that needs it skips with one line saying how to start it, except under CI
// (CI=true), where a missing server fails the test: CI must never pass by skipping.
package testdb

import (
	"os"
	"strconv"
	"strings"
	"testing"
)

// Names of the test targets.
const (
	SQLite     = "sqlite"
	PostgreSQL = "postgresql"
	MySQL      = "mysql"
	PgBouncer  = "pgbouncer"
	// PgRestart is a PostgreSQL cluster of its own that the fault suite (faults/)
	// stops and starts; no other test may use it.
	PgRestart = "pgrestart"
)

// Vars maps each server target to the environment variable that holds its URL.
var Vars = map[string]string{
	PostgreSQL: "ALCHEMY_TEST_POSTGRESQL_URL",
	MySQL:      "ALCHEMY_TEST_MYSQL_URL",
	PgBouncer:  "ALCHEMY_TEST_PGBOUNCER_URL",
	PgRestart:  "ALCHEMY_TEST_PGRESTART_URL",
}

// PgRestartClusterVar holds the version and name of the PgRestart cluster, as
// pg_ctlcluster takes them ("15 alchemyfault").
const PgRestartClusterVar = "ALCHEMY_TEST_PGRESTART_CLUSTER"

// StartHint is the one line that tells a developer how to make the servers available.
const StartHint = `start them with: eval "$(scripts/test-servers.sh env)"`

// PgPathVar chooses the path the engine's PostgreSQL statements take in the
// tests: "native" (pgx's own connection, the dialect's default) or "stdlib"
// (database/sql over pgx's adapter). URL adds the matching native option to the
// URLs of the PostgreSQL targets, so that the whole suite runs on either path.
const PgPathVar = "ALCHEMY_TEST_PG_PATH"

// InCI reports whether the tests run under CI, where nothing may be skipped.
func InCI() bool { return os.Getenv("CI") == "true" }

// URL returns the URL of a server target. When its variable is unset it fails the
// test under CI and skips it elsewhere.
func URL(t testing.TB, target string) string {
	t.Helper()
	v, ok := Vars[target]
	if !ok {
		t.Fatalf("testdb: unknown target %q", target)
	}
	u := os.Getenv(v)
	if u == "" {
		if InCI() {
			t.Fatalf("testdb: %s is not set: the %s server is required in CI", v, target)
		}
		t.Skipf("testdb: %s is not set; %s", v, StartHint)
	}
	if target == MySQL {
		return u
	}
	switch p := os.Getenv(PgPathVar); p {
	case "":
		return u
	case "native", "stdlib":
		sep := "?"
		if strings.Contains(u, "?") {
			sep = "&"
		}
		return u + sep + "native=" + strconv.FormatBool(p == "native")
	default:
		t.Fatalf("testdb: %s=%q: want native or stdlib", PgPathVar, p)
		return ""
	}
}

// Target is one database a test runs on.
type Target struct {
	// Name is one of SQLite, PostgreSQL, MySQL, PgBouncer.
	Name string
	// URL is its database URL, with the password.
	URL string
}

// SQLiteURL returns a URL for a fresh SQLite database file in the test's temporary
// directory.
func SQLiteURL(t testing.TB) string {
	t.Helper()
	return "sqlite:///" + t.TempDir() + "/test.db"
}

// Each runs fn as a subtest on each target named (SQLite, PostgreSQL and MySQL when
// none is named: name SQLite too when naming servers). A server whose URL is unset
// skips its subtest outside CI and fails it in CI.
func Each(t *testing.T, fn func(t *testing.T, tg Target), targets ...string) {
	t.Helper()
	if len(targets) == 0 {
		targets = []string{SQLite, PostgreSQL, MySQL}
	}
	for _, name := range targets {
		t.Run(name, func(t *testing.T) {
			if name == SQLite {
				fn(t, Target{Name: SQLite, URL: SQLiteURL(t)})
				return
			}
			fn(t, Target{Name: name, URL: URL(t, name)})
		})
	}
}
