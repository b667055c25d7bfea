package mysql_test

import (
	"fmt"

	"github.com/go-alchemy/alchemy/dialect"
	"github.com/go-alchemy/alchemy/dialect/mysql"
)

// A URL pasted from a Python configuration: the PyMySQL driver name resolves to the
// Go driver, pymysql's options map onto it, and sql_mode becomes a session variable.
func ExampleConfig() {
	u := dialect.MustParseURL("mysql+pymysql://scott:tiger@db.example.com/shop?charset=utf8mb4&read_timeout=30&sql_mode=TRADITIONAL")
	d, _ := dialect.ForURL(u)
	cfg, err := mysql.Config(u, map[string]any{"wait_timeout": 600})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(d.Name(), d.Driver())
	fmt.Println(cfg.Net, cfg.Addr, cfg.DBName, cfg.ParseTime, cfg.ReadTimeout)
	fmt.Println(cfg.Params["sql_mode"], cfg.Params["wait_timeout"])
	// Output:
	// mysql gosqldriver
	// tcp db.example.com:3306 shop true 30s
	// TRADITIONAL 600
}

// An option the driver cannot take is an error that names it, and never shows the
// password.
func ExampleNewConnector_badOption() {
	u := dialect.MustParseURL("mysql://scott:tiger@localhost/test?parseTime=sometimes")
	_, err := mysql.NewConnector(u, nil)
	fmt.Println(err)
	// Output:
	// alchemy: mysql: query option "parseTime": want a boolean (true/false, 1/0, yes/no, on/off), not "sometimes"
}
