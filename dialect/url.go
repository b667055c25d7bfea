package dialect

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"net/url"
	"slices"
	"strconv"
	"strings"
)

// ErrInvalidURL is wrapped by every error ParseURL returns.
var ErrInvalidURL = errors.New("alchemy: invalid database URL")

// URL is a database URL in SQLAlchemy's form:
//
//	dialect[+driver]://[user[:password]@]host[:port]/database[?key=value&...]
//
// It is a plain value: build one field by field, or with ParseURL, and adjust it with
// the With methods, which return a copy. String hides the password; RenderWithPassword
// does not, and ParseURL(u.RenderWithPassword()) is Equal to u for every URL with a
// valid Drivername, a Port from 0 to 65535 and no query option with an empty name.
//
// Every fmt verb and log/slog print String. A URL kept in an unexported struct field
// is out of fmt's reach, though: fmt prints such a field's fields, the password too.
type URL struct {
	// Drivername is "backend" or "backend+driver", as "postgresql+psycopg2".
	Drivername string
	// Username and Password are stored unescaped.
	Username string
	Password string
	// Host is a host name or an IP address, without brackets for IPv6.
	Host string
	// Port is 0 when the URL names none.
	Port int
	// Database is the database name, or for SQLite the file path ("" or ":memory:"
	// for a memory database).
	Database string
	// Query holds the options after "?"; a key may carry several values. A key that
	// holds none is the same as an absent key.
	Query url.Values
}

// ParseURL parses a database URL. The error, if any, wraps ErrInvalidURL, names the
// part that is wrong, and never contains the password: it quotes nothing from between
// "://" and the host's end.
//
// It reads what SQLAlchemy's make_url reads. The user name and password are
// percent-decoded; the password may also hold "/", ":", "?" and "@" unescaped (it
// runs from the first ":" of the user part to the "@" before the host). The user name
// may hold "@" ("user@server:pw@host"). An IPv6 host goes in brackets. The database
// runs from the "/" after the host to the first "?", and is percent-decoded ("+" stays
// "+"); the query is decoded as a form ("+" is a space) and a key may repeat.
func ParseURL(raw string) (URL, error) {
	scheme, rest, ok := strings.Cut(raw, "://")
	if !ok {
		return URL{}, fmt.Errorf("%w: missing \"://\" after the dialect name (want dialect[+driver]://...)", ErrInvalidURL)
	}
	if err := checkDrivername(scheme); err != nil {
		return URL{}, err
	}
	u := URL{Drivername: scheme}

	userinfo, rest, hasUser := cutUserinfo(rest)
	if hasUser {
		user, pass, hasPass := strings.Cut(userinfo, ":")
		var err error
		if u.Username, err = url.PathUnescape(user); err != nil {
			return URL{}, fmt.Errorf("%w: bad escape in the user name", ErrInvalidURL)
		}
		if hasPass {
			if u.Password, err = url.PathUnescape(pass); err != nil {
				// Never echo any part of a password.
				return URL{}, fmt.Errorf("%w: bad escape in the password (escape %% as %%25)", ErrInvalidURL)
			}
		}
	}

	// What is left is host[:port][/database][?query].
	hostport, tail := rest, ""
	if i := strings.IndexAny(rest, "/?"); i >= 0 {
		hostport, tail = rest[:i], rest[i:]
	}
	host, port, err := splitHostPort(hostport)
	if err != nil {
		return URL{}, err
	}
	u.Host, u.Port = host, port
	if strings.HasPrefix(tail, "/") {
		dbText, q, hasQuery := strings.Cut(tail[1:], "?")
		if u.Database, err = url.PathUnescape(dbText); err != nil {
			return URL{}, fmt.Errorf("%w: bad escape in the database name", ErrInvalidURL)
		}
		tail = ""
		if hasQuery {
			tail = "?" + q
		}
	}
	if strings.HasPrefix(tail, "?") {
		if u.Query, err = parseQuery(tail[1:]); err != nil {
			return URL{}, err
		}
	}
	return u, nil
}

// MustParseURL is ParseURL for URLs written in the program: it panics on an error.
func MustParseURL(raw string) URL {
	u, err := ParseURL(raw)
	if err != nil {
		panic(err)
	}
	return u
}

