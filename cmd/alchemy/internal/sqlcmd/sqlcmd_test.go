package sqlcmd

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/go-alchemy/alchemy"
	"github.com/go-alchemy/alchemy/cmd/alchemy/internal/cli"
	"github.com/go-alchemy/alchemy/dialect"
	"github.com/go-alchemy/alchemy/internal/testdb"
)

// jsonValues decodes the JSON values of out, one per statement with rows.
func jsonValues(t *testing.T, out string) [][]map[string]any {
	t.Helper()
	dec := json.NewDecoder(strings.NewReader(out))
	dec.UseNumber()
	var all [][]map[string]any
	for {
		var v []map[string]any
		err := dec.Decode(&v)
		if errors.Is(err, io.EOF) {
			return all
		}
		if err != nil {
			t.Fatalf("output is not JSON arrays: %v\n%s", err, out)
		}
		all = append(all, v)
	}
}

// TestCommandBinds runs several statements given with -c, with typed and
// untyped binds, and reads their rows back as JSON and CSV.
func TestCommandBinds(t *testing.T) {
	testdb.Each(t, func(t *testing.T, tg testdb.Target) {
		tb := tableName("sqlcmd_binds")
		eng := engine(t, tg.URL)
		dropAtEnd(t, eng, tb)
		code, out, errs := runCmd(t, nil, "--url", tg.URL, "--format", "json",
			"-c", "create table "+tb+" (id int primary key, name varchar(50), score float);"+
				" insert into "+tb+" values (:id, :name, :score), (:id + 1, 'b; c', 1.5);"+
				" select id, name from "+tb+" where id >= :id and name <> :none order by id",
			"-p", "id:int=5", "-p", "name=it's", "-p", "score:float=2.25", "-p", "none:null=")
		if code != 0 {
			t.Fatalf("exit %d: %s", code, errs)
		}
		if !strings.Contains(errs, "2 rows affected") {
			t.Errorf("the insert's count is not on stderr: %q", errs)
		}
		// "name <> NULL" is never true: no rows, with the columns known.
		if v := jsonValues(t, out); len(v) != 1 || len(v[0]) != 0 {
			t.Errorf("a null bind: %v", v)
		}
		code, out, errs = runCmd(t, nil, "--url", tg.URL, "--format", "json",
			"-c", "select id, name, score from "+tb+" where id >= :id order by id", "-p", "id:int=5")
		if code != 0 {
			t.Fatalf("exit %d: %s", code, errs)
		}
		v := jsonValues(t, out)
		if len(v) != 1 || len(v[0]) != 2 {
			t.Fatalf("rows: %v", v)
		}
		if r := v[0][0]; r["id"].(json.Number).String() != "5" || r["name"] != "it's" {
			t.Errorf("first row: %v", r)
		}
		if r := v[0][1]; r["id"].(json.Number).String() != "6" || r["name"] != "b; c" {
			t.Errorf("second row: %v", r)
		}

		code, out, _ = runCmd(t, nil, "--url", tg.URL, "--format", "csv", "-c", "select id, name from "+tb+" order by id")
		recs, err := csv.NewReader(strings.NewReader(out)).ReadAll()
		if code != 0 || err != nil {
			t.Fatalf("csv: exit %d, %v: %q", code, err, out)
		}
		if want := [][]string{{"id", "name"}, {"5", "it's"}, {"6", "b; c"}}; !slices.EqualFunc(recs, want, slices.Equal) {
			t.Errorf("csv: %q, want %q", recs, want)
		}

		code, out, _ = runCmd(t, nil, "--url", tg.URL, "-c", "select name from "+tb+" where id = 6; update "+tb+" set score = 0")
		if code != 0 || !strings.Contains(out, "b; c") || !strings.Contains(out, "(1 row)") || !strings.Contains(out, "2 rows affected") {
			t.Errorf("table: exit %d: %s", code, out)
		}

		// A bind without a value.
		code, _, errs = runCmd(t, nil, "--url", tg.URL, "-c", "select :nothing as x")
		if code != cli.ExitFailure || !strings.Contains(errs, "no value for :nothing") {
			t.Errorf("a missing bind: exit %d: %s", code, errs)
		}
		// A bind no statement used is worth a warning.
		code, _, errs = runCmd(t, nil, "--url", tg.URL, "-c", "select 1 as x", "-p", "unused=1")
		if code != 0 || !strings.Contains(errs, "warning: no statement used the binds unused") {
			t.Errorf("an unused bind: exit %d: %s", code, errs)
		}
	}, testdb.SQLite, testdb.PostgreSQL, testdb.MySQL)
}

