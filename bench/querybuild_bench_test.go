package bench

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	sq "github.com/Masterminds/squirrel"
	"github.com/doug-martin/goqu/v9"
	_ "github.com/doug-martin/goqu/v9/dialect/postgres" // goqu's "postgres" dialect ($n placeholders)
	"github.com/go-jet/jet/v2/postgres"
)

// BenchmarkQueryBuild measures what issue 13 compares: building a statement
// from scratch and turning it into SQL text plus bind arguments for
// PostgreSQL ($1, $2, ...), side by side with the Go query builders:
//
//	select: SELECT id, name, email, age, created_at FROM users WHERE age > $1 AND name LIKE $2
//	insert: INSERT INTO users (name, email, age) VALUES ($1,$2,$3),($4,$5,$6),($7,$8,$9)
//
// Each library is used the way its documentation shows: squirrel's
// StatementBuilder with the Dollar placeholder format and its Gt/Like
// expressions; goqu's "postgres" dialect with prepared (bound) values and its
// C(...) expressions; jet's postgres package on the hand-written table in
// jettables_test.go, rendered with Sql() (bound args, not DebugSql). The
// builder configuration (squirrel's StatementBuilder, goqu's dialect, jet's
// table) is made once, as a program holds it in a package variable; the
// statement itself is built anew on every iteration, with a bind value that
// changes with the iteration.
//
// There is no goqu-cold entry: goqu keeps no cache of generated SQL (its only
// cache maps struct types to columns, which these statements do not use), so
// each iteration is already a cold build. Neither squirrel nor jet caches
// either. TestQueryBuildPeersSQL checks that every library emits the same
// statement and arguments.
func BenchmarkQueryBuild(b *testing.B) {
	for _, c := range queryBuildCases {
		b.Run(c.name, func(b *testing.B) {
			for _, l := range c.libs {
				b.Run(l.name, func(b *testing.B) {
					b.ReportAllocs()
					i := 0
					for b.Loop() {
						q, args, err := l.build(i)
						if err != nil {
							b.Fatal(err)
						}
						queryBuildSinkSQL, queryBuildSinkArgs = q, args
						i++
					}
				})
			}
		})
	}
}

// Sinks for the built statements, so that nothing is optimised away.
var (
	queryBuildSinkSQL  string
	queryBuildSinkArgs []any
)

// queryBuildLib builds one statement with one library; i is the iteration,
// which the bind values follow.
type queryBuildLib struct {
	name  string
	build func(i int) (string, []any, error)
}

var queryBuildCases = []struct {
	name string
	libs []queryBuildLib
}{
	{"select", []queryBuildLib{
		{"alchemy", alchemySelect},
		{"alchemy-cold", alchemySelectCold},
		{"squirrel", squirrelSelect},
		{"goqu", goquSelect},
		{"jet", jetSelect},
	}},
	{"insert", []queryBuildLib{
		{"alchemy", alchemyInsert},
		{"alchemy-cold", alchemyInsertCold},
		{"squirrel", squirrelInsert},
		{"goqu", goquInsert},
		{"jet", jetInsert},
	}},
}

// The bind values. The select's age follows the iteration; the insert's three
// rows have fixed strings (formatting them per iteration would be measured
// too) and ages that follow the iteration.
const namePattern = "user-1%"

var insertUsers = [3]struct{ name, email string }{
	{"ann", "ann@example.com"},
	{"bob", "bob@example.com"},
	{"cy", "cy@example.com"},
}

func selectAge(i int) int { return i % 100 }

// Held once, as a program holds them.
var (
	squirrelPG = sq.StatementBuilder.PlaceholderFormat(sq.Dollar)
	goquPG     = goqu.Dialect("postgres")
)

func squirrelSelect(i int) (string, []any, error) {
	return squirrelPG.Select("id", "name", "email", "age", "created_at").
		From("users").
		Where(sq.Gt{"age": selectAge(i)}).
		Where(sq.Like{"name": namePattern}).
		ToSql()
}

func squirrelInsert(i int) (string, []any, error) {
	return squirrelPG.Insert("users").
		Columns("name", "email", "age").
		Values(insertUsers[0].name, insertUsers[0].email, i%100).
		Values(insertUsers[1].name, insertUsers[1].email, i%100+1).
		Values(insertUsers[2].name, insertUsers[2].email, i%100+2).
		ToSql()
}

