package expr_test

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/go-alchemy/alchemy"
	"github.com/go-alchemy/alchemy/dialect"
	_ "github.com/go-alchemy/alchemy/dialect/mssql"
	_ "github.com/go-alchemy/alchemy/dialect/mysql"
	_ "github.com/go-alchemy/alchemy/dialect/postgresql"
	_ "github.com/go-alchemy/alchemy/dialect/sqlite"
	"github.com/go-alchemy/alchemy/expr"
)

// Users is the users table, declared as a struct of typed columns.
type Users struct {
	*expr.Table
	ID     expr.Column[int64]
	Name   expr.Column[string]
	Age    expr.Column[int64]
	Active expr.Column[bool]
}

// NewUsers declares the users table in md.
func NewUsers(md *expr.MetaData) Users {
	t := md.NewTable("users")
	return Users{Table: t,
		ID:     expr.NewColumn(t, "id", expr.Integer, expr.PrimaryKey()),
		Name:   expr.NewColumn(t, "name", expr.String(50), expr.NotNull()),
		Age:    expr.NewColumn(t, "age", expr.Integer),
		Active: expr.NewColumn(t, "active", expr.Boolean, expr.Default(true)),
	}
}

// Orders is the orders table; UserID refers to users.id.
type Orders struct {
	*expr.Table
	ID     expr.Column[int64]
	UserID expr.Column[int64]
	Total  expr.Column[float64]
}

// NewOrders declares the orders table in md.
func NewOrders(md *expr.MetaData, users Users) Orders {
	t := md.NewTable("orders")
	return Orders{Table: t,
		ID:     expr.NewColumn(t, "id", expr.Integer, expr.PrimaryKey()),
		UserID: expr.NewColumn(t, "user_id", expr.Integer, expr.NotNull(), expr.References(users.ID)),
		Total:  expr.NewColumn(t, "total", expr.Float, expr.NotNull()),
	}
}

// show compiles stmt for the dialect named name (server version unknown) and
// prints the SQL and the values bound to its placeholders, in their order.
func show(name string, stmt expr.Statement) {
	d, err := dialect.Lookup(name)
	if err != nil {
		fmt.Println(err)
		return
	}
	c, err := expr.Compile(d, dialect.Version{}, stmt)
	if err != nil {
		fmt.Printf("%s: %v\n", name, err)
		return
	}
	args, err := c.Bind(nil)
	if err != nil {
		fmt.Printf("%s: %v\n", name, err)
		return
	}
	fmt.Printf("%s: %s\n", name, c.SQL)
	if len(args) > 0 {
		fmt.Printf("  args: %v\n", args)
	}
}

// A table is a struct of typed columns that embeds *expr.Table. Its columns
// compare only with values of their Go type, and CreateTable writes its DDL.
func Example_declareTable() {
	md := expr.NewMetaData()
	users := NewUsers(md)

	// users.ID.Eq("five") would not compile: users.ID is a Column[int64].
	show("postgresql", users.Select().Where(users.ID.Eq(5)))
	show("postgresql", expr.CreateTable(users.Table))
	// Output:
	// postgresql: SELECT id, name, age, active FROM users WHERE id = $1
	//   args: [5]
	// postgresql: CREATE TABLE users (
	// 	id SERIAL NOT NULL,
	// 	name VARCHAR(50) NOT NULL,
	// 	age INTEGER,
	// 	active BOOLEAN,
	// 	PRIMARY KEY (id)
	// )
}

