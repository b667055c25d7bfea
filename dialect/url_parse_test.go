package dialect

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
	"testing"
)

// pw is a password distinctive enough that finding it in a message is a leak.
const pw = "Zq9s3kr1t"

func TestParseURL(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want URL
	}{
		{
			name: "postgresql with port and options",
			in:   "postgresql://scott:tiger@localhost:5432/test?sslmode=disable&application_name=x",
			want: URL{Drivername: "postgresql", Username: "scott", Password: "tiger", Host: "localhost", Port: 5432,
				Database: "test", Query: url.Values{"sslmode": {"disable"}, "application_name": {"x"}}},
		},
		{
			name: "percent-escaped user and password",
			in:   "postgresql://us%3Aer%40corp:p%40ss%3Aw%2Frd@db.example.com/app",
			want: URL{Drivername: "postgresql", Username: "us:er@corp", Password: "p@ss:w/rd", Host: "db.example.com", Database: "app"},
		},
		{
			name: "escaped percent and pipe in user and password",
			in:   "dbtype://user%25%26%7C:pass%25%26%7C@hostspec:499?query=but_no_db",
			want: URL{Drivername: "dbtype", Username: "user%&|", Password: "pass%&|", Host: "hostspec", Port: 499,
				Query: url.Values{"query": {"but_no_db"}}},
		},
		{
			name: "unescaped slash in password",
			in:   "postgresql://scott:apples/oranges@host/db",
			want: URL{Drivername: "postgresql", Username: "scott", Password: "apples/oranges", Host: "host", Database: "db"},
		},
		{
			name: "unescaped colon in password",
			in:   "postgresql://scott:ti:ger@host:5432/db",
			want: URL{Drivername: "postgresql", Username: "scott", Password: "ti:ger", Host: "host", Port: 5432, Database: "db"},
		},
		{
			name: "unescaped slash and colon in password with an absolute database",
			in:   "dbtype://scott:a/b:c@host:110//usr/db_file.db",
			want: URL{Drivername: "dbtype", Username: "scott", Password: "a/b:c", Host: "host", Port: 110, Database: "/usr/db_file.db"},
		},
		{
			name: "unescaped question mark in password",
			in:   "postgresql://scott:ti?ger@host/db?sslmode=require",
			want: URL{Drivername: "postgresql", Username: "scott", Password: "ti?ger", Host: "host", Database: "db",
				Query: url.Values{"sslmode": {"require"}}},
		},
		{
			name: "unescaped at signs in password",
			in:   "postgresql://scott:p@ss@w@rd@host/db?email=a@b.example",
			want: URL{Drivername: "postgresql", Username: "scott", Password: "p@ss@w@rd", Host: "host", Database: "db",
				Query: url.Values{"email": {"a@b.example"}}},
		},
		{
			name: "at sign in user name, as Azure writes it",
			in:   "postgresql://scott@myserver:tiger@myserver.postgres.database.azure.com:5432/db",
			want: URL{Drivername: "postgresql", Username: "scott@myserver", Password: "tiger",
				Host: "myserver.postgres.database.azure.com", Port: 5432, Database: "db"},
		},
		{
			name: "at sign in user name without password",
			in:   "postgresql://scott@myserver@host/db",
			want: URL{Drivername: "postgresql", Username: "scott@myserver", Host: "host", Database: "db"},
		},
		{
			name: "spaces and plus signs in password stay",
			in:   "dbtype://user:pass word + other%3Awords@host/dbname",
			want: URL{Drivername: "dbtype", Username: "user", Password: "pass word + other:words", Host: "host", Database: "dbname"},
		},
		{
			name: "non-ASCII user and password",
			in:   "dbtype://user🐍測試:pass🐍測試@hostspec:499?query=but_no_db",
			want: URL{Drivername: "dbtype", Username: "user🐍測試", Password: "pass🐍測試", Host: "hostspec", Port: 499,
				Query: url.Values{"query": {"but_no_db"}}},
		},
		{
			name: "empty password",
			in:   "postgresql://scott:@host/db",
			want: URL{Drivername: "postgresql", Username: "scott", Host: "host", Database: "db"},
		},
		{
			name: "user without password",
			in:   "postgresql://scott@host:5432/db",
			want: URL{Drivername: "postgresql", Username: "scott", Host: "host", Port: 5432, Database: "db"},
		},
		{
			name: "password without user",
			in:   "redis://:tiger@host",
			want: URL{Drivername: "redis", Password: "tiger", Host: "host"},
		},
		{
			name: "host only",
			in:   "postgresql://localhost",
			want: URL{Drivername: "postgresql", Host: "localhost"},
		},
		{
			name: "host and port only",
			in:   "postgresql://localhost:6432",
			want: URL{Drivername: "postgresql", Host: "localhost", Port: 6432},
		},
		{
			name: "port without host",
			in:   "postgresql://:6432/db",
			want: URL{Drivername: "postgresql", Port: 6432, Database: "db"},
		},
		{
			name: "database without host",
			in:   "postgresql:///test",
			want: URL{Drivername: "postgresql", Database: "test"},
		},
		{
			name: "user and password without host",
			in:   "postgresql://scott:tiger@/test",
			want: URL{Drivername: "postgresql", Username: "scott", Password: "tiger", Database: "test"},
		},
		{
			name: "port zero is no port",
			in:   "postgresql://host:0/db",
			want: URL{Drivername: "postgresql", Host: "host", Database: "db"},
		},
		{
			name: "highest port and leading zeros",
			in:   "postgresql://host:065535/db",
			want: URL{Drivername: "postgresql", Host: "host", Port: 65535, Database: "db"},
		},
		{
			name: "IPv6 host without port",
			in:   "postgresql://scott:tiger@[2001:da8:2004:1000:202:116:160:90]/db?foo=bar",
			want: URL{Drivername: "postgresql", Username: "scott", Password: "tiger", Host: "2001:da8:2004:1000:202:116:160:90",
				Database: "db", Query: url.Values{"foo": {"bar"}}},
		},
		{
			name: "IPv6 host with port",
			in:   "postgresql://scott:tiger@[::1]:5432/db",
			want: URL{Drivername: "postgresql", Username: "scott", Password: "tiger", Host: "::1", Port: 5432, Database: "db"},
		},
		{
			name: "IPv6 host without user, at sign in query",
			in:   "postgresql://[::1]/db?email=a@b",
			want: URL{Drivername: "postgresql", Host: "::1", Database: "db", Query: url.Values{"email": {"a@b"}}},
		},
		{
			name: "IPv6 host with zone",
			in:   "postgresql://[fe80::1%25eth0]:5432",
			want: URL{Drivername: "postgresql", Host: "fe80::1%eth0", Port: 5432},
		},
		{
			name: "user without password before IPv6 host",
			in:   "postgresql://scott@[::1]:5432/db",
			want: URL{Drivername: "postgresql", Username: "scott", Host: "::1", Port: 5432, Database: "db"},
		},
		{
			name: "host without user, at sign in query",
			in:   "postgresql://host?email=a@b",
			want: URL{Drivername: "postgresql", Host: "host", Query: url.Values{"email": {"a@b"}}},
		},
		{
			name: "repeated query keys give several values",
			in:   "dbtype:///E:/work/src/LEM/db/hello.db?foo=bar&hoho=lala&hoho=bat",
			want: URL{Drivername: "dbtype", Database: "E:/work/src/LEM/db/hello.db",
				Query: url.Values{"foo": {"bar"}, "hoho": {"lala", "bat"}}},
		},
		{
			name: "query is form-decoded",
			in:   "dialect://user:pass@host/db?arg1%3D=param1&arg2=param+2&options=-c+search_path%3Dapp,public",
			want: URL{Drivername: "dialect", Username: "user", Password: "pass", Host: "host", Database: "db",
				Query: url.Values{"arg1=": {"param1"}, "arg2": {"param 2"}, "options": {"-c search_path=app,public"}}},
		},
		{
			name: "query value holds '=' and '/', key without value, empty parts",
			in:   "postgresql://host/db?options=-csearch_path=x&&path=/tmp/x&flag&empty=",
			want: URL{Drivername: "postgresql", Host: "host", Database: "db",
				Query: url.Values{"options": {"-csearch_path=x"}, "path": {"/tmp/x"}, "flag": {""}, "empty": {""}}},
		},
		{
			name: "query without database",
			in:   "dbtype://username:password@hostspec:450?query=but_no_db",
			want: URL{Drivername: "dbtype", Username: "username", Password: "password", Host: "hostspec", Port: 450,
				Query: url.Values{"query": {"but_no_db"}}},
		},
		{
			name: "empty database before query",
			in:   "dialect://user:pass@host/?arg1=param1",
			want: URL{Drivername: "dialect", Username: "user", Password: "pass", Host: "host",
				Query: url.Values{"arg1": {"param1"}}},
		},
		{
			name: "only a question mark",
			in:   "postgresql://host/db?",
			want: URL{Drivername: "postgresql", Host: "host", Database: "db"},
		},
		{
			name: "database is path-decoded, plus stays",
			in:   "dbtype://u:p@hostspec/test+database with%40atsign",
			want: URL{Drivername: "dbtype", Username: "u", Password: "p", Host: "hostspec", Database: "test+database with@atsign"},
		},
		{
			name: "escaped question mark in database",
			in:   "dbtype://u:p@hostspec/db%3Fwith%3Dqmark",
			want: URL{Drivername: "dbtype", Username: "u", Password: "p", Host: "hostspec", Database: "db?with=qmark"},
		},
		{
			name: "hash is not special",
			in:   "postgresql://host/db#1",
			want: URL{Drivername: "postgresql", Host: "host", Database: "db#1"},
		},
		{
			name: "escaped host",
			in:   "postgresql://my%2Dhost/db",
			want: URL{Drivername: "postgresql", Host: "my-host", Database: "db"},
		},
		{
			name: "upper-case dialect is kept as written",
			in:   "PostgreSQL+PG8000://host",
			want: URL{Drivername: "PostgreSQL+PG8000", Host: "host"},
		},
		{name: "sqlite memory", in: "sqlite://", want: URL{Drivername: "sqlite"}},
		{name: "sqlite memory by name", in: "sqlite:///:memory:", want: URL{Drivername: "sqlite", Database: ":memory:"}},
		{name: "sqlite relative path", in: "sqlite:///relative.db", want: URL{Drivername: "sqlite", Database: "relative.db"}},
		{name: "sqlite relative path in a folder", in: "sqlite:///foo/bar/im/a/file", want: URL{Drivername: "sqlite", Database: "foo/bar/im/a/file"}},
		{name: "sqlite absolute path", in: "sqlite:////absolute.db", want: URL{Drivername: "sqlite", Database: "/absolute.db"}},
		{
			name: "sqlite absolute path with at sign and colon",
			in:   "sqlite:////usr/local/_xtest@example.com/members:2.db",
			want: URL{Drivername: "sqlite", Database: "/usr/local/_xtest@example.com/members:2.db"},
		},
		{
			name: "sqlite windows path and options",
			in:   "sqlite+pysqlite:///C:/path/to/foo.db?mode=ro&uri=true",
			want: URL{Drivername: "sqlite+pysqlite", Database: "C:/path/to/foo.db", Query: url.Values{"mode": {"ro"}, "uri": {"true"}}},
		},
		{
			name: "sqlite pragmas",
			in:   "sqlite:///app.db?foreign_keys=on&journal_mode=wal&busy_timeout=5000",
			want: URL{Drivername: "sqlite", Database: "app.db",
				Query: url.Values{"foreign_keys": {"on"}, "journal_mode": {"wal"}, "busy_timeout": {"5000"}}},
		},
		{
			name: "pasted postgresql+psycopg2",
			in:   "postgresql+psycopg2://scott:tiger@localhost/mydatabase",
			want: URL{Drivername: "postgresql+psycopg2", Username: "scott", Password: "tiger", Host: "localhost", Database: "mydatabase"},
		},
		{
			name: "pasted postgresql+asyncpg",
			in:   "postgresql+asyncpg://scott:tiger@localhost:5433/mydatabase",
			want: URL{Drivername: "postgresql+asyncpg", Username: "scott", Password: "tiger", Host: "localhost", Port: 5433, Database: "mydatabase"},
		},
		{
			name: "pasted postgres",
			in:   "postgres://scott:tiger@localhost/mydatabase",
			want: URL{Drivername: "postgres", Username: "scott", Password: "tiger", Host: "localhost", Database: "mydatabase"},
		},
		{
			name: "pasted mysql+pymysql with charset",
			in:   "mysql+pymysql://scott:tiger@localhost/foo?charset=utf8mb4",
			want: URL{Drivername: "mysql+pymysql", Username: "scott", Password: "tiger", Host: "localhost", Database: "foo",
				Query: url.Values{"charset": {"utf8mb4"}}},
		},
		{
			name: "pasted mysql+mysqldb",
			in:   "mysql+mysqldb://scott:tiger@127.0.0.1:3306/foo",
			want: URL{Drivername: "mysql+mysqldb", Username: "scott", Password: "tiger", Host: "127.0.0.1", Port: 3306, Database: "foo"},
		},
		{
			name: "pasted mariadb+mariadbconnector",
			in:   "mariadb+mariadbconnector://scott:tiger@localhost/foo",
			want: URL{Drivername: "mariadb+mariadbconnector", Username: "scott", Password: "tiger", Host: "localhost", Database: "foo"},
		},
		{
			name: "pasted mssql+pyodbc with ODBC driver name",
			in:   "mssql+pyodbc://u:p@host/db?driver=ODBC+Driver+17+for+SQL+Server",
			want: URL{Drivername: "mssql+pyodbc", Username: "u", Password: "p", Host: "host", Database: "db",
				Query: url.Values{"driver": {"ODBC Driver 17 for SQL Server"}}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseURL(tt.in)
			if err != nil {
				t.Fatalf("ParseURL(%q): %v", tt.in, err)
			}
			if !got.Equal(tt.want) {
				t.Fatalf("ParseURL(%q)\n got %#v\nwant %#v", tt.in, fields(got), fields(tt.want))
			}
			// Whatever was parsed renders to a string that parses back to it.
			back, err := ParseURL(got.RenderWithPassword())
			if err != nil {
				t.Fatalf("ParseURL(RenderWithPassword() = %q): %v", got.RenderWithPassword(), err)
			}
			if !back.Equal(got) {
				t.Fatalf("round trip through %q\n got %#v\nwant %#v", got.RenderWithPassword(), fields(back), fields(got))
			}
		})
	}
}