// cutUserinfo splits "user:password@" off the text after "://", as SQLAlchemy's
// pattern (?P<username>[^:/]*)(?::(?P<password>[^@]*))?@ does, with two changes
// for URLs pasted by hand:
//   - the user name also stops at "?" and "[", so that "host?email=a@b" and
//     "[::1]/db?email=a@b" have no user;
//   - the password ends at the last "@" before the host rather than the first, so
//     that an unescaped "@" in it works ("u:p@ss@host/db" is the password "p@ss").
//
// The password thus runs from the first ":" to the last "@" that comes before the
// first "/" or "?" following the first "@" after that ":".
func cutUserinfo(rest string) (userinfo, after string, ok bool) {
	c := strings.IndexAny(rest, ":/?[")
	if c >= 0 && rest[c] == ':' {
		if a := strings.IndexByte(rest[c+1:], '@'); a >= 0 {
			a += c + 1
			end := len(rest)
			if s := strings.IndexAny(rest[a+1:], "/?"); s >= 0 {
				end = a + 1 + s
			}
			e := a + strings.LastIndexByte(rest[a:end], '@')
			return rest[:e], rest[e+1:], true
		}
		// No "@" after the ":": it separates a host and a port.
	}
	region := rest
	if c >= 0 {
		region = rest[:c]
	}
	if e := strings.LastIndexByte(region, '@'); e >= 0 {
		return rest[:e], rest[e+1:], true
	}
	return "", rest, false
}

// checkDrivername reports what is wrong with a dialect name. It never quotes the
// name: text before "://" may be anything, a password included, when a URL is mangled.
func checkDrivername(s string) error {
	if s == "" {
		return fmt.Errorf("%w: no dialect name before \"://\"", ErrInvalidURL)
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-' || c == '.' || c == '+') {
			return fmt.Errorf("%w: the dialect name has a character that is not allowed at byte %d; it may hold only letters, digits, '_', '-', '.' and one '+'",
				ErrInvalidURL, i)
		}
	}
	if strings.Count(s, "+") > 1 || s[0] == '+' || s[len(s)-1] == '+' {
		return fmt.Errorf("%w: the dialect name must be dialect or dialect+driver, with one '+' between two names", ErrInvalidURL)
	}
	return nil
}

// splitHostPort parses host[:port] or [ipv6host][:port]. Its errors name the part
// but quote none of it, in case a mangled URL put a password there.
func splitHostPort(s string) (string, int, error) {
	host, portText, hasPort := s, "", false
	if strings.HasPrefix(s, "[") {
		end := strings.IndexByte(s, ']')
		if end < 0 {
			return "", 0, fmt.Errorf("%w: the IPv6 host has no closing ']'", ErrInvalidURL)
		}
		host = s[1:end]
		if after := s[end+1:]; after != "" {
			if after[0] != ':' {
				return "", 0, fmt.Errorf("%w: unexpected text after the IPv6 host's ']' (want [host]:port)", ErrInvalidURL)
			}
			portText, hasPort = after[1:], true
		}
	} else {
		host, portText, hasPort = strings.Cut(s, ":")
		if hasPort && strings.Contains(portText, ":") {
			return "", 0, fmt.Errorf("%w: the host has more than one ':' (write an IPv6 address in brackets: [::1]:5432)", ErrInvalidURL)
		}
	}
	h, err := url.PathUnescape(host)
	if err != nil {
		return "", 0, fmt.Errorf("%w: bad escape in the host", ErrInvalidURL)
	}
	port := 0
	if hasPort {
		if portText == "" {
			return "", 0, fmt.Errorf("%w: empty port after ':'", ErrInvalidURL)
		}
		for i := 0; i < len(portText); i++ {
			if portText[i] < '0' || portText[i] > '9' {
				return "", 0, fmt.Errorf("%w: the port is not a number from 0 to 65535", ErrInvalidURL)
			}
		}
		port, err = strconv.Atoi(portText)
		if err != nil || port > 65535 {
			return "", 0, fmt.Errorf("%w: the port is not a number from 0 to 65535", ErrInvalidURL)
		}
	}
	return h, port, nil
}