// A SELECT with WHERE, ORDER BY and LIMIT, compiled for three dialects: the
// values are bound in each one's placeholder style, never written into the SQL.
// SQL Server gets TOP, or OFFSET ... FETCH once there is an offset.
func ExampleSelectStmt() {
	users := NewUsers(expr.NewMetaData())
	stmt := users.Select(users.ID, users.Name).
		Where(users.Age.Ge(18), users.Name.In("ed", "wendy")).
		OrderBy(users.Name.Asc()).
		Limit(10)

	show("postgresql", stmt)
	show("mysql", stmt)
	show("mssql", stmt)
	show("mssql", stmt.Offset(20)) // a new statement: stmt is unchanged
	// Output:
	// postgresql: SELECT id, name FROM users WHERE age >= $1 AND name IN ($2, $3) ORDER BY name LIMIT $4
	//   args: [18 ed wendy 10]
	// mysql: SELECT id, name FROM users WHERE age >= ? AND name IN (?, ?) ORDER BY name LIMIT ?
	//   args: [18 ed wendy 10]
	// mssql: SELECT TOP (@p1) id, name FROM users WHERE age >= @p2 AND name IN (@p3, @p4) ORDER BY name
	//   args: [10 18 ed wendy]
	// mssql: SELECT id, name FROM users WHERE age >= @p1 AND name IN (@p2, @p3) ORDER BY name OFFSET @p4 ROWS FETCH NEXT @p5 ROWS ONLY
	//   args: [18 ed wendy 20 10]
}

// A join names the table and the condition; the FROM clause follows. A column
// of a table that the FROM clause lacks is an error, never a cartesian product.
func ExampleSelectStmt_Join() {
	md := expr.NewMetaData()
	users := NewUsers(md)
	orders := NewOrders(md, users)

	stmt := users.Select(users.Name, expr.Sum(orders.Total).Label("spent")).
		Join(orders.Table, orders.UserID.EqExpr(users.ID)).
		GroupBy(users.Name).
		OrderBy(users.Name.Asc())
	show("postgresql", stmt)

	show("postgresql", users.Select(users.Name).Where(orders.Total.Gt(100)))
	// Output:
	// postgresql: SELECT users.name, sum(orders.total) AS spent FROM users JOIN orders ON orders.user_id = users.id GROUP BY users.name ORDER BY users.name
	// postgresql: alchemy: column orders.total is of table orders, which is not in the FROM clause (users): add it with From or Join
}

// Rows by column name (Params), or values in the order Columns names.
func ExampleInsertStmt_Values() {
	users := NewUsers(expr.NewMetaData())

	show("sqlite", users.Insert().Values(
		expr.Params{"name": "ed", "age": int64(30)},
		expr.Params{"name": "wendy", "age": nil},
	))
	show("sqlite", users.Insert().Columns(users.Name, users.Age).Row("jack", int64(41)))
	// Output:
	// sqlite: INSERT INTO users (name, age, active) VALUES (?, ?, ?), (?, ?, ?)
	//   args: [ed 30 true wendy <nil> true]
	// sqlite: INSERT INTO users (name, age, active) VALUES (?, ?, ?)
	//   args: [jack 41 true]
}

// UPDATE and DELETE need a WHERE, or All to say that every row is meant.
func ExampleUpdateStmt() {
	users := NewUsers(expr.NewMetaData())

	show("postgresql", users.Update().Set(users.Name, "ed").Set(users.Age, expr.Add(users.Age, expr.Value[int64](1))).Where(users.ID.Eq(5)))
	show("postgresql", users.Update().Set(users.Active, false))
	show("postgresql", users.Update().Set(users.Active, false).All())
	// Output:
	// postgresql: UPDATE users SET name = $1, age = (age + $2) WHERE id = $3
	//   args: [ed 1 5]
	// postgresql: alchemy: an UPDATE of users without WHERE: add Where, or All to update every row
	// postgresql: UPDATE users SET active = $1
	//   args: [false]
}

// A DELETE; its RETURNING is an OUTPUT clause on SQL Server.
func ExampleDeleteStmt() {
	users := NewUsers(expr.NewMetaData())

	show("mysql", users.Delete().Where(users.Active.Eq(false), users.Age.Lt(18)))
	show("mssql", users.Delete().Where(users.ID.Eq(7)).Returning(users.ID, users.Name))
	// Output:
	// mysql: DELETE FROM users WHERE active = ? AND age < ?
	//   args: [false 18]
	// mssql: DELETE FROM users OUTPUT deleted.id, deleted.name WHERE id = @p1
	//   args: [7]
}

