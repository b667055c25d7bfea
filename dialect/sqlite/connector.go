package sqlite

import (
	"database/sql/driver"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/go-alchemy/alchemy/dialect"
	modernc "modernc.org/sqlite"
)

// DefaultBusyTimeout is how long a connection waits for another's lock before it
// fails with SQLITE_BUSY, unless busy_timeout or timeout says otherwise. It is the
// 5 seconds of Python's sqlite3, which SQLAlchemy users already have.
const DefaultBusyTimeout = 5 * time.Second

// options lists every option, each with its check. A check returns the value to use
// (normalised) or an error.
var options = map[string]func(string) (string, error){
	"foreign_keys":      boolOption,
	"journal_mode":      enumOption("delete", "truncate", "persist", "memory", "wal", "off"),
	"synchronous":       enumOption("off", "normal", "full", "extra", "0", "1", "2", "3"),
	"busy_timeout":      millisOption,
	"timeout":           secondsOption,
	"txlock":            enumOption("deferred", "immediate", "exclusive"),
	"mode":              enumOption("ro", "rw", "rwc", "memory"),
	"cache":             enumOption("shared", "private"),
	"immutable":         boolOption,
	"nolock":            boolOption,
	"uri":               boolOption,
	"check_same_thread": boolOption,
}

// pragmaKeys maps the pragma options to the driver's DSN keys; the driver validates,
// and runs them on every new connection, busy_timeout first.
var pragmaKeys = map[string]string{
	"busy_timeout": "_busy_timeout",
	"foreign_keys": "_foreign_keys",
	"journal_mode": "_journal_mode",
	"synchronous":  "_synchronous",
	"txlock":       "_txlock",
}

// uriKeys are SQLite's own URI parameters.
var uriKeys = []string{"cache", "immutable", "mode", "nolock"}

// NewConnector returns a driver.Connector for the database DSN describes.
func NewConnector(u dialect.URL, connectArgs map[string]any) (driver.Connector, error) {
	dsn, err := DSN(u, connectArgs)
	if err != nil {
		return nil, err
	}
	c, err := modernc.NewConnector(dsn)
	if err != nil {
		return nil, fmt.Errorf("alchemy: sqlite: %w", err)
	}
	return c, nil
}

// DSN builds the modernc.org/sqlite data source name for u: always a "file:" URI, so
// that SQLite's own URI parameters work for plain paths too. The database is a file
// path, relative ("sqlite:///relative.db") or absolute ("sqlite:////absolute.db"),
// or a memory database when it is "" or ":memory:". With uri=true the database is
// already an SQLite URI ("sqlite:///file:data.db?mode=ro&uri=true"). Connect
// arguments override the query. An unknown option or an invalid value is an error
// naming it.
func DSN(u dialect.URL, connectArgs map[string]any) (string, error) {
	if u.Username != "" || u.Password != "" || u.Host != "" || u.Port != 0 {
		return "", errors.New("alchemy: sqlite: an SQLite URL names no user, password, host or port " +
			"(want sqlite:///relative.db, sqlite:////absolute/path.db, or sqlite:// for memory)")
	}
	opts, err := gather(u, connectArgs)
	if err != nil {
		return "", err
	}

	var b strings.Builder
	b.WriteString("file:")
	switch {
	case opts["uri"] == "1":
		if !strings.HasPrefix(u.Database, "file:") {
			return "", fmt.Errorf("alchemy: sqlite: option uri=true: the database %q is not a \"file:\" URI", u.Database)
		}
		b.WriteString(strings.TrimPrefix(u.Database, "file:"))
	case u.Database == "" || u.Database == ":memory:":
		b.WriteString(":memory:")
	case strings.HasPrefix(u.Database, "/"):
		b.WriteString("//") // an empty authority, then the absolute path
		b.WriteString(escapePath(u.Database))
	default:
		b.WriteString(escapePath(u.Database))
	}

	if _, ok := opts["busy_timeout"]; !ok {
		opts["busy_timeout"] = strconv.FormatInt(DefaultBusyTimeout.Milliseconds(), 10)
	}
	sep := byte('?')
	param := func(k, v string) {
		b.WriteByte(sep)
		sep = '&'
		b.WriteString(k)
		b.WriteByte('=')
		b.WriteString(v)
	}
	for _, k := range uriKeys {
		if v, ok := opts[k]; ok {
			if k == "immutable" || k == "nolock" {
				if v == "0" {
					continue
				}
			}
			param(k, v)
		}
	}
	for _, k := range slices.Sorted(maps.Keys(pragmaKeys)) {
		if v, ok := opts[k]; ok {
			param(pragmaKeys[k], v)
		}
	}
	return b.String(), nil
}

