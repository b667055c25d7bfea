package expr_test

import (
	"encoding/json"

	"github.com/go-alchemy/alchemy/expr"
)

// The tables the golden cases are written against. "order" and its column "group"
// are reserved words in every dialect, so that quoting shows in the SQL.

type gUsers struct {
	*expr.Table
	ID        expr.Column[int64]
	Name      expr.Column[string]
	Email     expr.Column[string]
	Age       expr.Column[int64]
	Active    expr.Column[bool]
	ManagerID expr.Column[int64]
	Status    expr.Column[string]
}

type gOrders struct {
	*expr.Table
	ID     expr.Column[int64]
	UserID expr.Column[int64]
	Total  expr.Column[float64]
	Group  expr.Column[string]
}

type gTree struct {
	*expr.Table
	ID       expr.Column[int64]
	ParentID expr.Column[int64]
	Label    expr.Column[string]
}

type gDocs struct {
	*expr.Table
	ID   expr.Column[int64]
	Body expr.Column[json.RawMessage]
}

type goldenSchema struct {
	md    *expr.MetaData
	users gUsers
	order gOrders
	tree  gTree
	docs  gDocs
}

func newGoldenSchema() goldenSchema {
	md := expr.NewMetaData()
	ut := md.NewTable("users")
	u := gUsers{Table: ut,
		ID:        expr.NewColumn(ut, "id", expr.Integer, expr.PrimaryKey()),
		Name:      expr.NewColumn(ut, "name", expr.String(50), expr.NotNull()),
		Email:     expr.NewColumn(ut, "email", expr.String(100)),
		Age:       expr.NewColumn(ut, "age", expr.Integer),
		Active:    expr.NewColumn(ut, "active", expr.Boolean),
		ManagerID: expr.NewColumn(ut, "manager_id", expr.Integer),
		Status:    expr.NewColumn(ut, "status", expr.String(20), expr.Default("new")),
	}
	ot := md.NewTable("order")
	o := gOrders{Table: ot,
		ID:     expr.NewColumn(ot, "id", expr.Integer, expr.PrimaryKey()),
		UserID: expr.NewColumn(ot, "user_id", expr.Integer, expr.References(u.ID)),
		Total:  expr.NewColumn(ot, "total", expr.Float),
		Group:  expr.NewColumn(ot, "group", expr.String(20)),
	}
	tt := md.NewTable("tree")
	tr := gTree{Table: tt,
		ID:       expr.NewColumn(tt, "id", expr.Integer, expr.PrimaryKey()),
		ParentID: expr.NewColumn(tt, "parent_id", expr.Integer),
		Label:    expr.NewColumn(tt, "label", expr.String(40)),
	}
	dt := md.NewTable("docs")
	d := gDocs{Table: dt,
		ID:   expr.NewColumn(dt, "id", expr.Integer, expr.PrimaryKey()),
		Body: expr.NewColumn(dt, "body", expr.JSON),
	}
	return goldenSchema{md: md, users: u, order: o, tree: tr, docs: d}
}
