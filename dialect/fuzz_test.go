package dialect

import (
	"errors"
	"net/url"
	"strings"
	"testing"
)

// The seeds below, and those under testdata/fuzz/<FuzzName>/, are run by a plain
// `go test`; `go test -fuzz` grows from them.

var parseSeeds = []string{
	"postgresql://scott:tiger@localhost:5432/test?sslmode=disable&application_name=x",
	"postgresql+psycopg2://us%3Aer:p%40ss%3Aw%2Frd@[2001:db8::1]:5432/db",
	"mysql+pymysql://scott:ti/ge:r?x@localhost/foo?charset=utf8mb4&charset=latin1",
	"mssql+pyodbc://u:p@host/db?driver=ODBC+Driver+17+for+SQL+Server",
	"sqlite://",
	"sqlite:////usr/local/_xtest@example.com/members.db",
	"postgresql://scott@myserver:p@ss@host/db?email=a@b",
	"postgresql://[::1",
	"postgresql://host:65536/db",
	"postgresql://u:pw%zz@host/db",
}

// FuzzParseURL checks that ParseURL never panics; that what it accepts renders to a
// string that parses back to the same URL; that String never shows the password;
// and that ParseURL's errors never show it either.
func FuzzParseURL(f *testing.F) {
	for _, s := range parseSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		u, err := ParseURL(s)
		if err != nil {
			if !errors.Is(err, ErrInvalidURL) {
				t.Fatalf("ParseURL(%q) error %q does not wrap ErrInvalidURL", s, err)
			}
			return
		}
		checkRoundTrip(t, u)
		checkStringHidesPassword(t, u)
		checkErrorsHidePassword(t, u)
	})
}

// FuzzURLRoundTrip builds a URL from fuzzed fields, renders it with its password
// and parses it back.
func FuzzURLRoundTrip(f *testing.F) {
	f.Add("postgresql+psycopg2", "scott", "tiger", "localhost", 5432, "test", "sslmode", "disable", "", "search_path", "a")
	f.Add("sqlite", "", "", "", 0, "/abs/path.db", "mode", "ro", "x", "", "")
	f.Add("mysql", "u@s:r", "p@ss:w/rd?#%", "::1", 3306, "db?x", "charset", "utf8mb4", "", "k", "v+w v")
	f.Add("x+y", "[", "]", "[::1]:5", 65535, "%zz", "&=", "=&", "+", "%", " ")
	f.Add("mssql", "\x00", "\xff\xfe", "fe80::1%eth0", 1, "\n", "password", "secret", "", "pwd", "x")
	f.Fuzz(func(t *testing.T, drivername, user, password, host string, port int, database, k1, v1, v2, k2, v3 string) {
		u := URL{
			Drivername: validDrivername(drivername),
			Username:   user,
			Password:   password,
			Host:       host,
			Port:       ((port % 65536) + 65536) % 65536,
			Database:   database,
		}
		// An option needs a name: a URL with an empty one is not valid.
		if k1 != "" {
			u = u.WithQuery(k1, v1, v2)
		}
		if k2 != "" {
			u = u.WithQuery(k2, append(u.Query[k2], v3)...)
		}
		checkRoundTrip(t, u)
		checkStringHidesPassword(t, u)
		checkErrorsHidePassword(t, u)
	})
}

// validDrivername makes a valid "backend[+driver]" out of any string.
func validDrivername(s string) string {
	keep := func(s string) string {
		return strings.Map(func(r rune) rune {
			if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' || r == '-' || r == '.' {
				return r
			}
			return -1
		}, s)
	}
	backend, driver, _ := strings.Cut(s, "+")
	backend, driver = keep(backend), keep(driver)
	if backend == "" {
		backend = "x"
	}
	if driver != "" {
		return backend + "+" + driver
	}
	return backend
}

func checkRoundTrip(t *testing.T, u URL) {
	t.Helper()
	r := u.RenderWithPassword()
	back, err := ParseURL(r)
	if err != nil {
		t.Fatalf("ParseURL(RenderWithPassword() = %q) of %s: %v", r, fields(u), err)
	}
	if !back.Equal(u) {
		t.Fatalf("round trip through %q\n got %s\nwant %s", r, fields(back), fields(u))
	}
	if r2 := back.RenderWithPassword(); r2 != r {
		t.Fatalf("rendering is not stable: %q, then %q", r, r2)
	}
	hidden, err := ParseURL(u.String())
	if err != nil {
		t.Fatalf("ParseURL(String() = %q): %v", u.String(), err)
	}
	if !hidden.WithPassword(u.Password).WithQueryValues(secretQuery(u)).Equal(u) {
		t.Fatalf("String() %q parses to %s, want %s but for the secrets", u.String(), fields(hidden), fields(u))
	}
}

