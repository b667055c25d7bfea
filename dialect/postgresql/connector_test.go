package postgresql_test

import (
	"crypto/tls"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/go-alchemy/alchemy/dialect"
	"github.com/go-alchemy/alchemy/dialect/postgresql"
	"github.com/jackc/pgx/v5"
)

// cleanEnv hides the libpq environment and the home directory, so that a config
// depends on the URL alone.
func cleanEnv(t *testing.T) {
	t.Helper()
	for _, v := range []string{"PGHOST", "PGPORT", "PGDATABASE", "PGUSER", "PGPASSWORD", "PGPASSFILE",
		"PGAPPNAME", "PGCONNECT_TIMEOUT", "PGSSLMODE", "PGSSLKEY", "PGSSLCERT", "PGSSLCERTMODE", "PGSSLSNI",
		"PGSSLROOTCERT", "PGSSLPASSWORD", "PGSSLNEGOTIATION", "PGTARGETSESSIONATTRS", "PGSERVICE",
		"PGSERVICEFILE", "PGTZ", "PGOPTIONS", "PGMINPROTOCOLVERSION", "PGMAXPROTOCOLVERSION",
		"PGCHANNELBINDING", "PGREQUIREAUTH"} {
		t.Setenv(v, "") // restored when the test ends
		os.Unsetenv(v)  // pgx refuses some variables that are set but empty
	}
	t.Setenv("HOME", t.TempDir())
}

func config(t *testing.T, raw string, args map[string]any) *pgx.ConnConfig {
	t.Helper()
	u, err := dialect.ParseURL(raw)
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := postgresql.ConnConfig(u, args)
	if err != nil {
		t.Fatalf("ConnConfig(%s): %v", u, err)
	}
	return cfg
}