// routine returns statements creating a trigger, function or procedure with
// semicolons in its body, the statement that shows it works (answering 42),
// and the statement that drops it.
func routine(tg testdb.Target, tb string) (create, use, drop string) {
	switch tg.Name {
	case testdb.PostgreSQL:
		return "create function " + tb + "_f() returns int as $body$\nbegin\n  return 41; -- the answer; almost\nend;\n$body$ language plpgsql;\n",
			"select " + tb + "_f() + 1 as v;\n", "drop function if exists " + tb + "_f()"
	case testdb.MySQL:
		return "create procedure " + tb + "_p()\nbegin\n  declare x int default 41;\n  if x > 0 then set x = x + 1; end if;\n  select x as v;\nend;\n",
			"call " + tb + "_p();\n", "drop procedure if exists " + tb + "_p"
	}
	return "create table " + tb + "_log (id int);\ncreate trigger " + tb + "_tr after insert on " + tb + "\nbegin\n  insert into " + tb + "_log values (new.id + 38);\nend;\n",
		"select max(id) as v from " + tb + "_log;\n", "drop table if exists " + tb + "_log"
}

// TestScriptFile runs a script with -f: comments, strings holding semicolons
// and line breaks, several statements on a line, one over several lines, a
// bind, and a routine whose body holds semicolons.
func TestScriptFile(t *testing.T) {
	testdb.Each(t, func(t *testing.T, tg testdb.Target) {
		tb := tableName("sqlcmd_script")
		eng := engine(t, tg.URL)
		dropAtEnd(t, eng, tb)
		create, use, drop := routine(tg, tb)
		t.Cleanup(func() {
			if res, err := eng.Execute(context.Background(), alchemy.Text(drop)); err == nil {
				res.Close()
			}
		})
		script := "-- a script; with comments\n" +
			"create table " + tb + " (id int primary key, note varchar(100));\n" +
			"insert into " + tb + " values (1, 'semi;colon');   insert into " + tb + " values (2, 'it''s');\n" +
			"insert into " + tb + "\n  values (3, 'line\nbreak');\n" +
			"/* a block; comment */\n" +
			"update " + tb + " set note = :note where id = 2;\n" +
			create +
			"insert into " + tb + " values (4, 'four');\n" +
			use +
			"select id, note from " + tb + " order by id"
		file := filepath.Join(t.TempDir(), "script.sql")
		if err := os.WriteFile(file, []byte(script), 0o644); err != nil {
			t.Fatal(err)
		}
		code, out, errs := runCmd(t, nil, "--url", tg.URL, "--format", "json", "-f", file, "-p", "note=changed")
		if code != 0 {
			t.Fatalf("exit %d: %s", code, errs)
		}
		v := jsonValues(t, out)
		if len(v) != 2 {
			t.Fatalf("want the routine's answer and the rows, got %v", v)
		}
		if len(v[0]) != 1 || v[0][0]["v"].(json.Number).String() != "42" {
			t.Errorf("the routine: %v", v[0])
		}
		notes := []string{}
		for _, r := range v[1] {
			notes = append(notes, r["note"].(string))
		}
		if want := []string{"semi;colon", "changed", "line\nbreak", "four"}; !slices.Equal(notes, want) {
			t.Errorf("notes %q, want %q", notes, want)
		}
	}, testdb.SQLite, testdb.PostgreSQL, testdb.MySQL)
}

