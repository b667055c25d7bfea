package dialect

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"strings"
	"testing"
)

// builtURL is built field by field, with a password that every test looks for.
func builtURL() URL {
	return URL{
		Drivername: "postgresql+pgx",
		Username:   "scott",
		Password:   "p@ss:" + pw + "/x",
		Host:       "db.example.com",
		Port:       5432,
		Database:   "app",
		Query:      url.Values{"sslmode": {"verify-full"}, "search_path": {"a", "b"}},
	}
}

func TestURLString(t *testing.T) {
	tests := []struct {
		name       string
		u          URL
		str        string // String
		withSecret string // RenderWithPassword
	}{
		{
			name:       "built field by field",
			u:          builtURL(),
			str:        "postgresql+pgx://scott:***@db.example.com:5432/app?search_path=a&search_path=b&sslmode=verify-full",
			withSecret: "postgresql+pgx://scott:p%40ss%3A" + pw + "%2Fx@db.example.com:5432/app?search_path=a&search_path=b&sslmode=verify-full",
		},
		{
			name:       "no password",
			u:          URL{Drivername: "postgresql", Username: "scott", Host: "h"},
			str:        "postgresql://scott@h",
			withSecret: "postgresql://scott@h",
		},
		{
			name:       "password without user",
			u:          URL{Drivername: "redis", Password: pw, Host: "h"},
			str:        "redis://:***@h",
			withSecret: "redis://:" + pw + "@h",
		},
		{
			name:       "secret query options",
			u:          URL{Drivername: "postgresql", Host: "h", Query: url.Values{"sslpassword": {pw}, "PWD": {pw}, "client_secret": {pw}, "access_token": {pw}, "sslmode": {"require"}}},
			str:        "postgresql://h?PWD=***&access_token=***&client_secret=***&sslmode=require&sslpassword=***",
			withSecret: "postgresql://h?PWD=" + pw + "&access_token=" + pw + "&client_secret=" + pw + "&sslmode=require&sslpassword=" + pw,
		},
		{
			name:       "IPv6 host and empty port",
			u:          URL{Drivername: "postgresql", Host: "::1", Database: "d"},
			str:        "postgresql://[::1]/d",
			withSecret: "postgresql://[::1]/d",
		},
		{
			name:       "sqlite memory",
			u:          URL{Drivername: "sqlite"},
			str:        "sqlite://",
			withSecret: "sqlite://",
		},
		{
			name:       "sqlite absolute path keeps its slashes",
			u:          URL{Drivername: "sqlite", Database: "/var/lib/app data/x.db"},
			str:        "sqlite:////var/lib/app data/x.db",
			withSecret: "sqlite:////var/lib/app data/x.db",
		},
		{
			name:       "key without values is left out",
			u:          URL{Drivername: "sqlite", Query: url.Values{"mode": {}, "uri": {"true"}}},
			str:        "sqlite://?uri=true",
			withSecret: "sqlite://?uri=true",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.u.String(); got != tt.str {
				t.Errorf("String() = %q, want %q", got, tt.str)
			}
			if got := tt.u.RenderWithPassword(); got != tt.withSecret {
				t.Errorf("RenderWithPassword() = %q, want %q", got, tt.withSecret)
			}
			if strings.Contains(tt.u.String(), pw) {
				t.Errorf("String() %q reveals the password", tt.u.String())
			}
		})
	}
}