// An empty IN matches no row, as in SQLAlchemy; SQL Server, which has no
// boolean expressions, compares a boolean column with 1.
func ExampleExpr_In() {
	users := NewUsers(expr.NewMetaData())
	stmt := users.Select(users.ID).Where(users.Active, users.ID.In())

	show("postgresql", stmt)
	show("mssql", stmt)
	// Output:
	// postgresql: SELECT id FROM users WHERE active AND (id IS NULL AND 1 != 1)
	// mssql: SELECT id FROM users WHERE active = 1 AND (id IS NULL AND 1 != 1)
}

// An upsert: ON CONFLICT, ON DUPLICATE KEY UPDATE or MERGE, as the dialect has it.
func ExampleInsertStmt_OnConflict() {
	users := NewUsers(expr.NewMetaData())
	stmt := users.Insert().
		Values(expr.Params{"id": int64(1), "name": "ed", "age": int64(31)}).
		OnConflict(users.ID).DoUpdate(users.Name, users.Age)

	show("postgresql", stmt)
	show("mysql", stmt)
	show("mssql", stmt)
	// Output:
	// postgresql: INSERT INTO users (id, name, age, active) VALUES ($1, $2, $3, $4) ON CONFLICT (id) DO UPDATE SET name = excluded.name, age = excluded.age
	//   args: [1 ed 31 true]
	// mysql: INSERT INTO users (id, name, age, active) VALUES (?, ?, ?, ?) ON DUPLICATE KEY UPDATE name = VALUES(name), age = VALUES(age)
	//   args: [1 ed 31 true]
	// mssql: MERGE INTO users USING (VALUES (@p1, @p2, @p3, @p4)) AS excluded (id, name, age, active) ON users.id = excluded.id WHEN MATCHED THEN UPDATE SET name = excluded.name, age = excluded.age WHEN NOT MATCHED THEN INSERT (id, name, age, active) VALUES (excluded.id, excluded.name, excluded.age, excluded.active);
	//   args: [1 ed 31 true]
}

// A common table expression is used as a table; the statement gets its WITH clause.
func ExampleSelectStmt_CTE() {
	md := expr.NewMetaData()
	users := NewUsers(md)
	orders := NewOrders(md, users)

	big := orders.Select(orders.UserID, expr.Count().Label("n")).
		Where(orders.Total.Gt(100)).
		GroupBy(orders.UserID).
		CTE("big")
	stmt := users.Select(users.Name, big.C("n")).
		Join(big, expr.ColumnOf(big, orders.UserID).EqExpr(users.ID)).
		OrderBy(users.Name.Asc())
	show("postgresql", stmt)
	// Output:
	// postgresql: WITH big AS (SELECT user_id, count(*) AS n FROM orders WHERE total > $1 GROUP BY user_id) SELECT users.name, big.n FROM users JOIN big ON big.user_id = users.id ORDER BY users.name
	//   args: [100]
}

// A window function: each order's place among its user's orders, largest first.
func ExampleOver() {
	md := expr.NewMetaData()
	orders := NewOrders(md, NewUsers(md))

	w := expr.Window{}.PartitionBy(orders.UserID).OrderBy(orders.Total.Desc())
	stmt := orders.Select(orders.ID, expr.Over(expr.RowNumber(), w).Label("rn")).
		OrderBy(orders.ID.Asc())
	show("postgresql", stmt)
	// Output:
	// postgresql: SELECT id, row_number() OVER (PARTITION BY user_id ORDER BY total DESC) AS rn FROM orders ORDER BY id
}

