package expr_test

import (
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/go-alchemy/alchemy/dialect"
	"github.com/go-alchemy/alchemy/expr"
)

// Rows(n, fill) is n calls of Row: the same SQL and values, a client default
// filled per row, the statement it derives from unchanged, and a value of the
// wrong type an error naming its row.
func TestInsertRowsIsRepeatedRow(t *testing.T) {
	md := expr.NewMetaData()
	users := md.NewTable("users")
	name := expr.NewColumn(users, "name", expr.String(20))
	age := expr.NewColumn(users, "age", expr.Integer)
	expr.NewColumn(users, "kind", expr.String(10), expr.Default("person"))
	d, err := dialect.Lookup("postgresql")
	if err != nil {
		t.Fatal(err)
	}
	render := func(s expr.Statement) (string, []any) {
		t.Helper()
		c, err := expr.Compile(d, dialect.Version{}, s)
		if err != nil {
			t.Fatal(err)
		}
		args, err := c.Bind(nil)
		if err != nil {
			t.Fatal(err)
		}
		return c.SQL, args
	}
	base := users.Insert().Columns(name, age).Row("first", int64(1))
	byRow := base
	for i := range 5 {
		byRow = byRow.Row(fmt.Sprintf("u%d", i), int64(i*10))
	}
	byRows := base.Rows(5, func(i int, vals []any) {
		vals[0], vals[1] = fmt.Sprintf("u%d", i), int64(i*10)
	})
	sql1, args1 := render(byRow)
	sql2, args2 := render(byRows)
	if sql1 != sql2 || !reflect.DeepEqual(args1, args2) {
		t.Errorf("Rows differs from Row:\n%s %v\n%s %v", sql1, args1, sql2, args2)
	}
	if !strings.Contains(sql2, "kind") || len(args2) != 6*3 || args2[len(args2)-1] != "person" {
		t.Errorf("the default column: %s %v", sql2, args2)
	}
	if sql, args := render(base); len(args) != 3 {
		t.Errorf("the base statement changed: %s %v", sql, args)
	}
	// Rows then Row, and Rows of none.
	more := byRows.Row("last", int64(99))
	if _, args := render(more); len(args) != 7*3 || args[18] != "last" {
		t.Errorf("Row after Rows: %v", args)
	}
	if _, args := render(base.Rows(0, func(int, []any) {})); len(args) != 3 {
		t.Errorf("Rows(0): %v", args)
	}
	bad := base.Rows(3, func(i int, vals []any) {
		vals[0], vals[1] = "x", int64(i)
		if i == 2 {
			vals[1] = "not a number"
		}
	})
	if _, err := expr.Compile(d, dialect.Version{}, bad); err == nil || !strings.Contains(err.Error(), "row 4") {
		t.Errorf("a wrong value in Rows: %v", err)
	}
	if _, err := expr.Compile(d, dialect.Version{}, users.Insert().Rows(1, func(int, []any) {})); err == nil || !strings.Contains(err.Error(), "Columns") {
		t.Errorf("Rows before Columns: %v", err)
	}
}
