package gen

import (
	"bytes"
	"context"
	"fmt"
	"go/format"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/go-alchemy/alchemy"
	"github.com/go-alchemy/alchemy/cmd/alchemy/internal/cli"
	"github.com/go-alchemy/alchemy/cmd/alchemy/internal/inspect/seedtest"
	"github.com/go-alchemy/alchemy/expr"
	"github.com/go-alchemy/alchemy/internal/testdb"
)

// runGen runs gen on url with args, as the alchemy command does, and returns the
// exit code, standard output and standard error.
func runGen(t *testing.T, url string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	app := cli.New()
	app.Out, app.Err, app.In = &out, &errb, strings.NewReader("")
	app.URLFlag = url
	cmd := Command(app)
	cmd.SetArgs(args)
	cmd.SetOut(&out)
	cmd.SetErr(&errb)
	cmd.SilenceErrors, cmd.SilenceUsage = true, true
	err := cmd.ExecuteContext(context.Background())
	if err != nil {
		fmt.Fprintln(&errb, "alchemy:", err)
	}
	return cli.Code(err), out.String(), errb.String()
}

// catalogType is an SQL type of the database's own, which expr has no constructor
// for.
type catalogType string

func (t catalogType) TypeName() string              { return string(t) }
func (t catalogType) SQLFor(string) (string, error) { return string(t), nil }

// seedOdd creates a table whose names Go would misread (columns called select,
// table, name, userId beside user_id, 2fa) and whose types expr has no
// constructor for (CHAR(8), which gen maps to a string, and POINT, which it does
// not know), with one row.
func seedOdd(t *testing.T, url, name string) {
	t.Helper()
	ctx := context.Background()
	eng, err := alchemy.CreateEngine(url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = eng.Dispose() })
	md := expr.NewMetaData()
	o := md.NewTable(name)
	cols := []expr.ColumnRef{
		expr.NewColumn(o, "id", expr.Integer, expr.PrimaryKey(), expr.Autoincrement(false)),
		expr.NewColumn(o, "select", expr.Integer),
		expr.NewColumn(o, "table", expr.String(10)),
		expr.NewColumn(o, "name", expr.String(10)),
		expr.NewColumn(o, "userId", expr.Integer),
		expr.NewColumn(o, "user_id", expr.Integer),
		expr.NewColumn(o, "2fa", expr.Boolean),
		expr.NewColumn(o, "code", expr.Typed[string](catalogType("CHAR(8)")), expr.NotNull()),
	}
	expr.NewColumn(o, "shape", expr.Typed[string](catalogType("POINT")))
	if err := expr.CreateAll(ctx, eng, md); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = expr.DropAll(context.Background(), eng, md) })
	res, err := eng.Execute(ctx, o.Insert().Columns(cols...).Row(int64(1), int64(7), "t", "n", int64(5), int64(6), true, "abcdefgh"))
	if err != nil {
		t.Fatal(err)
	}
	res.Close()
}

// repoRoot is the root of the alchemy module, which the generated code's module
// replaces its requirement with.
func repoRoot(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs("../../../..")
	if err != nil {
		t.Fatal(err)
	}
	if b, err := os.ReadFile(filepath.Join(root, "go.mod")); err != nil || !strings.Contains(string(b), "module github.com/go-alchemy/alchemy\n") {
		t.Fatalf("%s is not the alchemy module's root: %v", root, err)
	}
	return root
}

// runModule makes dir, which holds generated code, a module requiring alchemy
// (replaced by this repository) with files added, and runs its tests against url.
func runModule(t *testing.T, dir, url string, files map[string]string) {
	t.Helper()
	gosum, err := os.ReadFile("../../go.sum") // the command's module requires what alchemy does
	if err != nil {
		t.Fatal(err)
	}
	files["go.sum"] = string(gosum)
	files["go.mod"] = "module gentest\n\ngo 1.26\n\nrequire github.com/go-alchemy/alchemy v0.0.0-00010101000000-000000000000\n\n" +
		"replace github.com/go-alchemy/alchemy => " + repoRoot(t) + "\n"
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	cmd := exec.Command(goBin, "test", "-count=1", ".")
	cmd.Dir = dir
	// No workspace. The module cache has every package alchemy builds with, but a
	// fresh one lacks go.mod files this module's graph needs that alchemy's pruned
	// graph does not (pgpassfile's testify v1.3.0): the proxy in the environment
	// serves them, once.
	cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GOWORK=off", "GEN_TEST_URL="+url)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("go test of the generated code: %v\n%s", err, out)
	}
	t.Logf("the generated code compiled and ran in %v: %s", time.Since(start).Round(time.Millisecond), bytes.TrimSpace(out))
}

