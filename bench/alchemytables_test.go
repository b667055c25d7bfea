package bench

import (
	"time"

	"github.com/go-alchemy/alchemy"
	_ "github.com/go-alchemy/alchemy/dialect/postgresql"
	"github.com/go-alchemy/alchemy/expr"
)

// exprUsersTable is the benchmarks' users table in alchemy's expression language,
// declared once as a program declares it.
type exprUsersTable struct {
	*expr.Table
	ID        expr.Column[int64]
	Name      expr.Column[string]
	Email     expr.Column[string]
	Age       expr.Column[int64]
	CreatedAt expr.Column[time.Time]
}

func newExprUsersTable(md *expr.MetaData) exprUsersTable {
	t := md.NewTable("users")
	return exprUsersTable{Table: t,
		ID:        expr.NewColumn(t, "id", expr.Integer, expr.PrimaryKey()),
		Name:      expr.NewColumn(t, "name", expr.TextType),
		Email:     expr.NewColumn(t, "email", expr.TextType),
		Age:       expr.NewColumn(t, "age", expr.Integer),
		CreatedAt: expr.NewColumn(t, "created_at", expr.DateTime(false)),
	}
}

var alchemyUsers = newExprUsersTable(expr.NewMetaData())

// Engines that only render (Engine.Render never connects): one with the
// compiled-statement cache, one without it (every statement compiled cold).
var (
	alchemyPG     = mustEngine("postgresql://bench@127.0.0.1:1/bench")
	alchemyPGCold = mustEngine("postgresql://bench@127.0.0.1:1/bench", alchemy.QueryCacheSize(0))
)

func mustEngine(url string, opts ...alchemy.Option) *alchemy.Engine {
	e, err := alchemy.CreateEngine(url, opts...)
	if err != nil {
		panic(err)
	}
	return e
}

func alchemySelectStmt(i int) expr.Statement {
	u := alchemyUsers
	return u.Select(u.ID, u.Name, u.Email, u.Age, u.CreatedAt).
		Where(u.Age.Gt(int64(selectAge(i))), expr.Like(u.Name, namePattern))
}

func alchemyInsertStmt(i int) expr.Statement {
	u := alchemyUsers
	return u.Insert().Columns(u.Name, u.Email, u.Age).
		Row(insertUsers[0].name, insertUsers[0].email, i%100).
		Row(insertUsers[1].name, insertUsers[1].email, i%100+1).
		Row(insertUsers[2].name, insertUsers[2].email, i%100+2)
}

func alchemySelect(i int) (string, []any, error) { return alchemyPG.Render(alchemySelectStmt(i)) }
func alchemyInsert(i int) (string, []any, error) { return alchemyPG.Render(alchemyInsertStmt(i)) }
func alchemySelectCold(i int) (string, []any, error) {
	return alchemyPGCold.Render(alchemySelectStmt(i))
}
func alchemyInsertCold(i int) (string, []any, error) {
	return alchemyPGCold.Render(alchemyInsertStmt(i))
}
