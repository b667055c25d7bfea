package faults_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/go-alchemy/alchemy"
	"github.com/go-alchemy/alchemy/dialect"
	"github.com/go-alchemy/alchemy/internal/testdb"
)

// wrongPassword is a password no server accepts; it is audited like the real ones.
var wrongPassword = fmt.Sprintf("wrong-pw-%d-Zq8", pid)

// connectTimeout bounds each connect of the failed-connect cases (the URL's
// connect_timeout).
const connectTimeout = 5 * time.Second

// closedPort returns a loopback port where nothing listens.
func closedPort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	return port
}

// TestSecretsFailedConnects: a wrong password (in the URL, or in ConnectArgs), a
// database that does not exist, and a port where nothing listens each give, within the
// connect timeout, an error that says what is wrong and holds no password — through
// Connect and through connectionless Execute — and leave the pool's counts as they
// were. A refused login or an unknown database is not a lost connection (no
// ErrDisconnect: it must not invalidate the pool).
func TestSecretsFailedConnects(t *testing.T) {
	t.Parallel()
	audit.addSecret(wrongPassword)
	for _, name := range []string{testdb.PostgreSQL, testdb.MySQL, testdb.PgBouncer} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			base := testdb.URL(t, name)
			audit.addURL(base)
			u := mustParse(t, base).WithQuery("connect_timeout", fmt.Sprint(connectTimeout.Seconds()))
			missingDB := fmt.Sprintf("alchemy_test_nope_%d", pid) // the MariaDB user may see alchemy_test_%
			cases := []failedConnect{
				{"wrong password", u.WithPassword(wrongPassword), nil,
					[]string{"password authentication failed", "Access denied", "SASL authentication failed", "wrong password"}, false},
				{"wrong password in ConnectArgs", u.WithPassword(""), []alchemy.Option{alchemy.ConnectArgs(map[string]any{"password": wrongPassword})},
					[]string{"password authentication failed", "Access denied", "SASL authentication failed", "wrong password"}, false},
				{"unknown database", u.WithDatabase(missingDB), nil,
					[]string{"does not exist", "Unknown database", "no such database"}, false},
				{"closed port", u.WithPort(closedPort(t)), nil, []string{"connection refused"}, true},
			}
			if name == testdb.PgBouncer {
				// PgBouncer's "*" entry takes any database name; after the server refused
				// a login it holds the next clients until server_login_retry, so they end
				// at the connect timeout with no reason given: PgBouncer's doing, not
				// alchemy's. The unknown database is tried on PostgreSQL itself.
				cases = slices.DeleteFunc(cases, func(c failedConnect) bool { return c.name == "unknown database" })
			}
			for _, c := range cases {
				t.Run(c.name, func(t *testing.T) {
					t.Parallel()
					eng := newEngine(t, c.url.RenderWithPassword(), append([]alchemy.Option{alchemy.PoolSize(2)}, c.opts...)...)
					before := eng.PoolStatus()
					ctx, cancel := context.WithTimeout(context.Background(), 3*connectTimeout)
					defer cancel()
					for _, via := range []string{"Connect", "Execute"} {
						start := time.Now()
						var err error
						if via == "Connect" {
							var conn *alchemy.Conn
							if conn, err = eng.Connect(ctx); err == nil {
								conn.Close()
							}
						} else {
							_, err = scalar[int64](ctx, eng, "select 1")
						}
						took := time.Since(start)
						if err == nil {
							t.Fatalf("%s succeeded", via)
						}
						auditErr(t, c.name+" "+via, err)
						if took > connectTimeout {
							t.Errorf("%s failed after %s, beyond the connect timeout %s", via, took, connectTimeout)
						}
						if !containsAny(err.Error(), c.says) {
							t.Errorf("%s: the error does not say what is wrong (want one of %q): %v", via, c.says, err)
						}
						if errors.Is(err, alchemy.ErrDisconnect) != c.disconnect {
							t.Errorf("%s: errors.Is(err, ErrDisconnect) = %v, want %v: %v", via, !c.disconnect, c.disconnect, err)
						}
						after := eng.PoolStatus()
						auditValue(t, "Status", after)
						if after.Open != before.Open || after.CheckedIn != before.CheckedIn || after.CheckedOut != before.CheckedOut ||
							after.Overflow != before.Overflow || after.Waiters != before.Waiters || after.Created != before.Created {
							t.Errorf("%s: a failed connect moved the pool's counts: before %+v, after %+v", via, before, after)
						}
					}
				})
			}
		})
	}
}