// program is the test that the generated code is compiled and run with, in a
// module of its own: typed queries through the generated tables, read into the
// generated row structs with alchemy.All, and through orm.Map.
const program = `package models

import (
	"context"
	"encoding/json"
	"os"
	"reflect"
	"testing"

	"github.com/go-alchemy/alchemy"
	_ "github.com/go-alchemy/alchemy/dialect/mysql"
	_ "github.com/go-alchemy/alchemy/dialect/postgresql"
	_ "github.com/go-alchemy/alchemy/dialect/sqlite"
	"github.com/go-alchemy/alchemy/expr"
	"github.com/go-alchemy/alchemy/orm"
)

func TestGenerated(t *testing.T) {
	ctx := context.Background()
	eng, err := alchemy.CreateEngine(os.Getenv("GEN_TEST_URL"))
	if err != nil {
		t.Fatal(err)
	}
	defer eng.Dispose()
	tb := NewTables(expr.NewMetaData())
	users, posts, postTags, odd := tb.$Users, tb.$Posts, tb.$PostTags, tb.$Odd

	res, err := eng.Execute(ctx, users.Select().Where(users.Name.Eq("ed")))
	if err != nil {
		t.Fatal(err)
	}
	eds, err := alchemy.All[$UsersRow](res)
	if err != nil {
		t.Fatal(err)
	}
	if len(eds) != 1 || eds[0].ID != 1 || eds[0].Name != "ed" || eds[0].Email == nil || *eds[0].Email != "ed@example.com" ||
		eds[0].Karma != 3 || !eds[0].Active || eds[0].CreatedAt != nil {
		t.Errorf("users named ed: %+v", eds)
	}

	res, err = eng.Execute(ctx, users.Select(users.Name).Where(users.Email.IsNull(), users.Active.Eq(false)))
	if err != nil {
		t.Fatal(err)
	}
	if names, err := alchemy.Scalars[string](res); err != nil || len(names) != 1 || names[0] != "wendy" {
		t.Errorf("users without email: %v %v", names, err)
	}

	res, err = eng.Execute(ctx, posts.Select().Join(users.Table, posts.UserID.EqExpr(users.ID)).
		Where(users.Name.Eq("ed")).OrderBy(posts.ID.Asc()))
	if err != nil {
		t.Fatal(err)
	}
	ps, err := alchemy.All[$PostsRow](res)
	if err != nil {
		t.Fatal(err)
	}
	var meta any
	// SQLite's NUMERIC affinity keeps 1.50 as the number 1.5
	if len(ps) != 1 || ps[0].Title != "hello" || ps[0].Body != nil || ps[0].Score == nil || (*ps[0].Score != "1.50" && *ps[0].Score != "1.5") ||
		ps[0].Meta == nil || json.Unmarshal(*ps[0].Meta, &meta) != nil || !reflect.DeepEqual(meta, map[string]any{"draft": false}) {
		t.Errorf("ed's posts: %+v (meta %v)", ps, meta)
		for _, p := range ps {
			t.Logf("score %v, meta %s", p.Score, p.Meta)
		}
	}

	res, err = eng.Execute(ctx, postTags.Select().Where(postTags.PostID.Eq(1)).OrderBy(postTags.TagID.Asc()))
	if err != nil {
		t.Fatal(err)
	}
	if pts, err := alchemy.All[$PostTagsRow](res); err != nil || len(pts) != 2 || pts[1] != ($PostTagsRow{PostID: 1, TagID: 2}) {
		t.Errorf("post 1's tags: %+v %v", pts, err)
	}

	res, err = eng.Execute(ctx, odd.Select().Where(odd.SelectCol.Eq(7), odd.TableCol.Eq("t"), odd.C2fa.Eq(true)))
	if err != nil {
		t.Fatal(err)
	}
	if rows, err := alchemy.All[$OddRow](res); err != nil || len(rows) != 1 || *rows[0].Name != "n" || *rows[0].UserID != 5 ||
		*rows[0].UserID2 != 6 || rows[0].Code != "abcdefgh" || rows[0].Shape != nil {
		t.Errorf("odd: %+v %v", rows, err)
	}

	reg := orm.NewRegistry()
	if err := orm.Map[$UsersRow](reg, users.Table); err != nil {
		t.Fatal(err)
	}
	s := orm.NewSessionmaker(eng, orm.WithRegistry(reg)).New()
	defer s.Close()
	var wendy *$UsersRow
	if err := s.Get(ctx, &wendy, int64(2)); err != nil || wendy.Name != "wendy" || wendy.Email != nil {
		t.Errorf("orm: user 2: %+v %v", wendy, err)
	}
	if all, err := orm.Select[$UsersRow]().Where(users.Karma.Eq(3)).All(ctx, s); err != nil || len(all) != 1 || all[0].Name != "ed" {
		t.Errorf("orm: karma 3: %v %v", all, err)
	}
}
`