// fields shows every field of u, the password included, for failure messages.
func fields(u URL) string {
	return fmt.Sprintf("{Drivername:%q Username:%q Password:%q Host:%q Port:%d Database:%q Query:%v}",
		u.Drivername, u.Username, u.Password, u.Host, u.Port, u.Database, map[string][]string(u.Query))
}

func TestParseURLErrors(t *testing.T) {
	tests := []struct {
		name string
		in   string
		part string // the error must say this, naming the part that is wrong
	}{
		{name: "empty string", in: "", part: `missing "://"`},
		{name: "no scheme separator", in: "postgresql:scott:" + pw + "@host/db", part: `missing "://"`},
		{name: "single slash", in: "postgresql:/scott:" + pw + "@host/db", part: `missing "://"`},
		{name: "bare host and port", in: "scott:" + pw + "@localhost:5432", part: `missing "://"`},
		{name: "empty dialect name", in: "://scott:" + pw + "@host/db", part: "no dialect name"},
		{name: "space in dialect name", in: "post gres://scott:" + pw + "@host/db", part: "dialect name"},
		{name: "credentials before the scheme", in: "scott:" + pw + "@postgresql://host/db", part: "dialect name"},
		{name: "two plus signs", in: "postgresql+a+b://scott:" + pw + "@host/db", part: "dialect name"},
		{name: "leading plus", in: "+psycopg2://scott:" + pw + "@host/db", part: "dialect name"},
		{name: "trailing plus", in: "postgresql+://scott:" + pw + "@host/db", part: "dialect name"},
		{name: "non-ASCII dialect name", in: "pöstgres://scott:" + pw + "@host/db", part: "dialect name"},
		{name: "letters in port", in: "postgresql://scott:" + pw + "@host:54x2/db", part: "port"},
		{name: "port above 65535", in: "postgresql://scott:" + pw + "@host:65536/db", part: "port"},
		{name: "huge port", in: "postgresql://scott:" + pw + "@host:99999999999999999999999/db", part: "port"},
		{name: "negative port", in: "postgresql://scott:" + pw + "@host:-1/db", part: "port"},
		{name: "signed port", in: "postgresql://scott:" + pw + "@host:+5432/db", part: "port"},
		{name: "port with space", in: "postgresql://scott:" + pw + "@host: 5432/db", part: "port"},
		{name: "empty port", in: "postgresql://scott:" + pw + "@host:/db", part: "port"},
		{name: "IPv6 port letters", in: "postgresql://scott:" + pw + "@[::1]:pg/db", part: "port"},
		{name: "IPv6 empty port", in: "postgresql://scott:" + pw + "@[::1]:/db", part: "port"},
		{name: "unclosed bracket", in: "postgresql://scott:" + pw + "@[::1/db", part: "IPv6 host"},
		{name: "unclosed bracket with port", in: "postgresql://scott:" + pw + "@[::1:5432", part: "IPv6 host"},
		{name: "unclosed bracket without user", in: "postgresql://[::1", part: "IPv6 host"},
		{name: "text after bracket", in: "postgresql://scott:" + pw + "@[::1]x:5432/db", part: "IPv6 host"},
		{name: "IPv6 host without brackets", in: "postgresql://scott:" + pw + "@::1/db", part: "IPv6"},
		{name: "bad escape in user name", in: "postgresql://sc%zzott:" + pw + "@host/db", part: "user name"},
		{name: "truncated escape in user name", in: "postgresql://scott%4:" + pw + "@host/db", part: "user name"},
		{name: "bad escape in password", in: "postgresql://scott:" + pw + "%zz@host/db", part: "password"},
		{name: "trailing percent in password", in: "postgresql://scott:" + pw + "%@host/db", part: "password"},
		{name: "bad escape in host", in: "postgresql://scott:" + pw + "@ho%zzst/db", part: "host"},
		{name: "bad escape in IPv6 host", in: "postgresql://scott:" + pw + "@[fe80::1%eth0]/db", part: "host"},
		{name: "bad escape in database", in: "postgresql://scott:" + pw + "@host/d%zzb", part: "database"},
		{name: "bad escape in query key", in: "postgresql://scott:" + pw + "@host/db?ss%zzlmode=x", part: "name of a query option"},
		{name: "bad escape in query value", in: "postgresql://scott:" + pw + "@host/db?sslpassword=" + pw + "%zz", part: `query option "sslpassword"`},
		{name: "empty query key", in: "postgresql://scott:" + pw + "@host/db?=disable", part: "query option with an empty name"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u, err := ParseURL(tt.in)
			if err == nil {
				t.Fatalf("ParseURL(%q) = %s, want an error", tt.in, fields(u))
			}
			if !errors.Is(err, ErrInvalidURL) {
				t.Errorf("ParseURL(%q) error %q does not wrap ErrInvalidURL", tt.in, err)
			}
			msg := err.Error()
			if !strings.HasPrefix(msg, "alchemy: ") {
				t.Errorf("error %q does not start with \"alchemy: \"", msg)
			}
			if !strings.Contains(msg, tt.part) {
				t.Errorf("ParseURL(%q) error %q does not name %q", tt.in, msg, tt.part)
			}
			if strings.Contains(msg, pw) || strings.Contains(msg, pw[:5]) {
				t.Errorf("ParseURL(%q) error %q reveals the password", tt.in, msg)
			}
			if !u.Equal(URL{}) {
				t.Errorf("ParseURL(%q) returned %s with its error, want the zero URL", tt.in, fields(u))
			}
		})
	}
}

func TestMustParseURL(t *testing.T) {
	if got := MustParseURL("sqlite:///app.db"); got.Database != "app.db" {
		t.Errorf("MustParseURL: Database = %q, want app.db", got.Database)
	}
	defer func() {
		r := recover()
		err, ok := r.(error)
		if !ok || !errors.Is(err, ErrInvalidURL) {
			t.Errorf("MustParseURL of a bad URL panicked with %v, want an error wrapping ErrInvalidURL", r)
		}
		if ok && strings.Contains(err.Error(), pw) {
			t.Errorf("panic %q reveals the password", err)
		}
	}()
	MustParseURL("postgresql://scott:" + pw + "@host:x/db")
	t.Error("MustParseURL of a bad URL did not panic")
}