func parseQuery(s string) (url.Values, error) {
	q := url.Values{}
	for part := range strings.SplitSeq(s, "&") {
		if part == "" {
			continue
		}
		k, v, _ := strings.Cut(part, "=")
		key, err := url.QueryUnescape(k)
		if err != nil {
			return nil, fmt.Errorf("%w: bad escape in the name of a query option", ErrInvalidURL)
		}
		if key == "" {
			return nil, fmt.Errorf("%w: query option with an empty name", ErrInvalidURL)
		}
		val, err := url.QueryUnescape(v)
		if err != nil {
			// A query value may be a secret (sslpassword): name only its key.
			return nil, fmt.Errorf("%w: bad escape in the value of query option %q", ErrInvalidURL, key)
		}
		q[key] = append(q[key], val)
	}
	if len(q) == 0 {
		return nil, nil
	}
	return q, nil
}

// Backend returns the part of Drivername before "+" ("postgresql").
func (u URL) Backend() string {
	b, _, _ := strings.Cut(u.Drivername, "+")
	return b
}

// Driver returns the part of Drivername after "+", or "" when it names none.
func (u URL) Driver() string {
	_, d, _ := strings.Cut(u.Drivername, "+")
	return d
}

// String renders the URL with the password, if any, as "***". It is safe to log.
func (u URL) String() string { return u.render(true) }

// RenderWithPassword renders the URL with its password in full. Never log the result.
func (u URL) RenderWithPassword() string { return u.render(false) }

// GoString is String, so that %#v does not reveal the password either.
func (u URL) GoString() string { return "dialect.URL(" + strconv.Quote(u.String()) + ")" }

// Format prints String for every verb (%#v prints GoString), so that no fmt verb
// reveals the password: without it %d or %t would print the struct's fields.
func (u URL) Format(f fmt.State, verb rune) {
	if verb == 'v' && f.Flag('#') {
		_, _ = io.WriteString(f, u.GoString())
		return
	}
	_, _ = fmt.Fprintf(f, fmt.FormatString(f, verb), u.String())
}

// LogValue makes log/slog log String, so that a handler that would marshal the
// struct (slog.JSONHandler) does not reveal the password.
func (u URL) LogValue() slog.Value { return slog.StringValue(u.String()) }

// MarshalText renders String, so that encoding a configuration that holds a URL
// (as JSON, say) does not reveal the password: the result has "***" in its place.
// To store a URL with its password, store RenderWithPassword's string.
func (u URL) MarshalText() ([]byte, error) { return []byte(u.String()), nil }

// UnmarshalText parses a URL, so that a configuration file may hold one as a string.
func (u *URL) UnmarshalText(text []byte) error {
	v, err := ParseURL(string(text))
	if err != nil {
		return err
	}
	*u = v
	return nil
}

// userEscape escapes what a user name or password may not hold unescaped.
func userEscape(s string) string {
	return escapeExcept(s, "-._~!$&'()*+,;=")
}

func escapeExcept(s, allowed string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte(allowed, c) >= 0 {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hex[c>>4])
		b.WriteByte(hex[c&15])
	}
	return b.String()
}

func (u URL) render(hidePassword bool) string {
	var b strings.Builder
	b.WriteString(u.Drivername)
	b.WriteString("://")
	if u.Username != "" || u.Password != "" {
		b.WriteString(userEscape(u.Username))
		if u.Password != "" {
			b.WriteByte(':')
			if hidePassword {
				b.WriteString("***")
			} else {
				b.WriteString(userEscape(u.Password))
			}
		}
		b.WriteByte('@')
	}
	if u.Host != "" {
		if strings.Contains(u.Host, ":") {
			b.WriteByte('[')
			b.WriteString(escapeExcept(u.Host, "-._~:!$&'()*+,;="))
			b.WriteByte(']')
		} else {
			b.WriteString(escapeExcept(u.Host, "-._~!$&'()*+,;="))
		}
	}
	if u.Port != 0 {
		b.WriteByte(':')
		b.WriteString(strconv.Itoa(u.Port))
	}
	if u.Database != "" {
		b.WriteByte('/')
		b.WriteString(escapeExcept(u.Database, "-._~:!$&'()*+,;=/ "))
	}
	if len(u.Query) > 0 {
		sep := byte('?')
		for _, k := range slices.Sorted(maps.Keys(u.Query)) {
			for _, v := range u.Query[k] { // a key without values is absent
				b.WriteByte(sep)
				sep = '&'
				b.WriteString(url.QueryEscape(k))
				b.WriteByte('=')
				if hidePassword && secretOption(k) {
					b.WriteString("***")
				} else {
					b.WriteString(url.QueryEscape(v))
				}
			}
		}
	}
	return b.String()
}