// TestGenerate generates the code of the seeded schema on each database, checks
// it is gofmt-clean and says how to regenerate it without the password, and
// compiles and runs it in a module of its own against the same database.
func TestGenerate(t *testing.T) {
	testdb.Each(t, func(t *testing.T, tg testdb.Target) {
		n := seedtest.Seed(t, tg.URL)
		odd := n.Prefix + "odd"
		seedOdd(t, tg.URL, odd)
		dir := t.TempDir()
		file := filepath.Join(dir, "tables.go")
		code, out, errs := runGen(t, tg.URL, append([]string{"-o", file}, append(n.All(), odd)...)...)
		if code != 0 || out != "" {
			t.Fatalf("exit %d, %q: %s", code, out, errs)
		}
		if !strings.Contains(errs, "warning: "+odd+`.shape (type "POINT")`) || strings.Count(errs, "\n") != 1 {
			t.Errorf("the warning about the POINT column: %q", errs)
		}
		src, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		if f, err := format.Source(src); err != nil || !bytes.Equal(f, src) {
			t.Errorf("the generated code is not gofmt-clean: %v", err)
		}
		u, _ := alchemy.ParseURL(tg.URL)
		header := "// Code generated by alchemy gen; DO NOT EDIT.\n//\n// To regenerate it, run:\n//\n//\talchemy gen --url "
		if !strings.HasPrefix(string(src), header) || !strings.Contains(string(src), " -o "+file+" "+strings.Join(n.All(), " ")+" "+odd+"\n") {
			t.Errorf("the header:\n%.400s", src)
		}
		if u.Password != "" && strings.Contains(string(src), u.Password) {
			t.Errorf("the password is in the generated code")
		}
		users := goName(n.Users, "T")
		for _, want := range []string{
			"\npackage models\n",
			"type " + users + " struct {\n\t*expr.Table\n\tID        expr.Column[int64]\n",
			"\tID:        expr.NewColumn(t, \"id\", expr.Integer, expr.PrimaryKey(), expr.Autoincrement(true)),\n",
			"expr.NewColumn(t, \"name\", expr.String(50), expr.NotNull(), expr.Unique()",
			"expr.NewColumn(t, \"karma\", expr.Integer, expr.NotNull(), expr.ServerDefault(\"0\")),",
			"expr.NewColumn(t, \"user_id\", expr.Integer, expr.NotNull(), expr.References(\"" + n.Users + ".id\", expr.OnDelete(\"CASCADE\"))),",
			"expr.NewColumn(t, \"score\", expr.Numeric(10, 2)),",
			"expr.NewColumn(t, \"meta\", expr.JSON),",
			"expr.Index(\"ix_" + n.Prefix + "posts_user_title\", \"user_id\", \"title\"),",
			"expr.UniqueConstraint(\"uq_" + n.Prefix + "tags_name\", \"name\"),",
			"expr.CheckConstraint(\"ck_" + n.Prefix + "posts_score\", ",
			"\tPostID: expr.NewColumn(t, \"post_id\", expr.Integer, expr.PrimaryKey(), expr.References(\"" + n.Posts + ".id\")),\n",
			"\tEmail     *string    `db:\"email\"`\n",
			"\tSelectCol expr.Column[int64]\n", "\tTableCol  expr.Column[string]\n", "\tUserID2   expr.Column[int64]\n", "\tC2fa      expr.Column[bool]\n",
			"\tCode      expr.Column[string]\n",
			"\tShape     expr.Column[string] // type POINT, which alchemy gen does not know: read as its text\n",
			"expr.NewColumn(t, \"code\", expr.Typed[string](sqlType(\"CHAR(8)\")), expr.NotNull()),",
			"\tUserID2 *int64  `db:\"user_id\"`\n",
			"type sqlType string\n",
		} {
			if !strings.Contains(string(src), want) {
				t.Errorf("the generated code lacks %q", want)
			}
		}
		// the odd table's id was created without autoincrement, which SQLite's
		// INTEGER PRIMARY KEY has anyway (the rowid)
		want := "expr.NewColumn(t, \"id\", expr.Integer, expr.PrimaryKey(), expr.Autoincrement(false)),"
		if tg.Name == testdb.SQLite {
			want = "expr.NewColumn(t, \"id\", expr.Integer, expr.PrimaryKey(), expr.Autoincrement(true)),\n\t\tSelectCol:"
		}
		if !strings.Contains(string(src), want) {
			t.Errorf("the generated code lacks %q", want)
		}
		if t.Failed() {
			t.Logf("the generated code:\n%s", src)
		}

		runModule(t, dir, tg.URL, map[string]string{"tables_test.go": strings.NewReplacer(
			"$UsersRow", users+"Row", "$PostsRow", goName(n.Posts, "T")+"Row", "$PostTagsRow", goName(n.PostTags, "T")+"Row",
			"$OddRow", goName(odd, "T")+"Row", "$Users", users, "$Posts", goName(n.Posts, "T"), "$PostTags", goName(n.PostTags, "T"),
			"$Odd", goName(odd, "T")).Replace(program)})
	})
}