// failedConnect is a case of TestSecretsFailedConnects.
type failedConnect struct {
	name       string
	url        dialect.URL
	opts       []alchemy.Option
	says       []string // one of these is in the message
	disconnect bool     // whether the error satisfies ErrDisconnect
}

func containsAny(s string, subs []string) bool {
	for _, sub := range subs {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}

// TestSecretsInRenderings: the URLs of the environment and the engines made from them
// render without their password in every way a program logs them — String, fmt's
// verbs (%#v included), JSON, slog — and so do the errors and panics a malformed URL
// gives.
func TestSecretsInRenderings(t *testing.T) {
	t.Parallel()
	for _, name := range []string{testdb.PostgreSQL, testdb.MySQL, testdb.PgBouncer} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			raw := testdb.URL(t, name)
			audit.addURL(raw)
			u := mustParse(t, raw)
			if u.Password == "" {
				t.Fatalf("the %s URL has no password: nothing to audit", name)
			}

			t.Run("URL", func(t *testing.T) {
				auditValue(t, "URL", u)
				auditString(t, "URL %#v", fmt.Sprintf("%#v", u))
				js, err := json.Marshal(map[string]any{"url": u})
				if err != nil {
					t.Fatal(err)
				}
				auditString(t, "URL in JSON", string(js))
				sink := newLogSink(t, "slog of a URL")
				sink.logger().Info("connecting", "url", u, "urlp", &u)
				if _, lines := sink.flush(); lines != 1 {
					t.Fatalf("%d log lines", lines)
				}
			})

			t.Run("Engine", func(t *testing.T) {
				eng := newEngine(t, raw)
				auditValue(t, "Engine", eng)
				auditValue(t, "Engine.PoolStatus()", eng.PoolStatus())
				sink := newLogSink(t, "slog of an engine")
				sink.logger().Info("engine", "engine", eng, "url", eng.URL())
			})

			// Go syntax (%#v) of an engine: fmt cannot call URL.GoString on the
			// engine's unexported url field, so it prints the URL's fields, Password
			// included, unless *Engine renders itself (GoString).
			t.Run("Engine %#v", func(t *testing.T) {
				eng := newEngine(t, raw)
				auditString(t, "Engine %#v", fmt.Sprintf("%#v", eng))
			})

			t.Run("malformed URL", func(t *testing.T) {
				bad := strings.Replace(raw, ":"+fmt.Sprint(u.Port)+"/", ":99999/", 1)
				if bad == raw {
					t.Fatalf("could not make a malformed URL")
				}
				_, err := alchemy.CreateEngine(bad)
				if err == nil {
					t.Fatal("CreateEngine with port 99999 succeeded")
				}
				auditErr(t, "CreateEngine of a malformed URL", err)
				func() {
					defer func() {
						r := recover()
						if r == nil {
							t.Error("MustParseURL of a malformed URL did not panic")
							return
						}
						auditString(t, "panic message", fmt.Sprint(r))
						auditString(t, "panic message %+v", fmt.Sprintf("%+v", r))
						if err, ok := r.(error); ok {
							auditErr(t, "panic value", err)
						}
					}()
					dialect.MustParseURL(bad)
				}()
			})

			t.Run("bad option", func(t *testing.T) {
				opt := "sslmode=bogus"
				if name == testdb.MySQL {
					opt = "charset=no-such-charset!"
				}
				sep := "?"
				if strings.Contains(raw, "?") {
					sep = "&"
				}
				_, err := alchemy.CreateEngine(raw + sep + opt)
				if err == nil {
					t.Fatalf("CreateEngine with %s succeeded", opt)
				}
				auditErr(t, "CreateEngine with a bad option", err)
				slog.New(slog.NewJSONHandler(newLogSink(t, "slog of an error"), nil)).Error("create", "err", err)
			})
		})
	}
}