func goquSelect(i int) (string, []any, error) {
	return goquPG.From("users").Prepared(true).
		Select("id", "name", "email", "age", "created_at").
		Where(goqu.C("age").Gt(selectAge(i)), goqu.C("name").Like(namePattern)).
		ToSQL()
}

func goquInsert(i int) (string, []any, error) {
	return goquPG.Insert("users").Prepared(true).
		Cols("name", "email", "age").
		Vals(
			goqu.Vals{insertUsers[0].name, insertUsers[0].email, i % 100},
			goqu.Vals{insertUsers[1].name, insertUsers[1].email, i%100 + 1},
			goqu.Vals{insertUsers[2].name, insertUsers[2].email, i%100 + 2},
		).
		ToSQL()
}

func jetSelect(i int) (string, []any, error) {
	q, args := postgres.SELECT(Users.ID, Users.Name, Users.Email, Users.Age, Users.CreatedAt).
		FROM(Users).
		WHERE(Users.Age.GT(postgres.Int(int64(selectAge(i)))).
			AND(Users.Name.LIKE(postgres.String(namePattern)))).
		Sql()
	return q, args, nil
}

func jetInsert(i int) (string, []any, error) {
	q, args := Users.INSERT(Users.Name, Users.Email, Users.Age).
		VALUES(insertUsers[0].name, insertUsers[0].email, i%100).
		VALUES(insertUsers[1].name, insertUsers[1].email, i%100+1).
		VALUES(insertUsers[2].name, insertUsers[2].email, i%100+2).
		Sql()
	return q, args, nil
}

// TestQueryBuildPeersSQL checks that every library builds the statement the
// benchmark names, with its arguments in placeholder order, so that
// BenchmarkQueryBuild compares the same work. The SQL is compared after
// taking away what differs only in spelling: identifier quotes, jet's
// projection aliases (id AS "users.id"), table qualifiers and ::text casts,
// parentheses, a closing semicolon, white space and letter case.
func TestQueryBuildPeersSQL(t *testing.T) {
	const i = 7
	want := map[string]struct {
		sql  string
		args string
	}{
		"select": {
			"SELECT id, name, email, age, created_at FROM users WHERE age > $1 AND name LIKE $2",
			fmt.Sprint([]any{7, namePattern}),
		},
		"insert": {
			"INSERT INTO users (name, email, age) VALUES ($1,$2,$3),($4,$5,$6),($7,$8,$9)",
			fmt.Sprint([]any{"ann", "ann@example.com", 7, "bob", "bob@example.com", 8, "cy", "cy@example.com", 9}),
		},
	}
	for _, c := range queryBuildCases {
		if len(c.libs) < 3 {
			t.Errorf("%s: %d libraries, want squirrel, goqu and jet", c.name, len(c.libs))
		}
		for _, l := range c.libs {
			q, args, err := l.build(i)
			if err != nil {
				t.Errorf("%s/%s: %v", c.name, l.name, err)
				continue
			}
			t.Logf("%s/%s: %s %v", c.name, l.name, strings.Join(strings.Fields(q), " "), args)
			w := want[c.name]
			if got, exp := sqlShape(q), sqlShape(w.sql); got != exp {
				t.Errorf("%s/%s: SQL shape\n got %s\nwant %s\n(from %q)", c.name, l.name, got, exp, q)
			}
			if got := fmt.Sprint(args); got != w.args {
				t.Errorf("%s/%s: %d args %s, want %s", c.name, l.name, len(args), got, w.args)
			}
		}
	}
}

var (
	jetAlias   = regexp.MustCompile(`(?i)\s+AS\s+"[^"]*"`)
	qualifier  = regexp.MustCompile(`"?users"?\.`)
	textCast   = regexp.MustCompile(`::text\b`)
	spellingRe = regexp.MustCompile(`[\s"()]+`)
)

// sqlShape reduces SQL to what the statements must share.
func sqlShape(q string) string {
	q = jetAlias.ReplaceAllString(q, "")
	q = qualifier.ReplaceAllString(q, "")
	q = textCast.ReplaceAllString(q, "")
	q = spellingRe.ReplaceAllString(q, " ")
	q = strings.ReplaceAll(q, " ,", ",")
	q = strings.ReplaceAll(q, ", ", ",")
	return strings.ToLower(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(q), ";")))
}
