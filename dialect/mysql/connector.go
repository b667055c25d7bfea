package mysql

import (
	"database/sql/driver"
	"fmt"
	"maps"
	"net"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/go-alchemy/alchemy/dialect"
	gomysql "github.com/go-sql-driver/mysql"
)

// Defaults that differ from, or are chosen among, the driver's own.
const (
	// DefaultHost is the host when the URL names none, as in PyMySQL. It is reached
	// over TCP; give unix_socket for a Unix socket.
	DefaultHost = "localhost"
	// DefaultPort is the port when the URL names none.
	DefaultPort = 3306
	// DefaultCharset is the connection character set: all of Unicode.
	DefaultCharset = "utf8mb4"
	// DefaultConnectTimeout bounds dialing the server, as PyMySQL's connect_timeout.
	DefaultConnectTimeout = 10 * time.Second
)

// NewConnector turns a URL and connect arguments into a driver.Connector of
// github.com/go-sql-driver/mysql: Config, then the driver's NewConnector. No error it
// returns contains the password.
func NewConnector(u dialect.URL, connectArgs map[string]any) (driver.Connector, error) {
	cfg, err := Config(u, connectArgs)
	if err != nil {
		return nil, err
	}
	c, err := gomysql.NewConnector(cfg)
	if err != nil {
		return nil, fmt.Errorf("alchemy: mysql: %w", err)
	}
	return c, nil
}

// Config builds the driver's configuration for a URL and connect arguments, which
// take the same names as the URL query and override it. The caller may adjust the
// result (a Logger, a DialFunc) and pass it to the driver's NewConnector.
//
// Any query name that is not an option (see Dialect.Options) and is a plain
// identifier becomes a session system variable, set when each connection opens; a
// value that is not a number or a bare word is sent as a quoted string. An option the
// Go driver cannot honour, or a value that does not fit its option, is an error
// naming the option. No error contains the password.
func Config(u dialect.URL, connectArgs map[string]any) (*gomysql.Config, error) {
	opts, sysvars, err := collect(u, connectArgs)
	if err != nil {
		return nil, err
	}
	b := &builder{
		cfg:       gomysql.NewConfig(),
		host:      u.Host,
		port:      u.Port,
		charset:   DefaultCharset,
		sysvarSet: make(map[string]string),
	}
	b.cfg.User = u.Username
	b.cfg.Passwd = u.Password
	b.cfg.DBName = u.Database
	b.cfg.ParseTime = true
	b.cfg.ClientFoundRows = true
	b.cfg.Timeout = DefaultConnectTimeout

	for _, name := range slices.Sorted(maps.Keys(opts)) {
		s := opts[name]
		if err := byName[name].apply(b, s); err != nil {
			return nil, err
		}
	}
	for _, name := range slices.Sorted(maps.Keys(sysvars)) {
		s := sysvars[name]
		v, err := sysvarValue(s)
		if err != nil {
			return nil, err
		}
		b.sysvarSet[name] = v
	}
	if err := b.finish(); err != nil {
		return nil, err
	}
	return b.cfg, nil
}

// builder gathers what the options say before it is written into the Config.
type builder struct {
	cfg       *gomysql.Config
	host      string
	port      int
	socket    string
	charset   string
	collation string
	tls       tlsSettings
	sysvarSet map[string]string
}

func (b *builder) finish() error {
	host, port := b.host, b.port
	if host == "" {
		host = DefaultHost
	}
	if port == 0 {
		port = DefaultPort
	}
	if b.socket != "" {
		b.cfg.Net = "unix"
		b.cfg.Addr = b.socket
	} else {
		b.cfg.Net = "tcp"
		b.cfg.Addr = net.JoinHostPort(host, strconv.Itoa(port))
	}
	if err := b.tls.apply(b.cfg, host); err != nil {
		return err
	}
	if err := b.cfg.Apply(gomysql.Charset(b.charset, b.collation)); err != nil {
		return fmt.Errorf("alchemy: mysql: charset: %w", err)
	}
	if len(b.sysvarSet) > 0 {
		b.cfg.Params = b.sysvarSet
	}
	return nil
}

// setting is one option as the caller gave it.
type setting struct {
	key   string // as spelled by the caller
	value any    // a string from the URL; any type from connect arguments
	args  bool   // from connect arguments rather than the URL query
	// secret hides the value from error messages.
	secret bool
}

