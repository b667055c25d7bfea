package dialect_test

import (
	"fmt"
	"net/url"

	"github.com/go-alchemy/alchemy/dialect"
)

func ExampleParseURL() {
	u, err := dialect.ParseURL("postgresql+psycopg2://scott:p%40ss@[::1]:5432/test?sslmode=disable&search_path=app&search_path=public")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(u.Backend(), u.Driver())
	fmt.Println(u.Username, u.Password, u.Host, u.Port, u.Database)
	fmt.Println(u.Query["search_path"])
	sslmode, _ := u.QueryValue("sslmode")
	fmt.Println(sslmode)

	// SQLite: no host; the database is a file path, or none for memory.
	for _, s := range []string{"sqlite://", "sqlite:///relative.db", "sqlite:////absolute.db"} {
		u := dialect.MustParseURL(s)
		fmt.Printf("%s -> %q\n", s, u.Database)
	}

	// Errors name the part that is wrong, and never show the password.
	_, err = dialect.ParseURL("postgresql://scott:tiger@localhost:54x2/test")
	fmt.Println(err)
	// Output:
	// postgresql psycopg2
	// scott p@ss ::1 5432 test
	// [app public]
	// disable
	// sqlite:// -> ""
	// sqlite:///relative.db -> "relative.db"
	// sqlite:////absolute.db -> "/absolute.db"
	// alchemy: invalid database URL: the port is not a number from 0 to 65535
}

func ExampleURL_String() {
	u := dialect.URL{
		Drivername: "postgresql",
		Username:   "scott",
		Password:   "tiger",
		Host:       "localhost",
		Database:   "test",
		Query:      url.Values{"application_name": {"billing"}, "sslpassword": {"tiger2"}},
	}
	fmt.Println(u)         // String: safe to log
	fmt.Printf("%+v\n", u) // every fmt verb hides it too
	fmt.Println(u.RenderWithPassword())
	// Output:
	// postgresql://scott:***@localhost/test?application_name=billing&sslpassword=***
	// postgresql://scott:***@localhost/test?application_name=billing&sslpassword=***
	// postgresql://scott:tiger@localhost/test?application_name=billing&sslpassword=tiger2
}

func ExampleURL_WithDatabase() {
	base := dialect.MustParseURL("postgresql://scott:tiger@localhost/postgres?sslmode=disable")
	test := base.WithDatabase("test_1").WithQuery("application_name", "tests")
	fmt.Println(base)
	fmt.Println(test)
	// Output:
	// postgresql://scott:***@localhost/postgres?sslmode=disable
	// postgresql://scott:***@localhost/test_1?application_name=tests&sslmode=disable
}
