package expr_test

import (
	"fmt"
	"testing"

	"github.com/go-alchemy/alchemy/dialect"
	_ "github.com/go-alchemy/alchemy/dialect/mssql"
	_ "github.com/go-alchemy/alchemy/dialect/mysql"
	_ "github.com/go-alchemy/alchemy/dialect/postgresql"
	_ "github.com/go-alchemy/alchemy/dialect/sqlite"
	"github.com/go-alchemy/alchemy/expr"
)

type Users struct {
	*expr.Table
	ID    expr.Column[int64]
	Name  expr.Column[string]
	Email expr.Column[string]
	Age   expr.Column[int64]
}

func TestScratch(t *testing.T) {
	md := expr.NewMetaData()
	tb := md.NewTable("users")
	u := Users{Table: tb,
		ID:    expr.NewColumn(tb, "id", expr.Integer, expr.PrimaryKey()),
		Name:  expr.NewColumn(tb, "name", expr.String(50), expr.NotNull()),
		Email: expr.NewColumn(tb, "email", expr.String(100)),
		Age:   expr.NewColumn(tb, "age", expr.Integer),
	}
	stmts := []expr.Statement{
		u.Select(u.ID, u.Name).Where(u.Age.Gt(18), expr.Like(u.Name, "a%")).OrderBy(u.Name.Asc()).Limit(10).Offset(5),
		u.Select().Where(u.ID.In(1, 2, 3)),
		u.Select().Where(u.ID.In()),
		u.Insert().Values(expr.Params{"name": "ed", "age": int64(3)}, expr.Params{"name": "wendy", "age": int64(4)}).Returning(u.ID),
		u.Update().Where(u.ID.Eq(5)).Set(u.Name, "ed"),
		u.Delete().Where(expr.Or(u.ID.Eq(1), u.ID.Eq(2)), u.Age.Lt(3)),
		u.Insert().Values(expr.Params{"id": int64(1), "name": "x"}).OnConflict(u.ID).DoUpdate(u.Name),
		u.Select().Limit(3),
	}
	for _, name := range []string{"sqlite", "postgresql", "mysql", "mssql"} {
		d, err := dialect.Lookup(name)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range stmts {
			c, err := expr.Compile(d, dialect.Version{}, s)
			if err != nil {
				fmt.Println(name, "ERR", err)
				continue
			}
			args, err := c.Bind(nil)
			fmt.Println(name, c.SQL, args, err, c.Columns)
		}
	}
}
