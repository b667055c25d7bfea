package mysql_test

import (
	"slices"
	"testing"

	"github.com/go-alchemy/alchemy/dialect"
	"github.com/go-alchemy/alchemy/dialect/mysql"
)

func TestRegisteredNames(t *testing.T) {
	for _, tt := range []struct {
		names []string
		want  string
	}{
		{mysql.MySQLNames(), "mysql"},
		{mysql.MariaDBNames(), "mariadb"},
	} {
		for _, n := range tt.names {
			d, err := dialect.Lookup(n)
			if err != nil {
				t.Errorf("Lookup(%q): %v", n, err)
				continue
			}
			if d.Name() != tt.want || d.Driver() != mysql.DriverName {
				t.Errorf("Lookup(%q) = %s+%s, want %s+%s", n, d.Name(), d.Driver(), tt.want, mysql.DriverName)
			}
		}
	}
	// Every name the brief promises, including pasted Python URLs.
	for _, n := range []string{
		"mysql", "mysql+gosqldriver", "mysql+pymysql", "mysql+mysqldb", "mysql+mysqlconnector",
		"mysql+aiomysql", "mysql+asyncmy", "mysql+cymysql",
		"mariadb", "mariadb+gosqldriver", "mariadb+mariadbconnector", "mariadb+pymysql", "mariadb+mysqldb",
	} {
		if !slices.Contains(dialect.Names(), n) {
			t.Errorf("%q is not registered", n)
		}
	}
	u := dialect.MustParseURL("mysql+pymysql://scott:tiger@localhost/test")
	d, err := dialect.ForURL(u)
	if err != nil || d != dialect.Dialect(mysql.MySQL) {
		t.Errorf("ForURL(%s) = %v, %v; want the MySQL dialect", u, d, err)
	}
}

func TestNamesAreCopies(t *testing.T) {
	n := mysql.MySQLNames()
	n[0] = "changed"
	if mysql.MySQLNames()[0] != "mysql" {
		t.Error("MySQLNames shares its slice with the caller")
	}
}

func TestDialectBasics(t *testing.T) {
	if mysql.MySQL.Name() != "mysql" || mysql.MariaDB.Name() != "mariadb" || (mysql.Dialect{}).Name() != "mysql" {
		t.Errorf("names: %q %q", mysql.MySQL.Name(), mysql.MariaDB.Name())
	}
	if mysql.MySQL.Paramstyle() != dialect.Question || mysql.MariaDB.Paramstyle() != dialect.Question {
		t.Error("paramstyle is not qmark")
	}
	c, r, rb := mysql.MariaDB.SavepointSQL("sa_savepoint_1")
	if c != "SAVEPOINT sa_savepoint_1" || r != "RELEASE SAVEPOINT sa_savepoint_1" || rb != "ROLLBACK TO SAVEPOINT sa_savepoint_1" {
		t.Errorf("SavepointSQL = %q, %q, %q", c, r, rb)
	}
	c, _, _ = mysql.MySQL.SavepointSQL("select")
	if c != "SAVEPOINT `select`" {
		t.Errorf("reserved savepoint name: %q", c)
	}
	opts := mysql.MySQL.Options()
	for _, want := range []string{"charset", "parseTime", "loc", "tls", "connect_timeout", "read_timeout", "unix_socket", "ssl_ca"} {
		if !slices.Contains(opts, want) {
			t.Errorf("Options() lacks %q", want)
		}
	}
	if !slices.IsSorted(opts) {
		t.Error("Options() is not sorted")
	}
	var _ dialect.ConnectArgsValidator = mysql.MariaDB
}

func TestQuoteIdentifier(t *testing.T) {
	tests := []struct {
		d    mysql.Dialect
		in   string
		want string
	}{
		{mysql.MySQL, "users", "users"},
		{mysql.MySQL, "UserName", "UserName"},
		{mysql.MySQL, "select", "`select`"},
		{mysql.MySQL, "SELECT", "`SELECT`"},
		{mysql.MySQL, "rank", "`rank`"},             // reserved since MySQL 8.0
		{mysql.MariaDB, "rank", "rank"},             // not in MariaDB
		{mysql.MariaDB, "returning", "`returning`"}, // MariaDB only
		{mysql.MySQL, "returning", "returning"},
		{mysql.MariaDB, "offset", "`offset`"},
		{mysql.MySQL, "order", "`order`"},
		{mysql.MySQL, "my table", "`my table`"},
		{mysql.MySQL, "we`ird", "`we``ird`"},
		{mysql.MySQL, "1abc", "`1abc`"},
		{mysql.MySQL, "", "``"},
		{mysql.MySQL, "price$", "price$"},
	}
	for _, tt := range tests {
		if got := tt.d.QuoteIdentifier(tt.in); got != tt.want {
			t.Errorf("%s.QuoteIdentifier(%q) = %q, want %q", tt.d.Name(), tt.in, got, tt.want)
		}
	}
	if got := mysql.MySQL.Quote("plain"); got != "`plain`" {
		t.Errorf("Quote(plain) = %q", got)
	}
}

func TestParseServerVersion(t *testing.T) {
	tests := []struct {
		raw                 string
		major, minor, patch int
		mariadb             bool
	}{
		{"10.11.19-MariaDB-0+deb12u1", 10, 11, 19, true},
		{"5.5.5-10.6.12-MariaDB-log", 10, 6, 12, true},
		{"11.4.2-MariaDB", 11, 4, 2, true},
		{"8.0.36", 8, 0, 36, false},
		{"8.4.0-commercial", 8, 4, 0, false},
		{"5.7.44-log", 5, 7, 44, false},
	}
	for _, tt := range tests {
		v, err := mysql.ParseServerVersion(tt.raw)
		if err != nil {
			t.Errorf("ParseServerVersion(%q): %v", tt.raw, err)
			continue
		}
		if v.Major != tt.major || v.Minor != tt.minor || v.Patch != tt.patch || v.Raw != tt.raw {
			t.Errorf("ParseServerVersion(%q) = %+v", tt.raw, v)
		}
		if mysql.IsMariaDB(v) != tt.mariadb {
			t.Errorf("IsMariaDB(%q) = %v", tt.raw, !tt.mariadb)
		}
	}
	if _, err := mysql.ParseServerVersion("unknown"); err == nil {
		t.Error("ParseServerVersion(unknown): no error")
	}
}
