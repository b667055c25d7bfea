package inspect

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/go-alchemy/alchemy"
	"github.com/go-alchemy/alchemy/cmd/alchemy/internal/cli"
	"github.com/go-alchemy/alchemy/cmd/alchemy/internal/inspect/seedtest"
	"github.com/go-alchemy/alchemy/internal/testdb"
)

// runInspect runs inspect on url in format with args, as the alchemy command
// does, and returns the exit code, standard output and standard error.
func runInspect(t *testing.T, url, format string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	app := cli.New()
	app.Out, app.Err, app.In = &out, &errb, strings.NewReader("")
	app.URLFlag, app.Format = url, format
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

// wantColumn is a column as every database describes the seeded schema.
type wantColumn struct {
	Name, Type         string
	Nullable, Auto, PK bool
	Default            string
}

// seededColumns are the seeded tables' columns, by the table's name without its
// prefix: the same on SQLite, PostgreSQL and MariaDB, since the types are
// normalised.
var seededColumns = map[string][]wantColumn{
	"users": {
		{Name: "id", Type: "INTEGER", Auto: true, PK: true},
		{Name: "name", Type: "VARCHAR(50)"},
		{Name: "email", Type: "VARCHAR(100)", Nullable: true},
		{Name: "karma", Type: "INTEGER", Default: "0"},
		{Name: "active", Type: "BOOLEAN"},
		{Name: "created_at", Type: "TIMESTAMP", Nullable: true},
	},
	"posts": {
		{Name: "id", Type: "INTEGER", Auto: true, PK: true},
		{Name: "user_id", Type: "INTEGER"},
		{Name: "title", Type: "VARCHAR(200)"},
		{Name: "body", Type: "TEXT", Nullable: true},
		{Name: "score", Type: "NUMERIC(10, 2)", Nullable: true},
		{Name: "meta", Type: "JSON", Nullable: true},
	},
	"tags": {
		{Name: "id", Type: "INTEGER", Auto: true, PK: true},
		{Name: "name", Type: "VARCHAR(30)"},
	},
	"post_tags": {
		{Name: "post_id", Type: "INTEGER", PK: true},
		{Name: "tag_id", Type: "INTEGER", PK: true},
	},
}

// TestJSON reads the seeded schema as JSON on each database and compares every
// table's columns, keys, indexes and constraints with what was created.
func TestJSON(t *testing.T) {
	testdb.Each(t, func(t *testing.T, tg testdb.Target) {
		n := seedtest.Seed(t, tg.URL)
		code, out, errs := runInspect(t, tg.URL, "json", n.All()...)
		if code != 0 {
			t.Fatalf("exit %d: %s", code, errs)
		}
		var s Schema
		if err := json.Unmarshal([]byte(out), &s); err != nil {
			t.Fatalf("the output is not JSON: %v\n%s", err, out)
		}
		if want := map[string]string{"sqlite": "sqlite", "postgresql": "postgresql", "mysql": "mariadb"}[tg.Name]; s.Dialect != want && !(tg.Name == "mysql" && s.Dialect == "mysql") {
			t.Errorf("dialect %q, want %q", s.Dialect, want)
		}
		var names []string
		for _, tb := range s.Tables {
			names = append(names, tb.Name)
		}
		if !slices.Equal(names, n.All()) {
			t.Fatalf("tables %v, want %v (the order named)", names, n.All())
		}
		for _, tb := range s.Tables {
			short := strings.TrimPrefix(tb.Name, n.Prefix)
			var got []wantColumn
			for _, c := range tb.Columns {
				d := ""
				if c.Default != nil {
					d = *c.Default
				}
				got = append(got, wantColumn{c.Name, c.Type, c.Nullable, c.Autoincrement, c.PrimaryKey, d})
			}
			if !slices.Equal(got, seededColumns[short]) {
				t.Errorf("%s: columns\n got %+v\nwant %+v", short, got, seededColumns[short])
			}
		}
		users, posts, tags, pt := s.Tables[0], s.Tables[1], s.Tables[2], s.Tables[3]
		if users.PrimaryKey == nil || !slices.Equal(users.PrimaryKey.Columns, []string{"id"}) {
			t.Errorf("users: primary key %+v", users.PrimaryKey)
		}
		if pt.PrimaryKey == nil || !slices.Equal(pt.PrimaryKey.Columns, []string{"post_id", "tag_id"}) {
			t.Errorf("post_tags: primary key %+v", pt.PrimaryKey)
		}
		if len(posts.ForeignKeys) != 1 {
			t.Fatalf("posts: foreign keys %+v", posts.ForeignKeys)
		}
		fk := posts.ForeignKeys[0]
		if !slices.Equal(fk.Columns, []string{"user_id"}) || fk.ReferredTable != n.Users || !slices.Equal(fk.ReferredColumns, []string{"id"}) || fk.OnDelete != "CASCADE" {
			t.Errorf("posts: foreign key %+v", fk)
		}
		var refs []string
		for _, f := range pt.ForeignKeys {
			refs = append(refs, strings.Join(f.Columns, ",")+"→"+f.ReferredTable+"."+strings.Join(f.ReferredColumns, ","))
		}
		slices.Sort(refs)
		if want := []string{"post_id→" + n.Posts + ".id", "tag_id→" + n.Tags + ".id"}; !slices.Equal(refs, want) {
			t.Errorf("post_tags: foreign keys %v, want %v", refs, want)
		}
		ix := slices.IndexFunc(posts.Indexes, func(i Index) bool { return i.Name == "ix_"+n.Prefix+"posts_user_title" })
		if ix < 0 || !slices.Equal(posts.Indexes[ix].Columns, []string{"user_id", "title"}) || posts.Indexes[ix].Unique {
			t.Errorf("posts: indexes %+v", posts.Indexes)
		}
		if len(users.Unique) != 1 || !slices.Equal(users.Unique[0].Columns, []string{"name"}) {
			t.Errorf("users: unique constraints %+v", users.Unique)
		}
		if len(tags.Unique) != 1 || tags.Unique[0].Name != "uq_"+n.Prefix+"tags_name" || !slices.Equal(tags.Unique[0].Columns, []string{"name"}) {
			t.Errorf("tags: unique constraints %+v", tags.Unique)
		}
		if len(posts.Checks) != 1 || posts.Checks[0].Name != "ck_"+n.Prefix+"posts_score" ||
			!regexp.MustCompile("^`?score`? >= \\(?0\\)?(::numeric)?$").MatchString(posts.Checks[0].SQL) {
			t.Errorf("posts: check constraints %+v", posts.Checks)
		}
		if tg.Name != testdb.SQLite { // SQLite keeps no comments
			if users.Comment != "people who write" || users.Columns[1].Comment != "the login" {
				t.Errorf("users: comments %q, %q", users.Comment, users.Columns[1].Comment)
			}
		}

		// the tables named only, in that order; a missing one is an error naming it
		code, out, _ = runInspect(t, tg.URL, "json", n.Posts, n.Users)
		if err := json.Unmarshal([]byte(out), &s); code != 0 || err != nil || len(s.Tables) != 2 || s.Tables[0].Name != n.Posts || s.Tables[1].Name != n.Users {
			t.Errorf("posts and users only: exit %d, %v, %s", code, err, out)
		}
		code, out, errs = runInspect(t, tg.URL, "json", n.Users, n.Prefix+"nosuch")
		if code != cli.ExitFailure || out != "" || !strings.Contains(errs, "no such table "+n.Prefix+"nosuch") || !strings.Contains(errs, n.Users) {
			t.Errorf("a missing table: exit %d, %q, %q", code, out, errs)
		}
	})
}

// TestDescription checks the table and CSV descriptions.
func TestDescription(t *testing.T) {
	testdb.Each(t, func(t *testing.T, tg testdb.Target) {
		n := seedtest.Seed(t, tg.URL)
		code, out, errs := runInspect(t, tg.URL, "table", n.All()...)
		if code != 0 {
			t.Fatalf("exit %d: %s", code, errs)
		}
		for _, want := range []string{
			"│ " + n.PostTags, "│ id         │ INTEGER      │      │         │ yes  │ PK  │",
			"FK → " + n.Users + ".id", "PK, FK → " + n.Tags + ".id", "REFERENCES " + n.Users + " (id) ON DELETE CASCADE",
			"│ index       │ ix_" + n.Prefix + "posts_user_title │ user_id, title │",
			"│ unique      │ uq_" + n.Prefix + "tags_name",
		} {
			if !strings.Contains(out, want) {
				t.Errorf("the table lacks %q:\n%s", want, out)
			}
		}

		code, out, errs = runInspect(t, tg.URL, "csv", n.All()...)
		if code != 0 {
			t.Fatalf("csv: exit %d: %s", code, errs)
		}
		recs, err := csv.NewReader(strings.NewReader(out)).ReadAll()
		if err != nil {
			t.Fatalf("csv: %v\n%s", err, out)
		}
		if !slices.Equal(recs[0], csvColumns) {
			t.Errorf("csv header %v", recs[0])
		}
		columns, byKind := 0, map[string]int{}
		for _, r := range recs[1:] {
			byKind[r[1]]++
			if r[1] == "column" {
				columns++
			}
			if r[0] == n.Posts && r[1] == "column" && r[2] == "score" && (r[3] != "NUMERIC(10, 2)" || r[4] != "true") {
				t.Errorf("csv: posts.score %v", r)
			}
			if r[0] == n.Posts && r[1] == "foreign key" && (r[8] != "user_id" || r[9] != "REFERENCES "+n.Users+" (id) ON DELETE CASCADE") {
				t.Errorf("csv: posts's foreign key %v", r)
			}
		}
		if columns != 16 || byKind["primary key"] != 4 || byKind["foreign key"] != 3 || byKind["check"] != 1 || byKind["unique"] != 2 {
			t.Errorf("csv: rows by kind %v", byKind)
		}
	})
}

// mermaid's lexical rules for an attribute line inside an entity's block (its
// erDiagram.jison): a type word, a name word, key markers, a quoted comment.
var mermaidAttrLine = regexp.MustCompile(`^        [*A-Za-z_][A-Za-z0-9\-_\[\]().,*]* [*A-Za-z_][A-Za-z0-9\-_\[\]()*]*( (PK|FK|UK)(, (PK|FK|UK))*)?( "[^"]*")?$`)

// TestMermaid checks the ER diagram's entities, attributes and relationships.
func TestMermaid(t *testing.T) {
	testdb.Each(t, func(t *testing.T, tg testdb.Target) {
		n := seedtest.Seed(t, tg.URL)
		code, out, errs := runInspect(t, tg.URL, "mermaid", n.All()...)
		if code != 0 {
			t.Fatalf("exit %d: %s", code, errs)
		}
		lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
		if lines[0] != "erDiagram" {
			t.Errorf("first line %q", lines[0])
		}
		entities := 0
		for _, l := range lines[1:] {
			switch {
			case strings.HasSuffix(l, " {"):
				entities++
			case l == "    }", strings.Contains(l, "--"), strings.Contains(l, ".."):
			case !mermaidAttrLine.MatchString(l):
				t.Errorf("not an attribute line Mermaid reads: %q", l)
			}
		}
		if entities != 4 {
			t.Errorf("%d entities, want 4", entities)
		}
		for _, want := range []string{
			"    " + n.Users + " {\n        INTEGER id PK\n        VARCHAR(50) name UK",
			"        NUMERIC(10,2) score\n",
			"    " + n.PostTags + " {\n        INTEGER post_id PK, FK\n        INTEGER tag_id PK, FK\n    }",
			"    " + n.Users + " ||..o{ " + n.Posts + ` : "user_id"`,
			"    " + n.Posts + " ||--o{ " + n.PostTags + ` : "post_id"`,
			"    " + n.Tags + " ||--o{ " + n.PostTags + ` : "tag_id"`,
		} {
			if !strings.Contains(out, want) {
				t.Errorf("the diagram lacks %q:\n%s", want, out)
			}
		}
	})
}

// TestMermaidNames checks the names Mermaid would misread: quoted entities,
// words for attribute names, one-word types, and the cardinalities.
func TestMermaidNames(t *testing.T) {
	s := &Schema{Tables: []*Table{
		{Name: "order items", Columns: []*Column{
			{Name: "pk", Type: "INTEGER", PrimaryKey: true},
			{Name: "first name", Type: "TIMESTAMP WITH TIME ZONE", Nullable: true, Comment: `say "hi"`},
			{Name: "end_id", Type: "INTEGER", Nullable: true},
		}, PrimaryKey: &PrimaryKey{Columns: []string{"pk"}},
			Unique:      []UniqueConstraint{{Columns: []string{"end_id"}}},
			ForeignKeys: []ForeignKey{{Columns: []string{"end_id"}, ReferredTable: "end", ReferredColumns: []string{"id"}, ReferredSchema: "other"}}},
	}}
	var b bytes.Buffer
	if err := WriteMermaid(&b, s); err != nil {
		t.Fatal(err)
	}
	want := `erDiagram
    "order items" {
        INTEGER pk_ PK
        TIMESTAMP_WITH_TIME_ZONE first_name "say 'hi'"
        INTEGER end_id FK, UK
    }
    "other.end" |o..o| "order items" : "end_id"
`
	if b.String() != want {
		t.Errorf("got\n%s\nwant\n%s", b.String(), want)
	}
}

// TestDOT runs Graphviz on the DOT output: it must parse, and draw every table
// and foreign key.
func TestDOT(t *testing.T) {
	dot := needDot(t)
	testdb.Each(t, func(t *testing.T, tg testdb.Target) {
		n := seedtest.Seed(t, tg.URL)
		code, out, errs := runInspect(t, tg.URL, "dot", n.All()...)
		if code != 0 {
			t.Fatalf("exit %d: %s", code, errs)
		}
		if got := strings.Count(out, " -> "); got != 3 {
			t.Errorf("%d edges, want 3:\n%s", got, out)
		}
		for _, want := range []string{
			`"` + n.Posts + `":c1e:e -> "` + n.Users + `":c0:w [arrowtail=crowodot, arrowhead=teetee, style=dashed`,
			`"` + n.PostTags + `":c0e:e -> "` + n.Posts + `":c0:w [arrowtail=crowodot, arrowhead=teetee, style=solid`,
			`<TD PORT="c2" ALIGN="LEFT">email</TD><TD ALIGN="LEFT">VARCHAR(100)?</TD>`,
		} {
			if !strings.Contains(out, want) {
				t.Errorf("the DOT lacks %q:\n%s", want, out)
			}
		}
		cmd := exec.Command(dot, "-Tsvg")
		cmd.Stdin = strings.NewReader(out)
		var svg, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &svg, &stderr
		if err := cmd.Run(); err != nil || stderr.Len() > 0 {
			t.Fatalf("dot -Tsvg: %v %s", err, stderr.String())
		}
		for _, name := range n.All() {
			if !strings.Contains(svg.String(), ">"+name+"</text>") {
				t.Errorf("the SVG does not show %s", name)
			}
		}
	})
}

// needDot returns the path of Graphviz's dot, which the tests of the rendered
// formats need: CI must have it (the graphviz package).
func needDot(t *testing.T) string {
	t.Helper()
	p, err := exec.LookPath("dot")
	if err != nil {
		if testdb.InCI() {
			t.Fatal("Graphviz's dot is not installed: CI needs the graphviz package")
		}
		t.Skip("Graphviz's dot is not installed (apt-get install graphviz)")
	}
	return p
}

// TestSVGAndPNG renders the seeded schema: the PNG must decode, hold one table
// header per table drawn (found by its colour), and grow with the tables; the SVG
// of the same drawing names every table and column.
func TestSVGAndPNG(t *testing.T) {
	needDot(t)
	testdb.Each(t, func(t *testing.T, tg testdb.Target) {
		n := seedtest.Seed(t, tg.URL)
		dir := t.TempDir()
		all, one := filepath.Join(dir, "all.png"), filepath.Join(dir, "one.png")
		for _, c := range []struct {
			file   string
			tables []string
		}{{all, n.All()}, {one, []string{n.Users}}} {
			code, out, errs := runInspect(t, tg.URL, "png", append([]string{"-o", c.file}, c.tables...)...)
			if code != 0 || out != "" {
				t.Fatalf("png: exit %d, %q: %s", code, out, errs)
			}
		}
		big, bigHeaders := readPNG(t, all)
		small, smallHeaders := readPNG(t, one)
		if big.Dx() < 300 || big.Dy() < 150 {
			t.Errorf("the PNG of four tables is %dx%d", big.Dx(), big.Dy())
		}
		if bigHeaders != 4 || smallHeaders != 1 {
			t.Errorf("table headers drawn: %d of 4 tables, %d of 1", bigHeaders, smallHeaders)
		}
		if big.Dx()*big.Dy() <= 2*small.Dx()*small.Dy() {
			t.Errorf("four tables (%v) should take far more room than one (%v)", big, small)
		}

		code, svg, errs := runInspect(t, tg.URL, "svg", n.All()...)
		if code != 0 || !strings.HasPrefix(strings.TrimSpace(svg), "<?xml") || !strings.Contains(svg, "<svg") {
			t.Fatalf("svg: exit %d: %s\n%.200s", code, errs, svg)
		}
		for tb, cols := range seededColumns {
			if !strings.Contains(svg, ">"+n.Prefix+tb+"</text>") {
				t.Errorf("the SVG does not show table %s", tb)
			}
			for _, c := range cols {
				if !strings.Contains(svg, ">"+c.Name+"</text>") {
					t.Errorf("the SVG does not show column %s.%s", tb, c.Name)
				}
			}
		}
	})
}

// TestNoDot: without Graphviz, svg and png are a failure that says to install it,
// before connecting and without writing the file.
func TestNoDot(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	file := filepath.Join(t.TempDir(), "schema.png")
	for _, f := range []string{"svg", "png"} {
		code, out, errs := runInspect(t, "postgresql://u:sekrit@127.0.0.1:1/db", f, "-o", file)
		if code != cli.ExitFailure || out != "" || !strings.Contains(errs, "install graphviz") || strings.Contains(errs, "sekrit") {
			t.Errorf("%s without dot: exit %d, %q, %q", f, code, out, errs)
		}
	}
	if _, err := os.Stat(file); !os.IsNotExist(err) {
		t.Errorf("the file was written: %v", err)
	}
}

// TestBadInput: a wrong password, an unreachable server, an unknown dialect and an
// unknown format are clear errors with the right exit codes, without the password.
func TestBadInput(t *testing.T) {
	myURL := testdb.URL(t, testdb.MySQL)
	i := strings.Index(myURL, "://") + 3
	at := strings.LastIndex(myURL, "@")
	user := strings.SplitN(myURL[i:at], ":", 2)[0]
	wrong := myURL[:i] + user + ":wrong-pw-xyz" + myURL[at:]
	for _, c := range []struct {
		name, url, format string
		code              int
		want              string
	}{
		{"wrong password", wrong, "json", cli.ExitFailure, "cannot connect"},
		{"unreachable", "postgresql://u:sekrit-pw@127.0.0.1:1/db?connect_timeout=2", "table", cli.ExitFailure, "cannot connect"},
		{"unknown dialect", "nosuchdb://u:sekrit-pw@h/db", "table", cli.ExitUsage, `unknown dialect "nosuchdb"`},
		{"unknown format", testdb.SQLiteURL(t), "yaml", cli.ExitUsage, `--format "yaml"`},
	} {
		code, out, errs := runInspect(t, c.url, c.format)
		if code != c.code || out != "" || !strings.Contains(errs, c.want) {
			t.Errorf("%s: exit %d, %q, %q", c.name, code, out, errs)
		}
		if strings.Contains(errs, "wrong-pw-xyz") || strings.Contains(errs, "sekrit-pw") {
			t.Errorf("%s: the password is in the error: %s", c.name, errs)
		}
	}
}

// TestSchema reads another schema than the default (--schema) on PostgreSQL: its
// table's foreign key to the default schema names that schema, and the diagrams
// draw the referred table as one outside the schema.
func TestSchema(t *testing.T) {
	url := testdb.URL(t, testdb.PostgreSQL)
	n := seedtest.Seed(t, url)
	sch, def := seedtest.SeedSchema(t, url, n)
	code, out, errs := runInspect(t, url, "json", "--schema", sch)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var s Schema
	if err := json.Unmarshal([]byte(out), &s); err != nil || s.Schema != sch || len(s.Tables) != 1 || s.Tables[0].Name != "items" {
		t.Fatalf("--schema %s: %v\n%s", sch, err, out)
	}
	fks := s.Tables[0].ForeignKeys
	if len(fks) != 1 || fks[0].ReferredSchema != def || fks[0].ReferredTable != n.Users {
		t.Errorf("items's foreign keys: %+v", fks)
	}
	code, out, _ = runInspect(t, url, "mermaid", "--schema", sch)
	if want := `    "` + def + "." + n.Users + `" |o..o{ items : "user_id"`; code != 0 || !strings.Contains(out, want) {
		t.Errorf("mermaid lacks %q:\n%s", want, out)
	}
	code, out, _ = runInspect(t, url, "dot", "--schema", sch)
	if want := `"items":c2e:e -> "` + def + "." + n.Users + `" [`; code != 0 || !strings.Contains(out, want) ||
		!strings.Contains(out, `"`+def+"."+n.Users+`" [shape=box, style=dashed`) {
		t.Errorf("dot lacks %q and the dashed box:\n%s", want, out)
	}
	if code, _, errs := runInspect(t, url, "json", "--schema", sch, n.Users); code != cli.ExitFailure || !strings.Contains(errs, "no such table "+n.Users+" in schema "+sch+" (its tables: items)") {
		t.Errorf("a table of another schema: exit %d, %s", code, errs)
	}
}

// TestViews: --views describes the views too; a view named is described without it.
func TestViews(t *testing.T) {
	url := testdb.SQLiteURL(t)
	n := seedtest.Seed(t, url)
	eng, err := alchemy.CreateEngine(url)
	if err != nil {
		t.Fatal(err)
	}
	defer eng.Dispose()
	res, err := eng.Execute(context.Background(), alchemy.Text("create view active_users as select id, name from "+n.Users+" where active"))
	if err != nil {
		t.Fatal(err)
	}
	res.Close()
	var s Schema
	for _, args := range [][]string{{"--views"}, {"active_users"}} {
		code, out, errs := runInspect(t, url, "json", args...)
		if code != 0 || json.Unmarshal([]byte(out), &s) != nil {
			t.Fatalf("%v: exit %d: %s", args, code, errs)
		}
		v := s.Tables[len(s.Tables)-1]
		if v.Name != "active_users" || !v.View || len(v.Columns) != 2 || v.Columns[1].Name != "name" || v.PrimaryKey != nil {
			t.Errorf("%v: the view %+v", args, v)
		}
	}
	if code, out, _ := runInspect(t, url, "json"); code != 0 || strings.Contains(out, "active_users") {
		t.Errorf("without --views the view is described: %s", out)
	}
	if code, out, _ := runInspect(t, url, "table", "active_users"); code != 0 || !strings.Contains(out, "active_users (view)") {
		t.Errorf("the view as a table: %s", out)
	}
}