// secretOption reports whether a query option holds a secret that String hides:
// a name holding "password", "passwd", "secret", "token" or "credential", or "pwd".
func secretOption(key string) bool {
	k := strings.ToLower(key)
	for _, s := range []string{"password", "passwd", "secret", "token", "credential"} {
		if strings.Contains(k, s) {
			return true
		}
	}
	return k == "pwd"
}

// Equal reports whether u and o name the same thing. A key that holds no values is
// the same as an absent key, so a nil and an empty Query are equal.
func (u URL) Equal(o URL) bool {
	if u.Drivername != o.Drivername || u.Username != o.Username || u.Password != o.Password ||
		u.Host != o.Host || u.Port != o.Port || u.Database != o.Database {
		return false
	}
	return queryCovers(u.Query, o.Query) && queryCovers(o.Query, u.Query)
}

// queryCovers reports whether every key with values in a holds the same values in b.
func queryCovers(a, b url.Values) bool {
	for k, vs := range a {
		if len(vs) > 0 && !slices.Equal(vs, b[k]) {
			return false
		}
	}
	return true
}

// Clone returns a copy of u that shares nothing with it.
func (u URL) Clone() URL {
	if u.Query != nil {
		q := make(url.Values, len(u.Query))
		for k, vs := range u.Query {
			q[k] = slices.Clone(vs)
		}
		u.Query = q
	}
	return u
}

// WithDrivername returns a copy of u with another dialect and driver.
func (u URL) WithDrivername(name string) URL { c := u.Clone(); c.Drivername = name; return c }

// WithUsername returns a copy of u with another user name.
func (u URL) WithUsername(user string) URL { c := u.Clone(); c.Username = user; return c }

// WithPassword returns a copy of u with another password.
func (u URL) WithPassword(password string) URL { c := u.Clone(); c.Password = password; return c }

// WithHost returns a copy of u with another host.
func (u URL) WithHost(host string) URL { c := u.Clone(); c.Host = host; return c }

// WithPort returns a copy of u with another port (0 for none).
func (u URL) WithPort(port int) URL { c := u.Clone(); c.Port = port; return c }

// WithDatabase returns a copy of u with another database.
func (u URL) WithDatabase(db string) URL { c := u.Clone(); c.Database = db; return c }

// WithQuery returns a copy of u in which key holds values, replacing what it held.
// With no values it removes the key.
func (u URL) WithQuery(key string, values ...string) URL {
	return u.WithQueryValues(url.Values{key: values})
}

// WithQueryValues returns a copy of u with every key of q set to its values,
// replacing what those keys held and keeping the others. A key of q without values
// is removed.
func (u URL) WithQueryValues(q url.Values) URL {
	c := u.Clone()
	for k, vs := range q {
		if len(vs) == 0 {
			delete(c.Query, k)
			continue
		}
		if c.Query == nil {
			c.Query = url.Values{}
		}
		c.Query[k] = slices.Clone(vs)
	}
	if len(c.Query) == 0 {
		c.Query = nil
	}
	return c
}

// WithoutQuery returns a copy of u without the given query keys.
func (u URL) WithoutQuery(keys ...string) URL {
	c := u.Clone()
	for _, k := range keys {
		delete(c.Query, k)
	}
	if len(c.Query) == 0 {
		c.Query = nil
	}
	return c
}

// QueryValue returns the last value of a query key, and whether the key holds any.
func (u URL) QueryValue(key string) (string, bool) {
	vs := u.Query[key]
	if len(vs) == 0 {
		return "", false
	}
	return vs[len(vs)-1], true
}