// TestStatementError: a script stops at the failing statement, exits 1 and
// names its line and the server's message; what ran before it autocommitted.
func TestStatementError(t *testing.T) {
	testdb.Each(t, func(t *testing.T, tg testdb.Target) {
		tb := tableName("sqlcmd_err")
		eng := engine(t, tg.URL)
		dropAtEnd(t, eng, tb)
		script := "create table " + tb + " (id int primary key);\n" +
			"insert into " + tb + " values (1);\n" +
			"\n" +
			"insert into " + tb + "\n  values (1);\n" + // a duplicate key
			"insert into " + tb + " values (3);\n"
		code, _, errs := runCmd(t, strings.NewReader(script), "--url", tg.URL)
		if code != cli.ExitFailure {
			t.Fatalf("exit %d, want 1: %s", code, errs)
		}
		if !strings.Contains(errs, "stdin:4: ") {
			t.Errorf("the error does not name line 4: %q", errs)
		}
		want := map[string]string{testdb.SQLite: "UNIQUE constraint failed", testdb.PostgreSQL: "SQLSTATE 23505", testdb.MySQL: "Duplicate entry"}[tg.Name]
		if !strings.Contains(errs, want) {
			t.Errorf("the server's message (%q) is not in %q", want, errs)
		}
		if strings.Contains(errs, "[SQL:") {
			t.Errorf("the statement is repeated: %q", errs)
		}
		if got := ids(t, eng, tb); !slices.Equal(got, []int64{1}) {
			t.Errorf("ids %v, want [1]: the first insert commits, the last never runs", got)
		}

		code, _, errs = runCmd(t, nil, "--url", tg.URL, "-c", "select * from "+tb+"_nosuch")
		if code != cli.ExitFailure || !strings.Contains(errs, "-c:1: ") || !strings.Contains(errs, tb+"_nosuch") {
			t.Errorf("an unknown table: exit %d: %q", code, errs)
		}
	}, testdb.SQLite, testdb.PostgreSQL, testdb.MySQL)
}

// TestTransactions: \begin ... \rollback and BEGIN ... COMMIT in a script on
// standard input; an input that ends inside a transaction rolls it back and
// exits 1; --single-transaction keeps all or nothing.
func TestTransactions(t *testing.T) {
	testdb.Each(t, func(t *testing.T, tg testdb.Target) {
		tb := tableName("sqlcmd_tx")
		eng := engine(t, tg.URL)
		dropAtEnd(t, eng, tb)
		script := "create table " + tb + " (id int primary key);\n" +
			"\\begin\ninsert into " + tb + " values (1);\n\\rollback\n" +
			"BEGIN;\ninsert into " + tb + " values (2);\nCOMMIT;\n" +
			"\\format csv\nselect count(*) as n from " + tb + ";\n"
		code, out, errs := runCmd(t, strings.NewReader(script), "--url", tg.URL)
		if code != 0 {
			t.Fatalf("exit %d: %s", code, errs)
		}
		if !strings.Contains(out, "BEGIN\n1 row affected\nROLLBACK\nBEGIN\n1 row affected\nCOMMIT\n") || !strings.HasSuffix(out, "n\n1\n") {
			t.Errorf("output:\n%s", out)
		}
		if got := ids(t, eng, tb); !slices.Equal(got, []int64{2}) {
			t.Errorf("ids %v, want [2]", got)
		}

		code, _, errs = runCmd(t, nil, "--url", tg.URL, "-c", `\begin`, "-c", "insert into "+tb+" values (3)")
		if code != cli.ExitFailure || !strings.Contains(errs, "ended inside a transaction: rolled back") {
			t.Errorf("an open transaction at the end: exit %d: %q", code, errs)
		}
		if got := ids(t, eng, tb); !slices.Equal(got, []int64{2}) {
			t.Errorf("ids %v after the rolled back transaction, want [2]", got)
		}

		code, _, errs = runCmd(t, nil, "--url", tg.URL, "--single-transaction",
			"-c", "insert into "+tb+" values (4); insert into "+tb+" values (2); insert into "+tb+" values (5)")
		if code != cli.ExitFailure || !strings.Contains(errs, "rolled back everything") {
			t.Errorf("--single-transaction, failing: exit %d: %q", code, errs)
		}
		if got := ids(t, eng, tb); !slices.Equal(got, []int64{2}) {
			t.Errorf("ids %v after a failed single transaction, want [2]", got)
		}
		code, _, errs = runCmd(t, nil, "--url", tg.URL, "--single-transaction",
			"-c", "insert into "+tb+" values (4); insert into "+tb+" values (5)")
		if code != 0 {
			t.Errorf("--single-transaction: exit %d: %q", code, errs)
		}
		if got := ids(t, eng, tb); !slices.Equal(got, []int64{2, 4, 5}) {
			t.Errorf("ids %v after a single transaction, want [2 4 5]", got)
		}
		// A transaction begun in SQL with options is the server's; COMMIT ends it.
		begin := map[string]string{testdb.SQLite: "BEGIN IMMEDIATE", testdb.PostgreSQL: "BEGIN ISOLATION LEVEL SERIALIZABLE", testdb.MySQL: "START TRANSACTION READ WRITE"}[tg.Name]
		code, _, errs = runCmd(t, nil, "--url", tg.URL, "-c", begin+"; insert into "+tb+" values (6); COMMIT")
		if code != 0 {
			t.Errorf("%s ... COMMIT: exit %d: %q", begin, code, errs)
		}
		if got := ids(t, eng, tb); !slices.Equal(got, []int64{2, 4, 5, 6}) {
			t.Errorf("ids %v after %s ... COMMIT, want [2 4 5 6]", got, begin)
		}
		code, _, errs = runCmd(t, nil, "--url", tg.URL, "-c", `\commit`)
		if code != cli.ExitFailure || !strings.Contains(errs, "no transaction is open") {
			t.Errorf(`\commit outside a transaction: exit %d: %q`, code, errs)
		}
		code, _, errs = runCmd(t, nil, "--url", tg.URL, "-c", `\nosuch`)
		if code != cli.ExitFailure || !strings.Contains(errs, `unknown meta-command \nosuch`) {
			t.Errorf(`an unknown meta-command: exit %d: %q`, code, errs)
		}
	}, testdb.SQLite, testdb.PostgreSQL, testdb.MySQL)
}

