package expr_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/go-alchemy/alchemy/dialect"
	_ "github.com/go-alchemy/alchemy/dialect/mssql"
	_ "github.com/go-alchemy/alchemy/dialect/mysql"
	_ "github.com/go-alchemy/alchemy/dialect/postgresql"
	_ "github.com/go-alchemy/alchemy/dialect/sqlite"
	"github.com/go-alchemy/alchemy/expr"
)

// ddlDialects are the dialects the golden DDL is written for, with a server version
// of each (MariaDB's says so).
var ddlDialects = []struct {
	name    string
	version dialect.Version
}{
	{"sqlite", dialect.Version{Major: 3, Minor: 45, Raw: "3.45.0"}},
	{"postgresql", dialect.Version{Major: 16, Minor: 2, Raw: "16.2"}},
	{"mysql", dialect.Version{Major: 8, Minor: 0, Patch: 36, Raw: "8.0.36"}},
	{"mariadb", dialect.Version{Major: 10, Minor: 11, Patch: 6, Raw: "10.11.6-MariaDB"}},
	{"mssql", dialect.Version{Major: 16, Raw: "16.0.4105.2"}},
}

// ddlGoldenSchema declares tables that use every part of DDL: reserved words for
// names ("user", "order"), every type but INTERVAL, autoincrement and identity, a
// composite primary key and a composite foreign key, a cycle (org and user reference
// each other), a self-reference, unique, check and Enum constraints, indexes, server
// defaults, comments with quotes. item is declared before the order it references.
func ddlGoldenSchema() *expr.MetaData {
	md := expr.NewMetaData()
	item := md.NewTable("item",
		expr.ForeignKeyConstraint([]string{"order_user", "order_number"}, "order", []string{"user_id", "number"}, expr.OnDelete("cascade")),
		expr.UniqueConstraint("uq_item_line", "order_user", "order_number", "line"))
	expr.NewColumn(item, "id", expr.Integer, expr.Identity(), expr.PrimaryKey())
	expr.NewColumn(item, "order_user", expr.BigInteger, expr.NotNull())
	expr.NewColumn(item, "order_number", expr.Integer, expr.NotNull())
	expr.NewColumn(item, "line", expr.SmallInteger, expr.NotNull(), expr.Default(int16(1)))

	org := md.NewTable("org", expr.TableComment("Who's who"))
	orgID := expr.NewColumn(org, "id", expr.Integer, expr.PrimaryKey())
	expr.NewColumn(org, "name", expr.String(100), expr.NotNull(), expr.Unique(), expr.Comment(`legal name, with a \ and a '`))
	expr.NewColumn(org, "owner_id", expr.BigInteger, expr.References("user.id", expr.OnDelete("set null")))

	user := md.NewTable("user",
		expr.CheckConstraint("ck_user_age", "age >= 0"),
		expr.Index("ix_user_name_age", "name", "age"))
	expr.NewColumn(user, "id", expr.BigInteger, expr.PrimaryKey())
	expr.NewColumn(user, "org_id", expr.Integer, expr.References(orgID, expr.OnDelete("CASCADE"), expr.OnUpdate("CASCADE")))
	expr.NewColumn(user, "name", expr.String(50), expr.NotNull(), expr.Indexed())
	expr.NewColumn(user, "age", expr.SmallInteger)
	expr.NewColumn(user, "email", expr.String(200), expr.Unique())
	expr.NewColumn(user, "status", expr.Enum("user_status", "active", "it's off"), expr.NotNull(), expr.ServerDefault("'active'"))
	expr.NewColumn(user, "created", expr.DateTime(true), expr.NotNull(), expr.ServerDefault("CURRENT_TIMESTAMP"))
	expr.NewColumn(user, "manager_id", expr.BigInteger, expr.References("user.id", expr.ConstraintName("fk_user_manager")))

	order := md.NewTable("order",
		expr.PrimaryKeyConstraint("pk_order", "user_id", "number"),
		expr.UniqueIndex("ux_order_ref", "ref"),
		expr.ForeignKeyConstraint([]string{"user_id"}, "user", []string{"id"}, expr.ConstraintName("fk_order_user"), expr.OnDelete("CASCADE"), expr.OnUpdate("no   action")))
	expr.NewColumn(order, "user_id", expr.BigInteger)
	expr.NewColumn(order, "number", expr.Integer)
	expr.NewColumn(order, "ref", expr.UUID, expr.NotNull())
	expr.NewColumn(order, "total", expr.Numeric(10, 2), expr.NotNull(), expr.ServerDefault("0"))
	expr.NewColumn(order, "paid", expr.Boolean)
	expr.NewColumn(order, "placed", expr.Date)
	expr.NewColumn(order, "at", expr.Time)
	expr.NewColumn(order, "stamp", expr.DateTime(false))
	expr.NewColumn(order, "ratio", expr.Float)
	expr.NewColumn(order, "note", expr.TextType)
	expr.NewColumn(order, "data", expr.JSON)
	expr.NewColumn(order, "blob", expr.LargeBinary)
	return md
}

// TestDDLGolden writes the DDL of each dialect into testdata/golden_ddl/<dialect>/,
// compared (or rewritten under -update) by checkGolden.
func TestDDLGolden(t *testing.T) {
	ctx := context.Background()
	for _, dd := range ddlDialects {
		t.Run(dd.name, func(t *testing.T) {
			d, err := dialect.Lookup(dd.name)
			if err != nil {
				t.Fatal(err)
			}
			dir := filepath.Join("testdata", "golden_ddl", dd.name)
			md := ddlGoldenSchema()

			create := &recorder{d: d, v: dd.version}
			if err := expr.CreateAll(ctx, create, md, expr.CheckFirst(false)); err != nil {
				t.Fatalf("CreateAll: %v", err)
			}
			checkGolden(t, filepath.Join(dir, "create_all.sql"), create.script())

			drop := &recorder{d: d, v: dd.version}
			if err := expr.DropAll(ctx, drop, md, expr.CheckFirst(false)); err != nil {
				t.Fatalf("DropAll: %v", err)
			}
			checkGolden(t, filepath.Join(dir, "drop_all.sql"), drop.script())

			// checkfirst: org is there already, so neither it nor its key closing
			// the cycle is created; the others are.
			first := &recorder{d: d, v: dd.version, exists: map[string]bool{"org": true}}
			if err := expr.CreateAll(ctx, first, md); err != nil {
				t.Fatalf("CreateAll checkfirst: %v", err)
			}
			checkGolden(t, filepath.Join(dir, "create_all_checkfirst.sql"), first.script())

			// the single statements, one of each
			var one recorder
			one.d, one.v = d, dd.version
			user, _ := md.Table("user")
			org, _ := md.Table("org")
			stmts := []expr.Statement{
				expr.DropIndex(user, "ix_user_name"),
				expr.CreateIndex(user, "ix_user_name_age"),
				expr.SetTableComment(org),
				expr.SetColumnComment(org.C("name")),
				expr.AddConstraint(user, "fk_user_manager"),
				expr.DropConstraint(org, "fk_org_owner_id_user"),
			}
			for _, s := range stmts {
				if _, err := one.Execute(ctx, s); err != nil {
					one.out = append(one.out, "-- error: "+err.Error())
				}
			}
			checkGolden(t, filepath.Join(dir, "statements.sql"), one.script())
		})
	}
}