// TestURLFormatHidesPassword prints a URL with every fmt verb and in the places a URL
// ends up (a pointer, a slice, a struct field, a log line).
func TestURLFormatHidesPassword(t *testing.T) {
	u := builtURL()
	type config struct {
		Name string
		URL  URL
	}
	tests := []struct {
		name   string
		format string
		arg    any
		want   string // "" when only the absence of the password is checked
	}{
		{name: "v", format: "%v", arg: u, want: u.String()},
		{name: "plus v", format: "%+v", arg: u, want: u.String()},
		{name: "sharp v", format: "%#v", arg: u, want: `dialect.URL("` + u.String() + `")`},
		{name: "s", format: "%s", arg: u, want: u.String()},
		{name: "q", format: "%q", arg: u, want: `"` + u.String() + `"`},
		{name: "x", format: "%x", arg: u, want: fmt.Sprintf("%x", u.String())},
		{name: "X", format: "%X", arg: u, want: fmt.Sprintf("%X", u.String())},
		{name: "width", format: "%-90s|", arg: u, want: fmt.Sprintf("%-90s|", u.String())},
		{name: "d", format: "%d", arg: u},
		{name: "t", format: "%t", arg: u},
		{name: "T", format: "%T", arg: u, want: "dialect.URL"},
		{name: "pointer v", format: "%v", arg: &u, want: u.String()},
		{name: "pointer plus v", format: "%+v", arg: &u, want: u.String()},
		{name: "nil pointer", format: "%v", arg: (*URL)(nil), want: "<nil>"},
		{name: "slice v", format: "%v", arg: []URL{u}, want: "[" + u.String() + "]"},
		{name: "struct field plus v", format: "%+v", arg: config{Name: "main", URL: u}, want: "{Name:main URL:" + u.String() + "}"},
		{name: "struct field sharp v", format: "%#v", arg: config{URL: u}},
		{name: "struct field d", format: "%d", arg: config{URL: u}},
		{name: "map value", format: "%v", arg: map[string]URL{"main": u}, want: "map[main:" + u.String() + "]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := fmt.Sprintf(tt.format, tt.arg)
			if strings.Contains(got, pw) {
				t.Fatalf("Sprintf(%q) = %q reveals the password", tt.format, got)
			}
			if tt.want != "" && got != tt.want {
				t.Errorf("Sprintf(%q) = %q, want %q", tt.format, got, tt.want)
			}
		})
	}

	handlers := map[string]func(*bytes.Buffer) slog.Handler{
		"slog text": func(b *bytes.Buffer) slog.Handler { return slog.NewTextHandler(b, nil) },
		"slog json": func(b *bytes.Buffer) slog.Handler { return slog.NewJSONHandler(b, nil) },
	}
	for name, h := range handlers {
		t.Run(name, func(t *testing.T) {
			var b bytes.Buffer
			slog.New(h(&b)).Info("connect", "url", u, "ptr", &u)
			if strings.Contains(b.String(), pw) {
				t.Fatalf("log line %q reveals the password", b.String())
			}
			if !strings.Contains(b.String(), "scott:***@db.example.com") {
				t.Errorf("log line %q does not show the URL", b.String())
			}
		})
	}
}

func TestURLBackendDriver(t *testing.T) {
	tests := []struct {
		name, drivername, backend, driver string
	}{
		{name: "backend and driver", drivername: "postgresql+psycopg2", backend: "postgresql", driver: "psycopg2"},
		{name: "backend only", drivername: "sqlite", backend: "sqlite", driver: ""},
		{name: "case kept", drivername: "MySQL+PyMySQL", backend: "MySQL", driver: "PyMySQL"},
		{name: "empty", drivername: "", backend: "", driver: ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u := URL{Drivername: tt.drivername}
			if got := u.Backend(); got != tt.backend {
				t.Errorf("Backend() = %q, want %q", got, tt.backend)
			}
			if got := u.Driver(); got != tt.driver {
				t.Errorf("Driver() = %q, want %q", got, tt.driver)
			}
		})
	}
}