// The text at a path in a JSON document, for each dialect.
func ExampleJSONText() {
	md := expr.NewMetaData()
	t := md.NewTable("docs")
	id := expr.NewColumn(t, "id", expr.Integer, expr.PrimaryKey())
	body := expr.NewColumn(t, "body", expr.JSON)

	stmt := t.Select(id).Where(expr.JSONText(body, "kind").Eq("invoice")).OrderBy(id.Asc())
	show("postgresql", stmt)
	show("sqlite", stmt)
	show("mysql", stmt)
	show("mssql", stmt)
	// Output:
	// postgresql: SELECT id FROM docs WHERE (body #>> $1) = $2 ORDER BY id
	//   args: [{"kind"} invoice]
	// sqlite: SELECT id FROM docs WHERE json_extract(body, ?) = ? ORDER BY id
	//   args: [$."kind" invoice]
	// mysql: SELECT id FROM docs WHERE JSON_UNQUOTE(JSON_EXTRACT(body, ?)) = ? ORDER BY id
	//   args: [$."kind" invoice]
	// mssql: SELECT id FROM docs WHERE JSON_VALUE(body, @p1) = @p2 ORDER BY id
	//   args: [$."kind" invoice]
}

// CreateAll creates the tables in foreign-key order; it skips those that exist.
func ExampleCreateAll() {
	eng, err := alchemy.CreateEngine("sqlite://")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer eng.Dispose()
	ctx := context.Background()

	md := expr.NewMetaData()
	users := NewUsers(md)
	NewOrders(md, users)
	if err := expr.CreateAll(ctx, eng, md); err != nil {
		fmt.Println(err)
		return
	}
	names, err := expr.Inspect(eng).TableNames(ctx, "")
	fmt.Println(names, err)
	fmt.Println(expr.CreateAll(ctx, eng, md)) // again: nothing to do
	// Output:
	// [orders users] <nil>
	// <nil>
}

// Reflect declares tables from the database's catalog; their columns are
// found by name.
func ExampleReflect() {
	eng, err := alchemy.CreateEngine("sqlite://")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer eng.Dispose()
	ctx := context.Background()
	for _, s := range []string{
		"create table pets (id integer primary key, name varchar(30) not null, born date)",
		"insert into pets (name, born) values ('rex', '2020-01-02'), ('tom', null)",
	} {
		if _, err := eng.Execute(ctx, alchemy.Text(s)); err != nil {
			fmt.Println(err)
			return
		}
	}

	md := expr.NewMetaData()
	if err := expr.Reflect(ctx, eng, md); err != nil {
		fmt.Println(err)
		return
	}
	pets, _ := md.Table("pets")
	for _, c := range pets.Columns() {
		fmt.Println(c.Name(), c.Type().SQL().TypeName())
	}
	res, err := eng.Execute(ctx, pets.Select(pets.C("name")).
		Where(pets.C("born").IsNotNull()).
		OrderBy(pets.C("id").Asc()))
	if err != nil {
		fmt.Println(err)
		return
	}
	names, err := alchemy.Scalars[string](res)
	fmt.Println(names, err)
	// Output:
	// id INTEGER
	// name VARCHAR(30)
	// born DATE
	// [rex] <nil>
}

// Column[T].Into reads a column's value through its type; IntoNull reads NULL too.
func ExampleColumn_Into() {
	eng, err := alchemy.CreateEngine("sqlite://")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer eng.Dispose()
	ctx := context.Background()
	users := NewUsers(expr.NewMetaData())
	if err := expr.CreateAll(ctx, eng, users.MetaData()); err != nil {
		fmt.Println(err)
		return
	}
	// active takes its Default (true) in a row that leaves it out.
	if _, err := eng.Execute(ctx, users.Insert().Values(
		expr.Params{"name": "ed", "age": int64(30)},
		expr.Params{"name": "wendy", "age": nil, "active": false},
	)); err != nil {
		fmt.Println(err)
		return
	}

	res, err := eng.Execute(ctx, users.Select(users.Name, users.Age, users.Active).OrderBy(users.ID.Asc()))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer res.Close()
	for res.Next() {
		var (
			name   string
			age    sql.Null[int64]
			active bool
		)
		if err := res.Scan(users.Name.Into(&name), users.Age.IntoNull(&age), users.Active.Into(&active)); err != nil {
			fmt.Println(err)
			return
		}
		if age.Valid {
			fmt.Println(name, age.V, active)
		} else {
			fmt.Println(name, "NULL", active)
		}
	}
	fmt.Println(res.Err())
	// Output:
	// ed 30 true
	// wendy NULL false
	// <nil>
}
