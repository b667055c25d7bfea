// Package faults is alchemy's fault-injection suite on real servers. It holds no code
// of its own, only tests: a module of its own (github.com/go-alchemy/alchemy/faults)
// so that what the tests need — toxiproxy as an in-process library, goleak, errgroup —
// stays out of the library's go.mod.
//
// The tests break the connections of real PostgreSQL 15, MariaDB 10.11 and PgBouncer
// servers under load, and check what alchemy's pool makes of it:
//
//   - idle_test.go: the server ends idle sessions (idle_session_timeout, wait_timeout);
//     pre-ping and recycle hide it, and without either exactly one request per idle
//     gap fails;
//   - kill_test.go: pg_terminate_backend / KILL of every pooled connection under 32
//     goroutines: only the statements in flight fail, and everything after succeeds;
//   - restart_test.go: a PostgreSQL cluster of the suite's own is stopped and started
//     under load; connect attempts during the outage are measured, and the server never
//     sees more sessions than the pool may open;
//   - toxi_test.go: latency, black hole, reset and slow close injected by toxiproxy
//     between the pool and the servers;
//   - secrets_test.go: no password in any log line, error, panic or rendering, and
//     failed connects (wrong password, unknown database, closed port) leave the pool
//     as it was.
//
// Run it with the servers of scripts/test-servers.sh, from the repository's root:
//
//	eval "$(bash scripts/test-servers.sh env)" && (cd faults && go test -race -count=1 ./...)
//
// Without the URL variables the tests skip; with CI=true a missing server fails them.
package faults