func TestURLWithCopies(t *testing.T) {
	tests := []struct {
		name  string
		apply func(URL) URL
		want  func(URL) URL // the expected result, built from a fresh original by hand
	}{
		{name: "drivername", apply: func(u URL) URL { return u.WithDrivername("postgresql+psycopg2") },
			want: func(u URL) URL { u.Drivername = "postgresql+psycopg2"; return u }},
		{name: "username", apply: func(u URL) URL { return u.WithUsername("ed") },
			want: func(u URL) URL { u.Username = "ed"; return u }},
		{name: "password", apply: func(u URL) URL { return u.WithPassword("new") },
			want: func(u URL) URL { u.Password = "new"; return u }},
		{name: "host", apply: func(u URL) URL { return u.WithHost("::1") },
			want: func(u URL) URL { u.Host = "::1"; return u }},
		{name: "port", apply: func(u URL) URL { return u.WithPort(6432) },
			want: func(u URL) URL { u.Port = 6432; return u }},
		{name: "no port", apply: func(u URL) URL { return u.WithPort(0) },
			want: func(u URL) URL { u.Port = 0; return u }},
		{name: "database", apply: func(u URL) URL { return u.WithDatabase("other") },
			want: func(u URL) URL { u.Database = "other"; return u }},
		{name: "query replaces a key", apply: func(u URL) URL { return u.WithQuery("search_path", "c") },
			want: func(u URL) URL {
				u.Query = url.Values{"sslmode": {"verify-full"}, "search_path": {"c"}}
				return u
			}},
		{name: "query adds a key", apply: func(u URL) URL { return u.WithQuery("application_name", "x", "y") },
			want: func(u URL) URL {
				u.Query = url.Values{"sslmode": {"verify-full"}, "search_path": {"a", "b"}, "application_name": {"x", "y"}}
				return u
			}},
		{name: "query without values removes the key", apply: func(u URL) URL { return u.WithQuery("search_path") },
			want: func(u URL) URL { u.Query = url.Values{"sslmode": {"verify-full"}}; return u }},
		{name: "query values", apply: func(u URL) URL {
			return u.WithQueryValues(url.Values{"sslmode": {"disable"}, "connect_timeout": {"5"}, "search_path": nil})
		},
			want: func(u URL) URL {
				u.Query = url.Values{"sslmode": {"disable"}, "connect_timeout": {"5"}}
				return u
			}},
		{name: "without query", apply: func(u URL) URL { return u.WithoutQuery("sslmode", "nosuchkey") },
			want: func(u URL) URL { u.Query = url.Values{"search_path": {"a", "b"}}; return u }},
		{name: "without every query key", apply: func(u URL) URL { return u.WithoutQuery("sslmode", "search_path") },
			want: func(u URL) URL { u.Query = nil; return u }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			orig := builtURL()
			got := tt.apply(orig)
			if want := tt.want(builtURL()); !got.Equal(want) {
				t.Fatalf("got %s\nwant %s", fields(got), fields(want))
			}
			if !orig.Equal(builtURL()) {
				t.Fatalf("the original changed: %s", fields(orig))
			}
			// The copy shares no query storage with the original, either way.
			if got.Query == nil {
				got.Query = url.Values{}
			}
			got.Query["sslmode"] = append(got.Query["sslmode"][:0:0], "changed")
			got.Query.Add("search_path", "z")
			if vs := got.Query["search_path"]; len(vs) > 0 {
				vs[0] = "changed"
			}
			if !orig.Equal(builtURL()) {
				t.Fatalf("changing the copy's Query changed the original: %s", fields(orig))
			}
			orig.Query["search_path"][0] = "orig-changed"
			orig.Query.Set("new", "v")
			if v, ok := got.QueryValue("new"); ok {
				t.Fatalf("changing the original's Query changed the copy: new=%q", v)
			}
			for _, v := range got.Query["search_path"] {
				if v == "orig-changed" {
					t.Fatalf("the copy shares a value slice with the original")
				}
			}
		})
	}

	t.Run("query on a URL without one", func(t *testing.T) {
		u := URL{Drivername: "sqlite"}
		got := u.WithQuery("mode", "ro")
		if u.Query != nil {
			t.Errorf("the original got a Query: %v", u.Query)
		}
		if v, ok := got.QueryValue("mode"); !ok || v != "ro" {
			t.Errorf("QueryValue(mode) = %q, %v, want ro, true", v, ok)
		}
		if got := u.WithQueryValues(nil); got.Query != nil {
			t.Errorf("WithQueryValues(nil) made a Query: %v", got.Query)
		}
	})
}

func TestURLWithValuesAliasing(t *testing.T) {
	// The slices passed to WithQuery and WithQueryValues are copied, not kept.
	vals := []string{"a", "b"}
	u := URL{Drivername: "postgresql"}.WithQuery("search_path", vals...)
	vals[0] = "changed"
	if got := u.Query["search_path"][0]; got != "a" {
		t.Errorf("WithQuery kept the caller's slice: search_path[0] = %q", got)
	}
	q := url.Values{"k": {"1"}}
	u = u.WithQueryValues(q)
	q["k"][0] = "changed"
	if got, _ := u.QueryValue("k"); got != "1" {
		t.Errorf("WithQueryValues kept the caller's slice: k = %q", got)
	}
}