// schemaProgram queries the table of another schema through the code generated
// with --schema.
const schemaProgram = `package models

import (
	"context"
	"os"
	"testing"

	"github.com/go-alchemy/alchemy"
	_ "github.com/go-alchemy/alchemy/dialect/postgresql"
	"github.com/go-alchemy/alchemy/expr"
)

func TestSchema(t *testing.T) {
	ctx := context.Background()
	eng, err := alchemy.CreateEngine(os.Getenv("GEN_TEST_URL"))
	if err != nil {
		t.Fatal(err)
	}
	defer eng.Dispose()
	items := NewTables(expr.NewMetaData()).Items
	res, err := eng.Execute(ctx, items.Select().Where(items.Label.Eq("pen")))
	if err != nil {
		t.Fatal(err)
	}
	rows, err := alchemy.All[ItemsRow](res)
	if err != nil || len(rows) != 1 || rows[0].ID != 1 || rows[0].UserID == nil || *rows[0].UserID != 1 {
		t.Errorf("items: %+v %v", rows, err)
	}
}
`

// TestSchema generates the tables of another schema than the default
// (--schema, on PostgreSQL): they are declared in it, a foreign key to the default
// schema names it, and a query through them runs.
func TestSchema(t *testing.T) {
	url := testdb.URL(t, testdb.PostgreSQL)
	n := seedtest.Seed(t, url)
	sch, def := seedtest.SeedSchema(t, url, n)
	dir := t.TempDir()
	code, _, errs := runGen(t, url, "--schema", sch, "-o", filepath.Join(dir, "tables.go"))
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	src, err := os.ReadFile(filepath.Join(dir, "tables.go"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"t := md.NewTable(\"items\",\n\t\texpr.Schema(\"" + sch + "\"),\n\t)",
		"expr.NewColumn(t, \"user_id\", expr.Integer, expr.References(\"" + def + "." + n.Users + ".id\")),",
		" --schema " + sch + " -o ",
	} {
		if !strings.Contains(string(src), want) {
			t.Errorf("the generated code lacks %q:\n%s", want, src)
		}
	}
	runModule(t, dir, url, map[string]string{"schema_test.go": schemaProgram})
}

// TestStrict: a column of a type gen cannot map is an error naming it under
// --strict, and nothing is written.
func TestStrict(t *testing.T) {
	url := testdb.SQLiteURL(t)
	seedOdd(t, url, "shapes")
	file := filepath.Join(t.TempDir(), "tables.go")
	code, out, errs := runGen(t, url, "--strict", "-o", file)
	if code != cli.ExitFailure || out != "" || !strings.Contains(errs, `no Go type for the database type of shapes.shape (type "POINT")`) {
		t.Errorf("--strict: exit %d, %q, %q", code, out, errs)
	}
	if _, err := os.Stat(file); !os.IsNotExist(err) {
		t.Errorf("--strict wrote the file: %v", err)
	}
	code, out, errs = runGen(t, url, "--package", "shapes")
	if code != 0 || !strings.HasPrefix(out, "// Code generated by alchemy gen; DO NOT EDIT.") || !strings.Contains(out, "\npackage shapes\n") ||
		!strings.Contains(errs, "warning: shapes.shape") {
		t.Errorf("without --strict: exit %d, %q\n%s", code, errs, out)
	}
}

// TestBadInput: a bad package name is a usage error; a wrong password, an
// unreachable server, a missing table and an empty database are failures; none
// shows the password.
func TestBadInput(t *testing.T) {
	myURL := testdb.URL(t, testdb.MySQL)
	u, err := alchemy.ParseURL(myURL)
	if err != nil {
		t.Fatal(err)
	}
	u.Password = "wrong-pw-xyz"
	for _, c := range []struct {
		name string
		url  string
		args []string
		code int
		want string
	}{
		{"bad package", testdb.SQLiteURL(t), []string{"--package", "my-models"}, cli.ExitUsage, `--package "my-models" is not a Go package name`},
		{"wrong password", u.RenderWithPassword(), nil, cli.ExitFailure, "cannot connect"},
		{"unreachable", "postgresql://u:sekrit-pw@127.0.0.1:1/db?connect_timeout=2", nil, cli.ExitFailure, "cannot connect"},
		{"missing table", testdb.SQLiteURL(t), []string{"nosuch"}, cli.ExitFailure, "no such table nosuch in the default schema"},
		{"no tables", testdb.SQLiteURL(t), nil, cli.ExitFailure, "the default schema has no tables"},
	} {
		code, out, errs := runGen(t, c.url, c.args...)
		if code != c.code || out != "" || !strings.Contains(errs, c.want) {
			t.Errorf("%s: exit %d, %q, %q", c.name, code, out, errs)
		}
		if strings.Contains(errs, "wrong-pw-xyz") || strings.Contains(errs, "sekrit-pw") {
			t.Errorf("%s: the password is in the error: %s", c.name, errs)
		}
	}
}

// TestCommandLine: the header's command line gives the URL as it came, without
// its password, and quotes what the shell would split.
func TestCommandLine(t *testing.T) {
	app := cli.New()
	app.URLFlag = "postgresql://app:s3cret@db.example.com:5432/prod?sslmode=require&password=s3cret"
	got := commandLine(app, flags{pkg: "store", output: "store/tables.go", schema: "sales"}, []string{"users", "order items"})
	want := `alchemy gen --url 'postgresql://app@db.example.com:5432/prod?sslmode=require' --schema sales --package store -o store/tables.go users 'order items'`
	if got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	app.URLFlag = ""
	t.Setenv(cli.URLEnv, "mysql://app:s3cret@db/prod")
	if got, want := commandLine(app, flags{pkg: "models"}, nil), "ALCHEMY_URL=mysql://app@db/prod alchemy gen"; got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}

// TestNames: SQL names become exported Go identifiers, and collisions are
// resolved.
func TestNames(t *testing.T) {
	for in, want := range map[string]string{
		"users": "Users", "post_tags": "PostTags", "user_id": "UserID", "userId": "UserID", "HTTPServer": "HTTPServer", "api_url": "APIURL",
		"order items": "OrderItems", "2fa": "C2fa", "été": "Été", "_": "C", "名前": "C名前",
	} {
		if got := goName(in, "C"); got != want {
			t.Errorf("goName(%q) = %q, want %q", in, got, want)
		}
	}
	n := names{"Users": true}
	if got := n.takeAll("Users", [2]string{"", ""}, [2]string{"New", ""}, [2]string{"", "Row"}); got != "Users2" {
		t.Errorf("a taken table name gave %q", got)
	}
	n = names{"UsersRow": true}
	if got := n.takeAll("Users", [2]string{"", ""}, [2]string{"New", ""}, [2]string{"", "Row"}); got != "Users2" || !n["NewUsers2"] {
		t.Errorf("a table whose row name is taken gave %q", got)
	}
}
