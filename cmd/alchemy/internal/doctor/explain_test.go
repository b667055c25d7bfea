package doctor

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/go-alchemy/alchemy/cmd/alchemy/internal/cli"
)

// Each message, as drivers print it, maps to its code and layer; the first
// explanation is the most specific.
func TestExplainMessages(t *testing.T) {
	for _, c := range []struct {
		msg, code, layer string
	}{
		{"FATAL: terminating connection due to administrator command (SQLSTATE 57P01)", "57P01", layerServerAdmin},
		{"psycopg2.OperationalError: terminating connection due to administrator command", "57P01", layerServerAdmin},
		{"FATAL: terminating connection due to idle-session timeout (SQLSTATE 57P05)", "57P05", layerServerIdle},
		{"FATAL: terminating connection due to idle-in-transaction timeout (SQLSTATE 25P03)", "25P03", layerServerIdle},
		{"ERROR: bind message supplies 2 parameters, but prepared statement \"\" requires 1 (SQLSTATE 08P01)", "08P01", layerPgBouncer},
		{"FATAL: unsupported startup parameter: extra_float_digits", "08P01", layerPgBouncer},
		{`ERROR: prepared statement "stmtcache_5f3c" already exists (SQLSTATE 42P05)`, "42P05", layerPgBouncer},
		{`ERROR: prepared statement "stmtcache_9" does not exist (SQLSTATE 26000)`, "26000", layerPgBouncer},
		{"FATAL: sorry, too many clients already (SQLSTATE 53300)", "53300", layerServerLimit},
		{`FATAL: too many connections for role "app"`, "53300", layerServerLimit},
		{"53300", "53300", layerServerLimit},
		{"Error 1040: Too many connections", "1040", layerServerLimit},
		{"too many connections", "1040", layerServerLimit},
		{"(2006, 'MySQL server has gone away')", "2006", layerServerIdle},
		{"ERROR 2006 (HY000): MySQL server has gone away", "2006", layerServerIdle},
		{"(pymysql.err.OperationalError) (2013, 'Lost connection to MySQL server during query')", "2013", layerMiddlebox},
		{"Error 4031 (HY000): The client was disconnected by the server because of inactivity. See wait_timeout and interactive_timeout for configuring this behavior.", "4031", layerServerIdle},
		{"pyodbc.OperationalError: ('08S01', '[08S01] [Microsoft][ODBC Driver 17 for SQL Server]TCP Provider: Error code 0x68 (104) (SQLEndTran)')", "08S01", layerMiddlebox},
		{"pyodbc.OperationalError: ('HYT00', '[HYT00] [Microsoft][ODBC Driver 17 for SQL Server]Login timeout expired (0) (SQLDriverConnect)')", "HYT00", layerNetwork},
		{"read tcp 10.0.0.5:51234->10.0.0.9:5432: read: connection reset by peer", "ECONNRESET", layerMiddlebox},
		{"write tcp 127.0.0.1:46264->127.0.0.1:3306: write: broken pipe", "EPIPE", layerMiddlebox},
		{"read tcp 10.0.0.5:51234->10.0.0.9:3306: i/o timeout", "i/o timeout", layerNetwork},
		{"alchemy: execute (mysql) lost the connection: driver: bad connection [SQL: SELECT 1]", "ErrBadConn", layerDriver},
		{"[mysql] packets.go:37: unexpected EOF\ninvalid connection", "ErrBadConn", layerDriver},
		{"server closed the connection unexpectedly\n\tThis probably means the server terminated abnormally", "server closed the connection", layerMiddlebox},
		{"QueuePool limit of size 5 overflow 10 reached, connection timed out, timeout 30.00", "pool timeout", layerPool},
		{"alchemy: pool: limit of size 5 overflow 10 reached, connection timed out, timeout 30s", "pool timeout", layerPool},
		{"ERROR: canceling statement due to statement timeout (SQLSTATE 57014)", "57014", layerServerTimeout},
		{"ERROR: canceling statement due to lock timeout (SQLSTATE 55P03)", "55P03", layerServerTimeout},
		{"Error 1205 (HY000): Lock wait timeout exceeded; try restarting transaction", "1205", layerServerTimeout},
		{"ERROR: client_idle_timeout", "client_idle_timeout", layerPgBouncer},
		{"ERROR: no more connections allowed (max_client_conn)", "max_client_conn", layerPgBouncer},
		{"dial tcp 127.0.0.1:5432: connect: connection refused", "ECONNREFUSED", layerNetwork},
		{"context deadline exceeded", "context deadline exceeded", layerApplication},
	} {
		code, out, _ := run(t, "", "json", "--explain", c.msg)
		var r explainReport
		if err := json.Unmarshal([]byte(out), &r); err != nil {
			t.Fatalf("%q: not JSON: %v\n%s", c.msg, err, out)
		}
		if code != cli.ExitOK || !r.Known || len(r.Matches) == 0 {
			t.Errorf("%q: exit %d, %+v", c.msg, code, r)
			continue
		}
		m := r.Matches[0]
		if m.Code != c.code || m.Layer != c.layer || m.Cause == "" || m.Fix == "" || m.Matched == "" {
			t.Errorf("%q: got %s (%s), want %s (%s)", c.msg, m.Code, m.Layer, c.code, c.layer)
		}
	}
}

// Numbers that merely look like codes (years, ports, durations) explain
// nothing; an unknown message says so and exits 1.
func TestExplainUnknown(t *testing.T) {
	for _, msg := range []string{"something odd happened", "2013-05-04 12:00:01 started on port 1040", "timeout 26000ms"} {
		code, out, _ := run(t, "", "table", "--explain", msg)
		if code != cli.ExitFailure || !strings.Contains(out, "no known cause") {
			t.Errorf("%q: exit %d, %q", msg, code, out)
		}
		code, out, _ = run(t, "", "json", "--explain", msg)
		var r explainReport
		if err := json.Unmarshal([]byte(out), &r); err != nil || r.Known || len(r.Matches) != 0 || code != 1 {
			t.Errorf("%q json: exit %d, %s", msg, code, out)
		}
	}
	if code, _, errs := run(t, "", "table", "--explain", "  "); code != cli.ExitUsage || !strings.Contains(errs, "--explain") {
		t.Errorf("empty message: exit %d, %q", code, errs)
	}
}

// The table, and a message read from standard input; no database is needed
// (the URL given is never opened).
func TestExplainTableAndStdin(t *testing.T) {
	app := &cli.App{URLFlag: "postgresql://nobody@127.0.0.1:1/none", Format: "table"}
	code, out, _ := runApp(t, app, "--explain", "SQLSTATE 57P05")
	if code != 0 || !strings.Contains(out, "57P05") || !strings.Contains(out, "server: idle timeout") || !strings.Contains(out, "pool_recycle") {
		t.Errorf("table: exit %d\n%s", code, out)
	}
	app = &cli.App{Format: "json"}
	var r explainReport
	code, out, _ = runStdin(t, app, "(2006, 'MySQL server has gone away')\n", "--explain", "-")
	if err := json.Unmarshal([]byte(out), &r); err != nil || code != 0 || r.Matches[0].Code != "2006" {
		t.Errorf("stdin: exit %d, %s", code, out)
	}
}

// runStdin is runApp with standard input.
func runStdin(t *testing.T, app *cli.App, in string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb strings.Builder
	app.Out, app.Err, app.In = &out, &errb, strings.NewReader(in)
	cmd := Command(app)
	cmd.SetArgs(args)
	cmd.SilenceUsage, cmd.SilenceErrors = true, true
	err := cmd.Execute()
	return cli.Code(err), out.String(), errb.String()
}
