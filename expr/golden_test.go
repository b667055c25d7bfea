package expr_test

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/go-alchemy/alchemy/dialect"
	_ "github.com/go-alchemy/alchemy/dialect/mssql"
	_ "github.com/go-alchemy/alchemy/dialect/mysql"
	_ "github.com/go-alchemy/alchemy/dialect/postgresql"
	_ "github.com/go-alchemy/alchemy/dialect/sqlite"
	"github.com/go-alchemy/alchemy/expr"
)

var update = flag.Bool("update", false, "rewrite the golden files of TestGolden")

// renderGolden compiles stmt for d and v and writes what a golden file holds: the
// SQL, whether it returns rows and which columns, and the bound args one per line
// as Go values; or the error.
func renderGolden(d dialect.Dialect, v dialect.Version, stmt expr.Statement, args []any) string {
	var b strings.Builder
	fmt.Fprintf(&b, "-- %s %s\n", d.Name(), v.Raw)
	c, err := expr.Compile(d, v, stmt)
	if err != nil {
		fmt.Fprintf(&b, "-- error: %v\n", err)
		return b.String()
	}
	b.WriteString(c.SQL)
	b.WriteString("\n")
	fmt.Fprintf(&b, "-- returns rows: %v %q\n", c.ReturnsRows, c.Columns)
	bound, err := c.Bind(args)
	if err != nil {
		fmt.Fprintf(&b, "-- bind error: %v\n", err)
		return b.String()
	}
	fmt.Fprintf(&b, "-- args: %d\n", len(bound))
	for _, a := range bound {
		fmt.Fprintf(&b, "%T(%#v)\n", a, a)
	}
	return b.String()
}

func lookupDialect(t testing.TB, name string) dialect.Dialect {
	t.Helper()
	d, err := dialect.Lookup(name)
	if err != nil {
		t.Fatalf("dialect %s: %v", name, err)
	}
	return d
}

// checkGolden compares got with the file, or rewrites it under -update.
func checkGolden(t *testing.T, path, got string) {
	t.Helper()
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./expr -run Golden -update to write it)", err)
	}
	if string(want) != got {
		t.Errorf("%s differs:\n--- want\n%s--- got\n%s", path, want, got)
	}
}

// TestGolden compiles every golden case for every dialect and compares the SQL and
// the bound values with testdata/golden/<dialect>/<case>.sql.
func TestGolden(t *testing.T) {
	seen := map[string]bool{}
	for _, dn := range goldenDialects {
		d := lookupDialect(t, dn)
		v := goldenVersions[dn]
		for _, gc := range goldenCases() {
			if seen[dn+"/"+gc.name] {
				t.Fatalf("case %s twice", gc.name)
			}
			seen[dn+"/"+gc.name] = true
			t.Run(dn+"/"+gc.name, func(t *testing.T) {
				got := renderGolden(d, v, gc.stmt(newGoldenSchema()), gc.args)
				checkGolden(t, filepath.Join("testdata", "golden", dn, gc.name+".sql"), got)
			})
		}
	}
	for _, oc := range oldCases() {
		t.Run(oc.dialect+"/"+oc.name, func(t *testing.T) {
			got := renderGolden(lookupDialect(t, oc.dialect), oc.version, oc.stmt(newGoldenSchema()), nil)
			checkGolden(t, filepath.Join("testdata", "golden", oc.dialect, oc.name+".sql"), got)
		})
	}
	if !*update {
		// No file is left over from a case that is gone.
		files, _ := filepath.Glob(filepath.Join("testdata", "golden", "*", "*.sql"))
		names := map[string]bool{}
		for _, gc := range goldenCases() {
			names[gc.name] = true
		}
		for _, oc := range oldCases() {
			names[oc.name] = true
		}
		for _, f := range files {
			if !names[strings.TrimSuffix(filepath.Base(f), ".sql")] {
				t.Errorf("%s belongs to no golden case: remove it", f)
			}
		}
	}
}