func (s setting) errorf(format string, a ...any) error {
	where := "query option"
	if s.args {
		where = "connect argument"
	}
	return fmt.Errorf("alchemy: mysql: %s %q: "+format, append([]any{where, s.key}, a...)...)
}

// shown renders the value for an error message, or hides it.
func (s setting) shown() string {
	if s.secret {
		return "(hidden)"
	}
	if str, ok := s.value.(string); ok {
		return strconv.Quote(str)
	}
	return fmt.Sprintf("%v (%T)", s.value, s.value)
}

// collect resolves the URL query and the connect arguments into options and system
// variables, keyed by lower-case name. A connect argument overrides the query; two
// spellings of one option from the same source are an error.
func collect(u dialect.URL, args map[string]any) (opts, sysvars map[string]setting, err error) {
	opts = make(map[string]setting)
	sysvars = make(map[string]setting)
	add := func(s setting) error {
		lower := strings.ToLower(s.key)
		if reason, bad := unsupported[lower]; bad {
			return s.errorf("is not supported by the Go driver: %s", reason)
		}
		target, name := sysvars, lower
		if o, ok := lookup[lower]; ok {
			target, name = opts, o.name
			s.secret = o.secret
		} else if !isIdentifier(s.key) {
			return s.errorf("is neither an option nor a system variable name")
		}
		if prev, dup := target[name]; dup && prev.args == s.args {
			return s.errorf("sets what %q sets already; give one of them", prev.key)
		}
		target[name] = s
		return nil
	}
	for _, k := range slices.Sorted(maps.Keys(u.Query)) {
		vs := u.Query[k]
		v := ""
		if len(vs) > 0 {
			v = vs[len(vs)-1]
		}
		if err := add(setting{key: k, value: v}); err != nil {
			return nil, nil, err
		}
	}
	for _, k := range slices.Sorted(maps.Keys(args)) {
		if err := add(setting{key: k, value: args[k], args: true}); err != nil {
			return nil, nil, err
		}
	}
	return opts, sysvars, nil
}

// isIdentifier reports whether s is a plain SQL name: a letter or underscore, then
// letters, digits and underscores.
func isIdentifier(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c == '_':
		case c >= '0' && c <= '9' && i > 0:
		default:
			return false
		}
	}
	return true
}

// isNumber reports whether s is a plain decimal number, as "60", "-1" or "0.5".
func isNumber(s string) bool {
	t := strings.TrimPrefix(s, "-")
	if t == "" {
		return false
	}
	dot := false
	for i := 0; i < len(t); i++ {
		switch c := t[i]; {
		case c >= '0' && c <= '9':
		case c == '.' && !dot && i > 0 && i < len(t)-1:
			dot = true
		default:
			return false
		}
	}
	return true
}

// sysvarValue renders a system variable's value as SQL for the driver's
// "SET name = value": numbers and bare words (ON, TRADITIONAL) as they are, a value
// already in single quotes as it is, anything else quoted. A value that cannot be
// quoted safely whatever the server's sql_mode (a backslash, a control character) is
// an error.
func sysvarValue(s setting) (string, error) {
	switch v := s.value.(type) {
	case string:
		switch {
		case isNumber(v), isIdentifier(v):
			return v, nil
		case strings.ContainsAny(v, "\\\x00") || strings.ContainsFunc(v, func(r rune) bool { return r < 0x20 || r == 0x7f }):
			return "", s.errorf("system variable value %s holds a backslash or a control character", s.shown())
		case len(v) >= 2 && v[0] == '\'' && v[len(v)-1] == '\'':
			if strings.Contains(strings.ReplaceAll(v[1:len(v)-1], "''", ""), "'") {
				return "", s.errorf("system variable value %s has an unpaired quote inside its quotes", s.shown())
			}
			return v, nil
		default:
			return "'" + strings.ReplaceAll(v, "'", "''") + "'", nil
		}
	case bool:
		if v {
			return "ON", nil
		}
		return "OFF", nil
	case int, int8, int16, int32, int64, uint, uint8, uint16, uint32, uint64:
		return fmt.Sprint(v), nil
	case float32, float64:
		return fmt.Sprint(v), nil
	}
	return "", s.errorf("a system variable takes a string, a number or a bool, not %T", s.value)
}
