package bench

import "github.com/go-jet/jet/v2/postgres"

// The users table for the go-jet/jet benchmarks, written by hand in the shape
// of what jet's generator (jet -dsn=... -path=.gen) writes for a table: an
// unexported struct embedding postgres.Table with one field per column, an
// exported wrapper with the EXCLUDED pseudo-table, and a package variable
// built once. Declaring it by hand keeps the generator (and a database at
// build time) out of the bench module. The schema is left empty so that jet
// writes FROM users, as the other libraries do, not FROM public.users.

type usersTable struct {
	postgres.Table

	// Columns
	ID        postgres.ColumnInteger
	Name      postgres.ColumnString
	Email     postgres.ColumnString
	Age       postgres.ColumnInteger
	CreatedAt postgres.ColumnTimestamp

	AllColumns     postgres.ColumnList
	MutableColumns postgres.ColumnList
}

type UsersTable struct {
	usersTable

	EXCLUDED usersTable
}

// Users is the users table, as a generated table package exports it.
var Users = newUsersTable("", "users", "")

func newUsersTable(schemaName, tableName, alias string) *UsersTable {
	return &UsersTable{
		usersTable: newUsersTableImpl(schemaName, tableName, alias),
		EXCLUDED:   newUsersTableImpl("", "excluded", ""),
	}
}

func newUsersTableImpl(schemaName, tableName, alias string) usersTable {
	var (
		idColumn        = postgres.IntegerColumn("id")
		nameColumn      = postgres.StringColumn("name")
		emailColumn     = postgres.StringColumn("email")
		ageColumn       = postgres.IntegerColumn("age")
		createdAtColumn = postgres.TimestampColumn("created_at")
		allColumns      = postgres.ColumnList{idColumn, nameColumn, emailColumn, ageColumn, createdAtColumn}
		mutableColumns  = postgres.ColumnList{nameColumn, emailColumn, ageColumn, createdAtColumn}
	)

	return usersTable{
		Table: postgres.NewTable(schemaName, tableName, alias, allColumns...),

		ID:        idColumn,
		Name:      nameColumn,
		Email:     emailColumn,
		Age:       ageColumn,
		CreatedAt: createdAtColumn,

		AllColumns:     allColumns,
		MutableColumns: mutableColumns,
	}
}