// gather merges the query with the connect arguments and checks every option.
func gather(u dialect.URL, connectArgs map[string]any) (map[string]string, error) {
	raw := map[string]string{}
	for _, k := range slices.Sorted(maps.Keys(u.Query)) {
		name := strings.ToLower(k)
		for _, v := range u.Query[k] {
			if old, dup := raw[name]; dup && old != v {
				return nil, dialect.Setting{Dialect: "sqlite", Key: name, Origin: dialect.FromQuery}.Errorf("is given twice (%q and %q)", old, v)
			}
			raw[name] = v
		}
	}
	for _, k := range slices.Sorted(maps.Keys(connectArgs)) {
		name := strings.ToLower(k)
		v := connectArgs[k]
		if v == nil {
			delete(raw, name) // a nil connect argument removes the URL's option
			continue
		}
		s, err := argString(dialect.Setting{Dialect: "sqlite", Key: name, Value: v, Origin: dialect.FromArgs})
		if err != nil {
			return nil, err
		}
		raw[name] = s
	}

	var unknown []string
	for name := range raw {
		if _, ok := options[name]; !ok {
			unknown = append(unknown, strconv.Quote(name))
		}
	}
	if len(unknown) > 0 {
		slices.Sort(unknown)
		return nil, fmt.Errorf("alchemy: sqlite: unknown option %s (known: %s)", strings.Join(unknown, ", "),
			strings.Join(slices.Sorted(maps.Keys(options)), ", "))
	}
	opts := map[string]string{}
	for _, name := range slices.Sorted(maps.Keys(raw)) {
		v, err := options[name](raw[name])
		if err != nil {
			s := dialect.Setting{Dialect: "sqlite", Key: name, Value: raw[name]}
			return nil, s.Errorf("%w, not %s", err, s.Shown())
		}
		opts[name] = v
	}
	if t, ok := opts["timeout"]; ok {
		if _, both := opts["busy_timeout"]; both {
			return nil, errors.New("alchemy: sqlite: options timeout and busy_timeout both set the busy timeout: give one")
		}
		opts["busy_timeout"] = t
		delete(opts, "timeout")
	}
	delete(opts, "check_same_thread") // Python's thread check; Go has nothing to check
	return opts, nil
}

// isMemory reports whether u names a memory database.
func isMemory(u dialect.URL) bool {
	if m, _ := u.QueryValue("mode"); strings.EqualFold(m, "memory") {
		return true
	}
	if uri, _ := u.QueryValue("uri"); uri != "" {
		if b, ok := dialect.ParseBool(uri); ok && b {
			return strings.HasPrefix(u.Database, "file::memory:")
		}
	}
	return u.Database == "" || u.Database == ":memory:"
}

// escapePath escapes what an SQLite URI path may not hold as it is.
func escapePath(p string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(p); i++ {
		c := p[i]
		if c == '%' || c == '?' || c == '#' || c <= ' ' || c >= 0x7f {
			b.WriteByte('%')
			b.WriteByte(hex[c>>4])
			b.WriteByte(hex[c&15])
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}

func boolOption(s string) (string, error) {
	b, ok := dialect.ParseBool(s)
	if !ok {
		return "", errors.New("want true or false")
	}
	if b {
		return "1", nil
	}
	return "0", nil
}

func enumOption(allowed ...string) func(string) (string, error) {
	return func(s string) (string, error) {
		l := strings.ToLower(s)
		if slices.Contains(allowed, l) {
			return l, nil
		}
		return "", fmt.Errorf("want one of %s", strings.Join(allowed, ", "))
	}
}

func millisOption(s string) (string, error) {
	n, err := strconv.ParseInt(s, 10, 32)
	if err != nil || n < 0 {
		return "", errors.New("want whole milliseconds, 0 or more")
	}
	return strconv.FormatInt(n, 10), nil
}

// secondsOption reads pysqlite's timeout, in seconds, as milliseconds.
func secondsOption(s string) (string, error) {
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || f < 0 || f > float64(1<<31-1)/1000 {
		return "", errors.New("want seconds, 0 or more")
	}
	return strconv.FormatInt(int64(f*1000+0.5), 10), nil
}

// argString turns a typed connect argument into the string form of the option. A
// time.Duration is whole milliseconds for busy_timeout and seconds for timeout.
func argString(arg dialect.Setting) (string, error) {
	if str, ok := dialect.FormatArg(arg.Value); ok {
		return str, nil
	}
	if x, ok := arg.Value.(time.Duration); ok {
		switch arg.Key {
		case "busy_timeout":
			if x < 0 || x%time.Millisecond != 0 {
				return "", arg.Errorf("%v is not whole milliseconds, 0 or more", x)
			}
			return strconv.FormatInt(x.Milliseconds(), 10), nil
		case "timeout":
			return strconv.FormatFloat(x.Seconds(), 'f', -1, 64), nil
		}
	}
	return "", arg.Errorf("unsupported type %T", arg.Value)
}
