package expr

import (
	"slices"
	"testing"

	"github.com/go-alchemy/alchemy/dialect"
)

// namedDialect is a stand-in dialect of which the guess uses only the name; any other
// method panics through the nil embedded interface.
type namedDialect struct {
	dialect.Dialect
	name string
}

func (d namedDialect) Name() string { return d.name }

func (d namedDialect) Paramstyle() dialect.Paramstyle {
	switch d.name {
	case "postgresql":
		return dialect.Dollar
	case "mssql":
		return dialect.AtP
	}
	return dialect.Question
}

// guessDialects are the dialects the guess is tested on: each one alchemy knows, one
// it does not, and none.
var guessDialects = []string{"postgresql", "sqlite", "mysql", "mariadb", "mssql", "firebird", ""}

func guessDialect(name string) dialect.Dialect {
	if name == "" {
		return nil
	}
	return namedDialect{name: name}
}

// Who returns rows, for the want column of the table.
var (
	onAll       = guessDialects
	onNone      = []string{}
	onReturning = []string{"postgresql", "sqlite", "mysql", "mariadb", "firebird", ""}
	onOutput    = []string{"mssql", "firebird", ""}
)

func TestReturnsRowsGuess(t *testing.T) {
	tests := []struct {
		name string
		sql  string
		rows []string // the dialects on which it returns rows
	}{
		// First words.
		{"select", "select 1", onAll},
		{"comments first", "  /* c */ -- x\n SELECT 1", onAll},
		{"parenthesised", "(select 1) union (select 2)", onAll},
		{"values", "values (1), (2)", onAll},
		{"show", "SHOW TABLES", onAll},
		{"pragma", "pragma table_info(t)", onAll},
		{"explain", "explain update t set a = 1", onAll},
		{"call", "call p(1)", onAll},
		{"exec with an output parameter", "exec p @x output", onAll},
		{"table", "table t", onAll},
		{"after an empty statement", "; select 1", onAll},
		{"ddl", "create table t (output int, returning int, \"values\" int)", onNone},
		{"empty", "", onNone},
		{"spaces", " \n\t", onNone},
		{"only a comment", "-- select 1", onNone},
		{"unterminated comment", "/* select 1", onNone},
		{"begin", "begin", onNone},
		{"word that starts like select", "selection", onNone},

		// RETURNING clauses.
		{"insert", "insert into t (a) values (1)", onNone},
		{"insert returning", "insert into t (a) values (1) returning id", onReturning},
		{"upper case", "INSERT INTO t (a) VALUES (1) RETURNING *", onReturning},
		{"mixed case", "Update T Set Output = 1 Returning Id", onReturning},
		{"update returning list", "update t set a = 1 where b = 2 returning a, b", onReturning},
		{"delete returning", "delete from t where id = 1 returning *", onReturning},
		{"default values", "insert into t default values returning id", onReturning},
		{"after ? bind", "update t set a = ? returning a", onReturning},
		{"after $1 bind", "update t set a = $1 returning a", onReturning},
		{"after @p1 bind", "update t set a = @p1 returning a", onReturning},
		{"after :name bind", "update t set a = :a returning a", onReturning},
		{"after null", "update t set a = null returning a", onReturning},
		{"after default", "update t set a = default returning a", onReturning},
		{"after a string", "update t set a = 1 where b = 'it''s' returning id", onReturning},
		{"after a parenthesis", "update t set a = (1) returning a", onReturning},
		{"on conflict", "insert into t (a) values (1) on conflict (a) do nothing returning id", onReturning},
		{"quoted column", `insert into "t" ("a") values ('x') returning "a"`, onReturning},
		{"string column", "update t set a = 1 where b = 'x' returning 'y'", onReturning},
		{"expression", "update t set a = 1 returning (a + 1)", onReturning},
		{"subquery", "insert into t (a) values (1) returning (select 1)", onReturning},
		{"qualified column", "delete from t returning t.id", onReturning},
		{"alias", "insert into t values (1) returning id as new_id", onReturning},
		{"a column named returning returned", "insert into t (a) values (1) returning returning", onReturning},
		{"from a table named returning", "delete from returning returning *", onReturning},
		{"replace", "replace into t (a) values (1) returning id", onReturning},
		{"mariadb delete order limit", "delete from t where a = 1 order by a limit 1 returning id", onReturning},
		{"unicode names", "update t set naïve = 1 returning naïve", onReturning},
		{"after a comment", "update t set a = 1 /* c */ returning id", onReturning},
		{"after a line comment", "update t set a = 'x' -- c\n returning id", onReturning},
		{"nothing after", "update t set a = 1 returning", onNone},

		// Columns, tables and aliases named returning.
		{"set returning", "update t set returning = 1", onNone},
		{"set quoted returning", `update t set "returning" = 1`, onNone},
		{"set backtick returning", "update t set `returning` = 1", onNone},
		{"set bracket returning", "update t set [returning] = 1", onNone},
		{"value returning", "update t set a = returning", onNone},
		{"where returning =", "update t set a = 1 where returning = 2", onNone},
		{"where returning alone", "update t set a = 1 where returning", onNone},
		{"returning is null", "update t set a = 1 where returning is null", onNone},
		{"returning in", "update t set a = 1 where returning in (1, 2)", onNone},
		{"not returning", "update t set a = 1 where not returning", onNone},
		{"and returning", "update t set a = 1 where x and returning", onNone},
		{"returning cast", "update t set a = 1 where returning::int = 1", onNone},
		{"equals returning", "update t set a = 1 where b = returning", onNone},
		{"qualified", "update t set a = t.returning", onNone},
		{"column list", "insert into t (returning, output, values) values (1, 2, 3)", onNone},
		{"into a table named returning", "insert into returning (a) values (1)", onNone},
		{"update a table named returning", "update returning set a = 1", onNone},
		{"delete from a table named returning", "delete from returning where a = 1", onNone},
		{"select returning", "insert into t select returning from s", onNone},
		{"as returning", "insert into t select a as returning from s", onNone},
		{"column alias returning", "insert into t select a returning from s", onNone},
		{"table alias returning", "insert into t select * from s returning where a = 1", onNone},
		{"table alias returning at the end", "delete from t returning", onNone},
		{"update alias returning", "update jobs returning set a = 1", onNone},
		{"on conflict set returning", "insert into t (a) values (1) on conflict (a) do update set returning = excluded.returning", onNone},
		{"on duplicate key", "insert into t (a) values (1) on duplicate key update returning = values(returning)", onNone},
		{"order by returning", "update t set a = 1 order by returning limit 1", onNone},
		{"returning in a subquery", "insert into t (a) select b from s where b in (select c from u returning)", onNone},
		{"longer word", "update t set returning_at = 1, a_returning = 2", onNone},
		{"unicode longer word", "update t set returningé = 1", onNone},

		// RETURNING inside strings and comments.
		{"string", "update t set a = 'returning id'", onNone},
		{"line comment", "update t set a = 1 -- returning id", onNone},
		{"block comment", "update t set a = 1 /* returning id */", onNone},
		{"nested block comment", "update t set a = 1 /* a /* b */ returning id */", onNone},
		{"dollar quote", "update t set a = $$ returning id $$", onNone},
		{"tagged dollar quote", "update t set a = $x$ returning id $x$", onNone},
		{"E string", `update t set a = E'\' returning id'`, onNone},
		{"quoted name", `update t set "a returning" = 1`, onNone},
		{"hash comment", "update t set a = 1 # returning id", onNone},
		{"after a hash comment", "update t set a = 1 # c\n returning id", onReturning},
		// MySQL reads a backslash escape and keeps the string open; the others end it.
		{"backslash in a string", `update t set a = 'it\' returning id'`, []string{"postgresql", "sqlite", "firebird", ""}},
		{"backslash in double quotes", `update t set a = "it\" returning id"`, []string{"postgresql", "sqlite", "firebird", ""}},

		// SQL Server's OUTPUT clause.
		{"output inserted", "insert into t (a) output inserted.id values (1)", onOutput},
		{"output upper case", "INSERT INTO t (a) OUTPUT INSERTED.* VALUES (1)", onOutput},
		{"output deleted and inserted", "update t set a = 1 output deleted.a, inserted.a where id = 1", onOutput},
		{"delete output", "delete from t output deleted.* where id = 1", onOutput},
		{"merge output $action", "merge t using s on t.id = s.id when matched then update set a = s.a output $action, inserted.id;", onOutput},
		{"bracketed", "insert into [t] ([output]) output inserted.[id] values (1)", onOutput},
		{"output into", "insert into t (a) output inserted.id into @ids values (1)", onNone},
		{"output into a temp table", "update t set a = 1 output inserted.a into #log (a) where id = 1", onNone},
		{"output into then output", "update t set a = 1 output inserted.a into @x output deleted.a", onOutput},
		{"into in a string", "update t set a = 1 output inserted.a where b = 'x into y'", onOutput},
		{"set output", "update jobs set output = :o", onNone},
		{"set output where", "update jobs set output = 1 where output is null", onNone},
		{"output column list", "insert into jobs (output, values) values (1, 2)", onNone},
		{"select output", "insert into jobs (output) select output from other", onNone},
		{"output = inserted", "update jobs set output = inserted", onNone},
		{"where output", "update t set a = 1 where output = 2", onNone},
		{"bracket output", "update t set a = [output]", onNone},
		{"output variable", "update t set a = @output", onNone},
		{"output in a string", "update t set a = 'output inserted.x'", onNone},
		{"output in a comment", "update t set a = 1 -- output inserted.x", onNone},
		{"output at the end", "update t set a = 1 output", onNone},
		{"qualified output", "update t set a = s.output inserted.x", onNone},
		{"clauses in parentheses", "insert into t select * from (delete from s returning *) d", onNone},
		{"output in parentheses", "insert into t select * from (delete from s output deleted.*) d", onNone},
		{"output of a column named output", "update t set output = t.output output inserted.output", onOutput},

		// WITH.
		{"with select", "with x as (select 1) select * from x", onAll},
		{"with recursive", "WITH RECURSIVE x(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM x WHERE n < 3) SELECT n FROM x", onAll},
		{"with insert", "with x as (select 1) insert into t select * from x", onNone},
		{"with insert returning", "with x as (select 1) insert into t select * from x returning id", onReturning},
		{"with two ctes update", "with x as (select 1), y as (select 2) update t set a = 1", onNone},
		{"with materialized delete", "with x as materialized (select 1) delete from t", onNone},
		{"with not materialized delete returning", "with x as not materialized (select 1) delete from t returning *", onReturning},
		{"cte named update", "with update as (select 1) select * from update", onAll},
		{"quoted cte name", `with "update" as (select 1) delete from t`, onNone},
		{"search and cycle", "with x as (select 1) search depth first by a set ord cycle a, b set c to 1 default 0 using p select * from x", onAll},
		{"cycle then delete", "with x as (select 1) cycle a, b set c using p delete from t", onNone},
		{"returning inside the cte", "with x as (insert into s values (1) returning id) select * from x", onAll},
		{"returning inside the cte only", "with x as (delete from s returning *) delete from t", onNone},
		{"with xmlnamespaces", "with xmlnamespaces ('uri' as ns) select 1", onAll},
		{"with parenthesised select", "with x as (select 1) (select * from x)", onAll},
		{"with alone", "with", onNone},
		{"with update output column", "with x as (select 1) update t set output = 1", onNone},
		{"comment then with", "/* c */ WITH x AS (SELECT 1) INSERT INTO t SELECT * FROM x", onNone},

		// Several statements: the first decides.
		{"insert then select", "insert into t values (1); select 1", onNone},
		{"returning in the second", "update t set a = 1; delete from t returning *", onNone},
		{"returning in the first", "insert into t values (1) returning id; select 1", onReturning},
	}
	for _, tc := range tests {
		for _, name := range guessDialects {
			want := slices.Contains(tc.rows, name)
			if got := guessReturnsRows(syntaxOf(guessDialect(name)), tc.sql); got != want {
				t.Errorf("%s on %q: guess(%q) = %v, want %v", tc.name, name, tc.sql, got, want)
			}
		}
		// Text without a dialect guesses as for a dialect alchemy does not know.
		if got, want := Text(tc.sql).ReturnsRows(), slices.Contains(tc.rows, ""); got != want {
			t.Errorf("%s: Text(%q).ReturnsRows() = %v, want %v", tc.name, tc.sql, got, want)
		}
	}
}