// secretQuery returns the options of u that String hides.
func secretQuery(u URL) url.Values {
	q := url.Values{}
	for k, vs := range u.Query {
		if secretOption(k) {
			q[k] = vs
		}
	}
	return q
}

// otherFields joins every field of u but the password, raw and as rendered, so that
// a password that is part of them is not taken for a leak.
func otherFields(u URL) string {
	parts := []string{u.WithPassword("x").String(), u.Drivername, u.Username, u.Host, u.Database}
	for k, vs := range u.Query {
		parts = append(parts, k)
		parts = append(parts, vs...)
	}
	return strings.Join(parts, "\x00")
}

// revealable reports whether the password is distinctive enough to look for.
func revealable(u URL) bool {
	return len(u.Password) >= 4 && strings.Trim(u.Password, "*") != "" && !strings.Contains(otherFields(u), u.Password)
}

func checkStringHidesPassword(t *testing.T, u URL) {
	t.Helper()
	if u.Password == "" {
		return
	}
	// String does not depend on the password at all.
	if s, other := u.String(), u.WithPassword("other").String(); s != other {
		t.Fatalf("String() changes with the password: %q and %q", s, other)
	}
	if revealable(u) && strings.Contains(u.String(), u.Password) {
		t.Fatalf("String() = %q shows the password %q", u.String(), u.Password)
	}
}

// checkErrorsHidePassword breaks the rendered URL in one part at a time and checks
// that no error shows the password. An error that shows it also for another
// password shows fixed text that happens to contain it, not the password.
func checkErrorsHidePassword(t *testing.T, u URL) {
	t.Helper()
	if !revealable(u) {
		return
	}
	// Look for the password as it is and as it is written in the URL.
	secrets := []string{u.Password}
	if e := userEscape(u.Password); e != u.Password && !strings.Contains(otherFields(u), e) {
		secrets = append(secrets, e)
	}
	const other = "\x01\x02\x03\x04"
	for _, m := range breakers {
		s := m.apply(u)
		_, err := ParseURL(s)
		if err == nil {
			continue
		}
		_, err2 := ParseURL(m.apply(u.WithPassword(other)))
		for _, secret := range secrets {
			if !strings.Contains(err.Error(), secret) {
				continue
			}
			if err2 != nil && strings.Contains(err2.Error(), secret) {
				continue // fixed text that happens to hold the password
			}
			t.Fatalf("%s: ParseURL(%q) error %q shows the password %q", m.name, s, err, secret)
		}
	}
}

// splitRendered splits u's rendering with its password into the part up to "://",
// the user part before "@" ("" when there is none), and the rest.
func splitRendered(u URL) (scheme, userinfo, rest string) {
	r := u.RenderWithPassword()
	scheme, rest, _ = strings.Cut(r, "://")
	if u.Username != "" || u.Password != "" {
		// The user name and password are rendered with "@" escaped.
		userinfo, rest, _ = strings.Cut(rest, "@")
	}
	return scheme, userinfo, rest
}

var breakers = []struct {
	name  string
	apply func(URL) string
}{
	{"no ://", func(u URL) string { return strings.Replace(u.RenderWithPassword(), "://", ":/", 1) }},
	{"credentials before the scheme", func(u URL) string {
		s, ui, rest := splitRendered(u)
		return ui + "@" + s + "://" + rest
	}},
	{"bad escape in user", func(u URL) string {
		s, ui, rest := splitRendered(u)
		return s + "://%zz" + ui + "@" + rest
	}},
	{"bad escape in password", func(u URL) string {
		s, ui, rest := splitRendered(u)
		return s + "://" + ui + "%z@" + rest
	}},
	{"bad escape in host", func(u URL) string {
		s, ui, rest := splitRendered(u)
		return s + "://" + ui + "@%zz" + rest
	}},
	{"unclosed bracket", func(u URL) string {
		s, ui, rest := splitRendered(u)
		return s + "://" + ui + "@[" + strings.NewReplacer("]", "").Replace(rest)
	}},
	{"bad port", func(u URL) string {
		s, ui, rest := splitRendered(u)
		i := strings.IndexAny(rest, "/?")
		if i < 0 {
			i = len(rest)
		}
		return s + "://" + ui + "@" + rest[:i] + ":x" + rest[i:]
	}},
	{"bad escape at the end", func(u URL) string { return u.RenderWithPassword() + "%" }},
	{"bad escape in a query key", func(u URL) string { return u.RenderWithPassword() + "?%zz=1" }},
	{"empty query key", func(u URL) string { return u.RenderWithPassword() + "?=1" }},
}
