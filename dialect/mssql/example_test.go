package mssql_test

import (
	"fmt"

	"github.com/go-alchemy/alchemy/dialect"
	"github.com/go-alchemy/alchemy/dialect/mssql"
)

// A URL pasted from pyodbc: the ODBC driver name is not needed by the Go driver and
// is dropped; ODBC's option names reach go-mssqldb under its own.
func ExampleDSN() {
	u := dialect.MustParseURL("mssql+pyodbc://scott:tiger@myhost:1433/shop?driver=ODBC+Driver+18+for+SQL+Server&Encrypt=yes&TrustServerCertificate=yes")
	dsn, err := mssql.DSN(u, map[string]any{"app name": "billing"})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(dsn) // holds the password: never log a real one
	// Output:
	// sqlserver://scott:tiger@myhost:1433?TrustServerCertificate=true&app+name=billing&database=shop&encrypt=true
}