func TestURLQueryValue(t *testing.T) {
	u := URL{Query: url.Values{"one": {"1"}, "many": {"a", "b", "c"}, "empty": {""}, "none": {}}}
	tests := []struct {
		name, key, want string
		ok              bool
	}{
		{name: "single value", key: "one", want: "1", ok: true},
		{name: "last of several", key: "many", want: "c", ok: true},
		{name: "empty value", key: "empty", want: "", ok: true},
		{name: "key without values", key: "none", want: "", ok: false},
		{name: "absent key", key: "nosuchkey", want: "", ok: false},
		{name: "keys are case-sensitive", key: "ONE", want: "", ok: false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := u.QueryValue(tt.key)
			if got != tt.want || ok != tt.ok {
				t.Errorf("QueryValue(%q) = %q, %v, want %q, %v", tt.key, got, ok, tt.want, tt.ok)
			}
		})
	}
	if got, ok := (URL{}).QueryValue("x"); got != "" || ok {
		t.Errorf("QueryValue on a nil Query = %q, %v", got, ok)
	}
}

func TestURLEqual(t *testing.T) {
	base := builtURL()
	tests := []struct {
		name string
		a, b URL
		want bool
	}{
		{name: "same fields", a: base, b: builtURL(), want: true},
		{name: "zero values", a: URL{}, b: URL{}, want: true},
		{name: "nil and empty query", a: URL{Drivername: "x"}, b: URL{Drivername: "x", Query: url.Values{}}, want: true},
		{name: "key without values and absent key", a: URL{Query: url.Values{"a": {}}}, b: URL{}, want: true},
		{name: "key without values and absent key, reversed", a: URL{}, b: URL{Query: url.Values{"a": nil}}, want: true},
		{name: "key without values and empty value", a: URL{Query: url.Values{"a": {}}}, b: URL{Query: url.Values{"a": {""}}}, want: false},
		{name: "drivername", a: base, b: base.WithDrivername("postgresql"), want: false},
		{name: "drivername case", a: base, b: base.WithDrivername("PostgreSQL+pgx"), want: false},
		{name: "username", a: base, b: base.WithUsername("Scott"), want: false},
		{name: "password", a: base, b: base.WithPassword("x"), want: false},
		{name: "host", a: base, b: base.WithHost("db2.example.com"), want: false},
		{name: "port", a: base, b: base.WithPort(5433), want: false},
		{name: "database", a: base, b: base.WithDatabase("App"), want: false},
		{name: "query value", a: base, b: base.WithQuery("sslmode", "require"), want: false},
		{name: "query value order", a: base, b: base.WithQuery("search_path", "b", "a"), want: false},
		{name: "extra value", a: base, b: base.WithQuery("search_path", "a", "b", "c"), want: false},
		{name: "extra key", a: base, b: base.WithQuery("x", "1"), want: false},
		{name: "missing key", a: base, b: base.WithoutQuery("sslmode"), want: false},
		{name: "different keys, same count", a: URL{Query: url.Values{"a": {"1"}}}, b: URL{Query: url.Values{"b": {"1"}}}, want: false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.a.Equal(tt.b); got != tt.want {
				t.Errorf("a.Equal(b) = %v, want %v\na = %s\nb = %s", got, tt.want, fields(tt.a), fields(tt.b))
			}
			if got := tt.b.Equal(tt.a); got != tt.want {
				t.Errorf("b.Equal(a) = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestURLClone(t *testing.T) {
	orig := builtURL()
	c := orig.Clone()
	if !c.Equal(orig) {
		t.Fatalf("Clone() = %s, want %s", fields(c), fields(orig))
	}
	c.Query["sslmode"][0] = "changed"
	c.Query.Add("search_path", "z")
	c.Query.Set("new", "1")
	c.Password = "changed"
	if !orig.Equal(builtURL()) {
		t.Fatalf("changing the clone changed the original: %s", fields(orig))
	}
	if z := (URL{}).Clone(); z.Query != nil {
		t.Errorf("Clone of a URL without a Query made one: %v", z.Query)
	}
}

// TestURLRoundTrip renders hand-built URLs with odd characters in every field and
// parses them back.
func TestURLRoundTrip(t *testing.T) {
	odd := "a:b/c?d@e#f%g&h=i+j k[l]m;n,o'p\"q\\r~s!t$u(v)w*x" + "é🐍\x00\x7f\xff"
	tests := []struct {
		name string
		u    URL
	}{
		{name: "zero but for the dialect", u: URL{Drivername: "sqlite"}},
		{name: "every field plain", u: builtURL()},
		{name: "odd user name", u: URL{Drivername: "postgresql", Username: odd, Host: "h"}},
		{name: "odd password", u: URL{Drivername: "postgresql", Username: "u", Password: odd, Host: "h"}},
		{name: "odd password without user", u: URL{Drivername: "postgresql", Password: odd}},
		{name: "user of at signs and colons", u: URL{Drivername: "postgresql", Username: "@:@:", Password: ":@:@", Host: "h"}},
		{name: "odd host", u: URL{Drivername: "postgresql", Host: odd, Port: 1}},
		{name: "IPv6 host", u: URL{Drivername: "postgresql", Host: "2001:db8::1", Port: 5432}},
		{name: "IPv6 host with zone", u: URL{Drivername: "postgresql", Host: "fe80::1%eth0"}},
		{name: "host with brackets and colon", u: URL{Drivername: "postgresql", Host: "[x]:y"}},
		{name: "host starting with a bracket", u: URL{Drivername: "postgresql", Host: "[x"}},
		{name: "port without host", u: URL{Drivername: "postgresql", Port: 65535, Database: "d"}},
		{name: "odd database", u: URL{Drivername: "postgresql", Host: "h", Database: odd}},
		{name: "database of slashes", u: URL{Drivername: "sqlite", Database: "//x//"}},
		{name: "database of a question mark", u: URL{Drivername: "sqlite", Database: "?"}},
		{name: "odd query", u: URL{Drivername: "postgresql", Query: url.Values{odd: {odd, "", odd}, "=": {"&"}, "+": {"%"}}}},
		{name: "every field odd", u: URL{Drivername: "a_b-c.d+e.f", Username: odd, Password: odd, Host: odd, Port: 80, Database: odd,
			Query: url.Values{odd: {odd}}}},
		{name: "every field odd, IPv6", u: URL{Drivername: "x", Username: odd, Password: odd, Host: "::" + odd, Port: 80, Database: "/" + odd,
			Query: url.Values{"k": {odd}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := tt.u.RenderWithPassword()
			got, err := ParseURL(s)
			if err != nil {
				t.Fatalf("ParseURL(%q): %v", s, err)
			}
			if !got.Equal(tt.u) {
				t.Fatalf("ParseURL(%q)\n got %s\nwant %s", s, fields(got), fields(tt.u))
			}
			// String parses too, to the same URL but for the password.
			hidden, err := ParseURL(tt.u.String())
			if err != nil {
				t.Fatalf("ParseURL(String() = %q): %v", tt.u.String(), err)
			}
			if tt.u.Password != "" && hidden.Password != "***" {
				t.Errorf("String() parsed back has password %q, want ***", hidden.Password)
			}
			if !hidden.WithPassword(tt.u.Password).Equal(tt.u) {
				t.Errorf("String() parsed back is %s, want %s but for the password", fields(hidden), fields(tt.u))
			}
		})
	}
}

// TestURLJSONHidesPassword checks that a configuration holding a URL, encoded as
// JSON, shows "***" for the password, and that a URL in a JSON string decodes.
func TestURLJSONHidesPassword(t *testing.T) {
	type config struct {
		DB URL `json:"db"`
	}
	u := MustParseURL("postgresql://scott:Sup3rS3cret@db.example:5432/app?sslmode=require")
	b, err := json.Marshal(config{DB: u})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(b), "Sup3rS3cret") {
		t.Fatalf("JSON reveals the password: %s", b)
	}
	if want := `{"db":"postgresql://scott:***@db.example:5432/app?sslmode=require"}`; string(b) != want {
		t.Fatalf("JSON %s, want %s", b, want)
	}
	var back config
	if err := json.Unmarshal([]byte(`{"db":"postgresql://scott:Sup3rS3cret@db.example:5432/app?sslmode=require"}`), &back); err != nil {
		t.Fatal(err)
	}
	if !back.DB.Equal(u) {
		t.Fatalf("decoded %v, want %v", back.DB, u)
	}
	if err := json.Unmarshal([]byte(`{"db":"no scheme here"}`), &back); !errors.Is(err, ErrInvalidURL) {
		t.Fatalf("bad URL in JSON: %v, want ErrInvalidURL", err)
	}
}