// TestUsageAndConnectErrors: mistakes in the command line exit 2, a server
// that cannot be reached or refuses the password exits 1, and no password is
// ever printed.
func TestUsageAndConnectErrors(t *testing.T) {
	sqlite := testdb.SQLiteURL(t)
	for _, c := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"--url", sqlite, "-c", "select 1", "-f", "x.sql"}, cli.ExitUsage, "not both"},
		{[]string{"--url", sqlite, "-f", filepath.Join(t.TempDir(), "nosuch.sql")}, cli.ExitUsage, "nosuch.sql"},
		{[]string{"--url", sqlite, "-c", "select 1", "-p", "x"}, cli.ExitUsage, "name=value"},
		{[]string{"--url", sqlite, "-c", "select 1", "-p", "n:int=x"}, cli.ExitUsage, "not an int"},
		{[]string{"--url", sqlite, "--format", "xml", "-c", "select 1"}, cli.ExitUsage, "--format"},
		{[]string{"--url", sqlite, "--nosuch"}, cli.ExitUsage, "nosuch"},
		{[]string{"--url", sqlite, "postgresql://u:secretpw@h/db"}, cli.ExitUsage, "takes no arguments"},
		{[]string{"--url", "nosuch://u:secretpw@h/db", "-c", "select 1"}, cli.ExitUsage, "unknown dialect"},
		{[]string{"--url", "postgresql://x:secretpw@127.0.0.1:1/db", "-c", "select 1"}, cli.ExitFailure, "cannot connect"},
	} {
		code, out, errs := runCmd(t, nil, c.args...)
		if code != c.code || !strings.Contains(errs, c.want) {
			t.Errorf("%q: exit %d, want %d with %q: %q", c.args, code, c.code, c.want, errs)
		}
		if strings.Contains(out+errs, "secretpw") {
			t.Errorf("%q: the password is printed: %q", c.args, out+errs)
		}
	}

	u, err := dialect.ParseURL(testdb.URL(t, testdb.MySQL))
	if err != nil {
		t.Fatal(err)
	}
	u.Password = "wrong-secretpw"
	code, out, errs := runCmd(t, nil, "--url", u.RenderWithPassword(), "-c", "select 1")
	if code != cli.ExitFailure || !strings.Contains(errs, "Access denied") || strings.Contains(out+errs, "secretpw") {
		t.Errorf("a wrong password: exit %d: %q", code, out+errs)
	}
}

// TestSessionState: the statements of one run share a connection, so session
// state (a temporary table) lasts from one statement to the next.
func TestSessionState(t *testing.T) {
	testdb.Each(t, func(t *testing.T, tg testdb.Target) {
		tb := tableName("sqlcmd_tmp")
		code, out, errs := runCmd(t, nil, "--url", tg.URL, "--format", "csv",
			"-c", "create temporary table "+tb+" (id int); insert into "+tb+" values (7); select id from "+tb)
		if code != 0 || !strings.HasSuffix(out, "id\n7\n") {
			t.Errorf("exit %d: %q %q", code, out, errs)
		}
	}, testdb.SQLite, testdb.PostgreSQL, testdb.MySQL)
}