func TestConnConfig(t *testing.T) {
	cleanEnv(t)
	clientTLS := &tls.Config{MinVersion: tls.VersionTLS13}
	tests := []struct {
		name  string
		url   string
		args  map[string]any
		check func(t *testing.T, c *pgx.ConnConfig)
	}{
		{"all parts", "postgresql://scott:tiger@db.example.com:5433/test", nil, func(t *testing.T, c *pgx.ConnConfig) {
			eq(t, "Host", c.Host, "db.example.com")
			eq(t, "Port", c.Port, uint16(5433))
			eq(t, "User", c.User, "scott")
			eq(t, "Password", c.Password, "tiger")
			eq(t, "Database", c.Database, "test")
			// sslmode=prefer, pgx's default: TLS first, then plain.
			eq(t, "TLS", c.TLSConfig != nil, true)
			eq(t, "fallbacks", len(c.Fallbacks), 1)
			eq(t, "exec mode", c.DefaultQueryExecMode, pgx.QueryExecModeCacheStatement)
		}},
		{"empty host and port", "postgresql://", nil, func(t *testing.T, c *pgx.ConnConfig) {
			eq(t, "Host", c.Host, "localhost")
			eq(t, "Port", c.Port, uint16(5432))
		}},
		{"escaped credentials", "postgresql://us%40er:p%3Aw%2Fd@h/db", nil, func(t *testing.T, c *pgx.ConnConfig) {
			eq(t, "User", c.User, "us@er")
			eq(t, "Password", c.Password, "p:w/d")
		}},
		{"quotes in values", "postgresql://o'brien@h/d'b?application_name=it's%20%5Cme", nil, func(t *testing.T, c *pgx.ConnConfig) {
			eq(t, "User", c.User, "o'brien")
			eq(t, "Database", c.Database, "d'b")
			eq(t, "application_name", c.RuntimeParams["application_name"], `it's \me`)
		}},
		{"ipv6", "postgresql://u@[::1]:6000/db?sslmode=disable", nil, func(t *testing.T, c *pgx.ConnConfig) {
			eq(t, "Host", c.Host, "::1")
			eq(t, "Port", c.Port, uint16(6000))
			eq(t, "TLS", c.TLSConfig == nil, true)
			eq(t, "fallbacks", len(c.Fallbacks), 0)
		}},
		{"sslmode require", "postgresql://h/db?sslmode=require", nil, func(t *testing.T, c *pgx.ConnConfig) {
			eq(t, "TLS", c.TLSConfig != nil && c.TLSConfig.InsecureSkipVerify, true)
			eq(t, "fallbacks", len(c.Fallbacks), 0)
		}},
		{"sslmode verify-full", "postgresql://db.example.com/db?sslmode=verify-full", nil, func(t *testing.T, c *pgx.ConnConfig) {
			eq(t, "verify", c.TLSConfig != nil && !c.TLSConfig.InsecureSkipVerify, true)
			eq(t, "ServerName", c.TLSConfig.ServerName, "db.example.com")
		}},
		{"asyncpg ssl=true", "postgresql+asyncpg://h/db?ssl=true", nil, func(t *testing.T, c *pgx.ConnConfig) {
			eq(t, "TLS required", c.TLSConfig != nil && len(c.Fallbacks) == 0, true)
		}},
		{"asyncpg ssl=disable", "postgresql+asyncpg://h/db?ssl=disable", nil, func(t *testing.T, c *pgx.ConnConfig) {
			eq(t, "TLS", c.TLSConfig == nil, true)
		}},
		{"server settings", "postgresql://h/db?application_name=billing&search_path=app,public&options=-c%20geqo=off" +
			"&statement_timeout=5s&lock_timeout=250&work_mem=64MB&myext.flag=on&TimeZone=UTC", nil,
			func(t *testing.T, c *pgx.ConnConfig) {
				want := map[string]string{"application_name": "billing", "search_path": "app,public",
					"options": "-c geqo=off", "statement_timeout": "5s", "lock_timeout": "250",
					"work_mem": "64MB", "myext.flag": "on", "timezone": "UTC"}
				for k, v := range want {
					eq(t, k, c.RuntimeParams[k], v)
				}
			}},
		{"connect timeout", "postgresql://h/db?connect_timeout=7", nil, func(t *testing.T, c *pgx.ConnConfig) {
			eq(t, "ConnectTimeout", c.ConnectTimeout, 7*time.Second)
			_, leaked := c.RuntimeParams["connect_timeout"]
			eq(t, "sent to server", leaked, false)
		}},
		{"target session attrs", "postgresql://h/db?target_session_attrs=read-write", nil, func(t *testing.T, c *pgx.ConnConfig) {
			eq(t, "ValidateConnect set", c.ValidateConnect != nil, true)
		}},
		{"pgbouncer", "postgresql://h:6432/db?pgbouncer=true", nil, func(t *testing.T, c *pgx.ConnConfig) {
			eq(t, "exec mode", c.DefaultQueryExecMode, pgx.QueryExecModeExec)
			_, leaked := c.RuntimeParams["pgbouncer"]
			eq(t, "sent to server", leaked, false)
		}},
		{"native", "postgresql://h/db?native=false", nil, func(t *testing.T, c *pgx.ConnConfig) {
			_, leaked := c.RuntimeParams["native"]
			eq(t, "sent to server", leaked, false)
		}},
		{"pgbouncer false", "postgresql://h/db?pgbouncer=false", nil, func(t *testing.T, c *pgx.ConnConfig) {
			eq(t, "exec mode", c.DefaultQueryExecMode, pgx.QueryExecModeCacheStatement)
		}},
		{"pgbouncer with simple protocol", "postgresql://h/db?pgbouncer=1&default_query_exec_mode=simple_protocol", nil,
			func(t *testing.T, c *pgx.ConnConfig) {
				eq(t, "exec mode", c.DefaultQueryExecMode, pgx.QueryExecModeSimpleProtocol)
			}},
		{"exec mode alone", "postgresql://h/db?default_query_exec_mode=describe_exec", nil, func(t *testing.T, c *pgx.ConnConfig) {
			eq(t, "exec mode", c.DefaultQueryExecMode, pgx.QueryExecModeDescribeExec)
		}},
		{"caches", "postgresql://h/db?statement_cache_capacity=0&description_cache_capacity=16", nil, func(t *testing.T, c *pgx.ConnConfig) {
			eq(t, "statement cache", c.StatementCacheCapacity, 0)
			eq(t, "description cache", c.DescriptionCacheCapacity, 16)
		}},
		{"socket directory", "postgresql://u@/db?host=/var/run/postgresql", nil, func(t *testing.T, c *pgx.ConnConfig) {
			eq(t, "Host", c.Host, "/var/run/postgresql")
			eq(t, "TLS", c.TLSConfig == nil, true)
		}},
		{"several hosts", "postgresql://u@/db?host=a:5433&host=b&sslmode=disable", nil, func(t *testing.T, c *pgx.ConnConfig) {
			eq(t, "Host", c.Host, "a")
			eq(t, "Port", c.Port, uint16(5433))
			eq(t, "fallbacks", len(c.Fallbacks), 1)
			eq(t, "fallback", fmt.Sprint(c.Fallbacks[0].Host, ":", c.Fallbacks[0].Port), "b:5432")
		}},
		{"host list and port option", "postgresql://u@/db?host=a,[::1]:7000&port=6000&sslmode=disable", nil,
			func(t *testing.T, c *pgx.ConnConfig) {
				eq(t, "first", fmt.Sprint(c.Host, ":", c.Port), "a:6000")
				eq(t, "second", fmt.Sprint(c.Fallbacks[0].Host, ":", c.Fallbacks[0].Port), "::1:7000")
			}},
		{"fallback application name", "postgresql://h/db?fallback_application_name=fb", nil, func(t *testing.T, c *pgx.ConnConfig) {
			eq(t, "application_name", c.RuntimeParams["application_name"], "fb")
		}},
		{"fallback yields", "postgresql://h/db?fallback_application_name=fb&application_name=app", nil, func(t *testing.T, c *pgx.ConnConfig) {
			eq(t, "application_name", c.RuntimeParams["application_name"], "app")
		}},
		{"args override query", "postgresql://u:urlpw@h/db?application_name=url&sslmode=require",
			map[string]any{"application_name": "args", "password": "argpw", "sslmode": "disable", "dbname": "other"},
			func(t *testing.T, c *pgx.ConnConfig) {
				eq(t, "application_name", c.RuntimeParams["application_name"], "args")
				eq(t, "Password", c.Password, "argpw")
				eq(t, "Database", c.Database, "other")
				eq(t, "TLS", c.TLSConfig == nil, true)
			}},
		{"typed args", "postgresql://h/db",
			map[string]any{"connect_timeout": 1500 * time.Millisecond, "statement_timeout": 2 * time.Second,
				"pgbouncer": true, "statement_cache_capacity": 8, "runtime_params": map[string]string{"work_mem": "8MB"}},
			func(t *testing.T, c *pgx.ConnConfig) {
				eq(t, "ConnectTimeout", c.ConnectTimeout, 1500*time.Millisecond)
				eq(t, "statement_timeout", c.RuntimeParams["statement_timeout"], "2000ms")
				eq(t, "exec mode", c.DefaultQueryExecMode, pgx.QueryExecModeExec)
				eq(t, "statement cache", c.StatementCacheCapacity, 8)
				eq(t, "work_mem", c.RuntimeParams["work_mem"], "8MB")
			}},
		{"typed hosts", "postgresql:///db?sslmode=disable", map[string]any{"host": []string{"h1", "h2:7"}},
			func(t *testing.T, c *pgx.ConnConfig) {
				eq(t, "hosts", fmt.Sprint(c.Host, c.Port, " ", c.Fallbacks[0].Host, c.Fallbacks[0].Port), "h15432 h27")
			}},
		{"nil arg removes", "postgresql://h/db?application_name=x", map[string]any{"application_name": nil},
			func(t *testing.T, c *pgx.ConnConfig) {
				_, ok := c.RuntimeParams["application_name"]
				eq(t, "application_name set", ok, false)
			}},
		{"tls config", "postgresql://u@/db?host=a,b", map[string]any{"tls": clientTLS}, func(t *testing.T, c *pgx.ConnConfig) {
			eq(t, "TLS", c.TLSConfig != nil, true)
			eq(t, "ServerName", c.TLSConfig.ServerName, "a")
			eq(t, "MinVersion", c.TLSConfig.MinVersion, uint16(tls.VersionTLS13))
			eq(t, "fallbacks", len(c.Fallbacks), 1) // no plain-text fallback
			eq(t, "fallback ServerName", c.Fallbacks[0].TLSConfig.ServerName, "b")
			eq(t, "caller's config untouched", clientTLS.ServerName, "")
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { tt.check(t, config(t, tt.url, tt.args)) })
	}
}

func eq[T comparable](t *testing.T, what string, got, want T) {
	t.Helper()
	if got != want {
		t.Errorf("%s = %v, want %v", what, got, want)
	}
}

func TestEveryNameGivesTheSameConfig(t *testing.T) {
	cleanEnv(t)
	names := postgresql.Names()
	want := []string{"postgresql", "postgresql+pgx", "postgres", "postgresql+psycopg2", "postgresql+psycopg",
		"postgresql+asyncpg", "postgresql+pg8000", "postgresql+psycopg2cffi"}
	if !slices.Equal(names, want) {
		t.Fatalf("Names() = %v, want %v", names, want)
	}
	for _, n := range names {
		d, err := dialect.Lookup(n)
		if err != nil {
			t.Fatalf("Lookup(%q): %v", n, err)
		}
		if d.Name() != "postgresql" || d.Driver() != "pgx" {
			t.Errorf("%s: %s+%s", n, d.Name(), d.Driver())
		}
		c := config(t, n+"://u:p@h:1/db?application_name=a", nil)
		if c.Host != "h" || c.Port != 1 || c.User != "u" || c.Password != "p" || c.RuntimeParams["application_name"] != "a" {
			t.Errorf("%s: config %+v", n, c.Config)
		}
	}
}

func TestConnConfigBadInput(t *testing.T) {
	cleanEnv(t)
	const pw, sslpw = "pw-SECRET-1", "sslpw-SECRET-2"
	base := "postgresql://user:" + pw + "@h/db?sslpassword=" + sslpw + "&"
	tests := []struct {
		name  string
		query string
		args  map[string]any
		wants []string
	}{
		{"sslmode", "sslmode=bogus", nil, []string{"sslmode", "bogus"}},
		{"connect_timeout text", "connect_timeout=abc", nil, []string{"connect_timeout"}},
		{"connect_timeout negative", "connect_timeout=-1", nil, []string{"connect_timeout"}},
		{"target_session_attrs", "target_session_attrs=primary-ish", nil, []string{"target_session_attrs"}},
		{"exec mode", "default_query_exec_mode=fast", nil, []string{"default_query_exec_mode"}},
		{"pgbouncer", "pgbouncer=maybe", nil, []string{"pgbouncer"}},
		{"native", "native=sometimes", nil, []string{"native", "sometimes"}},
		{"native as a connect argument", "", map[string]any{"native": false}, []string{"native", "URL"}},
		{"pgbouncer and cache_statement", "pgbouncer=true&default_query_exec_mode=cache_statement", nil,
			[]string{"PgBouncer", "cache_statement"}},
		{"statement cache", "statement_cache_capacity=-1", nil, []string{"statement_cache_capacity"}},
		{"statement_timeout", "statement_timeout=soon", nil, []string{"statement_timeout", "soon"}},
		{"lock_timeout", "lock_timeout=5%20parsecs", nil, []string{"lock_timeout"}},
		{"libpq only", "keepalives=1", nil, []string{"keepalives", "pgx"}},
		{"asyncpg only", "prepared_statement_cache_size=100", nil, []string{"prepared_statement_cache_size"}},
		{"not a name", "bad%20name=1", nil, []string{`"bad name"`}},
		{"port zero", "port=0", nil, []string{"port"}},
		{"port big", "port=99999", nil, []string{"port"}},
		{"url host and host option", "host=other", nil, []string{"host"}},
		{"sslrootcert missing", "sslrootcert=/nonexistent/root.crt", nil, []string{"sslrootcert"}},
		{"sslcert missing", "sslcert=/nonexistent/c.crt", nil, []string{"sslcert"}},
		{"ssl", "ssl=maybe", nil, []string{"ssl"}},
		{"ssl and sslmode", "ssl=true&sslmode=disable", nil, []string{"ssl", "sslmode"}},
		{"channel_binding", "channel_binding=always", nil, []string{"channel_binding"}},
		{"sslnegotiation", "sslnegotiation=auto", nil, []string{"sslnegotiation"}},
		{"protocol", "min_protocol_version=9", nil, []string{"min_protocol_version"}},
		{"require_auth", "require_auth=telepathy", nil, []string{"require_auth"}},
		{"repeated", "application_name=a&application_name=b", nil, []string{"application_name"}},
		{"tls in query", "tls=true", nil, []string{"tls"}},
		{"database and dbname", "database=a&dbname=b", nil, []string{"database", "dbname"}},
		{"tls wrong type", "", map[string]any{"tls": "yes"}, []string{"tls"}},
		{"tls with sslmode disable", "sslmode=disable", map[string]any{"tls": &tls.Config{}}, []string{"tls", "sslmode"}},
		{"tls with sslpassword", "", map[string]any{"tls": &tls.Config{}}, []string{"sslpassword", "tls"}},
		{"runtime_params type", "", map[string]any{"runtime_params": map[string]int{"a": 1}}, []string{"runtime_params"}},
		{"runtime_params name", "", map[string]any{"runtime_params": map[string]string{"x y": "1"}}, []string{"runtime_params", "x y"}},
		{"runtime_params not a setting", "", map[string]any{"runtime_params": map[string]string{"sslmode": "disable"}},
			[]string{"runtime_params", "sslmode"}},
		{"runtime_params value", "", map[string]any{"runtime_params": map[string]string{"statement_timeout": "soon"}},
			[]string{"statement_timeout"}},
		{"NUL", "", map[string]any{"application_name": "a\x00b"}, []string{"application_name", "NUL"}},
		{"arg type", "", map[string]any{"application_name": []byte("x")}, []string{"application_name", "[]uint8"}},
		{"duration for a non-duration", "", map[string]any{"search_path": time.Second}, []string{"search_path"}},
		{"sub-ms duration", "", map[string]any{"lock_timeout": time.Microsecond}, []string{"lock_timeout"}},
		{"negative connect timeout", "", map[string]any{"connect_timeout": -time.Second}, []string{"connect_timeout"}},
		{"host arg type", "", map[string]any{"host": 42}, []string{"host"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u, err := dialect.ParseURL(base + tt.query)
			if err != nil {
				t.Fatal(err)
			}
			_, err = postgresql.ConnConfig(u, tt.args)
			if err == nil {
				t.Fatalf("ConnConfig(%s, %v) = nil error", u, tt.args)
			}
			msg := err.Error()
			if !strings.HasPrefix(msg, "alchemy: ") {
				t.Errorf("error %q does not start with alchemy:", msg)
			}
			for _, w := range tt.wants {
				if !strings.Contains(msg, w) {
					t.Errorf("error %q does not mention %q", msg, w)
				}
			}
			if strings.Contains(msg, pw) || strings.Contains(msg, sslpw) {
				t.Errorf("error shows a password: %q", msg)
			}
			if _, err := (postgresql.Dialect{}).Connector(u, tt.args); err == nil {
				t.Error("Connector accepted what ConnConfig refused")
			}
		})
	}
}

// TestSecretsStayOutOfTheConnString checks that neither password reaches the string
// pgx keeps and quotes in its own errors.
func TestSecretsStayOutOfTheConnString(t *testing.T) {
	cleanEnv(t)
	c := config(t, "postgresql://u:pw-SECRET@h/db?sslpassword=sslpw-SECRET&application_name=a", nil)
	if s := c.ConnString(); strings.Contains(s, "SECRET") {
		t.Errorf("ConnString holds a secret: %s", s)
	}
	if c.Password != "pw-SECRET" {
		t.Errorf("Password = %q", c.Password)
	}
	if _, ok := c.RuntimeParams["sslpassword"]; ok {
		t.Error("sslpassword sent to the server as a setting")
	}
	conn, err := (postgresql.Dialect{}).Connector(dialect.MustParseURL("postgresql://u:pw-SECRET@h/db"), nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"%v", "%+v", "%#v", "%s"} {
		if s := fmt.Sprintf(f, conn); strings.Contains(s, "SECRET") || !strings.Contains(s, "host=h") {
			t.Errorf("Sprintf(%s, connector) = %s", f, s)
		}
	}
}

func TestOptions(t *testing.T) {
	cleanEnv(t)
	opts := (postgresql.Dialect{}).Options()
	if !slices.IsSorted(opts) {
		t.Errorf("Options() not sorted")
	}
	for _, o := range []string{"sslmode", "application_name", "connect_timeout", "search_path", "options",
		"target_session_attrs", "statement_timeout", "pgbouncer", "default_query_exec_mode", "tls", "runtime_params"} {
		if !slices.Contains(opts, o) {
			t.Errorf("Options() lacks %s", o)
		}
	}
	// Every listed string option is accepted with a valid value.
	sample := map[string]string{"sslmode": "disable", "sslcertmode": "allow", "sslnegotiation": "postgres",
		"sslsni": "1", "connect_timeout": "3", "target_session_attrs": "any", "channel_binding": "prefer",
		"min_protocol_version": "3.0", "max_protocol_version": "3.0", "default_query_exec_mode": "exec",
		"statement_cache_capacity": "1", "description_cache_capacity": "1", "pgbouncer": "true", "native": "false", "ssl": "false",
		"statement_timeout": "1s", "lock_timeout": "1s", "idle_in_transaction_session_timeout": "1min",
		"idle_session_timeout": "0", "port": "5432", "require_auth": "password", "host": "h"}
	// Files must exist, and a service must be in a service file: pgx reads them.
	skip := map[string]bool{"tls": true, "runtime_params": true, "sslrootcert": true, "sslcert": true, "sslkey": true,
		"service": true}
	for _, o := range opts {
		if skip[o] {
			continue
		}
		v, ok := sample[o]
		if !ok {
			v = "x"
		}
		u := dialect.MustParseURL("postgresql://u@/db").WithQuery(o, v)
		if _, err := postgresql.ConnConfig(u, nil); err != nil {
			t.Errorf("listed option %s=%s refused: %v", o, v, err)
		}
	}
}