// rowsSaying is a Statement that says whether it returns rows.
type rowsSaying bool

func (r rowsSaying) WriteSQL(c *Compiler) error {
	c.WriteString("update jobs set output = 1 output inserted.output returning id")
	c.SetReturnsRows(bool(r))
	return nil
}

// silentStmt is a Statement with nothing to say about rows.
type silentStmt struct{}

func (silentStmt) WriteSQL(c *Compiler) error {
	c.WriteString("update jobs set output = 1 output inserted.output returning id")
	return nil
}

// TestReturnsRowsDecision: what a statement states wins over its SQL; a Text that
// states nothing, and a statement that says nothing, are guessed for the dialect.
func TestReturnsRowsDecision(t *testing.T) {
	pg, mssql := guessDialect("postgresql"), guessDialect("mssql")
	const upd = "update jobs set output = 1 output inserted.output returning id"
	tests := []struct {
		name string
		d    dialect.Dialect
		stmt Statement
		want bool
	}{
		{"Text guessed on postgresql", pg, Text(upd), true},
		{"Text guessed on mssql", mssql, Text(upd), true},
		{"Text NoRows", pg, Text(upd).NoRows(), false},
		{"Text Columns", pg, Text("update jobs set output = 1").Columns(), true},
		{"Text Columns with names", mssql, Text("update jobs set output = 1").Columns("id"), true},
		{"Text NoRows then Columns", pg, Text("select 1").NoRows().Columns(), true},
		{"Text Columns then NoRows", pg, Text("select 1").Columns("a").NoRows(), false},
		{"statement says true", pg, rowsSaying(true), true},
		{"statement says false", pg, rowsSaying(false), false},
		{"guessed for any statement", pg, silentStmt{}, true},
		{"a nested fragment's word does not count", pg, wrapping{Text("select 1").NoRows()}, true},
		{"nor does a nested fragment's guess", pg, wrapping{Text("update t set a = 1")}, true},
	}
	for _, tc := range tests {
		c, err := Compile(tc.d, dialect.Version{}, tc.stmt)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if c.ReturnsRows != tc.want {
			t.Errorf("%s: ReturnsRows = %v, want %v", tc.name, c.ReturnsRows, tc.want)
		}
	}
	// The compiled query is what is guessed, so its placeholders read as values.
	c, err := Compile(pg, dialect.Version{}, Text("update t set a = :a returning a"))
	if err != nil || !c.ReturnsRows || c.SQL != "update t set a = $1 returning a" {
		t.Errorf("a compiled Text with RETURNING: %q, ReturnsRows %v, %v", c.SQL, c.ReturnsRows, err)
	}
}

// wrapping is a SELECT around a fragment.
type wrapping struct{ inner Statement }

func (w wrapping) WriteSQL(c *Compiler) error {
	c.WriteString("select * from (")
	if err := c.Write(w.inner); err != nil {
		return err
	}
	c.WriteString(") as sub")
	return nil
}
